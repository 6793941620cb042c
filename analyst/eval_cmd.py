"""`analyst eval` and `analyst runs`: score a model by executing SQL, record and compare runs."""

from __future__ import annotations

import json
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor, as_completed
from pathlib import Path
from typing import Any, TextIO

from analyst.config import Config
from analyst.errors import EXIT_NOT_ANSWERED, EXIT_OK, UserError


def _suite(config: Config, ref: str) -> Any:
    from sessions.suite import SuiteError, load_suite

    if ref in ("defog", "defog-idk"):
        from sessions.defog import defog_suite

        sys.stderr.write("building the defog databases (cached per day)…\n")
        return defog_suite(config.cache_dir, idk=ref == "defog-idk")
    path = Path(ref)
    if not path.exists():
        raise UserError(f"no suite {ref!r}: pass a .jsonl/.csv suite file, `defog` or `defog-idk`")
    try:
        return load_suite(path)
    except SuiteError as exc:
        raise UserError(str(exc)) from None


class _Databases:
    """Opens each suite database once; workers share them (queries run on fresh cursors)."""

    def __init__(self, config: Config, default: str | None) -> None:
        self.config = config
        self.default = default
        self._open: dict[str | None, Any] = {}
        self._lock = threading.Lock()

    def get(self, spec: str | None) -> Any:
        from analyst.wiring import open_database

        key = spec or self.default
        with self._lock:
            if key not in self._open:
                self._open[key] = open_database(self.config, key)
            return self._open[key]

    def close(self) -> None:
        for database in self._open.values():
            database.close()


def _carried(config: Config, ref: str, suite: Any, model: str) -> tuple[str, list[Any]]:
    """The scored results of run `ref` to keep (same suite and model, or a one-line error)."""
    from sessions.evaluate import NOT_RUN
    from sessions.runs import find_run, load_run, results_as_objects

    try:
        record = load_run(find_run(config.home / "runs", ref))
    except FileNotFoundError as exc:
        raise UserError(str(exc)) from None
    header = record.header
    if header.get("suite_hash") != suite.hash:
        raise UserError(f"--resume {ref}: that run used another version of the suite (hash {header.get('suite_hash')}, now {suite.hash}); run it afresh")
    if header.get("model") != model:
        raise UserError(f"--resume {ref}: that run used {header.get('model')}, not {model}; pass --model {header.get('model')} or run afresh")
    ids = {item.id for item in suite.items}
    kept = [r for r in results_as_objects(record.results) if r.outcome != NOT_RUN and r.id in ids]
    return str(header.get("run_id")), list({r.id: r for r in kept}.values())


def run_eval(config: Config, suite_ref: str, *, model_name: str | None, db: str | None, name: str | None, out: str | None, concurrency: int, resume: str | None = None, stdout: TextIO | None = None, stderr: TextIO | None = None) -> int:
    """Score every suite question; the run is recorded only once everything it needs has opened
    (suite, model, price, databases, --out), so a run that cannot start leaves no record."""
    from agents import prompts
    from agents.drive import auto_approve, drive
    from analyst.eval_report import EvalProgress, print_report
    from analyst.outputs import open_output, write_failed
    from analyst.wiring import Session, build_model, code_version, run_settings
    from dataclasses import replace

    from sessions.evaluate import EVAL_MAX_ROWS, not_run, score
    from sessions.runs import RunLog, new_run_id, summarize

    stdout = stdout or sys.stdout
    stderr = stderr or sys.stderr
    suite = _suite(config, suite_ref)
    resolved = build_model(config, model_name, stream=False)
    settings = run_settings(config, resolved, summarize=False, max_rows=EVAL_MAX_ROWS)
    settings = replace(settings, limits=replace(settings.limits, cell_digest=True))  # clipped cells compare exactly
    resumed_from, carried = _carried(config, resume, suite, resolved.model.name) if resume else (None, [])
    done_ids = {r.id for r in carried}
    todo = [item for item in suite.items if item.id not in done_ids]
    budget = settings.budget
    databases = _Databases(config, db)
    out_path = Path(out) if out else None
    out_handle = None
    try:
        for spec in dict.fromkeys(item.db for item in suite.items):
            databases.get(spec)
        out_handle = open_output(out_path, "w") if out_path else None
    except BaseException:
        databases.close()
        raise
    run_id = new_run_id(name or suite.name)
    header = {
        "run_id": run_id, "name": name or suite.name, "model": resolved.model.name,
        "provider": resolved.model.name.split(":", 1)[0], "suite": suite.name, "suite_hash": suite.hash,
        "questions": len(suite.items), "code_version": code_version(),
        "templates": {t.name: t.hash for t in (prompts.SYSTEM, prompts.QUESTION, prompts.FOLLOW_UP)},
        "retrieval": {"budget": config.schema_budget, "method": "bm25+fk-expansion"},
        "limits": {"timeout": config.timeout, "max_rows": EVAL_MAX_ROWS, "max_cost_usd": config.max_cost},
        "started": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        **({"resumed_from": resumed_from, "carried": len(carried)} if resumed_from else {}),
    }
    run_log = RunLog(config.home / "runs", header)
    for kept in carried:  # the new run is a whole record: the kept results first
        run_log.result(kept)
        if out_handle and out_path:
            try:
                out_handle.write(json.dumps(kept.to_json(), ensure_ascii=False) + "\n")
            except OSError as exc:
                raise write_failed(out_path, exc) from None
    if resumed_from:
        stderr.write(f"resuming {resumed_from}: {len(carried)} scored question(s) kept, {len(todo)} to run\n")

    def one(item: Any) -> Any:
        if budget is not None and not budget.admit():  # spend nothing, open no session
            return not_run(item, budget.why_exhausted())
        outcome = None
        try:
            database = databases.get(item.db)
            session = Session(config, database, resolved, settings)
            started = time.perf_counter()
            try:
                outcome = drive(session.loop, item.prompt, auto_approve)
            finally:
                session.close()
        finally:
            if budget is not None:
                budget.question_done(outcome.cost_usd if outcome is not None else 0.0)
        return score(item, outcome, database, settings.limits, latency_ms=(time.perf_counter() - started) * 1000, session_id=session.id)

    results = list(carried)
    out_error: UserError | None = None  # --out failed mid-run: the run goes on (its log has every line)
    progress = EvalProgress(stderr, len(todo))
    try:
        with progress, ThreadPoolExecutor(max_workers=concurrency, thread_name_prefix="eval") as pool:
            futures = [pool.submit(one, item) for item in todo]
            for future in as_completed(futures):
                result = future.result()
                results.append(result)
                run_log.result(result)
                if out_handle and out_path and out_error is None:
                    try:
                        out_handle.write(json.dumps(result.to_json(), ensure_ascii=False) + "\n")
                        out_handle.flush()
                    except OSError as exc:
                        out_error = write_failed(out_path, exc, resume_hint=f"; every result is in the run log {run_log.path}")
                        stderr.write(f"analyst: warning: {out_error.message}; the run goes on\n")
                progress.advance(result)
    finally:
        summary = summarize(results)
        if summary["not_run"] and budget is not None:
            summary["stopped"] = budget.why_exhausted() or "stopped by --max-cost"
        run_log.finish({**summary, "ended": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())})
        if out_handle:
            try:
                out_handle.close()
            except OSError:
                pass  # a failed write was already reported
        databases.close()
    print_report(stdout, header, summary)
    stderr.write(f"run {run_id} recorded in {run_log.path}\n")
    if out_error is not None:
        raise out_error
    if summary["not_run"]:
        stderr.write(f"analyst: {summary['not_run']} of {len(suite.items)} questions not run: {summary.get('stopped')}\n")
        return EXIT_NOT_ANSWERED
    return EXIT_OK


def run_runs(config: Config, verb: str, refs: list[str], stdout: TextIO | None = None) -> int:
    from analyst.eval_report import print_comparison, print_report
    from sessions.runs import compare_runs, find_run, list_runs, load_run

    stdout = stdout or sys.stdout
    runs_dir = config.home / "runs"
    if verb == "list":
        rows = list_runs(runs_dir)
        if not rows:
            sys.stderr.write(f"no runs in {runs_dir}; `analyst eval SUITE --model M` records one\n")
        for row in rows:
            accuracy = f"{row['correct'] / row['questions']:.1%}" if row["questions"] else "-"
            state = "" if row["finished"] else " (unfinished)"
            state += f" ({row['not_run']} not run: --max-cost)" if row["not_run"] else ""
            stdout.write(f"{row['run_id']}  {accuracy:>6} of {row['questions']:<4} {row['model']:<28} {row['suite']}{state}\n")
        return EXIT_OK
    try:
        paths = [find_run(runs_dir, ref) for ref in refs]
    except FileNotFoundError as exc:
        raise UserError(str(exc)) from None
    if verb == "show":
        record = load_run(paths[0])
        from sessions.runs import results_as_objects, summarize

        print_report(stdout, record.header, record.summary or summarize(results_as_objects(record.results)))
        return EXIT_OK
    comparison = compare_runs(load_run(paths[0]), load_run(paths[1]))
    print_comparison(stdout, comparison, paths[0].stem, paths[1].stem)
    return EXIT_OK if not comparison["broken"] else EXIT_NOT_ANSWERED
