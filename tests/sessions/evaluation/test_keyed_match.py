"""sessions.evaluation.comparison.keyed_match: the comparison's fast path may only ever agree with the full rules.

Each trap where raw `==` and the canonical comparison part ways (TRUE against 1, a DECIMAL past
2**53 against an integer, NaN, a DECIMAL against a float it does not equal exactly, an id used
twice) is shown on real DuckDB results (declared types trusted) and on results whose types are
scanned; a property test checks, on random results, that the verdict with the fast path is the
verdict without it."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from typing import Any

import duckdb
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sessions.evaluation.comparison import compare_results, keyed_match, verdict
from sessions.evaluation.comparison.keyed_match import keyed_match as fast
from tools.databases.base import QueryResult, ResultColumn

ROWS = 3_000


@pytest.fixture(scope="module")
def run() -> Any:
    con = duckdb.connect()

    def run(sql: str) -> QueryResult:
        cur = con.execute(sql)
        return QueryResult(
            tuple(ResultColumn(d[0], str(d[1])) for d in cur.description), tuple(cur.fetchall()), False, 0.0
        )

    return run


def res(rows: list[tuple[Any, ...]], types: str = "?") -> QueryResult:
    return QueryResult(tuple(ResultColumn(f"c{i}", types) for i in range(len(rows[0]))), tuple(rows), False, 0.0)


def full(gold: QueryResult, pred: QueryResult, monkeypatch: pytest.MonkeyPatch) -> bool:
    """The verdict of the full rules alone."""
    with monkeypatch.context() as m:
        m.setattr(verdict, "keyed_match", lambda *args: None)
        return compare_results(gold, pred, gold_ordered=False).correct


GOLD = f"""SELECT i AS id, 'n' || (i % 97) AS name, ((i % 13) * 1.5)::DOUBLE AS amount, ((i % 977) * 1.25)::DECIMAL(12, 2) AS price,
                  DATE '2020-01-01' + (i % 300)::INTEGER AS day FROM range({ROWS}) t(i)"""


def test_a_shuffled_aliased_wider_prediction_is_matched_on_declared_types(run: Any) -> None:
    gold = run(GOLD)
    pred = run(
        f"SELECT day AS d, amount AS a, id % 7 AS extra, name AS who, id AS k, price AS p FROM ({GOLD}) ORDER BY hash(id)"
    )
    assert fast(gold, pred) == (4, 3, 1, 5, 0)
    got = compare_results(gold, pred, gold_ordered=False)
    assert got.correct and got.column_map == (4, 3, 1, 5, 0)


def test_the_same_rows_with_scanned_types_are_matched_too(run: Any) -> None:
    gold = run(GOLD)
    rows = list(gold.rows)
    random.Random(3).shuffle(rows)
    assert fast(res(list(gold.rows)), res([r[::-1] for r in rows])) == (4, 3, 2, 1, 0)


def test_true_is_not_one_even_where_python_says_so(run: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    gold = run(f"SELECT i AS id, i % 2 = 0 AS even FROM range({ROWS}) t(i)")
    pred = run(f"SELECT i AS id, (i % 2 = 0)::INTEGER AS even FROM range({ROWS}) t(i) ORDER BY hash(i)")
    assert fast(gold, pred) is None
    assert not compare_results(gold, pred, gold_ordered=False).correct and not full(gold, pred, monkeypatch)
    rows = [(i, i % 2 == 0) for i in range(ROWS)]  # scanned: a mixed column is left to the full rules
    mixed = [(i, int(b) if i % 5 else b) for i, b in rows]
    assert (
        fast(res(rows), res(mixed)) is None and not compare_results(res(rows), res(mixed), gold_ordered=False).correct
    )


def test_an_integer_past_double_precision_is_not_its_decimal(run: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    gold = run(f"SELECT i AS id, 9007199254740993 + i * 2 AS big FROM range({ROWS}) t(i)")
    pred = run(f"SELECT i AS id, (9007199254740993 + i * 2)::DECIMAL(20, 0) AS big FROM range({ROWS}) t(i)")
    assert fast(gold, pred) is None
    assert compare_results(gold, pred, gold_ordered=False).correct == full(gold, pred, monkeypatch)


def test_nan_rows_are_rechecked_in_canonical_form() -> None:
    rows = [(i, float("nan") if i in (5, 900, 2_999) else i / 7) for i in range(ROWS)]
    pred = [(v, i) for i, v in reversed(rows)]
    assert fast(res(rows), res(pred)) == (1, 0)

    def many() -> list[tuple[int, float]]:  # too many rechecks: the full rules decide
        return [(i, float("nan") if i % 10 == 0 else i / 7) for i in range(ROWS)]

    assert fast(res(many()), res(many()[::-1])) is None
    assert compare_results(res(many()), res(many()[::-1]), gold_ordered=False).correct


def test_decimals_beyond_double_precision_are_equal_as_doubles(run: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    gold = run(f"SELECT i AS id, (i + 0.1)::DECIMAL(38, 20) AS x FROM range({ROWS}) t(i)")
    rows = list(gold.rows)
    rows[17] = (17, Decimal("17.10000000000000000001"))  # another DECIMAL, the same double
    pred = QueryResult(gold.columns, tuple(rows[::-1]), False, 0.0)
    assert fast(gold, pred) == (0, 1)
    assert full(gold, pred, monkeypatch)


def test_decimal_against_a_float_it_does_not_equal_exactly_goes_to_the_full_rules(
    run: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    gold = run(f"SELECT i AS id, (i + 0.1)::DECIMAL(12, 2) AS x FROM range({ROWS}) t(i)")
    pred = run(f"SELECT i AS id, (i + 0.1)::DOUBLE AS x FROM range({ROWS}) t(i) ORDER BY hash(i)")
    assert fast(gold, pred) is None
    assert compare_results(gold, pred, gold_ordered=False).correct and full(gold, pred, monkeypatch)


def test_float_noise_throughout_is_checked_within_the_tolerance(run: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    gold = run(GOLD)
    noisy = run(f"SELECT price, amount * (1 + 1e-12) AS a, name, day, id FROM ({GOLD}) ORDER BY hash(id)")
    assert fast(gold, noisy) == (4, 2, 1, 0, 3)
    beyond = run(f"SELECT price, amount * (1 + 1e-5) AS a, name, day, id FROM ({GOLD}) ORDER BY hash(id)")
    assert fast(gold, beyond) is None and not compare_results(gold, beyond, gold_ordered=False).correct
    rows = list(noisy.rows)
    rows[99] = rows[99][:2] + ("nobody",) + rows[99][3:]  # noise, and one wrong text cell
    wrong = QueryResult(noisy.columns, tuple(rows), False, 0.0)
    assert fast(gold, wrong) is None and not full(gold, wrong, monkeypatch)
    few = list(gold.rows)  # a few close rows are accepted one by one, without the column pass
    few[7] = few[7][:2] + (few[7][2] * (1 + 1e-9),) + few[7][3:]
    assert fast(gold, QueryResult(gold.columns, tuple(few[::-1]), False, 0.0)) == (0, 1, 2, 3, 4)


def test_an_id_used_twice_is_not_a_match(run: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    gold = run(f"SELECT i AS id, i % 3 AS g FROM range({ROWS}) t(i)")
    rows = list(gold.rows)
    rows[10] = rows[11]
    pred = QueryResult(gold.columns, tuple(rows), False, 0.0)
    assert fast(gold, pred) is None
    assert not compare_results(gold, pred, gold_ordered=False).correct and not full(gold, pred, monkeypatch)


def test_a_declared_type_the_values_contradict_is_not_trusted() -> None:
    rows = [(i, i % 2 == 0) for i in range(ROWS)]
    lying = QueryResult((ResultColumn("id", "BIGINT"), ResultColumn("flag", "BIGINT")), tuple(rows), False, 0.0)
    ints = [(i, int(b)) for i, b in rows]
    assert fast(lying, res(ints)) is None


def test_one_wrong_cell_is_left_to_the_full_rules(run: Any) -> None:
    gold = run(GOLD)
    rows = list(gold.rows)
    rows[1234] = rows[1234][:1] + ("nobody",) + rows[1234][2:]
    pred = QueryResult(gold.columns, tuple(rows), False, 0.0)
    assert fast(gold, pred) is None
    got = compare_results(gold, pred, gold_ordered=False)
    assert not got.correct and not got.set_equal


def test_results_below_the_threshold_skip_the_fast_path(run: Any) -> None:
    gold = run(GOLD.replace(str(ROWS), str(keyed_match.MIN_ROWS - 1)))
    assert fast(gold, gold) is None and compare_results(gold, gold, gold_ordered=False).correct


# --- the fast path never changes a verdict --------------------------------------------------

NAN = float("nan")
POOLS = {
    "int": [0, 1, 2, 2**53 + 1],
    "bool": [True, False],
    "float": [0.5, 1.0, NAN, float(2**53)],
    "decimal": [Decimal("0.5"), Decimal("1"), Decimal(2**53 + 1), Decimal("NaN")],
    "str": ["a", "b"],
    "date": [dt.date(2024, 1, 1), dt.date(2024, 1, 2)],
    "timestamp": [dt.datetime(2024, 1, 1), dt.datetime(2024, 1, 2, 5)],
    "nested": [(1, 2), [True], [1]],
}
POOLS["mixed"] = [v for pool in POOLS.values() for v in pool] + [None]


def twin(v: Any) -> Any:
    """A value Python's == may call equal to v while the comparison's rules may not (or a new NaN)."""
    if isinstance(v, bool):
        return int(v)
    if isinstance(v, int):
        return Decimal(v)
    if isinstance(v, float):  # a new NaN, the DECIMAL, or noise within / beyond the tolerance
        return random.choice([float("nan") if v != v else Decimal(v), v * (1 + 1e-9), v * (1 + 1e-5)])
    if isinstance(v, Decimal):
        return float(v) if v == v else float("nan")
    if isinstance(v, dt.datetime):
        return v.date()
    if isinstance(v, dt.date):
        return dt.datetime(v.year, v.month, v.day)
    if isinstance(v, list):
        return [int(x) for x in v]
    return v


@settings(deadline=None, max_examples=300, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.sampled_from(sorted(POOLS)), min_size=1, max_size=3), st.integers(2, 12), st.data())
def test_property_the_fast_path_agrees_with_the_full_rules(
    monkeypatch: pytest.MonkeyPatch, kinds: list[str], height: int, data: Any
) -> None:
    monkeypatch.setattr(keyed_match, "MIN_ROWS", 1)
    gold = [(i,) + tuple(data.draw(st.sampled_from(POOLS[k])) for k in kinds) for i in range(height)]
    pred = [list(r) for r in gold]
    for j in range(1, len(kinds) + 1):
        change = data.draw(st.sampled_from(["none", "none", "column", "cells"]))  # a column cast, or some cells
        for row in pred:
            if change == "column" or (change == "cells" and data.draw(st.integers(0, 4)) == 0):
                row[j] = twin(row[j]) if data.draw(st.booleans()) else data.draw(st.sampled_from(POOLS["mixed"]))
    if data.draw(st.booleans()):
        pred[data.draw(st.integers(1, height - 1))][0] = 0  # an id used twice
    rng = random.Random(data.draw(st.integers(0, 99)))
    order = list(range(len(kinds) + 1))
    rng.shuffle(order)
    shuffled = [tuple(r[c] for c in order) for r in pred]
    rng.shuffle(shuffled)
    g, p = res(gold), res(shuffled)
    verdict = full(g, p, monkeypatch)
    assert compare_results(g, p, gold_ordered=False).correct == verdict
    if fast(g, p) is not None:  # it only ever says "correct", and only when the full rules do
        assert verdict


def test_an_extra_predicted_column_of_mixed_values_does_not_stop_it() -> None:
    rows = [(i, f"n{i % 9}") for i in range(ROWS)]
    wider = [(i % 2 == 0 if i % 3 else [i], name, i) for i, name in rows[::-1]]
    assert fast(res(rows), res(wider)) == (2, 1)


def test_an_integer_id_against_a_double_id_pairs_rows_on_both_paths(run: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """A BIGINT id against a DOUBLE one is a tolerant pair for the full rules: its exactly equal values still pair the rows."""
    gold = run("SELECT ((i % 3 + 1) * 1.5)::DOUBLE AS amount, 1000000 + i AS id FROM range(3000) t(i)")
    pred = run(
        "SELECT ((i % 3 + 1) * 1.5 + CASE WHEN i % 7 = 0 THEN 2e-15 ELSE 0 END)::DOUBLE AS amount,"
        " (1000000 + i)::DOUBLE AS id FROM range(3000) t(i) ORDER BY hash(i)"
    )
    assert compare_results(gold, pred, gold_ordered=False).correct == full(gold, pred, monkeypatch)


def test_the_full_search_does_not_prune_on_a_group_too_large_to_decide(
    run: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A partial assignment of float columns only (one 3,000-row cluster) is undecided, not a reason to prune."""
    gold = run("SELECT 1.0::DOUBLE AS rate, (1700000000 + i * 60)::DOUBLE AS epoch, i AS id FROM range(3000) t(i)")
    pred = run(
        "SELECT (1.0 + CASE WHEN i % 7 = 0 THEN 1e-12 ELSE 0 END)::DOUBLE AS rate, (1700000000 + i * 60)::DOUBLE AS epoch,"
        " i AS id, (i + 1) % 3000 AS next_id FROM range(3000) t(i) ORDER BY hash(i)"
    )
    assert fast(gold, pred) == (0, 1, 2)  # id pairs the rows; every float is within the tolerance
    assert full(gold, pred, monkeypatch)
    assert compare_results(gold, pred, gold_ordered=False).correct == full(gold, pred, monkeypatch)


def test_an_integer_beyond_float_range_does_not_crash_the_guess(monkeypatch: pytest.MonkeyPatch) -> None:
    """Sampled cells compared within the tolerance: an int past 1.8e308 against a float is not close, not an error."""
    monkeypatch.setattr(keyed_match, "MIN_ROWS", 1)
    gold = res([(1, 10**400), (2, None), (3, 5)])
    pred = res([(1, 10**400, 1.5), (2, None, None), (3, 5, 2.5)])
    assert full(gold, pred, monkeypatch)
    assert compare_results(gold, pred, gold_ordered=False).correct


class _Floating(dt.tzinfo):
    """A tzinfo with no offset: Python compares such datetimes as naive."""

    def utcoffset(self, d: Any) -> None:
        return None

    def dst(self, d: Any) -> None:
        return None


def test_a_tzinfo_without_offset_is_naive_on_both_paths(monkeypatch: pytest.MonkeyPatch) -> None:
    """Python compares a datetime whose tzinfo gives no offset as naive; so does the canonical form (a midnight becomes its date)."""
    monkeypatch.setattr(keyed_match, "MIN_ROWS", 1)
    gold = res([(k, dt.datetime(2020, 1, 1 + k, tzinfo=_Floating()), dt.date(2020, 1, 1)) for k in range(3)])
    rows = [(k, dt.datetime(2020, 1, 1 + k), dt.date(2020, 1, 1)) for k in range(3)]
    random.Random(0).shuffle(rows)
    pred = res(rows)
    assert fast(gold, pred) is None or full(gold, pred, monkeypatch)
