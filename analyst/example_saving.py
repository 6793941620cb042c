"""Approved answers become verified examples: `ask --save-example`, the TUI's `y`, `save_examples`.

A turn becomes an example only when a person let its SQL run (approved or edited it, never a
policy) and the turn ended answered — the same rule `sessions export` uses for labels
(sessions/export.py) — so nothing the model merely proposed or graded itself is learned from.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from analyst.config import Config


def save_approved(config: Config, database: Any, session_path: Path, *, last: bool = False) -> list[str]:
    """Save the approved, answered turns of a logged session (or only its `last` turn) as
    examples of `database`; returns one line per turn saved or refused, for the person."""
    from analyst.example_files import new_example, store_for
    from sessions.export import labelled_turns
    from sessions.store import load_session

    record = load_session(session_path)
    labelled = {item.turn.number: item for item in labelled_turns([record])}
    turns = list(record.turns[-1:] if last else record.turns)
    store = store_for(config, database)
    lines = []
    for turn in turns:
        item = labelled.get(turn.number)
        if item is None:
            lines.append(f"not saved as an example: {_why_not(turn)}")
            continue
        origin = "edited" if item.edited else ("rated_good" if turn.rating == "good" else "approved")
        example = new_example(database, turn.question, item.sql, origin, session=record.id, turn=turn.number)
        kept, added = store.add(example)
        lines.append(f"saved as example {kept.id}" if added else f"already an example: {kept.id}")
    return lines


def _why_not(turn: Any) -> str:
    from agents.outcome import Status

    if turn.status is not Status.ANSWERED or not turn.executed:
        return f"the turn ended {turn.status or 'unfinished'}, not answered from a query"
    if turn.rating == "bad":
        return "it was rated bad"
    return "no person approved its SQL (a policy such as --approve auto is not a verification)"
