"""Benchmark: more rows in the TUI, paged (now) against loading up to 100,000 rows (before).

Builds (once, cached) a DuckDB file with a 19-column, 200,000-row table (integers, decimals,
doubles, text, dates), then, in fresh processes, shows its first 1,000 rows in the app's real
results panel (headless Textual) and gets more:
- baseline (the old `m`): the same SQL executed again with a 100,000-row cap and the whole result
  put in the panel's table (what "show more" did, capped at MORE_MAX_ROWS = 100,000);
- paged (the new `m`): five pages forward (rows 1,001-6,000), then a deep page (rows
  99,001-100,000: the 99,000 rows before it are streamed and dropped).
Reported per side: seconds to get there, resident memory (VmRSS) before and after, and the peak
(VmHWM); paged over baseline. Targets: the deep page's memory growth under 10% of the
baseline's and under 60 MB.

    python benchmarks/tui_paging.py [--runs 3] [--rows 200000]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

ROWS = 200_000
PAGE = 1000
OLD_CAP = 100_000  # the old MORE_MAX_ROWS
DEEP_OFFSET = 99_000
SQL = "SELECT * FROM wide ORDER BY id"
TARGET_GROWTH_RATIO = 0.10
TARGET_GROWTH_MB = 60


def build(cache: Path, rows: int) -> Path:
    import duckdb

    from tools.databases.build import build_from_sql

    path = cache / "tui_paging" / f"wide-{rows}-duckdb-{duckdb.__version__}.duckdb"
    if not path.is_file():
        build_from_sql(
            "CREATE TABLE wide AS SELECT i AS id, 2000 + i % 25 AS year, (i * 1.25)::DECIMAL(12,2) AS amount, "
            "i * 0.001 AS ratio, -1.0 * (i % 7) AS adjustment, 'customer_' || (i % 5000) AS customer, "
            "'region ' || (i % 12) AS region, DATE '2020-01-01' + (i % 2000)::INTEGER AS day, "
            "'SKU-' || lpad((i % 99991)::VARCHAR, 6, '0') AS sku, i % 3 = 0 AS flag, "
            + ", ".join(f"(i * {k}) % 1000 AS c{k}" for k in range(11, 20))
            + f" FROM range({rows}) r(i)",
            path,
        )
    return path


def memory_mb(field: str) -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return float("nan")


async def drive(mode: str, path: Path, cache: Path) -> dict[str, Any]:
    import gc

    from textual.app import App, ComposeResult

    from analyst.tui.results import ResultsPanel, ShownResult
    from analyst.tui.shared_db import SharedDatabase
    from tools.databases.base import Limits
    from tools.databases.duckdb import open_duckdb

    class Bench(App[None]):
        def compose(self) -> ComposeResult:
            yield ResultsPanel(id="results")

    database = open_duckdb(path, cache)
    limits = Limits(timeout_s=300, max_rows=PAGE)
    app = Bench()
    out: dict[str, Any] = {"mode": mode}
    async with app.run_test(size=(160, 40)) as pilot:
        panel = app.query_one(ResultsPanel)
        panel.attach(SharedDatabase(database), limits, lambda sql: None, "bench")
        first = database.execute(SQL, limits)
        panel.show(ShownResult("result 1", SQL, "hash", first, PAGE, True))
        await pilot.pause()
        gc.collect()
        out["rss_before_mb"] = memory_mb("VmRSS")

        async def until(predicate: Any) -> None:
            while not predicate():
                await pilot.pause(0.01)

        started = time.perf_counter()
        if mode == "baseline":  # the old "m": the same SQL with a 10x cap, up to 100,000 rows, all shown
            result = database.execute(SQL, Limits(timeout_s=300, max_rows=OLD_CAP))
            panel.show(ShownResult("result 1", SQL, "hash", result, OLD_CAP, True))
            await pilot.pause()
            out["rows_shown"] = panel.shown.result.row_count
            out["seconds"] = time.perf_counter() - started
        else:
            pages = []
            for _ in range(5):
                offset = panel.shown.offset + PAGE
                t0 = time.perf_counter()
                panel.show_more()
                await until(lambda offset=offset: panel.shown.offset == offset)
                pages.append(time.perf_counter() - t0)
            out["next_page_seconds_median"] = statistics.median(pages)
            t0 = time.perf_counter()
            panel._page(panel.shown, DEEP_OFFSET)
            await until(lambda: panel.shown.offset == DEEP_OFFSET)
            out["deep_page_seconds"] = time.perf_counter() - t0
            out["rows_shown"] = panel.shown.result.row_count
            assert panel.shown.result.rows[0][0] == DEEP_OFFSET, panel.shown.result.rows[0]
            out["seconds"] = time.perf_counter() - started
        gc.collect()
        out["rss_after_mb"] = memory_mb("VmRSS")
        out["peak_mb"] = memory_mb("VmHWM")
    database.close()
    out["growth_mb"] = out["rss_after_mb"] - out["rss_before_mb"]
    return out


def run_child(mode: str, path: Path, cache: Path) -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, __file__, "--child", mode, "--db", str(path), "--cache", str(cache)],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"{mode} run failed:\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cache", type=Path, default=Path(tempfile.gettempdir()) / "analyst-bench")
    parser.add_argument("--runs", type=int, default=3, help="fresh processes per side, alternating")
    parser.add_argument("--rows", type=int, default=ROWS)
    parser.add_argument("--child", choices=("baseline", "paged"), help=argparse.SUPPRESS)
    parser.add_argument("--db", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(asyncio.run(drive(args.child, args.db, args.cache))))
        return 0

    path = build(args.cache, args.rows)
    runs: dict[str, list[dict[str, Any]]] = {"baseline": [], "paged": []}
    for _ in range(args.runs):
        for mode in runs:
            runs[mode].append(run_child(mode, path, args.cache))

    def med(mode: str, key: str) -> float:
        return round(statistics.median(r[key] for r in runs[mode]), 3)

    base_growth, paged_growth = med("baseline", "growth_mb"), med("paged", "growth_mb")
    ratio = paged_growth / base_growth if base_growth > 0 else float("nan")
    passed = ratio <= TARGET_GROWTH_RATIO and paged_growth < TARGET_GROWTH_MB
    print(
        f"tui_paging: {SQL} over {args.rows:,} rows x 19 columns; first page {PAGE:,} rows; {args.runs} fresh processes per side"
    )
    print(f"{'path':58s} {'seconds':>8s} {'RSS before':>10s} {'after':>8s} {'growth':>8s} {'peak':>8s}")
    for label, mode in (
        ("baseline: old m, the same SQL again capped at 100,000", "baseline"),
        ("paged: 5 next pages, then rows 99,001-100,000", "paged"),
    ):
        print(
            f"{label:58s} {med(mode, 'seconds'):8.2f} {med(mode, 'rss_before_mb'):10.1f} {med(mode, 'rss_after_mb'):8.1f} "
            f"{med(mode, 'growth_mb'):8.1f} {med(mode, 'peak_mb'):8.1f}"
        )
    print(
        f"paged: next page {med('paged', 'next_page_seconds_median'):.3f} s (median), deep page {med('paged', 'deep_page_seconds'):.2f} s; "
        f"memory growth {ratio:.3f}x the baseline's -> "
        f"{'PASS' if passed else 'FAIL'} (target <= {TARGET_GROWTH_RATIO}x and < {TARGET_GROWTH_MB} MB)"
    )
    out = REPO / "benchmarks" / "results" / "tui_paging.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(
        json.dumps(
            {
                "benchmark": "tui_paging",
                "python": platform.python_version(),
                "machine": platform.machine(),
                "cpus": os.cpu_count(),
                "rows": args.rows,
                "runs": runs,
                "summary": [
                    {
                        "metric": "more rows: memory growth (paged to rows 99,001-100,000)",
                        "value": paged_growth,
                        "unit": "MB",
                        "baseline": base_growth,
                        "ratio": round(ratio, 3),
                        "target": f"<= {TARGET_GROWTH_RATIO}x, < {TARGET_GROWTH_MB} MB",
                        "passed": passed,
                    },
                    {
                        "metric": "more rows: seconds (5 pages + the deep page vs 100,000 rows at once)",
                        "value": med("paged", "seconds"),
                        "unit": "s",
                        "baseline": med("baseline", "seconds"),
                        "ratio": round(med("paged", "seconds") / med("baseline", "seconds"), 3),
                        "target": None,
                        "passed": None,
                    },
                    {
                        "metric": "more rows: one next page",
                        "value": med("paged", "next_page_seconds_median"),
                        "unit": "s",
                        "baseline": None,
                        "ratio": None,
                        "target": None,
                        "passed": None,
                    },
                ],
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
