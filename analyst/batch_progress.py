"""Batch progress on stderr (done, failed, tokens, cost, ETA) and the closing summary table.

On a terminal, a bar; otherwise (a log file, CI, a pipe) one line per finished question, so a
long batch shows it is alive and which question failed, without a bar's control codes."""

from __future__ import annotations

import math
from typing import Any, TextIO

from agents.budget import usd


def tally_key(record: dict[str, Any]) -> str:
    """How a record counts: its status, except that words no query backs count as `no_sql`, not
    as answered (the record keeps `status: answered` and says `grounded: false`)."""
    if record["status"] == "answered" and record.get("grounded") is False:
        return "no_sql"
    return str(record["status"])


def eta_seconds(remaining: int, latencies: list[float], concurrency: int) -> float | None:
    """Time left from the questions finished so far: None before any has finished (no data, no
    guess); else the mean time per question times the rounds of `concurrency` still to go.
    Throughput since the start would count the first answers of a parallel batch as if the
    questions had run one after another."""
    if not latencies:
        return None
    if remaining <= 0:
        return 0.0
    return math.ceil(remaining / max(concurrency, 1)) * (sum(latencies) / len(latencies))


def _clock(seconds: float | None) -> str:
    if seconds is None:
        return "–"
    seconds = round(seconds)
    return f"{seconds // 3600}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"


class BatchProgress:
    """A rich progress bar on a terminal; one line per finished question otherwise."""

    def __init__(self, stream: TextIO, total: int, tally: Any, concurrency: int = 1) -> None:
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeElapsedColumn,
        )

        self.tally = tally
        self.stream = stream
        self.total = total
        self.concurrency = concurrency
        self.latencies: list[float] = []
        console = Console(file=stream)
        self.enabled = console.is_terminal
        self._progress = Progress(
            TextColumn("batch"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.fields[stats]}"),
            TimeElapsedColumn(),
            TextColumn("ETA {task.fields[eta]}"),
            console=console,
            disable=not self.enabled,
            transient=False,
        )
        self._task = self._progress.add_task("batch", total=total, stats="", eta=_clock(None))

    def __enter__(self) -> BatchProgress:
        self._progress.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        self._progress.__exit__(*exc)  # type: ignore[arg-type]

    def advance(self, record: dict[str, Any], elapsed_s: float | None = None) -> None:
        """One question finished (`elapsed_s`: from its start, None if it never started)."""
        t = self.tally
        if elapsed_s is not None:
            self.latencies.append(elapsed_s)
        failed = t.done - t.statuses.get("answered", 0) - t.statuses.get("dry_run", 0)
        cost = "cost ?" if t.cost_usd is None else usd(t.cost_usd)
        stats = f"failed {failed} · {t.input_tokens + t.output_tokens} tokens · {cost}"
        eta = eta_seconds(self.total - t.done, self.latencies, self.concurrency)
        self._progress.update(self._task, advance=1, stats=stats, eta=_clock(eta))
        if not self.enabled:
            from analyst.render import inert

            error = record.get("error") or {}
            why = (
                f" · {(inert(str(error.get('message', ''))).splitlines() or [''])[0][:160]}"
                if record.get("status") == "failed" and error.get("message")
                else ""
            )
            took = "not started" if elapsed_s is None else f"{elapsed_s:.1f} s"
            self.stream.write(
                f"batch {t.done}/{self.total} · {inert(str(record.get('id')))} · {tally_key(record)} · {took}{why}\n"
            )
            self.stream.flush()


def print_summary(stream: TextIO, tally: Any, elapsed_s: float, total: int) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(title="batch summary", show_header=True, header_style="bold")
    table.add_column("status")
    table.add_column("questions", justify="right")
    for status, count in sorted(tally.statuses.items()):
        table.add_row(status, str(count))
    table.add_row("total", f"{tally.done} of {total}")
    cost = "unknown" if tally.cost_usd is None else usd(tally.cost_usd)
    console = Console(file=stream)
    console.print(table)
    console.print(
        f"{tally.input_tokens} input + {tally.output_tokens} output tokens · cost {cost} · {elapsed_s:.1f} s",
        highlight=False,
    )
