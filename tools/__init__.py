"""The tools layer: databases (DuckDB, PostgreSQL) and their catalog, the SQL guard, schema
retrieval, result fingerprints and the sample database. It imports no other layer.

`__all__` is the layer's public surface, each name from the module that defines it (import it from
there, or from here; a function named like its module, as `retrieve`, only from there: the module
would shadow it). The names load on first use, so `import tools` stays light: the guard pulls in
sqlglot and the databases duckdb, and `analyst --help` must load neither.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tools.lazy_names import load_name

_HOME = {
    "Database": "tools.databases.base",
    "DatabaseOpenError": "tools.databases.base",
    "Limits": "tools.databases.base",
    "QueryResult": "tools.databases.base",
    "QueryError": "tools.databases.base",
    "ResultColumn": "tools.databases.base",
    "RowStream": "tools.databases.base",
    "StreamError": "tools.databases.base",
    "open_duckdb": "tools.databases.duckdb.database",
    "Catalog": "tools.catalog",
    "Table": "tools.catalog",
    "Column": "tools.catalog",
    "check_sql": "tools.guard",
    "sql_hash": "tools.guard",
    "Verdict": "tools.guard",
    "Problem": "tools.guard",
    "SchemaSlice": "tools.retrieval",
    "result_fingerprint": "tools.fingerprint",
    "normalize_value": "tools.fingerprint",
    "sample_database": "tools.sample",
}
__all__ = [  # the public surface (ruff checks it against the imports below)
    "Catalog",
    "Column",
    "Database",
    "DatabaseOpenError",
    "Limits",
    "Problem",
    "QueryError",
    "QueryResult",
    "ResultColumn",
    "RowStream",
    "SchemaSlice",
    "StreamError",
    "Table",
    "Verdict",
    "check_sql",
    "normalize_value",
    "open_duckdb",
    "result_fingerprint",
    "sample_database",
    "sql_hash",
]


def __getattr__(name: str) -> Any:
    return load_name(__name__, _HOME, globals(), name)


if TYPE_CHECKING:
    from tools.catalog import Catalog, Column, Table
    from tools.databases.base import (
        Database,
        DatabaseOpenError,
        Limits,
        QueryError,
        QueryResult,
        ResultColumn,
        RowStream,
        StreamError,
    )
    from tools.databases.duckdb.database import open_duckdb
    from tools.fingerprint import normalize_value, result_fingerprint
    from tools.guard import Problem, Verdict, check_sql, sql_hash
    from tools.retrieval import SchemaSlice
    from tools.sample import sample_database
