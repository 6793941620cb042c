"""`analyst batch`: many questions through the same loop, in parallel, crash-safe.

Each question is its own session. Each result is appended and flushed to `--out` the moment it
is known, so a killed run loses nothing finished, and `--resume` skips ids already written (a torn
last line from the kill is dropped first). Model latency dominates, so threads scale well.
"""

from __future__ import annotations

import csv
import io
import json
import os
import sys
import threading
import time
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from analyst.batch_input import BatchItem, read_batch
from analyst.batch_progress import tally_key
from analyst.config import Config
from analyst.errors import EXIT_INTERRUPTED, EXIT_NOT_ANSWERED, EXIT_OK, EXIT_PROVIDER, UserError

CSV_FIELDS = (
    "id",
    "status",
    "question",
    "sql",
    "row_count",
    "truncated",
    "answer",
    "error",
    "input_tokens",
    "output_tokens",
    "cost_usd",
    "session_id",
    "grounded",
    "clarification",
)


def completed_ids(out: Path) -> set[str]:
    """Ids already in the output file; a torn last line (a killed run) is cut off first."""
    if not out.exists():
        return set()
    data = out.read_bytes()
    if data and not data.endswith(b"\n"):
        keep = data.rfind(b"\n") + 1
        with out.open("r+b") as handle:
            handle.truncate(keep)
        data = data[:keep]
    text = data.decode("utf-8", errors="replace")
    if out.suffix.lower() == ".csv":
        return {row["id"] for row in csv.DictReader(io.StringIO(text)) if row.get("id")}
    ids = set()
    for line in text.splitlines():
        try:
            ids.add(str(json.loads(line)["id"]))
        except (json.JSONDecodeError, KeyError, TypeError):
            continue
    return ids


class ResultWriter:
    """Appends one record per finished question and flushes it to disk at once."""

    def __init__(self, out: Path | None, stdout: TextIO) -> None:
        from analyst.outputs import open_output

        self._lock = threading.Lock()
        self._out = out
        self._csv = out is not None and out.suffix.lower() == ".csv"
        if out is None:
            self._handle: TextIO = stdout
            self._owned = False
        else:
            new = not out.exists() or out.stat().st_size == 0
            self._handle = open_output(out)
            self._owned = True
            if self._csv and new:
                self._guarded(lambda: csv.writer(self._handle).writerow(CSV_FIELDS))

    def write(self, record: dict[str, Any]) -> None:
        with self._lock:
            if self._csv:
                usage = record.get("usage") or {}
                error = record.get("error")
                row = dict(
                    record,
                    error=error["message"] if error else "",
                    **{k: usage.get(k) for k in ("input_tokens", "output_tokens", "cost_usd")},
                )
                self._guarded(
                    lambda: csv.writer(self._handle).writerow(
                        ["" if row.get(f) is None else row.get(f) for f in CSV_FIELDS]
                    )
                )
            else:
                self._guarded(lambda: self._handle.write(json.dumps(record, ensure_ascii=False) + "\n"))

    def _guarded(self, write: Any) -> None:
        """Write and flush (and fsync a file); a failing disk becomes one line, not a traceback."""
        from analyst.outputs import write_failed

        try:
            write()
            self._handle.flush()
            if self._owned:
                os.fsync(self._handle.fileno())
        except OSError as exc:
            if self._out is None:
                raise
            raise write_failed(self._out, exc, resume_hint="; free space and rerun with --resume") from None

    def close(self) -> None:
        if self._owned:
            self._handle.close()


@dataclass
class Tally:
    """Run-wide counters shared by the workers (for progress, the cost cap and the summary)."""

    statuses: dict[str, int] = field(default_factory=dict)
    input_tokens: int = 0
    output_tokens: int = 0
    cost_usd: float | None = 0.0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, record: dict[str, Any]) -> None:
        with self.lock:
            key = tally_key(record)
            self.statuses[key] = self.statuses.get(key, 0) + 1
            usage = record["usage"]
            self.input_tokens += usage["input_tokens"]
            self.output_tokens += usage["output_tokens"]
            if usage["cost_usd"] is None or self.cost_usd is None:
                self.cost_usd = None if usage["input_tokens"] or usage["output_tokens"] else self.cost_usd
            else:
                self.cost_usd += usage["cost_usd"]

    @property
    def done(self) -> int:
        return sum(self.statuses.values())


class BatchRun:
    """Runs the items; databases are opened once per distinct `db` and shared by the workers."""

    def __init__(
        self, config: Config, approve: str, db: str | None, model_name: str | None, source: Path | None = None
    ) -> None:
        from analyst.wiring import build_model, run_settings

        self.config = config
        self.approve = approve
        self.default_db = db
        self.source = source  # the batch file, named in the error of a line whose "db" does not open
        self.resolved = build_model(config, model_name, stream=False)
        self.settings = run_settings(config, self.resolved)
        self.tally = Tally()
        self.stopping = threading.Event()
        self._databases: dict[str | None, Any] = {}
        self._db_lock = threading.Lock()
        self._active: set[Any] = set()
        self._active_lock = threading.Lock()
        self.started: dict[str, float] = {}  # id -> when its run began, for the per-question time

    def database(self, spec: str | None, origin: str | None = None) -> Any:
        from analyst.wiring import open_database

        with self._db_lock:
            if spec not in self._databases:
                self._databases[spec] = open_database(self.config, spec, origin=origin)
            return self._databases[spec]

    def run_one(self, item: BatchItem) -> dict[str, Any]:
        from agents.drive import auto_approve, drive
        from analyst.render import outcome_json
        from analyst.wiring import open_session

        budget = self.settings.budget
        self.started[item.id] = time.perf_counter()
        if budget is not None and not budget.admit(self.stopping.is_set):  # spend nothing on it
            if self.stopping.is_set():
                return _failed_record(item, "interrupted", "the batch was interrupted before this question started")
            return _failed_record(item, "cost_cap", budget.why_exhausted())
        outcome = None
        try:
            origin = f"{self.source or 'batch file'}, line {item.line} (id {item.id})" if item.db else None
            database = self.database(item.db or self.default_db, origin)
            session = open_session(self.config, database, self.resolved, self.settings)
            with self._active_lock:
                self._active.add(session.loop)
            try:
                if self.stopping.is_set():
                    session.loop.interrupt()
                outcome = drive(session.loop, item.question, auto_approve if self.approve == "auto" else None)
            finally:
                with self._active_lock:
                    self._active.discard(session.loop)
                session.close()
        finally:
            if budget is not None:
                budget.question_done(outcome.cost_usd if outcome is not None else 0.0)
        record = {"id": item.id, **outcome_json(outcome, session.id, str(session.path))}
        if item.db:
            record["db"] = item.db
        return record

    def interrupt(self) -> None:
        self.stopping.set()
        with self._active_lock:
            loops = list(self._active)
        for loop in loops:
            loop.interrupt()

    def close(self) -> None:
        for database in self._databases.values():
            database.close()


def _failed_record(item: BatchItem, kind: str, message: str) -> dict[str, Any]:
    """A question that never reached the model (its database did not open, the budget was spent)."""
    return {
        "id": item.id,
        "status": "failed",
        "question": item.question,
        "sql": None,
        "columns": [],
        "rows": [],
        "row_count": 0,
        "truncated": False,
        "answer": None,
        "grounded": False,
        "clarification": None,
        "queries": [],
        "session_id": None,
        "session_path": None,
        "usage": {"input_tokens": 0, "output_tokens": 0, "cost_usd": 0.0},
        "error": {"kind": kind, "message": message},
    }


FATAL_HTTP = {
    401: "the API key was rejected",
    403: "the API key is not allowed to use this model",
    404: "the model or endpoint does not exist",
}


def fatal_provider_error(record: dict[str, Any]) -> str | None:
    """A provider failure every other question would repeat (bad key, unknown model), or None."""
    error = record.get("error") or {}
    if error.get("kind") == "provider" and error.get("http_status") in FATAL_HTTP:
        return str(error.get("message"))
    return None


def run_batch(
    config: Config,
    path: Path,
    *,
    approve: str,
    db: str | None,
    model_name: str | None,
    out: Path | None,
    concurrency: int,
    resume: bool,
    stdout: TextIO | None = None,
    stderr: TextIO | None = None,
) -> int:
    """Answer every question in `path`; exit 0 when each reached the status its policy asks for."""
    from analyst.batch_progress import BatchProgress, print_summary

    stdout = stdout or sys.stdout
    stderr = stderr or sys.stderr
    if resume and out is None:
        raise UserError("--resume needs --out FILE (the results to resume from)")
    items = read_batch(path)
    skipped = completed_ids(out) if resume and out is not None else set()
    todo = [item for item in items if item.id not in skipped]
    if skipped:
        stderr.write(f"resuming: {len(items) - len(todo)} of {len(items)} questions already in {out}\n")
    wanted = "answered" if approve == "auto" else "dry_run"
    runner = BatchRun(config, approve, db, model_name, source=path)
    writer = ResultWriter(out, stdout)
    progress = BatchProgress(stderr, len(todo), runner.tally, concurrency)
    started = time.perf_counter()
    all_ok = True
    interrupted = False
    capped: list[str] = []
    executor = ThreadPoolExecutor(max_workers=concurrency, thread_name_prefix="batch")
    try:
        with progress:
            pending: dict[Future[dict[str, Any]], BatchItem] = {
                executor.submit(runner.run_one, item): item for item in todo
            }
            while pending:
                done, _ = wait(pending, timeout=0.2, return_when=FIRST_COMPLETED)
                for future in done:
                    item = pending.pop(future)
                    try:
                        record = future.result()
                    except UserError as exc:
                        if exc.exit_code == 2:
                            raise
                        record = _failed_record(item, "setup", exc.message)
                    except Exception as exc:  # one broken question must not sink the run
                        record = _failed_record(item, "setup", str(exc))
                    fatal = fatal_provider_error(record)
                    if fatal is not None:  # every question would fail the same way: stop, keep ids unrun
                        runner.interrupt()
                        raise UserError(
                            f"{fatal}; stopped the batch (unanswered questions are not written, so --resume runs them)",
                            EXIT_PROVIDER,
                        )
                    runner.tally.add(record)
                    all_ok &= tally_key(record) == wanted
                    began = runner.started.get(item.id)
                    progress.advance(record, None if began is None else time.perf_counter() - began)
                    if (record.get("error") or {}).get("kind") == "cost_cap":
                        capped.append(item.id)  # not written: `--resume` with a higher cap runs it
                        continue
                    writer.write(record)
    except KeyboardInterrupt:
        interrupted = True
        runner.interrupt()
        executor.shutdown(wait=True, cancel_futures=True)
        stderr.write(
            "analyst: interrupted; finished results are kept"
            + (f" in {out}; rerun with --resume" if out else "")
            + "\n"
        )
    finally:
        executor.shutdown(wait=True, cancel_futures=True)
        writer.close()
        runner.close()
    print_summary(stderr, runner.tally, time.perf_counter() - started, len(todo))
    if capped:
        again = "rerun with a higher --max-cost and --resume to answer them" if out else "they are not in the output"
        stderr.write(
            f"analyst: {len(capped)} question(s) stopped by --max-cost ({runner.settings.budget.why_exhausted() or 'cap reached'}); {again}\n"
        )
    if interrupted:
        return EXIT_INTERRUPTED
    return EXIT_OK if all_ok else EXIT_NOT_ANSWERED
