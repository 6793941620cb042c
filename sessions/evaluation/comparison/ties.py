"""Ties at a LIMIT (rule 6 of verdict.py): which other rows a top-k may legitimately hold.

`ORDER BY n DESC LIMIT 3` where the third and fourth rows both have n = 5 has two right answers;
the database picked one.  Whether a tie really crosses the cut is a fact about the rows past the
LIMIT, so the caller runs the gold without it (`past_limit`) and this module reads them: no row
past the cut tied with the last row means no relaxation at all (the top-k is one set of rows).
When one does, the gold's last tie run may be replaced by any rows of that tie in the un-limited
result - each compared whole, every gold column, so a wrong entity carrying the right count, a
wrong average beside a tied count, or an id column that happens to hold the count never passes.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sessions.evaluation.comparison.canonical import CanonColumn
from sessions.evaluation.comparison.columns import tolerant, values_close
from sessions.evaluation.comparison.rows import rows_match

_MAX_EDGES = 2_000_000  # pool rows x tail rows compared before the matching gives up (not correct)


@dataclass(frozen=True)
class TieCut:
    """A tie that crosses the gold's LIMIT: gold rows from `start` on are tied with its last row,
    and `pool` (gold columns, canonical) holds every row of the un-limited result tied with it."""

    start: int
    keys: tuple[int, ...]
    pool: tuple[CanonColumn, ...]

    def rounded(self, fn: Callable[[CanonColumn], CanonColumn]) -> TieCut:
        return TieCut(self.start, self.keys, tuple(map(fn, self.pool)))


def tie_cut(gold: list[CanonColumn], past: list[CanonColumn], keys: tuple[int, ...]) -> TieCut | None:
    """The tie at the cut, or None when no row past the LIMIT ties with the gold's last row
    (`past`: the gold run without its LIMIT, same columns, same order - so its first rows are the
    gold's)."""
    n = len(gold[0].values) if gold else 0
    if not n or len(past) != len(gold) or len(past[0].values) <= n:
        return None
    last = tuple(gold[k].values[n - 1] for k in keys)
    if tuple(past[k].values[n] for k in keys) != last:
        return None
    start = n - 1
    while start > 0 and tuple(gold[k].values[start - 1] for k in keys) == last:
        start -= 1
    rows = [i for i in range(len(past[0].values)) if tuple(past[k].values[i] for k in keys) == last]
    pool = tuple(_take(c, rows) for c in past)
    return TieCut(start, keys, pool)


def _take(c: CanonColumn, rows: list[int]) -> CanonColumn:
    """The column restricted to `rows` (flags kept: they may only over-state, which is safe)."""
    return CanonColumn(tuple(c.values[i] for i in rows), c.kinds, c.has_float, c.has_null, c.has_nan)


def tail_acceptor(
    gold: list[CanonColumn], pred: list[CanonColumn], cut: TieCut, *, ordered: bool, tol: float
) -> Callable[[tuple[int, ...]], bool]:
    """The check a complete column mapping must pass when a tie crosses the cut.

    Ordered: the column search already matched the rows before `cut.start` (positionally, key
    sequence included); the predicted rows from `start` on must be distinct rows of the pool.
    Unordered: the predicted rows holding the tied key values are the relaxed ones - there must
    be as many as the gold's tie run, each a distinct pool row - and the other rows must be the
    gold's rows before the run, as a multiset."""
    n = len(gold[0].values)

    def accept(mapping: tuple[int, ...]) -> bool:
        cols = [pred[pi] for pi in mapping]
        if ordered:
            tail = list(range(cut.start, n))
        else:
            last = [gold[k].values[n - 1] for k in cut.keys]
            tail = [
                i
                for i in range(n)
                if all(_same(gold[k], cols[k], cols[k].values[i], v, tol) for k, v in zip(cut.keys, last))
            ]
            if len(tail) != n - cut.start:
                return False
            rest = sorted(set(range(n)) - set(tail))
            head = [(_take(g, list(range(cut.start))), _take(p, rest)) for g, p in zip(gold, cols)]
            if rest and not rows_match(head, len(rest), True, True, tol):
                return False
        return _sub_bag(cols, tail, list(cut.pool), gold, tol)

    return accept


def column_filter(gold: list[CanonColumn], pred: list[CanonColumn], cut: TieCut) -> Callable[[int, int], bool]:
    """A sound candidate filter for the column search under a tie cut, so that a result whose rows
    are all relaxed (one tie run) is not searched by kind alone: an exactly compared predicted
    column holds the gold's values before the run, and nothing but those and the pool's values."""
    counts: dict[int, Counter[Any]] = {}

    def count(pi: int) -> Counter[Any]:
        if pi not in counts:
            counts[pi] = Counter(pred[pi].values)
        return counts[pi]

    def holds(gi: int, pi: int) -> bool:
        g, p = gold[gi], pred[pi]
        if tolerant(g, p):
            return True
        have, head = count(pi), Counter(g.values[: cut.start])
        return not (head - have) and not (have - head - Counter(cut.pool[gi].values))

    return holds


def _same(g: CanonColumn, p: CanonColumn, a: object, b: object, tol: float) -> bool:
    return values_close(a, b, tol) if tolerant(g, p) else a == b


def _sub_bag(
    cols: list[CanonColumn], tail: list[int], pool: list[CanonColumn], gold: list[CanonColumn], tol: float
) -> bool:
    """Can each predicted tail row take a different pool row equal to it on every gold column?"""
    size = len(pool[0].values) if pool else 0
    if len(tail) > size or len(tail) * size > _MAX_EDGES:
        return False
    close = [tolerant(g, p) for g, p in zip(gold, cols)]

    def equal(i: int, j: int) -> bool:
        for c, q, t in zip(cols, pool, close):
            a, b = c.values[i], q.values[j]
            if not (values_close(a, b, tol) if t else a == b):
                return False
        return True

    adj = [[j for j in range(size) if equal(i, j)] for i in tail]
    owner: dict[int, int] = {}

    def augment(i: int, seen: set[int]) -> bool:
        for j in adj[i]:
            if j not in seen:
                seen.add(j)
                if j not in owner or augment(owner[j], seen):
                    owner[j] = i
                    return True
        return False

    return all(augment(i, set()) for i in range(len(tail)))
