"""Curating question→SQL data: how hard a query is by its structure, and which questions repeat.

A suite or an example store is only as good as its labels: two wordings of one question weigh it
twice in a score (and leak between examples and scored questions), and an accuracy figure means
little without the mix of difficulty behind it. Difficulty follows the SQL's structure, as
Spider's hardness levels do: joins, subqueries, window functions and set operations.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

import sqlglot
from rapidfuzz import fuzz
from sqlglot import exp

from tools.examples.similarity import words

NEAR_DUPLICATE = 85.0  # rapidfuzz token_sort_ratio of two questions' content words, 0-100 ...
NEAR_SHARED = 0.6  # ... and the share of their distinct words they have in common (Jaccard)


class Tier(StrEnum):
    EASY = "easy"
    MEDIUM = "medium"
    HARD = "hard"
    EXTRA = "extra"
    UNPARSED = "unparsed"


@dataclass(frozen=True)
class Structure:
    """What makes a query hard to write: counts of its joins, subqueries, windows, set operations
    and aggregations (GROUP BY / aggregate functions)."""

    joins: int
    subqueries: int
    windows: int
    set_operations: int
    aggregates: bool

    @property
    def tier(self) -> Tier:
        hard_parts = (self.joins >= 3) + (self.subqueries > 0) + (self.windows > 0) + (self.set_operations > 0)
        if hard_parts >= 2 or self.subqueries >= 2:
            return Tier.EXTRA
        if hard_parts == 1:
            return Tier.HARD
        if self.joins or self.aggregates:
            return Tier.MEDIUM
        return Tier.EASY


def structure(sql: str, dialect: str = "duckdb") -> Structure | None:
    """The structure of one query (None when sqlglot cannot parse it)."""
    try:
        tree = sqlglot.parse_one(sql, read=dialect)
    except sqlglot.errors.ParseError:
        return None
    if tree is None:
        return None
    branches = (exp.Union, exp.Intersect, exp.Except)
    subqueries = sum(1 for s in tree.find_all(exp.Select) if s is not tree and not isinstance(s.parent, branches))
    return Structure(
        joins=sum(1 for _ in tree.find_all(exp.Join)),
        subqueries=subqueries,
        windows=sum(1 for _ in tree.find_all(exp.Window)),
        set_operations=sum(1 for _ in tree.find_all(*branches)),
        aggregates=tree.find(exp.Group) is not None or tree.find(exp.AggFunc) is not None,
    )


def tier(sql: str, dialect: str = "duckdb") -> Tier:
    shape = structure(sql, dialect)
    return shape.tier if shape is not None else Tier.UNPARSED


@dataclass(frozen=True)
class Duplicate:
    """Two entries (by index) whose questions are the same (`exact`) or nearly (`score` >= 90)."""

    first: int
    second: int
    score: float
    exact: bool


def duplicates(questions: list[str]) -> list[Duplicate]:
    """Exact repeats (the same content words) and near ones: nearly the same text once sorted, and
    most words shared ("rating above 4.0" and "rating above 4"; not "revenue by region" and
    "revenue by region for enterprise customers"). Near ones are for a person to judge."""
    keys = [" ".join(words(q)) for q in questions]
    out: list[Duplicate] = []
    first_of: dict[str, int] = {}  # each distinct wording's first entry
    for i, key in enumerate(keys):
        if key in first_of:
            out.append(Duplicate(first_of[key], i, 100.0, True))
            continue
        for other, j in first_of.items():
            score = fuzz.token_sort_ratio(other, key)
            if score >= NEAR_DUPLICATE and _shared(other, key) >= NEAR_SHARED:
                out.append(Duplicate(j, i, round(score, 1), False))
        first_of[key] = i
    return out


def _shared(a: str, b: str) -> float:
    left, right = set(a.split()), set(b.split())
    return len(left & right) / len(left | right) if left | right else 1.0
