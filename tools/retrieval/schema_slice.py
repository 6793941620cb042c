"""What retrieval hands the model: the chosen tables, their shown columns, and the DDL.

Values only, so the DDL renderer (`tools.catalog.ddl`) and the loop can name them without
loading the index.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from tools.catalog import Column, JoinHint, Table


class SliceMethod(StrEnum):
    """How a slice is chosen. `FOCUSED` sends what the question needs (columns, join paths) and
    leaves the rest to `describe_table`; `GREEDY` fills the budget with whole tables and
    neighbours. `GREEDY` stays so the benchmark can measure both in the same run."""

    FOCUSED = "focused"
    GREEDY = "greedy"


@dataclass(frozen=True)
class TableChoice:
    """One table in a slice: the columns shown, its relevance score and why it was chosen."""

    table: Table
    columns: tuple[Column, ...]
    score: float
    why: str

    @property
    def omitted(self) -> tuple[Column, ...]:
        """The table's columns not shown, which `describe_table` returns."""
        shown = {c.name for c in self.columns}
        return tuple(c for c in self.table.columns if c.name not in shown)


@dataclass(frozen=True)
class SchemaSlice:
    """What the model sees of the schema; `whole` says nothing was left out.

    `scope` names the schemas the question was narrowed to (empty when no narrowing happened) and
    `scope_why` says why, so `analyst schema --for` can explain that choice too.
    """

    tables: tuple[TableChoice, ...]
    join_hints: tuple[JoinHint, ...]
    ddl: str
    tokens: int
    full_tokens: int
    whole: bool
    scope: tuple[str, ...] = ()
    scope_why: str = ""

    @property
    def omitted_columns(self) -> int:
        """Columns of the chosen tables left out of the DDL (reachable via `describe_table`)."""
        return sum(len(c.table.columns) - len(c.columns) for c in self.tables)
