"""DuckDB, read-only by construction: a `.duckdb` file, or CSV/Parquet/JSON files as views.

`__all__` is the backend's surface; each name loads on first use from the module that defines it,
so importing the package (or one leaf) stays light. duckdb itself is imported only inside the
functions that talk to the engine. The parts: `database.py` (the `Database`: execute, stream,
interrupt), `connection.py` (the hardened connection and its checks), `catalog.py`
(introspection), `stream.py` (exports), `file_views.py` (data files as views), and the engine's
own cross-check of a query in `cross_check.py`, over DuckDB's parse (`tree.py`, `hidden.py`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tools.lazy_names import load_name

_HOME = {
    "DATA_SUFFIXES": "tools.databases.duckdb.file_views",
    "DuckDBDatabase": "tools.databases.duckdb.database",
    "EngineSettings": "tools.databases.duckdb.connection",
    "open_duckdb": "tools.databases.duckdb.database",
}
__all__ = ["DATA_SUFFIXES", "DuckDBDatabase", "EngineSettings", "open_duckdb"]


def __getattr__(name: str) -> Any:
    return load_name(__name__, _HOME, globals(), name)


if TYPE_CHECKING:
    from tools.databases.duckdb.connection import EngineSettings
    from tools.databases.duckdb.database import DuckDBDatabase, open_duckdb
    from tools.databases.duckdb.file_views import DATA_SUFFIXES
