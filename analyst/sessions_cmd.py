"""`analyst sessions list|show|export` and `analyst replay`: looking back at logged sessions."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any, TextIO

from analyst.config import Config
from analyst.errors import EXIT_NOT_ANSWERED, EXIT_OK, UserError


def _load(config: Config, ref: str) -> Any:
    from sessions.store import SessionNotFound, find_session, load_session

    try:
        return load_session(find_session(ref, config.sessions_dir))
    except SessionNotFound as exc:
        raise UserError(str(exc)) from None


def _cost(value: float | None) -> str:
    """A logged cost; None means a call had no known price or no reported usage — never $0."""
    return "unknown" if value is None else f"${value:.4f}"


def _one_line(text: object) -> str:
    """Logged text made safe for one terminal line: escapes and controls removed, line breaks
    and tabs (also U+2028/U+2029) folded into single spaces."""
    from analyst.render import inert

    return " ".join(inert(str(text)).split())


def run_sessions_list(config: Config, stdout: TextIO | None = None) -> int:
    from sessions.store import list_sessions

    stdout = stdout or sys.stdout
    records = list_sessions(config.sessions_dir)
    if not records:
        sys.stderr.write(f"no sessions in {config.sessions_dir}\n")
    for record in records:
        statuses = _one_line(",".join(t.status or "incomplete" for t in record.turns) or "-")
        question = record.turns[0].question if record.turns else ""
        costs = [t.cost_usd for t in record.turns]
        total = None if any(c is None for c in costs) else sum(c or 0 for c in costs)
        stdout.write(f"{_one_line(record.id)}  {statuses:<12} {len(record.turns)}q  {_cost(total):>9}  {_one_line(record.model):<28} {_one_line(question)[:60]}\n")
    return EXIT_OK


def run_sessions_show(config: Config, ref: str, stdout: TextIO | None = None) -> int:
    from analyst.render import inert

    stdout = stdout or sys.stdout
    record = _load(config, ref)
    started = record.started
    stdout.write(
        f"session {_one_line(record.id)}\n  file: {_one_line(record.path)}\n  database: {_one_line(record.database)} ({_one_line(started.get('dialect'))})\n"
        f"  model: {_one_line(record.model)}\n  started: {_one_line(started.get('at'))}\n"
    )
    if record.torn or record.bad_lines:
        stdout.write(f"  note: the log has a torn last line or unreadable lines {list(record.bad_lines)}\n")
    for turn in record.turns:
        stdout.write(f"\n[{turn.number}] {_one_line(turn.question)}\n  status: {_one_line(turn.status or 'incomplete')}")
        if turn.error:
            stdout.write(f" ({turn.error.get('kind')}: {inert(str(turn.error.get('message')))})")
        stdout.write(f"\n  tokens: {turn.tokens} · cost: {_cost(turn.cost_usd)}\n")
        for decision in turn.decisions:
            stdout.write(f"  decision: {_one_line(decision.get('decision'))} by {_one_line(decision.get('decided_by'))}\n")
        if turn.sql:
            stdout.write("  sql: " + inert(turn.sql).replace("\n", "\n       ") + "\n")
            last = turn.executed[-1]
            stdout.write(f"  result: {last.get('row_count')} rows{' (truncated)' if last.get('truncated') else ''} in {last.get('elapsed_ms')} ms\n")
        if turn.answer:
            stdout.write(f"  answer: {inert(turn.answer)}\n")
        if turn.rating:
            stdout.write(f"  rated: {_one_line(turn.rating)}\n")
    return EXIT_OK


def run_sessions_export(config: Config, refs: list[str], as_: str, out: str | None, stdout: TextIO | None = None) -> int:
    from agents.prompts import system_prompt
    from sessions.export import chat_entry, is_follow_up, labelled_turns, suite_entry
    from sessions.store import list_sessions

    stdout = stdout or sys.stdout
    records = [_load(config, ref) for ref in refs] if refs else list_sessions(config.sessions_dir)
    items = labelled_turns(records)
    follow_ups = [i for i in items if is_follow_up(i)] if as_ == "suite" else []
    if follow_ups:  # "and by country?" cannot be asked on its own
        items = [i for i in items if not is_follow_up(i)]
        sys.stderr.write(f"skipped {len(follow_ups)} follow-up turn(s): they lean on earlier questions of their session "
                         "(--as chat keeps them with that conversation)\n")
    lines = [
        json.dumps(suite_entry(i) if as_ == "suite" else chat_entry(i, system_prompt(i.session.started.get("dialect", "duckdb"), True)), ensure_ascii=False)
        for i in items
    ]
    if out:
        _write_whole(Path(out), "".join(line + "\n" for line in lines))
    else:
        stdout.write("".join(line + "\n" for line in lines))
    sys.stderr.write(f"exported {len(lines)} human-approved turn(s) from {len(records)} session(s)\n")
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


def run_replay(config: Config, ref: str, *, db: str | None, model_name: str | None, approve: str, stdout: TextIO | None = None) -> int:
    """Offline replay (identical / first divergence), or a live re-ask with `--model`."""
    from analyst.wiring import is_postgres_url
    from sessions.replay import reask_session, replay_session


    stdout = stdout or sys.stdout
    record = _load(config, ref)
    target = db or record.database
    if not db and not is_postgres_url(target) and not Path(target).exists():
        raise UserError(f"the recorded database {target} is not here; pass --db PATH to replay against another copy")
    database = _open_asking_password(config, target)
    try:
        settings = _settings_like(config, record)
        if model_name:
            return _reask(config, record, database, settings, model_name, approve, stdout, reask_session)
        report = replay_session(record, database, settings)
    finally:
        database.close()
    for note in report.notes:
        sys.stderr.write(f"note: {note}\n")
    if report.identical:
        stdout.write(f"identical: {report.turns_replayed} turn(s) of session {record.id} replayed with the same decisions, SQL, results and statuses\n")
        return EXIT_OK if not report.incomplete else EXIT_NOT_ANSWERED
    assert report.divergence is not None
    stdout.write(f"diverged: {report.divergence.describe()}\n")
    return EXIT_NOT_ANSWERED


def _open_asking_password(config: Config, target: str) -> Any:
    """Logs never hold PostgreSQL passwords, so a replay may need it again: ask on a terminal."""
    import getpass
    import os

    from analyst.wiring import is_postgres_url, open_database

    try:
        return open_database(config, target)
    except UserError as exc:
        if not (is_postgres_url(target) and "password" in exc.message.lower() and sys.stdin.isatty()):
            raise
        sys.stderr.write(f"analyst: {exc.message}\n")
        os.environ["PGPASSWORD"] = getpass.getpass("PostgreSQL password (not stored): ")
        return open_database(config, target)


def _settings_like(config: Config, record: Any) -> Any:
    """Loop settings as recorded (limits matter for fingerprints), else the current ones."""
    from dataclasses import replace

    from analyst.wiring import loop_settings
    from tools.databases.base import Limits

    recorded = record.started.get("settings") or {}
    settings = loop_settings(config)
    limits = Limits(timeout_s=float(recorded.get("timeout", settings.limits.timeout_s)), max_rows=int(recorded.get("max_rows", settings.limits.max_rows)))
    return replace(settings, limits=limits, max_cost_usd=None)


def _reask(config: Config, record: Any, database: Any, settings: Any, model_name: str, approve: str, stdout: TextIO, reask_session: Any) -> int:
    from agents.drive import auto_approve
    from analyst.wiring import Session, build_model

    resolved = build_model(config, model_name)
    session = Session(config, database, resolved, settings)
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
            stdout.write(f"    recorded: {' '.join((row.recorded_sql or '-').split())}\n    new:      {' '.join((row.new_sql or '-').split())}\n")
    stdout.write(f"{len(rows) - changed} of {len(rows)} question(s) gave the same SQL or result with {resolved.model.name} (new session {session.id})\n")
    return EXIT_OK if changed == 0 else EXIT_NOT_ANSWERED
