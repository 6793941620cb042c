"""The status bar: what the app is doing, the model, the database, the session's tokens and cost, its id."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from rich.text import Text
from textual.widgets import Static

from agents.budget import usd
from analyst.render import inert


def model_label(name: str) -> str:
    """`provider:model`, with a scripted model's file shown by its name only."""
    provider, _, rest = name.partition(":")
    return f"{provider}:{Path(rest).name}" if "/" in rest else name


def database_label(uri: str) -> str:
    """A file's name (the full path is long and says little), or the URI as given."""
    if "://" in uri:
        return uri
    return Path(uri).name or uri


class StatusBar(Static):
    """One line; the app calls `set` with whatever changed."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(markup=False, **kwargs)
        self.values: dict[str, Any] = {
            "activity": "starting",
            "model": "",
            "database": "",
            "input_tokens": 0,
            "output_tokens": 0,
            "cost": 0.0,
            "session": "…",
            "elapsed": "",
        }

    def on_mount(self) -> None:
        self._render_line()

    def on_resize(self) -> None:
        self._render_line()

    def set(self, **values: Any) -> None:
        self.values.update(values)
        self._render_line()

    def _render_line(self) -> None:
        """Activity, model and database on the left; usage and session id on the right. When the
        line is too narrow the session id goes first (`sessions list` has it), then the usage
        shortens, and only then are model and database cut."""
        v = self.values
        cost = "cost unknown" if v["cost"] is None else usd(v["cost"])
        tokens = f"tokens {v['input_tokens']:,} in {v['output_tokens']:,} out"
        left = Text()
        left.append(f" {v['activity']} ", style="reverse bold")
        if v["elapsed"]:  # a running query's time against its limit, ticking
            left.append(f" {v['elapsed']} ", style="bold yellow")
        left.append(f" {inert(model_label(v['model']))} · {inert(v['database'])}")
        width = self.size.width
        rights = (
            f" {tokens} · {cost} · session {v['session']} ",
            f" {tokens} · {cost} ",
            f" {v['input_tokens']:,}/{v['output_tokens']:,} tok · {cost} ",
        )
        right = next((r for r in rights if len(left) + len(r) <= width), rights[-1]) if width else rights[0]
        if width:
            left.truncate(max(width - len(right), 0), overflow="ellipsis", pad=True)
        self.update(left + Text(right))
