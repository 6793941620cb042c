"""The judge against its labelled differential set: accuracy, false accepts and false rejects per kind.

tests/data/judge/pairs.jsonl (made by scripts/make_judge_pairs.py) holds (question, gold,
prediction, truth, kind) pairs over the defog databases, the truth decided by construction.  Each
prediction runs on the real DuckDB database and is scored by `score_result` - the scorer's own
path: the gold through the guard, its shape, the run past its LIMIT when needed, the verdict.

Also the cost of reading gold SQL, before and after it was parsed once per gold: the same pairs
scored with the parse caches cleared before every pair and the gold parsed one extra time (what
the scorer did: `order_keys` and `has_top_level_order` each parsed it), then with the caches.
Run: `python benchmarks/judge_agreement.py [--cache DIR]`; writes results/judge_agreement.json.
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import platform
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
PAIRS = REPO / "tests" / "data" / "judge" / "pairs.jsonl"


def load(cache: Path) -> tuple[list[dict[str, Any]], dict[str, Any], Any]:
    from sessions.evaluation.defog import build_databases
    from tools.databases.base import Limits
    from tools.databases.duckdb import open_duckdb

    pairs = [json.loads(line) for line in PAIRS.read_text(encoding="utf-8").splitlines() if line.strip()]
    paths = build_databases(cache)
    dbs = {name: open_duckdb(path, cache) for name, path in paths.items()}
    return pairs, dbs, Limits(timeout_s=30, max_rows=100_000, cell_digest=True)


def score_all(
    pairs: list[dict[str, Any]], dbs: dict[str, Any], limits: Any, *, old_parsing: bool
) -> tuple[list[bool], float, float]:
    """(verdicts, seconds scoring, seconds of that reading gold SQL)."""
    import importlib

    import sessions.evaluation.scoring as scoring

    shapes = importlib.import_module("sessions.evaluation.comparison.order_keys")  # the module, not its function
    from sessions.evaluation.suite import SuiteItem

    real = scoring.gold_shape
    parse_s = 0.0

    def timed(sql: str, dialect: str, columns: Any) -> Any:
        nonlocal parse_s
        started = time.perf_counter()
        if old_parsing:
            shapes._parsed.cache_clear()
            shapes._shape.cache_clear()
            shapes._parsed.__wrapped__(sql, dialect)  # the second parse the scorer made per gold
        shape = real(sql, dialect, columns)
        parse_s += time.perf_counter() - started
        return shape

    shapes._parsed.cache_clear()
    shapes._shape.cache_clear()
    scoring.gold_shape = timed  # type: ignore[assignment]
    verdicts, total = [], 0.0
    try:
        for pair in pairs:
            db = dbs[pair["db"]]
            pred = db.execute(pair["prediction"], limits)
            item = SuiteItem(
                id=pair["id"],
                question=pair["question"],
                gold=(pair["gold"],),
                db=None,
                order_sensitive=pair["order_sensitive"],
            )
            started = time.perf_counter()
            verdicts.append(scoring.score_result(item, pred, db, limits).correct)
            total += time.perf_counter() - started
    finally:
        scoring.gold_shape = real  # type: ignore[assignment]
    return verdicts, total, parse_s


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cache", type=Path, default=Path(tempfile.gettempdir()) / "analyst-bench")
    args = parser.parse_args()
    pairs, dbs, limits = load(args.cache)
    before, before_s, before_parse = score_all(pairs, dbs, limits, old_parsing=True)
    verdicts, after_s, after_parse = score_all(pairs, dbs, limits, old_parsing=False)
    assert before == verdicts, "parsing once changed a verdict"
    per_kind: dict[str, collections.Counter[str]] = collections.defaultdict(collections.Counter)
    for pair, got in zip(pairs, verdicts):
        c = per_kind[pair["kind"]]
        c["n"] += 1
        c["truth_" + ("equivalent" if pair["truth"] else "wrong")] += 1
        c["agree"] += got == pair["truth"]
        c["false_accept"] += got and not pair["truth"]
        c["false_reject"] += pair["truth"] and not got
    n = len(pairs)
    agree = sum(c["agree"] for c in per_kind.values())
    fa = sum(c["false_accept"] for c in per_kind.values())
    fr = sum(c["false_reject"] for c in per_kind.values())
    wrong_n = sum(not p["truth"] for p in pairs)
    print(f"{'kind':28} {'n':>5} {'truth':>10} {'accuracy':>9} {'false acc':>9} {'false rej':>9}")
    for kind, c in sorted(per_kind.items()):
        truth = "equivalent" if c["truth_equivalent"] else "wrong"
        print(
            f"{kind:28} {c['n']:5} {truth:>10} {c['agree'] / c['n']:9.1%} {c['false_accept']:9} {c['false_reject']:9}"
        )
    print(f"{'all':28} {n:5} {'':>10} {agree / n:9.1%} {fa:9} {fr:9}")
    print(f"false accepts {fa}/{wrong_n} wrong answers, false rejects {fr}/{n - wrong_n} equivalent ones")
    print(f"scoring all pairs: {before_s:.2f} s parsing gold per prediction (twice), {after_s:.2f} s parsing once")
    print(f"  of which reading gold SQL: {before_parse:.2f} s before, {after_parse:.3f} s after")
    summary = [
        {
            "metric": "pairs judged right",
            "value": round(agree / n, 4),
            "unit": "",
            "baseline": None,
            "ratio": None,
            "target": "= 1.0",
            "passed": agree == n,
        },
        {
            "metric": "false accepts / false rejects",
            "value": f"{fa} / {fr}",
            "unit": "",
            "baseline": None,
            "ratio": None,
            "target": None,
            "passed": None,
        },
        {
            "metric": "scoring all pairs, gold parsed once",
            "value": round(after_s, 3),
            "unit": "s",
            "baseline": round(before_s, 3),
            "ratio": round(after_s / before_s, 3) if before_s else None,
            "target": None,
            "passed": None,
        },
        {
            "metric": "of which reading gold SQL",
            "value": round(after_parse, 3),
            "unit": "s",
            "baseline": round(before_parse, 3),
            "ratio": round(after_parse / before_parse, 3) if before_parse else None,
            "target": None,
            "passed": None,
        },
    ]
    out = REPO / "benchmarks" / "results" / "judge_agreement.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(
        json.dumps(
            {
                "benchmark": "judge_agreement",
                "pairs": n,
                "per_kind": {k: dict(v) for k, v in sorted(per_kind.items())},
                "summary": summary,
                "python": platform.python_version(),
                "cpus": os.cpu_count(),
                "load_average_1min": round(os.getloadavg()[0], 2),
            },
            indent=2,
        )
        + "\n",
        encoding="utf-8",
    )
    return 0 if agree == n else 1


if __name__ == "__main__":
    raise SystemExit(main())
