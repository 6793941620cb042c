"""What `analyst batch` does with each question: its record, written at once, and the tally.

Each question is its own session, run by the shared runner (sessions/runner.py: the pool, the
shared databases and budget, the stops); this module says what becomes of each question. Each
result is appended and flushed to `--out` the moment it is known, so a killed run loses nothing
finished, and `--resume` skips ids already written (a torn last line from the kill is dropped
first). Model latency dominates, so threads scale well.
"""

from __future__ import annotations

import csv
import io
import json
import os
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from agents.outcome import ErrorKind, Status
from analyst.batch_input import BatchItem
from analyst.batch_progress import tally_key
from analyst.errors import UserError
from sessions.runner import NotRun, NotRunWhy, Question, Ran
from tools.redaction import redact_secrets

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


class BatchPlan:
    """What batch does with each question (sessions/runner.py runs them): a record per question,
    counted, shown and written the moment it finishes."""

    collects_after_stop = False  # a question cut short by a stop is not written: `--resume` asks it again

    def __init__(self, source: Path | None, writer: ResultWriter, progress: Any, tally: Tally, wanted: str) -> None:
        self.source = source  # the batch file, named in the error of a line whose "db" does not open
        self.writer = writer
        self.progress = progress
        self.tally = tally
        self.wanted = wanted  # the status every question should reach: answered, or dry_run
        self.all_ok = True
        self.capped: list[str] = []  # ids the run's --max-cost did not reach

    def question(self, item: BatchItem) -> Question:
        origin = f"{self.source or 'batch file'}, line {item.line} (id {item.id})" if item.db else None
        return Question(item.question, item.db, origin)

    def ran(self, item: BatchItem, ran: Ran) -> dict[str, Any]:
        from analyst.render import outcome_json

        record = {"id": item.id, **outcome_json(ran.outcome, ran.session_id, str(ran.session_path))}
        if item.db:
            record["db"] = redact_secrets(item.db)  # the file is shared; the password is not
        return record

    def not_run(self, item: BatchItem, why: NotRun) -> dict[str, Any]:
        if why.why is NotRunWhy.STOPPED:
            return _failed_record(item, ErrorKind.INTERRUPTED, "the batch was interrupted before this question started")
        return _failed_record(item, ErrorKind.COST_CAP, why.reason)

    def failed(self, item: BatchItem, exc: Exception) -> dict[str, Any]:
        """One broken question (its database did not open) must not sink the run; a usage error does."""
        if isinstance(exc, UserError):
            if exc.exit_code == 2:
                raise exc
            return _failed_record(item, "setup", redact_secrets(exc.message))
        return _failed_record(item, "setup", redact_secrets(str(exc)))

    def finished(self, item: BatchItem, record: dict[str, Any], began: float | None) -> None:
        self.tally.add(record)
        self.all_ok &= tally_key(record) == self.wanted
        self.progress.advance(record, None if began is None else time.perf_counter() - began)
        if (record.get("error") or {}).get("kind") == ErrorKind.COST_CAP:
            self.capped.append(item.id)  # not written: `--resume` with a higher cap runs it
            return
        self.writer.write(record)


def _failed_record(item: BatchItem, kind: str, message: str) -> dict[str, Any]:
    """A question that never reached the model (its database did not open, the budget was spent).
    `kind` is an ErrorKind, or "setup" (batch only: the question's database did not open)."""
    return {
        "id": item.id,
        "status": Status.FAILED,
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
