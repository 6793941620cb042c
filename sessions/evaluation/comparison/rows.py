"""The exact row check: do mapped column pairs spell the same rows, as a multiset or a set?

Rules 3 and 8 of verdict.py. Exact comparison runs first (hashes, then rows through a distinct key,
then whole rows); tolerance is not transitive, so float columns are then paired through a distinct
exactly compared key, or clustered and matched group by group. Kept apart from the column search
(search.py), which calls it to prune and to confirm each assignment.
"""

from __future__ import annotations

import operator
from collections import Counter
from itertools import repeat
from typing import Any

from sessions.evaluation.comparison.canonical import CanonColumn
from sessions.evaluation.comparison.columns import all_close, cluster_keys, tolerant, values_close

_MAX_BIPARTITE = 400


def rows_match(
    pairs: list[tuple[CanonColumn, CanonColumn]], stop: int, full: bool, bag: bool, tol: float, partial: bool = False
) -> bool:
    """The exact verdict: do the mapped columns spell the same rows (multiset, or set)?
    `partial`: the pairs are part of an assignment, checked only to prune the search, so a
    group too large to decide (rule 8's capped matching) does not prune."""
    gcols = [g.values if full else g.values[:stop] for g, _ in pairs]
    pcols = [p.values if full else p.values[:stop] for _, p in pairs]
    if all(map(operator.eq, gcols, pcols)):  # same rows in the same order (ordered results)
        return True
    tol_idx = [i for i, (g, p) in enumerate(pairs) if tolerant(g, p)]
    attr = "hash" if bag else "set_hash"  # column hashes already computed are a free early "no"
    known = [i for i, (g, p) in enumerate(pairs) if full and attr in vars(g) and attr in vars(p)]
    unequal = [i for i in known if getattr(pairs[i][0], attr) != getattr(pairs[i][1], attr)]
    if any(i not in tol_idx for i in unequal):  # a column's values differ, and without tolerance
        return False
    keyed = _same_rows_by_key(pairs, gcols, pcols, tol_idx) if bag and full and not unequal else None
    if keyed is True or (keyed is False and not tol_idx):
        return keyed
    distinct = True if full and any(g.distinct for g, _ in pairs[:2]) else None  # None: unknown
    if keyed is None and not unequal and _same_rows(gcols, pcols, bag, distinct):
        return True
    if not tol_idx:
        return False
    if full and any(getattr(g, attr) != getattr(p, attr) for i, (g, p) in enumerate(pairs) if i not in tol_idx):
        return False  # an exactly compared column's values differ (as a multiset or set): no tolerance helps
    if bag:
        verdict = _by_key(pairs, gcols, pcols, full, tol)
        if verdict is not None:
            return verdict
    kg, kp = list(gcols), list(pcols)
    for i in tol_idx:
        kg[i], kp[i] = cluster_keys(gcols[i], pcols[i], tol)
    if not _same_rows(kg, kp, bag, None):  # clustering can merge distinct rows
        return False
    if not bag:
        return True
    groups: dict[Any, tuple[list[Any], list[Any]]] = {}
    for side, keys, cols in ((0, kg, gcols), (1, kp, pcols)):
        for key, raw in zip(zip(*keys), zip(*(cols[i] for i in tol_idx))):
            groups.setdefault(key, ([], []))[side].append(raw)
    verdicts = (_pairable(a, b, tol) for a, b in groups.values())
    return all(v is not False for v in verdicts) if partial else all(v is True for v in verdicts)


def _same_rows_by_key(
    pairs: list[tuple[CanonColumn, CanonColumn]],
    gcols: list[tuple[Any, ...]],
    pcols: list[tuple[Any, ...]],
    tol_idx: list[int],
) -> bool | None:
    """Exact multiset equality through a key: when a gold column is distinct (an id), each
    predicted row is looked up by its key and compared with the gold row whole, popping it so a
    repeated key cannot match twice. One int probe per row instead of hashing every row into a
    set. None when no column qualifies (the caller then hashes whole rows)."""
    if len(pairs) < 2 or len(gcols[0]) != len(pcols[0]):
        return None
    key = next(
        (
            i
            for i, (g, _) in enumerate(pairs)
            if i not in tol_idx
            and not g.has_null
            and (vars(g).get("distinct") or (g.kinds == {"number"} and not g.has_float))
        ),
        None,
    )
    if key is None:
        return None
    rest = [i for i in range(len(pairs)) if i != key]
    gold_rows = dict(zip(gcols[key], zip(*(gcols[i] for i in rest))))
    if len(gold_rows) != len(gcols[key]):
        return None  # the key repeats: not a key
    return all(map(operator.eq, map(gold_rows.pop, pcols[key], repeat(None)), zip(*(pcols[i] for i in rest))))


def _same_rows(gcols: list[tuple[Any, ...]], pcols: list[tuple[Any, ...]], bag: bool, distinct: bool | None) -> bool:
    """Exact multiset (or set) equality of rows.  Distinct gold rows need no counting: equal row
    counts, distinct predicted rows, every gold row among them (gold rows are streamed)."""
    n = len(gcols[0])
    pset = set(zip(*pcols))
    if not bag:
        return set(zip(*gcols)) == pset
    if len(pcols[0]) != n:
        return False
    if distinct:
        return len(pset) == n and all(map(pset.__contains__, zip(*gcols)))
    if distinct is None:
        gset = set(zip(*gcols))
        if len(gset) == n:
            return gset == pset
    if len(pset) == n:  # the prediction repeats no row but the gold does
        return False
    return dict.__eq__(Counter(zip(*gcols)), Counter(zip(*pcols)))  # Counter.__eq__ loops in Python


def _by_key(
    pairs: list[tuple[CanonColumn, CanonColumn]],
    gcols: list[tuple[Any, ...]],
    pcols: list[tuple[Any, ...]],
    full: bool,
    tol: float,
) -> bool | None:
    """A distinct, exactly compared gold column fixes the row pairing: compare the other columns
    pair by pair under it (tolerance without clustering).  None when there is no such column.
    Each predicted row finds its gold row through one dict probe (popped: a repeated key cannot
    match twice); the other columns are then compared whole, in the prediction's order.
    A distinct key compared within the tolerance (an integer id against a DOUBLE one) is tried
    last: pairing its exactly equal values proves a match, but failing proves nothing."""
    for i in sorted(range(len(pairs)), key=lambda k: tolerant(*pairs[k])):
        if not (pairs[i][0].distinct if full else len(set(gcols[i])) == len(gcols[i])):
            continue
        exact = not tolerant(*pairs[i])
        if len(pcols[i]) != len(gcols[i]):
            return False
        rest = [j for j in range(len(pairs)) if j != i]
        gold_rows = dict(zip(gcols[i], zip(*(gcols[j] for j in rest)) if rest else repeat(())))
        matched = list(map(gold_rows.pop, pcols[i], repeat(None)))
        if gold_rows or None in matched:  # a predicted key the gold lacks, or one used twice
            return False if exact else None
        for k, j in enumerate(rest):
            moved = tuple(map(operator.itemgetter(k), matched))
            if moved != pcols[j] and not (tolerant(*pairs[j]) and all_close(moved, pcols[j], tol)):
                return False if exact else None
        return True
    return None


def _pairable(a: list[Any], b: list[Any], tol: float) -> bool | None:
    """Can equal-key rows pair one-to-one with every float close?  (rule 8)  None: unknown,
    the group is too large for the matching once sorted pairing has failed."""
    a.sort()
    b.sort()  # within a group each position is all numbers, all NULL or all NaN: sortable
    if all(all(map(values_close, ra, rb, repeat(tol))) for ra, rb in zip(a, b)):
        return True
    if len(a[0]) == 1:  # one float column: sorted pairing is optimal
        return False
    if len(a) > _MAX_BIPARTITE:
        return None
    adj = [[j for j, rb in enumerate(b) if all(map(values_close, ra, rb, repeat(tol)))] for ra in a]
    owner: dict[int, int] = {}

    def augment(i: int, seen: set[int]) -> bool:
        for j in adj[i]:
            if j not in seen:
                seen.add(j)
                if j not in owner or augment(owner[j], seen):
                    owner[j] = i
                    return True
        return False

    return all(augment(i, set()) for i in range(len(a)))
