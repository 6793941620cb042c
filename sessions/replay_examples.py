"""What a replay does with the verified examples a recorded turn carried: carry the same ones
again (the store may have changed since; the log holds each example's text), and note any that
today's guard refuses on the database replayed against."""

from __future__ import annotations

from agents.examples import ExampleChooser, FixedExamples, PerQuestion
from sessions.store import TurnRecord


def recorded_examples(turns: list[TurnRecord]) -> PerQuestion:
    """The verified examples each recorded turn carried, to carry again (the store may have
    changed since; what the model was shown is in the log)."""
    from tools.examples import Example, Origin
    from tools.examples.example import Source

    by_question: dict[str, ExampleChooser] = {}
    for turn in turns:
        if turn.examples and turn.question not in by_question:
            examples = tuple(
                Example(
                    str(e.get("id", "")), "", str(e["question"]), str(e["sql"]), Origin.IMPORTED, source=Source.STORE
                )
                for e in turn.examples
                if "question" in e and "sql" in e
            )
            by_question[turn.question] = FixedExamples(examples)
    return PerQuestion(by_question)


def examples_notes(recorded: TurnRecord, replayed: TurnRecord) -> list[str]:
    """A recorded example the replay could not show (today's guard refuses it on this database)."""
    shown = {e.get("hash") for e in replayed.examples}
    missing = [str(e.get("id")) for e in recorded.examples if e.get("hash") not in shown]
    if not missing:
        return []
    return [f"turn {recorded.number}: verified example(s) {', '.join(missing)} not shown (the guard refuses them here)"]
