"""The verified examples an evaluation shows (`analyst eval SUITE --examples [N]`), question by question.

Each scored question gets its suite's own k-shot examples when the suite carries them (the
shipped defog questions do), else the nearest examples in its database's store — never an
example whose question is the one being scored or whose SQL is one of its gold queries: a
score earned by being shown the answer measures nothing. What was used goes in the run header,
so `runs compare` can put a run with examples beside one without.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from agents.examples import PerQuestion
    from analyst.config import Config


def eval_examples(config: Config, items: list[Any], databases: Any, count: int) -> tuple[PerQuestion, dict[str, Any]]:
    """A chooser per scored question, and the header entry that says what they were."""
    from agents import prompts
    from agents.examples import ExampleChooser, FixedExamples, NearestExamples, PerQuestion, normalized, withheld_keys
    from analyst.example_files import stored
    from tools.examples import Example, ExampleIndex, Origin
    from tools.examples.example import Source, new_id

    own = any(item.examples for item in items)
    indexes: dict[str | None, ExampleIndex] = {}
    choosers: dict[str, ExampleChooser] = {}
    for item in items:
        withheld = withheld_keys(item.question, item.gold) | {normalized(item.prompt)}
        if own:
            examples = tuple(
                Example(new_id(q, sql), item.db_label, q, sql, Origin.IMPORTED, source=Source.SUITE)
                for q, sql in item.examples
            )
            choosers[item.prompt] = FixedExamples(examples, count, withheld)
            continue
        if item.db not in indexes:
            database = databases.get(item.db)
            indexes[item.db] = ExampleIndex([e for e in stored(config, database) if not e.stale])
        choosers[item.prompt] = NearestExamples(indexes[item.db], count, withheld)
    header = {
        "source": "suite" if own else "store",
        "count": count,
        "stored": sum(len(index.examples) for index in indexes.values()),
        "template": {prompts.EXAMPLES.name: prompts.EXAMPLES.hash},
    }
    return PerQuestion(choosers), header
