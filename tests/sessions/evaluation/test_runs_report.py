"""What a person reads after `analyst eval`: `runs show` with every question not correct (why, and
the predicted and gold SQL), `runs compare` marking flips that ran the very same SQL, both as
JSON, a resumed run that keeps its name, and run logs that lack fields."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.helpers import run_cli

LONG_SQL = "SELECT id, price FROM items WHERE " + " OR ".join(f"id = {k}" for k in range(2, 62))


def _db(tmp_path: Path, rows: int = 5) -> Path:
    import duckdb

    db = tmp_path / "shop.duckdb"
    with duckdb.connect(str(db)) as con:
        con.execute(f"CREATE OR REPLACE TABLE items AS SELECT i AS id, i * 2 AS price FROM range({rows}) t(i)")
    return db


def _suite(tmp_path: Path, db: Path, golds: list[str]) -> Path:
    suite = tmp_path / "suite.jsonl"
    suite.write_text(
        "".join(
            json.dumps(
                {
                    "id": f"q{k}",
                    "question": f"Question number {k}",
                    "gold_sql": gold,
                    "db": str(db),
                    "category": "ab"[k % 2],
                }
            )
            + "\n"
            for k, gold in enumerate(golds)
        )
    )
    return suite


def _model(tmp_path: Path, replies: list[dict], name: str = "m.jsonl") -> str:
    path = tmp_path / name
    path.write_text("".join(json.dumps(r) + "\n" for r in replies))
    return f"scripted:{path}"


def _sql(sql: str) -> list[dict]:
    return [{"tool_calls": [{"name": "run_sql", "arguments": {"sql": sql}}]}, {"text": "Done."}]


def _run_path(home: Path, name: str) -> Path:
    (path,) = [p for p in (home / "runs").glob("*.jsonl") if f"-{name}-" in p.name]
    return path


@pytest.fixture
def mixed_run(tmp_path: Path, analyst_home: Path, capsys) -> Path:
    """A real run: q0 correct, q1 wrong rows (long SQL), q2 the guard rejects, q3 a clarifying question."""
    db = _db(tmp_path)
    suite = _suite(tmp_path, db, ["SELECT id, price FROM items"] * 3 + ["SELECT count(*) AS n FROM items"])
    replies = (
        _sql("SELECT id, price FROM items")
        + _sql(LONG_SQL)
        + _sql("SELECT nosuch FROM items")
        + [{"tool_calls": [{"name": "ask_user", "arguments": {"question": "Which items do you mean?"}}]}]
    )
    result = run_cli(["eval", str(suite), "--model", _model(tmp_path, replies), "--name", "mixed"], capsys)
    assert result.code == 0, result.err
    assert "`analyst runs show" in result.err and "lists the 3 question(s) not correct" in result.err
    return _run_path(analyst_home, "mixed")


def test_show_lists_each_question_not_correct_with_why_and_its_sql(mixed_run: Path, capsys) -> None:
    shown = run_cli(["runs", "show", "mixed"], capsys)
    assert shown.code == 0, shown.err
    out = shown.out
    assert "accuracy 25.0% (1/4" in out  # the report is still there, first
    assert "not correct (3 of 4 scored):" in out
    blocks = out.split("── ")[1:]
    by_id = {block.split(" · ")[0]: block for block in blocks}
    assert set(by_id) == {"q1", "q2", "q3"}  # q0 was right: not listed
    assert "incorrect" in by_id["q1"] and "reason:    row count differs: gold 5, predicted 3" in by_id["q1"]
    assert f"predicted: {LONG_SQL}\n" in by_id["q1"]  # piped: the long SQL whole, on one line
    assert "gold:      SELECT id, price FROM items" in by_id["q1"]
    assert "question:  Question number 1" in by_id["q1"]
    assert (
        "guard_rejected" in by_id["q2"]
        and "error:" in by_id["q2"]
        and "predicted: SELECT nosuch FROM items" in by_id["q2"]
    )
    assert "needs_clarification" in by_id["q3"] and "Which items do you mean?" in by_id["q3"]
    assert "gold:      SELECT count(*) AS n FROM items" in by_id["q3"]
    assert out.index("q1 · incorrect") < out.index("q2 · guard_rejected") < out.index("q3 · needs_clarification")


def test_show_json_has_the_documented_shape(mixed_run: Path, capsys) -> None:
    shown = run_cli(["runs", "show", mixed_run.stem, "--format", "json"], capsys)
    assert shown.code == 0, shown.err
    data = shown.json()
    assert set(data) == {"version", "run", "summary", "by_category", "by_db", "questions"}
    assert (
        data["run"]["run_id"] == mixed_run.stem and data["run"]["name"] == "mixed" and data["run"]["finished"] is True
    )
    assert data["summary"]["n"] == 4 and data["summary"]["correct"] == 1 and data["summary"]["accuracy"] == 0.25
    assert data["summary"]["outcomes"] == {"correct": 1, "incorrect": 1, "guard_rejected": 1, "needs_clarification": 1}
    assert data["by_category"]["a"]["n"] == 2 and data["by_db"]["shop"]["n"] == 4
    questions = {q["id"]: q for q in data["questions"]}
    assert questions["q1"]["predicted_sql"] == LONG_SQL and questions["q1"]["gold_sql"] == [
        "SELECT id, price FROM items"
    ]
    assert questions["q1"]["outcome"] == "incorrect" and questions["q1"]["reason"]
    assert questions["q0"]["correct"] is True and questions["q0"]["question"] == "Question number 0"


def test_compare_marks_a_flip_that_ran_the_same_sql(tmp_path: Path, analyst_home: Path, capsys) -> None:
    """The same query, scored right once and wrong once (here: the data changed between runs; in
    life ties or an unordered LIMIT): marked, counted, and left out of a second McNemar."""
    db = _db(tmp_path, rows=3)
    suite = _suite(tmp_path, db, ["SELECT 3 AS n", "SELECT id, price FROM items", "SELECT id, price FROM items"])
    same = "SELECT count(*) AS n FROM items"
    first = _model(tmp_path, _sql(same) + _sql("SELECT id FROM items") + _sql("SELECT id, price FROM items"), "a.jsonl")
    assert run_cli(["eval", str(suite), "--model", first, "--name", "before"], capsys).code == 0
    _db(tmp_path, rows=4)  # the same SQL now counts 4
    second = _model(
        tmp_path, _sql(same) + _sql("SELECT id, price FROM items") + _sql("SELECT id, price FROM items"), "b.jsonl"
    )
    assert run_cli(["eval", str(suite), "--model", second, "--name", "after"], capsys).code == 0

    compared = run_cli(["runs", "compare", "before", "after"], capsys)
    assert compared.code == 1, compared.err  # q0 broke
    assert "1 fixed, 1 broken" in compared.out
    assert "1 of these 2 flips have the same predicted SQL in both runs" in compared.out
    assert "broken in B (1, 1 with the same SQL): q0 (=)" in compared.out
    assert "fixed in B (1): q1\n" in compared.out

    data = run_cli(["runs", "compare", "before", "after", "--format", "json"], capsys).json()
    flips = {f["id"]: f for f in data["flips"]}
    assert flips["q0"]["identical_sql"] is True and flips["q0"]["direction"] == "broken"
    assert flips["q0"]["a"]["outcome"] == "correct" and flips["q0"]["b"]["outcome"] == "incorrect"
    assert flips["q0"]["a"]["predicted_sql"] == flips["q0"]["b"]["predicted_sql"]
    assert flips["q1"]["identical_sql"] is False and flips["q1"]["direction"] == "fixed"
    assert (
        data["mcnemar"]["fixed"] == 1 and data["mcnemar"]["broken"] == 1 and data["mcnemar"]["identical_sql_flips"] == 1
    )
    assert data["mcnemar"]["p"] == 1.0 and data["mcnemar"]["p_without_identical_sql"] == 1.0
    assert data["a"]["name"] == "before" and data["b"]["name"] == "after" and data["shared"]["n"] == 3
    assert set(data["by_category"]) == {"a", "b"}


def test_same_sql_ignores_blanks_and_a_trailing_semicolon() -> None:
    from sessions.evaluation.run_compare import same_sql

    assert same_sql("SELECT  a\nFROM t;", "SELECT a FROM t")
    assert not same_sql("SELECT a FROM t", "SELECT b FROM t")
    assert not same_sql(None, None) and not same_sql("", "")


def test_a_resumed_run_keeps_its_name_and_says_which_run_it_resumed(tmp_path: Path, analyst_home: Path, capsys) -> None:
    suite = _suite(tmp_path, _db(tmp_path), ["SELECT id, price FROM items"] * 3)
    model = tmp_path / "m.jsonl"
    model.write_text(json.dumps({"error": {"status": 401, "message": "invalid api key"}}) + "\n")
    stopped = run_cli(["eval", str(suite), "--model", f"scripted:{model}", "--name", "nightly"], capsys)
    assert stopped.code == 3
    assert (
        "analyst: stopped (provider error 401: invalid api key): 0 scored, 3 not run; resume with `analyst eval"
        in stopped.err
    )
    first = _run_path(analyst_home, "nightly")
    model.write_text("".join(json.dumps(r) + "\n" for r in _sql("SELECT id, price FROM items") * 3))
    resumed = run_cli(["eval", str(suite), "--model", f"scripted:{model}", "--resume", first.stem], capsys)
    assert resumed.code == 0, resumed.err
    assert f"resumed from {first.stem}" in resumed.out
    (second,) = [p for p in (analyst_home / "runs").glob("*.jsonl") if p != first]
    header = json.loads(second.read_text().splitlines()[0])
    assert header["name"] == "nightly" and "-nightly-" in second.name and header["resumed_from"] == first.stem
    listed = run_cli(["runs", "show", second.stem, "--format", "json"], capsys).json()
    assert listed["run"]["name"] == "nightly" and listed["run"]["resumed_from"] == first.stem

    renamed = run_cli(
        ["eval", str(suite), "--model", f"scripted:{model}", "--resume", first.stem, "--name", "other"], capsys
    )
    assert renamed.code == 0 and "other" in renamed.out  # --name still wins


def test_progress_counts_scored_and_not_run() -> None:
    import io

    from analyst.eval_report import EvalProgress
    from sessions.evaluation.scoring import QuestionResult

    def result(outcome: str, correct: bool) -> QuestionResult:
        return QuestionResult(
            id="q",
            category="a",
            db="d",
            correct=correct,
            outcome=outcome,
            predicted_sql=None,
            input_tokens=0,
            output_tokens=0,
            cost_usd=0.0,
            latency_ms=0.0,
        )

    progress = EvalProgress(io.StringIO(), 4)
    for outcome, correct in (("correct", True), ("incorrect", False), ("not_run", False)):
        progress.advance(result(outcome, correct))
    assert progress.stats() == "2 scored · 50.0% correct · 1 not run"


def _header(run_id: str) -> dict:
    return {"type": "header", "run_id": run_id, "name": "old", "model": "scripted:m", "suite": "s", "suite_hash": "abc"}


@pytest.mark.parametrize(
    "line",
    [
        {
            "type": "result",
            "id": "q1",
            "category": "a",
            "db": "t",
            "correct": False,
            "outcome": "incorrect",
        },  # no SQL, tokens, latency
        {"type": "result", "id": "q1", "correct": False},  # hardly anything
        {
            "type": "result",
            "id": "q1",
            "correct": "false",
            "outcome": "exec_error",
            "latency_ms": "12.5",
            "input_tokens": "x",
            "cost_usd": None,
            "category": 7,
            "db": None,
            "predicted_sql": ["SELECT 1"],
            "gold_sql": "SELECT 2",
        },  # mistyped
        {
            "type": "result",
            "id": "q1",
            "correct": False,
            "input_tokens": 10**400,
            "output_tokens": float("nan"),
            "latency_ms": float("inf"),
            "cost_usd": "1e400",
            "category": {"x": 1},
            "set_equal": "yes",
        },  # out of range
    ],
)
def test_show_and_compare_tolerate_result_lines_without_fields(analyst_home: Path, capsys, line: dict) -> None:
    runs = analyst_home / "runs"
    runs.mkdir(parents=True, exist_ok=True)
    good = {"type": "result", "id": "q0", "category": "a", "db": "t", "correct": True, "outcome": "correct"}
    for run_id in ("20261101T000000Z-old-0001", "20261101T000000Z-older-0002"):
        (runs / f"{run_id}.jsonl").write_text("".join(json.dumps(r) + "\n" for r in (_header(run_id), good, line)))
    for args in (
        ["runs", "show", "old-0001"],
        ["runs", "show", "old-0001", "--format", "json"],
        ["runs", "compare", "old-0001", "older-0002"],
        ["runs", "compare", "old-0001", "older-0002", "--format", "json"],
    ):
        result = run_cli(args, capsys)
        assert result.code == 0 and "Traceback" not in result.err, (args, result.err)
    shown = run_cli(["runs", "show", "old-0001"], capsys)
    assert "accuracy 50.0% (1/2" in shown.out and "── q1 · " in shown.out


def test_a_run_log_with_garbage_after_its_header_is_read_or_named(analyst_home: Path, capsys) -> None:
    runs = analyst_home / "runs"
    runs.mkdir(parents=True, exist_ok=True)
    path = runs / "20261101T000000Z-junk-0001.jsonl"
    path.write_bytes(
        (json.dumps(_header(path.stem)) + "\n").encode() + b'\xff\xfe\x00garbage\n[1, 2]\n"text"\n{"type": "result"}\n'
    )
    shown = run_cli(["runs", "show", "junk"], capsys)
    assert shown.code == 0 and "no questions were scored" in shown.out and "Traceback" not in shown.err
    data = run_cli(["runs", "show", "junk", "--format", "json"], capsys).json()
    assert data["questions"] == [] and data["summary"]["n"] == 0


def test_resuming_an_older_run_fills_question_and_gold_from_the_suite(
    tmp_path: Path, analyst_home: Path, capsys
) -> None:
    suite = _suite(tmp_path, _db(tmp_path), ["SELECT id, price FROM items"] * 2)
    model = _model(tmp_path, _sql("SELECT id FROM items") + [{"error": {"status": 503, "message": "overloaded"}}])
    assert run_cli(["eval", str(suite), "--model", model, "--name", "old"], capsys).code == 1
    first = _run_path(analyst_home, "old")
    lines = [json.loads(line) for line in first.read_text().splitlines()]
    for line in lines:  # as an older analyst wrote it
        line.pop("question", None), line.pop("gold_sql", None)
    first.write_text("".join(json.dumps(line) + "\n" for line in lines))
    assert _model(tmp_path, _sql("SELECT id, price FROM items")) == model  # the same model, now answering q1
    resumed = run_cli(["eval", str(suite), "--model", model, "--resume", first.stem], capsys)
    assert resumed.code == 0 and "1 scored question(s) kept, 1 to run" in resumed.err, resumed.err
    (second,) = [p for p in (analyst_home / "runs").glob("*.jsonl") if p != first]
    carried = next(json.loads(line) for line in second.read_text().splitlines() if '"q0"' in line)
    assert carried["gold_sql"] == ["SELECT id, price FROM items"] and carried["question"] == "Question number 0"
    shown = run_cli(["runs", "show", second.stem], capsys)
    assert "gold:      SELECT id, price FROM items" in shown.out


def test_sql_the_guard_refused_is_scored_guard_rejected_and_shown(tmp_path: Path, capsys) -> None:
    """A refused DELETE followed by words was scored exec_error with '(no SQL)' (found by a user
    test): it is guard_rejected, and the refused SQL is the predicted SQL."""
    import json

    from tests.helpers import run_cli

    suite = tmp_path / "suite.jsonl"
    suite.write_text(json.dumps({"id": "e5", "question": "bad", "gold_sql": "SELECT count(*) FROM stores"}) + "\n")
    model = tmp_path / "m.jsonl"
    model.write_text(
        json.dumps({"tool_calls": [{"name": "run_sql", "arguments": {"sql": "DELETE FROM stores"}}]})
        + "\n"
        + json.dumps({"text": "nope"})
        + "\n"
    )
    result = run_cli(
        ["eval", str(suite), "--model", f"scripted:{model}", "--name", "refused", "--concurrency", "1"], capsys
    )
    assert "guard_rejected" in result.out + result.err, result.out + result.err
    shown = run_cli(["runs", "show", "refused", "--format", "json"], capsys).json()
    [question] = shown["questions"]
    assert (question["outcome"], question["predicted_sql"]) == ("guard_rejected", "DELETE FROM stores")


def test_a_run_is_found_by_its_whole_name_even_when_the_id_cuts_it(tmp_path: Path, capsys) -> None:
    """The id keeps 40 file-name-safe characters of the name; `runs show NAME` with the whole name
    said 'no run matches' (found by a user test)."""
    import json

    from tests.helpers import run_cli

    suite = tmp_path / "suite.jsonl"
    suite.write_text(json.dumps({"id": "q", "question": "how many", "gold_sql": "SELECT 1 AS n"}) + "\n")
    model = tmp_path / "m.jsonl"
    model.write_text(
        json.dumps({"tool_calls": [{"name": "run_sql", "arguments": {"sql": "SELECT 1 AS n"}}]})
        + "\n"
        + json.dumps({"text": "One."})
        + "\n"
    )
    name = "a very long run name: that goes on and on, and on forever & ever"
    assert run_cli(["eval", str(suite), "--model", f"scripted:{model}", "--name", name], capsys).code == 0
    shown = run_cli(["runs", "show", name, "--format", "json"], capsys)
    assert shown.code == 0, shown.err
    assert shown.json()["run"]["name"] == name
