"""Which verified examples a question's prompt carries, and how they are worded.

The loop asks a chooser for the examples nearest the question and lets through only those whose
SQL passes today's guard against today's catalog and exclusions: an example saved before a column
was hidden or a table excluded must never carry that name to a model. Choosers differ in where
examples come from — the nearest in a store (`NearestExamples`, with what an evaluation withholds
so a scored question never sees its own answer), or exactly those a recorded session used
(`FixedExamples` per question: a suite's own k-shot examples, or a recorded turn's for replay).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Protocol

from agents import prompts
from tools.examples import Example, ExampleIndex, words

Accept = Callable[[Example], bool]


class ExampleChooser(Protocol):
    """Where a loop's examples come from."""

    def choose(self, question: str, accept: Accept) -> list[Example]: ...


@dataclass(frozen=True)
class NearestExamples:
    """The `limit` examples nearest the question in `index`, none of them `withheld`.

    `withheld` holds normalized questions and SQL texts an example must not match: in an
    evaluation, the scored question's own and its gold SQL (no leakage)."""

    index: ExampleIndex
    limit: int = 3
    withheld: frozenset[str] = frozenset()

    def choose(self, question: str, accept: Accept) -> list[Example]:
        def usable(example: Example) -> bool:
            return not example.stale and not leaks(example, self.withheld) and accept(example)

        return self.index.nearest(question, self.limit, usable)

    def withholding(self, question: str, sqls: Sequence[str]) -> NearestExamples:
        """This chooser for one scored question: its question and gold SQL are never shown."""
        return replace(self, withheld=self.withheld | withheld_keys(question, sqls))


@dataclass(frozen=True)
class FixedExamples:
    """Exactly these examples, in this order (a suite question's own k-shot examples, or what a
    recorded turn carried), still each only if it passes and is not withheld."""

    examples: tuple[Example, ...]
    limit: int | None = None
    withheld: frozenset[str] = frozenset()

    def choose(self, question: str, accept: Accept) -> list[Example]:
        chosen = [e for e in self.examples if not e.stale and not leaks(e, self.withheld) and accept(e)]
        return chosen[: self.limit] if self.limit is not None else chosen


@dataclass(frozen=True)
class PerQuestion:
    """A chooser for each question asked (evaluation, where each question has its own database
    and its own withheld answer; replay, where each turn carried its own); none for others."""

    choosers: Mapping[str, ExampleChooser] = field(default_factory=dict)

    def choose(self, question: str, accept: Accept) -> list[Example]:
        chooser = self.choosers.get(question)
        return chooser.choose(question, accept) if chooser is not None else []


def leaks(example: Example, withheld: frozenset[str]) -> bool:
    return bool(withheld) and (normalized(example.question) in withheld or normalized_sql(example.sql) in withheld)


def withheld_keys(question: str, sqls: Sequence[str]) -> frozenset[str]:
    return frozenset({normalized(question), *(normalized_sql(s) for s in sqls)})


def normalized(question: str) -> str:
    """A question's words, so case, punctuation and plurals do not hide a repeat."""
    return "q:" + " ".join(words(question))


def normalized_sql(sql: str) -> str:
    return "s:" + " ".join(sql.lower().replace(";", " ").split())


def examples_section(examples: Sequence[Example]) -> str:
    """The prompt section the examples go in, marked as verified examples and not as the question."""
    if not examples:
        return ""
    blocks = [f"Example {n}: {e.question}\n```sql\n{e.sql}\n```" for n, e in enumerate(examples, start=1)]
    return prompts.EXAMPLES.render(examples="\n\n".join(blocks))
