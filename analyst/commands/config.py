"""`analyst config show`: every setting, its value and where it came from."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, Any, TextIO

from analyst.commands.arguments import Parser
from analyst.errors import EXIT_OK

if TYPE_CHECKING:
    from analyst.config import Config


def register(parser: argparse.ArgumentParser) -> None:
    verbs = parser.add_subparsers(dest="config_command", metavar="show", parser_class=Parser)
    verbs.add_parser("show", help="every setting, its value and its source")


def run(args: argparse.Namespace, config: Config) -> int:
    """`config show`, also for a bare `analyst config`."""
    return run_config_show(config)


def _shown_value(name: str, value: Any) -> str:
    """A setting's value as a person reads it: "not set (…)" for None, TOML spelling otherwise."""
    from analyst.commands.models import PUBLIC_ENDPOINTS

    unset = {
        "db": "(bundled sample)",
        "max_cost": "not set (no cap)",
        "max_tokens": "not set (no cap)",
        "schema_budget": "not set (automatic)",
        "openai_base_url": f"not set ({PUBLIC_ENDPOINTS['openai']})",
        "anthropic_base_url": f"not set ({PUBLIC_ENDPOINTS['anthropic']})",
        "ollama_base_url": "not set (http://localhost:11434/v1)",
    }
    if value is None:
        return unset.get(name, "not set")
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, tuple):
        return ", ".join(value) if value else "none"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    from analyst.setting_values import shown_url

    if name.endswith("_base_url") and isinstance(value, str):
        return shown_url(value)
    from tools.redaction import redact_secrets

    return redact_secrets(str(value))  # any spelling of a URL, a keyword string: no password shown


def run_config_show(config: Config, stdout: TextIO | None = None) -> int:
    from analyst.config import SETTINGS

    stdout = stdout or sys.stdout
    stdout.write(f"home: {config.home}\n")
    for setting in SETTINGS:
        shown = _shown_value(setting.name, config.values[setting.name])
        stdout.write(f"{setting.name:<20} {shown:<40} {config.sources[setting.name]}\n")
    return EXIT_OK
