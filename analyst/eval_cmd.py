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


def run_eval(config: Config, suite_ref: str, *, model_name: str | None, db: str | None, name: str | None, out: str | None, concurrency: int, stdout: TextIO | None = None, stderr: TextIO | None = None) -> int:
    from dataclasses import replace

    from agents import prompts
    from agents.drive import auto_approve, drive
    from analyst.eval_report import EvalProgress, print_report
    from analyst.wiring import Session, build_model, code_version, loop_settings
    from sessions.evaluate import EVAL_MAX_ROWS, score
    from sessions.runs import RunLog, new_run_id, summarize

    stdout = stdout or sys.stdout
    stderr = stderr or sys.stderr
    suite = _suite(config, suite_ref)
    resolved = build_model(config, model_name, stream=False)
    settings = loop_settings(config, summarize=False, max_rows=EVAL_MAX_ROWS)
    databases = _Databases(config, db)
    run_id = new_run_id(name or suite.name)
    header = {
        "run_id": run_id, "name": name or suite.name, "model": resolved.model.name,
        "provider": resolved.model.name.split(":", 1)[0], "suite": suite.name, "suite_hash": suite.hash,
        "questions": len(suite.items), "code_version": code_version(),
        "templates": {t.name: t.hash for t in (prompts.SYSTEM, prompts.QUESTION, prompts.FOLLOW_UP)},
        "retrieval": {"budget": config.schema_budget, "method": "bm25+fk-expansion"},
        "limits": {"timeout": config.timeout, "max_rows": EVAL_MAX_ROWS},
        "started": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    }
    run_log = RunLog(config.home / "runs", header)
    out_handle = open(out, "w", encoding="utf-8") if out else None
    spent = {"cost": 0.0}
    lock = threading.Lock()

    def one(item: Any) -> Any:
        local = settings
        if config.max_cost is not None:
            with lock:
                remaining = config.max_cost - spent["cost"]
            local = replace(settings, max_cost_usd=max(remaining, 0.0))
        database = databases.get(item.db)
        session = Session(config, database, resolved, local)
        started = time.perf_counter()
        try:
            outcome = drive(session.loop, item.prompt, auto_approve)
        finally:
            session.close()
        result = score(item, outcome, database, settings.limits, latency_ms=(time.perf_counter() - started) * 1000, session_id=session.id)
        with lock:
            spent["cost"] += result.cost_usd or 0.0
        return result

    results = []
    progress = EvalProgress(stderr, len(suite.items))
    try:
        with progress, ThreadPoolExecutor(max_workers=concurrency, thread_name_prefix="eval") as pool:
            futures = [pool.submit(one, item) for item in suite.items]
            for future in as_completed(futures):
                result = future.result()
                results.append(result)
                run_log.result(result)
                if out_handle:
                    out_handle.write(json.dumps(result.to_json(), ensure_ascii=False) + "\n")
                    out_handle.flush()
                progress.advance(result)
    finally:
        summary = summarize(results)
        run_log.finish({**summary, "ended": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())})
        if out_handle:
            out_handle.close()
        databases.close()
    print_report(stdout, header, summary)
    stderr.write(f"run {run_id} recorded in {run_log.path}\n")
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
