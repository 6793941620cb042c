"""CSV, Parquet and JSON files opened as views in a throwaway catalog database.

DuckDB has no read-only in-memory database and cannot create views on a read-only connection,
so the views are written once into a small `.duckdb` file in the cache (keyed by the files'
paths, sizes and modification times) and that file is then opened read-only like any other.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import stat
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from tools.databases.base import DatabaseOpenError

READERS = {
    ".csv": "read_csv",
    ".tsv": "read_csv",
    ".parquet": "read_parquet",
    ".json": "read_json_auto",
    ".jsonl": "read_json_auto",
    ".ndjson": "read_json_auto",
}
DATA_SUFFIXES = frozenset(READERS)
# Part of the cache key: a catalog built by an older way of writing the views is not reused.
_VIEW_FORMAT = "2"


@dataclass(frozen=True)
class DataFiles:
    """The data files an opened path names, by their real paths, and the ones refused, in words.

    A link is followed only to a regular data file inside what the person opened: a folder can be
    someone else's (a download, a shared drive), and a link in it to `~/.aws/credentials.csv` or
    through a linked subfolder to `/etc` would otherwise have that file read, sampled and shown
    to the model. Each file is judged by its real path, as DuckDB reads it."""

    files: tuple[Path, ...]
    refused: tuple[str, ...] = ()


def data_files_in(target: Path) -> DataFiles:
    """The data files a path names: itself, or the folder's data files (not recursive).

    A file named directly that cannot be read as data stops the open with one line; in a folder
    such a file is left out with a notice, like an unreadable one."""
    if not target.is_dir():
        real, problem = _judged(target, target.parent.resolve(), "its own folder")
        if problem is not None:
            raise DatabaseOpenError(f"cannot open {target}: {problem}", _fix_for(problem, real))
        return DataFiles((real,))
    root = target.resolve()
    files: set[Path] = set()
    refused: list[str] = []
    for entry in sorted(target.iterdir()):
        if not _is_candidate(entry):
            continue
        real, problem = _judged(entry, root, "the folder you opened")
        if problem is None:
            files.add(real)
        else:
            refused.append(f"left out {entry.name}: {problem}")
    return DataFiles(tuple(sorted(files)), tuple(refused))


def _is_candidate(entry: Path) -> bool:
    """A folder entry that is read or judged: a file or link named like a data file."""
    return entry.suffix.lower() in DATA_SUFFIXES and (entry.is_symlink() or entry.is_file())


def _judged(path: Path, root: Path, where: str) -> tuple[Path, str | None]:
    """The file's real path (every link and `..` followed), and why it may not be read (None if it may)."""
    real = Path(os.path.realpath(path))
    if not real.is_relative_to(root):
        return real, f"it is a link to a file outside {where}, and analyst reads only what you open"
    try:
        mode = real.stat().st_mode
    except OSError:
        return real, "it is a link to a file that does not exist or cannot be read"
    if not stat.S_ISREG(mode):
        return real, "it is not a regular file"
    if real.suffix.lower() not in DATA_SUFFIXES:
        return real, f"it is a link to {real.name}, which is not a CSV, Parquet or JSON file"
    return real, None


def _fix_for(problem: str, real: Path) -> str:
    if "outside" in problem:
        return f"open the file itself ({real}) or copy it into the folder"
    return "pass a .csv, .tsv, .parquet, .json, .jsonl or .ndjson file, or a folder of them"


def ignored_in(target: Path) -> list[str]:
    """What a folder holds that is not read (other files, subfolders), so nothing is skipped
    without a word; hidden entries (`.git`, `.DS_Store`) are not worth a mention, and files
    named like data that were refused have their own notice."""
    if not target.is_dir():
        return []
    names = sorted(
        p.name + ("/" if p.is_dir() else "")
        for p in target.iterdir()
        if not p.name.startswith(".") and not _is_candidate(p)
    )
    if not names:
        return []
    shown = ", ".join(names[:8]) + (f" and {len(names) - 8} more" if len(names) > 8 else "")
    return [
        f"not read in {target}: {shown} (only .csv, .tsv, .parquet, .json, .jsonl and .ndjson files; subfolders are not read)"
    ]


def view_name(path: Path, taken: set[str]) -> str:
    """A SQL-friendly, unique view name from a file name (`Sales 2024.csv` -> `sales_2024`)."""
    base = re.sub(r"[^0-9a-zA-Z_]+", "_", path.stem).strip("_").lower() or "data"
    if base[0].isdigit():
        base = f"t_{base}"
    name, n = base, 2
    while name in taken:
        name, n = f"{base}_{n}", n + 1
    taken.add(name)
    return name


def _cache_key(files: list[Path]) -> str:
    import duckdb

    digest = hashlib.sha256(f"{duckdb.__version__}|{_VIEW_FORMAT}".encode())
    for path in files:
        stat = path.stat()
        # ctime too: a fixed permission (chmod) changes only it, and must make a left-out file count
        digest.update(f"{path}|{stat.st_size}|{stat.st_mtime_ns}|{stat.st_ctime_ns}\n".encode())
    return digest.hexdigest()[:16]


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def glob_escaped(path: Path) -> str:
    """The path as DuckDB's readers take it for that one file. They expand glob characters even
    in a path that exists, so a file named `s?cret.csv` would also read `secret.csv`, an excluded
    table's data (or a file never opened); each `*`, `?` and `[` is written as a one-character
    class instead (`[?]`), which matches only itself. The connection allows exactly these strings."""
    return re.sub(r"([*?\[])", r"[\1]", str(path))


def allowed_paths(files: Iterable[Path]) -> list[str]:
    """What DuckDB may read for these files: each as the views name it (glob characters escaped,
    the string DuckDB checks) and as itself. The view build and the read connection allow the same."""
    return list(dict.fromkeys(name for p in files for name in (glob_escaped(p), str(p))))


def build_view_catalog(files: list[Path], views_dir: Path, *, skip_unreadable: bool = False) -> tuple[Path, list[str]]:
    """Write (or reuse) a catalog database holding one view per file, over absolute paths, and
    the notices for files left out. With `skip_unreadable` (a folder), an empty or unreadable
    file is left out with a notice instead of failing the rest; the notices are kept beside the
    cached catalog so every later open repeats them."""
    import duckdb

    views_dir.mkdir(parents=True, exist_ok=True)
    target = views_dir / f"views-{_cache_key(files)}.duckdb"
    notes_file = target.with_suffix(".notices.json")
    if target.exists():
        return target, _read_notices(notes_file)
    fd, tmp_name = tempfile.mkstemp(prefix=".views-", suffix=".duckdb", dir=views_dir)
    os.close(fd)
    os.unlink(tmp_name)  # DuckDB must create the file itself
    taken: set[str] = set()
    notices: list[str] = []
    try:
        con = duckdb.connect(
            tmp_name,
            config={"autoload_known_extensions": False, "autoinstall_known_extensions": False},
        )
        try:
            # the build reads only these files too, so no view over another path can be made
            con.execute("SET allowed_paths = ?", [allowed_paths(files)])
            con.execute("SET enable_external_access = false")
            for path in files:
                problem = _add_view(con, path, taken)
                if problem is None:
                    continue
                if not skip_unreadable:
                    raise DatabaseOpenError(problem, "check that the file is valid CSV, Parquet or JSON")
                notices.append(f"left out {problem}")
            if len(notices) == len(files):
                raise DatabaseOpenError(
                    f"no readable data file in {files[0].parent}: {notices[0].removeprefix('left out ')}",
                    "check that the files are valid CSV, Parquet or JSON",
                )
            con.execute("CHECKPOINT")
        finally:
            con.close()
        notes_file.write_text(json.dumps(notices), encoding="utf-8")
        os.replace(tmp_name, target)
    finally:  # a failed build leaves no half-written catalog behind
        for leftover in (Path(tmp_name), Path(tmp_name + ".wal")):
            leftover.unlink(missing_ok=True)
    return target, notices


def _add_view(con: object, path: Path, taken: set[str]) -> str | None:
    """Create the file's view; the problem in words when it cannot be read (None when fine)."""
    import duckdb

    if path.stat().st_size == 0:
        return f"{path.name}: the file is empty"
    reader = READERS.get(path.suffix.lower())
    if reader is None:
        return f"{path.name} is not a CSV, Parquet or JSON file"
    name = view_name(path, taken)
    try:
        con.execute(f'CREATE VIEW "{name}" AS SELECT * FROM {reader}({_literal(glob_escaped(path))})')  # type: ignore[attr-defined]
        con.execute(f'COMMENT ON VIEW "{name}" IS {_literal("data file " + path.name)}')  # type: ignore[attr-defined]
    except duckdb.Error as exc:
        taken.discard(name)
        return f"cannot read {path.name}: {str(exc).strip().splitlines()[0]}"
    return None


def _read_notices(path: Path) -> list[str]:
    try:
        notices = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    return [str(n) for n in notices] if isinstance(notices, list) else []
