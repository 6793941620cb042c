"""The bundled sample database, built on first use from SQL shipped with the package.

Shipping SQL instead of a binary .duckdb file keeps the wheel small and reviewable, and avoids
DuckDB storage-format mismatches between versions. The built file is cached under the caller's
cache directory, keyed by a hash of the SQL and the DuckDB version, so an edited script or an
upgraded DuckDB gets a fresh file and an unchanged setup reuses the old one. Building goes to a
temporary file in the same directory that is then renamed into place, so a reader never sees a
half-built database and two processes racing to build it both end up with a complete file.
"""

from __future__ import annotations

import hashlib
import importlib.resources
import os
import uuid
from pathlib import Path

SAMPLE_SQL_NAME = "sample_sales.sql"
_SUBDIR = "sample"


def sample_sql() -> str:
    """The SQL script that creates and fills the sample sales schema."""
    resource = importlib.resources.files("tools") / "data" / SAMPLE_SQL_NAME
    return resource.read_text(encoding="utf-8")


def sample_database(cache_dir: Path) -> Path:
    """Path of the built sample database under `cache_dir`, building it first if it is missing."""
    import duckdb

    sql = sample_sql()
    digest = hashlib.sha256(f"{sql}\0duckdb {duckdb.__version__}".encode()).hexdigest()[:12]
    directory = Path(cache_dir) / _SUBDIR
    final = directory / f"sample-{digest}.duckdb"
    if final.is_file():
        return final

    directory.mkdir(parents=True, exist_ok=True)
    # DuckDB must create the file itself (it rejects an empty pre-created file), so use a unique name.
    temp = directory / f".sample-{digest}.{os.getpid()}.{uuid.uuid4().hex}.tmp"
    try:
        con = duckdb.connect(str(temp))
        try:
            con.execute(sql)
            con.execute("CHECKPOINT")
        finally:
            con.close()
        try:
            os.replace(temp, final)
        except PermissionError:
            # Windows refuses to replace a file another process has open; that file is complete.
            if not final.is_file():
                raise
    finally:
        for leftover in (temp, temp.with_name(temp.name + ".wal")):
            leftover.unlink(missing_ok=True)
    return final
