"""Score one suite question by execution: run the model's SQL and the gold, compare the results.

Never by string similarity. The prediction is the last query that ran in the turn (fetched up to
a high cap, no summary call); the gold alternatives run read-only on the same database; matching
any alternative is correct. Outcomes say *why* a question failed, so error slices are possible.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, replace
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from agents.outcome import ErrorKind, Status
from sessions.evaluation.comparison import Comparison, compare_results, gold_shape
from sessions.evaluation.order_policy import order_asked
from sessions.evaluation.suite import SuiteItem
from tools.databases.base import Database, Limits, QueryError, QueryResult

if TYPE_CHECKING:
    from agents.outcome import Outcome


class EvalOutcome(StrEnum):
    """How a question scored; the value is what run logs and `--format json` carry."""

    CORRECT = "correct"
    INCORRECT = "incorrect"
    EXEC_ERROR = "exec_error"
    GUARD_REJECTED = "guard_rejected"
    TIMEOUT = "timeout"
    NO_SQL = "no_sql"
    NEEDS_CLARIFICATION = "needs_clarification"
    MODEL_ERROR = "model_error"
    GOLD_ERROR = "gold_error"
    NOT_RUN = "not_run"  # the run's --max-cost was spent first: recorded (with any cost), never scored


NOT_RUN = EvalOutcome.NOT_RUN
OUTCOMES = tuple(o for o in EvalOutcome if o is not NOT_RUN)  # the scored ones, in the order reports list them
EVAL_MAX_ROWS = 100_000


@dataclass(frozen=True)
class QuestionResult:
    id: str
    category: str
    db: str
    correct: bool
    # an EvalOutcome when scored here; a run log read back may hold any text (a hand-edited or newer log)
    outcome: str
    predicted_sql: str | None
    input_tokens: int
    output_tokens: int
    cost_usd: float | None
    latency_ms: float | None  # None only in an older or hand-edited log that lacks it
    set_equal: bool = False
    rounded_equal: bool = False
    reason: str = ""
    # correct with the gold's row order counted even where the question did not ask for one
    gold_order_equal: bool = False
    error: str | None = None
    session_id: str | None = None
    # recorded so `runs show` can put a wrong answer beside what was asked and expected without
    # the suite file (which may have changed or moved since); absent from older logs
    question: str | None = None
    gold_sql: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class _Failure:
    """A turn that produced no comparable result: its outcome and the error to record."""

    outcome: EvalOutcome
    error: str | None


def _failure_outcome(outcome: Outcome) -> _Failure | None:
    """The outcome for runs that produced no comparable result, or None if there is one."""
    error = outcome.error
    message = error.message if error else None
    if outcome.status is Status.REJECTED:
        return _Failure(EvalOutcome.GUARD_REJECTED, message)
    if outcome.status is Status.NEEDS_CLARIFICATION:  # asked rather than guessed: nobody answers in an eval
        return _Failure(EvalOutcome.NEEDS_CLARIFICATION, f"the model asked: {outcome.clarification}")
    if outcome.status is Status.FAILED:
        return _failed_turn(outcome, error.kind if error else None, message)
    if outcome.status in (Status.ABORTED, Status.INTERRUPTED):
        return _Failure(EvalOutcome.MODEL_ERROR, message or outcome.status)
    if outcome.result is None:
        return _Failure(EvalOutcome.NO_SQL, None)
    return None


def _failed_turn(outcome: Outcome, kind: ErrorKind | None, message: str | None) -> _Failure | None:
    """A `failed` turn by its error kind; None when a budget stop came after its SQL ran (scored)."""
    if kind is ErrorKind.NO_RESULT and not outcome.queries and outcome.proposed_sql:
        return _Failure(EvalOutcome.GUARD_REJECTED, message)  # proposed, refused, never run (no person rejects)
    if kind in (ErrorKind.DATABASE, ErrorKind.NO_RESULT):
        last = outcome.queries[-1].error if outcome.queries else None
        timed_out = last is not None and last.kind == "timeout"
        return _Failure(EvalOutcome.TIMEOUT if timed_out else EvalOutcome.EXEC_ERROR, message)
    if kind is ErrorKind.COST_CAP:  # stopped by the run's budget: scored if its SQL already ran
        return None if outcome.result is not None else _Failure(NOT_RUN, message)
    if kind in (ErrorKind.PROVIDER, ErrorKind.TOKEN_CAP):
        return _Failure(EvalOutcome.MODEL_ERROR, message)
    return _Failure(EvalOutcome.EXEC_ERROR if outcome.queries else EvalOutcome.NO_SQL, message)


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


def score(
    item: SuiteItem, outcome: Outcome, database: Database, limits: Limits, *, latency_ms: float, session_id: str | None
) -> QuestionResult:
    """Classify and, where there is a result, compare it with each gold alternative."""
    base = QuestionResult(
        id=item.id,
        category=item.category,
        db=item.db_label,
        correct=False,
        outcome=EvalOutcome.INCORRECT,
        predicted_sql=outcome.sql or outcome.proposed_sql,
        input_tokens=outcome.usage.input_tokens,
        output_tokens=outcome.usage.output_tokens,
        cost_usd=outcome.cost_usd,
        latency_ms=round(latency_ms, 1),
        session_id=session_id,
        question=item.question,
        gold_sql=tuple(item.gold),
    )
    failure = _failure_outcome(outcome)
    if item.kind == "refusal":
        declined = _refusal(base, outcome, failure)
        if declined is not None:
            return declined
    if failure is not None:
        return replace(base, outcome=failure.outcome, error=failure.error)
    assert outcome.result is not None
    return _against_gold(base, item, outcome.result, database, limits)


def score_result(item: SuiteItem, predicted: QueryResult, database: Database, limits: Limits) -> QuestionResult:
    """A fetched result scored against the item's gold alternatives, with no turn around it: the
    judge alone, as the labelled pair set (tests/data/judge) and its benchmark run it."""
    base = QuestionResult(
        id=item.id,
        category=item.category,
        db=item.db_label,
        correct=False,
        outcome=EvalOutcome.INCORRECT,
        predicted_sql=None,
        input_tokens=0,
        output_tokens=0,
        cost_usd=None,
        latency_ms=None,
        question=item.question,
        gold_sql=tuple(item.gold),
    )
    return _against_gold(base, item, predicted, database, limits)


def _refusal(base: QuestionResult, outcome: Outcome, failure: _Failure | None) -> QuestionResult | None:
    """A refusal question is answered by declining in words, having run nothing (tried SQL may have
    failed); None when the turn ran a query, which is then scored against the gold like any other."""
    if outcome.status is Status.NEEDS_CLARIFICATION and outcome.result is None:  # asking is not inventing
        error = failure.error if failure else None
        return replace(
            base, correct=True, outcome=EvalOutcome.CORRECT, reason="declined: asked for clarification", error=error
        )
    no_result = outcome.error is not None and outcome.error.kind is ErrorKind.NO_RESULT
    in_words = failure is not None and (
        (failure.outcome == EvalOutcome.NO_SQL and outcome.status is Status.ANSWERED) or no_result
    )
    if in_words and declines(outcome.answer):
        return replace(base, correct=True, outcome=EvalOutcome.CORRECT, reason="declined")
    if in_words:  # "There are 42." with no query: an invented answer, not a refusal
        return replace(base, reason="answered without a query instead of declining")
    return None


def _against_gold(
    base: QuestionResult, item: SuiteItem, predicted: QueryResult, database: Database, limits: Limits
) -> QuestionResult:
    """Correct when the result matches any gold alternative; else the closest miss's tiers and reason."""
    gold_errors: list[str] = []
    best: Comparison | None = None
    asked = order_asked(item)
    for gold in item.gold:
        result = _run_gold(database, gold, limits)
        if isinstance(result, QueryError):
            gold_errors.append(result.message.splitlines()[0])
            continue
        comparison = judge(gold, result, predicted, database, limits, order_asked=asked)
        if comparison.correct:
            return replace(
                base,
                correct=True,
                outcome=EvalOutcome.CORRECT,
                set_equal=True,
                rounded_equal=True,
                gold_order_equal=comparison.gold_order_equal,
                reason=comparison.reason,
            )
        if best is None or (comparison.set_equal, comparison.rounded_equal) > (best.set_equal, best.rounded_equal):
            best = comparison
    if best is None:
        return replace(base, outcome=EvalOutcome.GOLD_ERROR, error="; ".join(gold_errors))
    return replace(base, set_equal=best.set_equal, rounded_equal=best.rounded_equal, reason=best.reason)


def judge(
    gold_sql: str, gold: QueryResult, predicted: QueryResult, database: Database, limits: Limits, *, order_asked: bool
) -> Comparison:
    """One gold alternative's verdict.  The gold's text is parsed once per process (gold_shape);
    when it is ordered and limited and the strict verdict fails, the gold runs again without its
    LIMIT (same guard, same limits) so that a tie crossing the cut can be seen (rule 6)."""
    shape = gold_shape(gold_sql, database.dialect, gold.columns)
    kwargs: dict[str, Any] = {
        "gold_ordered": shape.ordered,
        "gold_sort_keys": shape.keys,
        "keys_complete": shape.keys_complete,
        "order_asked": order_asked,
    }
    comparison = compare_results(gold, predicted, **kwargs)
    if comparison.correct or shape.past_limit_sql is None:
        return comparison
    past = _run_gold(database, shape.past_limit_sql, limits)
    if isinstance(past, QueryError):
        return comparison
    return compare_results(gold, predicted, past_limit=past, **kwargs)


GOLD_REFUSED = "gold SQL refused by the read-only guard"


def _run_gold(database: Database, gold: str, limits: Limits) -> QueryResult | QueryError:
    """Run one gold alternative exactly as a person's edited SQL would run: checked by the guard
    against the database (one read-only query, allowed functions, the engine's own reading), then
    executed on the same read-only connection under the run's limits (the eval row cap, exact
    clipped cells). A suite file is input like any other, and a gold that writes, sets a setting
    (`SET`, `set_config`, `PRAGMA`) or runs a second statement must not reach the database or
    the predictions scored after it; it is a gold error that says why."""
    from tools.guard import check_for

    verdict = check_for(database, gold, as_typed=True)
    if not verdict.ok or verdict.sql is None:
        reason = verdict.problems[0].message if verdict.problems else "it is not one query"
        return QueryError("rejected", f"{GOLD_REFUSED}: {reason}")
    runs = verdict.sql
    if verdict.checked is not None and verdict.checked != runs and not database.reads_alike(runs, verdict.checked):
        runs = verdict.checked  # the engine reads the typed text unlike the checker: run what was checked
    return database.execute(runs, limits)


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
    return answer is not None and _DECLINE.search(answer) is not None
