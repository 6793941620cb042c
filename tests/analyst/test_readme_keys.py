"""The README's `keys` line says what the CLI accepts: set/delete take a provider, list takes none."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.helpers import run_cli

README = Path(__file__).resolve().parents[2] / "README.md"


def _keys_usages() -> list[list[str]]:
    lines = [line for line in README.read_text().splitlines() if line.startswith("analyst keys ")]
    assert len(lines) == 1, lines
    command = lines[0].split("#", 1)[0].removeprefix("analyst keys").strip()
    return [part.split() for part in re.split(r"\s+\|\s+", command)]


def test_readme_keys_line_matches_the_cli(capsys) -> None:
    usages = _keys_usages()
    assert sorted(u[0] for u in usages) == ["delete", "list", "set"]
    for usage in usages:
        with pytest.raises(SystemExit) as exc:
            run_cli(["keys", usage[0], "--help"], capsys)
        assert exc.value.code == 0
        first = capsys.readouterr().out.splitlines()[0]  # e.g. "usage: analyst keys set [-h] provider"
        positionals = first.split("[-h]", 1)[1].split()
        assert [w.upper() for w in positionals] == usage[1:], (usage, first)
    assert run_cli(["keys", "list"], capsys).code == 0
    extra = run_cli(["keys", "list", "openai"], capsys)
    assert extra.code == 2 and "unrecognized arguments: openai" in extra.err
