"""`--max-cost` holds: for one question (the summary call included) and across a concurrent batch
or eval run, through the real openai SDK and a fake server that counts what was really spent."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import pytest

from agents.budget import Budget, BudgetExhausted, usd
from tests.fakes import FakeOpenAI
from tests.helpers import run_cli

PRICE = 1000.0  # USD per million tokens, in and out: a think call (100 + 10 tokens) costs $0.11
THINK = (100, 10)
SMALL = (10, 5)
TABLES = [
    "customers",
    "orders",
    "order_items",
    "products",
    "categories",
    "suppliers",
    "stores",
    "salespeople",
    "regions",
    "returns",
]


def cost(usage: tuple[int, int]) -> float:
    return (usage[0] + usage[1]) * PRICE / 1e6


class Spending:
    """A responder that answers by content and adds up what each reply costs at PRICE."""

    def __init__(self, delay_ms: int = 0, status: int | None = None) -> None:
        self.delay_ms = delay_ms
        self.status = status
        self.spent = 0.0
        self.calls = 0
        self.largest = 0.0
        self._lock = threading.Lock()

    def _charge(self, usage: tuple[int, int]) -> dict:
        with self._lock:
            self.spent += cost(usage)
            self.calls += 1
            self.largest = max(self.largest, cost(usage))
        return {"input_tokens": usage[0], "output_tokens": usage[1]}

    def __call__(self, body: dict) -> dict:
        if self.status is not None:
            with self._lock:
                self.calls += 1
            return {"error": {"status": self.status, "message": "Incorrect API key provided"}}
        messages = body["messages"]
        if "<data>" in messages[-1].get("content", "") or "explain query results" in messages[0]["content"]:
            return {"text": "Summary of the count.", "usage": self._charge(SMALL), "delay_ms": self.delay_ms}
        if messages[-1]["role"] == "tool":
            return {"text": "Counted.", "usage": self._charge(SMALL), "delay_ms": self.delay_ms}
        table = messages[1]["content"].splitlines()[0].split()[-1].rstrip("?")
        return {
            "tool_calls": [{"name": "run_sql", "arguments": {"sql": f"SELECT count(*) AS n FROM {table}"}}],
            "usage": self._charge(THINK),
            "delay_ms": self.delay_ms,
        }


@pytest.fixture
def priced(monkeypatch, analyst_home: Path):
    analyst_home.mkdir(parents=True, exist_ok=True)
    (analyst_home / "config.toml").write_text(f'[prices]\n"openai:gpt-4.1-mini" = [{PRICE}, {PRICE}]\n')
    with FakeOpenAI() as server:
        monkeypatch.setenv("OPENAI_API_KEY", "sk-test-spend-000000")
        monkeypatch.setenv("OPENAI_BASE_URL", server.base_url)
        yield server


def write_questions(path: Path, n: int) -> None:
    path.write_text(
        "".join(
            json.dumps({"id": f"q{i}", "question": f"How many rows in {TABLES[i % len(TABLES)]}"}) + "\n"
            for i in range(n)
        )
    )


# -- the budget itself -------------------------------------------------------------------------


def test_budget_holds_across_threads_to_one_call_beyond_the_cap() -> None:
    budget = Budget(1.0)
    spent: list[float] = []
    lock = threading.Lock()

    def worker(price: float) -> None:
        while True:
            try:
                budget.begin()
            except BudgetExhausted:
                return
            with lock:
                spent.append(price)
            budget.end(price, "m")

    threads = [threading.Thread(target=worker, args=(0.07 + 0.01 * i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    assert not any(t.is_alive() for t in threads)
    assert 1.0 <= sum(spent) < 1.0 + max(spent)  # reached, and at most one call beyond
    assert budget.exhausted and "run cost cap reached" in budget.why_exhausted()


def test_budget_refuses_once_a_price_is_unknown_and_never_without_a_cap() -> None:
    capped = Budget(5.0)
    capped.begin()
    capped.end(None, "local:mystery")
    with pytest.raises(BudgetExhausted, match="local:mystery has no known price"):
        capped.begin()
    uncapped = Budget(None)
    for _ in range(3):
        uncapped.begin()
        uncapped.end(10.0, "m")
    assert uncapped.spent == 30.0 and not uncapped.exhausted


@pytest.mark.parametrize(
    "amount,text", [(0.0, "$0.0000"), (0.0123, "$0.0123"), (0.000042, "$0.000042"), (3e-8, "$3e-08")]
)
def test_small_amounts_are_not_shown_as_zero(amount: float, text: str) -> None:
    assert usd(amount) == text


# -- one question ------------------------------------------------------------------------------


def test_the_summary_call_is_capped_and_the_answer_still_arrives(priced, capsys) -> None:
    spending = Spending()
    priced.responder = spending
    cap = cost(THINK) + cost(SMALL) / 2  # the second think call passes the check, then the cap is spent
    result = run_cli(
        ["ask", "How many rows in customers", "--approve", "auto", "--max-cost", str(cap), "--format", "json"], capsys
    )
    assert result.code == 0, result.err
    answer = result.json()
    assert answer["status"] == "answered" and answer["row_count"] == 1
    assert "No summary: cost cap reached" in answer["answer"]
    assert spending.calls == 2  # think, think after the result - no summary request was sent
    assert spending.spent < cap + spending.largest


def test_an_unpriced_model_with_a_cap_is_refused_before_any_call(priced, capsys, analyst_home: Path) -> None:
    (analyst_home / "config.toml").write_text("")
    spending = Spending()
    priced.responder = spending
    result = run_cli(
        [
            "ask",
            "How many rows in customers",
            "--approve",
            "auto",
            "--model",
            "openai:some-new-model",
            "--max-cost",
            "1",
        ],
        capsys,
    )
    assert result.code == 2 and spending.calls == 0
    assert "openai:some-new-model has no known price" in result.err and "[prices]" in result.err


# -- batch ---------------------------------------------------------------------------------------


def test_concurrent_batch_stops_within_one_call_of_the_cap(priced, capsys, tmp_path: Path) -> None:
    spending = Spending(delay_ms=50)
    priced.responder = spending
    questions, out = tmp_path / "q.jsonl", tmp_path / "out.jsonl"
    write_questions(questions, 10)
    cap = 3 * (cost(THINK) + 2 * cost(SMALL)) - 0.01  # a little under three whole questions
    result = run_cli(
        ["batch", str(questions), "--approve", "auto", "--out", str(out), "--concurrency", "4", "--max-cost", str(cap)],
        capsys,
    )
    assert result.code == 1, result.err
    assert cap <= spending.spent < cap + spending.largest
    records = [json.loads(line) for line in out.read_text().splitlines()]
    assert 0 < len(records) < 10 and all(r["status"] == "answered" for r in records)
    assert f"{10 - len(records)} question(s) stopped by --max-cost (run cost cap reached" in result.err
    assert "--resume" in result.err and "$0.0000 of" not in result.err
    # raise the cap and resume: the stopped questions run, the answered ones do not run again
    before = spending.calls
    resumed = run_cli(
        ["batch", str(questions), "--approve", "auto", "--out", str(out), "--resume", "--max-cost", "100"], capsys
    )
    assert resumed.code == 0, resumed.err
    final = [json.loads(line) for line in out.read_text().splitlines()]
    assert sorted(r["id"] for r in final) == [f"q{i}" for i in range(10)] and all(
        r["status"] == "answered" for r in final
    )
    assert spending.calls - before == 3 * (10 - len(records))


def test_a_rejected_key_stops_the_batch_at_the_first_answer(priced, capsys, tmp_path: Path) -> None:
    spending = Spending(status=401)
    priced.responder = spending
    questions, out = tmp_path / "q.jsonl", tmp_path / "out.jsonl"
    write_questions(questions, 30)
    result = run_cli(["batch", str(questions), "--approve", "auto", "--out", str(out), "--concurrency", "2"], capsys)
    assert result.code == 3
    assert "rejected the API key (401)" in result.err and "--resume" in result.err
    assert spending.calls <= 2 * 3  # at most the questions already in flight (each with its SDK retries)
    assert not out.exists() or out.read_text() == ""


@pytest.mark.parametrize(
    "make_out,expected",
    [
        (lambda tmp: tmp / "missing" / "out.jsonl", "does not exist"),
        (lambda tmp: tmp, "is a directory"),
    ],
)
def test_batch_out_that_cannot_be_written_is_one_line_before_any_call(
    make_out, expected: str, priced, capsys, tmp_path: Path
) -> None:
    spending = Spending()
    priced.responder = spending
    questions = tmp_path / "q.jsonl"
    write_questions(questions, 2)
    result = run_cli(["batch", str(questions), "--approve", "auto", "--out", str(make_out(tmp_path))], capsys)
    assert result.code == 2 and spending.calls == 0
    assert expected in result.err and len(result.err.strip().splitlines()) == 1


# -- eval -------------------------------------------------------------------------------------------


def write_suite(path: Path, n: int) -> None:
    rows = [
        {
            "id": f"e{i}",
            "question": f"How many rows in {TABLES[i % len(TABLES)]}",
            "gold_sql": f"SELECT count(*) FROM {TABLES[i % len(TABLES)]}",
            "category": "count",
        }
        for i in range(n)
    ]
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))


def test_eval_under_a_cap_scores_what_ran_and_records_the_rest_as_not_run(
    priced, capsys, tmp_path: Path, analyst_home: Path
) -> None:
    spending = Spending(delay_ms=30)
    priced.responder = spending
    suite = tmp_path / "suite.jsonl"
    write_suite(suite, 8)
    cap = 3 * (cost(THINK) + cost(SMALL)) - 0.01
    result = run_cli(
        ["eval", str(suite), "--model", "openai:gpt-4.1-mini", "--concurrency", "3", "--max-cost", str(cap)], capsys
    )
    assert result.code == 1, result.err
    assert cap <= spending.spent < cap + spending.largest
    run_file = next((analyst_home / "runs").glob("*.jsonl"))
    assert run_file.stat().st_mode & 0o777 == 0o600 and (analyst_home / "runs").stat().st_mode & 0o777 == 0o700
    lines = [json.loads(line) for line in run_file.read_text().splitlines()]
    results = [r for r in lines if r["type"] == "result"]
    summary = lines[-1]
    not_run = [r for r in results if r["outcome"] == "not_run"]
    scored = [r for r in results if r["outcome"] != "not_run"]
    assert len(results) == 8 and not_run and scored
    assert "model_error" not in summary["outcomes"]
    assert summary["n"] == len(scored) and summary["not_run"] == len(not_run)
    assert summary["correct"] == sum(r["correct"] for r in scored)
    assert summary["cost_usd"] == pytest.approx(spending.spent)
    assert "run cost cap reached" in summary["stopped"]
    assert f"{len(not_run)} question(s) not run" in result.out
    listed = run_cli(["runs", "list"], capsys)
    assert f"of {len(scored):<4}" in listed.out and f"({len(not_run)} not run; see runs show)" in listed.out


def test_eval_scores_a_question_whose_sql_ran_before_the_cap_stopped_it(
    priced, capsys, tmp_path: Path, analyst_home: Path
) -> None:
    spending = Spending()
    priced.responder = spending
    suite = tmp_path / "suite.jsonl"
    write_suite(suite, 3)
    cap = cost(THINK) + cost(SMALL) + cost(THINK) / 2  # q2's first call passes, its second does not
    result = run_cli(["eval", str(suite), "--model", "openai:gpt-4.1-mini", "--max-cost", str(cap)], capsys)
    assert result.code == 1
    lines = [json.loads(line) for line in next((analyst_home / "runs").glob("*.jsonl")).read_text().splitlines()]
    outcomes = {r["id"]: r["outcome"] for r in lines if r["type"] == "result"}
    assert outcomes == {"e0": "correct", "e1": "correct", "e2": "not_run"}  # e1's query ran: it is scored


def test_eval_keeps_going_when_out_fails_mid_run(priced, capsys, tmp_path: Path, analyst_home: Path) -> None:
    spending = Spending()
    priced.responder = spending
    suite = tmp_path / "suite.jsonl"
    write_suite(suite, 4)
    result = run_cli(["eval", str(suite), "--model", "openai:gpt-4.1-mini", "--out", "/dev/full"], capsys)
    assert result.code == 2 and "writing --out /dev/full failed" in result.err and "the run goes on" in result.err
    lines = [json.loads(line) for line in next((analyst_home / "runs").glob("*.jsonl")).read_text().splitlines()]
    assert sum(r["type"] == "result" for r in lines) == 4 and lines[-1]["n"] == 4  # nothing paid for is lost


def test_an_interrupted_session_stops_waiting_for_budget_room() -> None:
    import time

    budget = Budget(10.0)
    budget.begin()  # a call in flight, none finished: a second call must wait
    stop = threading.Event()
    got: list[bool] = []
    waiter = threading.Thread(target=lambda: got.append(budget.begin(stop.is_set)))
    waiter.start()
    time.sleep(0.3)
    assert waiter.is_alive()
    stop.set()
    waiter.join(2)
    assert got == [False] and not waiter.is_alive()
    budget.end(1.0, "m")
    assert budget.begin() is True  # nothing was left reserved by the one that gave up


def test_eval_resume_keeps_the_scored_questions_and_runs_the_rest(
    priced, capsys, tmp_path: Path, analyst_home: Path
) -> None:
    spending = Spending()
    priced.responder = spending
    suite = tmp_path / "suite.jsonl"
    write_suite(suite, 6)
    cap = 2 * (cost(THINK) + cost(SMALL)) - 0.01
    first = run_cli(
        ["eval", str(suite), "--model", "openai:gpt-4.1-mini", "--max-cost", str(cap), "--name", "capped"], capsys
    )
    assert first.code == 1
    capped_run = next((analyst_home / "runs").glob("*.jsonl"))
    scored_before = [json.loads(line) for line in capped_run.read_text().splitlines()]
    kept = [r["id"] for r in scored_before if r["type"] == "result" and r["outcome"] != "not_run"]
    assert 0 < len(kept) < 6
    calls = spending.calls
    wrong_model = run_cli(["eval", str(suite), "--model", "openai:gpt-4o", "--resume", capped_run.stem], capsys)
    assert wrong_model.code == 2 and "used openai:gpt-4.1-mini" in wrong_model.err
    resumed = run_cli(
        ["eval", str(suite), "--model", "openai:gpt-4.1-mini", "--resume", capped_run.stem, "--name", "whole"], capsys
    )
    assert resumed.code == 0, resumed.err
    assert spending.calls - calls == 2 * (6 - len(kept))  # only the questions not scored before were asked
    new_run = next(p for p in (analyst_home / "runs").glob("*.jsonl") if p != capped_run)
    lines = [json.loads(line) for line in new_run.read_text().splitlines()]
    assert lines[0]["resumed_from"] == capped_run.stem and lines[0]["carried"] == len(kept)
    results = [r for r in lines if r["type"] == "result"]
    assert sorted(r["id"] for r in results) == [f"e{i}" for i in range(6)] and all(
        r["outcome"] == "correct" for r in results
    )
    assert lines[-1]["n"] == 6 and lines[-1]["not_run"] == 0 and "accuracy 100.0% (6/6" in resumed.out


def test_eval_that_cannot_start_records_no_run(priced, capsys, tmp_path: Path, analyst_home: Path) -> None:
    spending = Spending()
    priced.responder = spending
    suite = tmp_path / "suite.jsonl"
    write_suite(suite, 2)
    lines = suite.read_text().splitlines()
    suite.write_text(
        lines[0] + "\n" + json.dumps({**json.loads(lines[1]), "db": str(tmp_path / "nowhere.duckdb")}) + "\n"
    )
    failed = run_cli(["eval", str(suite), "--model", "openai:gpt-4.1-mini"], capsys)
    assert failed.code == 4 and "nowhere.duckdb" in failed.err
    write_suite(suite, 2)
    unwritable = run_cli(
        ["eval", str(suite), "--model", "openai:gpt-4.1-mini", "--out", str(tmp_path / "no" / "r.jsonl")], capsys
    )
    assert unwritable.code == 2 and "does not exist" in unwritable.err
    assert spending.calls == 0
    assert not list((analyst_home / "runs").glob("*.jsonl"))


# -- the chat -----------------------------------------------------------------------------------


def test_the_chat_without_a_terminal_refuses_instead_of_hanging(capsys, tmp_path: Path) -> None:
    model = tmp_path / "m.jsonl"
    model.write_text('{"text": "hello"}\n')
    result = run_cli(["chat", "--model", f"scripted:{model}"], capsys)
    assert result.code == 2 and "needs a terminal" in result.err and "analyst ask" in result.err
