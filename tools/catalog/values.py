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
    # Columns left out by `--exclude-column`: never shown; the guard refuses any query that names
    # them or could read them through `*` or the whole row.
    hidden_columns: tuple[str, ...] = ()

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
    # Lower-cased names of functions and macros the database defines itself: they can shadow or
    # overload built-ins the guard allows (a DuckDB macro named `upper`, a PostgreSQL
    # `public.upper(integer)`), so calls to these names are refused.
    user_functions: frozenset[str] = frozenset()
    # PostgreSQL: lower-cased names of the types a cast may name that sqlglot does not know
    # (enums, domains, extension types), i.e. every type except the row types of tables and views.
    # `(NULL::customers).email` would confirm a hidden column's or an excluded table's name, so a
    # cast to any other name is refused the same way. Empty: no such check (DuckDB).
    cast_types: frozenset[str] = frozenset()
    # PostgreSQL: the database's own operators (their symbols) and casts (the names of the types
    # they convert to, and whether one may apply without being written): each runs a function of
    # the database, so the guard refuses SQL that could resolve to one (`tools.guard.code`).
    user_operators: frozenset[str] = frozenset()
    user_cast_targets: frozenset[str] = frozenset()
    implicit_user_casts: bool = False
    # Exclusion patterns that match nothing in the database, as (flag, pattern): a typo in one
    # would leave exposed what it meant to hide, so the shell warns (see `exclusion_warnings`).
    unmatched_exclusions: tuple[tuple[str, str], ...] = ()
    # What an exclusion took with it beyond what its pattern names (a parent table that returns an
    # excluded child's rows, a generated column computed from a hidden one), one line each, so the
    # person learns why a table or column they did not name is missing (`tools.catalog.derived`).
    exclusion_notes: tuple[str, ...] = ()

    def find(self, name: str, schema: str | None = None) -> Table | None:
        """Find a table by the engine's rules: DuckDB matches case-insensitively, even quoted."""
        lowered = name.lower()
        wanted_schema = schema.lower() if schema else None
        matches = [
            t
            for t in self.tables
            if t.name.lower() == lowered and (wanted_schema is None or t.schema.lower() == wanted_schema)
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
