"""`analyst sessions list|show|export`: looking back at logged sessions."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, Any, TextIO

from analyst.commands.arguments import Parser, positive_whole_number
from analyst.errors import EXIT_OK

if TYPE_CHECKING:
    from analyst.config import Config


def register(parser: argparse.ArgumentParser) -> None:
    from sessions.statuses import STATUSES

    verbs = parser.add_subparsers(
        dest="sessions_command", metavar="list|show|export", parser_class=Parser, required=True
    )
    listing = verbs.add_parser("list", help="sessions, newest first")
    listing.add_argument(
        "--limit", type=positive_whole_number, metavar="N", help="only the N newest (after the other filters)"
    )
    listing.add_argument(
        "--since",
        type=_since,
        metavar="DATE|DURATION",
        help="started on or after a date/time (2026-12-01, local time) or within a duration (30m, 3h, 7d, 2w)",
    )
    listing.add_argument(
        "--status",
        dest="statuses",
        type=_status,
        action="append",
        metavar="STATUS",
        help=f"with a turn that ended so: {', '.join(STATUSES)} (repeatable)",
    )
    listing.add_argument(
        "--db",
        metavar="PATTERN",
        help="database location: a glob (*.parquet, shop.duckdb) or a part of it (shop, 127.0.0.1)",
    )
    show = verbs.add_parser("show", help="one session's turns: question, status, SQL, answer, cost")
    show.add_argument("session", metavar="ID")
    export = verbs.add_parser("export", help="human-approved turns as an eval suite or fine-tuning chat JSONL")
    export.add_argument(
        "--as",
        dest="as_",
        choices=("suite", "chat", "finetune"),
        required=True,
        help="suite: eval entries (first questions only; follow-ups lean on earlier ones); chat: fine-tuning examples, follow-ups with their conversation; finetune: chat records with the exact system prompt, schema slice and examples the model saw, with provenance",
    )
    export.add_argument("--out", metavar="FILE")
    export.add_argument("ids", nargs="*", metavar="ID", help="sessions to export (default: all)")


def _since(text: str) -> Any:
    from sessions.filters import parse_since

    try:
        return parse_since(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _status(text: str) -> str:
    from sessions.filters import parse_status

    try:
        return parse_status(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def run(args: argparse.Namespace, config: Config) -> int:
    if args.sessions_command == "list":
        from sessions.filters import SessionFilter

        chosen = SessionFilter(args.limit, args.since, tuple(args.statuses or ()), args.db)
        return run_sessions_list(config, chosen=chosen)
    if args.sessions_command == "show":
        return run_sessions_show(config, args.session)
    return run_sessions_export(config, args.ids, args.as_, args.out)


def run_sessions_list(config: Config, stdout: TextIO | None = None, chosen: Any = None) -> int:
    """One line per session under a header: id, turns, status(es), cost, model, first question;
    `chosen` (a `SessionFilter`) keeps those that match."""
    from analyst import session_view as view
    from sessions.store import list_sessions

    stdout = stdout or sys.stdout
    every = list_sessions(config.sessions_dir)
    records = chosen.apply(every) if chosen is not None else every
    if not records:
        where = f"no sessions in {config.sessions_dir}"
        sys.stderr.write(f"{where} match the filters ({len(every)} in all)\n" if every else f"{where}\n")
        return EXIT_OK
    rows = []
    # on a terminal long cells are cut to keep one line per session; a file keeps them whole
    cut = view.cut if stdout.isatty() else (lambda text, width: text)
    one_line = view.one_line
    for record in records:
        costs = [t.cost_usd for t in record.turns]
        total = None if any(c is None for c in costs) else sum(c or 0 for c in costs)
        rows.append(
            (
                one_line(record.id),
                str(len(record.turns)),
                cut(one_line(view.status_summary(record)), view.STATUS_WIDTH),
                view.cost_text(total),
                cut(one_line(record.model), 40),
                cut(one_line(record.turns[0].question if record.turns else ""), 60),
            )
        )
    header = ("SESSION", "TURNS", "STATUS", "COST", "MODEL", "FIRST QUESTION")
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header) - 1)]
    right = {1, 3}  # numbers line up on the right
    for row in [header, *rows]:
        cells = [cell.rjust(widths[i]) if i in right else cell.ljust(widths[i]) for i, cell in enumerate(row[:-1])]
        stdout.write("  ".join(cells + [row[-1]]).rstrip() + "\n")
    return EXIT_OK


def run_sessions_show(config: Config, ref: str, stdout: TextIO | None = None) -> int:
    from analyst.render import inert
    from analyst.session_view import cost_text, one_line, timeline
    from analyst.wiring import load_logged_session
    from sessions.statuses import INCOMPLETE

    stdout = stdout or sys.stdout
    record = load_logged_session(config, ref)
    stdout.write(
        f"session {one_line(record.id)}\n  file: {one_line(record.path)}\n  database: {one_line(record.database)} ({one_line(record.started.dialect)})\n"
        f"  model: {one_line(record.model)}\n  started: {one_line(record.started_at)}\n"
    )
    if record.torn or record.bad_lines:
        stdout.write(f"  note: the log has a torn last line or unreadable lines {list(record.bad_lines)}\n")
    conversation = 1
    for turn in record.turns:
        if turn.conversation != conversation:  # the person started a new conversation (ctrl+n)
            conversation = turn.conversation
            stdout.write(f"\n── new conversation ({conversation}): the turns below do not see the ones above ──\n")
        stdout.write(f"\n[{turn.number}] {one_line(turn.question)}\n  status: {one_line(turn.status or INCOMPLETE)}")
        if turn.error:
            kind, message = turn.error.kind, inert(turn.error.message)
            same = kind.value == (turn.status.value if turn.status else None)  # interrupted (interrupted)
            stdout.write(f" ({message})" if same else f" ({kind}: {message})")
        stdout.write(f"\n  tokens: {turn.tokens} · cost: {cost_text(turn.cost_usd)}\n")
        stdout.write(timeline(turn.timeline))
        if turn.answer:
            label = "answer (not from your data: no query backs it)" if turn.grounded is False else "answer"
            stdout.write(f"  {label}: {inert(turn.answer)}\n")
        if turn.rating:
            stdout.write(f"  rated: {one_line(turn.rating)}\n")
    return EXIT_OK


def run_sessions_export(
    config: Config, refs: list[str], as_: str, out: str | None, stdout: TextIO | None = None
) -> int:
    import json
    from pathlib import Path

    from agents.prompts import system_prompt
    from analyst.outputs import write_whole
    from analyst.wiring import load_logged_session
    from sessions.export import chat_entry, is_follow_up, labelled_turns, suite_entry
    from sessions.replay import counted
    from sessions.store import list_sessions

    stdout = stdout or sys.stdout
    records = [load_logged_session(config, ref) for ref in refs] if refs else list_sessions(config.sessions_dir)
    items = labelled_turns(records)
    if as_ == "finetune":
        from analyst.finetune_export import finetune_lines

        lines = finetune_lines(config, items)
        write_whole(Path(out), "".join(line + "\n" for line in lines)) if out else stdout.write(
            "".join(line + "\n" for line in lines)
        )
        sys.stderr.write(
            f"exported {counted(len(lines), 'human-approved turn')} from {counted(len(records), 'session')}\n"
        )
        return EXIT_OK
    follow_ups = [i for i in items if is_follow_up(i)] if as_ == "suite" else []
    if follow_ups:  # "and by country?" cannot be asked on its own
        items = [i for i in items if not is_follow_up(i)]
        one = len(follow_ups) == 1
        sys.stderr.write(
            f"skipped {counted(len(follow_ups), 'follow-up turn')}: {'it leans' if one else 'they lean'} on earlier questions of "
            f"{'its' if one else 'their'} session (--as chat keeps {'it' if one else 'them'} with that conversation)\n"
        )
    lines = [
        json.dumps(
            suite_entry(i) if as_ == "suite" else chat_entry(i, system_prompt(i.session.started.dialect, True)),
            ensure_ascii=False,
        )
        for i in items
    ]
    if out:
        write_whole(Path(out), "".join(line + "\n" for line in lines))
    else:
        stdout.write("".join(line + "\n" for line in lines))
    sys.stderr.write(f"exported {counted(len(lines), 'human-approved turn')} from {counted(len(records), 'session')}\n")
    return EXIT_OK
