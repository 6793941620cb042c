"""The comparison's fast path: proving a match on raw rows through a shared id column.

`compare_results` (verdict.py) canonicalises every column of both results and then searches for
the column mapping.  On a million rows half of its time goes before the first row is
related to another: transposing, scanning value types, converting DECIMALs to floats.  A large
correct answer nearly always carries an id - a gold column whose values are distinct - and then
none of that is needed to *prove* the match:

1. The gold rows, as fetched, go into a dict by their id (no new tuples).
2. A few predicted rows, spread over the result, are looked up by each predicted column that
   could hold the id; on those sample pairs every gold column finds the predicted column equal to
   it on every sample (the guessed mapping, injective).
3. Every predicted row is projected by the mapping and compared whole with the gold row its id
   pops (popped: an id used twice leaves a gold row unmatched).  A raw pair that differs is
   compared again in canonical form (NaN, a DECIMAL past double precision); past a few of those
   the guess is abandoned.

A completed pass is a bijection of rows under an injective column mapping with every row equal:
`correct` by the module rules, so the relaxed tiers hold too.  Only that positive verdict is
trusted: anything else - no id, a failed guess, an unequal row, an unusual type - returns None
and the full comparison decides.  This path makes the comparison faster, never different.

Why raw equality is enough: for values of one type, and for int/float and DECIMAL/float pairs,
Python's `==` on raw values implies equality of the canonical forms.  It does not for TRUE
against 1, for an int against a DECIMAL past 2**53 (the canonical DECIMAL is a double), or inside
lists and structs, so such column pairs are never mapped here.  Knowing a column's value type
needs a pass over it (~25 ms a million values) unless the engine declared a scalar type that
holds one Python type (DuckDB `BIGINT`, PostgreSQL `numeric`, ...): then the declared type is
trusted and only the sampled values are checked against it.
"""

from __future__ import annotations

import datetime as dt
import decimal
import math
import operator
import re
import uuid
from collections.abc import Iterable
from functools import partial
from itertools import compress, count, repeat
from typing import Any

from sessions.evaluation.comparison.canonical import canon_value
from tools.databases.base import QueryResult

MIN_ROWS = 2_000  # below this the full comparison takes milliseconds: no guessing needed
_SAMPLES = 24
_ID_TYPES = frozenset({int, str, dt.date, dt.datetime, uuid.UUID, bytes})  # exact and cheap to hash
_ID_TRIES = 2  # gold columns tried as the id (each try builds a dict)
_RECHECKS = 8  # raw-unequal rows compared canonically before the guess is abandoned
_NONE = type(None)
_SAFE = frozenset(
    {int, float, decimal.Decimal, str, bool, dt.date, dt.datetime, dt.time, dt.timedelta, uuid.UUID, bytes, _NONE}
)
# Engine type names whose values are all of one Python type (or NULL): DuckDB's, then
# PostgreSQL's format_type() names.  BOOLEAN is one type too, but nothing is gained by trusting it.
_SCALAR = re.compile(
    r"(?:U?(?:TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT)|VARCHAR|DOUBLE|FLOAT|DATE|TIME|INTERVAL|UUID|BLOB"
    r"|DECIMAL\(\d+,\s*\d+\)|TIMESTAMP(?: WITH TIME ZONE)?"
    r"|smallint|integer|bigint|numeric(?:\(\d+,\d+\))?|real|double precision|text|character varying(?:\(\d+\))?"
    r"|character(?:\(\d+\))?|date|timestamp(?:\(\d\))? with(?:out)? time zone|time(?:\(\d\))? without time zone"
    r"|interval|uuid|bytea)",
)


def keyed_match(gold: QueryResult, pred: QueryResult, rel_tol: float = 1e-6) -> tuple[int, ...] | None:
    """The predicted column holding each gold column when the rows provably match as a
    multiset under it; None when that cannot be shown this way (the full comparison decides).
    Callers pass non-empty results of equal row counts whose gold has no ORDER BY."""
    grows, prows = gold.rows, pred.rows
    n = len(grows)
    if n < MIN_ROWS or len(prows) != n or len(pred.columns) < len(gold.columns):
        return None
    maybe_types = [_column_type(gold, i) for i in range(len(gold.columns))]
    gtypes = [t for t in maybe_types if t is not None]
    if len(gtypes) != len(maybe_types):
        return None
    ptypes = [_column_type(pred, j) for j in range(len(pred.columns))]  # None: never mapped
    samples = [prows[k] for k in range(0, n, max(1, n // _SAMPLES))][:_SAMPLES]
    ids = [i for i, t in enumerate(gtypes) if t in _ID_TYPES]
    for key in ids[:_ID_TRIES]:
        ktype = gtypes[key]
        by_id = dict(zip(map(operator.itemgetter(key), grows), grows))
        if len(by_id) != n:
            continue  # not distinct: not an id
        for pkey in (j for j, t in enumerate(ptypes) if _pairs(ktype, t)):
            found = [(by_id.get(row[pkey]), row) for row in samples]
            pairs = [(g, row) for g, row in found if g is not None]
            if len(pairs) != len(found) or len({id(g) for g, _ in pairs}) != len(pairs):
                continue  # not the id: a sample's id is missing, or two samples share one
            mapping = _guess(gtypes, ptypes, pairs, key, pkey, rel_tol)
            if mapping is not None:  # the full pass is the expensive step: one per call
                tolerant = tuple(gi for gi, pj in enumerate(mapping) if gi != key and _tolerant(gtypes[gi], ptypes[pj]))
                return mapping if _verify(by_id, grows, prows, key, pkey, mapping, tolerant, rel_tol) else None
    return None


def _column_type(result: QueryResult, i: int) -> type | None:
    """The one Python type of column i's non-NULL values (NoneType when all are NULL); None
    when they are of several types or of a type this path does not handle."""
    values = map(operator.itemgetter(i), result.rows)
    if _SCALAR.fullmatch(result.columns[i].type):
        first = next((v for v in values if v is not None), None)
        found = {type(first)}
    else:
        found = set(map(type, values))
        found.discard(_NONE)
        if not found:
            return _NONE
    if len(found) != 1 or not found <= _SAFE:
        return None
    return found.pop()


def _pairs(a: type, b: type | None) -> bool:
    """May a gold column of type a map to a predicted column of type b (raw `==` implies
    canonical equality)?  All-NULL columns pair with any handled type: None equals only None.
    b is None for a predicted column of several or unhandled types: never mapped."""
    if b is None:
        return False
    return a is b or _NONE in (a, b) or {a, b} <= {int, float} or {a, b} == {decimal.Decimal, float}


def _tolerant(a: type, b: type | None) -> bool:
    """The full rules compare this pair within the tolerance (rule 7: a float on either side)."""
    return float in (a, b) and {a, b} <= {int, float, decimal.Decimal, _NONE}


def _guess(
    gtypes: list[type],
    ptypes: list[type | None],
    pairs: list[tuple[tuple[Any, ...], tuple[Any, ...]]],
    key: int,
    pkey: int,
    tol: float,
) -> tuple[int, ...] | None:
    """Each gold column's predicted column: equal (or close, for a tolerant pair) on every sample
    pair, of a pairing type, one column each (the id first, then the columns with fewest choices)."""
    for g, p in pairs:  # a declared type is trusted only as far as the samples bear it out
        if any(type(v) is not t and v is not None for v, t in zip(g, gtypes)):
            return None
        if any(type(v) is not t and v is not None and t is not None for v, t in zip(p, ptypes)):
            return None
    choices = {key: [pkey]}
    for gi, gt in enumerate(gtypes):
        if gi != key:
            choices[gi] = [
                pj
                for pj, pt in enumerate(ptypes)
                if _pairs(gt, pt)
                and all(_same(g[gi], p[pj]) or (_tolerant(gt, pt) and _near(g[gi], p[pj], tol)) for g, p in pairs)
            ]
    taken: dict[int, int] = {}
    for gi in sorted(choices, key=lambda c: (c != key, len(choices[c]))):
        pj = next((c for c in choices[gi] if c not in taken.values()), None)
        if pj is None:
            return None
        taken[gi] = pj
    return tuple(taken[gi] for gi in range(len(gtypes)))


def _verify(
    by_id: dict[Any, tuple[Any, ...]],
    grows: tuple[tuple[Any, ...], ...],
    prows: tuple[tuple[Any, ...], ...],
    key: int,
    pkey: int,
    mapping: tuple[int, ...],
    tolerant: tuple[int, ...],
    tol: float,
) -> bool:
    """Does every predicted row, projected by `mapping`, equal the gold row with its id (within
    the tolerance on `tolerant` gold columns), each gold row used once?  Consumes `by_id`.

    The rows are related in one C-level pass; only rows whose raw values differ come back to
    Python.  When more than a few of those are merely close (float noise throughout), the
    tolerant columns are checked apart, column by column."""
    project = _projector(mapping)
    unequal = compress(
        count(), map(operator.ne, map(by_id.pop, map(operator.itemgetter(pkey), prows), repeat(None)), project(prows))
    )
    gold_of: dict[Any, tuple[Any, ...]] | None = None
    close = 0
    for seen, i in enumerate(unequal):
        if seen == _RECHECKS:
            return close > 0 and _all_rows_close(grows, prows, key, pkey, mapping, tolerant, tol)
        if gold_of is None:  # the popped gold row is gone; index them again, once
            gold_of = dict(zip(map(operator.itemgetter(key), grows), grows))
        g, p = gold_of.get(prows[i][pkey]), next(project((prows[i],)))
        if g is None:
            return False
        if not _canonically_equal(g, p):
            exact = [k for k in range(len(g)) if k not in tolerant]
            if not (
                _canonically_equal(map(g.__getitem__, exact), map(p.__getitem__, exact))
                and all(_near(g[k], p[k], tol) for k in tolerant)
            ):
                return False
            close += 1
    return not by_id  # equal counts: every gold row was popped exactly once


def _all_rows_close(
    grows: tuple[tuple[Any, ...], ...],
    prows: tuple[tuple[Any, ...], ...],
    key: int,
    pkey: int,
    mapping: tuple[int, ...],
    tolerant: tuple[int, ...],
    tol: float,
) -> bool:
    """`_verify` for float noise: the exactly compared columns in one pass, then each tolerant
    column through C-level `isclose` (a NULL or NaN there leaves the verdict to the full rules)."""
    gold_of = dict(zip(map(operator.itemgetter(key), grows), grows))
    matched = list(map(gold_of.pop, map(operator.itemgetter(pkey), prows), repeat(None)))
    if gold_of:  # equal counts: an id missing or used twice leaves a gold row behind
        return False
    exact = tuple(k for k in range(len(mapping)) if k not in tolerant)
    gold_part, pred_part = _projector(exact), _projector(tuple(mapping[k] for k in exact))
    for seen, i in enumerate(compress(count(), map(operator.ne, gold_part(matched), pred_part(prows)))):
        if seen == _RECHECKS or not _canonically_equal(next(gold_part((matched[i],))), next(pred_part((prows[i],)))):
            return False
    isclose = partial(math.isclose, rel_tol=tol)
    try:
        return all(
            all(map(isclose, map(operator.itemgetter(k), matched), map(operator.itemgetter(mapping[k]), prows)))
            for k in tolerant
        )
    except (TypeError, ValueError, OverflowError):
        return False


def _near(a: Any, b: Any, tol: float) -> bool:
    """Within the tolerance, as the full rules judge a tolerant pair (NaN and NULL only equal)."""
    a, b = canon_value(a, False), canon_value(b, False)
    try:
        return a == b or (type(a) in (int, float) and type(b) in (int, float) and math.isclose(a, b, rel_tol=tol))
    except OverflowError:  # an integer past float range: the full rules decide
        return False


def _projector(mapping: tuple[int, ...]) -> Any:
    """rows -> the rows' values at `mapping`, as tuples (itemgetter returns a bare value for one)."""
    if len(mapping) == 1:
        one = operator.itemgetter(mapping[0])
        return lambda rows: zip(map(one, rows))
    many = operator.itemgetter(*mapping)
    return lambda rows: map(many, rows)


def _canonically_equal(a: Iterable[Any], b: Iterable[Any]) -> bool:
    """Equal once canonical (NaN is NaN, DECIMALs as doubles); dates stay apart from midnight
    timestamps here, which can only make this stricter than the full comparison."""
    return _canon(a) == _canon(b)


def _same(a: Any, b: Any) -> bool:
    return a == b or canon_value(a, False) == canon_value(b, False)


def _canon(row: Iterable[Any]) -> tuple[Any, ...]:
    return tuple(canon_value(v, False) for v in row)
