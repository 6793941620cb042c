"""Every command that takes a session or a run reference (`sessions show|export`, `replay`,
`runs show|compare`, `eval --resume`) answers a relative, absolute, missing, folder or garbage
reference with one line and exit 2 — never a traceback (an absolute path was once used as a
glob pattern: `Non-relative patterns are unsupported`)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.helpers import run_cli, run_sql_reply, text_reply

SESSION_COMMANDS = (["sessions", "show"], ["sessions", "export", "--as", "chat"], ["replay"])
RUN_COMMANDS = (["runs", "show"], ["runs", "compare", "__REF__", "__REF__"])


def _one_line_error(result, *needles: str) -> None:
    assert result.code == 2, (result.code, result.err)
    assert result.out == ""
    assert "Traceback" not in result.err
    lines = result.err.strip().splitlines()
    assert len(lines) == 1, result.err
    for needle in needles:
        assert needle in lines[0], lines[0]


def _args(command: list[str], ref: str) -> list[str]:
    if "__REF__" in command:
        return [ref if part == "__REF__" else part for part in command]
    return [*command, ref]


@pytest.fixture
def logged_session(capsys, sample_db: Path, analyst_home: Path, tmp_path: Path) -> Path:
    """A real session log: one question answered through the scripted model."""
    script = tmp_path / "script.jsonl"
    script.write_text(
        "".join(
            json.dumps(line) + "\n"
            for line in (run_sql_reply("SELECT count(*) AS n FROM customers"), text_reply("Sixty."))
        )
    )
    result = run_cli(
        [
            "ask",
            "How many customers?",
            "--db",
            str(sample_db),
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
    (log,) = (analyst_home / "sessions").glob("*.jsonl")
    return log


@pytest.mark.parametrize("command", SESSION_COMMANDS, ids=lambda c: " ".join(c[:2]))
def test_absolute_missing_session_path_is_one_line(
    command: list[str], logged_session: Path, tmp_path: Path, capsys
) -> None:
    missing = tmp_path / "nowhere" / "missing.jsonl"
    _one_line_error(run_cli(_args(command, str(missing)), capsys), f"no file {missing}", "analyst sessions list")


@pytest.mark.parametrize("command", SESSION_COMMANDS, ids=lambda c: " ".join(c[:2]))
def test_relative_missing_session_path_names_where_it_looked(
    command: list[str], logged_session: Path, tmp_path: Path, monkeypatch, capsys
) -> None:
    monkeypatch.chdir(tmp_path)
    _one_line_error(run_cli(_args(command, "sub/missing.jsonl"), capsys), "no file sub/missing.jsonl", str(tmp_path))


@pytest.mark.parametrize("command", SESSION_COMMANDS, ids=lambda c: " ".join(c[:2]))
@pytest.mark.parametrize("folder", ["abs", ".", ".."])
def test_a_folder_is_not_a_session_log(
    command: list[str], folder: str, logged_session: Path, tmp_path: Path, monkeypatch, capsys
) -> None:
    monkeypatch.chdir(tmp_path)
    ref = str(tmp_path) if folder == "abs" else folder
    _one_line_error(run_cli(_args(command, ref), capsys), f"{ref} is a folder, not a session log")


@pytest.mark.parametrize("command", SESSION_COMMANDS, ids=lambda c: " ".join(c[:2]))
@pytest.mark.parametrize("ref", ["**", "garbage[", "*", "", "x\x00y", "a" * 400, "/" + "a" * 400 + ".jsonl"])
def test_garbage_session_references_are_one_line(command: list[str], ref: str, logged_session: Path, capsys) -> None:
    result = run_cli(_args(command, ref), capsys)
    _one_line_error(result)


@pytest.mark.parametrize("content", ["", "5\n[1]\n", "not json\n", "\x00\xff binary"])
def test_a_file_that_is_no_session_log_is_one_line(content: str, logged_session: Path, tmp_path: Path, capsys) -> None:
    stray = tmp_path / "stray.jsonl"
    stray.write_text(content)
    for command in SESSION_COMMANDS:
        _one_line_error(run_cli(_args(list(command), str(stray)), capsys), "not a session log")


def test_a_session_is_found_by_absolute_and_relative_path_and_by_file_name(
    logged_session: Path, monkeypatch, capsys
) -> None:
    shown = run_cli(["sessions", "show", str(logged_session)], capsys)
    assert shown.code == 0, shown.err
    assert "How many customers?" in shown.out
    monkeypatch.chdir(logged_session.parent.parent)
    relative = run_cli(["sessions", "show", f"./{logged_session.parent.name}/{logged_session.name}"], capsys)
    assert relative.code == 0, relative.err
    by_name = run_cli(["sessions", "show", logged_session.name], capsys)  # `ID.jsonl` from anywhere
    assert by_name.code == 0, by_name.err
    replayed = run_cli(["replay", str(logged_session)], capsys)
    assert replayed.code == 0, replayed.err


def test_a_prefix_with_glob_characters_matches_no_session(logged_session: Path, capsys) -> None:
    """`2*` was a glob that picked the only session; ids are prefixes, not patterns."""
    assert run_cli(["sessions", "show", logged_session.stem[:4]], capsys).code == 0
    _one_line_error(run_cli(["sessions", "show", logged_session.stem[:2] + "*"], capsys), "no session")


@pytest.fixture
def run_log(analyst_home: Path) -> Path:
    runs = analyst_home / "runs"
    runs.mkdir(parents=True, exist_ok=True)
    path = runs / "20261123T000000Z-real-0001.jsonl"
    header = {
        "type": "header",
        "run_id": path.stem,
        "name": "real",
        "model": "scripted:m",
        "suite": "s",
        "suite_hash": "abc",
        "questions": 1,
    }
    result = {
        "type": "result",
        "run_id": path.stem,
        "id": "q1",
        "category": "a",
        "db": "t",
        "correct": True,
        "outcome": "correct",
        "predicted_sql": "SELECT 1",
        "input_tokens": 10,
        "output_tokens": 2,
        "cost_usd": 0.001,
        "latency_ms": 5.0,
    }
    path.write_text(json.dumps(header) + "\n" + json.dumps(result) + "\n")
    return path


@pytest.mark.parametrize("command", RUN_COMMANDS, ids=lambda c: " ".join(c[:2]))
def test_absolute_missing_run_path_is_one_line(command: list[str], run_log: Path, tmp_path: Path, capsys) -> None:
    missing = tmp_path / "nowhere" / "missing.jsonl"
    _one_line_error(run_cli(_args(command, str(missing)), capsys), f"no file {missing}", "analyst runs list")


@pytest.mark.parametrize("command", RUN_COMMANDS, ids=lambda c: " ".join(c[:2]))
@pytest.mark.parametrize("ref", ["abs-folder", ".", "**", "garbage[", "", "x\x00y", "/" + "a" * 400 + ".jsonl"])
def test_folder_and_garbage_run_references_are_one_line(
    command: list[str], ref: str, run_log: Path, tmp_path: Path, monkeypatch, capsys
) -> None:
    monkeypatch.chdir(tmp_path)
    ref = str(tmp_path) if ref == "abs-folder" else ref
    _one_line_error(run_cli(_args(command, ref), capsys))


def test_a_run_is_found_by_path_and_by_file_name(run_log: Path, monkeypatch, tmp_path: Path, capsys) -> None:
    assert run_cli(["runs", "show", str(run_log)], capsys).code == 0
    monkeypatch.chdir(tmp_path)
    assert run_cli(["runs", "show", run_log.name], capsys).code == 0


def test_eval_resume_with_a_missing_absolute_path_is_one_line(
    run_log: Path, sample_db: Path, tmp_path: Path, capsys
) -> None:
    suite = tmp_path / "suite.jsonl"
    suite.write_text(
        json.dumps({"id": "q1", "question": "How many customers?", "gold_sql": "SELECT count(*) FROM customers"}) + "\n"
    )
    script = tmp_path / "m.jsonl"
    script.write_text(json.dumps({"text": "No."}) + "\n")
    for ref in (str(tmp_path / "missing.jsonl"), str(tmp_path)):
        result = run_cli(
            ["eval", str(suite), "--db", str(sample_db), "--model", f"scripted:{script}", "--resume", ref], capsys
        )
        assert result.code == 2, result.err
        assert "Traceback" not in result.err
        assert ref in result.err
