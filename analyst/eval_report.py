"""Eval output: a progress bar on stderr, and the report (stdout) a team reads to pick a model."""

from __future__ import annotations

from typing import Any, TextIO

BAR_WIDTH = 24


def _bar(fraction: float) -> str:
    filled = round(fraction * BAR_WIDTH)
    return "█" * filled + "░" * (BAR_WIDTH - filled)


class EvalProgress:
    def __init__(self, stream: TextIO, total: int) -> None:
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeRemainingColumn,
        )

        console = Console(file=stream)
        self._correct = 0
        self._done = 0
        self._progress = Progress(
            TextColumn("eval"), BarColumn(), MofNCompleteColumn(), TextColumn("{task.fields[stats]}"), TimeRemainingColumn(),
            console=console, disable=not console.is_terminal,
        )
        self._task = self._progress.add_task("eval", total=total, stats="")

    def __enter__(self) -> EvalProgress:
        self._progress.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        self._progress.__exit__(*exc)  # type: ignore[arg-type]

    def advance(self, result: Any) -> None:
        if result.outcome != "not_run":
            self._done += 1
            self._correct += result.correct
        stats = f"{self._correct / self._done:.1%} correct" if self._done else ""
        self._progress.update(self._task, advance=1, stats=stats)


def _fmt_cost(value: Any) -> str:
    from agents.budget import usd

    return "unknown" if value is None else usd(value)


def print_report(stream: TextIO, header: dict[str, Any], summary: dict[str, Any]) -> None:
    from rich.table import Table

    from analyst.result_table import report_console

    console = report_console(stream, highlight=False)
    n = summary.get("n") or 0
    accuracy = summary.get("accuracy")
    console.print(f"[bold]{header.get('name')}[/bold] · model {header.get('model')} · suite {header.get('suite')} ({header.get('suite_hash')})", markup=True)
    skipped = summary.get("not_run") or 0
    if skipped:
        console.print(f"stopped early: {summary.get('stopped') or 'the budget was spent'}; {skipped} question(s) not run, "
                      f"so every rate below is over the {n} scored", soft_wrap=True)
    if not n:
        console.print("no questions were scored")
        return
    console.print(
        f"accuracy {accuracy:.1%} ({summary['correct']}/{n}, 95% CI {_ci(summary.get('accuracy_ci95'))}) · "
        f"relaxed: set {summary['set_accuracy']:.1%}, rounded {summary['rounded_accuracy']:.1%}"
    )
    for title, key in (("category", "by_category"), ("database", "by_db")):
        table = Table(show_header=True, header_style="bold", title=f"by {title}", title_justify="left")
        table.add_column(title)
        table.add_column("n", justify="right")
        table.add_column("accuracy", justify="right")
        table.add_column("95% CI", justify="right")
        table.add_column("")
        for label, group in summary[key].items():
            table.add_row(label, str(group["n"]), f"{group['accuracy']:.1%}", _ci(group.get("ci95")), _bar(group["accuracy"]))
        console.print(table)
    outcomes = ", ".join(f"{k} {v}" for k, v in summary["outcomes"].items())
    console.print(f"outcomes: {outcomes}")
    p50, p95 = summary.get("latency_ms_p50"), summary.get("latency_ms_p95")
    per_correct = summary.get("cost_per_correct_usd")
    console.print(
        f"tokens {summary['input_tokens']} in + {summary['output_tokens']} out · cost {_fmt_cost(summary['cost_usd'])}"
        + (f" ({_fmt_cost(per_correct)} per correct answer)" if per_correct is not None else "")
        + (f" · latency p50 {p50:.0f} ms, p95 {p95:.0f} ms" if p50 is not None and p95 is not None else "")
    )


def print_comparison(stream: TextIO, comparison: dict[str, Any], name_a: str, name_b: str) -> None:
    from rich.table import Table

    from analyst.result_table import report_console

    console = report_console(stream, highlight=False)
    a, b = comparison["a"], comparison["b"]
    console.print(f"A {name_a}: {_pct(a['accuracy'])} of {a['n']} (95% CI {_ci(a.get('ci95'))})   "
                  f"B {name_b}: {_pct(b['accuracy'])} of {b['n']} (95% CI {_ci(b.get('ci95'))})", soft_wrap=True)
    if not comparison["same_suite"]:
        console.print("note: the runs used different suites (suite hashes differ)")
    shared = comparison.get("shared")
    if shared and shared["n"]:
        p = shared["mcnemar_p"]
        verdict = ("a real difference at the 5% level" if p < 0.05
                   else "not distinguishable from noise at the 5% level")
        console.print(
            f"on the {shared['n']} questions both answered: B {shared['delta']:+.1%} "
            f"({shared['b_correct']} vs {shared['a_correct']} correct); "
            f"{len(comparison['fixed'])} fixed, {len(comparison['broken'])} broken; "
            f"exact McNemar p = {p:.3g}: {verdict}", soft_wrap=True,
        )
    elif shared is not None:
        console.print("no question was scored by both runs, so there is nothing to compare question by question")
    partial = bool(shared) and (shared["n"] != a["n"] or shared["n"] != b["n"])
    if partial:
        console.print(f"A, B and delta below are over the {shared['n']} questions both runs scored; "
                      "'A all' and 'B all' are each run's accuracy over all its own scored questions (n in brackets)", soft_wrap=True)
    groups = [("category", comparison["by_category"])]
    if len(comparison.get("by_db") or {}) > 1:
        groups.append(("database", comparison["by_db"]))
    for title, rows in groups:
        table = Table(show_header=True, header_style="bold")
        columns = [title, "n", "A", "B", "delta"] + (["A all", "B all"] if partial else [])
        for column in columns:
            table.add_column(column, justify="left" if column == title else "right")
        for label, row in rows.items():
            delta = row.get("delta")
            cells = [label, str(row.get("n", "-")), _pct(row.get("a")), _pct(row.get("b")), "-" if delta is None else f"{delta:+.1%}"]
            if partial:
                cells += [f"{_pct(row.get('a_all'))} ({row.get('a_n', 0)})", f"{_pct(row.get('b_all'))} ({row.get('b_n', 0)})"]
            table.add_row(*cells)
        console.print(table)
    console.print(f"fixed in B ({len(comparison['fixed'])}): {', '.join(comparison['fixed']) or '-'}")
    console.print(f"broken in B ({len(comparison['broken'])}): {', '.join(comparison['broken']) or '-'}")


def _ci(interval: Any) -> str:
    return "-" if not interval else f"{interval[0]:.1%}–{interval[1]:.1%}"


def _pct(value: Any) -> str:
    return "-" if value is None else f"{value:.1%}"
