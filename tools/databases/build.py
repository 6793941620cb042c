"""Build a DuckDB file from SQL, atomically: readers never see a half-built database.

DuckDB must create the file itself (it rejects an empty pre-created file), so the build goes to a
uniquely named temporary file in the target directory, which is then renamed into place; two
processes racing to build the same file both end up with a complete one.
"""

from __future__ import annotations

import os
import uuid
from pathlib import Path


def build_from_sql(sql: str, final: Path, *, timezone: str | None = None) -> Path:
    """Execute `sql` into a new database at `final` (replacing any old file) and return it."""
    import duckdb

    final.parent.mkdir(parents=True, exist_ok=True)
    temp = final.with_name(f".{final.stem}.{os.getpid()}.{uuid.uuid4().hex}.tmp")
    try:
        con = duckdb.connect(
            str(temp), config={"autoload_known_extensions": False, "autoinstall_known_extensions": False}
        )
        try:
            if timezone:
                con.execute(f"SET TimeZone = '{timezone}'")
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
