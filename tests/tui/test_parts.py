"""The TUI's parts that need no screen: the bar chart, exports, and the CLI's one-line failures
before the app starts. (The approval warnings are the guard's advice: tests/tools/test_advice.py.)"""

from __future__ import annotations

import csv
import json
import threading
from pathlib import Path

import pytest

from analyst.config import load_config
from analyst.tui.chart import bar, bar_chart, pick_columns
from analyst.wiring import open_database
from tests.helpers import run_cli
from tools.result_export import ExportError, ExportJob, default_path, unique_names


def test_bar_lengths_to_an_eighth() -> None:
    assert bar(1.0, 4) == "████"
    assert bar(0.5, 4) == "██"
    assert bar(1 / 32, 4) == "▏"
    assert bar(0.0, 4) == ""
    assert bar(2.0, 4) == "████"


def test_chart_picks_a_label_and_a_number() -> None:
    assert pick_columns(["region", "revenue"], ["VARCHAR", "DECIMAL(10,2)"], [("a", 1)]).__dict__ == {
        "label": 0,
        "value": 1,
    }
    assert pick_columns(["year", "n"], ["INTEGER", "BIGINT"], [(2024, 1)]).__dict__ == {"label": 0, "value": 1}
    assert pick_columns(["n"], ["BIGINT"], [(1,)]).__dict__ == {"label": None, "value": 0}
    assert pick_columns(["name"], ["VARCHAR"], [("x",)]) is None


def test_chart_text_is_inert_and_scaled() -> None:
    chart = bar_chart(
        ["label", "n"], ["VARCHAR", "INTEGER"], [("[b]x[/b]\x1b[2J", 10), ("y", 5), ("z", None)], width=10
    )
    lines = chart.plain.splitlines()
    assert lines[0] == "n by label"
    assert lines[1] == "[b]x[/b] │██████████ 10"
    assert lines[2] == "       y │█████ 5"
    assert len(lines) == 3  # the NULL value is left out
    assert "No numeric column" in bar_chart(["a"], ["VARCHAR"], [("x",)]).plain


def test_unique_names_and_default_path(tmp_path: Path) -> None:
    assert unique_names(["id", "ID", "name", "id"]) == ["id", "ID_2", "name", "id_3"]
    assert default_path(tmp_path, "result", "csv") == tmp_path / "result.csv"
    (tmp_path / "result.csv").write_text("")
    assert default_path(tmp_path, "result", "csv") == tmp_path / "result-2.csv"


@pytest.fixture
def database(sample_db: Path):
    db = open_database(load_config(), str(sample_db))
    yield db
    db.close()


EXPORT_SQL = "SELECT order_id, order_date, status, order_id * 1.5 AS half FROM orders ORDER BY order_id"


def test_export_csv_json_parquet_hold_every_row(database, tmp_path: Path) -> None:
    import duckdb

    counts = {}
    for fmt in ("csv", "json", "parquet"):
        path = tmp_path / f"orders.{fmt}"
        progress: list[int] = []
        counts[fmt] = ExportJob(database, EXPORT_SQL, path, fmt).run(progress.append)
        assert progress[-1] == counts[fmt] == 1037
        assert not path.with_name(path.name + ".part").exists()
    rows = list(csv.reader((tmp_path / "orders.csv").open()))
    assert rows[0] == ["order_id", "order_date", "status", "half"] and rows[1] == [
        "1",
        "2023-01-01",
        "completed",
        "1.5",
    ]
    objects = json.loads((tmp_path / "orders.json").read_text())
    assert objects[0] == {"order_id": 1, "order_date": "2023-01-01", "status": "completed", "half": "1.5"}
    scratch = duckdb.connect()
    back = scratch.execute(
        f"SELECT count(*), min(order_date)::VARCHAR, sum(half) FROM '{tmp_path / 'orders.parquet'}'"
    ).fetchone()
    assert back == (1037, "2023-01-01", pytest.approx(1.5 * sum(range(1, 1038))))


def test_export_failure_and_cancel_leave_no_file(database, tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    with pytest.raises(ExportError, match="export query failed"):
        ExportJob(database, "SELECT nosuch FROM orders", bad, "csv").run()
    assert not bad.exists() and not bad.with_name("bad.csv.part").exists()

    big = tmp_path / "big.csv"
    job = ExportJob(database, "SELECT range AS n FROM range(50000000)", big, "csv")
    started = threading.Event()

    def progress(rows: int) -> None:
        started.set()
        job.cancel()

    with pytest.raises(ExportError, match="cancelled"):
        job.run(progress)
    assert started.is_set()
    assert not big.exists() and not big.with_name("big.csv.part").exists()


def test_chat_fails_in_one_line_before_the_screen(capsys, tmp_path: Path) -> None:
    missing = run_cli(["chat", "--db", str(tmp_path / "missing.duckdb")], capsys)
    assert missing.code == 4 and "database not found" in missing.err and missing.out == ""
    no_key = run_cli(["chat", "--model", "openai:gpt-4.1-mini"], capsys)
    assert no_key.code == 2 and "OPENAI_API_KEY" in no_key.err


def test_parquet_export_keeps_nested_and_exotic_values(database, tmp_path: Path) -> None:
    """Columns go into Parquet as typed lists (unnested); every row keeps its own values."""
    import duckdb

    sql = """SELECT range AS id, [range, NULL] AS l, {'a': range, 'b': 'x' || range} AS st, MAP {'k': range} AS m,
                    INTERVAL 3 DAY + to_seconds(range) AS iv, ('\\xAA'::BLOB || range::VARCHAR::BLOB) AS bl,
                    TIMESTAMPTZ '2024-01-01 10:00:00+02' + to_seconds(range) AS tz, NULL AS n,
                    (range / 3)::DECIMAL(38, 10) AS dec, CASE WHEN range % 2 = 0 THEN 'even' END AS maybe
             FROM range(4500)"""
    path = tmp_path / "odd.parquet"
    assert ExportJob(database, sql, path, "parquet").run() == 4500
    scratch = duckdb.connect()
    expected = scratch.execute(sql + " ORDER BY id").fetchall()
    back = scratch.execute(f"SELECT * FROM '{path}' ORDER BY id").fetchall()
    assert back == expected
    assert back[4001][:4] == (4001, [4001, None], {"a": 4001, "b": "x4001"}, {"k": 4001})
