"""What every `Database` promises, checked by the same assertions on DuckDB, PostgreSQL, MySQL/MariaDB
and SQLite.

`any_db` (tests/backends.py) opens the same small dataset on each engine. Where the engines need
different words for the same question (a slow query, a binary value, a write inside a query),
`SQL` holds each engine's; the assertions do not change. What only one engine has (PostgreSQL's
role checks, `explain`, its enum samples; DuckDB's hardened settings and file views) stays in that
engine's own tests.
"""

from __future__ import annotations

import re
import threading
import time
from typing import Any

import pytest

from tests.backends import contract_schema
from tools.databases.base import Limits, QueryError, QueryResult, StreamError
from tools.guard.problems import Problem

_DIGITS = "d(x) AS (" + " UNION ALL ".join(f"SELECT {i}" for i in range(10)) + ")"
SQL: dict[str, dict[str, Any]] = {
    "duckdb": {
        "slow": ["SELECT count(*) FROM range(100000000000) a"],
        "binary": "unhex(repeat('ab', 300) || {})",
        "many": "SELECT range AS n, repeat('x', 20000) AS wide FROM range(5000)",
        "endless": "SELECT range AS n FROM range(100000000000)",
        "write_in_query": "DELETE FROM contract.sales",
    },
    "postgres": {
        "slow": ["SELECT pg_sleep(10)", "SELECT count(*) FROM generate_series(1, 10000000000) a"],
        "binary": "decode(repeat('ab', 300) || {}, 'hex')",
        "many": "SELECT g AS n, repeat('x', 20000) AS wide FROM generate_series(0, 4999) g",
        # two small function scans (each is materialized whole) joined lazily: rows from the start
        "endless": "SELECT a.g * 1000000 + b.g AS n FROM generate_series(1, 1000000) a(g), generate_series(1, 1000000) b(g)",
        "write_in_query": "WITH d AS (DELETE FROM contract.sales RETURNING sale_id) SELECT * FROM d",
    },
    "mysql": {
        "slow": ["SELECT SLEEP(10)", "SELECT BENCHMARK(10000000000, MD5('a'))"],
        "binary": "UNHEX(CONCAT(REPEAT('ab', 300), {}))",
        "many": f"WITH {_DIGITS} SELECT a.x * 1000 + b.x * 100 + c.x * 10 + e.x AS n, REPEAT('x', 20000) AS wide "
        "FROM d a, d b, d c, d e WHERE a.x < 5",
        "endless": f"WITH {_DIGITS} SELECT a.x AS n FROM d a, d b, d c, d e, d f, d g, d h, d i, d j, d k",
        "write_in_query": "DELETE FROM contract.sales",  # MySQL has no data-changing CTE; the account cannot DELETE
        "wide": "CONCAT(REPEAT('x', 5000), {})",
    },
    "sqlite": {  # SQLite has no repeat() nor generate_series(): printf pads, recursive CTEs count
        "slow": [
            "WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r) SELECT count(*) FROM r",
            "WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r WHERE n < 100000) "
            "SELECT count(*) FROM r a, r b, r c",
        ],
        "binary": "CAST(printf('%.*c', 600, 'a') || {} AS BLOB)",
        "many": "WITH RECURSIVE r(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM r WHERE n < 4999) "
        "SELECT n, printf('%.*c', 20000, 'x') AS wide FROM r",
        "endless": "WITH RECURSIVE r(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM r) SELECT n FROM r",
        "write_in_query": "DELETE FROM contract.sales",
    },
}
COUNT = "SELECT count(*) FROM contract.sales"


def _q(database: Any, sql: str) -> str:
    """The contract's SQL in `database`'s words: its schema for `contract`, and on SQLite
    printf padding for repeat('x', n)."""
    sql = sql.replace("contract.", f"{contract_schema(database)}.")
    if database.dialect == "sqlite":
        sql = re.sub(r"repeat\('x', (\d+)\)", r"printf('%.*c', \1, 'x')", sql)
    return sql


def _ok(outcome: QueryResult | QueryError) -> QueryResult:
    assert isinstance(outcome, QueryResult), outcome
    return outcome


def _value(database: Any, sql: str) -> Any:
    return _ok(database.execute(_q(database, sql), Limits(timeout_s=10))).rows[0][0]


def _drain(database: Any, sql: str, timeout_s: float = 30.0) -> list[tuple[Any, ...]]:
    stream = database.stream(_q(database, sql), timeout_s)
    try:
        return [row for chunk in stream.chunks() for row in chunk]
    finally:
        stream.close()


# -- execute under limits ------------------------------------------------------------------------


def test_execute_returns_named_columns_and_rows(any_db: Any) -> None:
    result = _ok(any_db.execute(_q(any_db, "SELECT id, label FROM contract.items ORDER BY id LIMIT 3"), Limits()))
    assert [c.name for c in result.columns] == ["id", "label"]
    assert result.rows == ((1, "item 1"), (2, "item 2"), (3, "item 3"))
    assert result.row_count == 3 and not result.truncated and result.elapsed_ms >= 0


def test_the_row_cap_sets_truncated_only_when_rows_were_left_out(any_db: Any) -> None:
    capped = _ok(any_db.execute(_q(any_db, "SELECT id FROM contract.items ORDER BY 1"), Limits(max_rows=5)))
    assert capped.rows == tuple((i,) for i in range(1, 6)) and capped.truncated
    exact = _ok(any_db.execute(_q(any_db, "SELECT id FROM contract.items"), Limits(max_rows=60)))
    assert exact.row_count == 60 and not exact.truncated


def test_oversized_cells_are_clipped_and_digested_when_asked(any_db: Any) -> None:
    wide = _ok(any_db.execute(_q(any_db, "SELECT repeat('x', 5000) AS big"), Limits(max_cell_bytes=100)))
    assert wide.rows[0][0] == "x" * 100 + "…"
    # evaluation's limits: texts sharing the kept prefix still differ once clipped
    binary = SQL[any_db.dialect]["binary"]
    wide_text = SQL[any_db.dialect].get("wide", "repeat('x', 5000) || {}")
    same = f"SELECT {wide_text} AS big, {binary} AS raw"
    exact = Limits(max_cell_bytes=100, cell_digest=True)
    a, b = (_ok(any_db.execute(_q(any_db, same.format(f"'{t}'", f"'{t}{t}'")), exact)).rows[0] for t in "01")
    assert a[0].startswith("x" * 100 + "… [5,001 characters, sha256 ") and a[0] != b[0]
    assert a[1][:100] == b[1][:100] and a[1] != b[1] and len(a[1]) == 100 + 3 + 16


def test_the_time_limit_stops_a_query_and_the_database_is_reusable(any_db: Any) -> None:
    for slow in SQL[any_db.dialect]["slow"]:
        started = time.perf_counter()
        outcome = any_db.execute(_q(any_db, slow), Limits(timeout_s=1))
        assert isinstance(outcome, QueryError) and outcome.kind == "timeout", outcome
        assert "1 s time limit" in outcome.message
        assert time.perf_counter() - started < 4
    assert _value(any_db, "SELECT 1") == 1


def test_interrupt_from_another_thread_stops_a_running_query(any_db: Any) -> None:
    results: list[Any] = []
    slow = SQL[any_db.dialect]["slow"][0]
    worker = threading.Thread(target=lambda: results.append(any_db.execute(_q(any_db, slow), Limits(timeout_s=30))))
    worker.start()
    deadline = time.monotonic() + 10
    while worker.is_alive() and time.monotonic() < deadline:
        time.sleep(0.3)
        any_db.interrupt()
    worker.join(5)
    assert results and isinstance(results[0], QueryError) and results[0].kind == "interrupted", results
    assert _value(any_db, "SELECT 2") == 2


@pytest.mark.parametrize(
    "sql",
    [
        "DELETE FROM contract.sales",
        "INSERT INTO contract.items VALUES (999, 'new', 1, NULL)",
        "UPDATE contract.items SET label = 'changed'",
        "DROP TABLE contract.sales",
        "CREATE TABLE contract.more (a integer)",
    ],
)
def test_writes_sent_directly_fail_and_change_nothing(any_db: Any, sql: str) -> None:
    before = _value(any_db, COUNT)
    outcome = any_db.execute(_q(any_db, sql), Limits(timeout_s=5))
    assert isinstance(outcome, QueryError) and outcome.kind == "error", outcome
    assert outcome.message.strip()
    assert _value(any_db, COUNT) == before
    assert _value(any_db, "SELECT count(*) FROM contract.items WHERE label = 'changed'") == 0


# -- catalog, cross-check, identity --------------------------------------------------------------


def test_the_catalog_has_the_same_shape_on_every_engine(any_db: Any) -> None:
    catalog = any_db.catalog()
    assert catalog.dialect == any_db.dialect
    assert any_db.catalog() is catalog  # introspected once per open database
    schema = contract_schema(any_db)
    items = catalog.find("items", schema)
    sales = catalog.find("sales", schema)
    assert items is not None and sales is not None
    assert items.qualified == f"{schema}.items" and items.kind == "table"
    assert [c.name for c in items.columns] == ["id", "label", "price", "note"]
    assert items.primary_key == ("id",) and sales.primary_key == ("sale_id",)
    assert items.column("label").nullable is False and items.column("note").nullable is True
    assert [(fk.columns, fk.ref_table, fk.ref_columns) for fk in sales.foreign_keys] == [
        (("item_id",), f"{schema}.items", ("id",))
    ]
    assert (items.row_count, sales.row_count) == (60, 200)
    assert any(h.left == f"{schema}.sales.item_id" and h.right == f"{schema}.items.id" for h in catalog.join_hints())


def test_cross_check_passes_a_query_and_returns_problems_for_what_the_engine_refuses(any_db: Any) -> None:
    assert any_db.cross_check(_q(any_db, "SELECT count(*) FROM contract.sales")) == []
    for refused in ("DELETE FROM contract.sales", "SELECT 1; SELECT 2"):
        problems = any_db.cross_check(_q(any_db, refused))
        assert problems and all(isinstance(p, Problem) and p.message.strip() for p in problems), refused
    assert _value(any_db, COUNT) == 200


def test_a_text_reads_alike_itself(any_db: Any) -> None:
    sql = _q(any_db, "SELECT id, label FROM contract.items WHERE id < 5")
    assert any_db.reads_alike(sql, sql) is True


def test_the_fingerprint_is_short_and_stable(any_db: Any) -> None:
    first = any_db.fingerprint_source()
    assert len(first) == 16 and first == any_db.fingerprint_source()
    assert any_db.uri and "password" not in any_db.uri.lower()


# -- streams ---------------------------------------------------------------------------------------


def test_every_row_arrives_whole_beyond_the_row_cap(any_db: Any) -> None:
    stream = any_db.stream(_q(any_db, SQL[any_db.dialect]["many"]), 30.0)
    try:
        assert [c.name for c in stream.columns] == ["n", "wide"]
        assert stream.columns[1].type.upper() in ("VARCHAR", "TEXT")
        chunks = list(stream.chunks())
    finally:
        stream.close()
    rows = [row for chunk in chunks for row in chunk]
    assert len(chunks) > 1  # streamed, not fetched at once
    assert len(rows) == 5000 > Limits().max_rows
    assert sorted(r[0] for r in rows) == list(range(5000))
    assert {len(r[1]) for r in rows} == {20000}  # never clipped (execute clips at max_cell_bytes)
    assert Limits().max_cell_bytes < 20000


def test_time_limit_stops_the_stream_and_the_database_is_reusable(any_db: Any) -> None:
    started = time.perf_counter()
    with pytest.raises(StreamError) as failed:
        _drain(any_db, SQL[any_db.dialect]["slow"][0], timeout_s=1.0)
    assert failed.value.kind == "timeout" and "1 s time limit" in failed.value.message
    assert time.perf_counter() - started < 6
    assert _value(any_db, "SELECT 1") == 1


def test_cancel_from_another_thread_stops_a_stream_mid_way(any_db: Any) -> None:
    stream = any_db.stream(_q(any_db, SQL[any_db.dialect]["endless"]), 60.0)
    seen = 0
    try:
        with pytest.raises(StreamError) as failed:
            for chunk in stream.chunks():
                seen += len(chunk)
                if seen >= 10_000:
                    threading.Thread(target=stream.cancel).start()
    finally:
        stream.close()
    assert failed.value.kind == "interrupted"
    assert 10_000 <= seen < 10_000_000
    assert _value(any_db, "SELECT 2") == 2


def test_interrupting_the_database_stops_its_streams(any_db: Any) -> None:
    errors: list[StreamError] = []

    def consume() -> None:
        try:
            _drain(any_db, SQL[any_db.dialect]["slow"][0], timeout_s=60.0)
        except StreamError as exc:
            errors.append(exc)

    worker = threading.Thread(target=consume)
    worker.start()
    deadline = time.monotonic() + 10
    while worker.is_alive() and time.monotonic() < deadline and not errors:
        time.sleep(0.3)
        any_db.interrupt()
    worker.join(10)
    assert not worker.is_alive()
    assert [e.kind for e in errors] == ["interrupted"]
    assert _value(any_db, "SELECT 3") == 3


def test_a_write_cannot_run_through_a_stream(any_db: Any) -> None:
    before = _value(any_db, COUNT)
    with pytest.raises(StreamError) as failed:
        _drain(any_db, SQL[any_db.dialect]["write_in_query"])
    assert failed.value.kind == "error" and failed.value.message.strip()
    assert _value(any_db, COUNT) == before
