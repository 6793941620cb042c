"""The statement rule (guard layer 2b): nothing but a read-only SELECT, anywhere in the tree.

A DELETE inside a WITH still has a SELECT root, so every node is looked at: no statement or clause
that writes, locks, sets, loads or calls anything, no SELECT INTO, no locking clause, and no cast
that reads the system catalogs or, on PostgreSQL, to a type the database does not offer for casts.
"""

from __future__ import annotations

from sqlglot import exp

from tools.guard.problems import Problem
from tools.guard.query import Query

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


def forbidden_nodes(query: Query) -> list[Problem]:
    """Statements hidden anywhere in the tree, SELECT INTO and locking clauses."""
    problems: list[Problem] = []
    kinds: dict[str, None] = {}
    for node in query.tree.walk():
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


def row_type_casts(query: Query) -> list[Problem]:
    """PostgreSQL casts to a type the database does not offer for casts, such as a table's row
    type: `(NULL::customers).email` answers whether a hidden column or an excluded table exists.
    Unknown names get the same answer, so the refusal confirms nothing either."""
    catalog = query.catalog
    if catalog is None or not catalog.cast_types:
        return []
    for node in query.tree.find_all(exp.DataType):
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
