"""Ctrl+C that reaches a running query.

Python runs signal handlers only between bytecodes, so while the main thread sits inside DuckDB's
C code fetching rows, a plain KeyboardInterrupt waits for the query to end. The signal module's
wakeup fd is written by the C-level handler at once; a watcher thread reading it interrupts the
query, and the usual KeyboardInterrupt then ends the turn as `interrupted`.
"""

from __future__ import annotations

import signal
import socket
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager


@contextmanager
def interrupt_on_sigint(
    callback: Callable[[], None], quiet_while: Callable[[], bool] = lambda: False
) -> Iterator[None]:
    """Call `callback` from a watcher thread as soon as SIGINT arrives (main thread only).

    KeyboardInterrupt is still raised in the main thread, except while `quiet_while()` is true
    (a query is running): then the interrupted query comes back as a value and is recorded.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    reader, writer = socket.socketpair()
    reader.setblocking(True)
    writer.setblocking(False)
    previous = signal.set_wakeup_fd(writer.fileno(), warn_on_full_buffer=False)
    stop = threading.Event()

    def watch() -> None:
        while not stop.is_set():
            try:
                data = reader.recv(64)
            except OSError:
                return
            if not data:
                return
            if signal.SIGINT in data and not stop.is_set():
                callback()

    def handler(signum: int, frame: object) -> None:
        callback()
        if not quiet_while():
            raise KeyboardInterrupt

    watcher = threading.Thread(target=watch, name="sigint-watcher", daemon=True)
    watcher.start()
    old_handler = signal.signal(signal.SIGINT, handler)
    try:
        yield
    finally:
        stop.set()
        signal.signal(signal.SIGINT, old_handler)
        signal.set_wakeup_fd(previous)
        writer.close()
        reader.close()
