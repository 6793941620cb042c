"""A SQLite failure as an error class (`--no-data-to-model`) and as text for the model.

SQLite reports a primary result code beside its text (`sqlite_errorname`: SQLITE_AUTH,
SQLITE_TOOBIG, ...), but most query mistakes share SQLITE_ERROR, so for that code the class comes
from which of SQLite's own fixed openings the text has (matched, never sent, as for DuckDB's
broad "Invalid Input Error"). A denial by the authorizer is reported in fixed words: SQLite's text
names the column it refused ("access to main.customers.email is prohibited"), which would confirm
that a hidden column exists.
"""

from __future__ import annotations

import sqlite3

from tools.databases.error_classes import ErrorClass

DENIED_MESSAGE = (
    "not authorized: the query reads a table or column that is not available to the analyst, calls a "
    "function that is not allowed, or is not a plain read (SQLite's authorizer refused it)"
)

_BY_CODE = {
    "SQLITE_AUTH": ErrorClass.PERMISSION,
    "SQLITE_PERM": ErrorClass.PERMISSION,
    "SQLITE_READONLY": ErrorClass.REFUSED,
    "SQLITE_TOOBIG": ErrorClass.RESOURCES,
    "SQLITE_NOMEM": ErrorClass.RESOURCES,
    "SQLITE_FULL": ErrorClass.RESOURCES,
    "SQLITE_INTERRUPT": ErrorClass.INTERRUPTED,
    "SQLITE_MISMATCH": ErrorClass.TYPE_MISMATCH,
    "SQLITE_RANGE": ErrorClass.OUT_OF_RANGE,
    "SQLITE_BUSY": ErrorClass.CONNECTION,
    "SQLITE_LOCKED": ErrorClass.CONNECTION,
    "SQLITE_IOERR": ErrorClass.CONNECTION,
    "SQLITE_CANTOPEN": ErrorClass.CONNECTION,
    "SQLITE_CORRUPT": ErrorClass.CONNECTION,
}
# SQLITE_ERROR's openings, SQLite's own text
_OPENINGS = (
    ("no such column", ErrorClass.UNKNOWN_NAME),
    ("no such table", ErrorClass.UNKNOWN_NAME),
    ("no such function", ErrorClass.UNKNOWN_NAME),
    ("no such collation", ErrorClass.UNKNOWN_NAME),
    ("wrong number of arguments", ErrorClass.UNKNOWN_NAME),
    ("ambiguous column name", ErrorClass.AMBIGUOUS),
    ("misuse of aggregate", ErrorClass.GROUPING),
    ("misuse of window function", ErrorClass.GROUPING),
    ("aggregate functions are not allowed", ErrorClass.GROUPING),
    ("a group by clause is required", ErrorClass.GROUPING),
    ("near ", ErrorClass.SYNTAX),
    ("incomplete input", ErrorClass.SYNTAX),
    ("unrecognized token", ErrorClass.SYNTAX),
    ("sub-select returns", ErrorClass.TYPE_MISMATCH),
    ("row value misused", ErrorClass.TYPE_MISMATCH),
    ("integer overflow", ErrorClass.OUT_OF_RANGE),
    ("malformed json", ErrorClass.INVALID_VALUE),
    ("json cannot hold blob", ErrorClass.INVALID_VALUE),
    ("bad json path", ErrorClass.INVALID_VALUE),
    ("expression tree is too large", ErrorClass.RESOURCES),
    ("too many", ErrorClass.RESOURCES),
    ("string or blob too big", ErrorClass.RESOURCES),
    ("could not decode to utf-8", ErrorClass.CONVERSION),
)


def error_class(error: BaseException) -> ErrorClass:
    """The class of a sqlite3 exception, from its result code, else its text's opening."""
    if isinstance(error, (sqlite3.Warning, sqlite3.ProgrammingError)):
        return ErrorClass.SYNTAX  # "You can only execute one statement at a time."
    code = getattr(error, "sqlite_errorname", None) or ""
    text = str(error).lower()
    for opening, found in _OPENINGS:
        if text.startswith(opening):
            return found
    primary = next((c for c in _BY_CODE if code == c or code.startswith(c + "_")), None)  # SQLITE_IOERR_READ
    if primary is not None:
        return _BY_CODE[primary]
    return ErrorClass.INVALID_VALUE if isinstance(error, sqlite3.DataError) else ErrorClass.OTHER


def is_denied(error: BaseException) -> bool:
    """The authorizer refused the statement (its text names what it refused)."""
    return getattr(error, "sqlite_errorname", None) == "SQLITE_AUTH" or str(error).startswith("not authorized")
