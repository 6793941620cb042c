"""PostgreSQL through a checked read-only role, each query in a READ ONLY snapshot under limits.

`__all__` is the backend's surface; each name loads on first use from the module that defines it.
psycopg is an optional extra, imported only inside the functions that talk to the server. The
parts: `database.py` (the `Database`: cross-check, execute, explain, stream, interrupt),
`connection.py` (the pool, DSN handling, error text without secrets), `role.py` (the session
settings and the role every connection must be), `catalog.py` (introspection), `cancel.py` (one
running query's cancel switch), `stream.py` (exports).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tools.lazy_names import load_name

_HOME = {
    "PASSWORD_IN_URL_WARNING": "tools.databases.postgres.connection",
    "PostgresDatabase": "tools.databases.postgres.database",
    "SessionSettings": "tools.databases.postgres.role",
    "dsn_has_password": "tools.databases.postgres.connection",
    "open_postgres": "tools.databases.postgres.database",
    "read_only_role_fix": "tools.databases.postgres.role",
    "redact_dsn": "tools.databases.postgres.connection",
}
__all__ = [
    "PASSWORD_IN_URL_WARNING",
    "PostgresDatabase",
    "SessionSettings",
    "dsn_has_password",
    "open_postgres",
    "read_only_role_fix",
    "redact_dsn",
]


def __getattr__(name: str) -> Any:
    return load_name(__name__, _HOME, globals(), name)


if TYPE_CHECKING:
    from tools.databases.postgres.connection import PASSWORD_IN_URL_WARNING, dsn_has_password, redact_dsn
    from tools.databases.postgres.database import PostgresDatabase, open_postgres
    from tools.databases.postgres.role import SessionSettings, read_only_role_fix
