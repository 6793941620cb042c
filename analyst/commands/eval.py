"""`analyst eval`: score a model by executing its SQL against gold SQL, and record the run.

What becomes of each question is analyst/eval_plan.py; recorded runs are read by `analyst runs`.
"""

from __future__ import annotations

import argparse
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from analyst.commands.arguments import add_query_flags, positive_whole_number
from analyst.errors import EXIT_INTERRUPTED, EXIT_NOT_ANSWERED, EXIT_OK, EXIT_PROVIDER, UserError

if TYPE_CHECKING:
    from analyst.config import Config
    from sessions.session import ResolvedModel


def register(parser: argparse.ArgumentParser) -> None:
    parser.description = "Run every question of SUITE through the loop (SQL the guard accepts is executed), execute the gold SQL, compare results, and record the run under runs/. SUITE is a .jsonl/.csv file, `defog` (314 questions) or `defog-idk` (105 questions that should be declined)."
    parser.add_argument("suite", metavar="SUITE", help="suite file, defog, or defog-idk")
    parser.add_argument("--name", metavar="NAME", help="a name for the recorded run")
    parser.add_argument("--out", metavar="FILE", help="also write per-question results (JSONL) here")
    parser.add_argument(
        "--concurrency", type=positive_whole_number, default=1, metavar="N", help="questions in parallel (default 1)"
    )
    parser.add_argument(
        "--resume",
        metavar="RUN",
        help="a new run that keeps RUN's scored questions and runs only the rest (not run, or never reached: after --max-cost, Ctrl+C or a crash); same suite and model",
    )
    add_query_flags(parser)
    parser.add_argument(
        "--examples",
        nargs="?",
        const=3,
        type=positive_whole_number,
        metavar="N",
        help="show each question N verified examples (default 3): the suite's own k-shot examples if it has them, "
        "else the database's stored examples; never the scored question's own SQL. Without it, none",
    )


def run(args: argparse.Namespace, config: Config) -> int:
    return run_eval(
        config,
        args.suite,
        model_name=args.model,
        db=args.db,
        name=args.name,
        out=args.out,
        concurrency=args.concurrency,
        resume=args.resume,
        examples=args.examples,
    )


def _suite(config: Config, ref: str) -> Any:
    from sessions.evaluation import SuiteError, load_suite

    if ref in ("defog", "defog-idk"):
        from sessions.evaluation import defog_suite

        sys.stderr.write("building the defog databases (cached per day)…\n")
        return defog_suite(config.cache_dir, idk=ref == "defog-idk")
    path = Path(ref)
    if not path.exists():
        raise UserError(f"no suite {ref!r}: pass a .jsonl/.csv suite file, `defog` or `defog-idk`")
    try:
        return load_suite(path)
    except SuiteError as exc:
        raise UserError(str(exc)) from None


def _origin(suite_ref: str, item: Any) -> str:
    """Where a suite question is, for an error about its "db" (the first line naming that db)."""
    return f"{suite_ref}, line {item.line} (id {item.id})" if item.line else f"{suite_ref} (id {item.id})"


def _warn_sample_fallback(suite: Any, db: str | None, stderr: TextIO) -> None:
    """Questions without "db", with no --db or configured db, run on the bundled sample: almost
    never what a hand-written suite means, so say so once, with the count, before anything runs."""
    missing = [item for item in suite.items if not item.db]
    if db or not missing:
        return
    first = f" (first: line {missing[0].line}, id {missing[0].id})" if missing[0].line else ""
    stderr.write(
        f'analyst: warning: {len(missing)} of {len(suite.items)} suite question(s) have no "db"{first}; '
        'they run on the bundled sample database — add "db" to them or pass --db\n'
    )


def _inputs(suite_ref: str, model_name: str | None, suite: Any, default_db: str | None) -> list[Path]:
    """Files the run reads: --out must not be one of them (it would be emptied first)."""
    from tools.redaction import is_url_shaped

    paths = [Path(suite_ref)] if suite_ref not in ("defog", "defog-idk") else []
    if model_name and model_name.startswith("scripted:"):
        paths.append(Path(model_name.split(":", 1)[1]))
    paths += [Path(d) for d in {item.db for item in suite.items} | {default_db} if d and not is_url_shaped(d)]
    return [p.expanduser().resolve() for p in paths]


def _carried(config: Config, ref: str, suite: Any, model: str) -> tuple[str, list[Any], str | None]:
    """The scored results of run `ref` to keep (same suite and model, or a one-line error), with
    its id and its name (the new run carries the name unless --name gives another)."""
    from dataclasses import replace

    from sessions.evaluation import NOT_RUN, find_run, load_run, results_as_objects

    try:
        record = load_run(find_run(config.home / "runs", ref))
    except FileNotFoundError as exc:
        raise UserError(str(exc)) from None
    header = record.header
    if header.get("suite_hash") != suite.hash:
        raise UserError(
            f"--resume {ref}: that run used another version of the suite (hash {header.get('suite_hash')}, now {suite.hash}); run it afresh"
        )
    if header.get("model") != model:
        raise UserError(
            f"--resume {ref}: that run used {header.get('model')}, not {model}; pass --model {header.get('model')} or run afresh"
        )
    ids = {item.id for item in suite.items}
    # not run, or failed at the provider (a 503, a rejected key): asked again, not kept
    items = {item.id: item for item in suite.items}
    kept = [r for r in results_as_objects(record.results) if r.outcome not in (NOT_RUN, "model_error") and r.id in ids]
    # a run recorded before results kept the question and gold SQL: take them from the suite (same hash)
    kept = [
        r if r.gold_sql else replace(r, question=items[r.id].question, gold_sql=tuple(items[r.id].gold)) for r in kept
    ]
    return (
        str(header.get("run_id")),
        list({r.id: r for r in kept}.values()),
        header.get("name") if isinstance(header.get("name"), str) else None,
    )


@dataclass(frozen=True)
class _Setup:
    """Everything a run needs, resolved before anything is opened or recorded."""

    suite: Any  # sessions.evaluation.Suite
    resolved: ResolvedModel
    settings: Any  # agents.settings.Settings, with the run's shared Budget
    max_rows: int
    name: str
    resumed_from: str | None
    carried: list[Any]  # results of the resumed run, kept as they are
    todo: list[Any]  # the suite items still to ask
    out_path: Path | None


def run_eval(
    config: Config,
    suite_ref: str,
    *,
    model_name: str | None,
    db: str | None,
    name: str | None,
    out: str | None,
    concurrency: int,
    resume: str | None = None,
    stdout: TextIO | None = None,
    stderr: TextIO | None = None,
    examples: int | None = None,
) -> int:
    """Score every suite question; the run is recorded only once everything it needs has opened
    (suite, model, price, databases, --out), so a run that cannot start leaves no record."""
    from agents.drive import auto_approve
    from analyst.eval_plan import EvalPlan
    from analyst.eval_report import EvalProgress, print_report
    from analyst.wiring import database_key, open_database, open_session
    from sessions.evaluation import RunLog, new_run_id
    from sessions.runner import Runner, SharedDatabases

    stdout = stdout or sys.stdout
    stderr = stderr or sys.stderr
    setup = _setup(config, suite_ref, model_name, db, name, out, resume, stderr)
    databases = SharedDatabases(lambda spec, origin: open_database(config, spec, origin=origin), db, database_key)
    out_handle = _open_inputs(suite_ref, setup, databases)
    settings, shown = setup.settings, None
    if examples:
        from dataclasses import replace

        from analyst.eval_examples import eval_examples

        chooser, shown = eval_examples(config, setup.todo, databases, examples)
        settings = replace(settings, examples=chooser)
    run_id = new_run_id(setup.name)
    header = {**_header(config, setup, run_id), "examples": shown}
    run_log = RunLog(config.home / "runs", header)
    progress = EvalProgress(stderr, len(setup.todo))
    plan = EvalPlan(run_log, out_handle, setup.out_path, progress, setup.settings.limits, stderr)
    plan.carry(setup.carried)
    if setup.resumed_from:
        stderr.write(
            f"resuming {setup.resumed_from}: {len(setup.carried)} scored question(s) kept, {len(setup.todo)} to run\n"
        )
    runner = Runner(
        plan,
        databases,
        lambda database, observer: open_session(config, database, setup.resolved, settings, observer=observer),
        setup.settings.budget,
        auto_approve,
        concurrency,
        name="eval",
    )
    try:
        with progress:
            end = runner.run(setup.todo)
    finally:
        summary = plan.finish(runner.stopping.reason, setup.settings.budget)
        runner.close()
    print_report(stdout, header, summary)
    stderr.write(f"run {run_id} recorded in {run_log.path}\n")
    if summary["n"] - summary["correct"]:
        stderr.write(
            f"`analyst runs show {run_id}` lists the {summary['n'] - summary['correct']} question(s) not correct, with why and their SQL\n"
        )
    if plan.out_error is not None:
        raise plan.out_error
    return _verdict(stderr, suite_ref, setup, run_id, run_log.path, plan.results, summary, end)


def _setup(
    config: Config,
    suite_ref: str,
    model_name: str | None,
    db: str | None,
    name: str | None,
    out: str | None,
    resume: str | None,
    stderr: TextIO,
) -> _Setup:
    """The suite, model and settings of the run, what a resumed run carries, and a checked --out."""
    from dataclasses import replace

    from analyst.wiring import build_model, run_settings
    from sessions.evaluation import EVAL_MAX_ROWS

    suite = _suite(config, suite_ref)
    resolved = build_model(config, model_name, stream=False)
    max_rows = max(EVAL_MAX_ROWS, config.max_rows)  # --max-rows raises the cap, never lowers it
    settings = run_settings(config, resolved, summarize=False, max_rows=max_rows)
    settings = replace(settings, limits=replace(settings.limits, cell_digest=True))  # clipped cells compare exactly
    resumed_from, carried, resumed_name = (
        _carried(config, resume, suite, resolved.model.name) if resume else (None, [], None)
    )
    done_ids = {r.id for r in carried}
    _warn_sample_fallback(suite, db or config.db, stderr)
    out_path = Path(out) if out else None
    if out_path is not None and out_path.expanduser().resolve() in _inputs(
        suite_ref, model_name or config.model, suite, db or config.db
    ):
        raise UserError(
            f"--out {out} is a file this run reads (the suite, the scripted model or a database); write the results elsewhere"
        )
    return _Setup(
        suite,
        resolved,
        settings,
        max_rows,
        name or resumed_name or suite.name,
        resumed_from,
        carried,
        [item for item in suite.items if item.id not in done_ids],
        out_path,
    )


def _open_inputs(suite_ref: str, setup: _Setup, databases: Any) -> TextIO | None:
    """Open every suite database (naming the first line of one that does not open) and --out."""
    from analyst.outputs import open_output

    try:
        firsts: dict[str | None, Any] = {}
        for item in setup.suite.items:
            firsts.setdefault(item.db, item)
        for spec, first in firsts.items():
            databases.get(spec, _origin(suite_ref, first))
        return open_output(setup.out_path, "w") if setup.out_path else None
    except BaseException:
        databases.close()
        raise


def _header(config: Config, setup: _Setup, run_id: str) -> dict[str, Any]:
    """The run's first record: what was run, with what, so runs compare and resume."""
    from agents import prompts
    from sessions.session import code_version

    suite, model = setup.suite, setup.resolved.model
    return {
        "run_id": run_id,
        "name": setup.name,
        "model": model.name,
        "provider": model.name.split(":", 1)[0],
        "suite": suite.name,
        "suite_hash": suite.hash,
        "questions": len(suite.items),
        "code_version": code_version(),
        "templates": {t.name: t.hash for t in (prompts.SYSTEM, prompts.QUESTION, prompts.FOLLOW_UP)},
        "retrieval": {"budget": config.schema_budget, "method": "bm25+fk-expansion"},
        "limits": {"timeout": config.timeout, "max_rows": setup.max_rows, "max_cost_usd": config.max_cost},
        "started": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        **({"resumed_from": setup.resumed_from, "carried": len(setup.carried)} if setup.resumed_from else {}),
    }


def _verdict(
    stderr: TextIO,
    suite_ref: str,
    setup: _Setup,
    run_id: str,
    log_path: Path,
    results: list[Any],
    summary: dict[str, Any],
    end: Any,
) -> int:
    """The exit code, with a line for each reason the run is not a clean pass."""
    if summary["not_run"]:
        reason = str(summary.get("stopped") or "stopped")
        how = "interrupted" if end.interrupted else f"stopped ({reason.removeprefix('stopped: ')})"
        stderr.write(
            f"analyst: {how}: {summary['n']} scored, {summary['not_run']} not run; resume with "
            f"`analyst eval {_shell(suite_ref)} --model {_shell(setup.resolved.model.name)} --resume {run_id}`\n"
        )
    if end.interrupted:
        return EXIT_INTERRUPTED
    if end.fatal is not None:
        return EXIT_PROVIDER
    broken = [r.id for r in results if r.outcome == "gold_error"]
    if broken:  # the suite's fault, not the model's: say which, so the suite gets fixed
        shown = ", ".join(broken[:10]) + (f" and {len(broken) - 10} more" if len(broken) > 10 else "")
        stderr.write(
            f"analyst: warning: the gold SQL of {len(broken)} question(s) failed ({shown}); they count as not correct "
            f"- each error is in {log_path}\n"
        )
    failed = sum(r.outcome == "model_error" for r in results)
    if failed:
        stderr.write(f"analyst: {failed} question(s) failed at the model provider; --resume {run_id} asks them again\n")
    return EXIT_NOT_ANSWERED if summary["not_run"] or failed else EXIT_OK


def _shell(word: str) -> str:
    import shlex

    return shlex.quote(word)
