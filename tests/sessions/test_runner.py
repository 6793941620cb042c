"""The shared runner of `batch` and `eval` (sessions/runner.py), driven directly with a scripted model."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from agents.budget import Budget
from agents.drive import auto_approve
from agents.models.scripted import ScriptedModel
from agents.settings import Settings
from sessions.runner import NotRun, Question, Ran, Runner, SharedDatabases
from sessions.session import ResolvedModel, Session
from sessions.store import list_sessions
from tools.databases.duckdb import open_duckdb

ANSWER: list[dict[str, Any]] = [
    {"tool_calls": [{"name": "run_sql", "arguments": {"sql": "SELECT count(*) AS n FROM customers"}}]},
    {"text": "Counted."},
]


class Plan:
    """Keeps every result and how each question ended."""

    collects_after_stop = True

    def __init__(self) -> None:
        self.results: list[tuple[str, str]] = []

    def question(self, item: str) -> Question:
        return Question(item, None)

    def ran(self, item: str, ran: Ran) -> tuple[str, str]:
        return item, ran.outcome.status

    def not_run(self, item: str, why: NotRun) -> tuple[str, str]:
        return item, f"not run ({why.why.value})"

    def failed(self, item: str, exc: Exception) -> tuple[str, str]:
        raise exc

    def finished(self, item: str, result: tuple[str, str], began: float | None) -> None:
        self.results.append(result)


def _runner(tmp_path: Path, sample_db: Path, entries: list[dict[str, Any]]) -> tuple[Runner, Plan, Path]:
    model = ScriptedModel(entries, source="test")
    sessions_dir = tmp_path / "sessions"
    settings = Settings()
    plan = Plan()

    def open_session(database: Any, observer: Any) -> Session:
        return Session(sessions_dir, database, ResolvedModel(model, None), settings, observer=observer)

    databases = SharedDatabases(lambda spec, origin: open_duckdb(sample_db, tmp_path / "cache"))
    runner: Runner = Runner(plan, databases, open_session, None, auto_approve, 1)
    return runner, plan, sessions_dir


def test_a_stop_that_comes_just_before_the_question_is_asked_holds(tmp_path: Path, sample_db: Path) -> None:
    """The stop lands after the session opened and before `ask()`, which clears the loop's interrupt
    flag for a fresh turn: the question must still end `interrupted`, asking the model nothing."""
    runner, plan, sessions_dir = _runner(tmp_path, sample_db, ANSWER)

    def open_then_stop(database: Any, observer: Any) -> Session:
        session = Session(sessions_dir, database, ResolvedModel(model, None), Settings(), observer=observer)
        runner.stopping.stop("stopped: test")
        session.loop.interrupt()  # as a stop that reached the loop before it was asked
        return session

    model = ScriptedModel(ANSWER, source="test")
    runner.open_session = open_then_stop
    end = runner.run(["How many customers"])
    runner.close()
    assert plan.results == [("How many customers", "interrupted")]
    assert model.remaining == len(ANSWER)  # the model was never called
    (record,) = list_sessions(sessions_dir)
    assert [t.status for t in record.turns] == ["interrupted"]
    assert end.stop_reason == "stopped: test" and not end.interrupted and end.fatal is None


def test_a_rejected_key_stops_the_run_and_the_rest_never_start(tmp_path: Path, sample_db: Path) -> None:
    rejected: dict[str, Any] = {"error": {"status": 401, "message": "invalid api key"}}
    runner, plan, _ = _runner(tmp_path, sample_db, [rejected, *ANSWER, *ANSWER])
    end = runner.run(["q1", "q2", "q3"])
    runner.close()
    assert end.fatal is not None and "invalid api key" in end.fatal and end.stop_reason == f"stopped: {end.fatal}"
    assert sorted(plan.results) == [("q1", "failed"), ("q2", "not run (stopped)"), ("q3", "not run (stopped)")]


def test_a_spent_budget_starts_nothing_more(tmp_path: Path, sample_db: Path) -> None:
    runner, plan, sessions_dir = _runner(tmp_path, sample_db, ANSWER)
    budget = Budget(1.0)
    budget.begin()
    budget.end(1.0, "scripted:test")  # spent before the run
    runner.budget = budget
    end = runner.run(["q1", "q2"])
    runner.close()
    assert plan.results == [("q1", "not run (cost_cap)"), ("q2", "not run (cost_cap)")]
    assert not list_sessions(sessions_dir) and end.stop_reason is None
