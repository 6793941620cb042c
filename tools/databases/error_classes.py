"""What kind of failure a query met, as a class name that carries no value of the data.

An engine's message may quote a cell ("could not convert string 'Alice' to INT32", "overflow in
addition of INT32 (2147483647 + 1)"), and the query chooses what is quoted, so no scrubbing of the
text can be trusted: a quote the query adds (`'''' || secret`) defeats a pattern for quoted
literals. With `--no-data-to-model` the model is told only the class, read from what the engine
reports outside its text: PostgreSQL's SQLSTATE, DuckDB's exception type (and, for DuckDB's broad
"invalid input" type, which fixed message opening it has; that opening is matched, never sent).
"""

from __future__ import annotations

from enum import StrEnum


class ErrorClass(StrEnum):
    CONVERSION = "conversion error"  # a value could not be read as the type asked for
    DIVISION_BY_ZERO = "division by zero"
    OUT_OF_RANGE = "value out of range"
    INVALID_VALUE = "invalid value for a function or operator"
    TOO_MANY_ROWS = "a subquery used as a value returned more than one row"
    UNKNOWN_NAME = "unknown table, column or function"
    AMBIGUOUS = "ambiguous name"
    TYPE_MISMATCH = "type mismatch"
    GROUPING = "grouping error"
    SYNTAX = "syntax error"
    NOT_SUPPORTED = "not supported by the engine"
    PERMISSION = "permission denied"
    RESOURCES = "out of memory or another resource limit"
    CONNECTION = "connection lost"
    TIMEOUT = "timeout"
    INTERRUPTED = "interrupted"
    REFUSED = "refused before running"
    OTHER = "query error"


_SQLSTATE = {
    "22P02": ErrorClass.CONVERSION,  # invalid_text_representation
    "22007": ErrorClass.CONVERSION,  # invalid_datetime_format
    "22018": ErrorClass.CONVERSION,  # invalid_character_value_for_cast
    "22P03": ErrorClass.CONVERSION,  # invalid_binary_representation
    "22012": ErrorClass.DIVISION_BY_ZERO,
    "22003": ErrorClass.OUT_OF_RANGE,  # numeric_value_out_of_range
    "22008": ErrorClass.OUT_OF_RANGE,  # datetime_field_overflow
    "22001": ErrorClass.OUT_OF_RANGE,  # string_data_right_truncation
    "21000": ErrorClass.TOO_MANY_ROWS,  # cardinality_violation
    "42703": ErrorClass.UNKNOWN_NAME,  # undefined_column
    "42P01": ErrorClass.UNKNOWN_NAME,  # undefined_table
    "42883": ErrorClass.UNKNOWN_NAME,  # undefined_function
    "42704": ErrorClass.UNKNOWN_NAME,  # undefined_object
    "3F000": ErrorClass.UNKNOWN_NAME,  # invalid_schema_name
    "42702": ErrorClass.AMBIGUOUS,  # ambiguous_column
    "42725": ErrorClass.AMBIGUOUS,  # ambiguous_function
    "42804": ErrorClass.TYPE_MISMATCH,  # datatype_mismatch
    "42846": ErrorClass.TYPE_MISMATCH,  # cannot_coerce
    "42P18": ErrorClass.TYPE_MISMATCH,  # indeterminate_datatype
    "42803": ErrorClass.GROUPING,  # grouping_error
    "42601": ErrorClass.SYNTAX,  # syntax_error
    "42501": ErrorClass.PERMISSION,  # insufficient_privilege
    "25006": ErrorClass.REFUSED,  # read_only_sql_transaction
    "57014": ErrorClass.TIMEOUT,  # query_canceled
    "0A000": ErrorClass.NOT_SUPPORTED,  # feature_not_supported
}
_SQLSTATE_FAMILY = {
    "22": ErrorClass.INVALID_VALUE,  # data_exception
    "53": ErrorClass.RESOURCES,  # insufficient_resources
    "54": ErrorClass.RESOURCES,  # program_limit_exceeded
    "08": ErrorClass.CONNECTION,
    "57": ErrorClass.CONNECTION,  # operator_intervention (shutdown and the like)
}

_DUCKDB = {
    "ConversionException": ErrorClass.CONVERSION,
    "OutOfRangeException": ErrorClass.OUT_OF_RANGE,
    "InvalidInputException": ErrorClass.INVALID_VALUE,
    "BinderException": ErrorClass.UNKNOWN_NAME,
    "CatalogException": ErrorClass.UNKNOWN_NAME,
    "TypeMismatchException": ErrorClass.TYPE_MISMATCH,
    "InvalidTypeException": ErrorClass.TYPE_MISMATCH,
    "ParserException": ErrorClass.SYNTAX,
    "SyntaxException": ErrorClass.SYNTAX,
    "NotImplementedException": ErrorClass.NOT_SUPPORTED,
    "PermissionException": ErrorClass.PERMISSION,
    "OutOfMemoryException": ErrorClass.RESOURCES,
    "ConnectionException": ErrorClass.CONNECTION,
    "InterruptException": ErrorClass.INTERRUPTED,
}
# DuckDB raises "Invalid Input Error" for several distinct failures; these openings are its own text
_DUCKDB_INVALID_INPUT = (
    ("Invalid Input Error: Division by zero", ErrorClass.DIVISION_BY_ZERO),
    ("Invalid Input Error: More than one row returned by a subquery", ErrorClass.TOO_MANY_ROWS),
)


def from_sqlstate(sqlstate: str | None) -> ErrorClass:
    """PostgreSQL's five-character SQLSTATE as a class; an unknown or missing code is `OTHER`."""
    if not sqlstate:
        return ErrorClass.OTHER
    return _SQLSTATE.get(sqlstate) or _SQLSTATE_FAMILY.get(sqlstate[:2], ErrorClass.OTHER)


def from_duckdb(error: BaseException) -> ErrorClass:
    """A DuckDB exception as a class, by its type (the first DuckDB type in its ancestry)."""
    for kind in type(error).__mro__:
        found = _DUCKDB.get(kind.__name__)
        if found is ErrorClass.INVALID_VALUE:
            text = str(error)
            return next((c for opening, c in _DUCKDB_INVALID_INPUT if text.startswith(opening)), found)
        if found is not None:
            return found
    return ErrorClass.OTHER
