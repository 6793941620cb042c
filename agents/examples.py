"""Which verified examples a question's prompt carries, and how they are worded.

The loop asks a chooser for the examples nearest the question and lets through only those whose
SQL passes today's guard against today's catalog and exclusions: an example saved before a column
was hidden or a table excluded must never carry that name to a model. Choosers differ in where
examples come from — the nearest in a store (`NearestExamples`, with what an evaluation withholds
so a scored question never sees its own answer), or exactly those a recorded session used
(`RecordedExamples`, for replay).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
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
            if example.stale or self.leaks(example):
                return False
            return accept(example)

        return self.index.nearest(question, self.limit, usable)

    def leaks(self, example: Example) -> bool:
        return normalized(example.question) in self.withheld or normalized_sql(example.sql) in self.withheld

    def withholding(self, question: str, sqls: Sequence[str]) -> NearestExamples:
        """This chooser for one scored question: its question and gold SQL are never shown."""
        keys = {normalized(question), *(normalized_sql(s) for s in sqls)}
        return NearestExamples(self.index, self.limit, frozenset(keys))


@dataclass(frozen=True)
class RecordedExamples:
    """The examples a recorded session's turns carried, by question, in their recorded order."""

    by_question: Mapping[str, Sequence[Example]] = field(default_factory=dict)

    def choose(self, question: str, accept: Accept) -> list[Example]:
        return [e for e in self.by_question.get(question, ()) if accept(e)]


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
