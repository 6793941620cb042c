"""Is the predicted result the gold answer?  Pure comparison of two fetched results.

Executing both queries (read-only, with limits) is the caller's job; this module judges rows.
defog sql-eval's judge is wrong in ways that move accuracy (shared notes sql-eval-semantics.md,
§3-4 and §6); each rule names the trap it closes.  `correct` (strict) holds when:

1. Columns match by values, never names (§6.4, §6.9): aliases, column order and duplicate column
   names (`SELECT a.id, b.id`) cannot matter.  Each gold column maps to a *different* predicted
   column (injective); extra predicted columns are allowed (the "superset" case).
2. The mapping is searched, not greedy (§6.6): candidates are predicted columns whose values can
   equal the gold column's; backtracking then finds an assignment under which whole rows match.
   Identical predicted (and identical gold) columns are interchangeable: one representative per
   class is tried.  The search has a work budget; exhausting it is "not correct" with its reason.
3. Rows compare as a multiset (§6.5): duplicates count, so a missing DISTINCT or a fan-out join
   is wrong, and so is an extra or a missing row.
4. An empty prediction is never correct unless the gold is empty too (§6.1: broadcasting let
   0 rows match 1).  A truncated result is never correct: the rows cut off are unknown.
5. Row order matters only when the gold has a top-level ORDER BY *and* the question asks for an
   order (`order_asked`; the caller decides it from the suite's annotation or the question's
   words, order_policy.py): "total citations of each author" in another order is the right
   answer, "sorted from highest to lowest" in another order is not (§6.2, §6.3: sql-eval looked
   at the category and three words only).  Then the sequence of gold sort-key values must recur
   in prediction order; rows tied on the keys may permute (a tie run is one block holding the
   same rows).  With no resolvable key (ORDER BY an unselected expression) whole gold rows are
   the key: stricter, as ties on the hidden key are invisible.  The verdict that counts the
   gold's order regardless is the `gold_order_equal` tier.
6. LIMIT with ORDER BY: rows tied at the cut may legitimately be other rows, but only when a tie
   really crosses it - the caller runs the gold without its LIMIT (`past_limit`) and the row
   after the cut must tie on the sort keys with the gold's last row (whole rows when a sort key
   is not an output column).  Then the gold's last tie run may be replaced by rows of that tie
   in the un-limited result, each a different row of it with every column compared (never the
   key alone: a wrong entity carrying the right count, a wrong average beside a tied count, or an
   id column holding the count's number is not such a row); the rows before the run match as
   usual, and when the whole result is one tie run every row is checked that way.  No tie past
   the cut (or no `past_limit`): the top-k is one multiset of rows, compared strictly.  OFFSET's
   first run is not relaxed.
7. Numbers compare by value across int, DECIMAL and float (`1 == 1.0 == Decimal('1.00')`).  When
   either column of a pair holds floats, values match within `rel_tol` (math.isclose, no absolute
   tolerance: 0 only equals 0) - §6.7 had none in one check and 1e-5 in the other.  DECIMALs are
   compared as doubles: exact to 15 significant digits (all of DECIMAL(15,s)).  Integers (HUGEINT
   too) stay exact; int/int and DECIMAL/DECIMAL pairs get no tolerance.
8. Tolerance is not transitive, so it cannot be hashed.  Exact comparison runs first.  If it
   fails, a distinct exactly-compared gold column (an id) fixes which rows pair up, and floats are
   then compared pair by pair.  Without one, each float pair's values are clustered (sorted,
   consecutive close values linked, so close values always share a cluster), rows must match as
   multisets of cluster keys, and each group of equal keys must admit a one-to-one pairing with
   all floats close (sorted pairing for one float column, capped bipartite matching otherwise).
9. NULL is NULL (§6.8): None equals only None, no sentinel a real -99999 could equal.  NaN equals
   NaN, not NULL.  Booleans are their own type: TRUE is not 1.
10. When one side has DATEs and the other naive TIMESTAMPs, a midnight timestamp equals its date
   (`CAST(ts AS DATE)` against `DATE_TRUNC('day', ts)`).  Aware timestamps compare by instant.  Strings
   never equal numbers or dates (`'1'` is not 1): a different type is a different answer.
11. Mixed types in one column (§6.9: sorting raised) are fine: values are hashed, only numbers
   are sorted.  Lists and structs compare structurally, nested floats rounded to 12 significant
   digits (tolerance applies to top-level cells).

Relaxed tiers, reported separately and implied by `correct`: `set_equal` - rows as sets
(duplicates and order ignored, float clusters without pairwise verification), columns matched by
value sets; with distinct gold rows and equal row counts it is the unordered strict verdict.
`rounded_equal` - the strict rules after rounding non-integers to 2 decimals (round(x*100)/100).
A stricter tier beside them, implying `correct`: `gold_order_equal` - rule 5 with the gold's order
counted whether or not the question asked for it.

The parts, each in its own module of this package: the rules' value forms (canonical.py), what a
column pair can say about each other (columns.py), the column assignment search (search.py), the
row check (rows.py), the fast path (keyed_match.py), the ties at a LIMIT (ties.py) and the gold's
sort keys, parsed once per gold (order_keys.py).

Speed (benchmarks/compare_results.py): a large unordered result sharing an id column with the
gold is first related row by row on its raw values (keyed_match.py); that path only ever says
"correct", and when it cannot it leaves the verdict to the rules above.  Columns are canonicalised
once (canonical.py: a type scan decides whether any per-value work is needed).  Candidate filters
are cheap and sound (never drop a true candidate) - kinds, maximum, sum of value hashes - and stop
once a gold column has one candidate: the row check decides anyway.  Results in the same order
compare column by column; otherwise distinct gold rows are checked by set membership, not
counting.  The cyclic garbage collector is paused while millions of row tuples exist (they form no
cycles).  The exact row check is bound by memory latency: each predicted row is reached at random
once.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace

from sessions.evaluation.comparison.canonical import CanonColumn, canonical_columns, rounded
from sessions.evaluation.comparison.keyed_match import keyed_match
from sessions.evaluation.comparison.rows import rows_match
from sessions.evaluation.comparison.search import Assignment, search
from sessions.evaluation.comparison.ties import TieCut, column_filter, tail_acceptor, tie_cut
from tools.databases.base import QueryResult


@dataclass(frozen=True)
class Comparison:
    """The verdict.  `column_map[i]` is the predicted column holding gold column i; None when not
    correct, and when both results are empty (nothing to match on).  `gold_order_equal`: correct
    with the gold's row order counted whether or not the question asked for it (a tier beside the
    others, stricter than `correct`)."""

    correct: bool
    set_equal: bool
    rounded_equal: bool
    reason: str
    column_map: tuple[int, ...] | None
    gold_order_equal: bool = False


@contextmanager
def _gc_paused() -> Iterator[None]:
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _judge(
    gold: list[CanonColumn],
    pred: list[CanonColumn],
    *,
    bag: bool,
    keys: tuple[int, ...] | None,
    cut: TieCut | None,
    tol: float,
) -> Assignment:
    n, m = len(gold[0].values), len(pred[0].values)
    if m == 0 or n == 0:
        return Assignment(
            None, "the prediction is empty" if m == 0 else "the gold is empty but the prediction has rows"
        )
    if bag and n != m:
        return Assignment(None, f"row count differs: gold {n}, predicted {m}")
    if cut is None or not bag:
        return search(gold, pred, bag, keys, n, tol)
    accept = tail_acceptor(gold, pred, cut, ordered=keys is not None, tol=tol)  # rule 6
    holds = column_filter(gold, pred, cut)
    found = search(gold, pred, True, keys, cut.start if keys is not None else 0, tol, accept, holds)
    if found.mapping is None:
        why = "; rows tied at the LIMIT must be rows of the gold's result past its LIMIT"
        return replace(found, reason=found.reason + why) if found.reason.startswith("rows differ") else found
    pairs = [(gold[gi], pred[pi]) for gi, pi in enumerate(found.mapping)]
    if not rows_match(pairs, n, True, True, tol):
        return replace(found, reason=f"match (of the {n - cut.start} row(s) tied at the LIMIT, other tied rows)")
    return found


def compare_results(
    gold: QueryResult,
    predicted: QueryResult,
    *,
    gold_ordered: bool,
    gold_sort_keys: tuple[int, ...] = (),
    order_asked: bool = True,
    past_limit: QueryResult | None = None,
    keys_complete: bool = True,
    rel_tol: float = 1e-6,
) -> Comparison:
    """Judge `predicted` against `gold` by the module rules (relaxed tiers implied by `correct`).

    `gold_ordered`: the gold has a top-level ORDER BY; `gold_sort_keys`: the gold columns it
    sorts on (see `order_keys`), `keys_complete` when every ORDER BY item resolved to one;
    `order_asked`: the question asks for order (rule 5: only then does order count for `correct`);
    `past_limit`: the gold run without its LIMIT, when it has one (rule 6; None: no relaxation).
    """
    if gold.truncated or predicted.truncated:
        return Comparison(False, False, False, "a result was truncated at the row cap; raise max_rows", None)
    if len(predicted.columns) < len(gold.columns):
        why = f"the prediction has {len(predicted.columns)} column(s), the gold {len(gold.columns)}"
        return Comparison(False, False, False, why, None)
    if not gold.columns or (gold.row_count == 0 and predicted.row_count == 0):
        ok = gold.row_count == predicted.row_count
        return Comparison(ok, ok, ok, "both empty" if ok else "row count differs", None, ok)
    keys: tuple[int, ...] | None = None
    if gold_ordered:
        keys = tuple(k for k in dict.fromkeys(gold_sort_keys) if 0 <= k < len(gold.columns))
        keys = keys or tuple(range(len(gold.columns)))
    with _gc_paused():
        return _compare(gold, predicted, keys, order_asked, past_limit, keys_complete, rel_tol)


def _compare(
    gold: QueryResult,
    predicted: QueryResult,
    keys: tuple[int, ...] | None,
    order_asked: bool,
    past_limit: QueryResult | None,
    keys_complete: bool,
    tol: float,
) -> Comparison:
    counted = keys if order_asked else None  # the keys whose order `correct` checks
    extend = keys is not None and past_limit is not None and len(past_limit.columns) == len(gold.columns)
    tie_keys = keys if keys_complete else tuple(range(len(gold.columns)))  # hidden keys: whole rows tie
    if counted is None and gold.row_count == predicted.row_count:
        mapping = keyed_match(gold, predicted, tol)  # a shared id proves a match on raw rows (fast)
        if mapping is not None:
            in_order = keys is None or _judge_ordered(
                gold, predicted, keys, tie_keys, past_limit if extend else None, tol
            )
            return Comparison(True, True, True, "match", mapping, in_order)
    results = [gold, predicted] + ([past_limit] if extend and past_limit is not None else [])
    g, p, *past = canonical_columns(results)
    cut = None
    if past and keys is not None:
        cut = tie_cut(g, past[0], tie_keys or ())
    found = _judge(g, p, bag=True, keys=counted, cut=cut, tol=tol)
    if found.mapping is not None:
        in_order = (
            counted is not None
            or keys is None
            or _judge(g, p, bag=True, keys=keys, cut=cut, tol=tol).mapping is not None
        )
        return Comparison(True, True, True, found.reason, found.mapping, in_order)
    n, m = gold.row_count, predicted.row_count
    if n == m and any(c.distinct for c in g):  # distinct gold rows: sets behave as multisets
        set_ok = counted is not None and _judge(g, p, bag=True, keys=None, cut=cut, tol=tol).mapping is not None
    else:
        set_ok = _judge(g, p, bag=False, keys=None, cut=None, tol=tol).mapping is not None
    # Rounding changes numbers only: a non-numeric gold column no column could hold stays unheld.
    hopeless = found.blocked is not None and "number" not in g[found.blocked].kinds
    g2, p2 = (g, p) if hopeless else ([rounded(c) for c in g], [rounded(c) for c in p])
    unchanged = all(a is b for a, b in zip(g2 + p2, g + p))
    cut2 = cut.rounded(rounded) if cut is not None and not unchanged else cut
    rounded_ok = not unchanged and _judge(g2, p2, bag=True, keys=counted, cut=cut2, tol=tol).mapping is not None
    return Comparison(False, set_ok, rounded_ok, found.reason, None)


def _judge_ordered(
    gold: QueryResult,
    predicted: QueryResult,
    keys: tuple[int, ...],
    tie_keys: tuple[int, ...] | None,
    past_limit: QueryResult | None,
    tol: float,
) -> bool:
    """The gold-order tier after the fast path proved an unordered match."""
    g, p, *past = canonical_columns([gold, predicted] + ([past_limit] if past_limit is not None else []))
    cut = tie_cut(g, past[0], tie_keys or keys) if past else None
    return _judge(g, p, bag=True, keys=keys, cut=cut, tol=tol).mapping is not None
