"""`analyst runs list|show|compare` on the run logs real life leaves: a torn last line after a
crash, a file that is no run log at all, and an interrupted run compared with a full one."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.helpers import run_cli


def _result(run_id: str, qid: str, category: str, correct: bool, db: str = "t") -> dict:
    return {
        "type": "result",
        "run_id": run_id,
        "id": qid,
        "category": category,
        "db": db,
        "correct": correct,
        "outcome": "correct" if correct else "incorrect",
        "predicted_sql": "SELECT 1",
        "input_tokens": 10,
        "output_tokens": 2,
        "cost_usd": 0.001,
        "latency_ms": 5.0,
        "set_equal": correct,
        "rounded_equal": correct,
        "reason": "match" if correct else "different rows",
        "error": None,
        "session_id": None,
    }


def _write_run(runs: Path, run_id: str, results: list[dict], finished: bool = True) -> Path:
    from sessions.evaluation.runs import results_as_objects
    from sessions.evaluation.summary import summarize

    runs.mkdir(parents=True, exist_ok=True)
    header = {
        "type": "header",
        "run_id": run_id,
        "name": run_id.split("-")[1],
        "model": "scripted:m",
        "provider": "scripted",
        "suite": "s",
        "suite_hash": "abc",
        "questions": 20,
        "started": "2026-11-23T00:00:00Z",
    }
    lines = [header, *results] + (
        [{"type": "summary", "run_id": run_id, **summarize(results_as_objects(results))}] if finished else []
    )
    path = runs / f"{run_id}.jsonl"
    path.write_text("".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines), encoding="utf-8")
    return path


@pytest.fixture
def scripted_run(analyst_home: Path, tmp_path: Path, capsys) -> Path:
    """A real two-question run recorded by `analyst eval` with a scripted model."""
    import duckdb

    db = tmp_path / "t.duckdb"
    with duckdb.connect(str(db)) as con:
        con.execute("CREATE TABLE t AS SELECT i AS id FROM range(5) x(i)")
    suite = tmp_path / "suite.jsonl"
    suite.write_text(
        "".join(
            json.dumps(
                {
                    "id": f"q{k}",
                    "question": f"Number {k}",
                    "gold_sql": f"SELECT {k} AS v",
                    "db": str(db),
                    "category": "ab"[k % 2],
                }
            )
            + "\n"
            for k in (0, 1)
        )
    )
    script = tmp_path / "m.jsonl"
    script.write_text(
        "".join(
            json.dumps({"tool_calls": [{"name": "run_sql", "arguments": {"sql": f"SELECT {k} AS v"}}]})
            + "\n"
            + json.dumps({"text": "Done."})
            + "\n"
            for k in (0, 1)
        )
    )
    result = run_cli(["eval", str(suite), "--model", f"scripted:{script}", "--name", "real"], capsys)
    assert result.code == 0, result.err
    return next((analyst_home / "runs").glob("*.jsonl"))


def test_a_torn_last_line_is_ignored_by_list_show_and_compare(scripted_run: Path, analyst_home: Path, capsys) -> None:
    runs = analyst_home / "runs"
    other = _write_run(runs, "20261123T000000Z-other-0001", [_result("20261123T000000Z-other-0001", "q0", "a", False)])
    with scripted_run.open("a", encoding="utf-8") as handle:
        handle.write('{"type": "result", "id": "s0')  # a crash mid-write
    with other.open("ab") as handle:
        handle.write('{"type": "result", "id": "é'.encode()[:-1])  # torn inside a UTF-8 character

    listed = run_cli(["runs", "list"], capsys)
    assert listed.code == 0, listed.err
    lines = listed.out.splitlines()
    assert len(lines) == 2, listed.out
    assert any(line.startswith(scripted_run.stem) and "100.0% of 2" in line for line in lines), listed.out
    assert any(line.startswith(other.stem) and "0.0% of 1" in line for line in lines), listed.out

    shown = run_cli(["runs", "show", other.stem], capsys)
    assert shown.code == 0, shown.err
    assert "accuracy 0.0% (0/1" in shown.out

    compared = run_cli(["runs", "compare", other.stem, scripted_run.stem], capsys)
    assert "Traceback" not in compared.err
    assert "on the 1 questions both answered: B +100.0%" in compared.out, compared.out


def test_a_line_with_a_line_separator_character_is_one_result(analyst_home: Path, capsys) -> None:
    runs = analyst_home / "runs"
    record = _result("20261123T000000Z-ls-0001", "q0", "a", True)
    record["predicted_sql"] = "SELECT 'a\u2028b'"  # written raw: the log keeps non-ASCII as is
    _write_run(runs, "20261123T000000Z-ls-0001", [record], finished=False)  # show sums up the result lines
    shown = run_cli(["runs", "show", "ls"], capsys)
    assert "accuracy 100.0% (1/1" in shown.out, shown.out


@pytest.mark.parametrize(
    "content",
    [
        json.dumps({"id": "q1", "question": "How many?", "gold_sql": "SELECT 1"}) + "\n",  # a suite
        json.dumps({"id": "q1", "category": "a", "db": "t", "correct": True, "outcome": "correct"})
        + "\n",  # an --out file
        "",
        "not json at all\n",
    ],
)
def test_a_file_that_is_not_a_run_log_is_a_one_line_error(
    analyst_home: Path, tmp_path: Path, capsys, content: str
) -> None:
    run = _write_run(
        analyst_home / "runs", "20261123T000000Z-real-0001", [_result("20261123T000000Z-real-0001", "q1", "a", True)]
    )
    stray = tmp_path / "other.jsonl"
    stray.write_text(content)

    shown = run_cli(["runs", "show", str(stray)], capsys)
    assert shown.code == 2
    assert shown.out == ""
    assert str(stray) in shown.err and "not an analyst run log" in shown.err and "analyst runs list" in shown.err
    assert len(shown.err.strip().splitlines()) == 1 and "Traceback" not in shown.err

    for refs in ([run.stem, str(stray)], [str(stray), run.stem]):
        compared = run_cli(["runs", "compare", *refs], capsys)
        assert compared.code == 2
        assert compared.out == ""
        assert str(stray) in compared.err and "not an analyst run log" in compared.err


def test_a_stray_jsonl_file_in_runs_is_not_listed(analyst_home: Path, capsys) -> None:
    runs = analyst_home / "runs"
    _write_run(runs, "20261123T000000Z-real-0001", [_result("20261123T000000Z-real-0001", "q1", "a", True)])
    (runs / "notes.jsonl").write_text(json.dumps({"id": "q1", "correct": True}) + "\n")
    listed = run_cli(["runs", "list"], capsys)
    assert listed.code == 0, listed.err
    assert listed.out.splitlines() == [
        line for line in listed.out.splitlines() if line.startswith("20261123T000000Z-real-0001")
    ]
    assert len(listed.out.splitlines()) == 1


def test_compare_an_interrupted_run_with_a_full_one_deltas_over_shared_questions(analyst_home: Path, capsys) -> None:
    from sessions.evaluation.run_compare import compare_runs
    from sessions.evaluation.runs import load_run

    runs = analyst_home / "runs"
    # 20 questions, categories a (even) and b (odd), on two databases
    cats = {f"q{k:02d}": "ab"[k % 2] for k in range(20)}
    dbs = {f"q{k:02d}": ("x" if k < 10 else "y") for k in range(20)}
    full_wrong = {"q03", "q05", "q07", "q11", "q13", "q15"}  # b: 4/10 right; a: 10/10
    a_id, b_id = "20261123T000000Z-cut-0001", "20261123T000100Z-full-0002"
    answered = ["q00", "q01", "q02"]  # the interrupted run: 3 questions, all right
    a_path = _write_run(runs, a_id, [_result(a_id, q, cats[q], True, dbs[q]) for q in answered], finished=False)
    b_path = _write_run(runs, b_id, [_result(b_id, q, cats[q], q not in full_wrong, dbs[q]) for q in cats])

    comparison = compare_runs(load_run(a_path), load_run(b_path))
    assert comparison["shared"]["n"] == 3 and comparison["shared"]["delta"] == 0.0
    b_row = comparison["by_category"]["b"]
    assert (b_row["n"], b_row["a"], b_row["b"], b_row["delta"]) == (1, 1.0, 1.0, 0.0)
    assert (b_row["a_all"], b_row["b_all"]) == (1.0, 0.4)  # each run's own scored questions, kept apart
    assert comparison["by_db"]["x"]["delta"] == 0.0 and comparison["by_db"]["y"]["n"] == 0
    assert comparison["by_db"]["y"]["delta"] is None

    compared = run_cli(["runs", "compare", a_id, b_id], capsys)
    assert compared.code == 0, compared.err
    assert "on the 3 questions both answered: B +0.0%" in compared.out
    assert "-60.0%" not in compared.out, compared.out  # b: 100% (1 question) vs 40% (10) is not a delta
    b_line = next(line for line in compared.out.splitlines() if line.strip("│┃ ").startswith("b "))
    cells = [c.strip() for c in b_line.strip("│").split("│")]
    assert cells[:5] == ["b", "1", "100.0%", "100.0%", "+0.0%"], b_line
    assert "questions both runs scored" in compared.out and "A all" in compared.out
    assert "database" in compared.out  # two databases: a per-database table too
