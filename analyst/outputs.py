"""Result files named on the command line (`--out`): opened up front and written line by line,
or (an export) written whole.

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


def write_whole(path: Path, text: str) -> None:
    """Write all of `text` to `path` or nothing: a temporary file beside it, renamed into place."""
    import os
    import tempfile

    target = path.expanduser()
    if target.is_dir():
        raise UserError(f"cannot write the export to {path}: it is a folder; pass a file name to --out")
    fd = -1
    tmp = None
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            fd = -1
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        if target.exists():  # replacing a file keeps its permissions; a new one is private (0600)
            os.chmod(tmp, target.stat().st_mode & 0o777)
        os.replace(tmp, target)
        tmp = None
    except OSError as exc:
        reason = exc.strerror or str(exc)
        parent = target.parent
        if not parent.exists():
            fix = f"create the folder {parent} first or pass another --out"
        elif not parent.is_dir():
            fix = f"{parent} is a file, not a folder; pass another --out"
        else:
            fix = "pass a writable path to --out"
        raise UserError(f"cannot write the export to {path}: {reason}; {fix}") from None
    finally:
        if fd >= 0:
            os.close(fd)
        if tmp is not None:
            try:
                os.unlink(tmp)
            except OSError:
                pass
