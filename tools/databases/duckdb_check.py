"""DuckDB's own parser as a second opinion on the exact text that will run (guard layer 3).

sqlglot and DuckDB disagree on some inputs (U+200B is whitespace to DuckDB and an identifier
character to sqlglot), so the tables and functions DuckDB itself sees must pass the same
allowlists. Parsing happens on a private, empty in-memory connection with external access off;
nothing is bound or executed.
"""

from __future__ import annotations

import json
import threading
from typing import Any

from tools.catalog import Catalog, Table
from tools.databases.duckdb_tree import (
    all_dicts,
    contains,
    dicts_with_key,
    from_items,
    own_level_columns,
    query_outputs,
)
from tools.guard import Problem
from tools.guard.functions import (
    DUCKDB_OPERATORS,
    refusal_reason,
    safe_function_names,
    safe_table_function_names,
)
from tools.guard.schema import fold, resolve_name

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
    tree = json.loads(row[0]) if row else {"error": True, "error_message": "no result"}
    if tree.get("error"):
        return [_parse_problem(str(tree.get("error_message", "unknown error")))]
    if len(tree.get("statements", [])) != 1:
        return [Problem("multiple_statements", "Send exactly one SELECT query.")]
    walker = _Walker(catalog)
    walker.find_hidden(tree["statements"][0])
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

    def __init__(self, catalog: Catalog | None) -> None:
        self.catalog = catalog
        self.problems: list[Problem] = []
        self.scalar = safe_function_names("duckdb") | DUCKDB_OPERATORS
        self.table_functions = safe_table_function_names("duckdb")
        # Tables with hidden (--exclude-column) columns the query names, by id of their JSON node;
        # the names their rows can be referred to by; hidden and visible column names.
        self.hidden_nodes: dict[int, Table] = {}
        self.row_names: dict[str, set[str]] = {}  # row name -> hidden column names of that table
        self.hidden_names: set[str] = set()
        self.visible_names: set[str] = set()
        self.star_scopes: list[bool] = []  # per SELECT: does a bare `*` there see a hidden table?
        # Unqualified column refs with a hidden name that their SELECT's own FROM items certainly
        # bind to something else (a CTE or subquery column of that name), by id of their JSON node.
        self.bound_columns: set[int] = set()
        # Unqualified refs named like a hidden table's row (`customers AS status`) that their own
        # SELECT's FROM items certainly bind to a column instead (a catalog table's, or a CTE's).
        self.column_not_row: set[int] = set()
        self.cte_entries: dict[str, list[dict[str, Any]]] = {}  # every CTE of the statement, by name
        self.order_by_all: set[int] = set()  # STAR nodes that are `ORDER BY ALL`, by id

    def find_hidden(self, node: Any) -> None:
        """Pre-pass: every base table that resolves to a catalog table with hidden columns
        (CTE shadowing ignored, which can only refuse more)."""
        for table_node in _nodes_of_type(node, "BASE_TABLE"):
            name = str(table_node.get("table_name", ""))
            schema = table_node.get("schema_name") or None
            ref = resolve_name(name, True, schema, self.catalog, "duckdb")
            if ref.table is None:
                continue
            self.visible_names |= {fold(c.name) for c in ref.table.columns}
            if not ref.table.hidden_columns:
                continue
            self.hidden_nodes[id(table_node)] = ref.table
            hidden = {fold(c) for c in ref.table.hidden_columns}
            self.hidden_names |= hidden
            for row in (name, table_node.get("alias") or ""):
                if row:
                    self.row_names.setdefault(fold(str(row)), set()).update(hidden)
        for modifier in all_dicts(node):  # `ORDER BY ALL` sorts by the select list: not a read of the table
            if modifier.get("type") == "ORDER_MODIFIER":
                for order in modifier.get("orders") or []:
                    expression = order.get("expression") if isinstance(order, dict) else None
                    if (
                        isinstance(expression, dict)
                        and expression.get("class") == "STAR"
                        and not expression.get("relation_name")
                        and expression.get("query_location") == _NO_LOCATION
                    ):  # written `ALL`, not `COLUMNS(*)`
                        self.order_by_all.add(id(expression))
        for holder in dicts_with_key(node, "cte_map"):
            cte_map = holder.get("cte_map")
            for entry in (cte_map.get("map") if isinstance(cte_map, dict) else None) or []:
                self.cte_entries.setdefault(fold(str(entry.get("key", ""))), []).append(entry.get("value") or {})

    def _hidden_problem(self, what: str) -> None:
        names = ", ".join(dict.fromkeys(t.name for t in self.hidden_nodes.values()))
        self.problems.append(
            Problem(
                "hidden_columns",
                f"{names} has columns the analyst may not read, so the query may not use {what} "
                "with it. List the columns you need explicitly.",
            )
        )

    def _check_hidden(self, node: dict[str, Any]) -> None:
        """Every way to read a hidden column, as DuckDB itself parsed the query."""
        cls, kind = node.get("class"), node.get("type")
        if cls == "COLUMN_REF":
            parts = [fold(str(p)) for p in node.get("column_names") or []]
            if not parts:
                return
            last = parts[-1]
            # `email`, `c.email`, `main.customers.email`; not `s.email` of a table that shows it
            # nor `info.email`, a field of a visible struct column.
            if len(parts) == 1 and id(node) in self.bound_columns:
                return  # `email` of a CTE or subquery in its own FROM that defines `email`
            if last in self.hidden_names and (len(parts) == 1 or last in self.row_names.get(parts[-2], set())):
                self.problems.append(
                    Problem(
                        "unknown_column",
                        f"Column {node['column_names'][-1]} does not exist here; use only the "
                        "columns the schema lists, qualified with their table's alias.",
                    )
                )
            elif last in self.row_names and (
                id(node) not in self.column_not_row if len(parts) == 1 else last not in self.visible_names
            ):
                self._hidden_problem(f"the whole row as a value ({node['column_names'][-1]})")
        elif cls == "STAR" and id(node) not in self.order_by_all:
            relation = fold(str(node.get("relation_name") or ""))
            if relation and relation in self.row_names:
                self._hidden_problem("`t.*`")
            elif not relation and self.star_scopes and self.star_scopes[-1]:
                self._hidden_problem("`*` or COLUMNS(...)")
        elif cls == "POSITIONAL_REFERENCE":
            self._hidden_problem("positional references such as #2")
        elif "class" not in node and kind == "BASE_TABLE" and id(node) in self.hidden_nodes:
            if node.get("column_name_alias"):
                self._hidden_problem("column aliases after the table alias (they rename by position)")
        elif "class" not in node and kind == "JOIN":
            if node.get("ref_type") == "NATURAL":
                self._hidden_problem("NATURAL JOIN")
            if any(fold(str(c)) in self.hidden_names for c in node.get("using_columns") or []):
                self._hidden_problem("USING with that column; join with ON")
        elif "class" not in node and kind == "PIVOT":
            source = node.get("source") or {}
            if id(source) in self.hidden_nodes:
                self._hidden_problem("PIVOT or UNPIVOT straight over the table")

    def walk(self, node: Any, visible: frozenset[str]) -> None:
        if isinstance(node, list):
            for item in node:
                self.walk(item, visible)
            return
        if not isinstance(node, dict):
            return
        if self.hidden_nodes:
            if "class" not in node and node.get("type") == "SELECT_NODE":
                direct = _direct_tables(node.get("from_table"))
                self.star_scopes.append(any(id(t) in self.hidden_nodes for t in direct))
                self._mark_bound_columns(node, direct, visible)
                try:
                    self._walk(node, visible)
                finally:
                    self.star_scopes.pop()
                return
            self._check_hidden(node)
        self._walk(node, visible)

    def _mark_bound_columns(
        self, select: dict[str, Any], direct: list[dict[str, Any]], visible: frozenset[str]
    ) -> None:
        """Find the unqualified refs to a hidden column's name that DuckDB must bind to a CTE or
        subquery column in this SELECT's own FROM (the same rule as
        tools.guard.hidden._bound_to_visible): in the SELECT's own clauses, no table with that
        hidden column among its FROM items, and a FROM item that certainly outputs the name."""
        singles = [c for c in own_level_columns(select) if len(c.get("column_names") or []) == 1]
        own = [c for c in singles if fold(str(c["column_names"][0])) in self.hidden_names]
        rows = [c for c in singles if fold(str(c["column_names"][0])) in self.row_names]
        if not own and not rows:
            return
        cte_map = select.get("cte_map")
        if isinstance(cte_map, dict) and cte_map.get("map"):  # the main query sees its own CTEs
            visible = visible | {fold(str(entry.get("key", ""))) for entry in cte_map["map"]}
        here_hidden = {
            fold(h) for t in direct if id(t) in self.hidden_nodes for h in self.hidden_nodes[id(t)].hidden_columns
        }
        outputs: set[str] = set()
        for item in from_items(select.get("from_table")):
            outputs |= self._outputs_of(item, visible)
        for column in own:
            name = fold(str(column["column_names"][0]))
            if name not in here_hidden and name in outputs:
                self.bound_columns.add(id(column))
        # Both engines bind a name to a column of the own FROM items before a row of that name;
        # past this level DuckDB takes an inner row over an outer column, so only this level counts.
        table_columns: set[str] = set()
        for table in direct:
            name, schema = str(table.get("table_name", "")), table.get("schema_name") or None
            if schema is None and fold(name) in visible:
                continue  # a CTE: counted through its outputs
            if table.get("column_name_alias") or table is not _unpivoted(select.get("from_table"), table):
                continue  # `orders AS o(a, b)` renames its columns, a PIVOT reshapes them: not the catalog's
            ref = resolve_name(name, True, schema, self.catalog, "duckdb")
            if ref.table is not None:
                table_columns |= {fold(c.name) for c in ref.table.columns}
        for column in rows:
            name = fold(str(column["column_names"][0]))
            if name in table_columns or name in outputs:
                self.column_not_row.add(id(column))

    def _outputs_of(self, item: dict[str, Any], visible: frozenset[str]) -> set[str]:
        """Column names (folded) a FROM item certainly outputs; empty when unsure."""
        aliases = [fold(str(a)) for a in item.get("column_name_alias") or []]
        kind = item.get("type")
        if kind == "SUBQUERY":
            return query_outputs((item.get("subquery") or {}).get("node"), aliases)
        if kind != "BASE_TABLE":
            return set()
        name, schema = str(item.get("table_name", "")), item.get("schema_name") or None
        if schema is None and fold(name) in visible:
            entries = self.cte_entries.get(fold(name), [])
            if len(entries) != 1 or contains(entries[0], item):
                return set()  # several CTEs of that name, or a CTE's reference to itself: unsure
            if aliases:
                return set(aliases)
            return query_outputs(entries[0].get("query_node"), [fold(str(a)) for a in entries[0].get("aliases") or []])
        return set()  # a catalog table is not counted (as in tools.guard.hidden)

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
            self.problems.append(Problem(*ref.problem))

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


def _nodes_of_type(node: Any, kind: str) -> list[dict[str, Any]]:
    """Every table-reference dict of `kind` anywhere under `node`."""
    return [item for item in all_dicts(node) if "class" not in item and item.get("type") == kind]


def _unpivoted(ref: Any, table: dict[str, Any]) -> dict[str, Any] | None:
    """`table` when it is one of the FROM clause's own items (not the source of a PIVOT)."""
    if not isinstance(ref, dict):
        return None
    if ref is table:
        return table
    if ref.get("type") == "JOIN":
        return _unpivoted(ref.get("left"), table) or _unpivoted(ref.get("right"), table)
    return None


_NO_LOCATION = 2**64 - 1  # DuckDB's query_location of a node the parser made up (ORDER BY ALL's star)


def _direct_tables(ref: Any) -> list[dict[str, Any]]:
    """Base tables a bare `*` of this FROM clause expands over (joins and pivots, not subqueries)."""
    if not isinstance(ref, dict):
        return []
    kind = ref.get("type")
    if kind == "BASE_TABLE":
        return [ref]
    if kind == "JOIN":
        return _direct_tables(ref.get("left")) + _direct_tables(ref.get("right"))
    if kind == "PIVOT":
        return _direct_tables(ref.get("source"))
    return []
