"""Run every benchmark in benchmarks/ and print one combined table.

Each `benchmarks/<name>.py` runs in its own interpreter (so memory and imports do not leak
between them), prints its own table and writes benchmarks/results/<name>.json; this script then
reads those files and prints every figure with its baseline, ratio and target, and writes
benchmarks/results/run_all.json. Exit status 1 if any benchmark failed or missed a target.

    python benchmarks/run_all.py              # all of them
    python benchmarks/run_all.py retrieval startup
"""

from __future__ import annotations

import argparse
import json
import platform
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
RESULTS = HERE / "results"
FIRST = ("retrieval", "startup", "loop_overhead", "execution")  # the four, in its order


def discover() -> list[str]:
    names = sorted(p.stem for p in HERE.glob("*.py") if p.stem != "run_all" and not p.stem.startswith("_"))
    return [n for n in FIRST if n in names] + [n for n in names if n not in FIRST]


def rows_of(name: str, data: dict[str, Any]) -> list[dict[str, Any]]:
    """The benchmark's figures as {metric, value, unit, baseline, ratio, target, passed} rows."""
    if isinstance(data.get("summary"), list):
        return data["summary"]
    if name == "compare_results" and "scenarios" in data:
        base = data["baseline"]["seconds"]
        return [
            {
                "metric": s["scenario"],
                "value": s["seconds"],
                "unit": "s",
                "baseline": base,
                "ratio": s.get("ratio_to_baseline"),
                "target": f"< {data['target_seconds']} s" if i == 0 else None,
                "passed": data.get("passed") if i == 0 else None,
            }
            for i, s in enumerate(data["scenarios"])
        ]
    if name == "batch_throughput" and "runs" in data:
        return [
            {
                "metric": f"{data['questions']} questions, {r['workers']} workers",
                "value": r["seconds"],
                "unit": "s",
                "baseline": r["ideal_seconds"],
                "ratio": round(r["seconds"] / r["ideal_seconds"], 3),
                "target": None,
                "passed": None,
            }
            for r in data["runs"]
        ]
    return [
        {
            "metric": "passed",
            "value": None,
            "unit": "",
            "baseline": None,
            "ratio": None,
            "target": None,
            "passed": data.get("passed"),
        }
    ]


def run(name: str) -> dict[str, Any]:
    result_file = RESULTS / f"{name}.json"
    before = result_file.stat().st_mtime if result_file.exists() else None
    print(f"\n=== {name} " + "=" * (60 - len(name)), flush=True)
    started = time.perf_counter()
    code = subprocess.run([sys.executable, str(HERE / f"{name}.py")], cwd=REPO, check=False).returncode
    seconds = time.perf_counter() - started
    fresh = result_file.exists() and result_file.stat().st_mtime != before
    rows = rows_of(name, json.loads(result_file.read_text())) if fresh else []
    status = "PASS" if code == 0 and fresh else ("ERROR" if not fresh else "FAIL")
    return {"benchmark": name, "status": status, "exit_code": code, "seconds": round(seconds, 1), "rows": rows}


def _num(value: Any, unit: str = "") -> str:
    if value is None:
        return ""
    text = f"{value:.4g}" if isinstance(value, float) else str(value)
    return f"{text} {unit}".strip()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("names", nargs="*", help="benchmarks to run (default: all)")
    args = parser.parse_args()
    available = discover()
    unknown = [n for n in args.names if n not in available]
    if unknown:
        parser.error(f"unknown benchmark(s): {', '.join(unknown)} (available: {', '.join(available)})")
    outcomes = [run(name) for name in (args.names or available)]

    print("\n" + "=" * 120)
    print(f"{'benchmark':16s} {'metric':52s} {'value':>12s} {'baseline':>11s} {'ratio':>7s}  {'target':12s} result")
    print("-" * 120)
    for outcome in outcomes:
        if not outcome["rows"]:
            print(
                f"{outcome['benchmark']:16s} {'(no results: exit code ' + str(outcome['exit_code']) + ')':52s}"
                f"{'':>35s}  {'':12s} {outcome['status']}"
            )
        for row in outcome["rows"]:
            verdict = {True: "PASS", False: "FAIL", None: ""}[row.get("passed")]
            print(
                f"{outcome['benchmark']:16s} {str(row['metric'])[:52]:52s} {_num(row.get('value'), row.get('unit', '')):>12s} "
                f"{_num(row.get('baseline')):>11s} {_num(row.get('ratio')):>7s}  {row.get('target') or '':12s} {verdict}"
            )
    print("-" * 120)
    for outcome in outcomes:
        print(f"{outcome['benchmark']:16s} {outcome['status']:5s} in {outcome['seconds']:.1f} s")
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "run_all.json").write_text(
        json.dumps(
            {
                "python": platform.python_version(),
                "machine": platform.machine(),
                "benchmarks": outcomes,
                "passed": all(o["status"] == "PASS" for o in outcomes),
            },
            indent=2,
        )
        + "\n"
    )
    print(f"wrote {(RESULTS / 'run_all.json').relative_to(REPO)}")
    return 0 if all(o["status"] == "PASS" for o in outcomes) else 1


if __name__ == "__main__":
    sys.exit(main())
