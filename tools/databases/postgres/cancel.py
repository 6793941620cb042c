"""One running query's cancel switch, shared by its watchdog timer, `interrupt` and the stream.

It remembers why the query was cancelled (`timeout` or `interrupt`), because the server reports
both the same way and the caller must tell the person which one happened.
"""

from __future__ import annotations

import threading
from typing import Any


class Watch:
    """One running query's cancel switch; after `finish` a late timer or interrupt does nothing."""

    def __init__(self, conn: Any) -> None:
        self.conn = conn
        self.reason: str | None = None
        self._done = False
        self._lock = threading.Lock()

    def cancel(self, reason: str) -> None:
        with self._lock:
            if self._done or self.reason is not None:
                return
            self.reason = reason
            try:
                self.conn.cancel_safe(timeout=5.0)  # psycopg >= 3.2; a separate cancel connection
            except Exception:
                pass

    def finish(self) -> None:
        with self._lock:
            self._done = True
