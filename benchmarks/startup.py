"""Benchmark: start-up time of `analyst --help` over a bare `python -c pass`.

Runs the venv's `analyst` console script and the same interpreter with `-c pass`, alternating,
N times each (after one warm-up of each), and compares medians. A separate run checks that
`--help` imports none of the heavy modules ARCHITECTURE.md §1 keeps lazy (textual, openai, anthropic,
duckdb, ...), and lists the slowest imports it does make.

    python benchmarks/startup.py [--runs 20]
"""

from __future__ import annotations

import argparse
import json
import platform
import re
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
TARGET_S = 0.25
HEAVY = ("textual", "openai", "anthropic", "duckdb", "rich", "keyring", "sqlglot", "rapidfuzz", "httpx")
_IMPORT_LINE = re.compile(r"import time:\s+(\d+) \|\s+(\d+) \|(\s*)(\S+)")


def analyst_command() -> list[str]:
    script = Path(sys.executable).parent / "analyst"
    if script.is_file():
        return [str(script), "--help"]
    found = shutil.which("analyst")
    return [found, "--help"] if found else [sys.executable, "-m", "analyst.cli", "--help"]


def timed(command: list[str]) -> float:
    started = time.perf_counter()
    subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    return time.perf_counter() - started


def imports_of_help() -> tuple[list[str], list[tuple[str, float]]]:
    """Heavy modules `--help` imports, and its ten slowest imports (cumulative ms)."""
    probe = (
        "import sys\nsys.argv = ['analyst', '--help']\nfrom analyst.cli import main\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
    )
    done = subprocess.run([sys.executable, "-X", "importtime", "-c", probe], capture_output=True, text=True, check=True)
    cumulative: dict[str, float] = {}
    for line in done.stderr.splitlines():
        match = _IMPORT_LINE.match(line)
        if match:
            cumulative[match.group(4)] = int(match.group(2)) / 1000
    heavy = sorted({name.split(".")[0] for name in cumulative if name.split(".")[0] in HEAVY})
    top = [(name, ms) for name, ms in sorted(cumulative.items(), key=lambda kv: -kv[1]) if "." not in name][:10]
    return heavy, top


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    analyst = analyst_command()
    bare = [sys.executable, "-c", "pass"]
    timed(bare), timed(analyst)  # warm the page cache
    bare_runs, analyst_runs = [], []
    for _ in range(args.runs):
        bare_runs.append(timed(bare))
        analyst_runs.append(timed(analyst))
    bare_s, analyst_s = statistics.median(bare_runs), statistics.median(analyst_runs)
    over = analyst_s - bare_s
    heavy, top = imports_of_help()
    passed = over < TARGET_S and not heavy

    print(
        f"start-up: median of {args.runs} runs each, alternating; {' '.join(Path(a).name if i == 0 else a for i, a in enumerate(analyst))}"
    )
    print(f"{'command':28s} {'seconds':>8s} {'x baseline':>10s}")
    print(f"{'baseline: python -c pass':28s} {bare_s:8.3f} {1.0:10.2f}")
    print(f"{'analyst --help':28s} {analyst_s:8.3f} {analyst_s / bare_s:10.2f}")
    print(f"over bare Python: {over:.3f} s (target < {TARGET_S} s) -> {'PASS' if over < TARGET_S else 'FAIL'}")
    print(f"heavy modules imported by --help: {', '.join(heavy) or 'none'} -> {'FAIL' if heavy else 'PASS'}")
    print("slowest top-level imports (cumulative ms): " + ", ".join(f"{n} {ms:.0f}" for n, ms in top[:6]))
    out = REPO / "benchmarks" / "results" / "startup.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(
        json.dumps(
            {
                "benchmark": "startup",
                "python": platform.python_version(),
                "machine": platform.machine(),
                "runs": args.runs,
                "statistic": "median",
                "command": [Path(analyst[0]).name, *analyst[1:]],
                "baseline": {"what": "python -c pass", "seconds": round(bare_s, 4)},
                "analyst_help_seconds": round(analyst_s, 4),
                "over_baseline_seconds": round(over, 4),
                "heavy_modules_imported": heavy,
                "slowest_imports_ms": [{"module": n, "ms": ms} for n, ms in top],
                "summary": [
                    {
                        "metric": "analyst --help over bare python",
                        "value": round(over, 4),
                        "unit": "s",
                        "baseline": round(bare_s, 4),
                        "ratio": round(analyst_s / bare_s, 3),
                        "target": f"< {TARGET_S} s",
                        "passed": over < TARGET_S,
                    },
                    {
                        "metric": "heavy modules imported by --help",
                        "value": len(heavy),
                        "unit": "",
                        "baseline": 0,
                        "ratio": None,
                        "target": "0",
                        "passed": not heavy,
                    },
                ],
                "target_seconds": TARGET_S,
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
