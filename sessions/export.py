"""Export turns a person approved as eval suite entries or fine-tuning chat examples.

The person is the labeller: only turns whose SQL a human approved or edited (and did not rate
bad) are exported. Policy-approved turns are not labels, they are the model grading itself.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from agents.events import ApprovalDecided, ClarificationRequested
from agents.outcome import Status
from sessions.store import SessionRecord, TurnRecord


@dataclass(frozen=True)
class Labelled:
    session: SessionRecord
    turn: TurnRecord
    sql: str
    edited: bool


def labelled_turns(records: Iterable[SessionRecord]) -> list[Labelled]:
    out = []
    for record in records:
        for turn in record.turns:
            if turn.status is not Status.ANSWERED or not turn.executed or turn.rating == "bad" or turn.direct:
                continue
            executed_hashes = {e.hash for e in turn.executed}
            human = [
                d
                for d in turn.decisions
                if d.decided_by == "human" and d.decision in ("approve", "edit") and _ran_hash(d) in executed_hashes
            ]
            if not human:
                continue
            final_hash = _ran_hash(human[-1])
            sql = next(e.sql for e in turn.executed if e.hash == final_hash)
            out.append(Labelled(record, turn, sql, any(d.decision == "edit" for d in human)))
    return out


def _ran_hash(decision: ApprovalDecided) -> str | None:
    """The hash of the SQL a decision let run: the edit's, or the one approved."""
    return decision.edited_hash if decision.decision == "edit" else decision.hash


def is_follow_up(item: Labelled) -> bool:
    """Asked after other questions of the same conversation, so it may lean on them ("and by
    country?"): not a question an eval can ask on its own."""
    return item.turn.number > 1


def exchange(turn: TurnRecord) -> list[tuple[str, str]]:
    """The model's clarifying questions in a turn, each with the person's reply."""
    pairs: list[tuple[str, str]] = []
    asked = None
    for event in turn.clarifications:
        if isinstance(event, ClarificationRequested):
            asked = event.question
        elif asked is not None:
            pairs.append((asked, event.text))
            asked = None
    return pairs


def clarified_question(turn: TurnRecord) -> str:
    """The question with the person's answers to the model's questions: the approved SQL rests on
    them, and an eval cannot ask, so a suite entry must carry them to be answerable."""
    pairs = exchange(turn)
    if not pairs:
        return turn.question
    return turn.question + "".join(f"\n(Asked: {q} Answer: {a})" for q, a in pairs)


def suite_entry(item: Labelled) -> dict[str, Any]:
    return {
        "id": f"{item.session.id}-t{item.turn.number}",
        "db": item.session.database,
        "question": clarified_question(item.turn),
        "gold_sql": item.sql,
        "source_session": item.session.id,
        "edited": item.edited,
        "rated": item.turn.rating,
    }


def chat_entry(item: Labelled, system: str) -> dict[str, Any]:
    """One fine-tuning example; a follow-up carries the conversation before it (each earlier
    question with the SQL that ran for it, or its text answer), as the model saw it then."""
    earlier: list[dict[str, str]] = []
    for turn in item.session.turns:
        if turn.number >= item.turn.number:
            break
        reply = turn.sql or turn.answer
        if reply:
            earlier += [{"role": "user", "content": turn.question}, {"role": "assistant", "content": reply}]
    return {
        "messages": [
            {"role": "system", "content": system},
            *earlier,
            {"role": "user", "content": item.turn.question},
            *[
                m
                for q, a in exchange(item.turn)
                for m in ({"role": "assistant", "content": q}, {"role": "user", "content": a})
            ],
            {"role": "assistant", "content": item.sql},
        ],
        "metadata": {
            "source_session": item.session.id,
            "turn": item.turn.number,
            "db": item.session.database,
            "model": item.session.model,
            "edited": item.edited,
        },
    }
