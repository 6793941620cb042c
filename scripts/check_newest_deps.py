#!/usr/bin/env python3
"""Find dependency drift before users do: install the newest (or oldest) versions that
pyproject.toml allows into a scratch venv, run the test suite there, and report what moved.

Why: the README's set-up line installs the exact versions in constraints.txt, so a fresh machine
gets what was tested. But new releases keep arriving inside pyproject's bounds, and anyone who
installs without the constraints (a `pip install analyst` beside other packages) gets them. This
script is how the pins move forward on purpose, with the suite as the judge:

    python scripts/check_newest_deps.py            # newest allowed versions; tests; a diff against the pins
    python scripts/check_newest_deps.py --refresh  # ...and, if the tests pass, write constraints.txt
    python scripts/check_newest_deps.py --lowest   # the lower bounds of the direct dependencies

It uses the network (PyPI) to resolve, unlike the tests themselves. Exit 0 when the tests pass
with the resolved set, 1 when they fail, 2 when the install fails.
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CONSTRAINTS = ROOT / "constraints.txt"
EXTRAS = "postgres,mysql,mcp,test,dev"
HEADER = """\
# The exact versions the test suite passed with (Python {python}, {platform}).
# The README's set-up line installs with `-c constraints.txt`, and so does .ci/run.
# Regenerate with `python scripts/check_newest_deps.py --refresh` (it writes this file only when
# the tests pass with the newest versions pyproject.toml allows); then commit it.
"""


def run(command: list[str], **kwargs: object) -> int:
    print("+", " ".join(command), flush=True)
    return subprocess.call(command, **kwargs)  # type: ignore[call-overload,no-any-return]


def direct_requirements() -> list[str]:
    """The project's own requirement strings: dependencies plus the extras the README installs."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    requirements = list(project["dependencies"])
    for extra in EXTRAS.split(","):
        requirements += project["optional-dependencies"][extra]
    return requirements


def lowest_constraints() -> str:
    """`name==lower` for every direct requirement with a `>=` bound."""
    lines = []
    for requirement in direct_requirements():
        match = re.match(r"([A-Za-z0-9_.-]+)(\[[^\]]*\])?\s*.*?>=\s*([0-9][^,;\s]*)", requirement)
        if match:
            lines.append(f"{match.group(1)}=={match.group(3)}")
    return "\n".join(lines) + "\n"


def frozen(python: Path) -> dict[str, str]:
    """name -> version for every package in the venv except the project itself."""
    out = subprocess.run(
        [str(python), "-m", "pip", "freeze", "--exclude-editable"], capture_output=True, text=True, check=True
    ).stdout
    pins = {}
    for line in out.splitlines():
        if "==" in line and not line.startswith("#"):
            name, version = line.split("==", 1)
            pins[name.strip()] = version.strip()
    return pins


def pinned() -> dict[str, str]:
    pins = {}
    if CONSTRAINTS.is_file():
        for line in CONSTRAINTS.read_text(encoding="utf-8").splitlines():
            if "==" in line and not line.lstrip().startswith("#"):
                name, version = line.split("==", 1)
                pins[name.strip()] = version.strip()
    return pins


def report(resolved: dict[str, str], pins: dict[str, str]) -> None:
    key = {name.lower().replace("_", "-"): name for name in pins}
    changes = []
    for name, version in sorted(resolved.items(), key=lambda item: item[0].lower()):
        old = pins.get(key.get(name.lower().replace("_", "-"), name))
        if old != version:
            changes.append(f"  {name}: {old or 'new'} -> {version}")
    print("versions that differ from constraints.txt:" if changes else "every version matches constraints.txt")
    print("\n".join(changes))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--lowest",
        action="store_true",
        help="install the lower bounds of the direct dependencies instead of the newest",
    )
    parser.add_argument(
        "--refresh", action="store_true", help="write constraints.txt when the tests pass (newest only)"
    )
    parser.add_argument("--keep", action="store_true", help="keep the scratch venv and print its path")
    parser.add_argument("pytest_args", nargs="*", help="extra arguments for pytest (after --)")
    args = parser.parse_args()
    if args.refresh and args.lowest:
        parser.error("--refresh writes the newest versions; it cannot be combined with --lowest")

    scratch = Path(tempfile.mkdtemp(prefix="analyst-deps-"))
    venv = scratch / "venv"
    python = venv / "bin" / "python"
    try:
        if run([sys.executable, "-m", "venv", str(venv)]) != 0:
            return 2
        install = [str(python), "-m", "pip", "install", "-q", "--upgrade", "pip"]
        if run(install) != 0:
            return 2
        install = [str(python), "-m", "pip", "install", "--progress-bar", "off", "--upgrade", "-e", f"{ROOT}[{EXTRAS}]"]
        if args.lowest:
            lows = scratch / "lowest.txt"
            lows.write_text(lowest_constraints(), encoding="utf-8")
            print(lows.read_text(encoding="utf-8"))
            install += ["-c", str(lows)]
        if run(install) != 0:
            print("the install failed: the allowed versions cannot be installed together here", file=sys.stderr)
            return 2
        resolved = frozen(python)
        report(resolved, pinned())
        import os

        env = {
            **os.environ,
            "PATH": f"{venv / 'bin'}{os.pathsep}{os.environ.get('PATH', '')}",
            "VIRTUAL_ENV": str(venv),
        }
        tests = run([str(python), "-m", "pytest", "-q", "-p", "no:cacheprovider", *args.pytest_args], cwd=ROOT, env=env)
        if tests != 0:
            print(
                f"tests FAILED with these versions (pytest exit {tests}); constraints.txt is unchanged", file=sys.stderr
            )
            return 1
        print("tests passed with these versions")
        if args.refresh:
            import platform

            header = HEADER.format(
                python=platform.python_version(), platform=f"{platform.system()} {platform.machine()}"
            )
            body = "".join(
                f"{name}=={version}\n" for name, version in sorted(resolved.items(), key=lambda item: item[0].lower())
            )
            CONSTRAINTS.write_text(header + body, encoding="utf-8")
            print(f"wrote {CONSTRAINTS.relative_to(ROOT)}: review the diff and commit it")
        return 0
    finally:
        if args.keep:
            print(f"scratch venv kept at {venv}")
        else:
            shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
