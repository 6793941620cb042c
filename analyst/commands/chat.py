"""`analyst chat` (also plain `analyst`): the terminal app; Textual is imported only when it runs."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from analyst.commands.arguments import add_example_flags, add_query_flags

if TYPE_CHECKING:
    from analyst.config import Config


def register(parser: argparse.ArgumentParser) -> None:
    parser.description = "Open the terminal app: ask, review, approve, watch, cancel."
    add_query_flags(parser)
    add_example_flags(parser)


def run(args: argparse.Namespace, config: Config) -> int:
    """Also runs for a bare `analyst`, whose namespace has none of the chat's flags."""
    from analyst.tui import run_chat

    return run_chat(config, getattr(args, "db", None), getattr(args, "model", None))
