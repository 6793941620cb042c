"""Exclusions, continued: a pattern that matches nothing is warned about (a typo would leave the
data exposed), and a CTE or subquery column that merely shares a hidden column's name is not
refused — while the hidden column stays unreachable through CTEs, subqueries, `*` and aliases.

Checked with the real guard (sqlglot), DuckDB's own parser (the cross-check), the CLI on the
sample database, and the real PostgreSQL server.
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
from tools.catalog import unmatched_exclusions
from tools.databases.duckdb.cross_check import duckdb_cross_check
from tools.guard import check_sql

# --- patterns that match nothing ---------------------------------------------------------------


def _warnings(err: str) -> list[str]:
    return [line for line in err.splitlines() if line.startswith("analyst: warning: ")]


def test_unmatched_patterns_are_found_against_every_relation() -> None:
    relations = [("main", "customers", ["customer_id", "email"]), ("main", "orders", ["order_id"])]
    assert unmatched_exclusions(
        relations, ("customers", "secretz", "ORD*"), ("customers.emial", "*.email", "orders.*", "zz.*")
    ) == (
        ("--exclude-table", "secretz"),
        ("--exclude-column", "customers.emial"),
        ("--exclude-column", "zz.*"),
    )
    assert unmatched_exclusions(relations, (), ()) == ()


def test_schema_warns_once_per_pattern_that_matches_nothing(capsys, sample_db: Path) -> None:
    result = run_cli(
        [
            "schema",
            "--db",
            str(sample_db),
            "--format",
            "json",
            "--exclude-column",
            "customers.emial",
            "--exclude-column",
            "customers.email",
            "--exclude-table",
            "secretz",
            "--exclude-table",
            "returns",
        ],
        capsys,
    )
    assert result.code == 0, result.err
    assert _warnings(result.err) == [
        f"analyst: warning: --exclude-table 'secretz' matches no table in {sample_db}",
        f"analyst: warning: --exclude-column 'customers.emial' matches no column in {sample_db}",
    ]
    tables = {t["name"]: [c["name"] for c in t["columns"]] for t in result.json()["tables"]}
    assert "main.returns" not in tables and "email" not in tables["main.customers"]  # the others still apply


def test_patterns_that_match_give_no_warning(capsys, sample_db: Path) -> None:
    # a column pattern inside an excluded table matched something: it is no typo
    result = run_cli(
        [
            "schema",
            "--db",
            str(sample_db),
            "--exclude-table",
            "cust*",
            "--exclude-column",
            "customers.email",
            "--exclude-column",
            "*.*_email",
            "--exclude-column",
            "EMAIL",
        ],
        capsys,
    )
    assert result.code == 0, result.err
    assert _warnings(result.err) == []
    assert _warnings(run_cli(["schema", "--db", str(sample_db)], capsys).err) == []


def test_check_and_ask_warn_before_anything_runs(capsys, monkeypatch, sample_db: Path, tmp_path: Path) -> None:
    checked = run_cli(
        ["check", "--db", str(sample_db), "--exclude-column", "customer.email", "-"],
        capsys,
        stdin=io.StringIO("SELECT first_name FROM customers\n"),
        monkeypatch=monkeypatch,
    )
    assert checked.code == 0 and json.loads(checked.out)["ok"] is True
    assert _warnings(checked.err) == [
        f"analyst: warning: --exclude-column 'customer.email' matches no column in {sample_db}"
    ]
    script = tmp_path / "script.jsonl"
    script.write_text(
        "".join(
            json.dumps(r) + "\n"
            for r in (
                run_sql_reply("SELECT count(*) AS n FROM customers"),
                text_reply("Counted."),
                text_reply("Counted."),
            )
        )
    )
    asked = run_cli(
        [
            "ask",
            "How many?",
            "--db",
            str(sample_db),
            "--model",
            f"scripted:{script}",
            "--approve",
            "auto",
            "--format",
            "json",
            "--exclude-column",
            "customers.e-mail",
        ],
        capsys,
    )
    assert asked.code == 0, asked.err
    assert _warnings(asked.err) == [
        f"analyst: warning: --exclude-column 'customers.e-mail' matches no column in {sample_db}"
    ]
    assert asked.err.index("analyst: warning:") == 0  # said before the run's progress


def test_postgres_warns_for_a_pattern_that_matches_nothing(pg: PgEnv, capsys) -> None:
    from tools.databases.postgres import redact_dsn

    result = run_cli(
        ["schema", "--db", _url(pg), "--exclude-column", "customers.segmnt", "--exclude-column", "customers.segment"],
        capsys,
    )
    assert result.code == 0, result.err
    assert _warnings(result.err) == [
        f"analyst: warning: --exclude-column 'customers.segmnt' matches no column in {redact_dsn(_url(pg))}"
    ]
    assert "segment" not in result.out.split("customers", 1)[1].split("\n\n", 1)[0]  # the matching one still hides


def _url(pg: PgEnv) -> str:
    from psycopg.conninfo import conninfo_to_dict

    params = conninfo_to_dict(pg.admin_dsn)
    return f"postgresql://{pg.roles['ro']}@{params.get('host', '127.0.0.1')}:{params.get('port', '5432')}/{pg.dbname}"


# --- a CTE or subquery column named like a hidden one ------------------------------------------

# customers.email is hidden; customers has name, segment; orders has contact.
NOT_HIDDEN = [
    "WITH t AS (SELECT name AS email FROM customers) SELECT email FROM t",
    "WITH t(email) AS (SELECT name FROM customers) SELECT email FROM t",
    "SELECT email FROM (SELECT name AS email FROM customers) s",
    "WITH t AS (SELECT name AS email FROM customers) SELECT email, count(*) FROM t WHERE email LIKE 'c%' GROUP BY email ORDER BY email",
    "WITH t AS (SELECT contact AS email FROM orders), c AS (SELECT customer_id FROM customers) SELECT email FROM t, c",
    "WITH t AS (SELECT contact AS email FROM orders) SELECT email FROM t WHERE EXISTS (SELECT 1 FROM customers)",
    "WITH t AS (SELECT name AS email FROM customers) SELECT email FROM t WHERE email IN (SELECT email FROM t)",
    "SELECT (WITH t AS (SELECT 'x' AS email) SELECT email FROM t) FROM customers",
]

STILL_HIDDEN = [
    "WITH t AS (SELECT email FROM customers) SELECT email FROM t",
    "WITH t AS (SELECT * FROM customers) SELECT email FROM t",
    "WITH t AS (SELECT customer_id FROM customers) SELECT email FROM t",
    "WITH t AS (SELECT c.email AS e FROM customers c) SELECT e FROM t",
    "SELECT email FROM (SELECT * FROM customers) s",
    "SELECT email FROM (SELECT customer_id FROM customers) s",
    # the name would bind to customers itself, or the ambiguity error would confirm the column
    "WITH t AS (SELECT name AS email FROM customers) SELECT email FROM t, customers",
    "WITH t AS (SELECT name AS email FROM customers) SELECT email FROM t JOIN customers c ON true",
    "WITH t2 AS (SELECT 1 AS email), t AS (SELECT 2 AS x) SELECT email FROM t2, (t JOIN customers c ON true)",
    # correlated: the subquery has no `email`, so it reads the outer customers.email
    "SELECT (SELECT email FROM orders LIMIT 1) FROM customers",
    "WITH t AS (SELECT order_id FROM orders) SELECT (SELECT email FROM t LIMIT 1) FROM customers",
    "WITH t AS (SELECT name AS email FROM customers) SELECT email FROM t WHERE EXISTS (SELECT 1 FROM customers c WHERE c.name = email)",
    # the column list renames `email` away: nothing named email is left in t
    "WITH t(a) AS (SELECT name AS email, segment FROM customers) SELECT email FROM t",
    "WITH t AS (SELECT name AS email FROM customers) SELECT email FROM t AS x(a)",
    "WITH t AS (SELECT name AS x FROM customers) SELECT email FROM t",
    "WITH t AS (SELECT name AS email FROM customers) SELECT email FROM t UNION ALL SELECT email FROM customers",
    "SELECT email FROM customers c, LATERAL (SELECT name AS email) s",
]


@pytest.mark.parametrize("sql", NOT_HIDDEN)
def test_cte_and_subquery_columns_named_like_a_hidden_one_pass(sql: str) -> None:
    for catalog, dialect in ((HIDDEN_CATALOG, "duckdb"), (PG_HIDDEN_CATALOG, "postgres")):
        verdict = check_sql(sql, catalog, dialect)
        assert verdict.ok, (dialect, sql, verdict.problems)
    verdict = check_sql(sql, HIDDEN_CATALOG, "duckdb")
    assert duckdb_cross_check(verdict.sql or "", HIDDEN_CATALOG) == [], sql  # DuckDB's parser agrees


@pytest.mark.parametrize("sql", STILL_HIDDEN)
def test_the_hidden_column_stays_unreachable(sql: str) -> None:
    for catalog, dialect in ((HIDDEN_CATALOG, "duckdb"), (PG_HIDDEN_CATALOG, "postgres")):
        if dialect == "postgres" and "LATERAL (SELECT name" in sql:
            sql = sql.replace("customers c, LATERAL", "customers c CROSS JOIN LATERAL")
        verdict = check_sql(sql, catalog, dialect)
        assert not verdict.ok, (dialect, sql)
    assert duckdb_cross_check(sql, HIDDEN_CATALOG), sql  # and DuckDB's parser refuses it on its own


def _ask(capsys, db: str, sql: str, tmp_path: Path, *flags: str) -> Any:
    script = tmp_path / "script.jsonl"
    script.write_text(
        "".join(json.dumps(r) + "\n" for r in (run_sql_reply(sql), text_reply("Done."), text_reply("Done.")))
    )
    return run_cli(
        ["ask", "q", "--db", db, "--model", f"scripted:{script}", "--approve", "auto", "--format", "json", *flags],
        capsys,
    )


def test_duckdb_runs_the_cte_query_and_returns_the_cte_values(
    capsys, monkeypatch, sample_db: Path, tmp_path: Path
) -> None:
    sql = "WITH t AS (SELECT first_name AS email FROM customers) SELECT email FROM t ORDER BY email LIMIT 3"
    result = _ask(capsys, str(sample_db), sql, tmp_path, "--exclude-column", "customers.email")
    assert result.code == 0, result.err
    data = result.json()
    assert data["status"] == "answered" and data["columns"][0]["name"] == "email"
    values = [row[0] for row in data["rows"]]
    assert values and all("@" not in v for v in values)  # first names, not e-mail addresses
    import duckdb

    con = duckdb.connect(str(sample_db), read_only=True)
    try:
        expected = [
            r[0] for r in con.execute("SELECT first_name FROM customers ORDER BY first_name LIMIT 3").fetchall()
        ]
    finally:
        con.close()
    assert values == expected
    refused = run_cli(
        ["check", "--db", str(sample_db), "--exclude-column", "customers.email", "-"],
        capsys,
        stdin=io.StringIO("WITH t AS (SELECT first_name AS email FROM customers) SELECT email FROM t, customers\n"),
        monkeypatch=monkeypatch,
    )
    assert refused.code == 1 and json.loads(refused.out)["ok"] is False


def test_postgres_runs_the_cte_query_and_refuses_the_hidden_read(
    pg: PgEnv, capsys, monkeypatch, tmp_path: Path
) -> None:
    sql = "WITH t AS (SELECT c.name AS segment FROM customers c) SELECT segment FROM t ORDER BY segment LIMIT 2"
    result = _ask(capsys, _url(pg), sql, tmp_path, "--exclude-column", "customers.segment")
    assert result.code == 0, result.err
    data = result.json()
    assert data["status"] == "answered"
    assert [row[0] for row in data["rows"]] == ["customer 1", "customer 10"]
    for leak in (
        "WITH t AS (SELECT c.name AS segment FROM customers c) SELECT segment FROM t, customers",
        "SELECT (SELECT segment FROM orders LIMIT 1) FROM customers",
        "WITH t AS (SELECT * FROM customers) SELECT segment FROM t",
    ):
        checked = run_cli(
            ["check", "--db", _url(pg), "--exclude-column", "customers.segment", "-"],
            capsys,
            stdin=io.StringIO(leak + "\n"),
            monkeypatch=monkeypatch,
        )
        assert checked.code == 1 and json.loads(checked.out)["ok"] is False, leak


def test_a_pattern_from_config_toml_is_named_as_coming_from_there(capsys, sample_db: Path, analyst_home: Path) -> None:
    analyst_home.mkdir(parents=True, exist_ok=True)
    config = analyst_home / "config.toml"
    config.write_text('exclude_columns = ["customers.emial"]\n')
    shown = run_cli(["schema", "--db", str(sample_db)], capsys)
    assert _warnings(shown.err) == [
        f"analyst: warning: exclude_columns in {config}: 'customers.emial' matches no column in {sample_db}"
    ]
