"""Catalog checks for the SQL guard: which tables a query may name, and which columns exist.

Names are matched by the engine's rules, because the guard must see the same table the engine
will read: DuckDB matches identifiers case-insensitively even when quoted; PostgreSQL folds
unquoted names to lower case and keeps quoted ones exact. Problems come back as `(code, message)`
pairs so this module stays below `tools.guard` (which wraps them) and `tools.databases.duckdb_check`.
Hidden (`--exclude-column`) columns have their own check in `tools.guard.hidden`.
"""

from __future__ import annotations

import functools
import re
import threading
import weakref
from dataclasses import dataclass

from sqlglot import exp
from sqlglot.errors import OptimizeError
from sqlglot.optimizer.qualify import qualify
from sqlglot.schema import MappingSchema

from tools.catalog import Catalog, Table

ProblemSpec = tuple[str, str]

SYSTEM_SCHEMAS = frozenset({"information_schema", "pg_catalog", "pg_toast", "system", "temp"})
SYSTEM_PREFIXES = ("duckdb_", "pragma_", "sqlite_", "pg_")
_PATH_LIKE = re.compile(r"[/\\.:~*?]")
_PSEUDO_COLUMNS = {
    "duckdb": frozenset({"rowid"}),
    "postgres": frozenset({"ctid", "xmin", "xmax", "cmin", "cmax", "tableoid"}),
}
_QUALIFY_COLUMN = re.compile(
    r"Column '(?P<a>.+?)' could not be resolved(?: for table: '(?P<t>.+?)')?"
    r"|Unknown column: (?P<b>\S+)|Ambiguous column '(?P<c>.+?)'"
)


@dataclass(frozen=True)
class TableRef:
    """What a table reference resolved to: a catalog table, a name without catalog, or a problem."""

    qualified: str | None
    table: Table | None = None
    problem: ProblemSpec | None = None


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


def resolve_name(name: str, quoted: bool, schema: str | None, catalog: Catalog | None, dialect: str) -> TableRef:
    """Resolve one relation name (already split into schema and name) against the catalog."""
    written_key = name if (dialect == "postgres" and quoted) else fold(name)
    schema_key = fold(schema) if schema is not None and dialect != "postgres" else schema
    matches: list[Table] = []
    named: list[Table] = []  # catalog tables with this name, in any schema
    if catalog is not None:
        named = _prepared(catalog, dialect).by_name.get(written_key, [])
        wanted = schema_key if schema is not None else catalog_key(catalog.default_schema, dialect)
        matches = [table for table in named if catalog_key(table.schema, dialect) == wanted]
    if matches and not (schema is None and name.lower().startswith(SYSTEM_PREFIXES)):
        return TableRef(matches[0].qualified, matches[0])
    shown = f"{schema}.{name}" if schema else name
    if catalog is not None and matches:
        return TableRef(
            None,
            problem=(
                "system_catalog",
                f"{shown} looks like a system view; write it with its schema, {matches[0].qualified}.",
            ),
        )
    if is_system_relation(name, schema):
        return TableRef(
            None,
            problem=(
                "system_catalog",
                f"{shown} is a system catalog or engine view, which the analyst may not read. "
                f"Query the data tables instead.{_table_list(catalog)}",
            ),
        )
    if quoted and _PATH_LIKE.search(name):
        return TableRef(
            None,
            problem=(
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
            problem=(
                "unknown_table",
                f"Table {name} is not in the default schema; write it as {named[0].qualified}.",
            ),
        )
    return TableRef(
        None,
        problem=(
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
            problem=(
                "system_catalog" if (catalog_part.name.lower() in SYSTEM_SCHEMAS) else "unknown_table",
                f"Database-qualified names such as {table.sql()} are not allowed; write schema.table or just table.",
            ),
        )
    schema = db.name if isinstance(db, exp.Identifier) else None
    schema_quoted = bool(isinstance(db, exp.Identifier) and db.quoted)
    if schema is not None and dialect == "postgres" and not schema_quoted:
        schema = fold(schema)
    return resolve_name(ident.name, bool(ident.quoted), schema, catalog, dialect)


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


def column_problems(tree: exp.Expression, catalog: Catalog, dialect: str, in_scope: list[Table]) -> list[ProblemSpec]:
    """Unknown or ambiguous columns, found by running sqlglot's `qualify` on a copy.

    `qualify` also fails on constructs it does not model; those failures are ignored, so valid
    SQL is never blocked here (the engine still reports real errors at run time).
    """
    try:
        qualify(
            tree.copy(),
            schema=_prepared(catalog, dialect).schema(),
            dialect=dialect,
            db=catalog.default_schema,
            validate_qualify_columns=True,
        )
        return []
    except OptimizeError as error:
        match = _QUALIFY_COLUMN.search(str(error))
    except Exception:
        return []
    if match is None:
        return []
    name = match.group("a") or match.group("b") or match.group("c")
    table_alias = match.group("t")
    lowered = name.lower()
    holders = [t for t in in_scope if t.column(name) is not None]
    known = _names_defined_in(tree) | _PSEUDO_COLUMNS.get(dialect, frozenset())
    if table_alias and table_alias.lower() not in _relation_names(tree) | known:
        return [
            (
                "unknown_column",
                f"{table_alias}.{name} uses {table_alias}, which is not a table or alias in the "
                "FROM clause; use one of the aliases defined there.",
            )
        ]
    if len(holders) >= 2 and not table_alias:
        first = holders[0].name
        return [
            (
                "ambiguous_column",
                f"Column {name} exists in more than one table "
                f"({', '.join(t.name for t in holders)}); qualify it, e.g. {first}.{name}.",
            )
        ]
    if holders or lowered in known:
        return []
    return [("unknown_column", unknown_column_message(name, in_scope))]


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


class _Prepared:
    """What every check of one catalog shares: tables by name key, and sqlglot's schema.

    Building the schema parses every column type and normalizes every name, which costs
    milliseconds per check on a small catalog and seconds on a large one; `qualify` only reads it
    (its caches are memos). Scanning every table per name is slow on thousands of tables.
    """

    def __init__(self, catalog: Catalog, dialect: str) -> None:
        self.by_name: dict[str, list[Table]] = {}
        for table in catalog.tables:
            self.by_name.setdefault(catalog_key(table.name, dialect), []).append(table)
        self._catalog = weakref.ref(catalog)
        self._dialect = dialect
        self._schema: MappingSchema | None = None

    def schema(self) -> MappingSchema:
        if self._schema is None:
            catalog = self._catalog()
            assert catalog is not None  # the cache entry goes with the catalog
            self._schema = MappingSchema(_qualify_schema(catalog), dialect=self._dialect)
        return self._schema


_PREPARED: dict[tuple[int, str], tuple[weakref.ref[Catalog], _Prepared]] = {}
_PREPARED_LOCK = threading.Lock()


def _prepared(catalog: Catalog, dialect: str) -> _Prepared:
    """The shared state of `catalog` under `dialect`, built once per catalog object."""
    key = (id(catalog), dialect)
    with _PREPARED_LOCK:
        held = _PREPARED.get(key)
        if held is not None and held[0]() is catalog:
            return held[1]
    prepared = _Prepared(catalog, dialect)
    with _PREPARED_LOCK:
        ref = weakref.ref(catalog, lambda _ref, key=key: _PREPARED.pop(key, None))
        _PREPARED[key] = (ref, prepared)
    return prepared


def _qualify_schema(catalog: Catalog) -> dict[str, dict[str, dict[str, str]]]:
    """Catalog as sqlglot's nested mapping; names quoted so PostgreSQL keeps their exact case."""
    schema: dict[str, dict[str, dict[str, str]]] = {}
    for table in catalog.tables:
        columns = {_quote(c.name): _type_or_unknown(c.type, catalog.dialect) for c in table.columns}
        schema.setdefault(_quote(table.schema), {})[_quote(table.name)] = columns
    return schema


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


@functools.lru_cache(maxsize=4096)
def _type_or_unknown(type_text: str, dialect: str) -> str:
    """Keep types sqlglot understands (struct access needs them); anything else is UNKNOWN."""
    try:
        return exp.DataType.build(type_text, dialect=dialect).sql(dialect=dialect)
    except Exception:
        return "UNKNOWN"


def _names_defined_in(tree: exp.Expression) -> set[str]:
    """Output names the query itself defines (aliases, CTE and table-alias columns, lambdas)."""
    names: set[str] = set()
    for node in tree.walk():
        if isinstance(node, exp.Alias) and node.alias:
            names.add(node.alias.lower())
        elif isinstance(node, exp.TableAlias):
            names.update(c.name.lower() for c in node.columns)
            if isinstance(node.parent, exp.Table) and isinstance(node.parent.this, exp.Func):
                # PostgreSQL: `FROM regexp_split_to_table(...) AS word` names the column too.
                names.add(node.name.lower())
        elif isinstance(node, exp.Lambda):
            names.update(e.name.lower() for e in node.expressions)
        elif isinstance(node, exp.Pivot):
            names.update(i.name.lower() for i in node.find_all(exp.Identifier))
    return names


def _relation_names(tree: exp.Expression) -> set[str]:
    """Table names and aliases usable as column qualifiers."""
    names: set[str] = set()
    for node in tree.walk():
        if isinstance(node, exp.Table):
            names.add(node.name.lower())
        if isinstance(node, exp.TableAlias) and node.name:
            names.add(node.name.lower())
    return names
