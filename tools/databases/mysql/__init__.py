"""MySQL and MariaDB through a checked read-only account, each query in a READ ONLY transaction
under limits.

`__all__` is the backend's surface; each name loads on first use from the module that defines it.
PyMySQL is an optional extra (`analyst[mysql]`), imported only inside the functions that talk to
the server. The parts: `database.py` (the `Database`: cross-check, execute, stream, interrupt),
`url.py` (the URL and how it is shown), `connection.py` (connections, session settings, the pool),
`grants.py` (the account every connection must be), `cancel.py` (KILL QUERY from a second
connection), `catalog.py` and `exclusions.py` (introspection), `stream.py` (exports), `types.py`
(result type names), `lexing.py` (whether an edit reads like the checked text), `errors.py`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tools.lazy_names import load_name

_HOME = {
    "PASSWORD_IN_URL_WARNING": "tools.databases.mysql.url",
    "MySQLDatabase": "tools.databases.mysql.database",
    "open_mysql": "tools.databases.mysql.database",
    "read_only_user_fix": "tools.databases.mysql.grants",
    "redact_url": "tools.databases.mysql.url",
    "url_has_password": "tools.databases.mysql.url",
}
__all__ = [
    "PASSWORD_IN_URL_WARNING",
    "MySQLDatabase",
    "open_mysql",
    "read_only_user_fix",
    "redact_url",
    "url_has_password",
]


def __getattr__(name: str) -> Any:
    return load_name(__name__, _HOME, globals(), name)


if TYPE_CHECKING:
    from tools.databases.mysql.database import MySQLDatabase, open_mysql
    from tools.databases.mysql.grants import read_only_user_fix
    from tools.databases.mysql.url import PASSWORD_IN_URL_WARNING, redact_url, url_has_password
