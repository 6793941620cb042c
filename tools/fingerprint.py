"""Result fingerprints: the same result gives the same hash, whatever order it arrived in.

Rows are sorted before hashing unless the query has a top-level ORDER BY (then order is part of
the answer). Replay and evaluation compare these instead of storing rows.
"""

from __future__ import annotations

import base64
import datetime as dt
import decimal
import hashlib
import json
import math
from typing import Any

from tools.databases.base import QueryResult


def normalize_value(value: Any) -> Any:
    """A JSON-safe, type-stable form of one cell (also used for `--format json`)."""
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, int):
        return value if abs(value) <= 2**53 else str(value)
    if isinstance(value, float):
        if math.isnan(value) or math.isinf(value):
            return str(value)
        return value
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, (dt.datetime, dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        return iso_duration(value)
    if isinstance(value, (bytes, bytearray, memoryview)):
        return base64.b64encode(bytes(value)).decode("ascii")
    if isinstance(value, dict):
        return {str(k): normalize_value(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [normalize_value(v) for v in value]
    return str(value)


def iso_duration(value: dt.timedelta) -> str:
    """ISO 8601 duration (`P3D`, `PT1H30M`, `-PT0.5S`), not Python's `-1 day, 23:00:00`: readers of
    JSON and CSV parse it, and a negative interval reads as negative. (DuckDB gives a month as 30
    days by the time it reaches Python.)"""
    micros = (value.days * 86_400 + value.seconds) * 1_000_000 + value.microseconds
    sign, micros = ("-" if micros < 0 else ""), abs(micros)
    days, rest = divmod(micros, 86_400_000_000)
    hours, rest = divmod(rest, 3_600_000_000)
    minutes, rest = divmod(rest, 60_000_000)
    seconds, fraction = divmod(rest, 1_000_000)
    second_text = f"{seconds}.{fraction:06d}".rstrip("0") if fraction else str(seconds) if seconds else ""
    clock = (
        (f"{hours}H" if hours else "") + (f"{minutes}M" if minutes else "") + (f"{second_text}S" if second_text else "")
    )
    if not days and not clock:
        return "PT0S"
    return f"{sign}P" + (f"{days}D" if days else "") + (f"T{clock}" if clock else "")


def _fingerprint_value(value: Any) -> Any:
    """normalize_value, except intervals keep the form fingerprints were first recorded with, so
    replays of older sessions still match."""
    return str(value) if isinstance(value, dt.timedelta) else normalize_value(value)


def has_top_level_order(sql: str, dialect: str) -> bool:
    """True when the outermost query sorts its rows (so row order is part of the result)."""
    import sqlglot

    try:
        tree = sqlglot.parse_one(sql, read=dialect)
    except Exception:
        return False
    return tree.args.get("order") is not None


def result_fingerprint(result: QueryResult, ordered: bool) -> str:
    """sha256 of column types and normalized rows (sorted unless ordered) plus truncation."""
    rows = [json.dumps([_fingerprint_value(v) for v in row], sort_keys=True, default=str) for row in result.rows]
    if not ordered:
        rows.sort()
    digest = hashlib.sha256()
    digest.update(json.dumps([c.type for c in result.columns]).encode())
    for row in rows:
        digest.update(row.encode())
        digest.update(b"\n")
    digest.update(b"truncated" if result.truncated else b"complete")
    return digest.hexdigest()[:32]
