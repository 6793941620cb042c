"""`--exclude-column TABLE.COLUMN`: the same guarantees as excluded tables, for columns — never
retrieved, never shown to the model, and any query that touches them is refused."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import duckdb
import pytest

from tests.helpers import run_cli
from tests.pg_env import PgEnv
from tools.catalog import (
    Catalog,
    Column,
    Context,
    ForeignKey,
    JoinHint,
    Table,
    column_excluded,
    scrub_hidden,
    without_columns,
)
from tools.databases.base import Limits, QueryError, QueryResult
from tools.databases.duckdb.cross_check import duckdb_cross_check
from tools.guard import Verdict, check_sql

# --- patterns and the catalog -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("pattern", "hidden"),
    [
        ("customers.email", True),
        ("CUSTOMERS.EMAIL", True),
        ("main.customers.email", True),
        ("Main.Customers.Email", True),
        ("*.email", True),
        ("customers.*mail", True),
        ("cust*.e?ail", True),
        ("email", True),  # a bare column name hides it in every table
        ("*.*.email", True),
        ("customers.*", True),
        ("staging.customers.email", False),
        ("customers_archive.email", False),
        ("customers.email_verified", False),
        ("orders.email", False),
        ("customers", False),
    ],
)
def test_column_patterns(pattern: str, hidden: bool) -> None:
    assert column_excluded("main", "customers", "email", (pattern,)) is hidden


def _shop(dialect: str = "duckdb", schema: str = "main") -> Catalog:
    customers = Table(
        schema,
        "customers",
        (
            Column("customer_id", "INTEGER"),
            Column("name", "VARCHAR"),
            Column("email", "VARCHAR", comment="login", samples=("a@x.io",)),
            Column("segment", "VARCHAR", samples=("smb", "consumer")),
            Column("info", "STRUCT(tier VARCHAR, email VARCHAR)"),
        ),
        primary_key=("customer_id",),
    )
    orders = Table(
        schema,
        "orders",
        (
            Column("order_id", "INTEGER"),
            Column("customer_id", "INTEGER"),
            Column("contact", "VARCHAR"),
            Column("amount", "DECIMAL(10,2)"),
        ),
        primary_key=("order_id",),
        foreign_keys=(
            ForeignKey(("customer_id",), f"{schema}.customers", ("customer_id",)),
            ForeignKey(("contact",), f"{schema}.customers", ("email",)),
        ),
    )
    staff = Table(
        schema, "staff", (Column("staff_id", "INTEGER"), Column("email", "VARCHAR"), Column("customer_id", "INTEGER"))
    )
    context = Context(
        column_descriptions={"customers.email": "the login e-mail", "customers.name": "full name"},
        join_hints=(
            JoinHint(f"{schema}.staff.email", f"{schema}.customers.email", "context"),
            JoinHint(f"{schema}.staff.customer_id", f"{schema}.customers.customer_id", "context"),
        ),
    )
    return Catalog(dialect, (customers, orders, staff), context, default_schema=schema)


def test_without_columns_drops_the_column_and_everything_that_names_it() -> None:
    catalog = without_columns(_shop(), ("customers.email",))
    customers, orders, staff = catalog.tables
    assert [c.name for c in customers.columns] == ["customer_id", "name", "segment", "info"]
    assert customers.hidden_columns == ("email",)
    assert customers.primary_key == ("customer_id",)
    assert [fk.ref_columns for fk in orders.foreign_keys] == [("customer_id",)]  # the email FK went
    assert staff.column("email") is not None and not staff.hidden_columns  # other tables keep theirs
    assert "customers.email" not in catalog.context.column_descriptions
    rendered = " ".join(h.render() for h in catalog.join_hints())
    assert "customers.email" not in rendered and "staff.customer_id" in rendered
    # Applying it again changes nothing.
    assert without_columns(catalog, ("customers.email",)) == catalog


def test_a_hidden_key_column_drops_the_key() -> None:
    catalog = without_columns(_shop(), ("customers.customer_id",))
    customers, orders, _ = catalog.tables
    assert customers.primary_key == () and customers.hidden_columns == ("customer_id",)
    assert all("customer_id" not in fk.ref_columns for fk in orders.foreign_keys)


# --- the guard ----------------------------------------------------------------------------------

HIDDEN_CATALOG = without_columns(_shop(), ("customers.email",))
PG_HIDDEN_CATALOG = without_columns(_shop("postgres", "public"), ("customers.email",))

REFUSED = [
    "SELECT email FROM customers",
    "SELECT c.email FROM customers c",
    'SELECT "Email" FROM customers',
    "SELECT main.customers.email FROM main.customers",
    "SELECT name FROM customers WHERE email LIKE '%@x.io'",
    "SELECT name FROM customers ORDER BY email",
    "SELECT segment, count(DISTINCT email) FROM customers GROUP BY segment",
    "SELECT (SELECT max(email) FROM customers) AS m",
    "SELECT o.order_id FROM orders o JOIN customers c ON c.email = o.contact",
    "SELECT o.order_id FROM orders o JOIN customers c USING (email)",
    "SELECT * FROM customers",
    "SELECT c.* FROM customers c",
    "SELECT * EXCLUDE (name) FROM customers",
    "SELECT * REPLACE (1 AS customer_id) FROM customers",
    "SELECT COLUMNS(*) FROM customers",
    "SELECT COLUMNS('e.*') FROM customers",
    "SELECT c FROM customers c",
    "SELECT customers FROM customers",
    "SELECT to_json(c) FROM customers c",
    "SELECT struct_extract(c, 'email') FROM customers c",
    "SELECT #3 FROM customers",
    "SELECT e FROM customers AS c(i, n, e)",
    "SELECT s.staff_id FROM staff s NATURAL JOIN customers c",
    "WITH x AS (SELECT * FROM customers) SELECT name FROM x",
    "SELECT name FROM customers PIVOT (count(*) FOR segment IN ('smb'))",
    "SELECT * FROM orders o JOIN customers c USING (customer_id)",
    "SELECT email FROM staff WHERE customer_id IN (SELECT customer_id FROM customers)",
    "SELECT o.order_id, (SELECT c.email FROM customers c WHERE c.customer_id = o.customer_id) FROM orders o",
]

ALLOWED = [
    "SELECT customer_id, name, segment FROM customers",
    "SELECT count(*) FROM customers",
    "SELECT c.name, o.amount FROM customers c JOIN orders o USING (customer_id)",
    "SELECT c.name FROM customers c WHERE EXISTS (SELECT * FROM orders o WHERE o.customer_id = c.customer_id)",
    "SELECT * FROM (SELECT name, segment FROM customers) t",
    "SELECT * FROM orders",
    "SELECT s.email FROM staff s JOIN customers c ON c.customer_id = s.customer_id",
    "SELECT name AS email FROM customers",
    "SELECT segment, count(*) FROM customers GROUP BY ALL",
    "SELECT c.info.tier FROM customers c",
]


def _guard(sql: str, catalog: Catalog = HIDDEN_CATALOG, dialect: str = "duckdb") -> Verdict:
    return check_sql(sql, catalog, dialect)


@pytest.mark.parametrize("sql", REFUSED)
def test_queries_that_touch_a_hidden_column_are_refused(sql: str) -> None:
    verdict = _guard(sql)
    assert not verdict.ok, sql
    messages = " ".join(p.message for p in verdict.problems).lower()
    if "email" not in sql.lower():
        assert "email" not in messages, messages


@pytest.mark.parametrize("sql", REFUSED)
def test_the_engine_parser_refuses_them_too(sql: str) -> None:
    """DuckDB's own parse tree (the cross-check) catches the same reads independently."""
    assert duckdb_cross_check(sql, HIDDEN_CATALOG), sql


@pytest.mark.parametrize(
    "sql",
    [
        s
        for s in REFUSED
        if "#" not in s
        and "COLUMNS" not in s
        and "EXCLUDE" not in s
        and "REPLACE" not in s
        and "PIVOT" not in s
        and "struct_extract" not in s
    ],
)
def test_postgres_refuses_them_too(sql: str) -> None:
    sql = sql.replace("to_json(", "row_to_json(").replace("main.", "public.")
    assert not _guard(sql, PG_HIDDEN_CATALOG, "postgres").ok, sql


@pytest.mark.parametrize(
    "sql",
    [
        "SELECT (c).email FROM customers c",
        "SELECT (c).* FROM customers c",
        "TABLE customers",
        "SELECT row_to_json(c) FROM customers c",
        "SELECT c::text FROM customers c",
        "SELECT ROW(c.*) FROM customers c",
        "SELECT count(c.*) FROM customers c",
        "SELECT json_agg(customers) FROM customers",
    ],
)
def test_postgres_whole_row_forms_are_refused(sql: str) -> None:
    assert not _guard(sql, PG_HIDDEN_CATALOG, "postgres").ok, sql


@pytest.mark.parametrize("sql", ALLOWED)
def test_queries_that_stay_clear_of_hidden_columns_pass(sql: str) -> None:
    verdict = _guard(sql)
    assert verdict.ok, (sql, verdict.problems)
    assert duckdb_cross_check(verdict.sql or "", HIDDEN_CATALOG) == [], sql


def test_did_you_mean_never_offers_a_hidden_column() -> None:
    verdict = _guard("SELECT emial FROM customers")
    assert not verdict.ok and verdict.problems[0].code == "unknown_column"
    assert "email" not in verdict.problems[0].message.lower()
    assert "Column emial does not exist" in verdict.problems[0].message


def test_a_hidden_column_reads_like_a_missing_one() -> None:
    """The refusal does not confirm that the column exists."""
    hidden = _guard("SELECT email FROM customers").problems[0].message
    missing = _guard("SELECT phone FROM customers").problems[0].message
    assert hidden.replace("email", "X").split("(")[0] == missing.replace("phone", "X").split("(")[0]


def test_star_refusal_says_to_list_the_columns() -> None:
    (problem,) = _guard("SELECT * FROM customers").problems
    assert problem.code == "hidden_columns"
    assert "List the columns you need explicitly" in problem.message
    assert "customer_id, name, segment" in problem.message


def test_engine_messages_lose_hidden_names() -> None:
    duck = (
        'Binder Error: Referenced column "emial" not found in FROM clause!\n'
        'Candidate bindings: "email", "segment"\nLINE 1: SELECT emial FROM customers'
    )
    assert scrub_hidden(duck, {"email"}) == (
        'Binder Error: Referenced column "emial" not found in FROM clause!\n'
        'Candidate bindings: "segment"\nLINE 1: SELECT emial FROM customers'
    )
    only = 'Binder Error: Table "c" does not have a column named "emai"\nCandidate bindings: : "c.email"'
    assert "email" not in scrub_hidden(only, {"email"})
    pg_hint = 'column "emai" does not exist (hint: Perhaps you meant to reference the column "customers.email".)'
    assert scrub_hidden(pg_hint, {"email"}) == 'column "emai" does not exist'
    assert scrub_hidden("value of email is bad", {"email"}) == "value of <hidden> is bad"
    assert scrub_hidden("emails are fine", {"email"}) == "emails are fine"


# --- the databases ------------------------------------------------------------------------------


@pytest.fixture
def people_db(tmp_path: Path) -> Path:
    path = tmp_path / "people.duckdb"
    con = duckdb.connect(str(path))
    con.execute("""
        CREATE TABLE people (person_id INTEGER PRIMARY KEY, ssn VARCHAR UNIQUE, name VARCHAR, kind VARCHAR);
        CREATE TABLE claims (claim_id INTEGER PRIMARY KEY, ssn VARCHAR REFERENCES people (ssn),
                             person_id INTEGER REFERENCES people (person_id), amount INTEGER);
        INSERT INTO people VALUES (1, '111-22-3333', 'Ann', 'a'), (2, '444-55-6666', 'Bo', 'b');
        INSERT INTO claims VALUES (10, '111-22-3333', 1, 100);
    """)
    con.close()
    return path


def test_duckdb_catalog_hides_the_column_its_samples_and_keys(
    people_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tools.databases.duckdb import catalog as duckdb_catalog
    from tools.databases.duckdb import database as duckdb_db

    sampled: list[str] = []
    real = duckdb_catalog._with_samples

    def spy(cur: Any, schema: str, table: str, columns: list[Column]) -> list[Column]:
        sampled.extend(f"{table}.{c.name}" for c in columns)
        return real(cur, schema, table, columns)

    monkeypatch.setattr(duckdb_catalog, "_with_samples", spy)
    db = duckdb_db.open_duckdb(people_db, tmp_path / "cache", exclude_columns=("people.ssn",))
    try:
        catalog = db.catalog()
        people, claims = catalog.find("people"), catalog.find("claims")
        assert people is not None and claims is not None
        assert people.column("ssn") is None and people.hidden_columns == ("ssn",)
        assert people.column("kind") is not None and people.column("kind").samples == ("a", "b")
        assert claims.column("ssn") is not None  # only people.ssn was excluded
        assert [fk.columns for fk in claims.foreign_keys] == [("person_id",)]
        assert "people.ssn" not in sampled  # never read, not even for samples
        assert all("ssn" not in h.render() or "claims" not in h.render() for h in catalog.join_hints())
        result = db.execute("SELECT nmae FROM people", Limits())
        assert isinstance(result, QueryError) and "ssn" not in result.message.lower()
        assert isinstance(db.execute("SELECT name FROM people ORDER BY 1", Limits()), QueryResult)
    finally:
        db.close()


def test_duckdb_wildcard_pattern_hides_the_column_everywhere(people_db: Path, tmp_path: Path) -> None:
    from tools.databases.duckdb import open_duckdb

    db = open_duckdb(people_db, tmp_path / "cache", exclude_columns=("*.SSN",))
    try:
        catalog = db.catalog()
        assert all(t.column("ssn") is None and t.hidden_columns == ("ssn",) for t in catalog.tables)
        assert not check_sql("SELECT c.amount FROM claims c JOIN people p USING (ssn)", catalog).ok
    finally:
        db.close()


@pytest.fixture(scope="module")
def pg_db(pg: PgEnv) -> Iterator[Any]:
    from tools.databases.postgres import open_postgres

    database = open_postgres(pg.dsn("ro"), application_name=pg.app, exclude_columns=("customers.segment",))
    yield database
    database.close()


def test_postgres_catalog_hides_the_column(pg_db: Any) -> None:
    catalog = pg_db.catalog()
    customers = catalog.find("customers")
    assert customers is not None and customers.column("segment") is None
    assert customers.hidden_columns == ("segment",)
    assert "segment" not in json.dumps([[c.name, c.comment, c.samples] for t in catalog.tables for c in t.columns])


def test_postgres_guard_and_engine_messages(pg_db: Any) -> None:
    catalog = pg_db.catalog()
    for sql in (
        "SELECT segment FROM customers",
        "SELECT * FROM customers",
        "SELECT c FROM customers c",
        "SELECT row_to_json(c) FROM customers c",
        "TABLE customers",
    ):
        assert not check_sql(sql, catalog, "postgres").ok, sql
    assert check_sql("SELECT customer_id, name FROM customers", catalog, "postgres").ok
    result = pg_db.execute("SELECT segmnt FROM customers", Limits())
    assert isinstance(result, QueryError) and "segment" not in result.message
    assert all("segment" not in p.message for p in pg_db.cross_check("SELECT segmnt FROM customers"))


# --- the CLI and config -------------------------------------------------------------------------


def _check_lines(
    capsys: Any, tmp_path: Path, db: Path, statements: list[str], *flags: str
) -> tuple[int, list[dict[str, Any]]]:
    source = tmp_path / "queries.jsonl"
    source.write_text("".join(json.dumps({"sql": s}) + "\n" for s in statements))
    result = run_cli(["check", "--db", str(db), *flags, str(source)], capsys)
    return result.code, [json.loads(line) for line in result.out.splitlines()]


def test_cli_check_refuses_the_excluded_column(capsys: Any, tmp_path: Path, sample_db: Path) -> None:
    statements = [
        "SELECT first_name, last_name FROM customers",
        "SELECT email FROM customers",
        "SELECT * FROM customers",
        "SELECT c FROM customers c",
    ]
    code, lines = _check_lines(capsys, tmp_path, sample_db, statements, "--exclude-column", "customers.email")
    assert code == 1
    assert [line["ok"] for line in lines] == [True, False, False, False]
    assert "email" not in json.dumps(lines[2:]).lower()
    code, lines = _check_lines(capsys, tmp_path, sample_db, statements)
    assert code == 0 and all(line["ok"] for line in lines)  # without the flag all of them pass


def test_cli_schema_never_shows_the_excluded_column(capsys: Any, sample_db: Path) -> None:
    result = run_cli(
        ["schema", "--db", str(sample_db), "--exclude-column", "customers.email", "--format", "json"], capsys
    )
    assert result.code == 0, result.err
    data = result.json()
    customers = next(t for t in data["tables"] if t["name"] == "main.customers")
    assert "email" not in json.dumps(customers).lower()
    assert "customers.email" not in result.out
    salespeople = next(t for t in data["tables"] if t["name"] == "main.salespeople")
    assert any(c["name"] == "email" for c in salespeople["columns"])  # only the named column
    everywhere = run_cli(
        [
            "schema",
            "--db",
            str(sample_db),
            "--exclude-column",
            "*.email",
            "--exclude-column",
            "*.*_email",
            "--format",
            "json",
        ],
        capsys,
    )
    assert everywhere.code == 0 and "email" not in everywhere.out.lower()
    text = run_cli(["schema", "--db", str(sample_db), "--exclude-column", "*.*email"], capsys)
    assert "email" not in text.out.lower()


def test_config_file_excludes_columns(capsys: Any, sample_db: Path, analyst_home: Path) -> None:
    (analyst_home / "config.toml").write_text('exclude_columns = ["customers.email", "suppliers.contact_email"]\n')
    result = run_cli(["schema", "--db", str(sample_db), "--format", "json"], capsys)
    assert result.code == 0, result.err
    tables = {t["name"]: [c["name"] for c in t["columns"]] for t in result.json()["tables"]}
    assert "email" not in tables["main.customers"] and "contact_email" not in tables["main.suppliers"]
    assert "email" in tables["main.salespeople"]
    shown = run_cli(["config", "show"], capsys)
    assert "exclude_columns" in shown.out


def test_a_word_the_query_wrote_is_not_masked_so_errors_confirm_nothing(sample_db: Path, tmp_path: Path) -> None:
    from tools.databases.base import Limits, QueryError
    from tools.databases.duckdb import open_duckdb

    assert scrub_hidden("Could not convert string 'email' to INT32", {"email"}, "SELECT CAST('email' AS INTEGER)") == (
        "Could not convert string 'email' to INT32"
    )
    assert (
        scrub_hidden('Candidate bindings: "email", "emails"', {"email"}, "SELECT emial")
        == 'Candidate bindings: "emails"'
    )
    database = open_duckdb(sample_db, tmp_path / "cache", exclude_columns=("customers.email",))
    try:
        errors = {
            word: database.execute(f"SELECT CAST('{word}' AS INTEGER) AS n", Limits()) for word in ("email", "phone")
        }
    finally:
        database.close()
    assert all(isinstance(e, QueryError) for e in errors.values())
    assert errors["email"].message.replace("email", "phone") == errors["phone"].message  # the same shape either way
