"""Names as the engines read them: folding, which catalog table a written name is, and what the
model reads when a name is not there.

Names are matched by the engine's rules, because the guard must see the same table the engine
will read: DuckDB matches identifiers case-insensitively even when quoted; PostgreSQL folds
unquoted names to lower case and keeps quoted ones exact. A leaf of the guard (it needs only
`problems`), so the DuckDB cross-check beside its backend resolves names exactly as the rules do.
"""

from __future__ import annotations

import re
import threading
import weakref
from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

from sqlglot import exp

from tools.catalog import Catalog, Table
from tools.guard.problems import Problem

SYSTEM_SCHEMAS = frozenset(
    {"information_schema", "pg_catalog", "pg_toast", "system", "temp", "mysql", "performance_schema", "sys"}
)
SYSTEM_PREFIXES = ("duckdb_", "pragma_", "sqlite_", "pg_")
_PATH_LIKE = re.compile(r"[/\\.:~*?]")

_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


def fold(name: str) -> str:
    """Lower-case ASCII letters only, as both engines do (Python's `lower` maps the Kelvin sign
    to `k`; DuckDB and PostgreSQL do not)."""
    return name.translate(_ASCII_LOWER)


def normalize(ident: exp.Identifier | str | None, dialect: str) -> str | None:
    """The engine's comparison key for a written identifier."""
    if ident is None:
        return None
    if isinstance(ident, str):
        return fold(ident)
    if dialect == "postgres" and ident.quoted:
        return ident.name
    return fold(ident.name)


def catalog_key(name: str, dialect: str) -> str:
    """The comparison key of a name as the catalog stores it (exact, as created)."""
    return name if dialect == "postgres" else fold(name)


def is_system_relation(name: str, schema: str | None) -> bool:
    """System catalogs and engine views: never analyst data."""
    lowered_schema = (schema or "").lower()
    if lowered_schema in SYSTEM_SCHEMAS or lowered_schema.startswith(("pg_temp", "pg_toast")):
        return True
    return name.lower().startswith(SYSTEM_PREFIXES) or name.lower() == "information_schema"


T = TypeVar("T")


class PerCatalog(Generic[T]):
    """A value derived from one catalog under one dialect, built once per catalog object and
    dropped with it.

    What every check of one catalog shares (tables by name key, sqlglot's schema) costs
    milliseconds per check on a small catalog and seconds on a large one; catalogs are frozen,
    so the value never goes stale. Keyed by identity: the weak reference confirms the entry is
    this catalog's, not a dead one's whose id was reused.
    """

    def __init__(self, build: Callable[[Catalog, str], T]) -> None:
        self._build = build
        self._held: dict[tuple[int, str], tuple[weakref.ref[Catalog], T]] = {}
        self._lock = threading.Lock()

    def __call__(self, catalog: Catalog, dialect: str) -> T:
        key = (id(catalog), dialect)
        with self._lock:
            held = self._held.get(key)
            if held is not None and held[0]() is catalog:
                return held[1]
        value = self._build(catalog, dialect)

        def forget(_dead: weakref.ref[Catalog]) -> None:
            self._held.pop(key, None)

        with self._lock:
            self._held[key] = (weakref.ref(catalog, forget), value)
        return value


def _index_by_name(catalog: Catalog, dialect: str) -> dict[str, list[Table]]:
    """Tables by name key; scanning every table per name is slow on thousands of tables."""
    by_name: dict[str, list[Table]] = {}
    for table in catalog.tables:
        by_name.setdefault(catalog_key(table.name, dialect), []).append(table)
    return by_name


_tables_by_name = PerCatalog(_index_by_name)


@dataclass(frozen=True)
class TableRef:
    """What a table reference resolved to: a catalog table, a name without catalog, or a problem."""

    qualified: str | None
    table: Table | None = None
    problem: Problem | None = None


def resolve_name(name: str, quoted: bool, schema: str | None, catalog: Catalog | None, dialect: str) -> TableRef:
    """Resolve one relation name (already split into schema and name) against the catalog."""
    written_key = name if (dialect == "postgres" and quoted) else fold(name)
    schema_key = fold(schema) if schema is not None and dialect != "postgres" else schema
    matches: list[Table] = []
    named: list[Table] = []  # catalog tables with this name, in any schema
    if catalog is not None:
        named = _tables_by_name(catalog, dialect).get(written_key, [])
        wanted = schema_key if schema is not None else catalog_key(catalog.default_schema, dialect)
        matches = [table for table in named if catalog_key(table.schema, dialect) == wanted]
    if matches and not (schema is None and name.lower().startswith(SYSTEM_PREFIXES)):
        return TableRef(matches[0].qualified, matches[0])
    shown = f"{schema}.{name}" if schema else name
    if catalog is not None and matches:
        return TableRef(
            None,
            problem=Problem(
                "system_catalog",
                f"{shown} looks like a system view; write it with its schema, {matches[0].qualified}.",
            ),
        )
    if is_system_relation(name, schema):
        return TableRef(
            None,
            problem=Problem(
                "system_catalog",
                f"{shown} is a system catalog or engine view, which the analyst may not read. "
                f"Query the data tables instead.{_table_list(catalog)}",
            ),
        )
    if quoted and _PATH_LIKE.search(name):
        return TableRef(
            None,
            problem=Problem(
                "file_path_table",
                "A quoted file path or URL in FROM reads a file, which is not allowed. "
                f"Query the data tables instead.{_table_list(catalog)}",
            ),
        )
    if catalog is None:
        return TableRef(shown)
    if schema is None and named:
        return TableRef(
            None,
            problem=Problem(
                "unknown_table",
                f"Table {name} is not in the default schema; write it as {named[0].qualified}.",
            ),
        )
    return TableRef(
        None,
        problem=Problem(
            "unknown_table",
            f"Table {shown} does not exist or is not available to the analyst."
            f"{_did_you_mean(shown, _table_names(catalog))}{_table_list(catalog)}",
        ),
    )


def table_ref(table: exp.Table, catalog: Catalog | None, dialect: str) -> TableRef:
    """Resolve an `exp.Table` whose `this` is an identifier (not a table function)."""
    ident = table.this
    db = table.args.get("db")
    catalog_part = table.args.get("catalog")
    if catalog_part is not None:
        return TableRef(
            None,
            problem=Problem(
                "system_catalog" if (catalog_part.name.lower() in SYSTEM_SCHEMAS) else "unknown_table",
                f"Database-qualified names such as {table.sql()} are not allowed; write schema.table or just table.",
            ),
        )
    schema = db.name if isinstance(db, exp.Identifier) else None
    schema_quoted = bool(isinstance(db, exp.Identifier) and db.quoted)
    if schema is not None and dialect == "postgres" and not schema_quoted:
        schema = fold(schema)
    return resolve_name(ident.name, bool(ident.quoted), schema, catalog, dialect)


def unknown_column_message(name: str, in_scope: list[Table]) -> str:
    """What the model reads for a column that is not there; hidden columns get the same text, so
    the message never confirms that a hidden column exists (suggestions come from visible ones)."""
    columns = list(dict.fromkeys(c.name for t in in_scope for c in t.columns))
    where = ", ".join(t.name for t in in_scope) or "the tables in scope"
    listing = "; ".join(f"{t.name} has: {', '.join(c.name for c in t.columns[:40])}" for t in in_scope[:4])
    return (
        f"Column {name} does not exist in {where}.{_did_you_mean(name, columns)}"
        f"{' (' + listing + ')' if listing else ''}"
    )


def _table_names(catalog: Catalog) -> list[str]:
    default = catalog.default_schema.lower()
    return [t.name if t.schema.lower() == default else t.qualified for t in catalog.tables]


def _table_list(catalog: Catalog | None, limit: int = 25) -> str:
    if catalog is None or not catalog.tables:
        return ""
    names = _table_names(catalog)
    more = f", … ({len(names) - limit} more)" if len(names) > limit else ""
    return f" Available tables: {', '.join(names[:limit])}{more}."


def _did_you_mean(written: str, choices: list[str]) -> str:
    from rapidfuzz import fuzz, process  # only needed when something is misspelt

    hits = process.extract(
        written.lower(),
        {c: c.lower() for c in choices},
        scorer=fuzz.WRatio,
        limit=3,
        score_cutoff=60,
    )
    return f" Did you mean: {', '.join(hit[2] for hit in hits)}?" if hits else ""
