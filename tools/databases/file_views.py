"""CSV, Parquet and JSON files opened as views in a throwaway catalog database.

DuckDB has no read-only in-memory database and cannot create views on a read-only connection,
so the views are written once into a small `.duckdb` file in the cache (keyed by the files'
paths, sizes and modification times) and that file is then opened read-only like any other.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
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


def data_files_in(target: Path) -> list[Path]:
    """The data files a path names: itself, or the folder's data files (not recursive)."""
    if target.is_dir():
        return sorted(p.resolve() for p in target.iterdir() if p.is_file() and p.suffix.lower() in DATA_SUFFIXES)
    return [target.resolve()]


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

    digest = hashlib.sha256(duckdb.__version__.encode())
    for path in files:
        stat = path.stat()
        digest.update(f"{path}|{stat.st_size}|{stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()[:16]


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def build_view_catalog(files: list[Path], views_dir: Path) -> Path:
    """Write (or reuse) a catalog database holding one view per file, over absolute paths."""
    import duckdb

    views_dir.mkdir(parents=True, exist_ok=True)
    target = views_dir / f"views-{_cache_key(files)}.duckdb"
    if target.exists():
        return target
    fd, tmp_name = tempfile.mkstemp(prefix=".views-", suffix=".duckdb", dir=views_dir)
    os.close(fd)
    os.unlink(tmp_name)  # DuckDB must create the file itself
    taken: set[str] = set()
    con = duckdb.connect(
        tmp_name,
        config={"autoload_known_extensions": False, "autoinstall_known_extensions": False},
    )
    try:
        for path in files:
            reader = READERS[path.suffix.lower()]
            name = view_name(path, taken)
            try:
                con.execute(f'CREATE VIEW "{name}" AS SELECT * FROM {reader}({_literal(str(path))})')
                con.execute(f'COMMENT ON VIEW "{name}" IS {_literal("data file " + path.name)}')
            except duckdb.Error as exc:
                raise DatabaseOpenError(
                    f"cannot read {path.name}: {str(exc).strip().splitlines()[0]}",
                    "check that the file is valid CSV, Parquet or JSON",
                ) from None
        con.execute("CHECKPOINT")
    finally:
        con.close()
    os.replace(tmp_name, target)
    return target
