"""The `--format json` shapes of `runs show` and `runs compare`: a documented contract (README,
"Eval runs as JSON") that scripts and notebooks read, so keys are only ever added, never renamed.

Both are built from the run log's result lines, not its summary line: the numbers then always
agree with the per-question list, also for an unfinished run (no summary yet) or a hand-edited one.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sessions.evaluation.runs import RunRecord, results_as_objects
from sessions.evaluation.summary import summarize

SHAPE_VERSION = 1
_RUN_KEYS = (
    "run_id",
    "name",
    "model",
    "provider",
    "suite",
    "suite_hash",
    "questions",
    "started",
    "code_version",
    "resumed_from",
    "carried",
)


def run_summary(record: RunRecord) -> dict[str, Any]:
    """summarize() over the result lines, plus why the run stopped early and when it ended (from
    its summary line, when it has one)."""
    summary = summarize(results_as_objects(record.results))
    recorded = record.summary or {}
    for key in ("stopped", "ended"):
        if isinstance(recorded.get(key), str):
            summary[key] = recorded[key]
    return summary


def run_info(record: RunRecord, path: Path) -> dict[str, Any]:
    info = {key: record.header.get(key) for key in _RUN_KEYS if key in record.header}
    return {**info, "path": str(path), "finished": record.summary is not None}


def show_json(record: RunRecord, path: Path) -> dict[str, Any]:
    summary = run_summary(record)
    return {
        "version": SHAPE_VERSION,
        "run": run_info(record, path),
        "summary": {k: v for k, v in summary.items() if k not in ("by_category", "by_db")},
        "by_category": summary["by_category"],
        "by_db": summary["by_db"],
        "questions": [r.to_json() for r in results_as_objects(record.results)],
    }


def compare_json(comparison: dict[str, Any], a: tuple[RunRecord, Path], b: tuple[RunRecord, Path]) -> dict[str, Any]:
    shared = comparison["shared"]
    return {
        "version": SHAPE_VERSION,
        "a": {**run_info(*a), **comparison["a"]},
        "b": {**run_info(*b), **comparison["b"]},
        "same_suite": comparison["same_suite"],
        "shared": {k: shared[k] for k in ("n", "a_correct", "b_correct", "delta")},
        "mcnemar": {
            "fixed": len(comparison["fixed"]),
            "broken": len(comparison["broken"]),
            "p": shared["mcnemar_p"],
            "identical_sql_flips": shared["identical_sql_flips"],
            "p_without_identical_sql": shared["mcnemar_p_without_identical_sql"],
        },
        "by_category": comparison["by_category"],
        "by_db": comparison["by_db"],
        "flips": comparison["flips"],
        "only_in_a": comparison["only_in_a"],
        "only_in_b": comparison["only_in_b"],
    }
