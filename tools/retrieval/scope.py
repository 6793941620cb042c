"""Scope: with many schemas (or databases as schemas), pick the ones the question is about first.

In a catalog of hundreds of small databases every one has its `customers` or `orders`; ranking
tables alone mixes them. A schema is scored by its best few tables (the best counts most, so one
strong match beats many weak ones), plus the question naming the schema itself, with value hits
as the tie-breaker between near-equal schemas. Schemas close to the best stay in scope, so a question spanning `sales` and
`crm` keeps both; join paths may still leave the scope (`graph.py`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

SCOPE_SHARE = 0.6  # schemas scoring at least this share of the best stay in scope ...
MAX_SCOPES = 8  # ... but no more than this many (similar databases are common)
_DECAY = (1.0, 0.5, 0.25)  # weights of a schema's best, second and third table scores
VALUE_NUDGE = 0.1  # each value hit (up to 3) is worth this share of the best table's score:
# enough to order near-equal databases, never enough to outvote what the names say


@dataclass(frozen=True)
class Scope:
    """The schemas in scope (lower-cased), best first, and one line saying why."""

    schemas: tuple[str, ...]
    why: str


def choose_scope(
    schema_of: Sequence[str],
    schema_terms: Mapping[str, frozenset[str]],
    scores: Mapping[int, float],
    value_hits: Mapping[int, int],
    terms: Sequence[str],
    n_schemas: int,
) -> Scope | None:
    """The schemas for this question, or None when there is nothing to narrow (one schema, or
    no table matched)."""
    if n_schemas < 2 or not scores:
        return None
    by_schema: dict[str, list[float]] = {}
    hits: dict[str, int] = {}
    for i, score in scores.items():
        by_schema.setdefault(schema_of[i], []).append(score)
        hits[schema_of[i]] = hits.get(schema_of[i], 0) + value_hits.get(i, 0)
    wanted = set(terms)
    named = {s for s, parts in schema_terms.items() if parts and parts & wanted}
    total: dict[str, float] = {}
    for schema, found in by_schema.items():
        best = sorted(found, reverse=True)
        total[schema] = sum(w * s for w, s in zip(_DECAY, best))
    top_table = max(scores.values())
    for schema in named:  # naming the schema is as strong as naming its best table
        total[schema] = total.get(schema, 0.0) + top_table
    for schema, n in hits.items():
        if schema in total and n:
            total[schema] += VALUE_NUDGE * top_table * min(n, 3)
    order = sorted(total, key=lambda s: (-total[s], -hits.get(s, 0), s))
    top = total[order[0]]
    if top <= 0:
        return None
    kept = tuple(s for s in order if total[s] >= SCOPE_SHARE * top)[:MAX_SCOPES]
    reasons = []
    for s in kept:
        detail = ["named in the question"] if s in named else []
        if hits.get(s):
            detail.append(f"{hits[s]} value hint{'s' if hits[s] > 1 else ''}")
        reasons.append(s + (f" ({', '.join(detail)})" if detail else ""))
    why = f"best-matching of {n_schemas} schemas: " + ", ".join(reasons)
    return Scope(kept, why)
