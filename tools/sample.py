"""The bundled sample database, built on first use from SQL shipped with the package.

Shipping SQL instead of a binary .duckdb file keeps the wheel small and reviewable, and avoids
DuckDB storage-format mismatches between versions. The built file is cached under the caller's
cache directory, keyed by a hash of the SQL and the DuckDB version, so an edited script or an
upgraded DuckDB gets a fresh file and an unchanged setup reuses the old one.
"""

from __future__ import annotations

import hashlib
import importlib.resources
from pathlib import Path

from tools.databases.build import build_from_sql

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

    return build_from_sql(sql, final)
