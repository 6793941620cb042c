"""Faults that must lose nothing: Ctrl+C during a query, a locked database, a full disk while
logging, a corrupt session log."""

from __future__ import annotations

import errno
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from tests.helpers import events_of, run_cli, session_events

RUNAWAY = {"tool_calls": [{"name": "run_sql", "arguments": {"sql": "SELECT count(*) AS n FROM range(1000000000000)"}}]}


def script(path: Path, *entries: dict) -> str:
    path.write_text("".join(json.dumps(e) + "\n" for e in entries))
    return f"scripted:{path}"


def test_ctrl_c_during_a_query_interrupts_it_and_logs(tmp_path: Path, analyst_home: Path) -> None:
    model = script(tmp_path / "m.jsonl", RUNAWAY, {"text": "stopped"})
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "analyst.cli",
            "ask",
            "count forever",
            "--model",
            model,
            "--approve",
            "auto",
            "--format",
            "json",
            "--timeout",
            "120",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "ANALYST_HOME": str(analyst_home)},
    )
    sessions = analyst_home / "sessions"
    deadline = time.time() + 30
    while time.time() < deadline:  # wait until the query is running
        logs = list(sessions.glob("*.jsonl")) if sessions.exists() else []
        if logs and "approval_decided" in logs[0].read_text():
            break
        time.sleep(0.05)
    time.sleep(0.5)
    started = time.time()
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=30)
    assert time.time() - started < 10
    assert proc.returncode == 130, err
    data = json.loads(out)
    assert data["status"] == "interrupted" and data["queries"][0]["error"]["kind"] == "interrupted"
    events = session_events(data["session_path"])
    assert events[-1]["type"] == "run_finished" and events[-1]["status"] == "interrupted"
    assert "Traceback" not in err


def test_locked_database_is_one_line(tmp_path: Path, capsys, sample_db: Path) -> None:
    import shutil

    db = tmp_path / "locked.duckdb"
    shutil.copyfile(sample_db, db)
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            f"import duckdb,time; c=duckdb.connect({str(db)!r}); print('ready', flush=True); time.sleep(60)",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "ready"
        result = run_cli(["ask", "anything", "--db", str(db), "--approve", "auto"], capsys)
    finally:
        holder.kill()
        holder.wait()
    assert result.code == 4 and "locked" in result.err and len(result.err.strip().splitlines()) == 1


def test_disk_full_while_logging_runs_nothing(tmp_path: Path, capsys, monkeypatch) -> None:
    model = script(
        tmp_path / "m.jsonl",
        {"tool_calls": [{"name": "run_sql", "arguments": {"sql": "SELECT count(*) AS n FROM customers"}}]},
        {"text": "ok"},
        {"text": "ok"},
    )
    executed: list[str] = []
    from tools.databases.duckdb import DuckDBDatabase

    real_execute = DuckDBDatabase.execute
    monkeypatch.setattr(
        DuckDBDatabase, "execute", lambda self, sql, limits: executed.append(sql) or real_execute(self, sql, limits)
    )

    def full(fd: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", full)  # the first durable event is the approval decision
    result = run_cli(["ask", "How many customers?", "--model", model, "--approve", "auto", "--format", "json"], capsys)
    assert result.code == 1 and "No space left on device" in result.err
    assert len(result.err.strip().splitlines()) == 1 and executed == []
    log = next((Path(os.environ["ANALYST_HOME"]) / "sessions").glob("*.jsonl"))
    assert not events_of(session_events(log), "query_executed")


def test_corrupt_lines_in_a_log_are_reported_not_fatal(tmp_path: Path, capsys) -> None:
    model = script(
        tmp_path / "m.jsonl",
        {"tool_calls": [{"name": "run_sql", "arguments": {"sql": "SELECT 1 AS one"}}]},
        {"text": "ok"},
        {"text": "It is 1."},
    )
    result = run_cli(["ask", "one?", "--model", model, "--approve", "auto", "--format", "json"], capsys)
    path = Path(result.json()["session_path"])
    lines = path.read_text().splitlines(keepends=True)
    path.write_text(lines[0] + "{garbage\n" + "".join(lines[1:]))
    shown = run_cli(["sessions", "show", str(path)], capsys)
    assert shown.code == 0 and "unreadable lines [2]" in shown.out and "It is 1." in shown.out


def test_ctrl_c_stops_an_eval_run_keeps_what_finished_and_resume_asks_the_rest(
    tmp_path: Path, analyst_home: Path
) -> None:
    import duckdb

    db = tmp_path / "shop.duckdb"
    with duckdb.connect(str(db)) as con:
        con.execute("CREATE TABLE items AS SELECT i AS id FROM range(10) t(i)")
    suite = tmp_path / "suite.jsonl"
    suite.write_text(
        "".join(
            json.dumps(
                {"id": f"q{k}", "question": f"Count {k}", "gold_sql": "SELECT count(*) AS n FROM items", "db": str(db)}
            )
            + "\n"
            for k in range(12)
        )
    )
    slow = {"tool_calls": [{"name": "run_sql", "arguments": {"sql": RUNAWAY["tool_calls"][0]["arguments"]["sql"]}}]}
    model = script(tmp_path / "m.jsonl", *([slow, {"text": "Done."}] * 12))
    proc = subprocess.Popen(
        [sys.executable, "-m", "analyst.cli", "eval", str(suite), "--model", model, "--timeout", "120"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "ANALYST_HOME": str(analyst_home)},
    )
    sessions = analyst_home / "sessions"
    deadline = time.time() + 30
    while time.time() < deadline:  # wait until the first question's query is running
        logs = list(sessions.glob("*.jsonl")) if sessions.exists() else []
        if logs and "approval_decided" in logs[0].read_text():
            break
        time.sleep(0.05)
    time.sleep(0.5)
    started = time.time()
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=60)
    assert time.time() - started < 10, err  # not after all twelve runaway queries
    assert proc.returncode == 130 and "Traceback" not in err, err
    assert len(list(sessions.glob("*.jsonl"))) <= 2  # queued questions never started
    (run,) = (analyst_home / "runs").glob("*.jsonl")
    lines = [json.loads(line) for line in run.read_text().splitlines()]
    results = [r for r in lines if r["type"] == "result"]
    assert len(results) == 12 and {r["outcome"] for r in results} == {"not_run"}
    assert lines[-1]["type"] == "summary" and "interrupted" in lines[-1]["stopped"]
    assert f"--resume {lines[0]['run_id']}" in err
    assert (
        f"analyst: interrupted: 0 scored, 12 not run; resume with `analyst eval {suite} --model {model} --resume {lines[0]['run_id']}`"
        in err
    ), err
