"""The message that carries a question to the model, with the schema slice retrieved for it.

The first question of a conversation carries its schema slice and the catalog's glossary and
instructions. A follow-up carries only schema the conversation has not shown yet, so a long
conversation does not resend the same DDL every turn; its first-turn form is still kept, because
it becomes the first message again once earlier turns are dropped to fit the context window.
"""

from __future__ import annotations

from dataclasses import dataclass

from agents import prompts
from tools.catalog import Catalog
from tools.retrieval import SchemaSlice, retrieve


@dataclass(frozen=True)
class QuestionMessage:
    """What to send for a question now, its first-turn form, and the schema slice behind both."""

    text: str
    standalone: str  # the question with the whole slice and context, as on a first turn
    schema: SchemaSlice
    tables: frozenset[str]  # qualified names of the tables in `schema`


def question_message(
    catalog: Catalog, question: str, budget: int, follow_up: bool, sent_tables: set[str], examples: str = ""
) -> QuestionMessage:
    """Retrieve the slice for `question` within `budget` tokens and word the message; no side effects.

    `sent_tables` are the tables earlier turns already showed; a follow-up repeats no schema
    unless the slice has a table outside them. `examples` is the verified-examples section
    (agents/examples.py), carried by first questions and follow-ups alike.
    """
    chosen = retrieve(catalog, question, budget)
    names = frozenset(c.table.qualified for c in chosen.tables)
    note = "all tables" if chosen.whole else f"the {len(names)} most relevant of {len(catalog.tables)} tables"
    if chosen.omitted_columns:  # the model must know what it has not seen, not assume it is absent
        note += "; only the columns this question seems to need, each table's header names the rest (describe_table)"
    full = prompts.QUESTION.render(
        question=question, schema_note=note, schema=chosen.ddl, context=context_section(catalog) + examples
    )
    if not follow_up:
        return QuestionMessage(full, full, chosen, names)
    schema_part = f"More schema that may help:\n{chosen.ddl}" if names - sent_tables else ""
    schema_part = f"{schema_part}\n{examples}" if schema_part and examples else schema_part or examples
    return QuestionMessage(prompts.FOLLOW_UP.render(question=question, schema_part=schema_part), full, chosen, names)


def context_section(catalog: Catalog) -> str:
    """The glossary and instructions every first question carries (`analyst schema --for` shows
    the same text, so what it prints is what the model reads)."""
    parts = []
    ctx = catalog.context
    if ctx.glossary:
        parts.append(f"Glossary:\n{ctx.glossary}")
    if ctx.instructions:
        parts.append(f"Instructions:\n{ctx.instructions}")
    return "\n".join(parts) + ("\n" if parts else "")
