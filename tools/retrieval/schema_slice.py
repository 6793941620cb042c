"""What retrieval hands the model: the chosen tables, their shown columns, and the DDL.

Values only, so the DDL renderer (`tools.catalog.ddl`) and the loop can name them without
loading the index.
"""

from __future__ import annotations

from dataclasses import dataclass

from tools.catalog import Column, JoinHint, Table


@dataclass(frozen=True)
class TableChoice:
    """One table in a slice: the columns shown, its relevance score and why it was chosen."""

    table: Table
    columns: tuple[Column, ...]
    score: float
    why: str


@dataclass(frozen=True)
class SchemaSlice:
    """What the model sees of the schema; `whole` says nothing was left out."""

    tables: tuple[TableChoice, ...]
    join_hints: tuple[JoinHint, ...]
    ddl: str
    tokens: int
    full_tokens: int
    whole: bool
