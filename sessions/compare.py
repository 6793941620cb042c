"""Is the predicted result the gold answer?  Pure comparison of two fetched results.

Executing the two queries (read-only, with limits) is the caller's job; this module only judges
the rows.  It exists because defog sql-eval's judge (notes: sql-eval-semantics.md §3-4, §6) is
wrong in ways that move accuracy numbers; each rule below names the trap it closes.

`correct` (strict) holds when all of these hold:

1. Columns are matched by values, never by names (§6.4, §6.9): aliases, column order and duplicate
   column names (`SELECT a.id, b.id`) cannot matter.  Every gold column must map to a *different*
   predicted column (injective); extra predicted columns are allowed (the "superset" case).
2. The mapping is searched, not taken greedily (§6.6): candidates are the predicted columns whose
   value multiset equals the gold column's; a backtracking search then looks for an assignment
   under which whole rows match.  Identical predicted columns (and identical gold columns) are
   interchangeable, so only one representative per class is tried.  The search has a work budget;
   exhausting it is reported as not correct with its own reason.
3. Rows compare as a multiset (§6.5): duplicates count, so a missing DISTINCT or a fan-out join
   that repeats rows is wrong, and an extra or missing row is wrong.
4. An empty prediction is never correct unless the gold is empty too (§6.1, numpy broadcasting
   let 0 rows match 1 row).  A truncated result (row cap hit) is never judged correct: the rows
   that were cut off are unknown.
5. Row order only matters when the gold has a top-level ORDER BY (§6.2, §6.3 - the question's
   wording is irrelevant).  Then the sequence of the gold's sort-key values must be the same in
   prediction order; rows tied on those keys may come in any order (each tie run is a contiguous
   block holding the same multiset of rows).  If no sort key can be resolved to an output column
   (ORDER BY on an unselected expression), the whole gold rows are the key: stricter, since ties
   on the hidden key cannot be seen.
6. LIMIT with ORDER BY (`limit_ties`): tied rows at the boundary may legitimately differ, so the
   rows strictly before the gold's last tie run (last run of equal sort-key values) must match as
   a multiset, and the last run only needs the same sort-key values.  The cut-off rows are
   invisible, so the last run counts as possibly tied even when it is one row; candidate columns
   for non-key gold columns are then found on the prefix only (only by kind when the prefix is
   empty), preferring columns that match on all rows.
7. Numbers: int, DECIMAL and float compare by value (`1 == 1.0 == Decimal('1.00')`).  When either
   side of a column pair holds Python floats, values match within `rel_tol` (math.isclose, no
   absolute tolerance, so 0 only equals 0) - §6.7 had none in one check and 1e-5 in the other.
   DECIMALs are compared as doubles: exact up to 15 significant digits (every DECIMAL(15,s));
   digits beyond double precision are not distinguished.  Integers (HUGEINT too) stay exact.
   DECIMAL versus DECIMAL and integer versus integer get no tolerance.
8. Tolerance is not transitive, so it cannot be hashed directly.  Exact hashing is tried first;
   if that fails, each float column pair's values are clustered (sorted, consecutive values
   linked when close; two close values always land in one cluster), rows are compared as
   multisets of cluster keys (a necessary condition), then every group of rows with equal keys is
   verified: a one-to-one pairing with all pairs close must exist (sorted pairing is optimal for
   one float column; bipartite matching, capped in size, for several).
9. NULL is NULL (§6.8): None equals only None - no sentinel that a real -99999 could equal.  NaN
   equals NaN but not NULL.  Booleans are their own type: TRUE is not 1.
10. Dates: when one side has DATE values and the other naive TIMESTAMPs, midnight timestamps equal
   the date (DATE_TRUNC on a date versus a timestamp).  Aware timestamps compare by instant.
   Strings never equal numbers or dates (`'1'` is not 1): a different type is a different answer.
11. Mixed types in one column (§6.9: sorting them raised) are fine: matching hashes values and
   only sorts numbers.  Lists and structs compare structurally; floats inside them are rounded
   to 12 significant digits (the tolerance rule applies to top-level cells only).

Relaxed tiers, reported separately and implied by `correct`:
`set_equal` - rows as sets (duplicates and order ignored; float columns compared by cluster key
without pairwise verification), columns matched by value sets.  `rounded_equal` - the strict rules
after rounding every non-integer number to 2 decimals (`ROUND(x, 2)` in one query only).

Speed: columns are canonicalised once, per column (a type scan decides whether any per-value work
is needed), candidates use a sum of value hashes (no false negatives; the row check is the exact
verdict), and the cyclic garbage collector is paused while the millions of row tuples are built
(no cycles are created; collecting them repeatedly costs more than the comparison).
"""

from __future__ import annotations

import datetime as dt
import decimal
import gc
import math
import operator
import uuid
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cached_property
from itertools import chain, repeat
from typing import Any, Iterable, Iterator, Sequence

from tools.databases.base import QueryResult, ResultColumn


@dataclass(frozen=True)
class Comparison:
    """The verdict; `column_map[i]` is the predicted column holding gold column i.

    `column_map` is None when not correct, and when both results are empty (nothing to match on).
    """

    correct: bool
    set_equal: bool
    rounded_equal: bool
    reason: str
    column_map: tuple[int, ...] | None


class _Tag:
    """A canonical stand-in equal only to itself (NaN, booleans)."""

    __slots__ = ("name",)

    def __init__(self, name: str) -> None:
        self.name = name

    def __repr__(self) -> str:
        return self.name


_NAN, _TRUE, _FALSE = _Tag("NaN"), _Tag("TRUE"), _Tag("FALSE")
_NONE = type(None)
_NUMS = (int, float)
_PLAIN = frozenset({int, str, _NONE, bytes, dt.date, dt.time, dt.timedelta, uuid.UUID})
_MAX_BIPARTITE = 400
_WORK_BUDGET = 20_000_000  # rows processed by row checks during one column search


@dataclass(eq=False)
class _Col:
    values: tuple[Any, ...]
    kinds: frozenset[str]  # kinds of the non-NULL values ("number", "str", "temporal", ...)
    has_float: bool  # holds Python floats: tolerance applies
    has_null: bool = False
    has_nan: bool = False

    @property
    def numeric(self) -> bool:
        return self.kinds <= {"number"}

    @cached_property
    def hash(self) -> int:
        return sum(map(hash, self.values))

    @cached_property
    def distinct(self) -> bool:
        return len(set(self.values)) == len(self.values)

    @cached_property
    def bounds(self) -> tuple[int, int, Any, Any]:
        """(NULLs, NaNs, min, max) of a numeric column: a cheap filter before sorting."""
        nums = self.values
        if self.has_null or self.has_nan:
            nums = [v for v in nums if type(v) in _NUMS]
        lo, hi = (min(nums), max(nums)) if nums else (None, None)
        nulls = self.values.count(None) if self.has_null else 0
        return nulls, len(self.values) - len(nums) - nulls, lo, hi


def _kind(t: type) -> str:
    if issubclass(t, bool):
        return "bool"
    if issubclass(t, (int, float, decimal.Decimal)):
        return "number"
    if issubclass(t, (dt.date, dt.time, dt.timedelta)):
        return "temporal"
    return "str" if issubclass(t, str) else t.__name__


def _canon_value(v: Any, mixed_dates: bool) -> Any:
    if v is None or type(v) is int or type(v) is str:
        return v
    if isinstance(v, bool):
        return _TRUE if v else _FALSE
    if isinstance(v, (float, decimal.Decimal)):
        f = float(v)
        return _NAN if f != f else f
    if isinstance(v, int):
        return int(v)
    if isinstance(v, str):
        return str(v)
    if isinstance(v, dt.datetime):
        return v.date() if mixed_dates and v.tzinfo is None and v.time() == dt.time(0) else v
    if isinstance(v, (bytearray, memoryview)):
        return bytes(v)
    if isinstance(v, (list, tuple)):
        return ("list", tuple(_nested(x) for x in v))
    if isinstance(v, dict):
        return ("struct", tuple(sorted((str(k), _nested(x)) for k, x in v.items())))
    try:
        hash(v)
        return v
    except TypeError:
        return ("repr", repr(v))


def _nested(v: Any) -> Any:
    c = _canon_value(v, True)
    return float(f"{c:.12g}") if type(c) is float else c


def _canon_column(raw: tuple[Any, ...], types: set[type], mixed_dates: bool) -> _Col:
    kinds = frozenset(_kind(t) for t in types if t is not _NONE)
    has_float, has_null = float in types, _NONE in types
    if types <= _PLAIN or (not mixed_dates and types <= _PLAIN | {dt.datetime}):
        values = raw
    elif types <= {int, float, decimal.Decimal, _NONE}:
        values = raw
        if decimal.Decimal in types:
            values = tuple(map(float, raw)) if len(types) == 1 else tuple(
                float(v) if type(v) is decimal.Decimal else v for v in raw)
        if any(map(operator.ne, values, values)):  # only NaN differs from itself
            return _Col(tuple(_NAN if v != v else v for v in values), kinds, has_float, has_null, True)
    else:
        values = tuple(_canon_value(v, mixed_dates) for v in raw)
        has_nan = _NAN in values
        return _Col(values, kinds, has_float, has_null, has_nan)
    return _Col(values, kinds, has_float, has_null)


def _columns(results: Sequence[QueryResult]) -> list[list[_Col]]:
    raws = [[tuple(map(operator.itemgetter(i), r.rows)) for i in range(len(r.columns))] for r in results]
    types = [[set(map(type, col)) for col in cols] for cols in raws]
    seen = set().union(*chain.from_iterable(types))
    mixed_dates = dt.date in seen and dt.datetime in seen
    return [[_canon_column(c, t, mixed_dates) for c, t in zip(cols, ts)] for cols, ts in zip(raws, types)]


def _rounded(c: _Col) -> _Col:
    if not c.numeric:
        return c
    values = tuple(round(v, 2) if type(v) is float else v for v in c.values)
    return _Col(values, c.kinds, c.has_float, c.has_null, c.has_nan)


@contextmanager
def _gc_paused() -> Iterator[None]:
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _kinds_fit(g: _Col, p: _Col) -> bool:
    """Equal value multisets need equal kinds (an all-NULL column has none)."""
    return not g.kinds or not p.kinds or g.kinds == p.kinds


def _tolerant(g: _Col, p: _Col) -> bool:
    return g.numeric and p.numeric and (g.has_float or p.has_float)


def _close(a: Any, b: Any, tol: float) -> bool:
    if a == b:
        return True
    return type(a) in _NUMS and type(b) in _NUMS and math.isclose(a, b, rel_tol=tol)


def _clusters(values: Iterable[Any], tol: float) -> dict[Any, Any]:
    """Number -> first value of its chain of pairwise-close neighbours (see rule 8)."""
    rep: dict[Any, Any] = {}
    head = prev = None
    for x in sorted({v for v in values if type(v) in _NUMS}):
        if prev is None or not math.isclose(prev, x, rel_tol=tol):
            head = x
        rep[x] = head
        prev = x
    return rep


def _keyed(a: tuple[Any, ...], b: tuple[Any, ...], tol: float) -> tuple[tuple[Any, ...], tuple[Any, ...]]:
    rep = _clusters(chain(a, b), tol)
    return tuple(map(rep.get, a, a)), tuple(map(rep.get, b, b))


def _col_match(g: _Col, p: _Col, stop: int, full: bool, bag: bool, tol: float) -> bool:
    """Could p hold g's values (first `stop` rows)?  No false negatives; hash equality may lie."""
    gv, pv = (g.values, p.values) if full else (g.values[:stop], p.values[:stop])
    if bag:
        if (g.hash == p.hash) if full else sum(map(hash, gv)) == sum(map(hash, pv)):
            return True
        if not _tolerant(g, p):
            return False
        if full:  # sorted pairing pairs the minima and the maxima: they must be close
            (gz, gn_, glo, ghi), (pz, pn_, plo, phi) = g.bounds, p.bounds
            if gz != pz or gn_ != pn_ or not (_close(glo, plo, tol) and _close(ghi, phi, tol)):
                return False
        gn = sorted(v for v in gv if type(v) in _NUMS)
        pn = sorted(v for v in pv if type(v) in _NUMS)
        if len(gn) != len(pn) or (g.has_null or p.has_null) and gv.count(None) != pv.count(None):
            return False
        return all(_close(a, b, tol) for a, b in zip(gn, pn))
    gs, ps = set(gv), set(pv)
    if gs == ps:
        return True
    if not _tolerant(g, p):
        return False
    kg, kp = _keyed(tuple(gs), tuple(ps), tol)
    return set(kg) == set(kp)


def _seq_equal(g: _Col, p: _Col, tol: float) -> bool:
    if g.values == p.values:
        return True
    return _tolerant(g, p) and all(_close(a, b, tol) for a, b in zip(g.values, p.values))


def _rows_match(pairs: list[tuple[_Col, _Col]], stop: int, full: bool, bag: bool, tol: float) -> bool:
    """The exact verdict: do the mapped columns hold the same rows (multiset or set)?"""
    gcols = [g.values if full else g.values[:stop] for g, _ in pairs]
    pcols = [p.values if full else p.values[:stop] for _, p in pairs]
    distinct = any(g.distinct for g, _ in pairs[:2]) if full else None
    if _same_rows(gcols, pcols, bag, distinct):
        return True
    tol_idx = [i for i, (g, p) in enumerate(pairs) if _tolerant(g, p)]
    if not tol_idx:
        return False
    if bag:
        verdict = _by_key(pairs, gcols, pcols, full, tol)
        if verdict is not None:
            return verdict
    kg, kp = list(gcols), list(pcols)
    for i in tol_idx:
        kg[i], kp[i] = _keyed(gcols[i], pcols[i], tol)
    if not _same_rows(kg, kp, bag, distinct):
        return False
    if not bag:
        return True
    groups: dict[Any, tuple[list[Any], list[Any]]] = {}
    for side, keys, cols in ((0, kg, gcols), (1, kp, pcols)):
        for key, raw in zip(zip(*keys), zip(*(cols[i] for i in tol_idx))):
            groups.setdefault(key, ([], []))[side].append(raw)
    return all(_pairable(a, b, tol) for a, b in groups.values())


def _by_key(pairs: list[tuple[_Col, _Col]], gcols: list[tuple[Any, ...]], pcols: list[tuple[Any, ...]],
            full: bool, tol: float) -> bool | None:
    """A gold column with distinct values (compared exactly) forces the row pairing: follow it.

    Cheaper than hashing whole rows, and tolerance then needs no clustering.  None: no such column.
    """
    for i, (g, p) in enumerate(pairs):
        if _tolerant(g, p) or not (g.distinct if full else len(set(gcols[i])) == len(gcols[i])):
            continue
        index = dict(zip(gcols[i], range(len(gcols[i]))))
        try:
            perm = list(map(index.__getitem__, pcols[i]))
        except KeyError:
            return False
        if len(set(perm)) != len(perm):
            return False
        for j, (gj, pj) in enumerate(pairs):
            if j != i:
                moved = tuple(map(gcols[j].__getitem__, perm))
                if moved != pcols[j] and not (_tolerant(gj, pj) and all(map(_close, moved, pcols[j], repeat(tol)))):
                    return False
        return True
    return None


def _same_rows(gcols: list[tuple[Any, ...]], pcols: list[tuple[Any, ...]], bag: bool, distinct: bool | None) -> bool:
    """Multiset (or set) equality of the rows the columns spell, exactly.

    Distinct gold rows (known from a distinct column, or found out) need no counting: equal row
    counts, distinct predicted rows and every gold row among them.  Gold rows are streamed, not
    stored; a Counter is only built when the gold repeats rows.
    """
    n = len(gcols[0])
    pset = set(zip(*pcols))
    if not bag:
        return set(zip(*gcols)) == pset
    if len(pcols[0]) != n:
        return False
    if distinct is None:
        gset = set(zip(*gcols))
        if len(gset) == n:
            return gset == pset
    elif distinct:
        return len(pset) == n and all(map(pset.__contains__, zip(*gcols)))
    if len(pset) == n:  # the prediction has no repeated rows but the gold has
        return False
    return dict.__eq__(Counter(zip(*gcols)), Counter(zip(*pcols)))  # Counter.__eq__ loops in Python


def _pairable(a: list[Any], b: list[Any], tol: float) -> bool:
    """Is there a one-to-one pairing of equal-key rows with every float close?  (rule 8)"""
    a.sort()
    b.sort()  # within a group each position is all numbers, all NULL or all NaN: sortable
    if all(all(_close(x, y, tol) for x, y in zip(ra, rb)) for ra, rb in zip(a, b)):
        return True
    if len(a[0]) == 1 or len(a) > _MAX_BIPARTITE:
        return False
    adj = [[j for j, rb in enumerate(b) if all(_close(x, y, tol) for x, y in zip(ra, rb))] for ra in a]
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


@dataclass(frozen=True)
class _Rules:
    bag: bool  # multiset (strict, rounded) or set (relaxed)
    keys: tuple[int, ...] | None  # gold sort keys when order matters
    stop: int  # rows [:stop] must match as a multiset (n, or the start of the last tie run)
    tol: float


def _search(gold: list[_Col], pred: list[_Col], rules: _Rules) -> tuple[tuple[int, ...] | None, str]:
    """Backtracking column assignment (rule 2); returns (gold -> pred mapping, reason)."""
    n = len(gold[0].values)
    full = rules.stop == n
    keys = set(rules.keys or ())
    cands: list[list[int]] = []
    fits = [[pi for pi, p in enumerate(pred) if _kinds_fit(g, p)] for g in gold]
    for gi, g in enumerate(gold):
        if gi in keys:
            c = [pi for pi, p in enumerate(pred) if _seq_equal(g, p, rules.tol)]
            what = "the same values in the same order"
        elif rules.stop == 0 or (len(fits[gi]) == 1 and full):  # the row check will decide
            c = fits[gi]
            what = "values of the same kind"
        else:
            c = [pi for pi in fits[gi] if _col_match(g, pred[pi], rules.stop, full, rules.bag, rules.tol)]
            what = "the same values" if rules.bag else "the same set of values"
        if not full:  # limit ties: prefer columns matching on every row, for a truthful map
            c.sort(key=lambda pi: not _col_match(g, pred[pi], n, True, True, rules.tol))
        if not c:
            if gi in keys and any(_col_match(g, p, n, True, True, rules.tol) for p in pred):
                return None, f"rows are not in the gold's order (sort key: gold column {gi + 1})"
            return None, f"no predicted column has {what} as gold column {gi + 1}"
        cands.append(c)
    cls = [next(j for j in range(i + 1) if pred[j].kinds == p.kinds and pred[j].values == p.values) for i, p in enumerate(pred)]
    twin = [next((j for j in range(i) if gold[j].kinds == g.kinds and gold[j].values == g.values), None) for i, g in enumerate(gold)]
    order = sorted(range(len(gold)), key=lambda gi: len(cands[gi]))
    ambiguous = any(len({cls[pi] for pi in c}) > 1 for c in cands)
    assign: dict[int, int] = {}
    work = [0]

    def rows_ok() -> bool:
        work[0] += max(rules.stop, 1)
        pairs = [(gold[gi], pred[pi]) for gi, pi in assign.items()]
        return _rows_match(pairs, rules.stop, full, rules.bag, rules.tol)

    def dfs(depth: int) -> bool:
        if depth == len(order):
            return rows_ok()
        gi = order[depth]
        tried: set[int] = set()
        for pi in cands[gi]:
            t = twin[gi]
            if pi in assign.values() or cls[pi] in tried or (t is not None and t in assign and assign[t] > pi):
                continue
            if work[0] > _WORK_BUDGET:
                return False
            tried.add(cls[pi])
            assign[gi] = pi
            if (not ambiguous or depth == 0 or depth == len(order) - 1 or rows_ok()) and dfs(depth + 1):
                return True
            del assign[gi]
        return False

    if dfs(0):
        return tuple(assign[gi] for gi in range(len(gold))), "match"
    if work[0] > _WORK_BUDGET:
        return None, "column assignment search budget exhausted (too many interchangeable columns)"
    for gi, g in enumerate(gold):  # name the first gold column nothing can hold, when there is one
        if gi not in keys and full and not any(_col_match(g, pred[pi], n, True, rules.bag, rules.tol) for pi in fits[gi]):
            return None, f"no predicted column has the same values as gold column {gi + 1}"
    return None, "rows differ" + (" (as a multiset)" if rules.bag else "") + " under every column assignment"


def _judge(gold: list[_Col], pred: list[_Col], *, bag: bool, keys: tuple[int, ...] | None,
           limit_ties: bool, tol: float) -> tuple[tuple[int, ...] | None, str]:
    n, m = len(gold[0].values), len(pred[0].values)
    if m == 0 or n == 0:
        return None, "the prediction is empty" if m == 0 else "the gold is empty but the prediction has rows"
    if bag and n != m:
        return None, f"row count differs: gold {n}, predicted {m}"
    stop = n
    if keys is not None and limit_ties:
        last = tuple(gold[k].values[-1] for k in keys)
        stop = n - 1
        while stop > 0 and all(gold[k].values[stop - 1] == v for k, v in zip(keys, last)):
            stop -= 1
    mapping, reason = _search(gold, pred, _Rules(bag, keys, stop, tol))
    if mapping is not None and stop < n:
        pairs = [(gold[gi], pred[pi]) for gi, pi in enumerate(mapping)]
        if not _rows_match(pairs, n, True, True, tol):
            reason = f"match (the last {n - stop} row(s), tied on the sort keys at the LIMIT, differ)"
    return mapping, reason


def compare_results(gold: QueryResult, predicted: QueryResult, *, gold_ordered: bool,
                    gold_sort_keys: tuple[int, ...] = (), limit_ties: bool = False,
                    rel_tol: float = 1e-6) -> Comparison:
    """Judge `predicted` against `gold` by the module rules; the relaxed tiers are implied by `correct`."""
    if gold.truncated or predicted.truncated:
        return Comparison(False, False, False, "a result was truncated at the row cap; raise max_rows", None)
    if len(predicted.columns) < len(gold.columns):
        why = f"the prediction has {len(predicted.columns)} column(s), the gold {len(gold.columns)}"
        return Comparison(False, False, False, why, None)
    if not gold.columns:
        ok = gold.row_count == predicted.row_count
        return Comparison(ok, ok, ok, "match" if ok else "row count differs", () if ok else None)
    if gold.row_count == 0 and predicted.row_count == 0:
        return Comparison(True, True, True, "both empty", None)
    keys: tuple[int, ...] | None = None
    if gold_ordered:
        keys = tuple(k for k in dict.fromkeys(gold_sort_keys) if 0 <= k < len(gold.columns))
        keys = keys or tuple(range(len(gold.columns)))
    with _gc_paused():
        g, p = _columns([gold, predicted])
        mapping, reason = _judge(g, p, bag=True, keys=keys, limit_ties=limit_ties, tol=rel_tol)
        if mapping is not None:
            return Comparison(True, True, True, reason, mapping)
        set_ok = _judge(g, p, bag=False, keys=None, limit_ties=False, tol=rel_tol)[0] is not None
        g2, p2 = [_rounded(c) for c in g], [_rounded(c) for c in p]
        rounded_ok = _judge(g2, p2, bag=True, keys=keys, limit_ties=limit_ties, tol=rel_tol)[0] is not None
    return Comparison(False, set_ok, rounded_ok, reason, None)


def order_keys(gold_sql: str, dialect: str, gold_columns: Sequence[ResultColumn | str]) -> tuple[tuple[int, ...], bool]:
    """(gold output columns the top-level ORDER BY sorts on, whether there is a top-level LIMIT).

    A key resolves by position (`ORDER BY 2`), by output alias or name, or by being the same
    expression as a select item (`ORDER BY COUNT(*)` with `COUNT(*) AS n` selected).  Keys on
    unselected expressions are skipped (rule 5).  Unparseable SQL gives ((), False).
    """
    import sqlglot
    from sqlglot import exp

    try:
        tree = sqlglot.parse_one(gold_sql, read=dialect)
    except Exception:
        return (), False
    while isinstance(tree, (exp.Subquery, exp.Paren)) and not tree.args.get("order") and not tree.args.get("limit"):
        tree = tree.this
    has_limit = tree.args.get("limit") is not None or tree.args.get("fetch") is not None
    order = tree.args.get("order")
    if order is None:
        return (), has_limit
    names = [(c.name if isinstance(c, ResultColumn) else str(c)).lower() for c in gold_columns]
    select = tree
    while isinstance(select, exp.SetOperation):
        select = select.this
    items = list(select.expressions) if isinstance(select, exp.Select) else []
    if any(isinstance(i, exp.Star) or (isinstance(i, exp.Column) and isinstance(i.this, exp.Star)) for i in items):
        items = []  # positions of select items no longer equal output positions
    keys: list[int] = []
    for ordered in order.expressions:
        idx = _key_index(ordered.this if isinstance(ordered, exp.Ordered) else ordered, items, names, dialect)
        if idx is not None and 0 <= idx < len(names) and idx not in keys:
            keys.append(idx)
    return tuple(keys), has_limit


def _key_index(e: Any, items: list[Any], names: list[str], dialect: str) -> int | None:
    from sqlglot import exp

    if isinstance(e, exp.Literal) and not e.is_string:
        return int(e.name) - 1 if e.name.isdigit() else None
    column = e.name.lower() if isinstance(e, exp.Column) else None
    if column is not None and not e.table:
        aliased = [i for i, item in enumerate(items) if isinstance(item, exp.Alias) and item.alias.lower() == column]
        if aliased:
            return aliased[0]
    text = e.sql(dialect=dialect).lower()
    for i, item in enumerate(items):
        if item.unalias().sql(dialect=dialect).lower() == text:
            return i
    if column is not None:
        for i, item in enumerate(items):
            if isinstance(item, exp.Column) and item.name.lower() == column:
                return i
        if column in names:
            return names.index(column)
    return None
