"""The operators and casts a PostgreSQL database defines itself: its own code, which the guard refuses.

A user operator (`CREATE OPERATOR public.+ (text, text)`) or cast (`CREATE CAST (integer AS text)
WITH FUNCTION ...`) runs a function of the database wherever the server resolves an expression
to it, and planning alone can run it (constant folding), so the guard refuses SQL that could
resolve to one before the server sees the text. Built-in objects are those with an oid below
`FirstNormalObjectId` (16384); an installed extension's objects are the extension's code, as
for functions (`catalog._USER_FUNCTIONS_SQL`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

_NOT_EXTENSION = """NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend d
    WHERE d.classid = '{klass}'::pg_catalog.regclass AND d.objid = {oid} AND d.deptype = 'e')"""

_USER_OPERATORS_SQL = f"""
SELECT DISTINCT o.oprname::text FROM pg_catalog.pg_operator o
WHERE (o.oid >= 16384 OR o.oprcode::pg_catalog.oid >= 16384)
  AND {_NOT_EXTENSION.format(klass="pg_catalog.pg_operator", oid="o.oid")}
"""

# Every name a cast's target type is written as: its own, and `format_type`'s (`int4`, `integer`).
_USER_CASTS_SQL = f"""
SELECT c.castcontext::text, t.typname::text, pg_catalog.format_type(t.oid, NULL)
FROM pg_catalog.pg_cast c JOIN pg_catalog.pg_type t ON t.oid = c.casttarget
WHERE (c.oid >= 16384 OR c.castfunc::pg_catalog.oid >= 16384)
  AND {_NOT_EXTENSION.format(klass="pg_catalog.pg_cast", oid="c.oid")}
"""


@dataclass(frozen=True)
class DatabaseCode:
    """What the catalog records of the database's own operators and casts."""

    operators: frozenset[str]  # operator symbols (`+`, `|||`)
    cast_targets: frozenset[str]  # lower-cased names of the types a user cast converts to
    implicit_casts: bool  # a user cast the server may apply without one being written


def database_code(conn: Any) -> DatabaseCode:
    """The operators and casts defined by the database itself (see the module docstring)."""
    operators = frozenset(str(row[0]) for row in conn.execute(_USER_OPERATORS_SQL).fetchall())
    targets: set[str] = set()
    implicit = False
    for context, typname, formatted in conn.execute(_USER_CASTS_SQL).fetchall():
        targets |= {str(typname).lower(), str(formatted).lower()}
        implicit = implicit or context in ("i", "a")
    return DatabaseCode(operators, frozenset(targets), implicit)
