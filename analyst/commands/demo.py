"""`analyst demo`: the whole loop, offline and without a key, on the bundled sample database.

It replays a bundled recorded session (clearly labelled): the model's side comes from the
recording, while schema retrieval, the guard (which rejects the recording's first, misspelt
query), the approval decisions, the read-only execution and the result are all live — and the
replay checks that they come out identical to the recording.
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, TextIO

from analyst.errors import EXIT_NOT_ANSWERED, EXIT_OK

if TYPE_CHECKING:
    from analyst.config import Config


def register(parser: argparse.ArgumentParser) -> None:
    """No arguments: the demo always replays the same recording on the bundled sample."""


def run(args: argparse.Namespace, config: Config) -> int:
    return run_demo(config)


def run_demo(config: Config, stdout: TextIO | None = None, stderr: TextIO | None = None) -> int:
    import dataclasses
    from importlib.resources import as_file, files

    from analyst.render import Progress, print_table
    from analyst.wiring import open_database, recorded_settings
    from sessions.replay import replay_session
    from sessions.store import load_session

    stdout = stdout or sys.stdout
    stderr = stderr or sys.stderr
    with as_file(files("sessions") / "data" / "demo_session.jsonl") as path:
        record = load_session(path)
    stderr.write(
        "analyst demo: REPLAYING a recorded session on the bundled sample database (offline, no key).\n"
        "The model's replies come from the recording; retrieval, the guard, the decisions and the\n"
        "read-only queries run live.\n\n"
    )
    # always the bundled sample: the recording was made there (a configured db or exclusions would
    # make every query diverge)
    sample = dataclasses.replace(config, db=None, exclude_tables=(), exclude_columns=())
    database = open_database(sample, None)
    try:
        for turn in record.turns:
            stderr.write(f"question: {turn.question}\n")
        report = replay_session(record, database, recorded_settings(config, record), emit=Progress(stderr))
    finally:
        database.close()
    for outcome in report.outcomes:
        print_table(outcome, stdout)
    if report.identical:
        stderr.write(f"\nreplay: identical to the recording ({report.turns_replayed} turn)\n")
    else:
        assert report.divergence is not None
        stderr.write(f"\nreplay: {report.divergence.describe()}\n")
    stderr.write(
        "\nNext: give analyst a key and ask for real —\n"
        "  export OPENAI_API_KEY=sk-...   (works everywhere; or `analyst keys set openai`, which needs an OS keyring)\n"
        '  analyst ask "Which product category earns the most margin?"\n'
    )
    return EXIT_OK if report.identical else EXIT_NOT_ANSWERED
