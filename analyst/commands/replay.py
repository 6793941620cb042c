"""`analyst replay`: a logged session re-run offline from its log, or re-asked with another model."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from analyst.commands.arguments import add_query_flags
from analyst.errors import EXIT_NOT_ANSWERED, EXIT_OK, UserError

if TYPE_CHECKING:
    import threading
    from collections.abc import Callable

    from agents.decisions import Decision
    from agents.events import Event
    from agents.loop import AnalystLoop
    from agents.outcome import Pending
    from agents.settings import Settings
    from analyst.config import Config
    from sessions.replay import ReaskRow
    from sessions.store import SessionRecord
    from tools.databases.base import Database


def register(parser: argparse.ArgumentParser) -> None:
    parser.description = "Replay a session from its log alone (recorded model responses and decisions) and report 'identical' or the first divergence; with --model, re-ask each question with a live model and diff SQL and results."
    parser.add_argument("session", metavar="SESSION", help="a session id (or unique prefix) or a .jsonl path")
    parser.add_argument(
        "--approve",
        choices=("auto", "never"),
        default="auto",
        help="with --model: run what the checks accept (auto, default) or dry run",
    )
    add_query_flags(parser)


def run(args: argparse.Namespace, config: Config) -> int:
    return run_replay(config, args.session, db=args.db, model_name=args.model, approve=args.approve)


def run_replay(
    config: Config, ref: str, *, db: str | None, model_name: str | None, approve: str, stdout: TextIO | None = None
) -> int:
    """Offline replay (identical / first divergence), or a live re-ask with `--model`.

    Exit 0 when every turn that could be replayed was, identically; 1 when one diverged, the log
    is truncated, or no turn could be replayed (each was interrupted when recorded)."""
    from analyst.wiring import load_logged_session, recorded_settings
    from sessions.replay import counted, reask_session, replay_session, replayable_turns
    from tools.redaction import is_mysql_url, is_postgres_url

    stdout = stdout or sys.stdout
    record = load_logged_session(config, ref)
    target = db or record.database
    if not db and not (is_postgres_url(target) or is_mysql_url(target)) and not Path(target).exists():
        raise UserError(f"the recorded database {target} is not here; pass --db PATH to replay against another copy")
    database = _open_asking_password(config, target)
    try:
        settings = recorded_settings(config, record)
        if model_name:
            return _reask(config, record, database, settings, model_name, approve, stdout, reask_session)
        turns = [t.number for t in replayable_turns(record)]
        with QueryProgress(sys.stderr, settings.limits.timeout_s, turns) as progress:
            report = replay_session(record, database, settings, emit=progress.on_event)
    finally:
        database.close()
    for note in report.notes:
        sys.stderr.write(f"note: {note}\n")
    if report.divergence is not None:
        stdout.write(f"diverged: {report.divergence.describe()}\n")
        return EXIT_NOT_ANSWERED
    if report.turns_replayed == 0:
        skipped = f"{'turn' if len(report.interrupted) == 1 else 'turns'} {', '.join(map(str, report.interrupted))}"
        why = (
            f"{skipped} {'was' if len(report.interrupted) == 1 else 'were'} interrupted when recorded"
            if report.interrupted
            else "the log has no complete turn"
        )
        stdout.write(f"nothing replayed: {why}, so session {record.id} cannot be compared\n")
        return EXIT_NOT_ANSWERED
    stdout.write(
        f"identical: {counted(report.turns_replayed, 'turn')} of session {record.id} replayed with the same decisions, SQL, results and statuses"
    )
    if report.interrupted:
        one = len(report.interrupted) == 1
        stdout.write(
            f" ({'turn' if one else 'turns'} {', '.join(map(str, report.interrupted))} {'was' if one else 'were'} interrupted when recorded and not replayed)"
        )
    stdout.write("\n")
    return EXIT_OK if not report.incomplete else EXIT_NOT_ANSWERED


class QueryProgress:
    """Says on stderr that a replayed query is still running, once it has run for `after` seconds.

    Replay emits nothing between a decision to run SQL and the query's result, so a slow query
    (up to the recorded time limit) would otherwise look like a hang."""

    after = 2.0  # seconds before the first line
    every = 5.0  # seconds between further lines

    def __init__(self, stream: TextIO, timeout_s: float, turns: list[int]) -> None:
        self._stream = stream
        self._timeout_s = timeout_s
        self._turns = turns  # the recorded number of each turn the replay asks, in order
        self._asked = 0
        self._running: threading.Event | None = None  # set while a query runs

    def __enter__(self) -> QueryProgress:
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop()

    def on_event(self, event: Event) -> None:
        from agents.events import ApprovalDecided, QuestionAsked

        self._stop()
        if isinstance(event, QuestionAsked):
            self._asked += 1
        elif isinstance(event, ApprovalDecided) and event.decision in ("approve", "edit"):
            self._start()

    def _start(self) -> None:
        import threading
        import time

        running = self._running = threading.Event()
        turn = self._turns[self._asked - 1] if 0 < self._asked <= len(self._turns) else self._asked
        started = time.monotonic()

        def tick() -> None:
            wait = self.after
            while not running.wait(wait):
                elapsed = time.monotonic() - started
                self._stream.write(
                    f"replay: turn {turn}: query still running after {elapsed:.0f} s (time limit {self._timeout_s:g} s)\n"
                )
                self._stream.flush()
                wait = self.every

        threading.Thread(target=tick, name="replay-progress", daemon=True).start()

    def _stop(self) -> None:
        if self._running is not None:
            self._running.set()
            self._running = None


def _open_asking_password(config: Config, target: str) -> Database:
    """Logs never hold PostgreSQL passwords, so a replay may need it again: ask on a terminal."""
    import getpass
    import os

    from analyst.wiring import open_database
    from tools.redaction import is_mysql_url, is_postgres_url

    try:
        return open_database(config, target)
    except UserError as exc:
        mysql = is_mysql_url(target) and "access denied" in exc.message.lower()
        if not ((is_postgres_url(target) and "password" in exc.message.lower()) or mysql) or not sys.stdin.isatty():
            raise
        sys.stderr.write(f"analyst: {exc.message}\n")
        variable, engine = ("MYSQL_PWD", "MySQL") if mysql else ("PGPASSWORD", "PostgreSQL")
        os.environ[variable] = getpass.getpass(f"{engine} password (not stored): ")
        return open_database(config, target)


def _reask(
    config: Config,
    record: SessionRecord,
    database: Database,
    settings: Settings,
    model_name: str,
    approve: str,
    stdout: TextIO,
    reask_session: Callable[[SessionRecord, AnalystLoop, Callable[[Pending], Decision] | None], list[ReaskRow]],
) -> int:
    from agents.drive import auto_approve
    from analyst.wiring import build_model, open_session
    from sessions.replay import counted

    resolved = build_model(config, model_name)
    session = open_session(config, database, resolved, settings)
    try:
        rows = reask_session(record, session.loop, auto_approve if approve == "auto" else None)
    finally:
        session.close()
    changed = 0
    for row in rows:
        verdict = "same SQL" if row.same_sql else ("same result" if row.same_result else "DIFFERENT")
        changed += verdict == "DIFFERENT"
        stdout.write(f"[{row.turn}] {verdict:<10} {row.new_status:<9} {row.question[:70]}\n")
        if not row.same_sql:
            stdout.write(
                f"    recorded: {' '.join((row.recorded_sql or '-').split())}\n    new:      {' '.join((row.new_sql or '-').split())}\n"
            )
    stdout.write(
        f"{len(rows) - changed} of {counted(len(rows), 'question')} gave the same SQL or result with {resolved.model.name} (new session {session.id})\n"
    )
    return EXIT_OK if changed == 0 else EXIT_NOT_ANSWERED
