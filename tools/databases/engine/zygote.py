"""The process engines are forked from: started once, clean, with DuckDB already imported.

Why not `multiprocessing`: its children import the parent's `__main__` again (a script using
analyst as a library would run twice), and forking analyst itself would copy its threads (the
TUI, the model client) mid-lock. This process is started with a fresh interpreter, is
single-threaded, and only ever forks: each engine costs a fork (~30 ms) instead of an interpreter
and a DuckDB import (~250 ms). It talks to analyst over a Unix socket pair: a length-prefixed
pickled `Launch` (the engine's loop, as `module:function`, and its spec), then the engine's end
of a new socket pair as a passed file descriptor; the engine speaks `multiprocessing.connection`
over it. Children are reaped automatically (SIGCHLD
ignored), and the fork server ends when analyst closes its socket.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import signal
import socket
import struct
import subprocess
import sys
import threading
from dataclasses import dataclass
from multiprocessing import reduction
from multiprocessing.connection import Connection
from typing import Any

_HEADER = struct.Struct("!I")
_BOOT = (
    "import pickle, socket, struct, sys\n"
    "sock = socket.socket(fileno=int(sys.argv[1]))\n"
    "size = struct.unpack('!I', sock.recv(4, socket.MSG_WAITALL))[0]\n"
    "sys.path[:] = pickle.loads(sock.recv(size, socket.MSG_WAITALL))\n"
    "from tools.databases.engine.zygote import serve_forks\n"
    "serve_forks(sock)\n"
)


@dataclass(frozen=True)
class Launch:
    """One engine to fork: its loop (`module:function`, called with the pipe and `spec`)."""

    target: str
    spec: Any


def serve_forks(sock: socket.socket) -> None:
    """The fork server's loop (in its own process): one engine per request, until EOF."""
    import importlib

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # the kernel reaps engines: no zombies
    import duckdb  # noqa: F401  (imported once here, inherited by every engine)

    import tools.databases.duckdb.engine_child  # noqa: F401  (the engine most opened)

    while True:
        launch = _receive(sock)
        if launch is None:
            os._exit(0)
        (fd,) = reduction.recvfds(sock, 1)
        if os.fork() == 0:
            sock.close()
            signal.signal(signal.SIGCHLD, signal.SIG_DFL)
            try:
                module, function = launch.target.split(":")
                getattr(importlib.import_module(module), function)(Connection(fd), launch.spec)
            finally:
                os._exit(0)
        os.close(fd)


def _receive(sock: socket.socket) -> Launch | None:
    header = sock.recv(_HEADER.size, socket.MSG_WAITALL)
    if len(header) < _HEADER.size:
        return None
    (size,) = _HEADER.unpack(header)
    body = sock.recv(size, socket.MSG_WAITALL)
    if len(body) < size:
        return None
    launch: Launch = pickle.loads(body)
    return launch


class ForkServer:
    """analyst's side: start the fork server once, then ask it for engines."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._sock: socket.socket | None = None
        self._process: subprocess.Popen[bytes] | None = None

    def start_engine(self, launch: Launch) -> Connection:
        """A connection to a new engine process (it first replies Opened/OpenFailed)."""
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            with self._lock:
                for attempt in range(2):
                    sock = self._ensure_running()
                    try:
                        self._send(sock, pickle.dumps(launch))
                        reduction.sendfds(sock, [theirs.fileno()])
                        break
                    except OSError:  # the fork server died (killed): start another once
                        self._stop()
                        if attempt:
                            raise
        finally:
            theirs.close()
        return Connection(ours.detach())

    def _ensure_running(self) -> socket.socket:
        if self._sock is not None and self._process is not None and self._process.poll() is None:
            return self._sock
        self._stop()
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        self._process = subprocess.Popen(
            [sys.executable, "-c", _BOOT, str(theirs.fileno())],
            pass_fds=(theirs.fileno(),),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,  # nothing an engine prints may reach the screen (the TUI owns it);
            stderr=subprocess.DEVNULL,  # engines answer through their pipes only
            close_fds=True,
        )
        theirs.close()
        self._send(ours, pickle.dumps(list(sys.path)))
        self._sock = ours
        return ours

    @staticmethod
    def _send(sock: socket.socket, body: bytes) -> None:
        sock.sendall(_HEADER.pack(len(body)) + body)

    def _stop(self) -> None:
        if self._sock is not None:
            with contextlib.suppress(OSError):
                self._sock.close()
        if self._process is not None:
            with contextlib.suppress(Exception):
                self._process.wait(timeout=2.0)
        self._sock, self._process = None, None


FORK_SERVER = ForkServer()
