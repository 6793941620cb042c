"""Benchmark: time from process start to the first paint of `analyst chat`, in a real terminal.

Each run starts the venv's `analyst chat` (scripted model, bundled sample database, a throwaway
ANALYST_HOME) on a pseudo-terminal of 120x36 and reads what it draws: "first paint" is when the
question box's placeholder arrives, "ready" when the status bar says the schema has loaded and a
question can be asked. Then it presses ctrl+q. The same is measured with `openai:` and
`anthropic:` models (a dummy key; nothing is sent before a question), whose SDKs the adapters
import when built, before the screen. Baselines measured in the same run, alternating:
a bare `python -c pass` (to process exit) and a one-widget Textual app (to its first paint), so
the figures separate Python, Textual and analyst. Medians of N runs after one warm-up of each.

    python benchmarks/tui_first_paint.py [--runs 10]
"""

from __future__ import annotations

import argparse
import fcntl
import json
import os
import platform
import pty
import select
import shutil
import signal
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
TARGET_S = 1.0
COLUMNS, LINES = 120, 36
PAINT_MARKER = b"sk about your data"  # the placeholder; its first cell holds the cursor
READY_MARKER = b" ready "
HELLO_APP = """
from textual.app import App
from textual.widgets import Static
class Hello(App):
    def compose(self):
        yield Static("Ask about your data")
Hello().run()
"""


def analyst_command() -> list[str]:
    script = Path(sys.executable).parent / "analyst"
    if script.is_file():
        return [str(script)]
    found = shutil.which("analyst")
    return [found] if found else [sys.executable, "-m", "analyst.cli"]


def run_in_pty(
    command: list[str], env: dict[str, str], markers: tuple[bytes, ...], timeout: float = 20.0
) -> dict[bytes, float]:
    """Start `command` on a fresh pty; seconds from spawn until each marker was drawn (or exit)."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", LINES, COLUMNS, 0, 0))
    started = time.perf_counter()
    process = subprocess.Popen(
        command, stdin=slave, stdout=slave, stderr=slave, env=env, close_fds=True, start_new_session=True
    )
    os.close(slave)
    seen: dict[bytes, float] = {}
    output = b""
    try:
        while len(seen) < len(markers) and time.perf_counter() - started < timeout:
            ready, _, _ = select.select([master], [], [], 0.05)
            if ready:
                try:
                    chunk = os.read(master, 65536)
                except OSError:
                    break
                if not chunk:
                    break
                output += chunk
                now = time.perf_counter() - started
                for marker in markers:
                    if marker not in seen and marker in output:
                        seen[marker] = now
            elif process.poll() is not None:
                break
        if not markers:
            process.wait(timeout)
            seen[b""] = time.perf_counter() - started
        else:
            os.write(master, b"\x11")  # ctrl+q
            try:
                process.wait(5)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
    finally:
        os.close(master)
    missing = [m for m in markers if m not in seen]
    if missing:
        tail = output[-600:].decode("utf-8", "replace")
        raise RuntimeError(f"{' '.join(command[:3])}: never drew {missing!r}; last output: {tail!r}")
    return seen


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="analyst-tui-bench-") as home:
        script = Path(home) / "script.jsonl"
        script.write_text('{"text": "unused"}\n')
        env = {
            **os.environ,
            "ANALYST_HOME": home,
            "TERM": "xterm-256color",
            "COLUMNS": str(COLUMNS),
            "LINES": str(LINES),
        }
        for name in ("NO_COLOR", "TEXTUAL", "ANALYST_DB", "ANALYST_MODEL"):
            env.pop(name, None)
        build_sample = "from analyst.config import load_config\nfrom tools.sample import sample_database\nsample_database(load_config().cache_dir)"
        subprocess.run([sys.executable, "-c", build_sample], env=env, check=True)
        analyst = analyst_command() + ["chat", "--model", f"scripted:{script}"]
        bare = [sys.executable, "-c", "pass"]
        hello = [sys.executable, "-c", HELLO_APP]
        (
            run_in_pty(bare, env, ()),
            run_in_pty(hello, env, (PAINT_MARKER,)),
            run_in_pty(analyst, env, (PAINT_MARKER, READY_MARKER)),
        )
        keyed = {**env, "OPENAI_API_KEY": "sk-bench-not-a-key", "ANTHROPIC_API_KEY": "sk-ant-bench-not-a-key"}
        sdk_models = {"openai": "openai:gpt-4.1-mini", "anthropic": "anthropic:claude-sonnet-4-5"}
        bare_runs, hello_runs, paint_runs, ready_runs = [], [], [], []
        sdk_runs: dict[str, list[float]] = {name: [] for name in sdk_models}
        for _ in range(args.runs):
            bare_runs.append(run_in_pty(bare, env, ())[b""])
            hello_runs.append(run_in_pty(hello, env, (PAINT_MARKER,))[PAINT_MARKER])
            seen = run_in_pty(analyst, env, (PAINT_MARKER, READY_MARKER))
            paint_runs.append(seen[PAINT_MARKER])
            ready_runs.append(seen[READY_MARKER])
            for name, model in sdk_models.items():
                command = analyst_command() + ["chat", "--model", model]
                sdk_runs[name].append(run_in_pty(command, keyed, (PAINT_MARKER,))[PAINT_MARKER])
    bare_s, hello_s = statistics.median(bare_runs), statistics.median(hello_runs)
    paint_s, ready_s = statistics.median(paint_runs), statistics.median(ready_runs)
    sdk_s = {name: statistics.median(runs) for name, runs in sdk_runs.items()}
    passed = paint_s < TARGET_S

    print(f"TUI first paint: median of {args.runs} runs each, alternating, pty {COLUMNS}x{LINES}")
    print(f"{'measure':44s} {'seconds':>8s} {'x python':>9s} {'x textual':>10s}")
    print(f"{'baseline: python -c pass (to exit)':44s} {bare_s:8.3f} {1.0:9.2f} {'':>10s}")
    print(f"{'baseline: one-widget Textual app (paint)':44s} {hello_s:8.3f} {hello_s / bare_s:9.2f} {1.0:10.2f}")
    print(f"{'analyst chat: first paint':44s} {paint_s:8.3f} {paint_s / bare_s:9.2f} {paint_s / hello_s:10.2f}")
    print(
        f"{'analyst chat: ready (schema loaded)':44s} {ready_s:8.3f} {ready_s / bare_s:9.2f} {ready_s / hello_s:10.2f}"
    )
    for name, seconds in sdk_s.items():
        label = f"analyst chat --model {name}:…: first paint"
        print(f"{label:44s} {seconds:8.3f} {seconds / bare_s:9.2f} {seconds / hello_s:10.2f}")
    print(f"first paint {paint_s:.3f} s (target < {TARGET_S} s) -> {'PASS' if passed else 'FAIL'}")
    out = REPO / "benchmarks" / "results" / "tui_first_paint.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(
        json.dumps(
            {
                "benchmark": "tui_first_paint",
                "python": platform.python_version(),
                "machine": platform.machine(),
                "runs": args.runs,
                "statistic": "median",
                "terminal": f"{COLUMNS}x{LINES}",
                "command": [
                    Path(analyst_command()[0]).name,
                    *analyst_command()[1:],
                    "chat",
                    "--model",
                    "scripted:FILE",
                ],
                "baseline": {"what": "python -c pass", "seconds": round(bare_s, 4)},
                "textual_hello_seconds": round(hello_s, 4),
                "first_paint_seconds": round(paint_s, 4),
                "ready_seconds": round(ready_s, 4),
                "first_paint_seconds_by_provider": {name: round(seconds, 4) for name, seconds in sdk_s.items()},
                "summary": [
                    {
                        "metric": "analyst chat: process start to first paint",
                        "value": round(paint_s, 4),
                        "unit": "s",
                        "baseline": round(bare_s, 4),
                        "ratio": round(paint_s / bare_s, 3),
                        "target": f"< {TARGET_S} s",
                        "passed": passed,
                    },
                    {
                        "metric": "analyst chat: first paint over a one-widget Textual app",
                        "value": round(paint_s, 4),
                        "unit": "s",
                        "baseline": round(hello_s, 4),
                        "ratio": round(paint_s / hello_s, 3),
                        "target": None,
                        "passed": None,
                    },
                    {
                        "metric": "analyst chat: process start to ready (schema loaded)",
                        "value": round(ready_s, 4),
                        "unit": "s",
                        "baseline": round(bare_s, 4),
                        "ratio": round(ready_s / bare_s, 3),
                        "target": None,
                        "passed": None,
                    },
                    *(
                        {
                            "metric": f"analyst chat --model {sdk_models[name]}: first paint",
                            "value": round(seconds, 4),
                            "unit": "s",
                            "baseline": round(bare_s, 4),
                            "ratio": round(seconds / bare_s, 3),
                            "target": None,
                            "passed": None,
                        }
                        for name, seconds in sdk_s.items()
                    ),
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
