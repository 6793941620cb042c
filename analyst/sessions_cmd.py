"""`analyst sessions list|show|export`: looking back at logged sessions (replay: analyst/replay_cmd.py)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from agents.outcome import Status
from analyst.config import Config
from analyst.errors import EXIT_OK, UserError
from sessions.statuses import INCOMPLETE

if TYPE_CHECKING:
    from agents.events import Event, ScreenQueryRan, SqlChecked
    from sessions.store import SessionRecord


def load_record(config: Config, ref: str) -> SessionRecord:
    from sessions.store import SessionNotFound, find_session, load_session

    try:
        return load_session(find_session(ref, config.sessions_dir))
    except SessionNotFound as exc:
        raise UserError(str(exc)) from None


def _cost(value: float | None) -> str:
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
_STATUS_WIDTH = 34  # "3 answered, 1 aborted, 1 failed" fits; a longer summary is cut with "…"


def _statuses(record: SessionRecord) -> str:
    """One turn's status, or a count per status for several turns ("2 answered, 1 failed")."""
    from collections import Counter

    counts = Counter[str](t.status or INCOMPLETE for t in record.turns)
    if not counts:
        return "-"
    if len(counts) == 1:
        return next(iter(counts))
    order = sorted(counts, key=lambda s: (_STATUS_ORDER.index(s) if s in _STATUS_ORDER else len(_STATUS_ORDER), s))
    return ", ".join(f"{counts[s]} {s}" for s in order)


def _cut(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def _one_line(text: object) -> str:
    """Logged text made safe for one terminal line: escapes and controls removed, line breaks
    and tabs (also U+2028/U+2029) folded into single spaces."""
    from analyst.render import inert

    return " ".join(inert(str(text)).split())


def run_sessions_list(config: Config, stdout: TextIO | None = None, chosen: Any = None) -> int:
    """One line per session under a header: id, turns, status(es), cost, model, first question;
    `chosen` (a `SessionFilter`) keeps those that match."""
    from sessions.store import list_sessions

    stdout = stdout or sys.stdout
    every = list_sessions(config.sessions_dir)
    records = chosen.apply(every) if chosen is not None else every
    if not records:
        where = f"no sessions in {config.sessions_dir}"
        sys.stderr.write(f"{where} match the filters ({len(every)} in all)\n" if every else f"{where}\n")
        return EXIT_OK
    rows = []
    # on a terminal long cells are cut to keep one line per session; a file keeps them whole
    cut = _cut if stdout.isatty() else (lambda text, width: text)
    for record in records:
        costs = [t.cost_usd for t in record.turns]
        total = None if any(c is None for c in costs) else sum(c or 0 for c in costs)
        rows.append(
            (
                _one_line(record.id),
                str(len(record.turns)),
                cut(_one_line(_statuses(record)), _STATUS_WIDTH),
                _cost(total),
                cut(_one_line(record.model), 40),
                cut(_one_line(record.turns[0].question if record.turns else ""), 60),
            )
        )
    header = ("SESSION", "TURNS", "STATUS", "COST", "MODEL", "FIRST QUESTION")
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header) - 1)]
    right = {1, 3}  # numbers line up on the right
    for row in [header, *rows]:
        cells = [cell.rjust(widths[i]) if i in right else cell.ljust(widths[i]) for i, cell in enumerate(row[:-1])]
        stdout.write("  ".join(cells + [row[-1]]).rstrip() + "\n")
    return EXIT_OK


def run_sessions_show(config: Config, ref: str, stdout: TextIO | None = None) -> int:
    from analyst.render import inert

    stdout = stdout or sys.stdout
    record = load_record(config, ref)
    stdout.write(
        f"session {_one_line(record.id)}\n  file: {_one_line(record.path)}\n  database: {_one_line(record.database)} ({_one_line(record.started.dialect)})\n"
        f"  model: {_one_line(record.model)}\n  started: {_one_line(record.started_at)}\n"
    )
    if record.torn or record.bad_lines:
        stdout.write(f"  note: the log has a torn last line or unreadable lines {list(record.bad_lines)}\n")
    conversation = 1
    for turn in record.turns:
        if turn.conversation != conversation:  # the person started a new conversation (ctrl+n)
            conversation = turn.conversation
            stdout.write(f"\n── new conversation ({conversation}): the turns below do not see the ones above ──\n")
        stdout.write(f"\n[{turn.number}] {_one_line(turn.question)}\n  status: {_one_line(turn.status or INCOMPLETE)}")
        if turn.error:
            kind, message = turn.error.kind, inert(turn.error.message)
            same = kind.value == (turn.status.value if turn.status else None)  # interrupted (interrupted)
            stdout.write(f" ({message})" if same else f" ({kind}: {message})")
        stdout.write(f"\n  tokens: {turn.tokens} · cost: {_cost(turn.cost_usd)}\n")
        stdout.write(_timeline(turn.timeline))
        if turn.answer:
            label = "answer (not from your data: no query backs it)" if turn.grounded is False else "answer"
            stdout.write(f"  {label}: {inert(turn.answer)}\n")
        if turn.rating:
            stdout.write(f"  rated: {_one_line(turn.rating)}\n")
    return EXIT_OK


_CHECKED_WHO = {"model": "the model's SQL", "human": "your SQL"}
_SCREEN_WHAT = {"more": "a page of rows (m/M)", "sample": "table sample", "export": "export (x)"}


def _timeline(events: list[Event]) -> str:
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
            QueryExecuted,
            QueryFailed,
            ScreenQueryRan,
            SqlChecked,
        )

        for event in events:
            if isinstance(event, SqlChecked):
                self._checked(event)
            elif isinstance(event, ApprovalDecided):
                self.out.append(f"  decision: {_one_line(event.decision)} by {_one_line(event.decided_by)}\n")
                if event.feedback:
                    self.out.append(f"    feedback: {_one_line(event.feedback)}\n")
            elif isinstance(event, QueryExecuted):
                self._sql(event.sql, event.hash)
                self.out.append(_rows_line(event.row_count, event.truncated, event.elapsed_ms))
            elif isinstance(event, QueryFailed):
                self._sql(event.sql, event.hash)
                self.out.append(_failure_line(event.kind, event.message, event.elapsed_ms))
            elif isinstance(event, ScreenQueryRan):
                self._screen(event)
            elif isinstance(event, ClarificationRequested):
                self.out.append(f"  model asked: {_one_line(event.question)}\n")
            elif isinstance(event, ClarificationAnswered):
                self.out.append(f"  reply by {_one_line(event.answered_by)}: {_one_line(event.text)}\n")
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

        who = _CHECKED_WHO.get(event.source, _one_line(event.source))
        verdict = f"passed the checks (hash {(event.hash or '')[:12]})" if event.ok else "refused by the checks"
        self.out.append(f"  checked {who}: {verdict}\n")
        self._sql(event.sql_out or event.sql_in, event.hash if event.ok else None)
        if event.source == "human" and event.ok and typed_text(event.sql_in or "") != event.sql_out:
            self.out.append("    (the checked rewrite of what you typed: the database reads your text differently)\n")
            self.out.append("    typed: " + inert(event.sql_in or "").replace("\n", "\n           ") + "\n")
        for problem in event.problems:
            self.out.append(f"    [{_one_line(problem.get('code'))}] {_one_line(problem.get('message'))}\n")

    def _screen(self, event: ScreenQueryRan) -> None:
        what = _SCREEN_WHAT.get(event.purpose, _one_line(event.purpose))
        target = _one_line(event.target) if event.target else ""
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


def run_sessions_export(
    config: Config, refs: list[str], as_: str, out: str | None, stdout: TextIO | None = None
) -> int:
    from agents.prompts import system_prompt
    from sessions.export import chat_entry, is_follow_up, labelled_turns, suite_entry
    from sessions.replay import counted
    from sessions.store import list_sessions

    stdout = stdout or sys.stdout
    records = [load_record(config, ref) for ref in refs] if refs else list_sessions(config.sessions_dir)
    items = labelled_turns(records)
    follow_ups = [i for i in items if is_follow_up(i)] if as_ == "suite" else []
    if follow_ups:  # "and by country?" cannot be asked on its own
        items = [i for i in items if not is_follow_up(i)]
        one = len(follow_ups) == 1
        sys.stderr.write(
            f"skipped {counted(len(follow_ups), 'follow-up turn')}: {'it leans' if one else 'they lean'} on earlier questions of "
            f"{'its' if one else 'their'} session (--as chat keeps {'it' if one else 'them'} with that conversation)\n"
        )
    lines = [
        json.dumps(
            suite_entry(i) if as_ == "suite" else chat_entry(i, system_prompt(i.session.started.dialect, True)),
            ensure_ascii=False,
        )
        for i in items
    ]
    if out:
        _write_whole(Path(out), "".join(line + "\n" for line in lines))
    else:
        stdout.write("".join(line + "\n" for line in lines))
    sys.stderr.write(f"exported {counted(len(lines), 'human-approved turn')} from {counted(len(records), 'session')}\n")
    return EXIT_OK


def _write_whole(path: Path, text: str) -> None:
    """Write all of `text` to `path` or nothing: a temporary file beside it, renamed into place."""
    import os
    import tempfile

    target = path.expanduser()
    if target.is_dir():
        raise UserError(f"cannot write the export to {path}: it is a folder; pass a file name to --out")
    fd = -1
    tmp = None
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            fd = -1
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        if target.exists():  # replacing a file keeps its permissions; a new one is private (0600)
            os.chmod(tmp, target.stat().st_mode & 0o777)
        os.replace(tmp, target)
        tmp = None
    except OSError as exc:
        reason = exc.strerror or str(exc)
        parent = target.parent
        if not parent.exists():
            fix = f"create the folder {parent} first or pass another --out"
        elif not parent.is_dir():
            fix = f"{parent} is a file, not a folder; pass another --out"
        else:
            fix = "pass a writable path to --out"
        raise UserError(f"cannot write the export to {path}: {reason}; {fix}") from None
    finally:
        if fd >= 0:
            os.close(fd)
        if tmp is not None:
            try:
                os.unlink(tmp)
            except OSError:
                pass
