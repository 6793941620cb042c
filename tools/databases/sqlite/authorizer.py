"""The authorizer every SQLite connection of analyst carries: what a statement may touch, decided
by the engine as it compiles the statement, whatever the guard concluded.

SQLite asks the callback about every action while it prepares a statement (sqlite3_set_authorizer):
each SELECT, each column it reads (also those a view reads for it, named with the view), each
function it calls, each write, ATTACH, PRAGMA or transaction. Read-only mode and `query_only` stop
writes to the database, but `ATTACH` still creates a file (measured: `ATTACH '/tmp/x.db'` on a
`mode=ro` + `query_only` connection creates it), so the callback allows only reads of the tables
and views the catalog kept, none of their hidden columns, and the allowlisted functions, and denies
everything else. A denial fails the statement with SQLITE_AUTH; nothing is silently dropped
(SQLITE_IGNORE would return NULL for a hidden column and let the query look successful).
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field

from tools.guard.names import fold

# Functions SQLite calls for operators, by the names the authorizer reports.
OPERATOR_FUNCTIONS = frozenset({"like", "glob", "->", "->>"})
_ALLOW = sqlite3.SQLITE_OK
_DENY = sqlite3.SQLITE_DENY


@dataclass(frozen=True)
class ReadPolicy:
    """What statements on a connection may read and call, by SQLite's (ASCII case-insensitive)
    names. `tables`: None allows every table and view of the `main` schema except SQLite's own
    (`sqlite_*`); introspection uses that before the catalog exists. `hidden`: table -> the
    columns no statement may read. `functions`: None allows any function (introspection only).
    `relations`: every table and view of the file, kept or not, to tell a CTE from a table when
    SQLite reports a read without a column (`count(*) FROM r` reports `r` whatever `r` is)."""

    tables: frozenset[str] | None = None
    relations: frozenset[str] = frozenset()
    hidden: dict[str, frozenset[str]] = field(default_factory=dict)
    functions: frozenset[str] | None = None

    def __call__(self, action: int, arg1: str | None, arg2: str | None, db: str | None, source: str | None) -> int:
        if action == sqlite3.SQLITE_SELECT or action == sqlite3.SQLITE_RECURSIVE:
            return _ALLOW
        if action == sqlite3.SQLITE_READ:
            return _ALLOW if self.may_read(arg1, arg2, db) else _DENY
        if action == sqlite3.SQLITE_FUNCTION:
            name = fold(arg2 or "")
            return _ALLOW if self.functions is None or name in self.functions else _DENY
        return _DENY  # writes, ATTACH/DETACH, PRAGMA, transactions, savepoints, DDL, ANALYZE, ...

    def may_read(self, table: str | None, column: str | None, db: str | None) -> bool:
        """A column of a kept table or view of the main schema that is not hidden. `db` is None
        when SQLite checks a table read without a column (`count(*)`)."""
        if table is None or db not in ("main", None):
            return False
        key = fold(table)
        if key.startswith("sqlite_"):
            return False  # sqlite_schema / sqlite_master / sqlite_stat*: the engine's own tables
        if self.tables is not None and key not in self.tables:
            return not column and db is None and key not in self.relations  # a CTE counted, no data

        return not column or fold(column) not in self.hidden.get(key, frozenset())
