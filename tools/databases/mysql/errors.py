"""What a MySQL or MariaDB failure says: one line, no secret, and its class without the text.

PyMySQL raises errors whose first argument is the server's error number; the number says what
kind of failure it was without quoting any value (`--no-data-to-model`), and the message is
scrubbed of the password before anyone reads it.
"""

from __future__ import annotations

from tools.databases.error_classes import ErrorClass

# Server error numbers (the same on MySQL and MariaDB unless noted).
QUERY_INTERRUPTED = 1317  # KILL QUERY
STATEMENT_TIMEOUT = 1969  # MariaDB max_statement_time
EXECUTION_TIMEOUT = 3024  # MySQL max_execution_time
TIMEOUT_CODES = frozenset({STATEMENT_TIMEOUT, EXECUTION_TIMEOUT})
LOST_CODES = frozenset({2006, 2013, 2014, 2055, 0})  # server gone, lost during query, out of sync

_CLASSES = {
    1054: ErrorClass.UNKNOWN_NAME,  # unknown column
    1146: ErrorClass.UNKNOWN_NAME,  # table doesn't exist
    1305: ErrorClass.UNKNOWN_NAME,  # function doesn't exist
    1049: ErrorClass.UNKNOWN_NAME,  # unknown database
    1052: ErrorClass.AMBIGUOUS,
    1055: ErrorClass.GROUPING,  # ONLY_FULL_GROUP_BY
    1056: ErrorClass.GROUPING,
    1111: ErrorClass.GROUPING,  # invalid use of group function
    1064: ErrorClass.SYNTAX,
    1149: ErrorClass.SYNTAX,
    1242: ErrorClass.TOO_MANY_ROWS,
    1241: ErrorClass.TYPE_MISMATCH,  # operand should contain N columns
    1365: ErrorClass.DIVISION_BY_ZERO,
    1264: ErrorClass.OUT_OF_RANGE,
    1690: ErrorClass.OUT_OF_RANGE,
    1292: ErrorClass.CONVERSION,  # truncated incorrect value
    1366: ErrorClass.CONVERSION,
    1411: ErrorClass.CONVERSION,  # incorrect datetime value for function
    1235: ErrorClass.NOT_SUPPORTED,
    1044: ErrorClass.PERMISSION,
    1045: ErrorClass.PERMISSION,
    1142: ErrorClass.PERMISSION,
    1143: ErrorClass.PERMISSION,
    1227: ErrorClass.PERMISSION,
    1370: ErrorClass.PERMISSION,
    1792: ErrorClass.REFUSED,  # cannot execute statement in a READ ONLY transaction
    1041: ErrorClass.RESOURCES,
    1038: ErrorClass.RESOURCES,
    1114: ErrorClass.RESOURCES,
    1317: ErrorClass.INTERRUPTED,
    1969: ErrorClass.TIMEOUT,
    3024: ErrorClass.TIMEOUT,
}


def error_code(exc: BaseException) -> int | None:
    """The server's error number of a PyMySQL error, or None."""
    args = getattr(exc, "args", ())
    return args[0] if args and isinstance(args[0], int) else None


def error_class(exc: BaseException) -> ErrorClass:
    code = error_code(exc)
    if code in LOST_CODES or (code is not None and 2000 <= code < 3000):
        return ErrorClass.CONNECTION
    return _CLASSES.get(code or -1, ErrorClass.OTHER)


def describe_error(exc: BaseException, secrets: tuple[str, ...]) -> str:
    """The server's message, first line only, without any secret."""
    args: tuple[object, ...] = tuple(getattr(exc, "args", ()))
    text = str(args[1]) if len(args) > 1 else str(exc)
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    return scrub(lines[0] if lines else type(exc).__name__, secrets)


def lost_message(exc: BaseException, secrets: tuple[str, ...]) -> str:
    return (
        f"the connection to MySQL was lost ({describe_error(exc, secrets)}); the query did not finish and "
        "nothing changed — run it again and analyst reconnects"
    )


def scrub(text: str, secrets: tuple[str, ...]) -> str:
    for secret in secrets:
        if secret:
            text = text.replace(secret, "***")
    return text


def is_lost(exc: BaseException) -> bool:
    return error_class(exc) is ErrorClass.CONNECTION
