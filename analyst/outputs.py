"""Result files named on the command line (`--out`): opened up front, written line by line.

A path that cannot be written (missing directory, a directory, no permission, a full disk) is a
one-line error naming the path and the fix, raised before any question runs when it can be known
then, and at the failing write otherwise. Lines already flushed stay on disk.
"""

from __future__ import annotations

from pathlib import Path
from typing import TextIO, cast

from analyst.errors import UserError


def _why(exc: OSError) -> str:
    return exc.strerror or type(exc).__name__


def open_output(path: Path, mode: str = "a", flag: str = "--out") -> TextIO:
    """Open `path` for text output, or raise a UserError saying why it cannot be written."""
    if path.is_dir():
        raise UserError(f"{flag} {path} is a directory; name a file inside it")
    if not path.parent.is_dir():
        raise UserError(f"{flag} {path}: directory {path.parent} does not exist; create it or choose another path")
    try:
        # a lone surrogate (an undecodable byte in a question) becomes `\udcff`: still valid JSON
        return cast(TextIO, path.open(mode, encoding="utf-8", errors="backslashreplace", newline=""))
    except OSError as exc:
        raise UserError(f"cannot write {flag} {path}: {_why(exc)}; choose a writable path") from None


def write_failed(path: Path, exc: OSError, flag: str = "--out", resume_hint: str = "") -> UserError:
    """The error for a write that failed mid-run (a full disk, a removed mount)."""
    return UserError(f"writing {flag} {path} failed: {_why(exc)}; finished lines are kept{resume_hint}")
