"""The TUI's export on MySQL/MariaDB (real server): every row to CSV, JSON and Parquet, MySQL's
result types mapped to Parquet ones or written as text."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.mysql_env import MyEnv
from tools.result_export import ExportJob

EXPORT_SQL = """
SELECT o.order_id, o.status, o.ordered_at, DATE(o.ordered_at) AS day, CAST(o.order_id AS DECIMAL(10,2)) / 4 AS quarter,
       c.name, JSON_OBJECT('segment', c.segment) AS detail
FROM orders o JOIN customers c ON c.customer_id = o.customer_id ORDER BY o.order_id
"""


@pytest.fixture(scope="module")
def ro_db(my: MyEnv) -> Iterator[Any]:
    from tools.databases.mysql import open_mysql

    database = open_mysql(my.url("ro"))
    yield database
    database.close()


def test_mysql_export_writes_every_row_in_each_format(ro_db: Any, tmp_path: Path) -> None:
    import duckdb

    for fmt in ("csv", "json", "parquet"):
        path = tmp_path / f"orders.{fmt}"
        progress: list[int] = []
        assert ExportJob(ro_db, EXPORT_SQL, path, fmt).run(progress.append) == 200 == progress[-1]
    rows = list(csv.reader((tmp_path / "orders.csv").open()))
    assert rows[0] == ["order_id", "status", "ordered_at", "day", "quarter", "name", "detail"] and len(rows) == 201
    objects = json.loads((tmp_path / "orders.json").read_text())
    assert objects[0]["order_id"] == 1 and objects[0]["status"] == "shipped"
    scratch = duckdb.connect()
    parquet = str(tmp_path / "orders.parquet")
    types = dict(
        scratch.execute(f"SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM '{parquet}')").fetchall()
    )
    assert types == {
        "order_id": "BIGINT",
        "status": "VARCHAR",
        "ordered_at": "TIMESTAMP",
        "day": "DATE",
        "quarter": "DOUBLE",
        "name": "VARCHAR",
        "detail": "VARCHAR",
    }
    count, total, first_day = scratch.execute(f"SELECT count(*), sum(quarter), min(day) FROM '{parquet}'").fetchone()
    assert count == 200 and total == pytest.approx(sum(range(1, 201)) / 4) and str(first_day) == "2024-01-02"
