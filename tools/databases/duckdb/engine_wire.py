"""What the analyst process and its DuckDB engine process say to each other.

Each request gets exactly one reply, in order; `Interrupt` is the exception (no reply: it stops
whatever request is running, which then replies with its failure). Plain frozen dataclasses,
pickled over a multiprocessing pipe between two processes of the same program.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tools.catalog import Catalog
from tools.databases.base import Limits, ResultColumn
from tools.databases.duckdb.connection import EngineSettings
from tools.databases.engine.wire import Opened, OpenFailed
from tools.databases.error_classes import ErrorClass


@dataclass(frozen=True)
class EngineSpec:
    """How an engine process opens its database: the hardened connection's arguments, its own
    spill folder, and the memory it may map (`memory_ceiling` bytes of private memory; 0: none)."""

    path: str
    label: str
    settings: EngineSettings
    data_files: tuple[str, ...]
    temp_dir: str
    memory_ceiling: int


# -- requests ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Introspect:
    exclude_tables: tuple[str, ...]
    exclude_columns: tuple[str, ...]
    scan_views: bool
    own_views: bool


@dataclass(frozen=True)
class Execute:
    """One checked statement; `hidden` are the column names kept out of the engine's messages."""

    sql: str
    limits: Limits
    hidden: frozenset[str]


@dataclass(frozen=True)
class StreamOpen:
    sql: str
    hidden: frozenset[str]


@dataclass(frozen=True)
class StreamNext:
    rows: int


@dataclass(frozen=True)
class StreamClose:
    pass


Request = Introspect | Execute | StreamOpen | StreamNext | StreamClose


# -- replies -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Failed:
    """The engine reported a failure: `interrupted` (the caller knows whether it was a timeout)
    or `error`, with its cleaned text and class."""

    interrupted: bool
    message: str
    error_class: ErrorClass = ErrorClass.OTHER


@dataclass(frozen=True)
class Rows:
    columns: tuple[ResultColumn, ...]
    rows: tuple[tuple[Any, ...], ...]
    truncated: bool


@dataclass(frozen=True)
class StreamStarted:
    columns: tuple[ResultColumn, ...]


@dataclass(frozen=True)
class Chunk:
    rows: list[tuple[Any, ...]]


@dataclass(frozen=True)
class CatalogRead:
    catalog: Catalog


@dataclass(frozen=True)
class Done:
    pass


@dataclass(frozen=True)
class Crashed:
    """A Python exception the engine did not expect (a bug): its type and message."""

    error: str


Reply = Opened | OpenFailed | Failed | Rows | StreamStarted | Chunk | CatalogRead | Done | Crashed
