"""Experiment runs: every eval run recorded as JSONL under `runs/`, queried with DuckDB.

A header line (model, prompt template hashes, retrieval settings, suite and code version), one
line per question, and a summary line. Plain files, not a database, so `runs list` never waits
on a lock held by a running eval; DuckDB reads them in place when asked. This module writes,
finds, lists and reads them; the numbers are summary.py's, two runs side by side run_compare.py's.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import os
import secrets
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sessions.evaluation.scoring import QuestionResult
from sessions.refs import is_file, looks_like_path, path_problem, unusable
from tools.redaction import redact_secrets


def _id_part(name: str) -> str:
    """The part of a run id that comes from its name: file-name safe, at most 40 characters."""
    return "".join(ch if ch.isalnum() or ch in "-_" else "-" for ch in name)[:40]


def new_run_id(name: str | None = None) -> str:
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    return f"{stamp}-{_id_part(name or 'run')}-{secrets.token_hex(2)}"


def _named(paths: list[Path], name: str) -> list[Path]:
    """The run logs whose header names the run `name` exactly (a long or unusual name is cut or
    changed in the id, so the id alone cannot find it)."""
    found = []
    for path in paths:
        try:
            with path.open("rb") as handle:
                header = json.loads(handle.readline().decode("utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError):
            continue
        if isinstance(header, dict) and header.get("name") == name:
            found.append(path)
    return found


class RunLog:
    """Appends a run's lines, flushing each so a crashed eval keeps its finished questions."""

    def __init__(self, runs_dir: Path, header: dict[str, Any]) -> None:
        runs_dir.mkdir(parents=True, exist_ok=True, mode=0o700)  # private, like the session logs
        self.run_id = header["run_id"]
        self.path = runs_dir / f"{self.run_id}.jsonl"
        self._lock = threading.Lock()
        fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        self._handle = os.fdopen(fd, "w", encoding="utf-8", errors="backslashreplace")
        self._write({"type": "header", **header})

    def _write(self, record: dict[str, Any]) -> None:
        with self._lock:
            self._handle.write(redact_secrets(json.dumps(record, ensure_ascii=False, default=str)) + "\n")
            self._handle.flush()

    def result(self, result: QuestionResult) -> None:
        self._write({"type": "result", "run_id": self.run_id, **result.to_json()})

    def finish(self, summary: dict[str, Any]) -> None:
        self._write({"type": "summary", "run_id": self.run_id, **summary})
        os.fsync(self._handle.fileno())
        self._handle.close()


@dataclass(frozen=True)
class RunRecord:
    header: dict[str, Any]
    results: tuple[dict[str, Any], ...]
    summary: dict[str, Any] | None  # None while running or after a crash


def _query(sql: str, params: list[Any]) -> list[tuple[Any, ...]]:
    import duckdb

    con = duckdb.connect(config={"autoload_known_extensions": False, "autoinstall_known_extensions": False})
    try:
        return con.execute(sql, params).fetchall()
    finally:
        con.close()


def list_runs(runs_dir: Path) -> list[dict[str, Any]]:
    """One row per run, newest first, read with DuckDB straight from the JSONL files.

    Grouped by file, and only files with a header line count: a torn last line (a crash
    mid-write) reads as a row of NULLs, and a stray JSONL file in `runs/` is not a run."""
    files = sorted(str(p) for p in runs_dir.glob("*.jsonl")) if runs_dir.exists() else []
    if not files:
        return []
    rows = _query(
        """
        SELECT any_value(run_id) FILTER (WHERE type = 'header'), any_value(name) FILTER (WHERE type = 'header'),
               any_value(model) FILTER (WHERE type = 'header'),
               any_value(suite) FILTER (WHERE type = 'header'), any_value(started) FILTER (WHERE type = 'header'),
               count(*) FILTER (WHERE type = 'result' AND outcome IS DISTINCT FROM 'not_run'),
               coalesce(sum(CASE WHEN correct THEN 1 ELSE 0 END) FILTER (WHERE type = 'result' AND outcome IS DISTINCT FROM 'not_run'), 0),
               coalesce(bool_or(type = 'summary'), false), sum(cost_usd) FILTER (WHERE type = 'result'),
               count(*) FILTER (WHERE type = 'result' AND outcome = 'not_run'), filename
        FROM read_json(?, format = 'newline_delimited', union_by_name = true, ignore_errors = true, filename = true,
                       columns = {run_id: 'VARCHAR', type: 'VARCHAR', name: 'VARCHAR', model: 'VARCHAR', suite: 'VARCHAR',
                                  started: 'VARCHAR', correct: 'BOOLEAN', cost_usd: 'DOUBLE', outcome: 'VARCHAR'})
        WHERE type IS NOT NULL
        GROUP BY filename HAVING bool_or(type = 'header')
        """,
        [files],
    )
    keys = ("run_id", "name", "model", "suite", "started", "questions", "correct", "finished", "cost_usd", "not_run")
    out = []
    for row in rows:
        record = dict(zip(keys, row))
        record["run_id"] = record["run_id"] or Path(row[-1]).stem
        record["model"] = record["model"] or "-"
        record["suite"] = record["suite"] or "-"
        out.append(record)
    return sorted(out, key=lambda r: r["run_id"], reverse=True)


class NotARunLog(FileNotFoundError):
    """The file exists but is no run log (a suite, an `--out` results file, a session log).

    A FileNotFoundError, so every caller that turns "no such run" into a one-line error for the
    person does the same here."""


_HEADER_MAX_BYTES = 1 << 20


def _check_run_log(path: Path, runs_dir: Path) -> Path:
    hint = f"`analyst runs list` shows the runs in {runs_dir}"
    try:
        with path.open("rb") as handle:
            first = handle.readline(_HEADER_MAX_BYTES)
    except OSError as exc:
        raise NotARunLog(f"cannot read {path}: {exc.strerror or exc}; {hint}") from None
    try:
        record = json.loads(first.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        record = None
    if not (isinstance(record, dict) and record.get("type") == "header" and isinstance(record.get("run_id"), str)):
        raise NotARunLog(f"{path} is not an analyst run log (its first line is not a run header); {hint}")
    return path


def find_run(runs_dir: Path, ref: str) -> Path:
    """The run log `ref` names: a run id, a path, or a unique part of an id. Raises
    FileNotFoundError (NotARunLog for a file that is not a run log) with a one-line message."""
    hint = "pass a run id or its .jsonl file (`analyst runs list` shows them)"
    problem = unusable(ref)
    if problem:
        raise FileNotFoundError(f"{problem}; {hint}")
    exact = runs_dir / f"{ref}.jsonl"
    if is_file(exact):
        return _check_run_log(exact, runs_dir)
    if looks_like_path(ref):
        in_dir = runs_dir / Path(ref).name
        if (
            Path(ref).name == ref and not is_file(Path(ref)) and is_file(in_dir)
        ):  # `ID.jsonl`: a file in the runs folder
            return _check_run_log(in_dir, runs_dir)
        problem = path_problem(ref, "run")
        if problem:
            raise FileNotFoundError(f"{problem}; {hint}")
        return _check_run_log(Path(ref).expanduser(), runs_dir)
    if is_file(Path(ref)):
        return _check_run_log(Path(ref), runs_dir)
    matches = sorted(p for p in runs_dir.glob("*.jsonl") if ref in p.stem) if runs_dir.exists() else []
    if not matches and runs_dir.exists():  # the run's full name, when the id holds it cut or changed
        part = _id_part(ref)
        matches = _named(sorted(p for p in runs_dir.glob("*.jsonl") if f"-{part}-" in p.stem), ref)
    if len(matches) == 1:
        return _check_run_log(matches[0], runs_dir)
    hint = f"{len(matches)} runs match" if matches else "no run matches"
    raise FileNotFoundError(f"{hint} {ref!r} in {runs_dir} (run `analyst runs list`)")


def load_run(path: Path) -> RunRecord:
    """Split on b"\n" only: the writer keeps non-ASCII as is, so a line may hold U+2028 and the
    like, which str.splitlines would cut. A torn last line (even mid-character) is skipped."""
    header: dict[str, Any] = {}
    results: list[dict[str, Any]] = []
    summary = None
    for line in path.read_bytes().split(b"\n"):
        if not line.strip():
            continue
        try:
            record = json.loads(redact_secrets(line.decode("utf-8")))  # an older log may hold a password
        except (UnicodeDecodeError, json.JSONDecodeError):
            continue  # a torn last line after a crash
        if not isinstance(record, dict):
            continue
        kind = record.get("type")
        if kind == "header":
            header = record
        elif kind == "result" and isinstance(record.get("id"), str):
            results.append(record)
        elif kind == "summary":
            summary = record
    return RunRecord(header, tuple(results), summary)


def _text(value: Any, default: str | None) -> str | None:
    if value is None or value == "":
        return default
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str)


def _number(value: Any, default: float | None) -> float | None:
    """A finite number from a number or numeric text; anything else (NaN, 1e400, "x") is `default`."""
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        return default
    try:
        number = float(value)
    except (ValueError, OverflowError):
        return default
    return number if math.isfinite(number) else default


def _as_result(r: dict[str, Any]) -> QuestionResult:
    """One result line as a QuestionResult, whatever it lacks: an older log (no question or gold
    SQL), a hand-edited one (no latency, a number as text), a line from another tool. A missing
    outcome follows `correct`; a missing count is 0; a missing cost or latency is unknown."""
    outcome = _text(r.get("outcome"), None)
    correct = r["correct"] in (True, 1, "true") if "correct" in r else outcome == "correct"
    outcome = outcome or ("correct" if correct else "incorrect")
    gold = r.get("gold_sql")
    golds = tuple(g for g in (gold if isinstance(gold, list) else [gold]) if isinstance(g, str) and g)
    return QuestionResult(
        id=str(r["id"]),
        category=_text(r.get("category"), "-") or "-",
        db=_text(r.get("db"), "-") or "-",
        correct=correct,
        outcome=outcome,
        predicted_sql=_text(r.get("predicted_sql"), None),
        input_tokens=int(_number(r.get("input_tokens"), 0) or 0),
        output_tokens=int(_number(r.get("output_tokens"), 0) or 0),
        cost_usd=_number(r.get("cost_usd"), None),
        latency_ms=_number(r.get("latency_ms"), None),
        set_equal=r.get("set_equal") is True,
        rounded_equal=r.get("rounded_equal") is True,
        # logs before the order policy counted the gold's order in `correct` itself
        gold_order_equal=r["gold_order_equal"] is True if "gold_order_equal" in r else correct,
        reason=_text(r.get("reason"), "") or "",
        error=_text(r.get("error"), None),
        session_id=_text(r.get("session_id"), None),
        question=_text(r.get("question"), None),
        gold_sql=golds,
    )


def results_as_objects(records: Iterable[dict[str, Any]]) -> list[QuestionResult]:
    """The result lines of a run log as objects; lines without a string id were dropped by
    load_run, and every other field may be missing or mistyped (see _as_result)."""
    return [_as_result(r) for r in records if isinstance(r.get("id"), str)]
