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
        self._skipped = 0
        self._progress = Progress(
            TextColumn("eval"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.fields[stats]}"),
            TimeRemainingColumn(),
            console=console,
            disable=not console.is_terminal,
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
        else:
            self._skipped += 1
        self._progress.update(self._task, advance=1, stats=self.stats())

    def stats(self) -> str:
        """ "12 scored · 75.0% correct", and "· 3 not run" once a stop (Ctrl+C, the budget) leaves
        questions unasked: the bar then fills with questions that were never scored."""
        parts = [f"{self._done} scored · {self._correct / self._done:.1%} correct"] if self._done else []
        parts += [f"{self._skipped} not run"] if self._skipped else []
        return " · ".join(parts)


def _fmt_cost(value: Any) -> str:
    from agents.budget import usd

    return "unknown" if value is None else usd(value)


def print_report(
    stream: TextIO, header: dict[str, Any], summary: dict[str, Any], results: list[Any] | None = None
) -> None:
    """The run's numbers; given its `results`, then every question it did not get right, each with
    why (outcome, and the comparison's reason or the error) and its predicted and gold SQL."""
    from rich.table import Table
    from rich.text import Text

    from analyst.result_table import report_console

    console = report_console(stream, highlight=False)
    n = summary.get("n") or 0
    accuracy = summary.get("accuracy")
    title = Text(str(header.get("name")), style="bold")
    title.append(f" · model {header.get('model')} · suite {header.get('suite')} ({header.get('suite_hash')})")
    console.print(title, soft_wrap=True)
    if isinstance(header.get("examples"), dict):
        from sessions.evaluation.run_compare import examples_shown

        console.print(Text(f"verified examples: {examples_shown(header)}"), soft_wrap=True)
    if header.get("resumed_from"):
        console.print(
            Text(f"resumed from {header['resumed_from']} ({header.get('carried', 0)} scored question(s) kept from it)"),
            soft_wrap=True,
        )
    skipped = summary.get("not_run") or 0
    if skipped:
        console.print(
            f"stopped early: {summary.get('stopped') or 'the budget was spent'}; {skipped} question(s) not run, "
            f"so every rate below is over the {n} scored",
            soft_wrap=True,
        )
    if not n:
        console.print("no questions were scored")
        if results is not None:
            print_failures(console, results)
        return
    console.print(
        f"accuracy {accuracy:.1%} ({summary['correct']}/{n}, 95% CI {_ci(summary.get('accuracy_ci95'))}) · "
        f"relaxed: set {summary['set_accuracy']:.1%}, rounded {summary['rounded_accuracy']:.1%}" + _gold_order(summary)
    )
    for heading, key in (("category", "by_category"), ("database", "by_db")):
        table = Table(show_header=True, header_style="bold", title=f"by {heading}", title_justify="left")
        table.add_column(heading)
        table.add_column("n", justify="right")
        table.add_column("accuracy", justify="right")
        table.add_column("95% CI", justify="right")
        table.add_column("")
        for label, group in summary[key].items():
            table.add_row(
                label, str(group["n"]), f"{group['accuracy']:.1%}", _ci(group.get("ci95")), _bar(group["accuracy"])
            )
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
    if results is not None:
        print_failures(console, results)


def print_failures(console: Any, results: list[Any]) -> None:
    """Each wrong or failed question as a block of `label: value` lines, so long SQL wraps on a
    terminal (copied whole) and stays whole in a file; questions not run are one line per reason
    (there may be hundreds, all alike)."""
    from rich.text import Text

    from analyst.render import inert

    wrong = [r for r in results if not r.correct and r.outcome != "not_run"]
    skipped = [r for r in results if r.outcome == "not_run"]
    if not wrong and not skipped:
        return
    console.print(
        Text(
            f"\nnot correct ({len(wrong)} of {len(results) - len(skipped)} scored):"
            if wrong
            else "\nevery scored question is correct",
            style="bold",
        )
    )
    label = len("predicted:")
    for r in sorted(wrong, key=_failure_order):
        console.print(
            Text(f"── {inert(r.id)} · {r.outcome} · {inert(r.category)} · {inert(r.db)} ──", style="bold"),
            soft_wrap=True,
        )
        fields = [
            ("question", r.question),
            ("reason", r.reason),
            ("error", r.error),
            ("predicted", r.predicted_sql or "(no SQL)"),
        ]
        golds = list(r.gold_sql)
        fields += [("gold" if len(golds) == 1 else f"gold {k + 1}", g) for k, g in enumerate(golds)]
        for name, value in fields:
            if not value:
                continue
            line = Text()
            line.append(f"  {name + ':':<{label}} ", style="dim")
            line.append(inert(str(value)).rstrip().replace("\n", "\n" + " " * (label + 3)))
            console.print(line, soft_wrap=True)
    reasons: dict[str, list[str]] = {}
    for r in skipped:
        reasons.setdefault(r.error or "not run", []).append(r.id)
    for reason, ids in reasons.items():
        console.print(Text(f"not run ({len(ids)}): {inert(reason)}: {inert(', '.join(ids))}"), soft_wrap=True)


def _failure_order(result: Any) -> tuple[int, str]:
    from sessions.evaluation import OUTCOMES

    return (OUTCOMES.index(result.outcome) if result.outcome in OUTCOMES else len(OUTCOMES), result.id)


_TIERS = (("set", "set_accuracy"), ("rounded", "rounded_accuracy"), ("gold order", "gold_order_accuracy"))


def _gold_order(summary: dict[str, Any]) -> str:
    """The strict tier (the gold's row order counted on every question), absent in older summaries."""
    value = summary.get("gold_order_accuracy")
    return f" · strict: gold order {value:.1%}" if isinstance(value, (int, float)) else ""


def print_comparison(stream: TextIO, comparison: dict[str, Any], name_a: str, name_b: str) -> None:
    from rich.table import Table
    from rich.text import Text

    from analyst.render import inert
    from analyst.result_table import report_console

    console = report_console(stream, highlight=False)
    a, b = comparison["a"], comparison["b"]
    console.print(
        f"A {name_a}: {_pct(a['accuracy'])} of {a['n']} (95% CI {_ci(a.get('ci95'))})   "
        f"B {name_b}: {_pct(b['accuracy'])} of {b['n']} (95% CI {_ci(b.get('ci95'))})",
        soft_wrap=True,
    )
    if "tiers" in a and "tiers" in b:
        console.print(
            "tiers A/B: "
            + ", ".join(f"{name} {_pct(a['tiers'].get(key))}/{_pct(b['tiers'].get(key))}" for name, key in _TIERS),
            soft_wrap=True,
        )
    shown = comparison.get("examples") or {}
    if shown.get("a") != shown.get("b"):
        console.print(f"verified examples A: {shown.get('a')}   B: {shown.get('b')}", soft_wrap=True)
    if not comparison["same_suite"]:
        console.print("note: the runs used different suites (suite hashes differ)")
    shared = comparison.get("shared")
    if shared and shared["n"]:
        p = shared["mcnemar_p"]
        verdict = "a real difference at the 5% level" if p < 0.05 else "not distinguishable from noise at the 5% level"
        console.print(
            f"on the {shared['n']} questions both answered: B {shared['delta']:+.1%} "
            f"({shared['b_correct']} vs {shared['a_correct']} correct); "
            f"{len(comparison['fixed'])} fixed, {len(comparison['broken'])} broken; "
            f"exact McNemar p = {p:.3g}: {verdict}",
            soft_wrap=True,
        )
        same = shared.get("identical_sql_flips") or 0
        if same:
            p2 = shared["mcnemar_p_without_identical_sql"]
            console.print(
                f"{same} of these {len(comparison['fixed']) + len(comparison['broken'])} flips have the same predicted SQL in both runs "
                "(marked (=) below): the same query scored differently (ties, an unordered LIMIT, a clock), not a model change; "
                f"without them McNemar p = {p2:.3g}",
                soft_wrap=True,
            )
    elif shared is not None:
        console.print("no question was scored by both runs, so there is nothing to compare question by question")
    shared_n = shared["n"] if shared else 0
    partial = bool(shared) and (shared_n != a["n"] or shared_n != b["n"])
    if partial:
        console.print(
            f"A, B and delta below are over the {shared_n} questions both runs scored; "
            "'A all' and 'B all' are each run's accuracy over all its own scored questions (n in brackets)",
            soft_wrap=True,
        )
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
            cells = [
                label,
                str(row.get("n", "-")),
                _pct(row.get("a")),
                _pct(row.get("b")),
                "-" if delta is None else f"{delta:+.1%}",
            ]
            if partial:
                cells += [
                    f"{_pct(row.get('a_all'))} ({row.get('a_n', 0)})",
                    f"{_pct(row.get('b_all'))} ({row.get('b_n', 0)})",
                ]
            table.add_row(*cells)
        console.print(table)
    same = {f["id"] for f in comparison.get("flips", []) if f["identical_sql"]}
    for word, ids in (("fixed", comparison["fixed"]), ("broken", comparison["broken"])):
        shown = ", ".join(f"{i} (=)" if i in same else i for i in ids) or "-"
        marked = sum(i in same for i in ids)
        console.print(
            Text(f"{word} in B ({len(ids)}{f', {marked} with the same SQL' if marked else ''}): {inert(shown)}"),
            soft_wrap=True,
        )


def _ci(interval: Any) -> str:
    return "-" if not interval else f"{interval[0]:.1%}–{interval[1]:.1%}"


def _pct(value: Any) -> str:
    return "-" if value is None else f"{value:.1%}"
