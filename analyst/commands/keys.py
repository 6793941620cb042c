"""`analyst keys set|list|delete`: the command's arguments; the keyring work is in analyst/keys.py,
the one module allowed to touch stored secrets."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from analyst.commands.arguments import Parser

if TYPE_CHECKING:
    from analyst.config import Config


def register(parser: argparse.ArgumentParser) -> None:
    verbs = parser.add_subparsers(dest="keys_command", metavar="set|list|delete", parser_class=Parser, required=True)
    for verb, text in (("set", "store a key (prompted, or piped on stdin)"), ("delete", "remove a stored key")):
        verb_parser = verbs.add_parser(verb, help=text)
        verb_parser.add_argument("provider", help="openai, anthropic, or a configured endpoint name")
    verbs.add_parser("list", help="which providers have a key, and from where (never the key)")


def run(args: argparse.Namespace, config: Config) -> int:
    from analyst.keys import run_keys

    return run_keys(
        args.keys_command, getattr(args, "provider", None), {e.name: e.key_env for e in config.endpoints.values()}
    )
