"""Fine-tuning records from approved turns: the exact system prompt and first message the model
saw — schema slice, glossary, verified examples — with the person's approved SQL as the answer.

The prompt text is never logged (ARCHITECTURE.md §3), so it is rebuilt: the recorded question
retrieved again against the recorded database, with the examples the turn recorded. Retrieval is
deterministic, and the log says which tables the slice held and how many tokens it was, so a
rebuilt prompt is checked against both and a turn whose schema has changed since is left out
rather than exported with a prompt the model never saw.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from agents.examples import examples_section
from agents.prompts import QUESTION, SYSTEM, system_prompt
from agents.questions import question_message
from sessions.export import Labelled, exchange, is_follow_up
from tools.catalog import Catalog
from tools.examples import Example, Origin
from tools.tokens import default_budget


@dataclass(frozen=True)
class Skipped:
    """A turn left out of the export, and why (one line for the person)."""

    turn: str
    why: str


def finetune_entry(
    item: Labelled, catalog: Catalog, context_window: int | None, budget: int | None
) -> dict[str, Any] | Skipped:
    """One chat-format record, or why this turn cannot be exported exactly."""
    name = f"{item.session.id} turn {item.turn.number}"
    turn = item.turn
    if is_follow_up(item):
        return Skipped(name, "a follow-up: its prompt held only the schema not shown before")
    if turn.schema is None:
        return Skipped(name, "its log has no schema_retrieved event")
    examples = [
        Example(str(e.get("id", "")), "", str(e["question"]), str(e["sql"]), Origin.IMPORTED)
        for e in turn.examples
        if "question" in e and "sql" in e
    ]
    message = question_message(
        catalog,
        turn.question,
        budget or default_budget(context_window),
        follow_up=False,
        sent_tables=set(),
        examples=examples_section(examples),
    )
    tables = [c.table.qualified for c in message.schema.tables]
    if tables != list(turn.schema.tables) or message.schema.tokens != turn.schema.tokens:
        return Skipped(name, "the schema slice it was shown cannot be rebuilt (the database or the retrieval changed)")
    started = item.session.started
    return {
        "messages": [
            {"role": "system", "content": system_prompt(started.dialect, bool(started.settings.get("tools", True)))},
            {"role": "user", "content": message.text},
            *[
                m
                for q, a in exchange(turn)
                for m in ({"role": "assistant", "content": q}, {"role": "user", "content": a})
            ],
            {"role": "assistant", "content": item.sql},
        ],
        "metadata": {
            "source_session": item.session.id,
            "turn": turn.number,
            "asked_at": turn.started_at,
            "db": item.session.database,
            "database_fingerprint": started.database_fingerprint,
            "model": item.session.model,
            "approved_by": "human",
            "edited": item.edited,
            "rated": turn.rating,
            "schema_tables": tables,
            "schema_tokens": message.schema.tokens,
            "templates": {SYSTEM.name: SYSTEM.hash, QUESTION.name: QUESTION.hash},
            "examples": [{"id": e.get("id"), "hash": e.get("hash")} for e in turn.examples],
        },
    }
