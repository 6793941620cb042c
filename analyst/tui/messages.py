"""Messages that workers post to the app; handlers on the app own every state change.

Messages about a run carry its `generation`: the app drops those whose generation is no longer
current, which is how a cancelled (abandoned) step's late reports disappear.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

from textual.message import Message

if TYPE_CHECKING:
    from agents.events import Event
    from agents.outcome import Clarification, Outcome, Pending
    from analyst.tui.paging import PageJob
    from sessions.session import Session
    from tools.databases.base import QueryError, QueryResult


@dataclass
class SessionReady(Message):
    """The session log is open and the catalog is loaded."""

    session: Session


@dataclass
class SessionFailed(Message):
    message: str


@dataclass
class LoopEventPosted(Message):
    """One loop event (agents/events.py), as the session log received it."""

    event: Event
    generation: int


@dataclass
class TextStreamed(Message):
    """A piece of model text as it arrives; `purpose` is `think` or `summarize`."""

    purpose: str
    delta: str
    generation: int


@dataclass
class ResultArrived(Message):
    """The rows of a query the loop ran for the model (`run_sql`), right after it ran."""

    sql: str
    sql_hash: str
    result: QueryResult
    generation: int


@dataclass
class StepWaiting(Message):
    """A new step waits for a cancelled one that is still finishing its model call."""

    generation: int


@dataclass
class StepFinished(Message):
    """The loop paused for approval (`Pending`) or ended the turn (`Outcome`)."""

    result: Pending | Clarification | Outcome
    generation: int


@dataclass
class StepCrashed(Message):
    """The loop raised something unexpected; shown as a notice, never a crash."""

    message: str
    generation: int


@dataclass
class AnswerRatedLogged(Message):
    verdict: str


@dataclass
class SideQueryFinished(Message):
    """A query of the results panel's own (a table sample) finished; `outcome` may be an error."""

    bubble: ClassVar[bool] = False

    purpose: str  # "sample"
    title: str
    sql: str
    outcome: QueryResult | QueryError
    max_rows: int


@dataclass
class ExportProgressed(Message):
    bubble: ClassVar[bool] = False
    rows: int


@dataclass
class ExportFinished(Message):
    bubble: ClassVar[bool] = False
    path: str
    rows: int
    error: str | None


@dataclass
class PageProgressed(Message):
    """Rows read so far by a page fetch (the rows before the page are read and dropped)."""

    bubble: ClassVar[bool] = False
    job: PageJob
    rows: int


@dataclass
class PageFinished(Message):
    bubble: ClassVar[bool] = False
    job: PageJob
    result: QueryResult | None  # None with `error`
    error: str | None
