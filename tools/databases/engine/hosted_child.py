"""An in-process `Database` run inside an engine process, answering the parent's calls.

For an engine whose driver runs inside the caller (SQLite's `sqlite3`), the whole `Database`
object is built here, in a process of its own, and its methods are called by name over the pipe
(`HostedDatabase` is the parent's side). The object keeps every limit it has; the process adds
what a thread cannot: the parent kills it when a statement ignores the interrupt.
"""

from __future__ import annotations

import importlib
import os
import queue
import signal
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from typing import Any

from tools.databases.base import DatabaseOpenError, StreamError
from tools.databases.engine.memory import limit_memory
from tools.databases.engine.wire import Interrupt, Opened, OpenFailed

TARGET = "tools.databases.engine.hosted_child:serve"


@dataclass(frozen=True)
class HostSpec:
    """`opener` (`module:function`) called with `args` and `kwargs` builds the Database."""

    opener: str
    args: tuple[Any, ...]
    kwargs: dict[str, Any] = field(default_factory=dict)
    memory_ceiling: int = 0


@dataclass(frozen=True)
class Call:
    method: str
    args: tuple[Any, ...] = ()


@dataclass(frozen=True)
class Returned:
    value: Any


@dataclass(frozen=True)
class Raised:
    """A method raised: a StreamError (`stream_kind` set), or anything else (a bug), as text."""

    message: str
    stream_kind: str = ""


_METHODS = frozenset({"catalog", "cross_check", "reads_alike", "execute", "fingerprint_source"})


def serve(pipe: Connection, spec: HostSpec) -> None:
    """The engine process's life: build the database, then answer calls until the pipe closes."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    limit_memory(spec.memory_ceiling)
    module, function = spec.opener.split(":")
    try:
        database = getattr(importlib.import_module(module), function)(*spec.args, **spec.kwargs)
    except DatabaseOpenError as exc:
        pipe.send(OpenFailed(exc.message, exc.fix))
        return
    host = _Host(pipe, database)
    pipe.send(Opened(os.getpid()))
    threading.Thread(target=host.work, name="engine", daemon=True).start()
    while True:
        try:
            message = pipe.recv()
        except (EOFError, OSError):
            os._exit(0)  # the parent is gone or done with us
        if isinstance(message, Interrupt):
            host.interrupt()
        else:
            host.calls.put(message)


class _Host:
    def __init__(self, pipe: Connection, database: Any) -> None:
        self.pipe = pipe
        self.database = database
        self.calls: queue.SimpleQueue[Call] = queue.SimpleQueue()
        self._stream: Any = None
        self._chunks: Iterator[list[tuple[Any, ...]]] | None = None

    def interrupt(self) -> None:
        self.database.interrupt()
        stream = self._stream
        if stream is not None:
            stream.cancel()

    def work(self) -> None:
        while True:
            call = self.calls.get()
            try:
                reply: Returned | Raised = Returned(self._answer(call))
            except StreamError as exc:
                self._close_stream()
                reply = Raised(exc.message, exc.kind)
            except Exception as exc:  # a bug: the parent raises it
                reply = Raised(f"{type(exc).__name__}: {exc}")
            self.pipe.send(reply)

    def _answer(self, call: Call) -> Any:
        if call.method == "describe":
            return (self.database.dialect, self.database.uri, tuple(getattr(self.database, "notices", ())))
        if call.method in _METHODS:
            return getattr(self.database, call.method)(*call.args)
        if call.method == "stream_open":
            self._close_stream()
            self._stream = self.database.stream(*call.args)
            self._chunks = iter(self._stream.chunks())
            return self._stream.columns
        if call.method == "stream_next":
            if self._chunks is None:
                raise StreamError("error", "no export is open")
            return next(self._chunks, [])
        if call.method == "stream_close":
            self._close_stream()
            return None
        raise ValueError(f"unknown method {call.method}")

    def _close_stream(self) -> None:
        if self._stream is not None:
            try:
                self._stream.close()
            except Exception:
                pass
        self._stream, self._chunks = None, None
