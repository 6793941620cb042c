"""SQLite, read-only by construction: a `.sqlite`/`.sqlite3` file, or a `.db` whose header says SQLite.

`__all__` is the backend's surface; each name loads on first use from the module that defines it.
The standard library's sqlite3 is the driver. The parts: `database.py` (the `Database`: catalog,
cross-check, execute, stream, interrupt; one connection per statement), `connection.py` (the
hardened connection: `mode=ro`, `query_only`, no extensions, no attached databases, bounded
values, the stop switch), `authorizer.py` (what a statement may read and call, enforced by the
engine as it compiles), `catalog.py` (introspection), `stream.py` (exports), `errors.py` (error
classes and the fixed text of a denial), `engine.py` (the same database in engine processes that
can be killed: what the front ends open).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tools.lazy_names import load_name

_HOME = {
    "SQLITE_SUFFIXES": "tools.databases.sqlite.connection",
    "SQLiteDatabase": "tools.databases.sqlite.database",
    "ValueLimits": "tools.databases.sqlite.connection",
    "is_sqlite_file": "tools.databases.sqlite.connection",
    "open_sqlite": "tools.databases.sqlite.database",
    "open_sqlite_engine": "tools.databases.sqlite.engine",
}
__all__ = ["SQLITE_SUFFIXES", "SQLiteDatabase", "ValueLimits", "is_sqlite_file", "open_sqlite", "open_sqlite_engine"]


def __getattr__(name: str) -> Any:
    return load_name(__name__, _HOME, globals(), name)


if TYPE_CHECKING:
    from tools.databases.sqlite.connection import SQLITE_SUFFIXES, ValueLimits, is_sqlite_file
    from tools.databases.sqlite.database import SQLiteDatabase, open_sqlite
    from tools.databases.sqlite.engine import open_sqlite_engine
