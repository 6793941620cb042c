"""The column assignment (rule 2 of verdict.py): which predicted column holds each gold column.

Columns match by values, never names, so the mapping is searched, not chosen greedily: a greedy
choice fails when two predicted columns could each hold a gold column but only one assignment
makes whole rows match. First each gold column gets its candidates through the cheap, sound
filters of columns.py; then a backtracking search, pruned by the row check of rows.py, tries
one representative per class of identical columns under a work budget.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sessions.evaluation.comparison.canonical import CanonColumn
from sessions.evaluation.comparison.columns import col_match, kinds_fit, same_col, seq_equal, top_fit
from sessions.evaluation.comparison.rows import rows_match

_WORK_BUDGET = 20_000_000  # rows processed by row checks in one column search


@dataclass(frozen=True)
class Assignment:
    """What the search found: the gold -> predicted mapping, or None with the reason there is none."""

    mapping: tuple[int, ...] | None
    reason: str
    blocked: int | None = None  # the gold column no predicted column can hold, when that is why


def search(
    gold: list[CanonColumn],
    pred: list[CanonColumn],
    bag: bool,
    keys: tuple[int, ...] | None,
    stop: int,
    tol: float,
    accept: Callable[[tuple[int, ...]], bool] | None = None,
    holds: Callable[[int, int], bool] | None = None,
) -> Assignment:
    """Backtracking column assignment over the first `stop` rows (all of them unless rule 6 cut
    the gold's last tie run); `keys` are the gold's sort keys, which must match in order.
    `accept`: a further check of each complete mapping (the rows past `stop`, ties.py); `holds`:
    a further sound filter of candidates (gold column, predicted column) that goes with it."""
    full, keyset = stop == len(gold[0].values), frozenset(keys or ())
    cands: list[list[int]] = []
    for gi, g in enumerate(gold):
        c = _candidates(g, gi in keyset, pred, stop, bag, tol)
        if holds is not None:
            c = [pi for pi in c if holds(gi, pi)]
        if not c:
            return _unheld(gi, g, gi in keyset, pred, tol)
        cands.append(c)
    backtrack = _Backtrack(gold, pred, cands, bag=bag, stop=stop, tol=tol, accept=accept)
    mapping = backtrack.run()
    if mapping is not None:
        return Assignment(mapping, "match")
    if backtrack.work > _WORK_BUDGET:
        return Assignment(None, "column assignment search budget exhausted (too many interchangeable columns)")
    return _why_no_mapping(gold, pred, keyset, full, bag, tol)


def _candidates(g: CanonColumn, is_key: bool, pred: list[CanonColumn], stop: int, bag: bool, tol: float) -> list[int]:
    """The predicted columns that may hold gold column g: a sort key must hold it in order;
    other columns are filtered only while more than one candidate is left (the row check decides)."""
    n = len(g.values)
    full = stop == n
    c = [pi for pi, p in enumerate(pred) if kinds_fit(g, p)]
    if is_key:
        c = [pi for pi in c if seq_equal(g, pred[pi], tol)]
    elif stop and len(c) > 1:
        c = [pi for pi in c if not full or top_fit(g, pred[pi], tol)]
        if len(c) > 1 or not full:
            c = [pi for pi in c if col_match(g, pred[pi], stop, full, bag, tol)]
    if not full:  # limit ties: prefer columns matching on every row, for a truthful map
        c.sort(key=lambda pi: not col_match(g, pred[pi], n, True, True, tol))
    return c


def _unheld(gi: int, g: CanonColumn, is_key: bool, pred: list[CanonColumn], tol: float) -> Assignment:
    """Why gold column gi has no candidate: a sort key whose values are there out of order says so."""
    n = len(g.values)
    if is_key and any(col_match(g, p, n, True, True, tol) for p in pred if kinds_fit(g, p)):
        return Assignment(None, f"rows are not in the gold's order (sort key: gold column {gi + 1})")
    return Assignment(None, f"no predicted column has the values of gold column {gi + 1}", gi)


def _why_no_mapping(
    gold: list[CanonColumn], pred: list[CanonColumn], keyset: frozenset[int], full: bool, bag: bool, tol: float
) -> Assignment:
    """No assignment made the rows match: name a gold column nothing can hold, when there is one."""
    n = len(gold[0].values)
    for gi, g in enumerate(gold):
        if full and gi not in keyset and not any(col_match(g, p, n, True, bag, tol) for p in pred if kinds_fit(g, p)):
            return Assignment(None, f"no predicted column has the values of gold column {gi + 1}", gi)
    return Assignment(
        None, "rows differ" + (" (as a multiset)" if bag else " (as sets)") + " under every column assignment"
    )


class _Backtrack:
    """Depth-first assignment of gold columns, fewest candidates first.

    Identical predicted columns form one class, of which one member is tried; identical gold
    columns (twins) take their candidates in increasing order, so no permutation of twins is
    searched twice. Partial assignments are row-checked only when some gold column has candidates
    of more than one class (otherwise only the full assignment can fail)."""

    def __init__(
        self,
        gold: list[CanonColumn],
        pred: list[CanonColumn],
        cands: list[list[int]],
        *,
        bag: bool,
        stop: int,
        tol: float,
        accept: Callable[[tuple[int, ...]], bool] | None = None,
    ) -> None:
        self.gold, self.pred, self.cands, self.accept = gold, pred, cands, accept
        self.bag, self.stop, self.tol = bag, stop, tol
        self.full = stop == len(gold[0].values)
        self.cls = [next(j for j in range(i + 1) if same_col(pred[j], p)) for i, p in enumerate(pred)]
        self.twin = [next((j for j in range(i) if same_col(gold[j], g)), None) for i, g in enumerate(gold)]
        self.order = sorted(range(len(gold)), key=lambda gi: len(cands[gi]))
        self.ambiguous = any(len({self.cls[pi] for pi in c}) > 1 for c in cands)
        self.assign: dict[int, int] = {}
        self.work = 0  # rows processed by row checks, against _WORK_BUDGET

    def run(self) -> tuple[int, ...] | None:
        if self._dfs(0):
            return tuple(self.assign[gi] for gi in range(len(self.gold)))
        return None

    def _rows_ok(self, partial: bool) -> bool:
        self.work += max(self.stop, 1)
        pairs = [(self.gold[gi], self.pred[pi]) for gi, pi in sorted(self.assign.items())]
        return rows_match(pairs, self.stop, self.full, self.bag, self.tol, partial)

    def _skip(self, pi: int, tried: set[int], twin: int | None) -> bool:
        """Taken already, a class already tried at this depth, or a twin's candidates out of order."""
        assign = self.assign
        return (
            pi in assign.values()
            or self.cls[pi] in tried
            or (twin is not None and twin in assign and assign[twin] > pi)
        )

    def _dfs(self, depth: int) -> bool:
        if depth == len(self.order):
            if not self._rows_ok(False):
                return False
            return self.accept is None or self.accept(tuple(self.assign[gi] for gi in range(len(self.gold))))
        gi = self.order[depth]
        tried: set[int] = set()
        for pi in self.cands[gi]:
            if self._skip(pi, tried, self.twin[gi]):
                continue
            if self.work > _WORK_BUDGET:
                return False
            tried.add(self.cls[pi])
            self.assign[gi] = pi
            prune = self.ambiguous and depth not in (0, len(self.order) - 1)
            if (not prune or self._rows_ok(True)) and self._dfs(depth + 1):
                return True
            del self.assign[gi]
        return False
