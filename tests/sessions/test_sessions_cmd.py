"""`analyst sessions list|show|export` and replay notes, read from real session logs."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb

from tests.fakes import FakeOpenAI
from tests.helpers import run_cli, run_sql_reply, session_events, text_reply

COUNT_SQL = "SELECT count(*) AS n FROM customers"


def _script(tmp_path: Path, usage: bool = True) -> Path:
    lines = [run_sql_reply(COUNT_SQL), text_reply("Sixty."), text_reply("There are sixty customers.")]
    if not usage:
        for line in lines:
            line.pop("usage")
    path = tmp_path / f"script-{'usage' if usage else 'nousage'}.jsonl"
    path.write_text("".join(json.dumps(line) + "\n" for line in lines))
    return path


def _ask(capsys, tmp_path: Path, db: Path, question: str, usage: bool = True) -> dict:
    script = _script(tmp_path, usage)
    result = run_cli(
        ["ask", question, "--db", str(db), "--model", f"scripted:{script}", "--approve", "auto", "--format", "json"],
        capsys,
    )
    assert result.code == 0, result.err
    return result.json()


def test_list_prints_one_safe_line_per_session(capsys, sample_db: Path, tmp_path: Path) -> None:
    nasty = "How many\ncustomers \x1b[31mred\x1b[0m\x07 are\u2028there\tnow\r?"
    _ask(capsys, tmp_path, sample_db, nasty)
    _ask(capsys, tmp_path, sample_db, "plain question")
    listed = run_cli(["sessions", "list"], capsys)
    assert listed.code == 0
    header, *lines = listed.out.splitlines()
    assert header.split()[:2] == ["SESSION", "TURNS"]
    assert len(lines) == 2, listed.out
    assert "How many customers red are there now?" in listed.out
    for bad in ("\x1b", "\x07", "\r", "\u2028", "\t"):
        assert bad not in listed.out
    shown = run_cli(["sessions", "show", lines[-1].split()[0]], capsys)
    assert "[1] How many customers red are there now?" in shown.out
    assert "\x1b" not in shown.out and "\x07" not in shown.out


def _clone(source: Path, sessions_dir: Path, session_id: str, at: str) -> None:
    """A copy of a real log as another session started at `at` (every event gets that time)."""
    lines = []
    for event in session_events(source):
        event.update(session=session_id, at=at)
        lines.append(json.dumps(event) + "\n")
    (sessions_dir / f"{session_id}.jsonl").write_text("".join(lines))


def test_list_orders_sessions_of_the_same_second_by_start_time(capsys, sample_db: Path, tmp_path: Path) -> None:
    data = _ask(capsys, tmp_path, sample_db, "How many customers?")
    source = Path(data["session_path"])
    sessions_dir = source.parent
    # the random id suffix sorts opposite to the start times
    _clone(source, sessions_dir, "20300101T000000Z-ffffff", "2030-01-01T00:00:00.100Z")
    _clone(source, sessions_dir, "20300101T000000Z-000000", "2030-01-01T00:00:00.900Z")
    _clone(source, sessions_dir, "20300101T000000Z-777777", "2030-01-01T00:00:00.500Z")
    source.unlink()
    listed = run_cli(["sessions", "list"], capsys)
    ids = [line.split()[0] for line in listed.out.splitlines()[1:]]
    assert ids == ["20300101T000000Z-000000", "20300101T000000Z-777777", "20300101T000000Z-ffffff"]  # newest first


def test_unknown_cost_is_shown_as_unknown_not_zero(monkeypatch, capsys, sample_db: Path, tmp_path: Path) -> None:
    no_usage = _ask(capsys, tmp_path, sample_db, "no usage reported", usage=False)
    no_price = _ask(capsys, tmp_path, sample_db, "usage but no price")
    for data in (no_usage, no_price):
        responded = [e for e in session_events(data["session_path"]) if e["type"] == "model_responded"]
        assert responded and all(e["cost_usd"] is None for e in responded)  # how the log records "unknown"
    with FakeOpenAI() as fake:
        monkeypatch.setenv("OPENAI_API_KEY", "sk-test-sessions-000000")
        monkeypatch.setenv("OPENAI_BASE_URL", fake.base_url)
        fake.queue_many(
            [run_sql_reply(COUNT_SQL, usage=(1000, 100)), text_reply("Sixty."), text_reply("Sixty customers.")]
        )
        priced = run_cli(
            [
                "ask",
                "priced",
                "--db",
                str(sample_db),
                "--model",
                "openai:gpt-4.1-mini",
                "--approve",
                "auto",
                "--format",
                "json",
            ],
            capsys,
        )
    assert priced.code == 0, priced.err
    assert priced.json()["usage"]["cost_usd"] > 0
    listed = run_cli(["sessions", "list"], capsys)
    by_question = {line.split()[-1]: line for line in listed.out.splitlines()}
    assert "$0.0000" not in listed.out
    assert "unknown" in by_question["reported"] and "unknown" in by_question["price"]
    assert "$0.00" in by_question["priced"] and "unknown" not in by_question["priced"]
    shown = run_cli(["sessions", "show", no_usage["session_id"]], capsys)
    assert "cost: unknown" in shown.out and "$0.0000" not in shown.out
    shown = run_cli(["sessions", "show", priced.json()["session_id"]], capsys)
    assert "cost: $0.00" in shown.out


def test_export_to_a_missing_folder_is_one_line_and_writes_nothing(capsys, sample_db: Path, tmp_path: Path) -> None:
    _ask(capsys, tmp_path, sample_db, "How many customers?")
    target = tmp_path / "no" / "such" / "dir" / "suite.jsonl"
    result = run_cli(["sessions", "export", "--as", "suite", "--out", str(target)], capsys)
    assert result.code == 2
    assert result.out == ""
    assert result.err.count("\n") == 1 and "Traceback" not in result.err
    assert str(target) in result.err and "create the folder" in result.err
    assert not (tmp_path / "no").exists()


def test_export_under_a_file_or_to_a_folder_is_refused(capsys, sample_db: Path, tmp_path: Path) -> None:
    _ask(capsys, tmp_path, sample_db, "How many customers?")
    a_file = tmp_path / "plain.txt"
    a_file.write_text("keep me\n")
    result = run_cli(["sessions", "export", "--as", "chat", "--out", str(a_file / "x.jsonl")], capsys)
    assert result.code == 2 and result.out == ""
    assert f"{a_file} is a file, not a folder" in result.err and result.err.count("\n") == 1
    assert a_file.read_text() == "keep me\n"
    folder = tmp_path / "outdir"
    folder.mkdir()
    result = run_cli(["sessions", "export", "--as", "suite", "--out", str(folder)], capsys)
    assert result.code == 2 and "it is a folder" in result.err and str(folder) in result.err
    assert list(folder.iterdir()) == []


def test_export_replaces_the_file_whole_and_leaves_no_temporary_file(capsys, sample_db: Path, tmp_path: Path) -> None:
    out_dir = tmp_path / "exports"
    out_dir.mkdir()
    target = out_dir / "suite.jsonl"
    target.write_text("old content\n")
    target.chmod(0o644)
    result = run_cli(["sessions", "export", "--as", "suite", "--out", str(target)], capsys)
    assert result.code == 0, result.err
    assert target.read_text() == ""  # no human-approved turns: an empty export replaced the old file
    assert [p.name for p in out_dir.iterdir()] == ["suite.jsonl"]
    assert target.stat().st_mode & 0o777 == 0o644


def test_replay_on_another_path_does_not_claim_templates_changed(capsys, sample_db: Path, tmp_path: Path) -> None:
    data = _ask(capsys, tmp_path, sample_db, "How many customers?")
    other = tmp_path / "other.duckdb"
    con = duckdb.connect(str(other))
    con.execute("CREATE TABLE unrelated (a INT)")
    con.close()
    # the query is rejected there, so the replay makes fewer model calls (no summary)
    result = run_cli(["replay", data["session_id"], "--db", str(other)], capsys)
    assert result.code == 1 and result.out.startswith("diverged:")
    assert "templates changed" not in result.err


def test_replay_names_the_template_that_changed(capsys, sample_db: Path, tmp_path: Path) -> None:
    data = _ask(capsys, tmp_path, sample_db, "How many customers?")
    path = Path(data["session_path"])
    events = session_events(path)
    summary_calls = [e for e in events if e["type"] == "model_called" and e["template"].startswith("summary.")]
    assert summary_calls
    for event in summary_calls:  # as if the summary prompt's text changed since the recording
        event["template_hash"] = "0" * 12 + event["template_hash"][12:]
    path.write_text("".join(json.dumps(e) + "\n" for e in events))
    result = run_cli(["replay", str(path)], capsys)
    assert result.code == 0 and result.out.startswith("identical: 1 turn"), result.out + result.err
    notes = [line for line in result.err.splitlines() if "templates changed" in line]
    assert len(notes) == 1, result.err
    assert "summary.v1 (hash 000000000000 → " in notes[0]
    assert "system.v1" not in notes[0] and "question.v1" not in notes[0]


def test_show_lists_every_attempt_in_order(capsys, monkeypatch, sample_db: Path, tmp_path: Path) -> None:
    """The refused first try, the checked proposal, the person's edit and the query that ran."""
    from tests.helpers import FakeTty

    monkeypatch.delenv("VISUAL", raising=False)
    monkeypatch.delenv("EDITOR", raising=False)
    script = tmp_path / "attempts.jsonl"
    lines = [
        run_sql_reply("DELETE FROM customers"),
        run_sql_reply(COUNT_SQL),
        text_reply("Sixty."),
        text_reply("Sixty customers."),
    ]
    script.write_text("".join(json.dumps(line) + "\n" for line in lines))
    edited = "select count(*) as n from customers where customer_id is not null"
    result = run_cli(
        ["ask", "How many customers?", "--db", str(sample_db), "--model", f"scripted:{script}", "--format", "json"],
        capsys,
        stdin=FakeTty(f"e\n{edited}\n\n"),
        monkeypatch=monkeypatch,
    )
    assert result.code == 0, result.err
    shown = run_cli(["sessions", "show", result.json()["session_id"]], capsys).out
    steps = [
        "checked the model's SQL: refused by the checks",
        "  sql: DELETE FROM customers",
        "[not_a_query]",
        "checked the model's SQL: passed the checks",
        "  sql: SELECT COUNT(*) AS n FROM customers",
        "checked your SQL: passed the checks",
        f"  sql: {edited}",
        "decision: edit by human",
        "result: 1 row in",
    ]
    at = 0
    for step in steps:
        found = shown.find(step, at)
        assert found >= 0, f"{step!r} missing or out of order in:\n{shown}"
        at = found + len(step)
    assert shown.count(f"  sql: {edited}") == 1  # the query that ran is the SQL just shown: not twice


def test_a_relative_db_is_logged_absolute_so_replay_works_elsewhere(
    capsys, monkeypatch, sample_db: Path, tmp_path: Path
) -> None:
    import shutil

    here = tmp_path / "project"
    here.mkdir()
    shutil.copyfile(sample_db, here / "shop.duckdb")
    monkeypatch.chdir(here)
    script = _script(tmp_path)
    result = run_cli(
        [
            "ask",
            "How many customers?",
            "--db",
            "shop.duckdb",
            "--model",
            f"scripted:{script}",
            "--approve",
            "auto",
            "--format",
            "json",
        ],
        capsys,
    )
    assert result.code == 0, result.err
    data = result.json()
    assert session_events(data["session_path"])[0]["database"] == str(here / "shop.duckdb")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    replayed = run_cli(["replay", data["session_id"]], capsys)
    assert replayed.code == 0 and replayed.out.startswith("identical"), replayed.out + replayed.err


def _variant(source: Path, session_id: str, at: str, status: str, database: str) -> None:
    """A copy of a real log as another session: started at `at`, its turn ended `status`, on `database`."""
    lines = []
    for event in session_events(source):
        event.update(session=session_id, at=at)
        if event["type"] == "session_started":
            event["database"] = database
        if event["type"] == "run_finished":
            event["status"] = status
        lines.append(json.dumps(event) + "\n")
    (source.parent / f"{session_id}.jsonl").write_text("".join(lines))


def test_list_filters_by_count_age_status_and_database(capsys, sample_db: Path, tmp_path: Path) -> None:
    import datetime as dt

    source = Path(_ask(capsys, tmp_path, sample_db, "How many customers?")["session_path"])
    now = dt.datetime.now(dt.UTC)

    def ago(hours: float) -> str:
        return (now - dt.timedelta(hours=hours)).strftime("%Y-%m-%dT%H:%M:%S.000Z")

    _variant(source, "20000101T000000Z-aaaaaa", ago(1), "failed", "/data/shop.duckdb")
    _variant(source, "20000101T000000Z-bbbbbb", ago(30), "answered", "/data/events.parquet")
    _variant(source, "20000101T000000Z-cccccc", ago(24 * 40), "aborted", "postgresql://ro@db.internal:5432/sales")
    source.unlink()

    def ids(*flags: str) -> list[str]:
        listed = run_cli(["sessions", "list", *flags], capsys)
        assert listed.code == 0, listed.err
        return [line.split()[0][-6:] for line in listed.out.splitlines()[1:]]

    assert ids() == ["aaaaaa", "bbbbbb", "cccccc"]
    assert ids("--limit", "2") == ["aaaaaa", "bbbbbb"]
    assert ids("--since", "2h") == ["aaaaaa"] and ids("--since", "2d") == ["aaaaaa", "bbbbbb"]
    assert ids("--since", (now - dt.timedelta(days=10)).strftime("%Y-%m-%d")) == ["aaaaaa", "bbbbbb"]
    assert ids("--status", "failed") == ["aaaaaa"] and ids("--status", "answered", "--status", "aborted") == [
        "bbbbbb",
        "cccccc",
    ]
    assert (
        ids("--db", "*.parquet") == ["bbbbbb"]
        and ids("--db", "shop.duckdb") == ["aaaaaa"]
        and ids("--db", "db.internal") == ["cccccc"]
    )
    assert ids("--db", "*.duckdb", "--status", "answered") == []
    for flags, says in [
        (["--limit", "0"], "must be greater than 0"),
        (["--limit", "ten"], "not a whole number"),
        (["--since", "yesterday"], "neither a date"),
        (["--since", "7x"], "neither a date"),
        (["--status", "done"], "not a status; use one of answered"),
    ]:
        bad = run_cli(["sessions", "list", *flags], capsys)
        assert (
            bad.code == 2 and says in bad.err and len(bad.err.strip().splitlines()) == 1 and "Traceback" not in bad.err
        ), bad.err


def test_show_says_when_an_edit_ran_as_a_rewrite(capsys, monkeypatch, sample_db: Path, tmp_path: Path) -> None:
    """A log where the edit's checked text differs from what was typed (PostgreSQL reads the text
    otherwise, or a log from before edits ran as typed) names both."""
    from tests.helpers import FakeTty

    monkeypatch.delenv("VISUAL", raising=False)
    monkeypatch.delenv("EDITOR", raising=False)
    script = tmp_path / "edit.jsonl"
    script.write_text(
        "".join(
            json.dumps(line) + "\n" for line in [run_sql_reply(COUNT_SQL), text_reply("Sixty."), text_reply("Sixty.")]
        )
    )
    typed = "select count(*) as n from customers where customer_id is not null"
    result = run_cli(
        ["ask", "How many customers?", "--db", str(sample_db), "--model", f"scripted:{script}", "--format", "json"],
        capsys,
        stdin=FakeTty(f"e\n{typed}\n\n"),
        monkeypatch=monkeypatch,
    )
    path = Path(result.json()["session_path"])
    as_typed = run_cli(["sessions", "show", str(path)], capsys).out
    assert "checked rewrite" not in as_typed
    events = session_events(path)
    for event in events:
        if event["type"] == "sql_checked" and event["source"] == "human":
            event["sql_out"] = "SELECT COUNT(*) AS n FROM customers WHERE NOT customer_id IS NULL"
    path.write_text("".join(json.dumps(e) + "\n" for e in events))
    rewritten = run_cli(["sessions", "show", str(path)], capsys).out
    assert "checked rewrite of what you typed" in rewritten and f"typed: {typed}" in rewritten
    assert "  sql: SELECT COUNT(*) AS n FROM customers WHERE NOT customer_id IS NULL" in rewritten


def test_since_longer_ago_than_the_calendar_lists_everything(capsys, sample_db: Path, tmp_path: Path) -> None:
    """`--since 99999999d` ended in an OverflowError traceback (found by a user test)."""
    _ask(capsys, tmp_path, sample_db, "How many customers?")
    for since in ("99999999d", "99999999999999999999999d", "0001-01-01"):
        result = run_cli(["sessions", "list", "--since", since], capsys)
        assert result.code == 0 and "Traceback" not in result.err, (since, result.err)
        assert "How many customers?" in result.out, since
