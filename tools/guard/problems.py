"""What the guard answers: a `Problem` (one reason to refuse), a `Verdict` (the answer for one SQL
text), and the text and hash that approval is bound to.

A leaf: it imports nothing else from the guard or from tools, so every rule module and each
engine's own check (`Database.cross_check`, below the guard) speak in Problems without importing
the rules.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

# The code of every refusal by the engine's own check, whichever engine: the person and the log
# see one code for "the database itself says no", and the engine's words as the message.
ENGINE_REJECTS = "engine_rejects"


@dataclass(frozen=True)
class Problem:
    """One reason to refuse; `message` tells the model what to write instead."""

    code: str
    message: str

    @classmethod
    def from_engine(cls, message: str) -> Problem:
        """A refusal by the engine's own check of the text that runs (`Database.cross_check`)."""
        return cls(ENGINE_REJECTS, message)


@dataclass(frozen=True)
class Verdict:
    """The guard's answer for one SQL text; run `sql` (not `sql_in`) and only when `ok`."""

    ok: bool
    sql_in: str
    sql: str | None
    problems: tuple[Problem, ...]
    tables: tuple[str, ...]
    functions: tuple[str, ...]
    checked: str | None = None  # sqlglot's regeneration of the checked tree (as-typed checks only)

    @property
    def sql_hash(self) -> str | None:
        """Hash of the text that runs; approval is bound to it."""
        return sql_hash(self.sql) if self.sql is not None else None


def typed_text(sql: str) -> str:
    """The text a person typed, as it runs: only surrounding whitespace and trailing semicolons
    go (they end the statement; they are not part of it)."""
    text = sql.strip()
    while text.endswith(";"):
        text = text[:-1].rstrip()
    return text


def sql_hash(sql: str) -> str:
    """sha256 hex of the exact text, so any change to it needs a fresh approval."""
    return hashlib.sha256(sql.encode("utf-8")).hexdigest()
