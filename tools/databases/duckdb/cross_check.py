"""DuckDB's own parser as a second opinion on the exact text that will run (guard layer 3).

sqlglot and DuckDB disagree on some inputs (U+200B is whitespace to DuckDB and an identifier
character to sqlglot), so the tables and functions DuckDB itself sees must pass the same
allowlists, and the hidden-column rule sees DuckDB's reading too (`hidden.py`). Parsing
happens on a private, empty in-memory connection with external access off; nothing is bound or
executed. Engine-specific, so it lives beside the DuckDB backend, which presents its problems as
the engine's (`DuckDBDatabase.cross_check`); it needs only the guard's leaves (`names`,
`problems`) and the allowlists' data (`tools.sql_functions`).
"""

from __future__ import annotations

import json
import threading
from typing import Any

from tools.catalog import Catalog
from tools.databases.duckdb.hidden import HiddenReads
from tools.guard.names import fold, resolve_name
from tools.guard.problems import Problem
from tools.sql_functions import DUCKDB_OPERATORS, refusal_reason, safe_function_names, safe_table_function_names

_ALLOWED_REFS = frozenset({"BASE_TABLE", "TABLE_FUNCTION", "JOIN", "SUBQUERY", "EMPTY", "PIVOT", "EXPRESSION_LIST"})
# Every other TableReferenceType DuckDB has; SHOW_REF is what DESCRIBE/SUMMARIZE/SHOW become.
_REFUSED_REFS = frozenset({"SHOW_REF", "COLUMN_DATA", "DELIM_GET", "BOUND_TABLE_REF", "CTE", "INVALID"})
_CALL_CLASSES = frozenset({"FUNCTION", "WINDOW", "AGGREGATE"})

_local = threading.local()


def _connection() -> Any:
    """One parser-only connection per thread (DuckDB connections are not shared across threads)."""
    con = getattr(_local, "con", None)
    if con is None:
        import duckdb  # lazy: `analyst --help` must not import duckdb

        con = duckdb.connect(
            ":memory:",
            config={
                "enable_external_access": False,
                "autoload_known_extensions": False,
                "autoinstall_known_extensions": False,
                "allow_community_extensions": False,
                "python_enable_replacements": False,
                "lock_configuration": True,
            },
        )
        _local.con = con
    return con


def duckdb_cross_check(sql: str, catalog: Catalog | None) -> list[Problem]:
    """Problems DuckDB's parser sees in `sql`: statement count and type, tables, functions."""
    import duckdb

    con = _connection()
    try:
        statements = con.extract_statements(sql)
    except duckdb.Error as error:
        return [_parse_problem(str(error))]
    if len(statements) != 1:
        return [
            Problem(
                "multiple_statements",
                f"DuckDB reads {len(statements)} statements here; send exactly one SELECT query.",
            )
        ]
    if statements[0].type != duckdb.StatementType.SELECT:
        return [
            Problem(
                "not_a_query",
                f"DuckDB reads this as a {statements[0].type.name} statement; only a SELECT query may run.",
            )
        ]
    row = con.execute("SELECT json_serialize_sql(?)", [sql]).fetchone()
    tree: dict[str, Any] = json.loads(row[0]) if row else {"error": True, "error_message": "no result"}
    if tree.get("error"):
        return [_parse_problem(str(tree.get("error_message", "unknown error")))]
    if len(tree.get("statements", [])) != 1:
        return [Problem("multiple_statements", "Send exactly one SELECT query.")]
    walker = _Walker(catalog, tree["statements"][0])
    walker.walk(tree["statements"][0], frozenset())
    return list(dict.fromkeys(walker.problems))


def _parse_problem(message: str) -> Problem:
    first = message.splitlines()[0] if message else "unknown error"
    return Problem(
        "engine_parse_error",
        f"DuckDB cannot parse the query: {first[:300].rstrip('. ')}. Fix the syntax and send one SELECT query.",
    )


class _Walker:
    """Walks json_serialize_sql output, tracking which CTE names are visible where."""

    def __init__(self, catalog: Catalog | None, statement: Any) -> None:
        self.catalog = catalog
        self.problems: list[Problem] = []
        self.scalar = safe_function_names("duckdb") | DUCKDB_OPERATORS
        self.table_functions = safe_table_function_names("duckdb")
        self.hidden = HiddenReads(catalog, statement, self.problems)

    def walk(self, node: Any, visible: frozenset[str]) -> None:
        if isinstance(node, list):
            for item in node:
                self.walk(item, visible)
            return
        if not isinstance(node, dict):
            return
        if self.hidden.active:
            if "class" not in node and node.get("type") == "SELECT_NODE":
                self.hidden.enter_select(node, visible)
                try:
                    self._walk(node, visible)
                finally:
                    self.hidden.leave_select()
                return
            self.hidden.check(node)
        self._walk(node, visible)

    def _walk(self, node: dict[str, Any], visible: frozenset[str]) -> None:
        cte_map = node.get("cte_map")
        if "class" not in node and isinstance(cte_map, dict) and cte_map.get("map"):
            visible = self._ctes(cte_map["map"], visible)
        kind = node.get("type") if isinstance(node.get("type"), str) else None
        if "class" not in node and kind == "RECURSIVE_CTE_NODE":
            # Only the recursive term sees the CTE itself; in the anchor term DuckDB resolves the
            # name to a real table, so it must be checked like one.
            self.walk(node.get("right"), visible | {fold(str(node.get("cte_name", "")))})
            node = {key: value for key, value in node.items() if key != "right"}
        if "class" not in node and kind in _REFUSED_REFS:
            self.problems.append(
                Problem(
                    "forbidden_statement",
                    "DESCRIBE, SUMMARIZE and SHOW are not allowed; select from the data tables instead.",
                )
            )
            return
        if "class" not in node and kind == "BASE_TABLE":
            self._table(node, visible)
        elif "class" not in node and kind == "TABLE_FUNCTION":
            function = node.get("function") or {}
            self._table_function(function)
            # Walk its arguments without checking it again as a scalar function.
            self.walk({k: v for k, v in function.items() if k != "function_name"}, visible)
            node = {key: value for key, value in node.items() if key != "function"}
        elif node.get("class") in _CALL_CLASSES and "function_name" in node:
            self._function(node)
        for key, value in node.items():
            if key != "cte_map":
                self.walk(value, visible)

    def _ctes(self, entries: list[dict[str, Any]], outer: frozenset[str]) -> frozenset[str]:
        """Walk CTE bodies (each sees the CTEs before it); return every name for the main query."""
        names = [fold(str(entry.get("key", ""))) for entry in entries]
        for index, entry in enumerate(entries):
            body = (entry.get("value") or {}).get("query_node")
            self.walk(body, outer | frozenset(names[:index]))
        return outer | frozenset(names)

    def _table(self, node: dict[str, Any], visible: frozenset[str]) -> None:
        name = str(node.get("table_name", ""))
        schema = node.get("schema_name") or None
        if node.get("catalog_name"):
            self.problems.append(
                Problem(
                    "unknown_table",
                    "Database-qualified table names are not allowed; write schema.table or table.",
                )
            )
            return
        if schema is None and fold(name) in visible:
            return
        # Quoted-ness is not in the JSON; DuckDB matching ignores case, and only quoted names can
        # hold path characters, so treating every name as quoted keeps the file-path check on.
        ref = resolve_name(name, True, schema, self.catalog, "duckdb")
        if ref.problem is not None:
            self.problems.append(ref.problem)

    def _user_defined(self, name: str) -> bool:
        return self.catalog is not None and name in self.catalog.user_functions

    def _table_function(self, function: dict[str, Any]) -> None:
        name = fold(str(function.get("function_name", "")))
        if (
            function.get("schema")
            or function.get("catalog")
            or name not in self.table_functions
            or self._user_defined(name)
        ):
            self.problems.append(
                Problem(
                    "table_function_not_allowed",
                    f"The table function {name}() is not allowed because "
                    f"{refusal_reason(name)}. In FROM use catalog tables, CTEs, subqueries or "
                    f"only: {', '.join(sorted(self.table_functions))}.",
                )
            )

    def _function(self, node: dict[str, Any]) -> None:
        name = fold(str(node.get("function_name", "")))
        if node.get("schema") or node.get("catalog"):
            self.problems.append(
                Problem(
                    "function_not_allowed",
                    f"Call {name}() without a schema or database prefix.",
                )
            )
        elif name not in self.scalar or self._user_defined(name):
            self.problems.append(
                Problem(
                    "function_not_allowed",
                    f"The function {name}() is not allowed because {refusal_reason(name)}. "
                    "Use standard aggregate, window, date/time, string, math or list "
                    "functions instead.",
                )
            )
