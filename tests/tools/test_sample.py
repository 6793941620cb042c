"""The bundled sample database: deterministic, cached, documented, and with keys that hold."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from tools.sample import SAMPLE_SQL_NAME, sample_database, sample_sql

EXPECTED_ROWS = {
    "regions": (3, 3),
    "stores": (8, 8),
    "salespeople": (15, 15),
    "suppliers": (8, 8),
    "categories": (8, 8),
    "products": (60, 60),
    "customers": (200, 200),
    "orders": (900, 1300),
    "order_items": (2500, 3500),
    "returns": (100, 350),
}

EXPECTED_FOREIGN_KEYS = {
    ("stores", ("region_id",), "regions"),
    ("salespeople", ("store_id",), "stores"),
    ("salespeople", ("manager_id",), "salespeople"),
    ("products", ("category_id",), "categories"),
    ("products", ("supplier_id",), "suppliers"),
    ("customers", ("home_store_id",), "stores"),
    ("orders", ("customer_id",), "customers"),
    ("orders", ("store_id",), "stores"),
    ("orders", ("salesperson_id",), "salespeople"),
    ("order_items", ("order_id",), "orders"),
    ("order_items", ("product_id",), "products"),
    ("returns", ("order_id", "line_number"), "order_items"),
}


@pytest.fixture(scope="module")
def db_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return sample_database(tmp_path_factory.mktemp("cache"))


@pytest.fixture()
def con(db_path: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    connection = duckdb.connect(str(db_path), read_only=True)
    try:
        yield connection
    finally:
        connection.close()


def _rows(con: duckdb.DuckDBPyConnection, sql: str) -> list[tuple]:
    # DuckDB 2.0 blocks a connection while a result is only partly fetched, so always fetch all.
    return con.execute(sql).fetchall()


def _tables(con: duckdb.DuckDBPyConnection) -> list[str]:
    rows = _rows(
        con,
        "SELECT table_name FROM duckdb_tables() WHERE database_name = current_database() "
        "AND schema_name = 'main' ORDER BY table_name",
    )
    return [name for (name,) in rows]


def _checksum(path: Path) -> dict[str, str]:
    connection = duckdb.connect(str(path), read_only=True)
    try:
        return {
            table: hashlib.sha256(repr(_rows(connection, f'SELECT * FROM "{table}" ORDER BY ALL')).encode()).hexdigest()
            for table in _tables(connection)
        }
    finally:
        connection.close()


def test_sql_ships_with_the_package_and_avoids_randomness() -> None:
    sql = sample_sql()
    code = re.sub(r"--[^\n]*", "", sql)
    assert SAMPLE_SQL_NAME == "sample_sales.sql"
    assert "CREATE TABLE orders" in sql
    assert not re.search(r"\b(random|setseed|hash|uuid|gen_random_uuid|now|current_date)\s*\(", code, re.I)
    assert "TIMESTAMPTZ" not in sql.upper() and "WITH TIME ZONE" not in sql.upper()


def test_build_is_cached_and_reused(tmp_path: Path) -> None:
    first = sample_database(tmp_path)
    assert first.parent == tmp_path / "sample"
    assert re.fullmatch(r"sample-[0-9a-f]{12}\.duckdb", first.name)
    mtime = first.stat().st_mtime_ns
    second = sample_database(tmp_path)
    assert second == first
    assert second.stat().st_mtime_ns == mtime
    # Only the finished file remains: no temporary build or WAL files.
    assert sorted(p.name for p in first.parent.iterdir()) == [first.name]


def test_separate_builds_have_identical_content(tmp_path: Path, db_path: Path) -> None:
    other = sample_database(tmp_path / "other")
    assert other.name == db_path.name
    assert _checksum(other) == _checksum(db_path)


def test_racing_builds_end_with_one_complete_file(tmp_path: Path) -> None:
    with ThreadPoolExecutor(max_workers=3) as pool:
        paths = list(pool.map(lambda _: sample_database(tmp_path), range(3)))
    assert len(set(paths)) == 1
    assert sorted(p.name for p in paths[0].parent.iterdir()) == [paths[0].name]
    connection = duckdb.connect(str(paths[0]), read_only=True)
    try:
        assert _rows(connection, "SELECT count(*) FROM orders")[0][0] > 0
    finally:
        connection.close()


def test_tables_and_row_counts(con: duckdb.DuckDBPyConnection) -> None:
    assert set(_tables(con)) == set(EXPECTED_ROWS)
    assert not _rows(con, "SELECT table_name FROM duckdb_tables() WHERE temporary")
    for table, (low, high) in EXPECTED_ROWS.items():
        (count,) = _rows(con, f"SELECT count(*) FROM {table}")[0]
        assert low <= count <= high, (table, count)


def test_every_table_has_a_primary_key(con: duckdb.DuckDBPyConnection) -> None:
    rows = _rows(
        con,
        "SELECT DISTINCT table_name FROM duckdb_constraints() "
        "WHERE database_name = current_database() AND schema_name = 'main' "
        "AND constraint_type = 'PRIMARY KEY'",
    )
    assert {name for (name,) in rows} == set(EXPECTED_ROWS)


def _foreign_keys(con: duckdb.DuckDBPyConnection) -> list[tuple[str, tuple[str, ...], str, tuple[str, ...]]]:
    rows = _rows(
        con,
        "SELECT table_name, constraint_column_names, referenced_table, referenced_column_names "
        "FROM duckdb_constraints() WHERE database_name = current_database() AND schema_name = 'main' "
        "AND constraint_type = 'FOREIGN KEY'",
    )
    return [(table, tuple(cols), ref, tuple(ref_cols)) for table, cols, ref, ref_cols in rows]


def test_foreign_keys_are_declared(con: duckdb.DuckDBPyConnection) -> None:
    declared = {(table, cols, ref) for table, cols, ref, _ in _foreign_keys(con)}
    assert declared == EXPECTED_FOREIGN_KEYS


def test_foreign_keys_hold(con: duckdb.DuckDBPyConnection) -> None:
    for table, cols, ref, ref_cols in _foreign_keys(con):
        match = " AND ".join(f"p.{rc} = c.{cc}" for cc, rc in zip(cols, ref_cols))
        present = " AND ".join(f"c.{cc} IS NOT NULL" for cc in cols)
        sql = f"SELECT count(*) FROM {table} c WHERE {present} AND NOT EXISTS (SELECT 1 FROM {ref} p WHERE {match})"
        assert _rows(con, sql)[0][0] == 0, (table, cols, ref)


def test_tables_and_columns_are_commented(con: duckdb.DuckDBPyConnection) -> None:
    uncommented = _rows(
        con,
        "SELECT table_name FROM duckdb_tables() WHERE database_name = current_database() "
        "AND schema_name = 'main' "
        "AND coalesce(comment, '') = ''",
    )
    assert uncommented == []
    per_table = _rows(
        con,
        "SELECT table_name, count(*), count(comment) FILTER (WHERE comment <> '') "
        "FROM duckdb_columns() WHERE database_name = current_database() AND schema_name = 'main' "
        "AND NOT internal GROUP BY ALL",
    )
    total = sum(n for _, n, _ in per_table)
    commented = sum(c for _, _, c in per_table)
    assert commented / total >= 0.85
    for table, n, c in per_table:
        assert c >= n / 2, table


def test_values_are_consistent(con: duckdb.DuckDBPyConnection) -> None:
    (low, high) = _rows(con, "SELECT min(order_date), max(order_date) FROM orders")[0]
    assert (str(low), str(high)) == ("2023-01-01", "2025-12-31")
    assert {s for (s,) in _rows(con, "SELECT DISTINCT status FROM orders")} == {"completed", "returned", "cancelled"}
    assert {c for (c,) in _rows(con, "SELECT DISTINCT channel FROM orders")} == {"in_store", "online", "phone"}
    checks = {
        "online orders have no salesperson": "SELECT count(*) FROM orders WHERE (channel = 'online') <> (salesperson_id IS NULL)",
        "no sales before hire or at another store": "SELECT count(*) FROM orders o JOIN salespeople s USING (salesperson_id) "
        "WHERE o.order_date < s.hire_date OR o.store_id <> s.store_id",
        "no sales before store opened": "SELECT count(*) FROM orders o JOIN stores s USING (store_id) WHERE o.order_date < s.opened_on",
        "products on sale": "SELECT count(*) FROM order_items i JOIN orders o USING (order_id) JOIN products p USING (product_id) "
        "WHERE o.order_date < p.launched_on OR o.order_date > p.discontinued_on",
        "orders after signup": "SELECT count(*) FROM orders o JOIN customers c USING (customer_id) WHERE o.order_date < c.signup_date",
        "line totals": "SELECT count(*) FROM order_items "
        "WHERE line_total <> round(quantity * unit_price * (100 - discount_pct) * 0.01, 2)",  # exact DECIMAL: / would be a DOUBLE
        "returns only for returned orders": "SELECT count(*) FROM returns r JOIN orders o USING (order_id) "
        "WHERE o.status <> 'returned' OR r.returned_on <= o.order_date",
        "returned orders have returns": "SELECT count(*) FROM orders o WHERE status = 'returned' "
        "AND NOT EXISTS (SELECT 1 FROM returns r WHERE r.order_id = o.order_id)",
    }
    for name, sql in checks.items():
        assert _rows(con, sql)[0][0] == 0, name


def test_top_customer_by_spend_is_clear(con: duckdb.DuckDBPyConnection) -> None:
    rows = _rows(
        con,
        """
        SELECT c.customer_id, coalesce(c.company_name, c.first_name || ' ' || c.last_name) AS name,
               sum(i.line_total) AS spent
        FROM customers c
        JOIN orders o USING (customer_id)
        JOIN order_items i USING (order_id)
        WHERE o.status = 'completed'
        GROUP BY ALL
        ORDER BY spent DESC
        LIMIT 2
    """,
    )
    (top_id, top_name, top_spent), (_, _, second_spent) = rows
    assert top_spent > second_spent * Decimal("1.2")
    assert top_name == "Silverline Dental Inc." and top_id == 93
