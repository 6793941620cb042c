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
