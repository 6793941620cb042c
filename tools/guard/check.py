"""The SQL guard: decide whether model-written SQL may run, and say why not so a model can fix it.

Layers (notes/security.md §5): input hygiene and one parsed query (`tools.guard.parse`), no
forbidden node anywhere, a function allowlist (`tools.guard.functions`), a table allowlist from the
catalog and sqlglot's `qualify` on a copy to catch unknown columns (`tools.guard.schema`), and no
read of a hidden column (`tools.guard.hidden`). The text that runs is sqlglot's regeneration of
the parsed, unqualified tree, so what was checked is what executes; an optional engine
cross-check sees that exact text.

SQL a person typed is checked `as_typed`: every layer judges the same parsed tree, but the text
that runs (and is cross-checked and hashed) is what they typed, so an edit is never silently
rewritten. Whether the engine reads that text as the checker did is the caller's question to the
engine (`Database.reads_alike`); `Verdict.checked` keeps the regeneration to ask it with.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from dataclasses import dataclass

from sqlglot import exp
from sqlglot.errors import ErrorLevel, SqlglotError

from tools.catalog import Catalog, Table
from tools.guard.functions import check_functions
from tools.guard.hidden import hidden_column_problems
from tools.guard.parse import arrow_lambda_problems, hygiene_problems, parse_one
from tools.guard.schema import column_problems, normalize, table_ref


@dataclass(frozen=True)
class Problem:
    """One reason to refuse; `message` tells the model what to write instead."""

    code: str
    message: str


@dataclass(frozen=True)
class Verdict:
    """The guard's answer for one SQL text; run `sql` (not `sql_in`) and only when `ok`."""

    ok: bool
    sql_in: str
    sql: str | None
    problems: tuple[Problem, ...]
    tables: tuple[str, ...]
    functions: tuple[str, ...]
    checked: str | None = None  # sqlglot's regeneration of the checked tree (as-typed checks only)

    @property
    def sql_hash(self) -> str | None:
        """Hash of the text that runs; approval is bound to it."""
        return sql_hash(self.sql) if self.sql is not None else None


def typed_text(sql: str) -> str:
    """The text a person typed, as it runs: only surrounding whitespace and trailing semicolons
    go (they end the statement; they are not part of it)."""
    text = sql.strip()
    while text.endswith(";"):
        text = text[:-1].rstrip()
    return text


def sql_hash(sql: str) -> str:
    """sha256 hex of the exact text, so any change to it needs a fresh approval."""
    return hashlib.sha256(sql.encode("utf-8")).hexdigest()


# Statement and clause nodes that must not appear anywhere in the tree (a DELETE inside a WITH
# still has a Select root). Looked up by name so a sqlglot release that drops one still imports.
_FORBIDDEN_NODE_NAMES = [
    "Command",
    "Insert",
    "Update",
    "Delete",
    "Merge",
    "Create",
    "Drop",
    "Alter",
    "AlterColumn",
    "AlterSession",
    "AlterSet",
    "AlterRename",
    "TruncateTable",
    "Copy",
    "Set",
    "SetItem",
    "Pragma",
    "Attach",
    "Detach",
    "Install",
    "Use",
    "Transaction",
    "Commit",
    "Rollback",
    "Grant",
    "Revoke",
    "Into",
    "Lock",
    "LockingStatement",
    "Describe",
    "Summarize",
    "Show",
    "Kill",
    "Analyze",
    "Cache",
    "Uncache",
    "Refresh",
    "LoadData",
    "Export",
    "Execute",
    "ExecuteSql",
    "Declare",
    "DeclareItem",
    "Comment",
    "Block",
    "IfBlock",
    "WhileBlock",
    "LoopBlock",
    "RepeatBlock",
    "StoredProcedure",
    "Put",
    "Get",
    "ConnectTo",
    "Disconnect",
    "Undrop",
    "SwapTable",
    "Return",
    "Leave",
    "Iterate",
    "UserDefinedFunction",
    "MultitableInserts",
    "ConditionalInsert",
    "Returning",
    "OnConflict",
    "Directory",
    "EndStatement",
    "ListStage",
    "TriggerExecute",
]
_FORBIDDEN_NODES: tuple[type[exp.Expression], ...] = tuple(
    cls
    for name in _FORBIDDEN_NODE_NAMES
    if isinstance(cls := getattr(exp, name, None), type) and issubclass(cls, exp.Expression)
) + tuple(cls for name in ("DDL", "DML") if isinstance(cls := getattr(exp, name, None), type))

# PostgreSQL's object-identifier types: casting text to them reads the system catalogs.
_CATALOG_LOOKUP_TYPES = frozenset(
    [
        "REGCLASS",
        "REGPROC",
        "REGPROCEDURE",
        "REGOPER",
        "REGOPERATOR",
        "REGTYPE",
        "REGROLE",
        "REGNAMESPACE",
        "REGCONFIG",
        "REGDICTIONARY",
        "REGCOLLATION",
    ]
)

_log = logging.getLogger(__name__)


def check_sql(
    sql: str,
    catalog: Catalog | None,
    dialect: str = "duckdb",
    *,
    cross_check: Callable[[str], list[Problem]] | None = None,
    max_length: int = 20000,
    as_typed: bool = False,
) -> Verdict:
    """Check one query; refuse anything that is not a single read-only SELECT.

    `as_typed`: the SQL was typed by a person, so the text that runs is theirs (see the module
    docstring), not the regeneration."""
    try:
        return _check(sql, catalog, dialect, cross_check, max_length, as_typed)
    except RecursionError:
        problem = Problem("too_complex", "The query is nested too deeply to check; simplify it.")
        return _verdict(sql, None, [problem], (), ())


def _check(
    sql: str,
    catalog: Catalog | None,
    dialect: str,
    cross_check: Callable[[str], list[Problem]] | None,
    max_length: int,
    as_typed: bool = False,
) -> Verdict:
    problems = [Problem(*spec) for spec in hygiene_problems(sql, max_length)]
    if problems:
        return _verdict(sql, None, problems, (), ())
    tree, specs = parse_one(sql, dialect)
    problems = [Problem(*spec) for spec in specs]
    if tree is None:
        return _verdict(sql, None, problems, (), ())
    problems += _forbidden_nodes(tree)
    problems += [Problem(*spec) for spec in arrow_lambda_problems(sql, tree, dialect)]
    functions, func_problems = check_functions(tree, dialect)
    problems += [Problem(*spec) for spec in func_problems]
    problems += _user_functions(functions, catalog)
    problems += _row_type_casts(tree, catalog)
    tables, in_scope, table_problems = _tables(tree, catalog, dialect)
    problems += table_problems
    if catalog is not None:
        problems += [Problem(*spec) for spec in hidden_column_problems(tree, catalog, dialect, in_scope)]
    if catalog is not None and not problems:
        problems += [Problem(*spec) for spec in column_problems(tree, catalog, dialect, in_scope)]
    regenerated, regen_problems = _regenerate(tree, dialect)
    problems += regen_problems if not problems else []
    runs = typed_text(sql) if as_typed and regenerated is not None else regenerated
    if cross_check is not None and runs is not None and not problems:
        try:
            problems += list(cross_check(runs))
        except Exception as error:
            _log.warning("cross-check failed: %r", error)
            problems.append(Problem("cross_check_failed", "The engine could not check this query; simplify it."))
    return _verdict(sql, runs, problems, tables, functions, regenerated if as_typed else None)


def _verdict(
    sql_in: str,
    sql: str | None,
    problems: list[Problem],
    tables: tuple[str, ...],
    functions: tuple[str, ...],
    checked: str | None = None,
) -> Verdict:
    unique = tuple(dict.fromkeys(problems))
    return Verdict(not unique, sql_in, sql, unique, tables, functions, checked)


def _forbidden_nodes(tree: exp.Expression) -> list[Problem]:
    """Layer 2b: statements hidden anywhere in the tree, SELECT INTO and locking clauses."""
    problems: list[Problem] = []
    kinds: dict[str, None] = {}
    for node in tree.walk():
        if isinstance(node, exp.Select):
            if node.args.get("into"):
                problems.append(Problem("select_into", "SELECT ... INTO creates a table; remove the INTO part."))
            if node.args.get("locks"):
                problems.append(
                    Problem(
                        "locking_clause",
                        "FOR UPDATE / FOR SHARE takes locks; remove the locking clause.",
                    )
                )
        if type(node).__name__ == "Operator":  # `a OPERATOR(schema.op) b` picks any schema's operator
            kinds["OPERATOR(...) (write the plain operator, such as a || b)"] = None
        if isinstance(node, exp.DataType) and str(node.this).upper() in _CATALOG_LOOKUP_TYPES:
            kinds[f"a cast to {str(node.this).upper()} (a system catalog lookup)"] = None
        if isinstance(node, _FORBIDDEN_NODES) and not (
            isinstance(node.parent, exp.Select) and node.arg_key in ("into", "locks")
        ):
            kinds[type(node).__name__.upper()] = None  # INTO/FOR UPDATE are reported above
    if kinds:
        problems.insert(
            0,
            Problem(
                "forbidden_statement",
                f"The query contains {', '.join(kinds)}; only a read-only SELECT may run. "
                "Remove that part: never write, create, lock, set, load or call anything.",
            ),
        )
    return problems


def _user_functions(functions: tuple[str, ...], catalog: Catalog | None) -> list[Problem]:
    """Calls the database itself could answer: a DuckDB macro or a PostgreSQL function in a user
    schema with an allowed name (`upper`) shadows or overloads the built-in and runs any SQL."""
    shadowed = [f for f in functions if catalog is not None and f in catalog.user_functions]
    if not shadowed:
        return []
    return [
        Problem(
            "function_not_allowed",
            f"The function {', '.join(f + '()' for f in shadowed)} is redefined by this database, "
            "so calling it could run anything; compute the value another way.",
        )
    ]


def _row_type_casts(tree: exp.Expression, catalog: Catalog | None) -> list[Problem]:
    """PostgreSQL casts to a type the database does not offer for casts, such as a table's row
    type: `(NULL::customers).email` answers whether a hidden column or an excluded table exists.
    Unknown names get the same answer, so the refusal confirms nothing either."""
    if catalog is None or not catalog.cast_types:
        return []
    for node in tree.find_all(exp.DataType):
        if node.this != exp.DataType.Type.USERDEFINED:
            continue
        kind = node.args.get("kind")
        name = kind.name if isinstance(kind, (exp.Identifier, exp.Dot)) else str(kind or "")
        if name.lower() not in catalog.cast_types:
            return [
                Problem(
                    "unknown_type",
                    f"{name} is not a type this database offers for casts; cast to a standard "
                    "type (text, integer, numeric, date, timestamp, ...) or one of its enums.",
                )
            ]
    return []


def _tables(
    tree: exp.Expression, catalog: Catalog | None, dialect: str
) -> tuple[tuple[str, ...], list[Table], list[Problem]]:
    """Layer 2d: every relation is a CTE in scope or a catalog table (system catalogs never)."""
    found: dict[str, None] = {}
    in_scope: dict[str, Table] = {}
    problems: list[Problem] = []
    for table in tree.find_all(exp.Table):
        if table.find_ancestor(exp.Into):
            continue  # the target of SELECT INTO, refused above
        if isinstance(table.this, exp.Func) or (table.this is None and table.args.get("rows_from")):
            continue  # table functions: the function allowlist decides
        if not isinstance(table.this, exp.Identifier):
            problems.append(
                Problem(
                    "unknown_table",
                    f"{table.sql(dialect=dialect)} is not a table name; write table or schema.table.",
                )
            )
            continue
        if not table.args.get("db") and not table.args.get("catalog") and _cte_in_scope(table, dialect):
            continue
        ref = table_ref(table, catalog, dialect)
        if ref.problem is not None:
            problems.append(Problem(*ref.problem))
        elif ref.qualified is not None:
            found[ref.qualified] = None
            if ref.table is not None:
                in_scope[ref.qualified] = ref.table
    return tuple(found), list(in_scope.values()), problems


def _cte_in_scope(table: exp.Table, dialect: str) -> bool:
    """True when the name is a CTE visible here: CTEs defined earlier in the same WITH, all CTEs of
    an enclosing query, and a recursive CTE itself only inside its recursive (right-hand) term;
    DuckDB resolves a self-reference in the anchor term to the real table of that name."""
    wanted = normalize(table.this, dialect)
    path: list[exp.Expression] = [table]
    node = table.parent
    while node is not None:
        child = path[-1]
        if isinstance(node, exp.With):
            ctes = list(node.expressions)
            index = next((i for i, cte in enumerate(ctes) if cte is child), len(ctes))
            if any(_cte_name(cte, dialect) == wanted for cte in ctes[:index]):
                return True
            if index < len(ctes) and node.args.get("recursive"):
                body = ctes[index].this
                recursive_term = body.expression if isinstance(body, exp.Union) else None
                if _cte_name(ctes[index], dialect) == wanted and any(step is recursive_term for step in path):
                    return True
        else:
            with_ = node.args.get("with_")
            if (
                isinstance(with_, exp.With)
                and with_ is not child
                and any(_cte_name(cte, dialect) == wanted for cte in with_.expressions)
            ):
                return True
        path.append(node)
        node = node.parent
    return False


def _cte_name(cte: exp.Expression, dialect: str) -> str | None:
    alias = cte.args.get("alias")
    ident = alias.this if isinstance(alias, exp.TableAlias) else None
    return normalize(ident, dialect) if isinstance(ident, exp.Identifier) else None


def _regenerate(tree: exp.Expression, dialect: str) -> tuple[str | None, list[Problem]]:
    """Layer 2e: the text that runs; refuse when sqlglot cannot say the same thing back.

    Comments are dropped: they carry nothing the engine needs, and in the approval view they are
    a channel for text aimed at the person approving ("reviewed, safe to run")."""
    try:
        return tree.sql(dialect=dialect, unsupported_level=ErrorLevel.RAISE, comments=False), []
    except SqlglotError as error:
        _log.debug("regeneration failed: %s", error)
        return None, [
            Problem(
                "unsupported_construct",
                f"The query uses a construct that cannot be checked for {dialect}: "
                f"{str(error).splitlines()[0][:200]}. Rewrite it with plainer SQL.",
            )
        ]
