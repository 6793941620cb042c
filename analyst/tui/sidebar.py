"""The schema sidebar: tables and columns with comments, row counts and known values.

It fills in when the catalog has loaded (in a worker, after the first screen); selecting a table
asks the app for sample rows.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual.message import Message
from textual.widgets import Tree

from analyst.render import inert

if TYPE_CHECKING:
    from tools.catalog import Catalog, Column, Table


@dataclass
class TableChosen(Message):
    """The person selected a table: show its sample rows."""

    table: Table


def table_label(table: Table) -> Text:
    label = Text(inert(table.name), style="bold")
    if table.schema not in ("main", "public"):
        label = Text(inert(table.schema) + ".", style="dim") + label
    if table.row_count is not None:
        approx = "~" if table.row_count_estimated else ""
        label.append(f" {approx}{table.row_count:,}", style="dim")
    if table.kind == "view":
        label.append(" view", style="italic dim")
    return label


def column_label(column: Column) -> Text:
    label = Text(inert(column.name))
    label.append(f" {inert(column.type.lower())}", style="dim")
    if column.comment:
        label.append(f" — {inert(column.comment)}", style="italic dim")
    if column.samples:
        label.append(" e.g. " + ", ".join(inert(s) for s in column.samples[:4]), style="green dim")
    return label


class SchemaSidebar(Tree["Table | None"]):
    """Tables (with row counts) and their columns; Enter on a table shows sample rows."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(Text("schema (loading…)", style="dim"), **kwargs)
        self.show_root = True
        self.guide_depth = 2

    def show_catalog(self, catalog: Catalog, database_label: str) -> None:
        self.clear()
        self.root.set_label(Text(inert(database_label), style="bold"))
        for table in catalog.tables:
            node = self.root.add(table_label(table), data=table)
            if table.comment:
                node.add_leaf(Text(inert(table.comment), style="italic dim"))
            for column in table.columns:
                node.add_leaf(column_label(column), data=None)
        self.root.expand()

    def on_tree_node_selected(self, event: Tree.NodeSelected[Table | None]) -> None:
        if event.node.data is not None:
            event.stop()
            self.post_message(TableChosen(event.node.data))
