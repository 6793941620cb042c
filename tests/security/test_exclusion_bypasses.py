"""Reads of a hidden (`--exclude-column`) column found by an adversarial review, now refused.

1. The whole row through a table alias that equals a *visible* column name of another table in
   the query: `SELECT amount FROM customers AS amount WHERE EXISTS (SELECT 1 FROM orders)`. Both
   layers (`tools.guard.hidden`, `tools.databases.duckdb.cross_check`) skipped a row name found among the columns
   of any table in the query; now only a column of the reading SELECT's own FROM items counts
   (both engines bind a name to such a column before a row of that name; past that level DuckDB
   takes an inner row over an outer column, PostgreSQL the other way round).
2. (sqlglot layer only; DuckDB's cross-check caught it) PIVOT/UNPIVOT on a CTE or subquery in
   FROM: the names the source output before the UNPIVOT were counted as certain outputs.
"""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest

from tests.helpers import run_cli, run_sql_reply, text_reply
from tests.pg_env import PgEnv
from tests.security.test_exclude_column import HIDDEN_CATALOG, PG_HIDDEN_CATALOG
from tools.databases.duckdb.cross_check import duckdb_cross_check
from tools.guard import check_sql

# --- 1. the whole row through an alias named like another table's column -----------------------

# _shop(): customers(customer_id, name, email [hidden], segment, info), orders(order_id,
# customer_id, contact, amount), staff(staff_id, email, customer_id).
ROW_BY_VISIBLE_NAME = [
    "SELECT amount FROM customers AS amount WHERE EXISTS (SELECT 1 FROM orders)",
    "SELECT (SELECT max(amount) FROM orders) AS m, amount FROM customers amount",
    "SELECT to_json(contact) AS j FROM customers AS contact WHERE EXISTS (SELECT 1 FROM orders)",
    "SELECT staff_id FROM customers AS staff_id WHERE EXISTS (SELECT 1 FROM staff)",
]


@pytest.mark.parametrize("sql", ROW_BY_VISIBLE_NAME)
def test_row_alias_named_like_another_tables_column_is_refused_by_the_guard(sql: str) -> None:
    for catalog, dialect in ((HIDDEN_CATALOG, "duckdb"), (PG_HIDDEN_CATALOG, "postgres")):
        verdict = check_sql(sql, catalog, dialect)
        assert not verdict.ok, (dialect, sql)


@pytest.mark.parametrize("sql", ROW_BY_VISIBLE_NAME)
def test_row_alias_named_like_another_tables_column_is_refused_by_duckdb_cross_check(sql: str) -> None:
    verdict = check_sql(sql, HIDDEN_CATALOG, "duckdb")
    assert duckdb_cross_check(verdict.sql or sql, HIDDEN_CATALOG), sql


def _ask(capsys: Any, db: str, sql: str, tmp_path: Path, *flags: str) -> Any:
    script = tmp_path / "script.jsonl"
    script.write_text(
        "".join(json.dumps(r) + "\n" for r in (run_sql_reply(sql), text_reply("Done."), text_reply("Done.")))
    )
    return run_cli(
        ["ask", "q", "--db", db, "--model", f"scripted:{script}", "--approve", "auto", "--format", "json", *flags],
        capsys,
    )


def test_duckdb_sample_row_alias_does_not_return_hidden_emails(capsys, sample_db: Path, tmp_path: Path) -> None:
    # `status` is a column of orders, not of customers: in the outer SELECT it is the customers row
    sql = "SELECT (SELECT max(order_id) FROM orders) AS m, status FROM customers AS status LIMIT 3"
    result = _ask(capsys, str(sample_db), sql, tmp_path, "--exclude-column", "customers.email")
    assert "@example." not in result.out  # today: {'email': 'kenji.scott.1@example.com', ...}
    assert result.json()["rows"] == []  # refused: the scripted model then gives up without a query


def test_duckdb_sample_row_alias_is_refused_by_check(capsys, monkeypatch, sample_db: Path) -> None:
    checked = run_cli(
        ["check", "--db", str(sample_db), "--exclude-column", "customers.email", "-"],
        capsys,
        stdin=io.StringIO("SELECT to_json(status) AS j FROM customers AS status WHERE EXISTS (SELECT 1 FROM orders)\n"),
        monkeypatch=monkeypatch,
    )
    assert checked.code == 1 and json.loads(checked.out)["ok"] is False


def _url(pg: PgEnv) -> str:
    from psycopg.conninfo import conninfo_to_dict

    params = conninfo_to_dict(pg.admin_dsn)
    return f"postgresql://{pg.roles['ro']}@{params.get('host', '127.0.0.1')}:{params.get('port', '5432')}/{pg.dbname}"


def test_postgres_row_alias_does_not_return_the_hidden_column(pg: PgEnv, capsys, tmp_path: Path) -> None:
    # pg_env: customers(customer_id, name, segment, country), orders(..., status, ...); hide segment
    sql = "SELECT (SELECT count(*) FROM orders) AS n, row_to_json(status) AS r FROM customers AS status LIMIT 3"
    result = _ask(capsys, _url(pg), sql, tmp_path, "--exclude-column", "customers.segment")
    assert '"segment"' not in result.out  # today: {"customer_id":1,"name":"customer 1","segment":"smb",...}
    assert result.json()["rows"] == []  # refused: the scripted model then gives up without a query


# --- 1b. the same through a column-alias list that renames the other table's column away ---------
# `orders AS o(a, b, c, d)`: orders no longer has `contact`/`amount`, so the bare name is the
# customers row on both engines (found by a second review; both layers counted catalog columns).

ROW_BY_RENAMED_COLUMN = [
    "SELECT to_json(contact) AS j FROM customers AS contact, orders AS o(a, b, c, d) LIMIT 1",
    "SELECT contact.name, contact AS r FROM customers AS contact, orders AS o(a, b, c, d)",
    "SELECT amount FROM customers AS amount, orders AS o(w, x, y, z)",
    "SELECT amount FROM customers AS amount, orders PIVOT (count(*) FOR contact IN ('a'))",
]


@pytest.mark.parametrize("sql", ROW_BY_RENAMED_COLUMN)
def test_row_alias_named_like_a_renamed_column_is_refused_by_both_layers(sql: str) -> None:
    for catalog, dialect in ((HIDDEN_CATALOG, "duckdb"), (PG_HIDDEN_CATALOG, "postgres")):
        assert not check_sql(sql, catalog, dialect).ok, (dialect, sql)
    assert duckdb_cross_check(sql, HIDDEN_CATALOG), sql


def test_a_table_keeping_its_column_names_still_lets_the_column_through() -> None:
    sql = "SELECT amount FROM customers AS amount, orders AS o"  # `amount` is orders.amount here
    assert check_sql(sql, HIDDEN_CATALOG, "duckdb").ok and not duckdb_cross_check(sql, HIDDEN_CATALOG)


def test_duckdb_sample_renamed_column_does_not_return_hidden_emails(capsys, sample_db: Path, tmp_path: Path) -> None:
    sql = "SELECT to_json(status) AS j FROM customers AS status, orders AS o(a, b, c, d, e, f, g, h, i) LIMIT 1"
    result = _ask(capsys, str(sample_db), sql, tmp_path, "--exclude-column", "customers.email")
    assert "@example." not in result.out and result.json()["rows"] == []


def test_postgres_renamed_column_does_not_return_the_hidden_column(pg: PgEnv, capsys, tmp_path: Path) -> None:
    sql = "SELECT row_to_json(status) AS r FROM customers AS status, orders AS o(a, b, c, d) LIMIT 3"
    result = _ask(capsys, _url(pg), sql, tmp_path, "--exclude-column", "customers.segment")
    assert '"segment"' not in result.out and result.json()["rows"] == []


# --- 2. sqlglot layer: UNPIVOT/PIVOT on a CTE or subquery hides that `email` is not its column ----

UNPIVOT_SOURCE = [
    "WITH t AS (SELECT 'x' AS email, 'y' AS q) "
    "SELECT c.customer_id, (SELECT email FROM t UNPIVOT (v FOR k IN (COLUMNS(*))) AS u LIMIT 1) AS e FROM customers c",
    "SELECT c.customer_id, (SELECT email FROM (SELECT 'x' AS email, 'y' AS q) UNPIVOT (v FOR k IN (COLUMNS(*))) AS u LIMIT 1) AS e "
    "FROM customers c",
]


@pytest.mark.parametrize("sql", UNPIVOT_SOURCE)
def test_unpivot_over_a_cte_does_not_bind_the_hidden_name_in_the_sqlglot_guard(sql: str) -> None:
    verdict = check_sql(sql, HIDDEN_CATALOG, "duckdb")  # no cross-check: the guard's own answer
    assert not verdict.ok, sql


@pytest.mark.parametrize("sql", UNPIVOT_SOURCE)
def test_unpivot_over_a_cte_is_refused_by_duckdb_cross_check(sql: str) -> None:
    verdict = check_sql(sql, HIDDEN_CATALOG, "duckdb")
    assert duckdb_cross_check(verdict.sql or sql, HIDDEN_CATALOG), sql


# --- the binding rule behind 1, both ways ----------------------------------------------------------

ROW_OR_COLUMN = [
    # a column of a table in the own FROM wins over the row alias in both engines: allowed
    ("SELECT amount FROM customers AS amount, orders", True),
    ("SELECT amount FROM customers AS amount JOIN orders o ON o.customer_id = amount.customer_id", True),
    # the column is only in an outer query: DuckDB binds the inner row first: refused
    ("SELECT (SELECT amount FROM customers AS amount LIMIT 1) AS a FROM orders", False),
    # a CTE in the own FROM that outputs the name: allowed
    ("WITH t AS (SELECT 1 AS amount) SELECT amount FROM customers AS amount, t", True),
]


@pytest.mark.parametrize("sql,allowed", ROW_OR_COLUMN)
def test_a_row_name_is_a_column_only_when_its_own_from_has_that_column(sql: str, allowed: bool) -> None:
    verdict = check_sql(sql, HIDDEN_CATALOG, "duckdb")
    assert verdict.ok is allowed, (sql, verdict.problems)
    if allowed:
        assert duckdb_cross_check(verdict.sql or sql, HIDDEN_CATALOG) == [], sql
    pg = check_sql(sql, PG_HIDDEN_CATALOG, "postgres")
    assert pg.ok is allowed, (sql, pg.problems)


def test_postgres_quoted_row_alias_is_not_taken_for_a_lower_case_column() -> None:
    # PostgreSQL: "Amount" is not the column amount, so it is the row of customers AS "Amount"
    verdict = check_sql('SELECT "Amount" FROM customers AS "Amount", orders', PG_HIDDEN_CATALOG, "postgres")
    assert not verdict.ok


def test_duckdb_engine_agrees_inner_row_beats_outer_column(sample_db: Path) -> None:
    import duckdb

    con = duckdb.connect(str(sample_db), read_only=True)
    try:  # the engine fact the rule relies on: here `status` is the customers row, not orders.status
        value = con.execute("SELECT (SELECT status FROM customers AS status LIMIT 1) FROM orders LIMIT 1").fetchone()[0]
    finally:
        con.close()
    assert isinstance(value, dict) and "email" in value


# --- ORDER BY ALL sorts by the select list: allowed; COLUMNS(*) or * there expands the table ------


def test_order_by_all_is_allowed_on_a_table_with_hidden_columns(capsys, sample_db: Path, tmp_path: Path) -> None:
    sql = "SELECT segment, count(*) AS n FROM customers GROUP BY ALL ORDER BY ALL"
    assert check_sql(sql, HIDDEN_CATALOG, "duckdb").ok and not duckdb_cross_check(sql, HIDDEN_CATALOG)
    result = _ask(capsys, str(sample_db), sql, tmp_path, "--exclude-column", "customers.email")
    rows = result.json()["rows"]
    assert result.code == 0 and rows and rows == sorted(rows)


@pytest.mark.parametrize(
    "sql", ["SELECT name FROM customers ORDER BY COLUMNS(*)", "SELECT name FROM customers ORDER BY *"]
)
def test_a_star_in_order_by_is_still_refused_by_both_layers(sql: str) -> None:
    assert not check_sql(sql, HIDDEN_CATALOG, "duckdb").ok and duckdb_cross_check(sql, HIDDEN_CATALOG)
