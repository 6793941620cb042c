"""Batch throughput against the ideal: questions × model calls × latency ÷ workers.

Runs `analyst batch` in-process through the real openai SDK against the loopback fake server,
which answers every call after a fixed latency, so model latency dominates as in real use.
Prints a table (seconds, ideal, efficiency = ideal / measured) and writes a JSON file.

    python benchmarks/batch_throughput.py [--questions 48] [--latency-ms 100]
"""

from __future__ import annotations

import argparse
import io
import json
import os
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tests.fakes import FakeOpenAI  # noqa: E402

CALLS_PER_QUESTION = 3  # propose SQL, answer after the result, summarize


def responder(latency_ms: int):
    def reply(body: dict) -> dict:
        messages = body["messages"]
        if "<data>" in messages[-1].get("content", ""):
            return {"text": "Summary.", "delay_ms": latency_ms, "usage": {"input_tokens": 50, "output_tokens": 5}}
        if messages[-1]["role"] == "tool":
            return {"text": "Done.", "delay_ms": latency_ms, "usage": {"input_tokens": 50, "output_tokens": 5}}
        return {
            "tool_calls": [
                {
                    "name": "run_sql",
                    "arguments": {"sql": "SELECT segment, count(*) AS n FROM customers GROUP BY segment"},
                }
            ],
            "delay_ms": latency_ms,
            "usage": {"input_tokens": 500, "output_tokens": 20},
        }

    return reply


def run(questions: int, latency_ms: int, workers: int, fake: FakeOpenAI, home: Path) -> float:
    from analyst.commands.batch import run_batch
    from analyst.config import load_config

    path = home / f"q{workers}.txt"
    path.write_text("".join(f"How many customers per segment, take {i}?\n" for i in range(questions)))
    out = home / f"out{workers}-{questions}.jsonl"
    out.unlink(missing_ok=True)
    started = time.perf_counter()
    code = run_batch(
        load_config({}),
        path,
        approve="auto",
        db=None,
        model_name="openai:gpt-4.1-mini",
        out=out,
        concurrency=workers,
        resume=False,
        stdout=io.StringIO(),
        stderr=io.StringIO(),
    )
    elapsed = time.perf_counter() - started
    lines = out.read_text().splitlines()
    assert code == 0 and len(lines) == questions, (code, len(lines))
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--questions", type=int, default=48)
    parser.add_argument("--latency-ms", type=int, default=100)
    args = parser.parse_args()
    home = Path(tempfile.mkdtemp(prefix="analyst-bench-"))
    os.environ["ANALYST_HOME"] = str(home)
    os.environ["OPENAI_API_KEY"] = "sk-bench-000000000000"
    rows = []
    with FakeOpenAI() as fake:
        fake.responder = responder(args.latency_ms)
        os.environ["OPENAI_BASE_URL"] = fake.base_url
        run(4, args.latency_ms, 1, fake, home)  # warm-up: sample database build, imports
        for workers in (1, 2, 4, 8):
            measured = run(args.questions, args.latency_ms, workers, fake, home)
            ideal = args.questions * CALLS_PER_QUESTION * args.latency_ms / 1000 / workers
            rows.append(
                {
                    "workers": workers,
                    "seconds": round(measured, 3),
                    "ideal_seconds": round(ideal, 3),
                    "efficiency": round(ideal / measured, 3),
                }
            )
    base = rows[0]["seconds"]
    print(
        f"batch throughput: {args.questions} questions, {CALLS_PER_QUESTION} model calls each, {args.latency_ms} ms per call"
    )
    print(f"{'workers':>7} {'seconds':>8} {'ideal':>8} {'efficiency':>10} {'speed-up':>9}")
    for row in rows:
        row["speedup"] = round(base / row["seconds"], 2)
        print(
            f"{row['workers']:>7} {row['seconds']:>8.2f} {row['ideal_seconds']:>8.2f} {row['efficiency']:>10.2f} {row['speedup']:>8.2f}x"
        )
    target = REPO / "benchmarks" / "results" / "batch_throughput.json"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(
        json.dumps({"questions": args.questions, "latency_ms": args.latency_ms, "runs": rows}, indent=2) + "\n"
    )
    print(f"wrote {target.relative_to(REPO)}")


if __name__ == "__main__":
    main()
