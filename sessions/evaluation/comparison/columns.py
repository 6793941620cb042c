"""What one gold column and one predicted column can say about each other, before rows are related.

The column search (search.py) asks these of every pair: the filters are cheap and sound (they never
drop a true candidate, rule 2 of verdict.py), and the tolerance rules (7 and 8) live here so the
row checks (rows.py) and the search judge numbers the same way.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from functools import partial
from itertools import chain, repeat
from typing import Any

from sessions.evaluation.comparison.canonical import NUMBERS, CanonColumn


def kinds_fit(g: CanonColumn, p: CanonColumn) -> bool:
    """Equal values need equal kinds (an all-NULL column has none)."""
    return not g.kinds or not p.kinds or g.kinds == p.kinds


def tolerant(g: CanonColumn, p: CanonColumn) -> bool:
    return g.numeric and p.numeric and (g.has_float or p.has_float)


def values_close(a: Any, b: Any, tol: float) -> bool:
    return a == b or (type(a) in NUMBERS and type(b) in NUMBERS and math.isclose(a, b, rel_tol=tol))


def top_fit(g: CanonColumn, p: CanonColumn, tol: float) -> bool:
    if g.top is None or p.top is None:
        return True
    return values_close(g.top, p.top, tol) if tolerant(g, p) else g.top == p.top


def _clusters(values: Iterable[Any], tol: float) -> dict[Any, Any]:
    """Number -> first value of its chain of consecutive close values (rule 8)."""
    rep: dict[Any, Any] = {}
    head = prev = None
    for x in sorted({v for v in values if type(v) in NUMBERS}):
        if prev is None or not math.isclose(prev, x, rel_tol=tol):
            head = x
        rep[x] = head
        prev = x
    return rep


def cluster_keys(a: tuple[Any, ...], b: tuple[Any, ...], tol: float) -> tuple[tuple[Any, ...], tuple[Any, ...]]:
    rep = _clusters(chain(a, b), tol)
    return tuple(map(rep.get, a, a)), tuple(map(rep.get, b, b))


def col_match(g: CanonColumn, p: CanonColumn, stop: int, full: bool, bag: bool, tol: float) -> bool:
    """Can p hold g's values (first `stop` rows)?  Never a false "no"; a hash match may lie."""
    gv, pv = (g.values, p.values) if full else (g.values[:stop], p.values[:stop])
    if not bag:
        if (g.set_hash == p.set_hash) if full else set(gv) == set(pv):
            return True
        if not (tolerant(g, p) and top_fit(g, p, tol)):
            return False
        kg, kp = cluster_keys(tuple(set(gv)), tuple(set(pv)), tol)
        return set(kg) == set(kp)
    if (g.hash == p.hash) if full else sum(map(hash, gv)) == sum(map(hash, pv)):
        return True
    if not tolerant(g, p):
        return False
    if full:  # sorted pairing pairs the minima and the maxima: they must be close
        (gz, gnan, glo, ghi), (pz, pnan, plo, phi) = g.bounds, p.bounds
        if gz != pz or gnan != pnan or not (values_close(glo, plo, tol) and values_close(ghi, phi, tol)):
            return False
    gn = sorted(v for v in gv if type(v) in NUMBERS)
    pn = sorted(v for v in pv if type(v) in NUMBERS)
    if len(gn) != len(pn) or ((g.has_null or p.has_null) and gv.count(None) != pv.count(None)):
        return False
    return all_close(gn, pn, tol)


def seq_equal(g: CanonColumn, p: CanonColumn, tol: float) -> bool:
    return g.values == p.values or (tolerant(g, p) and all_close(g.values, p.values, tol))


def all_close(a: Sequence[Any], b: Sequence[Any], tol: float) -> bool:
    """`values_close` over two sequences; C-level isclose unless a NULL or NaN tag is met."""
    try:
        return all(map(partial(math.isclose, rel_tol=tol), a, b))
    except (TypeError, OverflowError):  # NULL / NaN tags, or integers past float range
        return all(map(values_close, a, b, repeat(tol)))


def same_col(a: CanonColumn, b: CanonColumn) -> bool:
    """Interchangeable for the search: same values, kinds and tolerance behaviour."""
    return a.kinds == b.kinds and a.has_float == b.has_float and a.values == b.values
