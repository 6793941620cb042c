"""One verified example and its provenance: the question, the SQL, and how a person vouched for it.

Provenance is what separates a verified query repository from a cache of whatever ran: a team
reviewing its examples must see who approved each, how (as proposed, edited, rated good,
imported), when, from which session turn, and against which schema, so a stale or doubtful one
can be traced and removed.
"""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass, replace
from enum import StrEnum
from typing import Any

from tools.catalog import Catalog
from tools.redaction import redact_secrets


class Origin(StrEnum):
    """How a person vouched for an example (the value is what the files carry)."""

    APPROVED = "approved"  # approved as the model proposed it
    EDITED = "edited"  # the person's own edit ran
    RATED_GOOD = "rated_good"  # rated good after it ran (the TUI's `y`)
    ADDED = "added"  # written by hand: `analyst examples add`
    IMPORTED = "imported"  # from a file, a suite or a session export


class Source(StrEnum):
    """Where an example was read from: the personal store, or the team file beside the database."""

    STORE = "store"
    TEAM = "team"
    SUITE = "suite"  # an eval suite's own k-shot examples, never stored


@dataclass(frozen=True)
class Example:
    """A verified question→SQL pair for one database.

    `id` is stable across edits of other fields (the content hash names the exact text a prompt
    carried); `stale` is set by `examples check` when the SQL no longer passes the guard on the
    current schema, and a stale example is never used."""

    id: str
    database: str
    question: str
    sql: str
    origin: Origin
    approved_by: str = ""
    at: str = ""
    session: str = ""
    turn: int = 0
    schema_fingerprint: str = ""
    stale: str = ""  # why it no longer holds ("" while it does)
    source: Source = Source.STORE

    @property
    def hash(self) -> str:
        """The content a prompt carries: a changed question or SQL is a different example."""
        return content_hash(self.question, self.sql)

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data.pop("source")
        data["origin"] = str(self.origin)
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any], source: Source = Source.STORE) -> Example:
        """An example from a file line; raises KeyError/ValueError on a line without its fields."""
        question, sql = str(data["question"]).strip(), str(data["sql"]).strip()
        if not question or not sql:
            raise ValueError("an example needs a question and its SQL")
        return cls(
            id=str(data.get("id") or new_id(question, sql)),
            database=str(data.get("database", "")),
            question=question,
            sql=sql,
            origin=Origin(data.get("origin", Origin.IMPORTED)),
            approved_by=str(data.get("approved_by", "")),
            at=str(data.get("at", "")),
            session=str(data.get("session", "")),
            turn=int(data.get("turn", 0)),
            schema_fingerprint=str(data.get("schema_fingerprint", "")),
            stale=str(data.get("stale", "")),
            source=source,
        )

    def marked(self, stale: str) -> Example:
        return replace(self, stale=stale)


def content_hash(question: str, sql: str) -> str:
    return hashlib.sha256(f"{question.strip()}\n{sql.strip()}".encode()).hexdigest()[:12]


def new_id(question: str, sql: str) -> str:
    """A short id derived from the content, so importing the same pair twice finds the first."""
    return "ex-" + content_hash(question, sql)[:8]


def database_identity(uri: str, path: str | None = None) -> str:
    """The name examples are filed under: the resolved file path, or the connection URL with any
    credential masked, so no password is ever written into an example file or its name."""
    return path if path else redact_secrets(uri)


def schema_fingerprint(catalog: Catalog) -> str:
    """The shape an example was verified against (tables, columns, types), not the data: row
    counts change every day, a dropped column is what makes an example stale."""
    digest = hashlib.sha256()
    for table in sorted(catalog.tables, key=lambda t: t.qualified):
        digest.update(table.qualified.encode())
        for column in table.columns:
            digest.update(f"\x1f{column.name}\x1e{column.type}".encode())
        digest.update(b"\n")
    return digest.hexdigest()[:16]
