"""Driving the app headless: a scripted model over the sample database, waiting on the app's own
state instead of sleeping, and reading the session log."""

from __future__ import annotations

import io
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from agents.models.scripted import ScriptedModel
from analyst.config import load_config
from analyst.tui import build_app
from analyst.wiring import open_database
from sessions.session import ResolvedModel
from tests.helpers import session_events

SIZE = (120, 36)


class AppMaker:
    """Builds apps over the test's sample database with a scripted model; closes what it opened."""

    def __init__(self, sample_db: Path) -> None:
        self.sample_db = sample_db
        self.opened: list[Any] = []
        self.apps: list[Any] = []

    def __call__(
        self, entries: list[dict[str, Any]], wrap: Callable[[Any], Any] | None = None, **flags: Any
    ) -> tuple[Any, ScriptedModel]:
        config = load_config({"db": str(self.sample_db), **flags})
        database = open_database(config, str(self.sample_db))
        self.opened.append(database)
        if wrap is not None:
            database = wrap(database)
        model = ScriptedModel(entries, source="test")
        app = build_app(config, database, ResolvedModel(model, None))
        self.apps.append(app)
        return app, model

    def close(self) -> None:
        idle = [app.shutdown(timeout=5) for app in self.apps]
        if all(idle):  # a step still running keeps its database open until the process ends
            for database in self.opened:
                database.close()


async def wait_for(pilot: Any, predicate: Callable[[], Any], what: str, timeout: float = 15.0) -> Any:
    """Pause the pilot until `predicate()` is truthy; fail naming `what` after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        await pilot.pause(0.02)
    raise AssertionError(f"timed out after {timeout:g} s waiting for {what}")


async def ready(pilot: Any) -> None:
    await wait_for(pilot, lambda: pilot.app.phase == "idle", "the session to be ready")


async def ask(pilot: Any, question: str) -> None:
    """Type into the question box as a person would, and press Enter."""
    app = pilot.app
    app.question.focus()
    await pilot.pause()
    app.question.value = question
    await pilot.press("enter")


async def until_approval(pilot: Any) -> Any:
    from analyst.tui.approval import ApprovalScreen

    return await wait_for(
        pilot, lambda: isinstance(pilot.app.screen, ApprovalScreen) and pilot.app.screen, "the approval screen"
    )


async def until_idle(pilot: Any) -> None:
    await wait_for(pilot, lambda: pilot.app.phase == "idle" and not pilot.app.runner.busy, "the run to finish")


def log_events(app: Any, kind: str | None = None) -> list[dict[str, Any]]:
    events = session_events(app.session.path)
    return [e for e in events if kind is None or e["type"] == kind]


def notices(app: Any) -> list[str]:
    return [str(n.message) for n in app._notifications]


def text_screenshot(app: Any) -> str:
    """The screen as plain text (for readable snapshot diffs)."""
    from rich.console import Console

    width, height = app.size
    console = Console(
        width=width, height=height, file=io.StringIO(), record=True, color_system=None, legacy_windows=False
    )
    console.print(app.screen._compositor.render_update(full=True, screen_stack=app._background_screens))
    return "\n".join(line.rstrip() for line in console.export_text().splitlines()) + "\n"


def rendered(widget: Any, width: int = 200) -> str:
    """A Static's content as plain text, however it was built (Text, Group, Syntax)."""
    from rich.console import Console

    console = Console(width=width, file=io.StringIO(), record=True, color_system=None, legacy_windows=False)
    console.print(widget.content)
    return console.export_text()


def conversation_text(app: Any) -> str:
    return " ".join(rendered(entry) for entry in app.conversation.children)


def run_sql(sql: str, text: str = "", usage: tuple[int, int] = (100, 20), **extra: Any) -> dict[str, Any]:
    return {
        "text": text,
        "tool_calls": [{"name": "run_sql", "arguments": {"sql": sql}}],
        "usage": {"input_tokens": usage[0], "output_tokens": usage[1]},
        **extra,
    }


def say(text: str, usage: tuple[int, int] = (50, 10), **extra: Any) -> dict[str, Any]:
    return {"text": text, "usage": {"input_tokens": usage[0], "output_tokens": usage[1]}, **extra}


def answered(sql: str, answer: str, plan: str = "") -> list[dict[str, Any]]:
    """One question's script: propose `sql`, then a draft answer, then the summary."""
    return [run_sql(sql, plan), say(answer), say(answer)]
