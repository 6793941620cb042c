"""Which logged sessions `analyst sessions list` shows: newest first, by age, status and database.

Parsing lives here too so that a bad value is refused with one line that names the fix before
any log is read.
"""

from __future__ import annotations

import datetime as dt
import fnmatch
import re
from dataclasses import dataclass

from sessions.statuses import STATUSES
from sessions.store import SessionRecord, session_start

_UNITS = {"m": "minutes", "h": "hours", "d": "days", "w": "weeks"}
_DURATION = re.compile(r"(\d+)\s*([mhdw])")


def parse_since(text: str, now: dt.datetime | None = None) -> dt.datetime:
    """`7d`, `3h`, `30m`, `2w` before now, or a date/time (`2026-12-01`, `2026-12-01T09:30`) in
    local time unless it names its zone. Raises ValueError with the accepted forms."""
    now = now or dt.datetime.now(dt.UTC)
    value = text.strip().lower()
    duration = _DURATION.fullmatch(value)
    earliest = dt.datetime.min.replace(tzinfo=dt.UTC)
    if duration:
        try:
            return now - dt.timedelta(**{_UNITS[duration.group(2)]: int(duration.group(1))})
        except (OverflowError, ValueError):  # longer ago than the calendar reaches: every session
            return earliest
    try:
        moment = dt.datetime.fromisoformat(text.strip())
    except ValueError:
        raise ValueError(f"{text!r} is neither a date (2026-12-01) nor a duration (30m, 3h, 7d, 2w)") from None
    try:
        return (moment if moment.tzinfo else moment.astimezone()).astimezone(dt.UTC)
    except (OverflowError, ValueError):  # 0001-01-01 in a zone east of UTC
        return earliest


def parse_status(text: str) -> str:
    value = text.strip().lower()
    if value not in STATUSES:
        raise ValueError(f"{text!r} is not a status; use one of {', '.join(STATUSES)}")
    return value


@dataclass(frozen=True)
class SessionFilter:
    """All given conditions must hold; `limit` then keeps the newest that do."""

    limit: int | None = None
    since: dt.datetime | None = None  # UTC
    statuses: tuple[str, ...] = ()  # a session matches when any of its turns ended so
    db: str | None = None  # a glob (`*.parquet`) or, without wildcards, a part of the location

    def matches(self, record: SessionRecord) -> bool:
        if self.since is not None and session_start(record) < self.since:
            return False
        if self.statuses and not any((t.status or "incomplete") in self.statuses for t in record.turns):
            return False
        return self.db is None or _location_matches(record.database, self.db)

    def apply(self, records: list[SessionRecord]) -> list[SessionRecord]:
        kept = [r for r in records if self.matches(r)]
        return kept[: self.limit] if self.limit is not None else kept


def _location_matches(location: str, pattern: str) -> bool:
    """Globs match the whole location or its last part (`shop.duckdb`, `*.parquet`); a plain
    word matches anywhere in it (`shop`, `127.0.0.1`)."""
    if any(ch in pattern for ch in "*?["):
        name = location.rstrip("/").rsplit("/", 1)[-1]
        return fnmatch.fnmatchcase(location, pattern) or fnmatch.fnmatchcase(name, pattern)
    return pattern in location
