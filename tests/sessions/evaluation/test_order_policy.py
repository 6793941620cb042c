"""Order counts when the question asks for it (rule 5): the suite's annotation, else its words;
the strict gold-order verdict is a tier beside the others, through scoring, run logs and reports."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.fakes import FakeOpenAI
from tests.helpers import run_cli

ASKS = [
    "What is the total number of publications in each journal, ordered by the number of publications?",
    "List the restaurants sorted by rating.",
    "Which lakes have the largest areas, from largest to smallest?",
    "Return the names in descending order of salary.",
    "What are the top 5 cities with the highest population?",
    "Show the first 3 flights by departure time.",
    "List the businesses with the highest average rating first.",
    "Return the number of active users per month, starting from the earliest date.",
    "Rank them by revenue.",
    "List the customers in alphabetical order.",
]
DOES_NOT_ASK = [
    "What is the total number of citations received by each author?",
    "How many students were predicted to graduate in the last 10 years?",
    "Which author had the most publications in 2021?",
    "Return the customer name, total amount, and CR (customer rank) for all customers",
    "Which users did not get a notification within the first year of signing up?",
    "How many orders were placed in the last 3 calendar months?",
]


@pytest.mark.parametrize("question", ASKS)
def test_words_that_ask_for_an_order(question: str) -> None:
    from sessions.evaluation.order_policy import asks_for_order

    assert asks_for_order(question)


@pytest.mark.parametrize("question", DOES_NOT_ASK)
def test_words_that_do_not(question: str) -> None:
    from sessions.evaluation.order_policy import asks_for_order

    assert not asks_for_order(question)


def test_the_suite_annotation_wins_over_the_words(tmp_path: Path) -> None:
    from sessions.evaluation.order_policy import order_asked
    from sessions.evaluation.suite import SuiteError, load_suite

    suite = tmp_path / "s.jsonl"
    rows = [
        {"id": "a", "question": "Authors sorted by name", "gold_sql": "SELECT 1", "order_sensitive": False},
        {"id": "b", "question": "Citations of each author", "gold_sql": "SELECT 1", "order_sensitive": True},
        {"id": "c", "question": "Authors sorted by name", "gold_sql": "SELECT 1"},
        {"id": "d", "question": "Citations of each author", "gold_sql": "SELECT 1"},
    ]
    suite.write_text("".join(json.dumps(r) + "\n" for r in rows))
    items = load_suite(suite).items
    assert [order_asked(i) for i in items] == [False, True, True, False]
    assert [i.order_sensitive for i in items] == [False, True, None, None]
    csv = tmp_path / "s.csv"
    csv.write_text("id,question,gold_sql,order_sensitive\nx,q one,SELECT 1,true\ny,q two,SELECT 1,\n")
    assert [i.order_sensitive for i in load_suite(csv).items] == [True, None]
    csv.write_text("id,question,gold_sql,order_sensitive\nx,q,SELECT 1,sometimes\n")
    with pytest.raises(SuiteError, match="order_sensitive"):
        load_suite(csv)


def test_defog_flag_is_trusted_only_when_true() -> None:
    from sessions.evaluation.defog import _order_sensitive

    assert _order_sensitive({"order_sensitive_sql_eval": True}) is True
    assert _order_sensitive({"order_sensitive_sql_eval": False}) is None  # defog's word match missed "ordered"


@pytest.fixture
def authors(tmp_path: Path) -> Path:
    import duckdb

    path = tmp_path / "authors.duckdb"
    con = duckdb.connect(str(path))
    con.execute("CREATE TABLE cites AS SELECT * FROM (VALUES ('ann', 7), ('bob', 5), ('cy', 5), ('dee', 2)) t(name, n)")
    con.close()
    return path


@pytest.fixture
def db(authors: Path):
    from tools.databases.duckdb import open_duckdb

    return open_duckdb(authors, authors.parent)


def _score(db, question: str, gold: str, pred: str, flag: bool | None = None):
    from sessions.evaluation.scoring import EVAL_MAX_ROWS, score_result
    from sessions.evaluation.suite import SuiteItem
    from tools.databases.base import Limits

    limits = Limits(max_rows=EVAL_MAX_ROWS, cell_digest=True)
    item = SuiteItem(id="q", question=question, gold=(gold,), db=None, order_sensitive=flag)
    return score_result(item, db.execute(pred, limits), db, limits)


def test_order_not_asked_is_correct_in_any_order_and_the_tier_says_so(db) -> None:
    gold = "SELECT name, n FROM cites ORDER BY n DESC"
    reversed_ = "SELECT name, n FROM cites ORDER BY n"
    got = _score(db, "Citations of each author?", gold, reversed_)
    assert got.correct and not got.gold_order_equal
    asked = _score(db, "Citations of each author, from highest to lowest?", gold, reversed_)
    assert not asked.correct and "order" in asked.reason and asked.set_equal
    assert not _score(db, "Citations of each author?", gold, reversed_, flag=True).correct
    same = _score(db, "Citations of each author?", gold, gold)
    assert same.correct and same.gold_order_equal


def test_ties_at_the_cut_seen_by_running_the_gold_past_its_limit(db) -> None:
    gold = "SELECT name, n FROM cites ORDER BY n DESC LIMIT 2"  # bob and cy tie at 5
    other = _score(db, "Top 2 authors by citations", gold, "SELECT name, n FROM cites WHERE name IN ('ann', 'cy')")
    swap = _score(db, "Top 2 authors by citations", gold, "SELECT name, n FROM cites WHERE name IN ('ann', 'bob')")
    assert other.correct and swap.correct
    fake = _score(db, "Top 2 authors by citations", gold, "SELECT 'ann' AS name, 7 AS n UNION ALL SELECT 'dee', 5")
    assert not fake.correct
    top3 = "SELECT name, n FROM cites ORDER BY n DESC LIMIT 3"  # the cut falls after the tie: nothing to relax
    wrong = "SELECT * FROM (VALUES ('ann', 7), ('bob', 5), ('dee', 5)) t(name, n)"
    assert not _score(db, "Top 3 authors by citations", top3, wrong).correct


def test_each_gold_is_parsed_once() -> None:
    from importlib import import_module

    from sessions.evaluation.comparison import gold_shape

    shapes = import_module("sessions.evaluation.comparison.order_keys")
    sql = "SELECT name, COUNT(*) AS n FROM t GROUP BY name ORDER BY n DESC LIMIT 5 -- parse-once test"
    before = shapes._parsed.cache_info().misses
    first = gold_shape(sql, "duckdb", ["name", "n"])
    for _ in range(5):
        assert gold_shape(sql, "duckdb", ["name", "n"]) == first
    assert gold_shape(sql, "duckdb", ["who", "n"]).keys == (1,)  # other output names: resolved again, not parsed
    assert shapes._parsed.cache_info().misses == before + 1
    assert first.keys == (1,) and first.has_limit and first.past_limit_sql and "LIMIT" not in first.past_limit_sql


def test_eval_reports_the_gold_order_tier(
    authors: Path, tmp_path: Path, monkeypatch, capsys, analyst_home: Path
) -> None:
    rows = [
        (
            "each",
            "Citations of each author?",
            "SELECT name, n FROM cites ORDER BY n DESC",
            "SELECT name, n FROM cites ORDER BY n",
        ),
        (
            "same",
            "Citations of each author, sorted?",
            "SELECT name, n FROM cites ORDER BY n DESC",
            "SELECT name, n FROM cites ORDER BY n DESC",
        ),
    ]
    suite = tmp_path / "order.jsonl"
    suite.write_text(
        "".join(json.dumps({"id": i, "question": q, "gold_sql": g, "db": str(authors)}) + "\n" for i, q, g, _ in rows)
    )
    answers = {q: p for _, q, _, p in rows}

    def reply(body: dict) -> dict:
        messages = body["messages"]
        if messages[-1]["role"] == "tool":
            return {"text": "Done.", "usage": {"input_tokens": 10, "output_tokens": 3}}
        sql = next(p for q, p in answers.items() if f"Question: {q}\n" in messages[1]["content"])
        return {
            "tool_calls": [{"name": "run_sql", "arguments": {"sql": sql}}],
            "usage": {"input_tokens": 10, "output_tokens": 3},
        }

    monkeypatch.setenv("OPENAI_API_KEY", "sk-test-eval-00000000")
    with FakeOpenAI() as fake:
        monkeypatch.setenv("OPENAI_BASE_URL", fake.base_url)
        fake.responder = reply
        result = run_cli(["eval", str(suite), "--model", "openai:gpt-4.1-mini", "--name", "tiers"], capsys)
    assert result.code == 0, result.err
    assert "accuracy 100.0% (2/2" in result.out and "strict: gold order 50.0%" in result.out
    run_id = run_cli(["runs", "list"], capsys).out.split()[0]
    shown = json.loads(run_cli(["runs", "show", run_id, "--format", "json"], capsys).out)
    assert shown["summary"]["gold_order_accuracy"] == 0.5
    by_id = {q["id"]: q for q in shown["questions"]}
    assert by_id["each"]["gold_order_equal"] is False and by_id["same"]["gold_order_equal"] is True
    compared = run_cli(["runs", "compare", run_id, run_id], capsys)
    assert "gold order 50.0%/50.0%" in compared.out
    as_json = json.loads(run_cli(["runs", "compare", run_id, run_id, "--format", "json"], capsys).out)
    assert as_json["a"]["tiers"]["gold_order_accuracy"] == 0.5


def test_older_run_logs_count_correct_as_in_gold_order() -> None:
    from sessions.evaluation.runs import results_as_objects

    old = {"id": "q1", "correct": True, "outcome": "correct"}
    new = {"id": "q2", "correct": True, "outcome": "correct", "gold_order_equal": False}
    a, b = results_as_objects([old, new])
    assert a.gold_order_equal and not b.gold_order_equal
