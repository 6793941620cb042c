"""Snapshots of the main screen and the approval screen at a fixed size.

pytest-textual-snapshot pins a syrupy that needs pytest < 9, so the SVG from
`App.export_screenshot()` (and a plain-text rendering, for readable diffs) is normalized and
compared with the files under tests/tui/snapshots/. After checking a change by eye, regenerate
them with `ANALYST_UPDATE_SNAPSHOTS=1 pytest tests/tui/test_snapshots.py`.
"""

from __future__ import annotations

import dataclasses
import difflib
import os
import re
from pathlib import Path
from typing import Any

import pytest

from tests.tui.drive import SIZE, ask, ready, run_sql, say, text_screenshot, until_approval, until_idle

SNAPSHOTS = Path(__file__).parent / "snapshots"
UPDATE = os.environ.get("ANALYST_UPDATE_SNAPSHOTS") == "1"
_VOLATILE = (
    (re.compile(r"terminal-\d+"), "terminal-0"),  # rich's id: a hash of the raw content
    (re.compile(r"\d{8}T\d{6}Z-[0-9a-f]{6}"), "YYYYMMDDTHHMMSSZ-xxxxxx"),  # session id, same width
    (
        re.compile(r"sample-[0-9a-f]+"),
        lambda m: "sample-" + "x" * (len(m.group()) - 7),
    ),  # keyed by SQL + DuckDB version
)


class SteadyClockDatabase:
    """The sample database with each query's elapsed time fixed, so the screens are reproducible."""

    def __init__(self, inner: Any) -> None:
        self._inner = inner

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)

    def execute(self, sql: str, limits: Any) -> Any:
        outcome = self._inner.execute(sql, limits)
        return dataclasses.replace(outcome, elapsed_ms=7.0)


def normalize(text: str) -> str:
    for pattern, replacement in _VOLATILE:
        text = pattern.sub(replacement, text)
    return text


def steady_cursor(app: Any) -> None:
    """The focused question box's cursor blinks on a timer; a shot mid-blink would differ."""
    app.question.cursor_blink = False


def check_snapshot(name: str, app: Any, tmp_path: Path) -> None:
    actual = {".txt": normalize(text_screenshot(app)), ".svg": normalize(app.export_screenshot(title="analyst"))}
    for suffix, text in actual.items():
        path = SNAPSHOTS / f"{name}{suffix}"
        if UPDATE:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
            continue
        if not path.exists():
            pytest.fail(f"no snapshot {path}; create it with ANALYST_UPDATE_SNAPSHOTS=1")
        expected = path.read_text(encoding="utf-8")
        if text != expected:
            (tmp_path / path.name).write_text(text, encoding="utf-8")
            diff = "".join(difflib.unified_diff(expected.splitlines(True), text.splitlines(True), str(path), "actual"))
            pytest.fail(f"{path.name} differs (actual: {tmp_path / path.name}):\n{diff[:4000]}")


JOIN_SQL = "SELECT r.region_name, s.store_name FROM regions AS r, stores AS s LIMIT 5"
REGION_SQL = (
    "SELECT r.region_name, count(*) AS stores FROM stores AS s "
    "JOIN regions AS r ON r.region_id = s.region_id GROUP BY r.region_name ORDER BY stores DESC"
)


@pytest.mark.asyncio
async def test_approval_screen(make_app, tmp_path: Path) -> None:
    app, _ = make_app([run_sql(JOIN_SQL, "Pair every region with its stores.")], wrap=SteadyClockDatabase)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await ask(pilot, "Which stores are in which region?")
        await until_approval(pilot)
        await pilot.pause()
        check_snapshot("approval", app, tmp_path)


@pytest.mark.asyncio
async def test_main_screen_after_an_answer(make_app, tmp_path: Path) -> None:
    script = [
        run_sql(REGION_SQL, "Count stores per region."),
        say("North America has the most stores."),
        say("North America has the most stores (4)."),
    ]
    app, _ = make_app(script, wrap=SteadyClockDatabase)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await ask(pilot, "How many stores per region?")
        await until_approval(pilot)
        await pilot.press("a")
        await until_idle(pilot)
        steady_cursor(app)
        await pilot.pause()
        check_snapshot("main", app, tmp_path)
