"""Replay of sessions that cannot or did not go the same way: interrupted turns, the guard on
another database, slow queries; and how `sessions list|show` present such sessions."""

from __future__ import annotations

import json
import os
import re
import signal
import threading
import time
from pathlib import Path

import duckdb

from tests.fakes import FakeOpenAI
from tests.helpers import run_cli, run_sql_reply, session_events, text_reply

RUNAWAY = "SELECT count(*) AS n FROM range(1000000000000)"
COUNT_SQL = "SELECT count(*) AS n FROM customers"
SEGMENT_SQL = "SELECT segment, count(*) AS customers FROM customers GROUP BY segment ORDER BY segment"
BAD_CAST_SQL = "SELECT CAST(segment AS INTEGER) AS s FROM customers"


def _script(path: Path, *entries: dict) -> str:
    path.write_text("".join(json.dumps(e) + "\n" for e in entries))
    return f"scripted:{path}"


def _interrupt_when_running(sessions_dir: Path) -> threading.Thread:
    """Send this process SIGINT (Ctrl+C) once a logged query has been approved and is running."""

    def watch() -> None:
        deadline = time.time() + 30
        while time.time() < deadline:
            logs = list(sessions_dir.glob("*.jsonl")) if sessions_dir.exists() else []
            if logs and "approval_decided" in logs[0].read_text():
                time.sleep(1.0)  # the query is running by then, even on a busy machine
                os.kill(os.getpid(), signal.SIGINT)
                return
            time.sleep(0.02)

    thread = threading.Thread(target=watch, daemon=True)
    thread.start()
    return thread


def _record_interrupted(capsys, tmp_path: Path, sample_db: Path, analyst_home: Path) -> dict:
    model = _script(tmp_path / "runaway.jsonl", run_sql_reply(RUNAWAY), text_reply("stopped"))
    watcher = _interrupt_when_running(analyst_home / "sessions")
    result = run_cli(
        ["ask", "count forever", "--db", str(sample_db), "--model", model, "--approve", "auto", "--format", "json"],
        capsys,
    )
    watcher.join()
    assert result.code == 130, result.err
    data = result.json()
    assert data["status"] == "interrupted" and data["queries"][0]["error"]["kind"] == "interrupted"
    return data


def test_an_interrupted_turn_is_not_re_run(capsys, tmp_path: Path, sample_db: Path, analyst_home: Path) -> None:
    data = _record_interrupted(capsys, tmp_path, sample_db, analyst_home)
    started = time.monotonic()
    result = run_cli(["replay", data["session_id"]], capsys)
    assert time.monotonic() - started < 10  # the recorded 30 s time limit is not sat out
    assert "turn 1 was interrupted when recorded; not replayed" in result.err
    assert "diverged" not in result.out and "timeout" not in result.out
    assert result.out.startswith("nothing replayed: turn 1 was interrupted when recorded")
    assert result.code == 1  # nothing could be compared: not "identical"


def test_turns_after_an_interrupted_one_are_replayed_and_judged(
    capsys, tmp_path: Path, sample_db: Path, analyst_home: Path
) -> None:
    interrupted = _record_interrupted(capsys, tmp_path, sample_db, analyst_home)
    model = _script(
        tmp_path / "segments.jsonl", run_sql_reply(SEGMENT_SQL), text_reply("Three."), text_reply("Three segments.")
    )
    answered = run_cli(
        [
            "ask",
            "Customers per segment?",
            "--db",
            str(sample_db),
            "--model",
            model,
            "--approve",
            "auto",
            "--format",
            "json",
        ],
        capsys,
    )
    assert answered.code == 0, answered.err
    # one session of two turns, as `chat` writes it: the interrupted turn, then an answered one
    first = session_events(interrupted["session_path"])
    second = [e for e in session_events(answered.json()["session_path"]) if e["type"] != "session_started"]
    events = first + [
        dict(e, session=interrupted["session_id"], turn=2, seq=len(first) + i + 1) for i, e in enumerate(second)
    ]
    Path(interrupted["session_path"]).write_text("".join(json.dumps(e) + "\n" for e in events))
    result = run_cli(["replay", interrupted["session_id"]], capsys)
    assert result.code == 0, result.out + result.err
    assert result.out.startswith("identical: 1 turn of session")
    assert "(turn 1 was interrupted when recorded and not replayed)" in result.out
    # a changed database is still caught in the turn that was replayed
    changed = tmp_path / "changed.duckdb"
    changed.write_bytes(sample_db.read_bytes())
    con = duckdb.connect(str(changed))
    con.execute(
        "UPDATE customers SET segment = 'consumer' WHERE customer_id IN (SELECT customer_id FROM customers WHERE segment <> 'consumer' LIMIT 3)"
    )
    con.close()
    result = run_cli(["replay", interrupted["session_id"], "--db", str(changed)], capsys)
    assert result.code == 1
    assert result.out.startswith("diverged: turn 2: query 1 result fingerprint differs")


def test_guard_rejection_on_another_database_names_the_problem(capsys, tmp_path: Path, sample_db: Path) -> None:
    model = _script(
        tmp_path / "count.jsonl",
        run_sql_reply(COUNT_SQL),
        text_reply("Sixty."),
        text_reply("There are sixty customers."),
    )
    recorded = run_cli(
        [
            "ask",
            "How many customers?",
            "--db",
            str(sample_db),
            "--model",
            model,
            "--approve",
            "auto",
            "--format",
            "json",
        ],
        capsys,
    )
    assert recorded.code == 0, recorded.err
    other = tmp_path / "other.duckdb"
    con = duckdb.connect(str(other))
    con.execute("CREATE TABLE clients (id INTEGER)")
    con.close()
    result = run_cli(["replay", recorded.json()["session_id"], "--db", str(other)], capsys)
    assert result.code == 1
    line = result.out.strip()
    assert line.startswith("diverged: turn 1: the guard rejects checked SQL 1 on this database"), line
    assert "customers does not exist" in line and "clients" in line
    assert "decisions differ" not in line


def test_different_query_failures_are_described_in_plain_words(capsys, tmp_path: Path) -> None:
    """Recorded: the cast fails at once; on a copy with convertible but many rows it times out."""
    sql = "SELECT count(*) AS n FROM t a, t b, t c WHERE CAST(a.v AS INTEGER) + CAST(b.v AS INTEGER) + CAST(c.v AS INTEGER) > 0"
    broken, big = tmp_path / "broken.duckdb", tmp_path / "big.duckdb"
    con = duckdb.connect(str(broken))
    con.execute("CREATE TABLE t (v VARCHAR)")
    con.execute("INSERT INTO t VALUES ('not a number')")
    con.close()
    con = duckdb.connect(str(big))
    con.execute("CREATE TABLE t AS SELECT '1' AS v FROM range(100000)")
    con.close()
    model = _script(tmp_path / "cast.jsonl", run_sql_reply(sql), text_reply("It cannot be counted."))
    recorded = run_cli(
        [
            "ask",
            "count",
            "--db",
            str(broken),
            "--model",
            model,
            "--approve",
            "auto",
            "--format",
            "json",
            "--timeout",
            "1",
        ],
        capsys,
    )
    assert recorded.json()["queries"][0]["error"]["kind"] == "error", recorded.out
    result = run_cli(["replay", recorded.json()["session_id"], "--db", str(big)], capsys)
    assert result.code == 1
    assert result.out.startswith(
        "diverged: turn 1: query failures differ (recorded ['error'], replayed ['timeout']): query stopped at the 1 s time limit"
    ), result.out
    shown = run_cli(["sessions", "show", recorded.json()["session_id"]], capsys)
    assert "  sql: SELECT" in shown.out and "CAST(a.v AS INT" in shown.out
    assert "  failed after" in shown.out and "Conversion Error" in shown.out  # "error" is not said twice


def test_a_slow_replayed_query_says_it_is_still_running(capsys, tmp_path: Path, sample_db: Path, monkeypatch) -> None:
    from analyst.commands.replay import QueryProgress

    model = _script(tmp_path / "slow.jsonl", run_sql_reply(RUNAWAY), text_reply("Too slow to count."))
    recorded = run_cli(
        [
            "ask",
            "count forever",
            "--db",
            str(sample_db),
            "--model",
            model,
            "--approve",
            "auto",
            "--format",
            "json",
            "--timeout",
            "1.5",
        ],
        capsys,
    )
    assert recorded.json()["queries"][0]["error"]["kind"] == "timeout"
    monkeypatch.setattr(QueryProgress, "after", 0.5)
    result = run_cli(["replay", recorded.json()["session_id"]], capsys)
    assert result.code == 0, result.out + result.err
    assert result.out.startswith("identical: 1 turn of session")
    assert (
        "replay: turn 1: query still running after 0 s (time limit 1.5 s)" in result.err
        or "replay: turn 1: query still running after 1 s (time limit 1.5 s)" in result.err
    ), result.err
    assert "still running" not in result.out  # progress is not data


def _nano(fake: FakeOpenAI, monkeypatch, capsys, sample_db: Path, question: str, replies: list) -> dict:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test-sessions-list-0000")
    monkeypatch.setenv("OPENAI_BASE_URL", fake.base_url)
    fake.queue_many(replies)
    result = run_cli(
        [
            "ask",
            question,
            "--db",
            str(sample_db),
            "--model",
            "openai:gpt-4.1-nano",
            "--approve",
            "auto",
            "--format",
            "json",
        ],
        capsys,
    )
    return result.json()


def test_sessions_list_has_a_header_summarises_turns_and_shows_tiny_costs(monkeypatch, capsys, sample_db: Path) -> None:
    with FakeOpenAI() as fake:
        # 40 input and 8 output tokens on gpt-4.1-nano cost $0.0000072
        tiny = _nano(
            fake,
            monkeypatch,
            capsys,
            sample_db,
            "tiny",
            [
                run_sql_reply(COUNT_SQL, usage=(40, 8)),
                text_reply("Sixty.", (0, 0)),
                text_reply("Sixty customers.", (0, 0)),
            ],
        )
        failed = _nano(
            fake,
            monkeypatch,
            capsys,
            sample_db,
            "bad",
            [run_sql_reply(BAD_CAST_SQL, usage=(40, 8)), text_reply("No luck.", (0, 0))],
        )
    assert tiny["status"] == "answered" and failed["status"] == "failed"
    # one chat session of five turns as it would be logged: answered, failed, answered, failed, answered
    base = session_events(tiny["session_path"])
    turn_of = [e for e in base if e["type"] != "session_started"]
    bad_turn = [e for e in session_events(failed["session_path"]) if e["type"] != "session_started"]
    events = list(base)
    for number, turn in enumerate([bad_turn, turn_of, bad_turn, turn_of], start=2):
        events += [dict(e, session=tiny["session_id"], turn=number) for e in turn]
    events = [dict(e, seq=i + 1) for i, e in enumerate(events)]
    Path(tiny["session_path"]).write_text("".join(json.dumps(e) + "\n" for e in events))

    listed = run_cli(["sessions", "list"], capsys)
    assert listed.code == 0
    header, *rows = listed.out.splitlines()
    assert header.split() == ["SESSION", "TURNS", "STATUS", "COST", "MODEL", "FIRST", "QUESTION"]
    by_id = {row.split()[0]: row for row in rows}
    assert "3 answered, 2 failed" in by_id[tiny["session_id"]] and ",aborted" not in listed.out
    assert not re.search(r"\$0\.0000(?!\d)", listed.out)  # no cost here is zero
    assert "$0.000007" in by_id[failed["session_id"]]
    assert "$0.000036" in by_id[tiny["session_id"]]  # five turns of $0.0000072
    model_at = {header.index("MODEL")} | {row.index("openai:gpt-4.1-nano") for row in rows}
    assert len(model_at) == 1, listed.out  # columns line up whatever the status text

    shown = run_cli(["sessions", "show", tiny["session_id"]], capsys)
    assert not re.search(r"\$0\.0000(?!\d)", shown.out) and "cost: $0.000007" in shown.out
    assert "result: 1 row in" in shown.out and "1 rows" not in shown.out
    assert "  sql: SELECT CAST(segment AS INT" in shown.out and "Conversion Error" in shown.out


def test_sessions_show_names_an_interrupted_query_once(
    capsys, tmp_path: Path, sample_db: Path, analyst_home: Path
) -> None:
    data = _record_interrupted(capsys, tmp_path, sample_db, analyst_home)
    shown = run_cli(["sessions", "show", data["session_id"]], capsys)
    assert "status: interrupted (query interrupted by the user)" in shown.out
    assert "interrupted: query interrupted" not in shown.out and "interrupted (interrupted" not in shown.out
    assert "  sql: SELECT COUNT(*) AS n FROM RANGE(0, 1000000000000)" in shown.out
    assert "  failed after" in shown.out and shown.out.rstrip().endswith("query interrupted")


def test_reask_with_another_model_counts_questions_in_words(capsys, tmp_path: Path, sample_db: Path) -> None:
    model = _script(
        tmp_path / "count.jsonl",
        run_sql_reply(COUNT_SQL),
        text_reply("Sixty."),
        text_reply("There are sixty customers."),
    )
    recorded = run_cli(
        [
            "ask",
            "How many customers?",
            "--db",
            str(sample_db),
            "--model",
            model,
            "--approve",
            "auto",
            "--format",
            "json",
        ],
        capsys,
    )
    again = _script(
        tmp_path / "again.jsonl", run_sql_reply(COUNT_SQL), text_reply("Sixty."), text_reply("Sixty customers.")
    )
    result = run_cli(["replay", recorded.json()["session_id"], "--model", again], capsys)
    assert result.code == 0, result.out + result.err
    assert result.out.splitlines()[-1].startswith("1 of 1 question gave the same SQL or result"), result.out
    assert "(s)" not in result.out


def test_a_failed_query_turn_logged_as_answered_by_older_versions_still_replays_identical(
    capsys, tmp_path: Path
) -> None:
    script = tmp_path / "m.jsonl"
    script.write_text(
        json.dumps({"tool_calls": [{"name": "run_sql", "arguments": {"sql": "SELECT CAST('x' AS INTEGER) AS n"}}]})
        + "\n"
        + json.dumps({"text": "The data cannot be converted."})
        + "\n"
    )
    asked = run_cli(
        ["ask", "convert", "--model", f"scripted:{script}", "--approve", "auto", "--format", "json"], capsys
    )
    assert asked.code == 1 and asked.json()["error"]["kind"] == "no_result"
    path = Path(asked.json()["session_path"])
    events = [json.loads(line) for line in path.read_text().splitlines()]
    finished = events[-1]
    assert finished["type"] == "run_finished"
    finished.update(status="answered", error=None)  # what the log said before no_result existed
    path.write_text("".join(json.dumps(e) + "\n" for e in events))
    replayed = run_cli(["replay", str(path)], capsys)
    assert replayed.code == 0, replayed.out + replayed.err
    assert replayed.out.startswith("identical")
