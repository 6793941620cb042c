"""Golden session logs, one per format version the readers accept (tests/data/golden/).

Each `vN.jsonl` was written by the code of its day (`record_v1.py` beside it says how) and is
never re-recorded: today's code must still show, export and replay it exactly as recorded in
the files next to it. A change that breaks one of these breaks every log users already have.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.helpers import run_cli

GOLDEN = Path(__file__).resolve().parents[1] / "data" / "golden"
VERSIONS = sorted(p.stem for p in GOLDEN.glob("v*.jsonl") if "." not in p.stem)


def _same(text: str, name: str, log: Path) -> None:
    from agents.prompts import system_prompt

    expected = (GOLDEN / name).read_text()
    actual = text.replace(str(log), "GOLDEN").replace(json.dumps(system_prompt("duckdb", True))[1:-1], "SYSTEM_PROMPT")
    assert actual == expected


@pytest.fixture
def golden(tmp_path: Path, request: pytest.FixtureRequest) -> Path:
    """A copy of the log outside the repository (readers must not write beside it)."""
    copy = tmp_path / f"{request.param}.jsonl"
    copy.write_bytes((GOLDEN / f"{request.param}.jsonl").read_bytes())
    return copy


def test_there_is_a_golden_log_of_each_version_written() -> None:
    from sessions.log import LOG_VERSION

    assert [f"v{n}" for n in range(1, LOG_VERSION + 1)] == VERSIONS


@pytest.mark.parametrize("version", VERSIONS)
def test_every_line_of_the_golden_log_parses_to_its_event_and_back(version: str) -> None:
    from agents.events import ENVELOPE, UnknownEvent, from_json
    from sessions.log import read_log

    lines = [json.loads(line) for line in (GOLDEN / f"{version}.jsonl").read_text().splitlines()]
    contents = read_log(GOLDEN / f"{version}.jsonl")
    assert not contents.torn and not contents.bad_lines and len(contents.events) == len(lines)
    for line, logged in zip(lines, contents.events):
        assert not isinstance(logged.event, UnknownEvent) and logged.event == from_json(line)
        assert json.dumps(logged.event.to_json()) == json.dumps({k: v for k, v in line.items() if k not in ENVELOPE})
        assert (logged.at, logged.seq, logged.turn, logged.session) == (
            line["at"],
            line["seq"],
            line["turn"],
            line["session"],
        )
    types = {type(logged.event).__name__ for logged in contents.events}
    assert types >= {"SessionStarted", "RunFinished", "ScreenQueryRan", "ConversationStarted", "ModelFailed"}


def test_an_early_v1_log_without_later_fields_parses_with_their_defaults() -> None:
    """The bundled demo session predates `answer_given.grounded`: it reads as grounded."""
    from importlib.resources import files

    from agents.events import AnswerGiven
    from sessions.log import read_log

    contents = read_log(Path(str(files("sessions") / "data" / "demo_session.jsonl")))
    assert not contents.bad_lines
    answers = [e.event for e in contents.events if isinstance(e.event, AnswerGiven)]
    assert answers and all(a.grounded for a in answers)


def test_unknown_event_types_are_kept_and_malformed_events_are_unreadable_lines(tmp_path: Path) -> None:
    from agents.events import UnknownEvent
    from agents.outcome import ErrorKind, Status
    from sessions.log import read_log
    from sessions.store import load_session

    lines = (GOLDEN / "v1.jsonl").read_text().splitlines()
    future = {"v": 1, "type": "thought_recorded", "text": "from a newer analyst"}
    malformed = {"v": 1, "type": "question_asked"}  # no question
    wrong_type = {"v": 1, "type": "run_finished", "status": "exploded", "error": None, "usage": {}}
    path = tmp_path / "mixed.jsonl"
    path.write_text(
        "\n".join([lines[0], json.dumps(future), json.dumps(malformed), json.dumps(wrong_type), *lines[1:]]) + "\n"
    )
    contents = read_log(path)
    assert contents.bad_lines == (3, 4)
    unknown = contents.events[1].event
    assert isinstance(unknown, UnknownEvent) and unknown.to_json() == {k: v for k, v in future.items() if k != "v"}
    record = load_session(path)
    assert [t.status for t in record.turns][:3] == [Status.ANSWERED] * 3
    assert record.turns[-1].error is not None and record.turns[-1].error.kind is ErrorKind.INTERRUPTED


@pytest.mark.parametrize("golden", VERSIONS, indirect=True)
def test_sessions_show_reads_the_golden_log_as_recorded(golden: Path, capsys) -> None:
    result = run_cli(["sessions", "show", str(golden)], capsys)
    assert result.code == 0, result.err
    _same(result.out, f"{golden.stem}.show.txt", golden)


@pytest.mark.parametrize("golden", VERSIONS, indirect=True)
@pytest.mark.parametrize("as_", ["suite", "chat"])
def test_sessions_export_of_the_golden_log_is_as_recorded(golden: Path, as_: str, capsys) -> None:
    result = run_cli(["sessions", "export", "--as", as_, str(golden)], capsys)
    assert result.code == 0, result.err
    _same(result.out, f"{golden.stem}.{as_}.jsonl", golden)


@pytest.mark.parametrize("golden", VERSIONS, indirect=True)
def test_the_golden_log_replays_identical(golden: Path, sample_db: Path, capsys) -> None:
    result = run_cli(["replay", str(golden), "--db", str(sample_db)], capsys)
    assert result.code == 0, result.out + result.err
    assert result.out.startswith("identical: 9 turns of session")
    assert "turn 10 was interrupted when recorded and not replayed" in result.out
