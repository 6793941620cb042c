"""The TUI's export on PostgreSQL (real server): every row to CSV, JSON and Parquet, PostgreSQL
types mapped to Parquet ones or written as text, and a cancelled export leaves no file."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.pg_env import PgEnv
from tools.result_export import ExportError, ExportJob

EXPORT_SQL = """
SELECT o.order_id, o.status, o.ordered_at, p.price, oi.quantity * p.price AS line_total,
       json_build_object('product', p.name) AS detail, ARRAY[o.order_id, oi.quantity] AS pair
FROM orders o JOIN order_items oi USING (order_id) JOIN products p USING (product_id)
ORDER BY o.order_id
"""


@pytest.fixture(scope="module")
def ro_db(pg: PgEnv) -> Iterator[Any]:
    from tools.databases.postgres import open_postgres

    database = open_postgres(pg.dsn("ro"), application_name=pg.app)
    yield database
    database.close()


def test_postgres_export_writes_every_row_in_each_format(ro_db: Any, pg: PgEnv, tmp_path: Path) -> None:
    import duckdb

    expected = int(pg.scalar("SELECT count(*) FROM order_items"))
    total = float(pg.scalar("SELECT sum(oi.quantity * p.price) FROM order_items oi JOIN products p USING (product_id)"))
    for fmt in ("csv", "json", "parquet"):
        path = tmp_path / f"orders.{fmt}"
        progress: list[int] = []
        assert ExportJob(ro_db, EXPORT_SQL, path, fmt).run(progress.append) == expected == progress[-1]
        assert not path.with_name(path.name + ".part").exists()

    rows = list(csv.reader((tmp_path / "orders.csv").open()))
    assert rows[0] == ["order_id", "status", "ordered_at", "price", "line_total", "detail", "pair"]
    assert len(rows) == expected + 1
    assert rows[1][1] in ("pending", "shipped", "delivered") and json.loads(rows[1][5])["product"].startswith(
        "product "
    )

    objects = json.loads((tmp_path / "orders.json").read_text())
    assert len(objects) == expected and objects[0]["order_id"] == 1
    assert objects[0]["pair"] == json.loads(rows[1][6]) and objects[0]["pair"][0] == 1  # arrays stay lists

    scratch = duckdb.connect()
    parquet = str(tmp_path / "orders.parquet")
    types = dict(
        scratch.execute(f"SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM '{parquet}')").fetchall()
    )
    assert types == {
        "order_id": "INTEGER",
        "status": "VARCHAR",
        "ordered_at": "TIMESTAMP WITH TIME ZONE",
        "price": "DOUBLE",
        "line_total": "DOUBLE",
        "detail": "VARCHAR",
        "pair": "VARCHAR",
    }
    count, line_sum, first_status = scratch.execute(
        f"SELECT count(*), sum(line_total), min(status) FROM '{parquet}'"
    ).fetchone()
    assert (
        count == expected and line_sum == pytest.approx(total) and first_status in ("delivered", "pending", "shipped")
    )


def test_postgres_export_failure_and_cancel_leave_no_file(ro_db: Any, tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    with pytest.raises(ExportError, match=r"export query failed: .*nosuch"):
        ExportJob(ro_db, "SELECT nosuch FROM orders", bad, "csv").run()
    assert not bad.exists() and not bad.with_name("bad.csv.part").exists()

    big = tmp_path / "big.json"
    job = ExportJob(
        ro_db,
        "SELECT a.g * 1000000 + b.g AS n FROM generate_series(1, 1000000) a(g), generate_series(1, 1000000) b(g)",
        big,
        "json",
    )
    with pytest.raises(ExportError, match="cancelled"):
        job.run(lambda rows: job.cancel())
    assert not big.exists() and not big.with_name("big.json.part").exists()

    slow = tmp_path / "slow.csv"
    with pytest.raises(ExportError, match="1 s time limit"):
        ExportJob(ro_db, "SELECT pg_sleep(10)", slow, "csv", timeout_s=1.0).run()
    assert not slow.exists()
