"""Shared test helpers: drive the CLI in-process and read session logs."""

from __future__ import annotations

import io
import json
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from analyst.cli import main


@dataclass
class CliResult:
    code: int
    out: str
    err: str

    def json(self) -> Any:
        return json.loads(self.out)


class FakeTty(io.StringIO):
    """Standard input that claims to be a terminal, fed with the person's answers."""

    def isatty(self) -> bool:
        return True


def run_cli(args: list[str], capsys: Any, stdin: io.StringIO | None = None, monkeypatch: Any = None) -> CliResult:
    if stdin is not None:
        assert monkeypatch is not None, "pass monkeypatch with stdin"
        monkeypatch.setattr(sys, "stdin", stdin)
    code = main(args)
    captured = capsys.readouterr()
    return CliResult(code, captured.out, captured.err)


def session_events(path: str | Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in Path(path).read_text().splitlines() if line.strip()]


def events_of(events: list[dict[str, Any]], kind: str) -> list[dict[str, Any]]:
    return [e for e in events if e["type"] == kind]


def run_sql_reply(sql: str, text: str = "", usage: tuple[int, int] = (100, 20)) -> dict[str, Any]:
    return {
        "text": text,
        "tool_calls": [{"name": "run_sql", "arguments": {"sql": sql}}],
        "usage": {"input_tokens": usage[0], "output_tokens": usage[1]},
    }


def text_reply(text: str, usage: tuple[int, int] = (50, 10)) -> dict[str, Any]:
    return {"text": text, "usage": {"input_tokens": usage[0], "output_tokens": usage[1]}}
