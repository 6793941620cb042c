"""Result values in canonical form, so that equal answers compare equal by `==` and by hash.

The comparison (verdict.py; its rules 7 and 9-11) needs one representation per answer
value: DECIMAL and float both become floats, booleans and NaN become tags equal only to
themselves (TRUE is not 1, NaN is not NULL), a midnight TIMESTAMP becomes its DATE when the other
side has DATEs, and lists and structs become hashable tuples. Each column is scanned for its types
once; columns of plain types are kept as they are, since per-value work dominates the cost on
large results (benchmarks/compare_results.py).
"""

from __future__ import annotations

import datetime as dt
import decimal
import math
import operator
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from itertools import chain, repeat
from typing import Any

from tools.databases.base import QueryResult


class _Tag:
    """A canonical stand-in equal only to itself (NaN, booleans)."""

    __slots__ = ("name",)

    def __init__(self, name: str) -> None:
        self.name = name

    def __repr__(self) -> str:
        return self.name


_NAN, _TRUE, _FALSE = _Tag("NaN"), _Tag("TRUE"), _Tag("FALSE")
_NONE = type(None)
NUMBERS = (int, float)  # the types numbers have once canonical (DECIMAL is a float)
_PLAIN = frozenset({int, str, _NONE, bytes, dt.date, dt.time, dt.timedelta, uuid.UUID})


@dataclass(eq=False)
class CanonColumn:
    """One result column in canonical form, with the facts the comparison's filters ask of it."""

    values: tuple[Any, ...]
    kinds: frozenset[str]  # kinds of the non-NULL values: "number", "str", "temporal", ...
    has_float: bool  # held Python floats: tolerance applies
    has_null: bool = False
    has_nan: bool = False

    @property
    def numeric(self) -> bool:
        return self.kinds <= {"number"}

    @cached_property
    def hash(self) -> int:
        return sum(map(hash, self.values))

    @cached_property
    def set_hash(self) -> int:
        return sum(map(hash, set(self.values)))

    @cached_property
    def distinct(self) -> bool:
        return len(set(self.values)) == len(self.values)

    @cached_property
    def top(self) -> Any:
        """The maximum, when cheaply comparable (numbers or strings, no NULL/NaN); else None."""
        if self.has_null or self.has_nan or not self.values or not (self.numeric or self.kinds == {"str"}):
            return None
        return max(self.values)

    @cached_property
    def bounds(self) -> tuple[int, int, Any, Any]:
        """(NULLs, NaNs, min, max) of a numeric column."""
        nums = [v for v in self.values if type(v) in NUMBERS] if self.has_null or self.has_nan else self.values
        nulls = self.values.count(None) if self.has_null else 0
        return nulls, len(self.values) - len(nums) - nulls, min(nums, default=None), max(nums, default=None)


def _kind(t: type) -> str:
    if issubclass(t, bool):
        return "bool"
    if issubclass(t, (int, float, decimal.Decimal)):
        return "number"
    if issubclass(t, (dt.date, dt.time, dt.timedelta)):
        return "temporal"
    return "str" if issubclass(t, str) else t.__name__


def canon_value(v: Any, mixed_dates: bool) -> Any:
    """One value in canonical form (`mixed_dates`: midnight naive timestamps become dates)."""
    if v is None or type(v) is int or type(v) is str:
        return v
    if isinstance(v, bool):
        return _TRUE if v else _FALSE
    if isinstance(v, (float, decimal.Decimal)):
        f = float(v)
        return _NAN if math.isnan(f) else f
    if isinstance(v, (int, str)):
        return int(v) if isinstance(v, int) else str(v)
    if isinstance(v, dt.datetime):
        return (
            v.date() if mixed_dates and v.utcoffset() is None and v.time() == dt.time(0) else v
        )  # naive as Python sees it
    if isinstance(v, (bytearray, memoryview)):
        return bytes(v)
    if isinstance(v, (list, tuple)):
        return ("list", tuple(_nested(x) for x in v))
    if isinstance(v, dict):
        return ("struct", tuple(sorted((str(k), _nested(x)) for k, x in v.items())))
    try:
        hash(v)
        return v
    except TypeError:
        return ("repr", repr(v))


def _nested(v: Any) -> Any:
    c = canon_value(v, True)
    return float(f"{c:.12g}") if type(c) is float else c


def _canon_column(raw: tuple[Any, ...], types: set[type], mixed_dates: bool) -> CanonColumn:
    kinds = frozenset(_kind(t) for t in types if t is not _NONE)
    has_float, has_null = float in types, _NONE in types
    if types <= _PLAIN or (not mixed_dates and types <= _PLAIN | {dt.datetime}):
        return CanonColumn(raw, kinds, has_float, has_null)
    if types <= {int, float, decimal.Decimal, _NONE}:
        values = raw
        if decimal.Decimal in types:
            values = (
                tuple(map(float, raw))
                if len(types) == 1
                else tuple(float(v) if type(v) is decimal.Decimal else v for v in raw)
            )
        if not any(map(operator.ne, values, values)):  # only NaN differs from itself
            return CanonColumn(values, kinds, has_float, has_null)
        return CanonColumn(tuple(_NAN if v != v else v for v in values), kinds, has_float, has_null, True)
    values = tuple(canon_value(v, mixed_dates) for v in raw)
    return CanonColumn(values, kinds, has_float, has_null, _NAN in values)


def canonical_columns(results: Sequence[QueryResult]) -> list[list[CanonColumn]]:
    """Each result's columns in canonical form; DATE/TIMESTAMP mixing is judged across all of them."""
    raws = [[tuple(map(operator.itemgetter(i), r.rows)) for i in range(len(r.columns))] for r in results]
    types = [[set(map(type, col)) for col in cols] for cols in raws]
    seen = set().union(*chain.from_iterable(types))
    mixed_dates = dt.date in seen and dt.datetime in seen
    return [[_canon_column(c, t, mixed_dates) for c, t in zip(cols, ts)] for cols, ts in zip(raws, types)]


def rounded(c: CanonColumn) -> CanonColumn:
    """The column rounded to 2 decimals; the same object when nothing changes (keeps caches).
    Floats in a column of mixed kinds are rounded too."""
    if "number" not in c.kinds or float not in set(map(type, c.values)):
        return c
    try:
        if not c.numeric:
            raise TypeError  # text, dates, ... stay as they are: round value by value
        values = tuple(map(operator.truediv, map(round, map(operator.mul, c.values, repeat(100))), repeat(100)))
    except (TypeError, ValueError, OverflowError):  # NULL, NaN, infinities
        values = tuple(
            round(v * 100) / 100 if type(v) is float and abs(v) < 2**52 else v for v in c.values
        )  # beyond 2**52 floats are whole
    return c if values == c.values else CanonColumn(values, c.kinds, c.has_float, c.has_null, c.has_nan)
