"""A logged session as text on the terminal: one-line cells for `sessions list`, and each turn's
timeline of checks, decisions and queries for `sessions show`.

Everything here comes from a log, so it may hold model or person text: it is made inert (no
escape sequences or controls) before it is printed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from agents.outcome import Status
from sessions.statuses import INCOMPLETE

if TYPE_CHECKING:
    from agents.events import Event, ScreenQueryRan, SqlChecked
    from sessions.store import SessionRecord


def cost_text(value: float | None) -> str:
    """A logged cost; None means a call had no known price or no reported usage — never $0."""
    from agents.budget import usd

    return "unknown" if value is None else usd(value)


# statuses in the order a summary names them: good news first
_STATUS_ORDER: tuple[str, ...] = (
    Status.ANSWERED,
    Status.DRY_RUN,
    Status.NEEDS_CLARIFICATION,
    Status.ABORTED,
    Status.REJECTED,
    Status.FAILED,
    Status.INTERRUPTED,
    INCOMPLETE,
)
STATUS_WIDTH = 34  # "3 answered, 1 aborted, 1 failed" fits; a longer summary is cut with "…"


def status_summary(record: SessionRecord) -> str:
    """One turn's status, or a count per status for several turns ("2 answered, 1 failed")."""
    from collections import Counter

    counts = Counter[str](t.status or INCOMPLETE for t in record.turns)
    if not counts:
        return "-"
    if len(counts) == 1:
        return next(iter(counts))
    order = sorted(counts, key=lambda s: (_STATUS_ORDER.index(s) if s in _STATUS_ORDER else len(_STATUS_ORDER), s))
    return ", ".join(f"{counts[s]} {s}" for s in order)


def cut(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def one_line(text: object) -> str:
    """Logged text made safe for one terminal line: escapes and controls removed, line breaks
    and tabs (also U+2028/U+2029) folded into single spaces, credentials masked (a log written
    by an older analyst, or edited by hand, may hold a password)."""
    from analyst.render import inert
    from tools.redaction import redact_secrets

    return redact_secrets(" ".join(inert(str(text)).split()))


_CHECKED_WHO = {"model": "the model's SQL", "human": "your SQL"}
_SCREEN_WHAT = {"more": "a page of rows (m/M)", "sample": "table sample", "export": "export (x)"}


def timeline(events: list[Event]) -> str:
    """Every attempt of a turn in order: each checked SQL with its verdict (a refused one too),
    each decision, each query that ran or failed, and the queries run from the results after it.
    A query's SQL is printed again only when it is not the SQL just shown."""
    return _Timeline().text(events)


class _Timeline:
    """Writes a turn's timeline, remembering which SQL it printed last."""

    def __init__(self) -> None:
        self.out: list[str] = []
        self.shown: str | None = None  # hash of the SQL printed last

    def text(self, events: list[Event]) -> str:
        from agents.events import (
            ApprovalDecided,
            ClarificationAnswered,
            ClarificationRequested,
            ExamplesUsed,
            QueryExecuted,
            QueryFailed,
            ScreenQueryRan,
            SqlChecked,
        )

        for event in events:
            if isinstance(event, SqlChecked):
                self._checked(event)
            elif isinstance(event, ApprovalDecided):
                self.out.append(f"  decision: {one_line(event.decision)} by {one_line(event.decided_by)}\n")
                if event.feedback:
                    self.out.append(f"    feedback: {one_line(event.feedback)}\n")
            elif isinstance(event, QueryExecuted):
                self._sql(event.sql, event.hash)
                self.out.append(_rows_line(event.row_count, event.truncated, event.elapsed_ms))
            elif isinstance(event, QueryFailed):
                self._sql(event.sql, event.hash)
                self.out.append(_failure_line(event.kind, event.message, event.elapsed_ms))
            elif isinstance(event, ScreenQueryRan):
                self._screen(event)
            elif isinstance(event, ClarificationRequested):
                self.out.append(f"  model asked: {one_line(event.question)}\n")
            elif isinstance(event, ClarificationAnswered):
                self.out.append(f"  reply by {one_line(event.answered_by)}: {one_line(event.text)}\n")
            elif isinstance(event, ExamplesUsed):
                shown = ", ".join(one_line(str(e.get("id"))) for e in event.examples)
                self.out.append(f"  verified examples in the prompt: {shown}\n")
        return "".join(self.out)

    def _sql(self, sql: str | None, digest: str | None) -> None:
        from analyst.render import inert

        if digest and digest == self.shown:
            return
        self.out.append("  sql: " + inert(sql or "").replace("\n", "\n       ") + "\n")
        self.shown = digest or None

    def _checked(self, event: SqlChecked) -> None:
        from analyst.render import inert
        from tools.guard import typed_text

        who = _CHECKED_WHO.get(event.source, one_line(event.source))
        verdict = f"passed the checks (hash {(event.hash or '')[:12]})" if event.ok else "refused by the checks"
        self.out.append(f"  checked {who}: {verdict}\n")
        self._sql(event.sql_out or event.sql_in, event.hash if event.ok else None)
        if event.source == "human" and event.ok and typed_text(event.sql_in or "") != event.sql_out:
            self.out.append("    (the checked rewrite of what you typed: the database reads your text differently)\n")
            self.out.append("    typed: " + inert(event.sql_in or "").replace("\n", "\n           ") + "\n")
        for problem in event.problems:
            self.out.append(f"    [{one_line(problem.get('code'))}] {one_line(problem.get('message'))}\n")

    def _screen(self, event: ScreenQueryRan) -> None:
        what = _SCREEN_WHAT.get(event.purpose, one_line(event.purpose))
        target = one_line(event.target) if event.target else ""
        where = "" if not target else f": {target}" if event.purpose == "more" else f" to {target}"
        self.out.append(f"  ran from the results: {what}{where}\n")
        self._sql(event.sql, event.hash)
        if event.ok:
            self.out.append(_rows_line(event.row_count, event.truncated, event.elapsed_ms))
        else:
            self.out.append(_failure_line(event.error_kind, event.error, event.elapsed_ms))


def _took(ms: float | None) -> str:
    if ms is None:
        return ""
    return f"{ms:.1f} ms" if ms < 10 else f"{ms:.0f} ms"


def _rows_line(count: int | None, truncated: bool, elapsed_ms: float | None) -> str:
    """What a logged query gave: its rows."""
    took = _took(elapsed_ms)
    rows = f"{count} row{'' if count == 1 else 's'}" if count is not None else f"{count} rows"
    return f"  result: {rows}{' (truncated)' if truncated else ''}{' in ' + took if took else ''}\n"


def _failure_line(kind: str | None, message: str | None, elapsed_ms: float | None) -> str:
    """Why a logged query failed (its kind named once, not twice)."""
    from analyst.render import inert

    took = _took(elapsed_ms)
    kind, message = kind or "error", inert(message or "").strip()
    label = "failed" if kind.lower() in message.lower() else f"failed ({kind})"
    message = message.replace("\n", "\n    ")
    return f"  {label}{' after ' + took if took else ''}: {message}\n"
