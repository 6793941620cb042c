"""The bundled sample database as a SQLite file, for the SQLite corpus and CLI tests.

A port, not a second dataset: every table, column, key and row of the DuckDB sample, with SQLite's
types (DECIMAL as REAL, DATE and TIMESTAMP as ISO text, as SQLite applications store them), so
the same questions have the same answers on both engines.
"""

from __future__ import annotations

import datetime
import sqlite3
from decimal import Decimal
from pathlib import Path
from typing import Any

_TYPES = {"VARCHAR": "TEXT", "INTEGER": "INTEGER", "DATE": "DATE", "TIMESTAMP": "TIMESTAMP"}


def _type(duck: str) -> str:
    return "REAL" if duck.startswith(("DECIMAL", "DOUBLE")) else _TYPES.get(duck, "TEXT")


def _value(value: Any) -> Any:
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, datetime.datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def sqlite_sample(duckdb_file: Path, target: Path) -> Path:
    """Write the tables of `duckdb_file` (the sample) into a new SQLite file `target`."""
    import duckdb

    source = duckdb.connect(str(duckdb_file), read_only=True)
    out = sqlite3.connect(target)
    try:
        tables = [r[0] for r in source.execute("SELECT table_name FROM duckdb_tables() ORDER BY 1").fetchall()]
        keys = source.execute(
            "SELECT table_name, constraint_type, constraint_column_names, referenced_table, referenced_column_names "
            "FROM duckdb_constraints() WHERE constraint_type IN ('PRIMARY KEY', 'FOREIGN KEY')"
        ).fetchall()
        for table in tables:
            columns = source.execute(
                "SELECT column_name, data_type, is_nullable FROM duckdb_columns() WHERE table_name = ? "
                "ORDER BY column_index",
                [table],
            ).fetchall()
            parts = [f'"{n}" {_type(t)}{"" if nullable else " NOT NULL"}' for n, t, nullable in columns]
            for name, kind, cols, ref, ref_cols in keys:
                if name != table:
                    continue
                if kind == "PRIMARY KEY":
                    parts.append(f"PRIMARY KEY ({', '.join(cols)})")
                else:
                    parts.append(f"FOREIGN KEY ({', '.join(cols)}) REFERENCES {ref} ({', '.join(ref_cols)})")
            out.execute(f'CREATE TABLE "{table}" ({", ".join(parts)})')
            rows = source.execute(f'SELECT * FROM "{table}"').fetchall()
            marks = ", ".join("?" for _ in columns)
            out.executemany(f'INSERT INTO "{table}" VALUES ({marks})', [tuple(_value(v) for v in r) for r in rows])
        out.commit()
    finally:
        out.close()
        source.close()
    return target
