"""Benchmark: the loop's own cost per question, everything but the model and the query.

A zero-latency scripted model answers each question with a `run_sql` call (a fixed GROUP BY over
the sample database), then a text answer, then the summary. Each question runs through a fresh
`AnalystLoop` driven with auto-approval: retrieval, prompt building, the SQL guard with DuckDB's
cross-check, approval, result fingerprint, preview, number verification and every event. The
time spent inside `model.complete` and `database.execute` is measured by wrapping them and
subtracted. Baseline (same run): the same three model calls and the query made directly.

Two emit targets: events kept in memory (the loop alone), and the real session log (JSONL with
fsync of decisions and results, in a temporary folder; this part depends on the disk).

    python benchmarks/loop_overhead.py [--questions 200] [--profile]
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import platform
import pstats
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from agents.drive import auto_approve, drive  # noqa: E402
from agents.loop import AnalystLoop  # noqa: E402
from agents.models.base import Message, ModelRequest  # noqa: E402
from agents.models.scripted import ScriptedModel  # noqa: E402
from agents.settings import Settings  # noqa: E402
from tools.databases.base import Limits  # noqa: E402

TARGET_MS = 30.0
WARMUP = 5
SQL = (
    "SELECT c.segment, count(DISTINCT o.order_id) AS orders, sum(i.line_total) AS revenue "
    "FROM orders AS o JOIN customers AS c ON c.customer_id = o.customer_id "
    "JOIN order_items AS i ON i.order_id = o.order_id GROUP BY c.segment ORDER BY revenue DESC"
)
QUESTION = "What is the revenue and number of orders per customer segment, {n}?"


def script(questions: int) -> list[dict[str, Any]]:
    per_question = [
        {
            "tool_calls": [{"name": "run_sql", "arguments": {"sql": SQL}}],
            "usage": {"input_tokens": 900, "output_tokens": 40},
        },
        {"text": "Consumers bring the most revenue.", "usage": {"input_tokens": 1200, "output_tokens": 10}},
        {
            "text": "Consumers bring the most revenue; see the table.",
            "usage": {"input_tokens": 400, "output_tokens": 12},
        },
    ]
    return per_question * questions


class Timed:
    """Wraps a model or database, adding the seconds spent in one method to `spent`."""

    def __init__(self, inner: Any, method: str) -> None:
        self._inner, self._method, self.spent = inner, method, 0.0

    def __getattr__(self, name: str) -> Any:
        value = getattr(self._inner, name)
        if name != self._method:
            return value

        def timed(*args: Any, **kwargs: Any) -> Any:
            started = time.perf_counter()
            try:
                return value(*args, **kwargs)
            finally:
                self.spent += time.perf_counter() - started

        return timed


def open_sample(cache: Path) -> Any:
    from tools.databases.duckdb import open_duckdb
    from tools.sample import sample_database

    return open_duckdb(sample_database(cache), cache)


def run_loop(database: Any, questions: int, log_dir: Path | None) -> list[dict[str, float]]:
    """Per question: wall seconds and seconds inside the model and the database."""
    model = Timed(ScriptedModel(script(questions + WARMUP), source="bench", name="scripted:bench"), "complete")
    db = Timed(database, "execute")
    catalog = database.catalog()
    log = None
    if log_dir is not None:
        from sessions.log import SessionLog

        log = SessionLog.create(log_dir)
    events: list[Any] = []
    emit = log.write if log is not None else events.append
    out = []
    for n in range(questions + WARMUP):
        model.spent = db.spent = 0.0
        started = time.perf_counter()
        loop = AnalystLoop(model, db, Settings(limits=Limits()), emit, catalog=catalog)  # type: ignore[arg-type]
        outcome = drive(loop, QUESTION.format(n=n), auto_approve)
        wall = time.perf_counter() - started
        if outcome.status != "answered" or outcome.result is None:
            raise RuntimeError(f"the scripted question did not run its query: {outcome}")
        if n >= WARMUP:
            out.append({"wall": wall, "model": model.spent, "database": db.spent})
        events.clear()
    if log is not None:
        log.close()
    return out


def run_baseline(database: Any, questions: int) -> list[float]:
    """The same three model calls and the query, made directly: what no loop can avoid."""
    model = ScriptedModel(script(questions + WARMUP), source="bench", name="scripted:bench")
    request = ModelRequest("system", (Message("user", "question"),), ())
    out = []
    for n in range(questions + WARMUP):
        started = time.perf_counter()
        model.complete(request)
        database.execute(SQL, Limits())
        model.complete(request)
        model.complete(request)
        if n >= WARMUP:
            out.append(time.perf_counter() - started)
    return out


def summarize(runs: list[dict[str, float]]) -> dict[str, float]:
    overhead = sorted(r["wall"] - r["model"] - r["database"] for r in runs)
    return {
        "overhead_ms_median": round(statistics.median(overhead) * 1000, 3),
        "overhead_ms_mean": round(statistics.fmean(overhead) * 1000, 3),
        "overhead_ms_p95": round(overhead[int(0.95 * (len(overhead) - 1))] * 1000, 3),
        "model_ms_median": round(statistics.median(r["model"] for r in runs) * 1000, 3),
        "database_ms_median": round(statistics.median(r["database"] for r in runs) * 1000, 3),
        "wall_ms_median": round(statistics.median(r["wall"] for r in runs) * 1000, 3),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cache", type=Path, default=Path(tempfile.gettempdir()) / "analyst-bench")
    parser.add_argument("--questions", type=int, default=200)
    parser.add_argument("--profile", action="store_true", help="print the top functions of the in-memory run")
    args = parser.parse_args()
    database = open_sample(args.cache)
    baseline = run_baseline(database, args.questions)
    baseline_ms = statistics.median(baseline) * 1000
    if args.profile:
        profiler = cProfile.Profile()
        profiler.enable()
    memory = summarize(run_loop(database, args.questions, None))
    if args.profile:
        profiler.disable()
        text = io.StringIO()
        pstats.Stats(profiler, stream=text).sort_stats("cumulative").print_stats(35)
        print(text.getvalue())
    with tempfile.TemporaryDirectory(prefix="analyst-bench-log-") as folder:
        logged = summarize(run_loop(database, args.questions, Path(folder)))
    database.close()

    passed = memory["overhead_ms_median"] < TARGET_MS
    print(
        f"loop overhead per question: {args.questions} questions (+{WARMUP} warm-up), zero-latency scripted model, "
        f"3 model calls + 1 query each, sample database"
    )
    print(f"baseline: model calls + query made directly, median {baseline_ms:.3f} ms per question")
    print(f"{'emit target':28s} {'overhead ms':>11s} {'mean':>8s} {'p95':>8s} {'x baseline':>10s}  target")
    rows = []
    for label, stats, target in (("events in memory", memory, True), ("session log (fsync)", logged, False)):
        ratio = stats["overhead_ms_median"] / baseline_ms
        verdict = (
            f"< {TARGET_MS:g} ms {'PASS' if stats['overhead_ms_median'] < TARGET_MS else 'FAIL'}" if target else ""
        )
        print(
            f"{label:28s} {stats['overhead_ms_median']:11.3f} {stats['overhead_ms_mean']:8.3f} {stats['overhead_ms_p95']:8.3f} {ratio:10.2f}  {verdict}"
        )
        rows.append({"emit": label, **stats, "ratio_to_baseline": round(ratio, 3)})
    out = REPO / "benchmarks" / "results" / "loop_overhead.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(
        json.dumps(
            {
                "benchmark": "loop_overhead",
                "python": platform.python_version(),
                "machine": platform.machine(),
                "questions": args.questions,
                "warmup": WARMUP,
                "sql": SQL,
                "baseline": {
                    "what": "3 scripted model calls + the query, made directly",
                    "ms_median": round(baseline_ms, 3),
                },
                "runs": rows,
                "summary": [
                    {
                        "metric": "loop overhead per question (events in memory)",
                        "value": memory["overhead_ms_median"],
                        "unit": "ms",
                        "baseline": round(baseline_ms, 3),
                        "ratio": rows[0]["ratio_to_baseline"],
                        "target": f"< {TARGET_MS:g} ms",
                        "passed": passed,
                    },
                    {
                        "metric": "loop overhead per question (session log)",
                        "value": logged["overhead_ms_median"],
                        "unit": "ms",
                        "baseline": round(baseline_ms, 3),
                        "ratio": rows[1]["ratio_to_baseline"],
                        "target": None,
                        "passed": None,
                    },
                ],
                "target_ms": TARGET_MS,
                "passed": passed,
            },
            indent=2,
        )
        + "\n"
    )
    print(f"wrote {out.relative_to(REPO)}")
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
