"""The statistics behind `eval` and `runs compare`: reference values and the properties that
make them trustworthy."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sessions.evaluation.scoring import QuestionResult
from sessions.evaluation.statistics import mcnemar_exact_p, wilson_interval
from sessions.evaluation.summary import summarize


def test_wilson_reference_values() -> None:
    # Wilson (1927) / Newcombe (1998) table: 8 of 10 -> 0.490 to 0.943; 0 of 10 -> 0 to 0.278
    low, high = wilson_interval(8, 10)
    assert (round(low, 3), round(high, 3)) == (0.490, 0.943)
    low, high = wilson_interval(0, 10)
    assert low == 0.0 and round(high, 3) == 0.278
    assert wilson_interval(0, 0) is None
    with pytest.raises(ValueError):
        wilson_interval(11, 10)


@given(st.integers(min_value=1, max_value=5000).flatmap(lambda n: st.tuples(st.integers(0, n), st.just(n))))
def test_wilson_contains_the_estimate_and_mirrors(pair: tuple[int, int]) -> None:
    k, n = pair
    low, high = wilson_interval(k, n)
    assert 0.0 <= low <= k / n <= high <= 1.0
    mirror_low, mirror_high = wilson_interval(n - k, n)
    assert math.isclose(low, 1 - mirror_high, abs_tol=1e-12) and math.isclose(high, 1 - mirror_low, abs_tol=1e-12)


def test_wilson_narrows_with_more_questions() -> None:
    widths = [wilson_interval(n * 7 // 10, n) for n in (10, 100, 1000)]
    assert widths[0][1] - widths[0][0] > widths[1][1] - widths[1][0] > widths[2][1] - widths[2][0]


def test_mcnemar_reference_values() -> None:
    # 10 flips one way, 2 the other: 2 * P(X <= 2 | n = 12, p = 1/2) = 2 * 79 / 4096
    assert mcnemar_exact_p(10, 2) == pytest.approx(158 / 4096)
    assert mcnemar_exact_p(0, 0) == 1.0
    assert mcnemar_exact_p(5, 5) == 1.0
    assert mcnemar_exact_p(0, 3) == pytest.approx(0.25)
    assert mcnemar_exact_p(0, 10) == pytest.approx(2 / 1024)


@given(st.integers(0, 300), st.integers(0, 300))
def test_mcnemar_is_symmetric_and_a_probability(fixed: int, broken: int) -> None:
    p = mcnemar_exact_p(fixed, broken)
    assert 0.0 < p <= 1.0
    assert p == mcnemar_exact_p(broken, fixed)
    if fixed > broken:  # one more flip in the majority direction is stronger evidence
        assert mcnemar_exact_p(fixed + 1, broken) <= p


def _result(i: int, correct: bool, cost: float | None) -> QuestionResult:
    fields = QuestionResult.__dataclass_fields__
    values = dict.fromkeys(fields)
    values.update(
        id=f"q{i}",
        category="c",
        db="d",
        correct=correct,
        outcome="correct" if correct else "incorrect",
        set_equal=correct,
        rounded_equal=correct,
        gold_order_equal=correct,
        input_tokens=10,
        output_tokens=5,
        cost_usd=cost,
        latency_ms=100.0,
    )
    return QuestionResult(**{k: v for k, v in values.items() if k in fields})


def test_summary_carries_intervals_and_cost_per_correct_answer() -> None:
    results = [_result(i, i < 8, 0.01) for i in range(10)]
    summary = summarize(results)
    assert summary["accuracy_ci95"] == [round(v, 4) for v in wilson_interval(8, 10)]
    assert summary["by_category"]["c"]["ci95"] == summary["accuracy_ci95"]
    assert summary["cost_per_correct_usd"] == pytest.approx(0.1 / 8)
    assert summarize([_result(0, True, None)])["cost_per_correct_usd"] is None
    assert summarize([_result(0, False, 0.01)])["cost_per_correct_usd"] is None
