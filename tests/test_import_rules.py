"""ARCHITECTURE.md §1: each layer imports only layers below it, and `analyst --help` stays light."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from analyst.cli import COMMANDS

REPO = Path(__file__).resolve().parents[1]
PACKAGES = {
    "tools": {"forbidden": {"textual", "rich", "openai", "anthropic", "keyring", "agents", "sessions", "analyst"}},
    "agents": {"forbidden": {"textual", "rich", "keyring", "duckdb", "openai", "anthropic", "sessions", "analyst"}},
    "sessions": {"forbidden": {"textual", "rich", "keyring", "analyst"}},
}


def _modules_after(code: str) -> set[str]:
    script = f"import sys, json\n{code}\nprint(json.dumps(sorted(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True, cwd=REPO)
    return {name.split(".")[0] for name in json.loads(out.stdout.strip().splitlines()[-1])}


def _all_modules(package: str) -> list[str]:
    root = REPO / package
    return sorted(
        ".".join(path.relative_to(REPO).with_suffix("").parts)
        for path in root.rglob("*.py")
        if path.name != "__main__.py"
    )


@pytest.mark.parametrize("package", sorted(PACKAGES))
def test_layer_imports_only_lower_layers(package: str) -> None:
    modules = [m for m in _all_modules(package) if not m.endswith("openai_model") and not m.endswith("anthropic_model")]
    code = "\n".join(f"import {m}" for m in modules)
    loaded = _modules_after(code)
    leaked = loaded & PACKAGES[package]["forbidden"]
    assert not leaked, f"{package} imports {sorted(leaked)}"


def _imports(path: Path, package: str) -> bool:
    pattern = rf"^\s*(import {package}\b|from {package}(\.| ))"
    return re.search(pattern, path.read_text(), re.MULTILINE) is not None


def test_sdks_only_inside_their_adapters() -> None:
    for package in ("agents", "analyst", "sessions", "tools"):
        for path in (REPO / package).rglob("*.py"):
            for sdk in ("openai", "anthropic"):
                if _imports(path, sdk):
                    assert path.name == f"{sdk}_model.py", f"{path} imports {sdk}"


def test_textual_only_under_tui_and_keyring_only_in_keys() -> None:
    for path in (REPO / "analyst").rglob("*.py"):
        if _imports(path, "textual"):
            assert "tui" in path.parts, f"{path} imports textual"
        if _imports(path, "keyring"):
            assert path.name == "keys.py", f"{path} imports keyring"


def test_help_imports_no_heavy_packages() -> None:
    loaded = _modules_after("from analyst.cli import build_parser\nbuild_parser().format_help()")
    assert not loaded & {"textual", "openai", "anthropic", "duckdb", "sqlglot", "rich"}


def test_help_runs_without_heavy_imports_via_main() -> None:
    code = "import sys\nfrom analyst.cli import main\ntry:\n    main(['--help'])\nexcept SystemExit:\n    pass\n"
    loaded = _modules_after(code)
    assert not loaded & {"textual", "openai", "anthropic", "duckdb"}


def _help_loads(*argv: str) -> set[str]:
    """Every module (full dotted name) loaded once `analyst ARGV... --help` has printed."""
    code = f"import sys\nfrom analyst.cli import main\ntry:\n    main([*{list(argv)!r}, '--help'])\nexcept SystemExit:\n    pass\n"
    script = f"import sys, json\n{code}\nprint(json.dumps(sorted(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True, cwd=REPO)
    return set(json.loads(out.stdout.strip().splitlines()[-1]))


def test_help_imports_no_command_module() -> None:
    commands = {m for m in _help_loads() if m.startswith("analyst.commands.")}
    assert commands == {"analyst.commands.arguments"}


@pytest.mark.parametrize("command", [command.name for command in COMMANDS])
def test_command_help_imports_only_its_own_module(command: str) -> None:
    """Each command registers its arguments without its heavy imports, and without the others."""
    loaded = _help_loads(command)
    assert not {m.split(".")[0] for m in loaded} & {"textual", "openai", "anthropic", "duckdb", "sqlglot", "rich"}
    commands = {m for m in loaded if m.startswith("analyst.commands.")}
    assert commands == {"analyst.commands.arguments", f"analyst.commands.{command}"}


@pytest.mark.parametrize("package", ["agents", "tools", "sessions", "analyst"])
def test_packages_resolve_inside_this_repository(package: str) -> None:
    out = subprocess.run(
        [sys.executable, "-c", f"import {package}; print({package}.__file__)"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert Path(out.stdout.strip()).resolve().is_relative_to(REPO)


def _copy_packages(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    for package in ("analyst", "agents", "tools", "sessions"):
        shutil.copytree(REPO / package, root / package, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(REPO / "pyproject.toml", root / "pyproject.toml")
    return root


def _lint_imports(root: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(root)}
    lint = Path(sys.executable).with_name("lint-imports")
    return subprocess.run([str(lint), "--no-cache"], cwd=root, env=env, capture_output=True, text=True)


def test_import_contracts_hold() -> None:
    result = _lint_imports(REPO)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]


@pytest.mark.parametrize(
    ("module", "planted", "broken"),
    [
        ("tools/tokens.py", "import analyst.cli", "tools is not allowed to import analyst"),
        ("tools/tokens.py", "from sessions import log", "tools is not allowed to import sessions"),
        ("agents/sqltext.py", "import sessions.log", "agents is not allowed to import sessions"),
        ("tools/tokens.py", "import rich.text", "tools is not allowed to import rich"),
        ("agents/sqltext.py", "import duckdb", "agents is not allowed to import duckdb"),
        ("sessions/refs.py", "import textual.app", "textual"),
        ("analyst/render.py", "import keyring", "keyring"),
        (
            "tools/databases/postgres/stream.py",
            "import tools.guard.check",
            "tools.databases imports from the guard only its leaves (problems, names) BROKEN",
        ),
    ],
)
def test_a_deferred_import_that_breaks_a_contract_fails_the_check(
    tmp_path: Path, module: str, planted: str, broken: str
) -> None:
    """The runtime checks above only see imports a module makes when it loads; an import put off
    into a function (the pattern that keeps start-up fast) must fail the contracts just the same."""
    root = _copy_packages(tmp_path)
    target = root / module
    target.write_text(target.read_text() + f"\n\ndef _planted() -> None:\n    {planted}  # noqa\n")
    result = _lint_imports(root)
    assert result.returncode != 0, result.stdout[-2000:]
    assert broken in result.stdout and module.replace("/", ".").removesuffix(".py") in result.stdout


@pytest.mark.parametrize("package", ["analyst", "agents", "sessions", "tools"])
def test_each_layer_names_its_public_surface_and_importing_it_stays_light(package: str) -> None:
    """`__all__` is the layer's surface; each name resolves (from the module that defines it) on
    first use, so importing the package alone loads none of the heavy libraries."""
    loaded = _modules_after(f"import {package}")
    assert not loaded & {"textual", "openai", "anthropic", "duckdb", "sqlglot", "rich"}
    code = (
        f"import importlib, {package}\n"
        f"for name in {package}.__all__:\n"
        f"    value = getattr({package}, name)\n"
        f"    home = {package}._HOME[name]\n"
        f"    assert value is getattr(importlib.import_module(home), name), name\n"
        f"assert sorted({package}._HOME) == sorted({package}.__all__)\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=REPO)
