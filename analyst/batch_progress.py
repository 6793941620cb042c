"""Batch progress on stderr (done, failed, tokens, cost, ETA) and the closing summary table."""

from __future__ import annotations

from typing import Any, TextIO

from agents.budget import usd


class BatchProgress:
    """A rich progress bar; silent (apart from the summary) when stderr is not a terminal."""

    def __init__(self, stream: TextIO, total: int, tally: Any) -> None:
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeElapsedColumn,
            TimeRemainingColumn,
        )

        self.tally = tally
        console = Console(file=stream)
        self.enabled = console.is_terminal
        self._progress = Progress(
            TextColumn("batch"), BarColumn(), MofNCompleteColumn(),
            TextColumn("{task.fields[stats]}"), TimeElapsedColumn(), TextColumn("ETA"), TimeRemainingColumn(),
            console=console, disable=not self.enabled, transient=False,
        )
        self._task = self._progress.add_task("batch", total=total, stats="")

    def __enter__(self) -> BatchProgress:
        self._progress.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        self._progress.__exit__(*exc)  # type: ignore[arg-type]

    def advance(self, record: dict[str, Any]) -> None:
        t = self.tally
        failed = t.done - t.statuses.get("answered", 0) - t.statuses.get("dry_run", 0)
        cost = "cost ?" if t.cost_usd is None else usd(t.cost_usd)
        stats = f"failed {failed} · {t.input_tokens + t.output_tokens} tokens · {cost}"
        self._progress.update(self._task, advance=1, stats=stats)


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
    console.print(f"{tally.input_tokens} input + {tally.output_tokens} output tokens · cost {cost} · {elapsed_s:.1f} s", highlight=False)
