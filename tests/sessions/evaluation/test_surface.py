"""The package's surface: every name in `sessions.evaluation.__all__` resolves to the object its
module defines, and importing the package (or only a suite) loads nothing it does not need."""

from __future__ import annotations

import importlib
import json
import subprocess
import sys
from pathlib import Path

import sessions.evaluation as evaluation

REPO = Path(__file__).resolve().parents[3]


def test_every_public_name_resolves_to_its_definition() -> None:
    assert sorted(evaluation.__all__) == sorted(evaluation._MODULE_OF)
    for name in evaluation.__all__:
        module = importlib.import_module(evaluation._MODULE_OF[name])
        assert getattr(evaluation, name) is getattr(module, name), name


def test_an_unknown_name_is_an_attribute_error() -> None:
    try:
        evaluation.no_such_name  # noqa: B018
    except AttributeError as exc:
        assert "no_such_name" in str(exc)
    else:
        raise AssertionError("expected AttributeError")


def _loaded_after(code: str) -> set[str]:
    script = f"import sys, json\n{code}\nprint(json.dumps(sorted(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True, cwd=REPO)
    return set(json.loads(out.stdout.strip().splitlines()[-1]))


def test_importing_the_package_or_a_suite_stays_light() -> None:
    package = _loaded_after("import sessions.evaluation")
    assert not {m for m in package if m.startswith("sessions.evaluation.")}
    suite = _loaded_after("from sessions.evaluation import load_suite")
    assert not suite & {"agents", "duckdb", "sqlglot", "sessions.evaluation.scoring", "sessions.evaluation.runs"}
