"""The catalog: what a database holds, as plain values every layer can read.

Introspection lives in each database module; this module only defines the shape, so the guard,
retrieval and prompts never depend on which engine produced it.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Column:
    """One column; `samples` holds a few distinct values of low-cardinality text columns."""

    name: str
    type: str
    comment: str | None = None
    nullable: bool = True
    samples: tuple[str, ...] = ()


@dataclass(frozen=True)
class ForeignKey:
    """`columns` of the owning table reference `ref_columns` of `ref_table` (schema-qualified)."""

    columns: tuple[str, ...]
    ref_table: str
    ref_columns: tuple[str, ...]


@dataclass(frozen=True)
class JoinHint:
    """Two columns that can be joined, from a foreign key or from the sidecar context file."""

    left: str  # "schema.table.column"
    right: str
    source: str = "foreign_key"  # or "context"

    def render(self) -> str:
        return f"-- {_short(self.left)} can be joined with {_short(self.right)}"


def _short(qualified: str) -> str:
    """Drop the schema part of `schema.table.column` when it is DuckDB's default `main`."""
    parts = qualified.split(".")
    if len(parts) == 3 and parts[0] in ("main", "public"):
        return ".".join(parts[1:])
    return qualified


@dataclass(frozen=True)
class Table:
    """A table or view; `name` is unqualified, `schema` its schema, `qualified` both."""

    schema: str
    name: str
    columns: tuple[Column, ...]
    comment: str | None = None
    primary_key: tuple[str, ...] = ()
    foreign_keys: tuple[ForeignKey, ...] = ()
    row_count: int | None = None
    row_count_estimated: bool = False
    kind: str = "table"  # or "view"

    @property
    def qualified(self) -> str:
        return f"{self.schema}.{self.name}"

    def column(self, name: str) -> Column | None:
        lowered = name.lower()
        for col in self.columns:
            if col.name.lower() == lowered:
                return col
        return None


@dataclass(frozen=True)
class Context:
    """What the schema cannot say, from the sidecar `<db>.context.toml` file."""

    glossary: str = ""
    instructions: str = ""
    table_descriptions: dict[str, str] = field(default_factory=dict)
    column_descriptions: dict[str, str] = field(default_factory=dict)  # "table.column" -> text
    join_hints: tuple[JoinHint, ...] = ()


@dataclass(frozen=True)
class Catalog:
    """All tables visible to the analyst, after exclusions; `dialect` is sqlglot's name."""

    dialect: str
    tables: tuple[Table, ...]
    context: Context = field(default_factory=Context)
    default_schema: str = "main"

    def find(self, name: str, schema: str | None = None) -> Table | None:
        """Find a table by the engine's rules: DuckDB matches case-insensitively, even quoted."""
        lowered = name.lower()
        wanted_schema = schema.lower() if schema else None
        matches = [
            t
            for t in self.tables
            if t.name.lower() == lowered
            and (wanted_schema is None or t.schema.lower() == wanted_schema)
        ]
        if wanted_schema is None and len(matches) > 1:
            preferred = [t for t in matches if t.schema.lower() == self.default_schema.lower()]
            if preferred:
                return preferred[0]
        return matches[0] if matches else None

    def join_hints(self) -> tuple[JoinHint, ...]:
        """Join hints from foreign keys first, then from the context file, without repeats."""
        hints: list[JoinHint] = []
        seen: set[frozenset[str]] = set()
        for table in self.tables:
            for fk in table.foreign_keys:
                for col, ref_col in zip(fk.columns, fk.ref_columns):
                    hint = JoinHint(f"{table.qualified}.{col}", f"{fk.ref_table}.{ref_col}")
                    key = frozenset((hint.left.lower(), hint.right.lower()))
                    if key not in seen:
                        seen.add(key)
                        hints.append(hint)
        for hint in self.context.join_hints:
            key = frozenset((hint.left.lower(), hint.right.lower()))
            if key not in seen:
                seen.add(key)
                hints.append(hint)
        return tuple(hints)


def without_tables(catalog: Catalog, patterns: tuple[str, ...]) -> Catalog:
    """Drop tables matching any pattern (`name`, `schema.name`, shell wildcards, any case).

    Excluded tables are never retrieved, shown or queryable: the guard's allowlist is this catalog.
    """
    if not patterns:
        return catalog
    from fnmatch import fnmatchcase

    lowered = [p.lower() for p in patterns]

    def excluded(table: Table) -> bool:
        names = (table.name.lower(), table.qualified.lower())
        return any(fnmatchcase(n, p) for p in lowered for n in names)

    kept = tuple(t for t in catalog.tables if not excluded(t))
    return Catalog(catalog.dialect, kept, catalog.context, catalog.default_schema)


def without_samples(catalog: Catalog) -> Catalog:
    """The same catalog with no sample values: for `--no-data-to-model`, where no cell leaves."""
    from dataclasses import replace

    tables = tuple(replace(t, columns=tuple(replace(c, samples=()) for c in t.columns)) for t in catalog.tables)
    return replace(catalog, tables=tables)
