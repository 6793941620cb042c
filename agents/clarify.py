"""Clarifying questions: how the model asks the person instead of guessing.

A question like "sales last quarter" can mean several things (fiscal or calendar quarter, gross or
net); a model that picks one silently presents a guess as an answer. So asking is an outcome the
loop knows: with tools the model calls `ask_user`; without tools it starts a line with `CLARIFY:`.
Both are announced in the system prompt (agents/prompts.py).
"""

from __future__ import annotations

import re

from agents.models.base import ToolSpec

ASK_USER = ToolSpec(
    "ask_user",
    "Ask the person one short question when the request is ambiguous or needs a detail only they know "
    "(which year, which metric, what counts as active). Ask instead of guessing; do not ask what the schema answers.",
    {
        "type": "object",
        "properties": {"question": {"type": "string", "description": "One question for the person, in plain words."}},
        "required": ["question"],
    },
)

TEXT_MARKER = "CLARIFY:"
_MARKER = re.compile(r"^[ \t>*_]*CLARIFY[ \t]*:[ \t]*(.*)", re.IGNORECASE | re.MULTILINE | re.DOTALL)


def clarifying_question(text: str) -> str | None:
    """The question of a plain-text reply that asks one (`CLARIFY: which year?`), else None.

    The marker must begin a line, so prose that merely mentions the word does not count; what
    follows it (to the end of the reply) is the question."""
    match = _MARKER.search(text)
    if match is None:
        return None
    question = match.group(1).strip().strip("*_").strip()
    return question or None


def reply_message(text: str) -> str:
    """What the model is told when the person answers its question."""
    return f"The person answered your question: {text.strip()}\nContinue with the original question using this answer."


UNANSWERED = "Nobody can answer questions in this run, so the turn ended with your question unanswered."
