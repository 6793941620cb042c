"""Check the numbers in an answer against the result it claims to describe.

Models round, reformat and sometimes invent numbers; a number in the answer that appears nowhere
in the result (within the rounding the answer shows) is flagged, not silently trusted.
"""

from __future__ import annotations

import datetime as dt
import decimal
import re
from collections.abc import Iterable
from typing import Any

_NUMBER = re.compile(r"(?<![\w.])[-+]?\$?\d[\d,]*(?:\.\d+)?%?(?![\w])")


def numbers_in(text: str) -> list[str]:
    return [m.group(0) for m in _NUMBER.finditer(text)]


def _to_decimal(token: str) -> decimal.Decimal | None:
    cleaned = token.replace(",", "").replace("$", "").rstrip("%").lstrip("+")
    try:
        return decimal.Decimal(cleaned)
    except decimal.InvalidOperation:
        return None


def _candidates(values: Iterable[Any]) -> list[decimal.Decimal]:
    out = []
    for value in values:
        if isinstance(value, bool) or value is None:
            continue
        if isinstance(value, (int, float, decimal.Decimal)):
            try:
                out.append(decimal.Decimal(str(value)))
            except decimal.InvalidOperation:
                continue
        elif isinstance(value, str):  # "42", and the numbers inside text ("cust 6", "Q3 2024")
            for token in [value.strip(), *numbers_in(value)]:
                number = _to_decimal(token)
                if number is not None and number.is_finite():
                    out.append(number)
        elif isinstance(value, (dt.date, dt.datetime)):  # "in 2024", "on the 5th"
            out += [decimal.Decimal(value.year), decimal.Decimal(value.month), decimal.Decimal(value.day)]
    return out


def _matches(shown: decimal.Decimal, actual: decimal.Decimal, percent: bool) -> bool:
    exponent = shown.as_tuple().exponent  # an int, or "n"/"N"/"F" for NaN and infinity
    places = max(0, -exponent) if isinstance(exponent, int) else 0
    quantum = decimal.Decimal(1).scaleb(-places)
    targets = [actual, actual * 100] if percent else [actual]
    for target in targets:
        # within half a unit of the last digit shown, or a 1% relative rounding ("about 1.2 million")
        if abs(target - shown) <= quantum / 2 + decimal.Decimal("1e-9"):
            return True
        if shown != 0 and abs((target - shown) / shown) <= decimal.Decimal("0.005"):
            return True
    return False


def unverified_numbers(answer: str, rows: Iterable[Iterable[Any]], context: str = "") -> list[str]:
    """Numbers in `answer` not found in the result cells, its row count or the `context` text.

    `context` is what the person or analyst wrote rather than the data (the question, the SQL,
    analyst's own notes and limits): a number from there is not a claim about the result, so it
    is not flagged, however it is written ("$1,000" in the question, "1000" in the answer)."""
    materialized = [list(r) for r in rows]
    values = _candidates(v for row in materialized for v in row)
    values.append(decimal.Decimal(len(materialized)))
    allowed = {n for n in (_to_decimal(t) for t in numbers_in(context)) if n is not None and n.is_finite()}
    flagged = []
    for token in numbers_in(answer):
        number = _to_decimal(token)
        if number is None or number in allowed:
            continue
        if not any(_matches(number, v, token.endswith("%")) for v in values):
            flagged.append(token)
    return flagged
