"""The hidden-column part of the DuckDB cross-check: every way to read a hidden (`--exclude-column`)
column, as DuckDB itself parsed the query (`json_serialize_sql`).

The same routes the guard's rule refuses on sqlglot's tree (`tools.guard.hidden`): the column by
name, the whole row as a value, `*`, `t.*` and COLUMNS(...) over a hidden table, positional
references, column aliases that rename by position, NATURAL JOIN and USING with that column, and
PIVOT straight over the table. The statement walker (`tools.databases.duckdb.cross_check`) calls
`enter_select`/`leave_select` around each SELECT and `check` on every other node.
"""

from __future__ import annotations

from typing import Any

from tools.catalog import Catalog, Table
from tools.databases.duckdb.tree import (
    all_dicts,
    contains,
    dicts_with_key,
    from_items,
    own_level_columns,
    query_outputs,
)
from tools.guard.names import fold, resolve_name
from tools.guard.problems import Problem

_NO_LOCATION = 2**64 - 1  # DuckDB's query_location of a node the parser made up (ORDER BY ALL's star)


class HiddenReads:
    """What the statement's hidden tables make unreadable, and the refusals found so far (appended
    to the walker's list, so they keep their place among its other problems)."""

    def __init__(self, catalog: Catalog | None, statement: Any, problems: list[Problem]) -> None:
        self.catalog = catalog
        self.problems = problems
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
        # Row refs that only pick one shown field (`(c).first_name`), by id of their JSON node.
        self.field_of_row: set[int] = set()
        self._find_hidden(statement)
        self._find_fields_of_rows(statement)

    def _find_fields_of_rows(self, node: Any) -> None:
        """`(c).first_name` is STRUCT_EXTRACT(c, 'first_name'): it reads that one column, judged by
        name (`(c).email` stays refused as the whole row, never as a field)."""
        for extract in all_dicts(node):
            if extract.get("class") != "OPERATOR" or extract.get("type") != "STRUCT_EXTRACT":
                continue
            children = extract.get("children") or []
            if len(children) != 2 or not all(isinstance(c, dict) for c in children):
                continue
            row, field = children
            literal = field.get("value") if field.get("class") == "CONSTANT" else None
            literal = literal if isinstance(literal, dict) else field.get("literal")
            if (
                row.get("class") == "COLUMN_REF"
                and len(row.get("column_names") or []) == 1
                and isinstance(literal, dict)
                and literal.get("kind") == "STRING"
                and fold(str(literal.get("text"))) not in self.hidden_names
            ):
                self.field_of_row.add(id(row))

    @property
    def active(self) -> bool:
        """Whether the statement names a table with hidden columns at all."""
        return bool(self.hidden_nodes)

    def _find_hidden(self, node: Any) -> None:
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

    def enter_select(self, select: dict[str, Any], visible: frozenset[str]) -> None:
        """A SELECT starts: whether its bare `*` sees a hidden table, and which of its own refs
        certainly read something else."""
        direct = _direct_tables(select.get("from_table"))
        self.star_scopes.append(any(id(t) in self.hidden_nodes for t in direct))
        self._mark_bound_columns(select, direct, visible)

    def leave_select(self) -> None:
        self.star_scopes.pop()

    def _refuse(self, what: str) -> None:
        names = ", ".join(dict.fromkeys(t.name for t in self.hidden_nodes.values()))
        self.problems.append(
            Problem(
                "hidden_columns",
                f"{names} has columns the analyst may not read, so the query may not use {what} "
                "with it. List the columns you need explicitly.",
            )
        )

    def check(self, node: dict[str, Any]) -> None:
        """Every way `node` could read a hidden column."""
        cls, kind = node.get("class"), node.get("type")
        if cls == "COLUMN_REF":
            self._column_ref(node)
        elif cls == "STAR" and id(node) not in self.order_by_all:
            self._star(node)
        elif cls == "POSITIONAL_REFERENCE":
            self._refuse("positional references such as #2")
        elif "class" not in node:
            self._table_ref(node, kind)

    def _column_ref(self, node: dict[str, Any]) -> None:
        """`email`, `c.email`, `main.customers.email`; not `s.email` of a table that shows it nor
        `info.email`, a field of a visible struct column. Or a hidden table's row by its name."""
        parts = [fold(str(p)) for p in node.get("column_names") or []]
        if not parts:
            return
        last = parts[-1]
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
        elif id(node) in self.field_of_row:
            return
        elif last in self.row_names and (
            id(node) not in self.column_not_row if len(parts) == 1 else last not in self.visible_names
        ):
            self._refuse(f"the whole row as a value ({node['column_names'][-1]})")

    def _star(self, node: dict[str, Any]) -> None:
        relation = fold(str(node.get("relation_name") or ""))
        if relation and relation in self.row_names:
            self._refuse("`t.*`")
        elif not relation and self.star_scopes and self.star_scopes[-1]:
            self._refuse("`*` or COLUMNS(...)")

    def _table_ref(self, node: dict[str, Any], kind: Any) -> None:
        """Table references that reshape a hidden table's columns or join on them."""
        if kind == "BASE_TABLE" and id(node) in self.hidden_nodes:
            if node.get("column_name_alias"):
                self._refuse("column aliases after the table alias (they rename by position)")
        elif kind == "JOIN":
            if node.get("ref_type") == "NATURAL":
                self._refuse("NATURAL JOIN")
            if any(fold(str(c)) in self.hidden_names for c in node.get("using_columns") or []):
                self._refuse("USING with that column; join with ON")
        elif kind == "PIVOT":
            source = node.get("source") or {}
            if id(source) in self.hidden_nodes:
                self._refuse("PIVOT or UNPIVOT straight over the table")

    def _mark_bound_columns(
        self, select: dict[str, Any], direct: list[dict[str, Any]], visible: frozenset[str]
    ) -> None:
        """Find the unqualified refs to a hidden column's name that DuckDB must bind to a CTE or
        subquery column in this SELECT's own FROM (the same rule as
        tools.guard.binding.bound_to_visible): in the SELECT's own clauses, no table with that
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
        table_columns = self._catalog_columns(select, direct, visible)
        for column in rows:
            name = fold(str(column["column_names"][0]))
            if name in table_columns or name in outputs:
                self.column_not_row.add(id(column))

    def _catalog_columns(
        self, select: dict[str, Any], direct: list[dict[str, Any]], visible: frozenset[str]
    ) -> set[str]:
        """The columns (folded) of the catalog tables among this SELECT's own FROM items, as the
        catalog has them (not renamed by a column alias list, not reshaped by a PIVOT)."""
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
        return table_columns

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
        return set()  # a catalog table is not counted (as in tools.guard.binding)


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
