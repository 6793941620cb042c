"""A logged session as text on the terminal: one-line cells for `sessions list`, and each turn's
timeline of checks, decisions and queries for `sessions show`.

Everything here comes from a log, so it may hold model or person text: it is made inert (no
escape sequences or controls) before it is printed.
"""

from __future__ import annotations

from typing import Any


def cost_text(value: float | None) -> str:
    """A logged cost; None means a call had no known price or no reported usage — never $0."""
    from agents.budget import usd

    return "unknown" if value is None else usd(value)


# statuses in the order a summary names them: good news first
_STATUS_ORDER = (
    "answered",
    "dry_run",
    "needs_clarification",
    "aborted",
    "rejected",
    "failed",
    "interrupted",
    "incomplete",
)
STATUS_WIDTH = 34  # "3 answered, 1 aborted, 1 failed" fits; a longer summary is cut with "…"


def status_summary(record: Any) -> str:
    """One turn's status, or a count per status for several turns ("2 answered, 1 failed")."""
    from collections import Counter

    counts = Counter(t.status or "incomplete" for t in record.turns)
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
    and tabs (also U+2028/U+2029) folded into single spaces."""
    from analyst.render import inert

    return " ".join(inert(str(text)).split())


_CHECKED_WHO = {"model": "the model's SQL", "human": "your SQL"}
_SCREEN_WHAT = {"more": "a page of rows (m/M)", "sample": "table sample", "export": "export (x)"}


def timeline(events: list[dict[str, Any]]) -> str:
    """Every attempt of a turn in order: each checked SQL with its verdict (a refused one too),
    each decision, each query that ran or failed, and the queries run from the results after it.
    A query's SQL is printed again only when it is not the SQL just shown."""
    from analyst.render import inert
    from tools.guard import typed_text

    out: list[str] = []
    shown: str | None = None  # hash of the SQL printed last

    def sql_line(sql: object, digest: object) -> None:
        nonlocal shown
        if digest and digest == shown:
            return
        out.append("  sql: " + inert(str(sql or "")).replace("\n", "\n       ") + "\n")
        shown = str(digest) if digest else None

    for event in events:
        kind = event.get("type")
        if kind == "sql_checked":
            who = _CHECKED_WHO.get(str(event.get("source")), one_line(event.get("source")))
            verdict = (
                f"passed the checks (hash {str(event.get('hash') or '')[:12]})"
                if event.get("ok")
                else "refused by the checks"
            )
            out.append(f"  checked {who}: {verdict}\n")
            sql_line(event.get("sql_out") or event.get("sql_in"), event.get("hash") if event.get("ok") else None)
            if (
                event.get("source") == "human"
                and event.get("ok")
                and typed_text(str(event.get("sql_in") or "")) != event.get("sql_out")
            ):
                out.append("    (the checked rewrite of what you typed: the database reads your text differently)\n")
                out.append("    typed: " + inert(str(event.get("sql_in") or "")).replace("\n", "\n           ") + "\n")
            for problem in event.get("problems") or []:
                out.append(f"    [{one_line(problem.get('code'))}] {one_line(problem.get('message'))}\n")
        elif kind == "approval_decided":
            out.append(f"  decision: {one_line(event.get('decision'))} by {one_line(event.get('decided_by'))}\n")
            if event.get("feedback"):
                out.append(f"    feedback: {one_line(event.get('feedback'))}\n")
        elif kind in ("query_executed", "query_failed"):
            sql_line(event.get("sql"), event.get("hash"))
            out.append(_query_result(event))
        elif kind == "screen_query_ran":
            what = _SCREEN_WHAT.get(str(event.get("purpose")), one_line(event.get("purpose")))
            target = one_line(event.get("target")) if event.get("target") else ""
            where = "" if not target else f": {target}" if event.get("purpose") == "more" else f" to {target}"
            out.append(f"  ran from the results: {what}{where}\n")
            sql_line(event.get("sql"), event.get("hash"))
            if event.get("ok"):
                out.append(
                    _query_result(
                        {
                            "row_count": event.get("row_count"),
                            "truncated": event.get("truncated"),
                            "elapsed_ms": event.get("elapsed_ms"),
                        }
                    )
                )
            else:
                out.append(
                    _query_result(
                        {
                            "type": "query_failed",
                            "kind": event.get("error_kind"),
                            "message": event.get("error"),
                            "elapsed_ms": event.get("elapsed_ms"),
                        }
                    )
                )
        elif kind == "clarification_requested":
            out.append(f"  model asked: {one_line(event.get('question'))}\n")
        elif kind == "clarification_answered":
            out.append(f"  reply by {one_line(event.get('answered_by'))}: {one_line(event.get('text'))}\n")
    return "".join(out)


def _query_result(query: dict[str, Any]) -> str:
    """What a logged query gave: its rows, or why it failed (kind named once, not twice)."""
    from analyst.render import inert

    ms = query.get("elapsed_ms")
    took = (
        f"{ms:.1f} ms"
        if isinstance(ms, (int, float)) and ms < 10
        else f"{ms:.0f} ms"
        if isinstance(ms, (int, float))
        else ""
    )
    if query.get("type") == "query_failed":
        kind, message = str(query.get("kind") or "error"), inert(str(query.get("message") or "")).strip()
        label = "failed" if kind.lower() in message.lower() else f"failed ({kind})"
        message = message.replace("\n", "\n    ")
        return f"  {label}{' after ' + took if took else ''}: {message}\n"
    count = query.get("row_count")
    rows = f"{count} row{'' if count == 1 else 's'}" if isinstance(count, int) else f"{count} rows"
    return f"  result: {rows}{' (truncated)' if query.get('truncated') else ''}{' in ' + took if took else ''}\n"
