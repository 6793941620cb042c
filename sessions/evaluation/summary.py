"""A run's numbers: accuracy overall, per category and per database (with Wilson intervals),
outcome counts, tokens, cost and latency.

Computed from per-question results, never stored alone: `eval` writes it as the run log's summary
line, while `runs show` and `runs compare` recompute it from the result lines, so the numbers
always agree with the questions listed (an unfinished or hand-edited run too).
"""

from __future__ import annotations

from typing import Any

from sessions.evaluation.scoring import NOT_RUN, OUTCOMES, QuestionResult
from sessions.evaluation.statistics import wilson_interval


def _percentile(values: list[float], q: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))
    return ordered[index]


def _slice(results: list[QuestionResult], key: str) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for r in results:
        group = out.setdefault(getattr(r, key), {"n": 0, "correct": 0})
        group["n"] += 1
        group["correct"] += r.correct
    for group in out.values():
        group["accuracy"] = round(group["correct"] / group["n"], 4)
        group["ci95"] = _ci(group["correct"], group["n"])
    return dict(sorted(out.items()))


def _ci(correct: int, n: int) -> list[float] | None:
    interval = wilson_interval(correct, n)
    return None if interval is None else [round(interval[0], 4), round(interval[1], 4)]


def _outcome_counts(results: list[QuestionResult]) -> dict[str, int]:
    """Known outcomes in their usual order, then any other (a hand-edited or newer log) by name."""
    seen = {r.outcome for r in results}
    order = [o for o in OUTCOMES if o in seen] + sorted(seen - set(OUTCOMES))
    return {o: sum(r.outcome == o for r in results) for o in order}


def summarize(results: list[QuestionResult]) -> dict[str, Any]:
    """Overall, per-category and per-database accuracy, errors, tokens, cost and latency.

    Questions the budget stopped (`not_run`) are counted apart: every rate is over the scored
    questions, while tokens and cost include what the stopped ones spent."""
    spent = results
    results = [r for r in results if r.outcome != NOT_RUN]
    n = len(results)
    correct = sum(r.correct for r in results)
    costs = [r.cost_usd for r in spent]
    latencies = [r.latency_ms for r in results if r.latency_ms is not None]
    cost = None if any(c is None for c in costs) else round(sum(c or 0.0 for c in costs), 6)
    return {
        "n": n,
        "not_run": len(spent) - n,
        "correct": correct,
        "accuracy": round(correct / n, 4) if n else None,
        "accuracy_ci95": _ci(correct, n),
        "set_accuracy": round(sum(r.correct or r.set_equal for r in results) / n, 4) if n else None,
        "rounded_accuracy": round(sum(r.correct or r.rounded_equal for r in results) / n, 4) if n else None,
        "gold_order_accuracy": round(sum(bool(r.correct and r.gold_order_equal) for r in results) / n, 4)
        if n
        else None,
        "outcomes": _outcome_counts(results),
        "by_category": _slice(results, "category"),
        "by_db": _slice(results, "db"),
        "input_tokens": sum(r.input_tokens for r in spent),
        "output_tokens": sum(r.output_tokens for r in spent),
        "cost_usd": cost,
        "cost_per_correct_usd": round(cost / correct, 6) if cost is not None and correct else None,
        "latency_ms_p50": _percentile(latencies, 0.5),
        "latency_ms_p95": _percentile(latencies, 0.95),
    }
