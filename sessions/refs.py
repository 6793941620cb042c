"""References the person types for a session or a run: an id, part of one, or a file path.

Shared by `sessions show|export`, `replay`, `runs show|compare` and `eval --resume`, so every
command reads a reference the same way and reports a miss in one line: a path is never used
as a glob pattern, and a missing or wrong path is named as such, not as an unknown id."""

from __future__ import annotations

import os
from pathlib import Path


def looks_like_path(ref: str) -> bool:
    """Typed as a file path (a separator, `~`, `.`/`..`, or a .jsonl name) rather than an id."""
    return ref.endswith(".jsonl") or ref.startswith(("~", ".")) or "/" in ref or (os.sep != "/" and os.sep in ref)


def is_file(path: Path) -> bool:
    """Path.is_file without the exceptions: a name too long or a folder we may not enter is no file."""
    try:
        return path.is_file()
    except (OSError, ValueError):
        return False


def path_problem(ref: str, what: str) -> str | None:
    """Why the path `ref` names no readable `what` log (None when it names a file)."""
    path = Path(ref).expanduser()
    try:
        if path.is_file():
            return None
        if path.is_dir():
            return f"{ref} is a folder, not a {what} log"
    except OSError as exc:
        return f"cannot use {ref}: {exc.strerror or exc}"
    return f"no file {path}" if path.is_absolute() else f"no file {ref} (looked in {Path.cwd()})"


def unusable(ref: str) -> str | None:
    """Why `ref` cannot name anything at all (empty, or a NUL no file name can hold)."""
    if not ref.strip():
        return "empty reference"
    if "\x00" in ref:
        return f"{ref!r} is not an id or a file path"
    return None
