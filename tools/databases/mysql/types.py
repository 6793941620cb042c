"""Result column type names from PyMySQL's field descriptions.

The wire protocol reports one code for text and binary strings alike (charset 63 marks binary),
so the name comes from the code and the character set together; an unknown code is shown as its
number rather than guessed.
"""

from __future__ import annotations

from typing import Any

BINARY_CHARSET = 63

_NAMES = {
    0: "DECIMAL",
    1: "TINYINT",
    2: "SMALLINT",
    3: "INT",
    4: "FLOAT",
    5: "DOUBLE",
    6: "NULL",
    7: "TIMESTAMP",
    8: "BIGINT",
    9: "MEDIUMINT",
    10: "DATE",
    11: "TIME",
    12: "DATETIME",
    13: "YEAR",
    14: "DATE",
    15: "VARCHAR",
    16: "BIT",
    245: "JSON",
    246: "DECIMAL",
    247: "ENUM",
    248: "SET",
    249: "TEXT",
    250: "TEXT",
    251: "TEXT",
    252: "TEXT",
    253: "VARCHAR",
    254: "CHAR",
    255: "GEOMETRY",
}
_BINARY = {"VARCHAR": "VARBINARY", "CHAR": "BINARY", "TEXT": "BLOB"}


def column_types(cursor: Any) -> list[str]:
    """One type name per result column of `cursor`'s current result."""
    result = getattr(cursor, "_result", None)
    fields = list(getattr(result, "fields", None) or ())
    if fields:
        return [type_name(f.type_code, getattr(f, "charsetnr", 0)) for f in fields]
    return [type_name(d[1], 0) for d in cursor.description or ()]


def type_name(code: int, charset: int) -> str:
    name = _NAMES.get(code, str(code))
    return _BINARY.get(name, name) if charset == BINARY_CHARSET else name
