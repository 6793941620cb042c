"""Example files: the personal store under ANALYST_HOME and the team file beside the database.

Both are JSON Lines, one example a line, so a team can keep `shop.examples.jsonl` beside
`shop.duckdb` in git and review each change as a diff. The personal store is written by analyst
(atomically: a new file renamed over the old, mode 0600, so a crash never leaves half a store);
the team file is only read — a team edits it by hand or with `examples export`.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path

from tools.examples.example import Example, Source
from tools.jsonl import JsonlError, decode_text, jsonl_objects

TEAM_SUFFIX = ".examples.jsonl"


class ExampleFileError(ValueError):
    """An example file analyst cannot read; the message names the file and the line."""


def store_path(examples_dir: Path, identity: str) -> Path:
    """The personal store of one database: a file named by a digest of its identity (a path or a
    redacted URL may not be a valid file name; the identity itself is inside every line)."""
    return examples_dir / f"{hashlib.sha256(identity.encode()).hexdigest()[:16]}.jsonl"


def team_path_for(db_path: Path) -> Path:
    """`shop.duckdb` -> `shop.examples.jsonl`, next to the database, as the context sidecar is."""
    return (
        db_path.with_name(db_path.stem + TEAM_SUFFIX)
        if db_path.suffix
        else db_path.with_name(db_path.name + TEAM_SUFFIX)
    )


def read_examples(path: Path, source: Source = Source.STORE) -> list[Example]:
    """Every example in `path` ([] when it does not exist); a bad line is an ExampleFileError."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return []
    except OSError as exc:
        raise ExampleFileError(f"{path}: cannot read ({exc.strerror})") from None
    try:
        lines = jsonl_objects(decode_text(data, path), path, ' (expected {"question": ..., "sql": ...})')
    except JsonlError as exc:
        raise ExampleFileError(str(exc)) from None
    out = []
    for number, obj in lines:
        try:
            out.append(Example.from_json(obj, source))
        except (KeyError, ValueError, TypeError) as exc:
            what = f"missing {exc}" if isinstance(exc, KeyError) else str(exc)
            raise ExampleFileError(f"{path}, line {number}: not an example ({what})") from None
    return out


def write_examples(path: Path, examples: Iterable[Example]) -> None:
    """Replace the file with `examples`, atomically, readable by its owner only."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd, temp = tempfile.mkstemp(dir=path.parent, prefix=".examples-", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            for example in examples:
                out.write(json.dumps(example.to_json(), ensure_ascii=False, sort_keys=True) + "\n")
            out.flush()
            os.fsync(out.fileno())
        os.chmod(temp, 0o600)
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


class ExampleStore:
    """The personal examples of one database, read and rewritten whole (thousands of lines, not
    millions: a rewrite keeps removal and stale marks simple and the file always valid)."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def load(self) -> list[Example]:
        return read_examples(self.path)

    def add(self, example: Example) -> tuple[Example, bool]:
        """Store `example`; the same question and SQL already stored is kept instead (returned
        with False), so saving one answer twice does not weigh it double in retrieval."""
        with _locked(self.path):
            return self._add(example)

    def _add(self, example: Example) -> tuple[Example, bool]:
        current = self.load()
        for existing in current:
            if existing.hash == example.hash:
                return existing, False
        taken = {e.id for e in current}
        if example.id in taken:  # same content prefix, different text: keep ids unique
            base, n = example.id, 2
            while f"{base}-{n}" in taken:
                n += 1
            example = replace(example, id=f"{base}-{n}")
        write_examples(self.path, [*current, example])
        return example, True

    def remove(self, example_id: str) -> Example | None:
        with _locked(self.path):
            return self._remove(example_id)

    def _remove(self, example_id: str) -> Example | None:
        current = self.load()
        kept = [e for e in current if e.id != example_id]
        if len(kept) == len(current):
            return None
        write_examples(self.path, kept)
        return next(e for e in current if e.id == example_id)

    def mark(self, stale: dict[str, str]) -> None:
        """Set each example's stale mark by id ("" clears it); examples added meanwhile are kept."""
        with _locked(self.path):
            write_examples(self.path, [e.marked(stale[e.id]) if e.id in stale else e for e in self.load()])


@contextmanager
def _locked(path: Path) -> Iterator[None]:
    """One writer at a time (two sessions saving at once must not lose either's example): an
    advisory lock on a file beside the store, where the platform has one."""
    try:
        import fcntl
    except ImportError:  # no advisory locks here: a rewrite is still atomic, only a race can lose one
        yield
        return
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd = os.open(path.with_name(path.name + ".lock"), os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)


def merged(store: Iterable[Example], team: Iterable[Example]) -> list[Example]:
    """The store's examples and then the team's, one per content (the store's copy wins: it
    carries this person's provenance and stale mark)."""
    seen: set[str] = set()
    out = []
    for example in [*store, *team]:
        if example.hash in seen:
            continue
        seen.add(example.hash)
        out.append(example)
    return out
