"""`analyst suite check`: is a suite's gold data sound before anyone is scored against it?

Every gold alternative must run (through the guard, within the limits, as scoring runs it) and
give the same rows twice; an ordered, limited gold must not cut through a tie (its top-k would
then be one of several right answers, and a model choosing another would be marked wrong);
repeated and near-repeated questions weigh one question twice; and each question gets a
difficulty tier from its gold's structure, so an accuracy can be read by tier.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from sessions.evaluation.suite import SuiteItem
from tools.databases.base import Database, Limits, QueryError
from tools.examples.curation import Duplicate, Tier, duplicates, tier
from tools.fingerprint import has_top_level_order, result_fingerprint


@dataclass(frozen=True)
class ItemCheck:
    """What is wrong with one question's gold (`problems`; empty when sound) and its tier."""

    id: str
    tier: Tier
    problems: tuple[str, ...] = ()
    nondeterministic: tuple[str, ...] = ()  # it runs, but its rows are not one answer

    @property
    def sound(self) -> bool:
        return not self.problems and not self.nondeterministic


@dataclass(frozen=True)
class SuiteCheck:
    items: tuple[ItemCheck, ...]
    duplicates: tuple[Duplicate, ...] = field(default=())

    def to_json(self, suite_items: Sequence[SuiteItem]) -> dict[str, Any]:
        tiers: dict[str, int] = {}
        for item in self.items:
            tiers[item.tier] = tiers.get(item.tier, 0) + 1
        return {
            "questions": len(self.items),
            "sound": sum(i.sound for i in self.items),
            "failing": [{"id": i.id, "problems": list(i.problems)} for i in self.items if i.problems],
            "nondeterministic": [
                {"id": i.id, "why": list(i.nondeterministic)} for i in self.items if i.nondeterministic
            ],
            "duplicates": [
                {
                    "first": suite_items[d.first].id,
                    "second": suite_items[d.second].id,
                    "exact": d.exact,
                    "score": d.score,
                }
                for d in self.duplicates
            ],
            "tiers": tiers,
            "by_id": {i.id: str(i.tier) for i in self.items},
        }


def check_suite(
    items: Sequence[SuiteItem], database_for: Callable[[SuiteItem], Database], limits: Limits
) -> SuiteCheck:
    """Check every question's gold on its database, and the questions against each other."""
    checked = tuple(check_item(item, database_for(item), limits) for item in items)
    found = duplicates([item.question for item in items])  # instructions shared by a whole set are not the question
    dups = tuple(
        d if items[d.first].instructions == items[d.second].instructions else replace(d, exact=False)
        for d in found
        if items[d.first].db == items[d.second].db  # a repeat on another database is another question
    )
    return SuiteCheck(checked, dups)


def check_item(item: SuiteItem, database: Database, limits: Limits) -> ItemCheck:
    from sessions.evaluation.comparison.canonical import canonical_columns
    from sessions.evaluation.comparison.order_keys import gold_shape
    from sessions.evaluation.comparison.ties import tie_cut
    from sessions.evaluation.scoring import _run_gold

    level = tier(item.gold[0], database.dialect) if item.gold else Tier.UNPARSED
    problems: list[str] = []
    unsteady: list[str] = []
    for n, gold in enumerate(item.gold, start=1):
        name = f"gold {n}" if len(item.gold) > 1 else "the gold"
        first = _run_gold(database, gold, limits)
        if isinstance(first, QueryError):
            problems.append(
                f"{name} {'timed out' if first.kind == 'timeout' else 'fails'}: {first.message.splitlines()[0]}"
            )
            continue
        second = _run_gold(database, gold, limits)
        ordered = has_top_level_order(gold, database.dialect)
        if isinstance(second, QueryError) or result_fingerprint(first, ordered) != result_fingerprint(second, ordered):
            unsteady.append(f"{name} returned different rows on two runs")
            continue
        shape = gold_shape(gold, database.dialect, first.columns)
        if shape.past_limit_sql is None or not shape.keys:
            continue
        past = _run_gold(database, shape.past_limit_sql, limits)
        if isinstance(past, QueryError):
            continue
        g, rest = canonical_columns([first, past])
        if tie_cut(g, rest, shape.keys) is not None:
            unsteady.append(f"{name} cuts through a tie at its LIMIT: rows past it sort equal to its last row")
    return ItemCheck(item.id, level, tuple(problems), tuple(unsteady))
