"""Benchmark: finding the verified examples nearest a question among 10,000, against a linear scan.

Builds 10,000 synthetic examples (questions from a business vocabulary, as a busy team's store
might hold after a year), then times `ExampleIndex.nearest(question, 3)` for 300 questions and,
in the same run, the baseline a first implementation would write: score every example's word
set against the question (cosine over the same weights) and sort. Target: p50 under 10 ms.

    python benchmarks/examples_retrieval.py [--examples 10000] [--questions 300]
"""

from __future__ import annotations

import argparse
import json
import math
import platform
import random
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tools.examples import Example, ExampleIndex, Origin, words  # noqa: E402

TARGET_MS = 10.0
MEASURES = [
    "revenue",
    "sales",
    "orders",
    "customers",
    "refunds",
    "returns",
    "shipments",
    "visits",
    "signups",
    "churn",
    "margin",
    "discount",
    "units",
]
DIMENSIONS = [
    "region",
    "country",
    "city",
    "store",
    "product",
    "category",
    "segment",
    "channel",
    "supplier",
    "month",
    "week",
    "quarter",
    "year",
]
FILTERS = [
    "enterprise",
    "consumer",
    "online",
    "retail",
    "north",
    "south",
    "premium",
    "trial",
    "completed",
    "cancelled",
    "pending",
    "new",
]
TEMPLATES = (
    "What was total {m} by {d} for {f} {d2}?",
    "Which {d} had the most {m} last {t}?",
    "How many {m} per {d} in each {d2}?",
    "Show average {m} for {f} customers by {d}",
    "Top 10 {d} by {m} among {f} {m2}",
)
TIMES = ("month", "quarter", "year", "week")


def question(rng: random.Random) -> str:
    return (
        rng.choice(TEMPLATES).format(
            m=rng.choice(MEASURES),
            m2=rng.choice(MEASURES),
            d=rng.choice(DIMENSIONS),
            d2=rng.choice(DIMENSIONS),
            f=rng.choice(FILTERS),
            t=rng.choice(TIMES),
        )
        + f" #{rng.randrange(1000)}"
    )


def linear_nearest(
    examples: list[Example], weights: list[dict[str, float]], idf: dict[str, float], q: str
) -> list[Example]:
    """The baseline: score every example, sort all."""
    tf: dict[str, int] = {}
    for w in words(q):
        if w in idf:
            tf[w] = tf.get(w, 0) + 1
    query = {w: (1 + math.log(c)) * idf[w] for w, c in tf.items()}
    norm = math.sqrt(sum(v * v for v in query.values())) or 1.0
    scored = []
    for position, doc in enumerate(weights):
        score = sum(query[w] / norm * doc.get(w, 0.0) for w in query)
        if score > 0:
            scored.append((score, position))
    scored.sort(key=lambda pair: (-pair[0], pair[1]))
    return [examples[p] for _, p in scored[:3]]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--examples", type=int, default=10_000)
    parser.add_argument("--questions", type=int, default=300)
    args = parser.parse_args()
    rng = random.Random(18)
    examples = [
        Example(f"ex-{i:05d}", "bench", question(rng), f"SELECT {i}", Origin.APPROVED) for i in range(args.examples)
    ]
    started = time.perf_counter()
    index = ExampleIndex(examples)
    build_s = time.perf_counter() - started
    # the baseline's per-example weights, precomputed as generously as the index's
    n = len(examples)
    doc_freq: dict[str, int] = {}
    counts = []
    for e in examples:
        tf: dict[str, int] = {}
        for w in words(e.question):
            tf[w] = tf.get(w, 0) + 1
        counts.append(tf)
        for w in tf:
            doc_freq[w] = doc_freq.get(w, 0) + 1
    idf = {w: math.log(1 + n / df) for w, df in doc_freq.items()}
    weights = []
    for tf in counts:
        doc = {w: (1 + math.log(c)) * idf[w] for w, c in tf.items()}
        norm = math.sqrt(sum(v * v for v in doc.values())) or 1.0
        weights.append({w: v / norm for w, v in doc.items()})

    asked = [question(rng) for _ in range(args.questions)]
    ours, base, agree = [], [], 0
    for q in asked:
        t0 = time.perf_counter()
        got = index.nearest(q, 3)
        t1 = time.perf_counter()
        want = linear_nearest(examples, weights, idf, q)
        t2 = time.perf_counter()
        ours.append((t1 - t0) * 1000)
        base.append((t2 - t1) * 1000)
        agree += [e.id for e in got] == [e.id for e in want]
    p50, p95 = statistics.median(ours), statistics.quantiles(ours, n=20)[18]
    b50 = statistics.median(base)
    passed = p50 < TARGET_MS
    result = {
        "benchmark": "examples_retrieval",
        "python": platform.python_version(),
        "machine": platform.machine(),
        "examples": n,
        "questions": args.questions,
        "build_seconds": round(build_s, 3),
        "baseline": {"what": "linear scan: score every example, sort", "p50_ms": round(b50, 3)},
        "index": {"p50_ms": round(p50, 3), "p95_ms": round(p95, 3)},
        "same_top3_as_baseline": f"{agree}/{len(asked)}",
        "summary": [
            {
                "metric": f"nearest 3 of {n:,} examples: lookup p50",
                "value": round(p50, 3),
                "unit": "ms",
                "baseline": round(b50, 3),
                "ratio": round(p50 / b50, 3) if b50 else None,
                "target": f"< {TARGET_MS:g} ms",
                "passed": passed,
            }
        ],
    }
    out = REPO / "benchmarks" / "results" / "examples_retrieval.json"
    out.write_text(json.dumps(result, indent=2) + "\n")
    print(
        f"{n:,} examples (index built in {build_s:.2f} s): nearest-3 p50 {p50:.2f} ms, p95 {p95:.2f} ms; "
        f"linear scan p50 {b50:.2f} ms; same top 3 as the scan for {agree}/{len(asked)}; "
        f"target p50 < {TARGET_MS:g} ms: {'PASS' if passed else 'FAIL'}"
    )
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
