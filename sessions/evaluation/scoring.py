"""Score one suite question by execution: run the model's SQL and the gold, compare the results.

Never by string similarity. The prediction is the last query that ran in the turn (fetched up to
a high cap, no summary call); the gold alternatives run read-only on the same database; matching
any alternative is correct. Outcomes say *why* a question failed, so error slices are possible.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from typing import Any

from agents.loop import Outcome
from sessions.evaluation.comparison import compare_results, order_keys
from sessions.evaluation.suite import SuiteItem
from tools.databases.base import Database, Limits, QueryError, QueryResult

OUTCOMES = (
    "correct",
    "incorrect",
    "exec_error",
    "guard_rejected",
    "timeout",
    "no_sql",
    "needs_clarification",
    "model_error",
    "gold_error",
)
NOT_RUN = "not_run"  # the run's --max-cost was spent first: recorded (with any cost), never scored
EVAL_MAX_ROWS = 100_000


@dataclass(frozen=True)
class QuestionResult:
    id: str
    category: str
    db: str
    correct: bool
    outcome: str
    predicted_sql: str | None
    input_tokens: int
    output_tokens: int
    cost_usd: float | None
    latency_ms: float | None  # None only in an older or hand-edited log that lacks it
    set_equal: bool = False
    rounded_equal: bool = False
    reason: str = ""
    error: str | None = None
    session_id: str | None = None
    # recorded so `runs show` can put a wrong answer beside what was asked and expected without
    # the suite file (which may have changed or moved since); absent from older logs
    question: str | None = None
    gold_sql: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def _failure_outcome(outcome: Outcome) -> tuple[str, str | None] | None:
    """The outcome for runs that produced no comparable result, or None if there is one."""
    error = outcome.error or {}
    message = error.get("message")
    if outcome.status == "rejected":
        return "guard_rejected", message
    if outcome.status == "needs_clarification":  # asked rather than guessed: nobody answers in an eval
        return "needs_clarification", f"the model asked: {outcome.clarification}"
    if outcome.status == "failed":
        kind = error.get("kind")
        if kind == "no_result" and not outcome.queries and outcome.proposed_sql:
            return "guard_rejected", message  # proposed, refused, never run (no person rejects in an eval)
        if kind in ("database", "no_result"):
            last = outcome.queries[-1].error if outcome.queries else None
            return ("timeout" if last is not None and last.kind == "timeout" else "exec_error"), message
        if kind == "cost_cap":  # stopped by the run's budget: scored if its SQL already ran
            return None if outcome.result is not None else (NOT_RUN, message)
        if kind in ("provider", "token_cap", "script"):
            return "model_error", message
        return ("exec_error" if outcome.queries else "no_sql"), message
    if outcome.status in ("aborted", "interrupted"):
        return "model_error", message or outcome.status
    if outcome.result is None:
        return "no_sql", None
    return None


def not_run(item: SuiteItem, reason: str) -> QuestionResult:
    """A question the run's budget did not reach: no session, no tokens, no score."""
    return QuestionResult(
        id=item.id,
        category=item.category,
        db=item.db_label,
        correct=False,
        outcome=NOT_RUN,
        predicted_sql=None,
        input_tokens=0,
        output_tokens=0,
        cost_usd=0.0,
        latency_ms=0.0,
        error=reason,
        question=item.question,
        gold_sql=tuple(item.gold),
    )


def _run_gold(database: Database, gold: str, limits: Limits) -> QueryResult | QueryError:
    return database.execute(gold, limits)  # the run's limits: the eval row cap, exact clipped cells


def score(
    item: SuiteItem, outcome: Outcome, database: Database, limits: Limits, *, latency_ms: float, session_id: str | None
) -> QuestionResult:
    """Classify and, where there is a result, compare it with each gold alternative."""
    base = {
        "id": item.id,
        "category": item.category,
        "db": item.db_label,
        "predicted_sql": outcome.sql or outcome.proposed_sql,
        "input_tokens": outcome.usage.input_tokens,
        "output_tokens": outcome.usage.output_tokens,
        "cost_usd": outcome.cost_usd,
        "latency_ms": round(latency_ms, 1),
        "session_id": session_id,
        "question": item.question,
        "gold_sql": tuple(item.gold),
    }
    failure = _failure_outcome(outcome)
    if item.kind == "refusal":  # declined in words, having run nothing (tried SQL may have failed)
        if outcome.status == "needs_clarification" and outcome.result is None:  # asking is not inventing
            return QuestionResult(
                correct=True,
                outcome="correct",
                reason="declined: asked for clarification",
                error=failure[1] if failure else None,
                **base,
            )
        no_result = (outcome.error or {}).get("kind") == "no_result"
        in_words = failure is not None and ((failure[0] == "no_sql" and outcome.status == "answered") or no_result)
        if in_words and declines(outcome.answer):
            return QuestionResult(correct=True, outcome="correct", reason="declined", **base)
        if in_words:  # "There are 42." with no query: an invented answer, not a refusal
            return QuestionResult(
                correct=False, outcome="incorrect", reason="answered without a query instead of declining", **base
            )
    if failure is not None:
        return QuestionResult(correct=False, outcome=failure[0], error=failure[1], **base)
    predicted = outcome.result
    assert predicted is not None
    gold_errors: list[str] = []
    best = None
    for gold in item.gold:
        result = _run_gold(database, gold, limits)
        if isinstance(result, QueryError):
            gold_errors.append(result.message.splitlines()[0])
            continue
        keys, has_limit = order_keys(gold, database.dialect, result.columns)
        comparison = compare_results(
            result,
            predicted,
            gold_ordered=bool(keys) or _has_order(gold, database.dialect),
            gold_sort_keys=keys,
            limit_ties=has_limit,
        )
        if comparison.correct:
            return QuestionResult(
                correct=True, outcome="correct", set_equal=True, rounded_equal=True, reason=comparison.reason, **base
            )
        if best is None or (comparison.set_equal, comparison.rounded_equal) > (best.set_equal, best.rounded_equal):
            best = comparison
    if best is None:
        return QuestionResult(correct=False, outcome="gold_error", error="; ".join(gold_errors), **base)
    return QuestionResult(
        correct=False,
        outcome="incorrect",
        set_equal=best.set_equal,
        rounded_equal=best.rounded_equal,
        reason=best.reason,
        **base,
    )


_DECLINE = re.compile(
    r"\b(?:can ?not|can'?t|cannot|(?:could|would)(?: not|n'?t)|unable|impossible|unanswerable|no such|not (?:possible|available|able|enough|present|"
    r"stored|recorded|tracked|included|contained|covered|in the (?:data|database|schema|tables?))|no (?:data|information|"
    r"column|table|field|record|way|means)|(?:does|do|did)(?: not|n'?t) (?:have|contain|include|exist|store|record|track|hold)|"
    r"(?:is|are)(?: not|n'?t) (?:available|possible|in|part of|stored|recorded|tracked)|insufficient|lacks?|missing|"
    r"outside (?:the|of)|beyond the (?:data|scope)|not (?:answerable|something))\b",
    re.IGNORECASE,
)


def declines(answer: str | None) -> bool:
    """Does the model's reply say the data cannot answer the question?  A refusal suite scores
    a reply in words as declined only when it reads as one: "There are 42." with no query is an
    invented answer.  Deliberately generous (any of the usual phrasings), since the failure it
    guards against is a number or name stated as fact."""
    return bool(answer) and _DECLINE.search(answer) is not None


def _has_order(sql: str, dialect: str) -> bool:
    from tools.fingerprint import has_top_level_order

    return has_top_level_order(sql, dialect)
