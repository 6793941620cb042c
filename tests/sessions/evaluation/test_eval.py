"""Evaluation by execution: gold SQL served as the prediction must score 100% on defog, through
the real openai SDK against a fake server; runs are recorded and comparable."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tests.fakes import FakeOpenAI
from tests.helpers import run_cli

PROMPT = re.compile(r"^Question: (.*?)\n\nDatabase schema \(", re.DOTALL)


def gold_responder(suite, wrong_ids: frozenset[str] = frozenset()):
    """Answers each question with its first gold query (or a wrong one for `wrong_ids`)."""
    by_prompt: dict[str, list] = {}
    for item in suite.items:
        by_prompt.setdefault(item.prompt, []).append(item)

    def reply(body: dict) -> dict:
        messages = body["messages"]
        if messages[-1]["role"] == "tool":
            return {"text": "That answers it.", "usage": {"input_tokens": 10, "output_tokens": 3}}
        match = PROMPT.match(messages[1]["content"])
        assert match, messages[1]["content"][:200]
        items = by_prompt[match.group(1)]
        if len(items) > 1:  # the same question on several databases: pick by the schema shown
            items = [i for i in items if all(t in messages[1]["content"] for t in _tables(i.gold[0]))] or items
        item = items[0]
        sql = "SELECT 1 AS wrong" if item.id in wrong_ids else item.gold[0]
        return {
            "tool_calls": [{"name": "run_sql", "arguments": {"sql": sql}}],
            "usage": {"input_tokens": 100, "output_tokens": 20},
        }

    return reply


def _tables(sql: str) -> list[str]:
    import sqlglot
    from sqlglot import exp

    return [t.name for t in sqlglot.parse_one(sql, read="duckdb").find_all(exp.Table)]


@pytest.fixture
def defog(monkeypatch, analyst_home: Path, defog_cache: Path):
    import shutil

    from sessions.evaluation.defog import defog_suite

    shutil.copytree(defog_cache / "defog", analyst_home / "cache" / "defog")
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test-eval-00000000")
    return defog_suite(analyst_home / "cache")


def test_gold_as_prediction_scores_100_percent_on_defog(defog, monkeypatch, capsys, tmp_path: Path) -> None:
    with FakeOpenAI() as fake:
        fake.responder = gold_responder(defog)
        monkeypatch.setenv("OPENAI_BASE_URL", fake.base_url)
        out = tmp_path / "results.jsonl"
        result = run_cli(
            [
                "eval",
                "defog",
                "--model",
                "openai:gpt-4.1-mini",
                "--out",
                str(out),
                "--concurrency",
                "4",
                "--name",
                "gold",
            ],
            capsys,
        )
    assert result.code == 0, result.err[-2000:]
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert len(rows) == 314
    wrong = [(r["id"], r["outcome"], r["error"] or r["reason"]) for r in rows if not r["correct"]]
    assert wrong == []
    assert "accuracy 100.0% (314/314, 95% CI 98.8%–100.0%)" in result.out


def test_wrong_answers_are_scored_and_runs_compare(defog, monkeypatch, capsys, tmp_path: Path) -> None:
    from sessions.evaluation.suite import Suite

    items = tuple(i for i in defog.items if i.db_label == "broker")
    suite_file = tmp_path / "broker.jsonl"
    suite_file.write_text(
        "".join(
            json.dumps(
                {
                    "id": i.id,
                    "question": i.question,
                    "gold_sql": list(i.gold),
                    "db": i.db,
                    "category": i.category,
                    "instructions": i.instructions,
                }
            )
            + "\n"
            for i in items
        )
    )
    small = Suite("broker", "x", items)
    broken = frozenset(i.id for i in items[:3])
    with FakeOpenAI() as fake:
        monkeypatch.setenv("OPENAI_BASE_URL", fake.base_url)
        fake.responder = gold_responder(small)
        first = run_cli(["eval", str(suite_file), "--model", "openai:gpt-4.1-mini", "--name", "good"], capsys)
        fake.responder = gold_responder(small, broken)
        second = run_cli(["eval", str(suite_file), "--model", "openai:gpt-4.1-mini", "--name", "worse"], capsys)
    assert first.code == 0 and second.code == 0
    assert f"({len(items) - 3}/{len(items)}, 95% CI" in second.out
    listed = run_cli(["runs", "list"], capsys)
    assert listed.out.count("\n") == 2 and "good" in listed.out and "worse" in listed.out
    ids = [line.split()[0] for line in listed.out.splitlines()]
    compared = run_cli(["runs", "compare", ids[1], ids[0]], capsys)  # older (good) vs newer (worse)
    assert compared.code == 1
    assert all(i in compared.out for i in broken)
    # 3 broken, 0 fixed: a fair coin gives that 1 time in 4 (two-sided), so it is noise
    assert "0 fixed, 3 broken; exact McNemar p = 0.25: not distinguishable from noise" in compared.out
    assert f"B -{3 / len(items):.1%}" in compared.out
    assert "95% CI" in second.out
    shown = run_cli(["runs", "show", ids[0]], capsys)
    assert "by category" in shown.out


def test_idk_suite_rewards_declining(defog, monkeypatch, capsys, analyst_home: Path) -> None:
    from sessions.evaluation.defog import defog_suite

    suite = defog_suite(analyst_home / "cache", idk=True)
    with FakeOpenAI() as fake:
        monkeypatch.setenv("OPENAI_BASE_URL", fake.base_url)

        def reply(body: dict) -> dict:
            question = PROMPT.match(body["messages"][1]["content"]).group(1)
            if "art" in question.lower():  # invent SQL for some, invent in words for others, decline the rest
                return (
                    {"tool_calls": [{"name": "run_sql", "arguments": {"sql": "SELECT 42 AS invented"}}]}
                    if body["messages"][-1]["role"] != "tool"
                    else {"text": "42."}
                )
            if "what" in question.lower():
                return {"text": "There are 42."}
            return {"text": "The data cannot answer that question."}

        fake.responder = reply
        result = run_cli(["eval", "defog-idk", "--model", "openai:gpt-4.1-mini", "--concurrency", "4"], capsys)
    assert result.code == 0, result.err[-1000:]
    invented = sum("art" in i.prompt.lower() or "what" in i.prompt.lower() for i in suite.items)
    assert 0 < sum("what" in i.prompt.lower() and "art" not in i.prompt.lower() for i in suite.items) < len(suite.items)
    assert f"({len(suite.items) - invented}/{len(suite.items)}, 95% CI" in result.out


def test_a_refusal_declined_after_a_failed_query_counts_as_declined(capsys, tmp_path: Path, analyst_home: Path) -> None:
    suite = tmp_path / "idk.jsonl"
    suite.write_text(
        json.dumps(
            {
                "id": "r1",
                "question": "Which customers are from Mars?",
                "gold_sql": "SELECT 1",
                "kind": "refusal",
                "category": "idk",
            }
        )
        + "\n"
    )
    script = tmp_path / "m.jsonl"
    script.write_text(
        json.dumps(
            {
                "tool_calls": [
                    {"name": "run_sql", "arguments": {"sql": "SELECT CAST(first_name AS INTEGER) AS n FROM customers"}}
                ]
            }
        )
        + "\n"
        + json.dumps({"text": "The data cannot answer this question."})
        + "\n"
    )
    result = run_cli(["eval", str(suite), "--model", f"scripted:{script}"], capsys)
    assert result.code == 0, result.err
    lines = [json.loads(line) for line in next((analyst_home / "runs").glob("*.jsonl")).read_text().splitlines()]
    scored = next(r for r in lines if r["type"] == "result")
    assert scored["correct"] is True and scored["reason"] == "declined"


def test_long_texts_are_compared_whole_not_by_their_clipped_prefix(capsys, tmp_path: Path, analyst_home: Path) -> None:
    import duckdb

    db = tmp_path / "notes.duckdb"
    with duckdb.connect(str(db)) as con:
        con.execute("CREATE TABLE notes AS SELECT i AS id, repeat('x', 20000) || i AS body FROM range(3) t(i)")
    suite = tmp_path / "s.jsonl"
    suite.write_text(
        "".join(
            json.dumps(
                {"id": f"q{k}", "question": "Every note", "gold_sql": "SELECT id, body FROM notes", "db": str(db)}
            )
            + "\n"
            for k in (1, 2)
        )
    )
    script = tmp_path / "m.jsonl"
    replies = [
        {"tool_calls": [{"name": "run_sql", "arguments": {"sql": sql}}]}
        for sql in (
            "SELECT id, body FROM notes ORDER BY id DESC",  # the same texts
            "SELECT id, repeat('x', 20000) || (2 - id) AS body FROM notes",  # the same first 20,000 characters
        )
    ]
    script.write_text("".join(json.dumps(r) + "\n" + json.dumps({"text": "Done."}) + "\n" for r in replies))
    result = run_cli(["eval", str(suite), "--model", f"scripted:{script}"], capsys)
    lines = [json.loads(line) for line in next((analyst_home / "runs").glob("*.jsonl")).read_text().splitlines()]
    verdicts = {r["id"]: r["outcome"] for r in lines if r["type"] == "result"}
    assert verdicts == {"q1": "correct", "q2": "incorrect"}, result.err


def _shop(tmp_path: Path, rows: int = 20) -> Path:
    import duckdb

    db = tmp_path / "shop.duckdb"
    with duckdb.connect(str(db)) as con:
        con.execute(f"CREATE TABLE items AS SELECT i AS id, i * 2 AS price FROM range({rows}) t(i)")
    return db


def _suite_file(tmp_path: Path, db: Path, n: int, gold: str = "SELECT id, price FROM items") -> Path:
    suite = tmp_path / "suite.jsonl"
    suite.write_text(
        "".join(
            json.dumps({"id": f"q{k}", "question": f"Question {k}", "gold_sql": gold, "db": str(db)}) + "\n"
            for k in range(n)
        )
    )
    return suite


def _script(tmp_path: Path, replies: list[dict], name: str = "m.jsonl") -> Path:
    path = tmp_path / name
    path.write_text("".join(json.dumps(r) + "\n" for r in replies))
    return path


def _run_lines(home: Path) -> list[list[dict]]:
    return [[json.loads(line) for line in p.read_text().splitlines()] for p in sorted((home / "runs").glob("*.jsonl"))]


ANSWER = [{"tool_calls": [{"name": "run_sql", "arguments": {"sql": "SELECT id, price FROM items"}}]}, {"text": "Done."}]


def test_a_rejected_key_stops_the_run_and_resume_asks_every_question(
    capsys, tmp_path: Path, analyst_home: Path
) -> None:
    suite = _suite_file(tmp_path, _shop(tmp_path), 4)
    bad = _script(tmp_path, [{"error": {"status": 401, "message": "invalid api key"}}], "bad.jsonl")
    result = run_cli(["eval", str(suite), "--model", f"scripted:{bad}"], capsys)
    assert result.code == 3 and "invalid api key" in result.err and "--resume" in result.err  # one call, not four
    (lines,) = _run_lines(analyst_home)
    assert [r["outcome"] for r in lines if r["type"] == "result"] == ["not_run"] * 4
    run_id = lines[0]["run_id"]
    good = _script(tmp_path, ANSWER * 4)
    again = run_cli(
        ["eval", str(suite), "--model", f"scripted:{bad}", "--resume", run_id], capsys
    )  # same model name needed
    assert again.code == 3
    bad.write_text(good.read_text())
    resumed = run_cli(["eval", str(suite), "--model", f"scripted:{bad}", "--resume", run_id], capsys)
    assert resumed.code == 0 and "accuracy 100.0% (4/4" in resumed.out, resumed.err


def test_a_provider_failure_is_not_a_verdict_and_resume_asks_it_again(
    capsys, tmp_path: Path, analyst_home: Path
) -> None:
    suite = _suite_file(tmp_path, _shop(tmp_path), 2)
    script = _script(tmp_path, ANSWER + [{"error": {"status": 503, "message": "overloaded"}}])
    result = run_cli(["eval", str(suite), "--model", f"scripted:{script}"], capsys)
    assert result.code == 1 and "1 question(s) failed at the model provider" in result.err
    run_id = _run_lines(analyst_home)[0][0]["run_id"]
    script.write_text("".join(json.dumps(r) + "\n" for r in ANSWER))
    resumed = run_cli(["eval", str(suite), "--model", f"scripted:{script}", "--resume", run_id], capsys)
    assert resumed.code == 0 and "1 scored question(s) kept, 1 to run" in resumed.err and "(2/2" in resumed.out


def test_one_database_spelled_two_ways_is_opened_once(capsys, tmp_path: Path, analyst_home: Path, monkeypatch) -> None:
    db = _shop(tmp_path)
    suite = tmp_path / "suite.jsonl"
    suite.write_text(
        "".join(
            json.dumps(
                {"id": f"q{k}", "question": "All items", "gold_sql": "SELECT id, price FROM items", "db": spelled}
            )
            + "\n"
            for k, spelled in enumerate([str(db), str(tmp_path / "." / "shop.duckdb"), "shop.duckdb"])
        )
    )
    monkeypatch.chdir(tmp_path)
    result = run_cli(["eval", str(suite), "--model", f"scripted:{_script(tmp_path, ANSWER * 3)}"], capsys)
    assert result.code == 0 and "(3/3" in result.out, result.err


def test_out_may_not_overwrite_what_the_run_reads(capsys, tmp_path: Path, analyst_home: Path) -> None:
    suite = _suite_file(tmp_path, _shop(tmp_path), 1)
    script = _script(tmp_path, ANSWER)
    for target in (suite, script, tmp_path / "shop.duckdb"):
        before = target.read_bytes()
        result = run_cli(["eval", str(suite), "--model", f"scripted:{script}", "--out", str(target)], capsys)
        assert result.code == 2 and "is a file this run reads" in result.err and target.read_bytes() == before
    assert not (analyst_home / "runs").exists() or not list((analyst_home / "runs").glob("*.jsonl"))


def test_max_rows_raises_the_eval_row_cap(capsys, tmp_path: Path, analyst_home: Path) -> None:
    from sessions.evaluation.scoring import EVAL_MAX_ROWS

    suite = _suite_file(tmp_path, _shop(tmp_path, EVAL_MAX_ROWS + 5), 1)
    capped = run_cli(["eval", str(suite), "--model", f"scripted:{_script(tmp_path, ANSWER)}"], capsys)
    assert "truncated" in json.dumps(_run_lines(analyst_home)[-1]) and capped.code == 0
    raised = run_cli(
        [
            "eval",
            str(suite),
            "--model",
            f"scripted:{_script(tmp_path, ANSWER, 'm2.jsonl')}",
            "--max-rows",
            str(EVAL_MAX_ROWS + 10),
        ],
        capsys,
    )
    assert raised.code == 0 and "(1/1" in raised.out, raised.err


def test_failing_gold_sql_is_named_so_the_suite_gets_fixed(capsys, tmp_path: Path, analyst_home: Path) -> None:
    suite = _suite_file(tmp_path, _shop(tmp_path), 2, gold="SELECT nosuch FROM items")
    result = run_cli(["eval", str(suite), "--model", f"scripted:{_script(tmp_path, ANSWER * 2)}"], capsys)
    assert (
        "the gold SQL of 2 question(s) failed (q0, q1)" in result.err
        or "the gold SQL of 2 question(s) failed (q1, q0)" in result.err
    )
    run_log = next((analyst_home / "runs").glob("*.jsonl"))
    assert f"each error is in {run_log}" in result.err and "nosuch" in run_log.read_text()


@pytest.mark.parametrize("bad_db", ["missing.duckdb", "/nowhere/shop.duckdb", "postgresql://nobody@127.0.0.1:1/x"])
def test_a_suite_line_whose_db_does_not_open_is_named_by_line_and_id(
    bad_db: str, capsys, tmp_path: Path, analyst_home: Path
) -> None:
    good = _shop(tmp_path)
    suite = tmp_path / "suite.jsonl"
    suite.write_text(
        json.dumps({"id": "q0", "question": "Q0", "gold_sql": "SELECT 1", "db": str(good)})
        + "\n"
        + json.dumps({"id": "broken", "question": "Q1", "gold_sql": "SELECT 1", "db": bad_db})
        + "\n"
    )
    result = run_cli(["eval", str(suite), "--model", f"scripted:{_script(tmp_path, ANSWER)}"], capsys)
    assert result.code == 4, result.err
    lines = result.err.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.err, result.err
    assert f"{suite}, line 2 (id broken):" in lines[0]
    assert "--db" not in lines[0]  # the fix is in the suite line, not a flag
    assert not (analyst_home / "runs").exists() or not list((analyst_home / "runs").glob("*.jsonl"))


def test_suite_lines_without_db_warn_once_with_the_count(capsys, tmp_path: Path, analyst_home: Path) -> None:
    suite = tmp_path / "suite.jsonl"
    suite.write_text(
        "".join(
            json.dumps({"id": f"q{k}", "question": f"Q{k}", "gold_sql": "SELECT 1 AS one"}) + "\n" for k in range(3)
        )
    )
    model = _script(
        tmp_path, [{"tool_calls": [{"name": "run_sql", "arguments": {"sql": "SELECT 1 AS one"}}]}, {"text": "One."}] * 3
    )
    result = run_cli(["eval", str(suite), "--model", f"scripted:{model}"], capsys)
    assert result.code == 0, result.err
    warnings = [line for line in result.err.splitlines() if "sample database" in line]
    assert warnings == [
        'analyst: warning: 3 of 3 suite question(s) have no "db" (first: line 1, id q0); they run on the '
        'bundled sample database — add "db" to them or pass --db'
    ], result.err

    with_db = run_cli(["eval", str(suite), "--db", str(_shop(tmp_path)), "--model", f"scripted:{model}"], capsys)
    assert "sample database" not in with_db.err, with_db.err
