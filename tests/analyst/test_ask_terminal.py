"""`analyst ask` on a real pseudo-terminal: what only a terminal gives (readline's line editing)."""

from __future__ import annotations

import os
import pty
import select
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.fakes import FakeOpenAI
from tests.helpers import events_of, run_sql_reply, session_events, text_reply

ROOT = Path(__file__).resolve().parents[2]
PROPOSED = "SELECT first_name FROM customers ORDER BY first_name LIMIT 3"


def _read_until(fd: int, wanted: bytes, seen: bytearray, start: int = 0, timeout: float = 20.0) -> int:
    """Read the terminal into `seen` until `wanted` shows after `start`; returns where it ends."""
    deadline = time.monotonic() + timeout
    while wanted not in seen[start:]:
        if time.monotonic() > deadline:
            raise AssertionError(f"never saw {wanted!r}; the terminal shows:\n{seen.decode(errors='replace')}")
        ready, _, _ = select.select([fd], [], [], 0.2)
        if ready:
            try:
                seen += os.read(fd, 4096)
            except OSError:
                break
    return seen.index(wanted, start) + len(wanted) if wanted in seen[start:] else len(seen)


@pytest.mark.skipif(sys.platform == "win32", reason="pseudo-terminals are POSIX")
def test_without_an_editor_the_sql_is_prefilled_to_edit_in_place(tmp_path: Path) -> None:
    """No VISUAL/EDITOR: `e` puts the proposed SQL on the input line; one backspace and a digit
    change `LIMIT 3` to `LIMIT 2`, Enter runs the edited text (nothing retyped)."""
    with FakeOpenAI() as fake:
        fake.queue_many([run_sql_reply(PROPOSED), text_reply("Two names."), text_reply("Two names.")])
        env = {k: v for k, v in os.environ.items() if k not in ("VISUAL", "EDITOR")}
        env.update(
            OPENAI_API_KEY="sk-test-tty-0000",
            OPENAI_BASE_URL=fake.base_url,
            PYTHONPATH=str(ROOT),
            TERM="xterm",
            ANALYST_HOME=os.environ["ANALYST_HOME"],
        )
        main, child = pty.openpty()
        proc = subprocess.Popen(
            [sys.executable, "-m", "analyst.cli", "ask", "Three names", "--model", "openai:gpt-4.1-mini"],
            stdin=child,
            stdout=child,
            stderr=child,
            env=env,
            cwd=tmp_path,
            close_fds=True,
        )
        os.close(child)
        seen = bytearray()
        try:
            _read_until(main, b"[e]dit", seen)
            os.write(main, b"e\r")
            here = _read_until(main, b"Edit the SQL on the line below", seen)
            _read_until(main, b"LIMIT 3", seen, here)  # the proposal, pre-filled on the line
            os.write(main, b"\x7f2\r")
            _read_until(main, b"session ", seen)
            proc.wait(timeout=30)
        finally:
            if proc.poll() is None:
                proc.kill()
            os.close(main)
    text = seen.decode(errors="replace")
    assert proc.returncode == 0, text
    log = next((Path(os.environ["ANALYST_HOME"]) / "sessions").glob("*.jsonl"))
    executed = events_of(session_events(log), "query_executed")
    assert [e["sql"] for e in executed] == [PROPOSED[:-1] + "2"]


@pytest.mark.skipif(sys.platform == "win32", reason="pseudo-terminals are POSIX")
def test_a_running_query_shows_its_elapsed_time_and_limit(tmp_path: Path) -> None:
    """On a terminal's stderr a line ticks while the query runs, then gives way to the result."""
    slow = "SELECT count(*) AS n FROM range(600000000) a(i) WHERE i % 7 = 3"
    with FakeOpenAI() as fake:
        fake.queue_many([run_sql_reply(slow), text_reply("Counted."), text_reply("Counted.")])
        env = {
            **os.environ,
            "OPENAI_API_KEY": "sk-test-tty-0000",
            "OPENAI_BASE_URL": fake.base_url,
            "PYTHONPATH": str(ROOT),
            "TERM": "xterm",
        }
        main, child = pty.openpty()
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "analyst.cli",
                "ask",
                "How many?",
                "--model",
                "openai:gpt-4.1-mini",
                "--approve",
                "auto",
                "--timeout",
                "20",
            ],
            stdin=child,
            stdout=child,
            stderr=child,
            env=env,
            cwd=tmp_path,
            close_fds=True,
        )
        os.close(child)
        seen = bytearray()
        try:
            _read_until(main, b"session ", seen, timeout=60)
            proc.wait(timeout=30)
        finally:
            if proc.poll() is None:
                proc.kill()
            os.close(main)
    text = seen.decode(errors="replace")
    assert proc.returncode == 0, text
    import re

    ticks = [float(s) for s in re.findall(r"running query (\d+\.\d) s \(limit 20 s\)", text)]
    assert len(ticks) >= 2 and ticks == sorted(ticks) and ticks[-1] > ticks[0], text
    assert text.index("running query") < text.index("ran: 1 row")
