"""What both engines do alike with a cursor: fetch a capped result, clip cells, describe a catalog.

Each backend runs its statements its own way (DuckDB on a cursor of one connection, PostgreSQL on
a pooled connection in a READ ONLY transaction), but what comes back is cut to the same limits by
the same code, so a result means the same thing whichever engine produced it.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Sequence
from typing import Any

from tools.catalog import Catalog, hidden_column_names
from tools.databases.base import Limits

EXPORT_CHUNK_ROWS = 2_000  # rows per chunk of a streamed export
FIRST_CHUNK_ROWS = 16  # the first fetch of a result, before any row's width is known
CHUNK_BYTES = 32_000_000  # later fetches ask for about this many bytes of rows


def clip_cell(value: Any, limits: Limits) -> Any:
    """A text or binary cell cut at `max_cell_bytes` (characters, for text) and marked "…";
    a list or dict too long as text becomes its cut text.  Memory per fetched result stays
    bounded whatever a query selects."""
    cap = limits.max_cell_bytes
    if isinstance(value, (bytes, bytearray, memoryview)):
        if len(value) <= cap:
            return value
        whole = bytes(value)
        return whole[:cap] + (b"\xe2\x80\xa6" + hashlib.sha256(whole).digest()[:16] if limits.cell_digest else b"")
    text = str(value) if isinstance(value, (dict, list)) else value
    if not isinstance(text, str) or len(text) <= cap:
        return value
    digest = ""
    if limits.cell_digest:
        sha = hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:32]
        digest = f" [{len(text):,} characters, sha256 {sha}]"
    return text[:cap] + "…" + digest


def fetch_capped(
    cursor: Any, limits: Limits, chunk_rows: int, clip_columns: Sequence[int] | None = None
) -> tuple[list[tuple[Any, ...]], bool]:
    """(rows up to the cap, whether more existed), with oversized cells clipped: those of
    `clip_columns` (an engine that knows which column types can hold a long value checks only
    those; the per-cell check is most of the cost of a capped DuckDB result), or every cell when
    it is None.

    Bounded in bytes as well as rows: a driver materialises a whole chunk before any cell can be
    clipped (400 rows of 10 MB once reached 7.7 GB), so chunks start small and are sized from the
    widest row seen so far to about `CHUNK_BYTES`, and fetching stops (truncated) once the kept
    rows hold `limits.max_result_bytes`."""
    wanted = limits.max_rows + 1  # the extra row says the result was truncated
    rows: list[tuple[Any, ...]] = []
    size = FIRST_CHUNK_ROWS
    kept_bytes = 0
    while len(rows) < wanted:
        chunk = cursor.fetchmany(max(1, min(size, chunk_rows, wanted - len(rows))))
        if not chunk:
            break
        widest = max(row_bytes(row) for row in chunk)
        size = max(1, CHUNK_BYTES // max(widest, 1))
        if clip_columns is None:
            chunk = [tuple(clip_cell(v, limits) for v in row) for row in chunk]
        elif clip_columns:
            chunk = [_clip_row(row, clip_columns, limits) for row in chunk]
        for row in chunk:
            kept_bytes += row_bytes(row)
            if kept_bytes > limits.max_result_bytes:
                return rows, True
            rows.append(row)
    return rows[: limits.max_rows], len(rows) > limits.max_rows


def row_bytes(row: tuple[Any, ...]) -> int:
    """About how much memory a fetched row's values hold: text and binary by length, anything
    else as a small fixed size (nested values by their text length would cost a conversion)."""
    return sum(len(v) if isinstance(v, (str, bytes, bytearray)) else 16 for v in row)


def _clip_row(row: tuple[Any, ...], indices: Sequence[int], limits: Limits) -> tuple[Any, ...]:
    if not any(isinstance(row[i], (str, bytes)) and len(row[i]) > limits.max_cell_bytes for i in indices):
        return row
    cells = list(row)
    for i in indices:
        cells[i] = clip_cell(cells[i], limits)
    return tuple(cells)


def catalog_digest(catalog: Catalog) -> str:
    """A hash of the catalog's shape and row counts (`Database.fingerprint_source`): it changes
    when the schema or the data does."""
    digest = hashlib.sha256()
    for table in catalog.tables:
        digest.update(f"{table.qualified}|{table.row_count}|".encode())
        for col in table.columns:
            digest.update(f"{col.name}:{col.type};".encode())
    return digest.hexdigest()[:16]


def hidden_names(exclude_columns: tuple[str, ...], catalog: Callable[[], Catalog]) -> frozenset[str]:
    """The hidden column names to keep out of engine messages (DuckDB's "candidate bindings",
    PostgreSQL's "Perhaps you meant"); the catalog is read only when a column is hidden."""
    if not exclude_columns:
        return frozenset()
    return hidden_column_names(catalog())


def close_quietly(cursor: Any) -> None:
    """Close a cursor whose statement failed or was cancelled; a second failure adds nothing."""
    try:
        cursor.close()
    except Exception:
        pass


def ms_since(started: float) -> float:
    return (time.perf_counter() - started) * 1000
