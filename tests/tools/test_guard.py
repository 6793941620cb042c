"""The SQL guard: attacks are refused, analytics pass and the regenerated text really runs."""

from __future__ import annotations

import hashlib
import subprocess
import sys
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest
import sqlglot
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlglot import exp

from tools.catalog import Catalog, Column, ForeignKey, Table
from tools.databases.duckdb.cross_check import duckdb_cross_check
from tools.guard import RULES, Problem, Verdict, check_for, check_sql, sql_hash
from tools.sql_functions import REFUSED_HINTS, SAFE_CLASSES, safe_function_names, safe_table_function_names

REPO = Path(__file__).resolve().parents[2]

# The database holds one table the catalog leaves out, as an excluded table would be.
SCHEMA_SQL = """
CREATE TABLE customers (customer_id INTEGER PRIMARY KEY, name VARCHAR, region VARCHAR,
    signup_date DATE, info STRUCT(tier VARCHAR, score INTEGER));
CREATE TABLE products (product_id INTEGER PRIMARY KEY, name VARCHAR, category VARCHAR,
    type VARCHAR, price DECIMAL(10,2));
CREATE TABLE salespeople (salesperson_id INTEGER PRIMARY KEY, name VARCHAR, manager_id INTEGER,
    hired_on DATE);
CREATE TABLE sales (sale_id INTEGER PRIMARY KEY, customer_id INTEGER, product_id INTEGER,
    salesperson_id INTEGER, quantity INTEGER, amount DECIMAL(10,2), discount DECIMAL(10,2),
    sold_at TIMESTAMP, "order" INTEGER, tags VARCHAR[]);
CREATE TABLE internal_tokens (token VARCHAR, owner VARCHAR);
INSERT INTO customers VALUES
    (1, 'Ada', 'North', DATE '2023-01-05', {'tier': 'gold', 'score': 90}),
    (2, 'Bo', 'South', DATE '2023-03-10', {'tier': 'silver', 'score': 60}),
    (3, 'Cy', 'North', DATE '2023-06-20', {'tier': 'gold', 'score': 75});
INSERT INTO products VALUES (10, 'Widget', 'Hardware', 'physical', 9.50),
    (11, 'Gizmo', 'Hardware', 'physical', 25.00), (12, 'Suite', 'Software', 'digital', 120.00);
INSERT INTO salespeople VALUES (100, 'Mia', NULL, DATE '2020-01-01'),
    (101, 'Noa', 100, DATE '2021-05-01'), (102, 'Eli', 100, DATE '2022-09-01');
INSERT INTO sales VALUES
    (1000, 1, 10, 101, 3, 28.50, NULL, TIMESTAMP '2024-01-03 10:00:00', 1, ['promo']),
    (1001, 1, 12, 101, 1, 120.00, 10.00, TIMESTAMP '2024-01-15 12:30:00', 2, []),
    (1002, 2, 11, 102, 2, 50.00, NULL, TIMESTAMP '2024-01-20 09:15:00', 3, ['web', 'promo']),
    (1003, 3, 10, 102, 10, 95.00, 5.00, TIMESTAMP '2024-02-02 16:45:00', 4, ['web']),
    (1004, 3, 12, 100, 5, 600.00, 60.00, TIMESTAMP '2024-02-10 11:00:00', 5, NULL);
INSERT INTO internal_tokens VALUES ('sk-secret-123', 'ops');
"""


def _col(name: str, type_: str = "INTEGER") -> Column:
    return Column(name, type_)


def _catalog(dialect: str = "duckdb", schema: str = "main") -> Catalog:
    tables = (
        Table(
            schema,
            "customers",
            (
                _col("customer_id"),
                _col("name", "VARCHAR"),
                _col("region", "VARCHAR"),
                _col("signup_date", "DATE"),
                _col("info", "STRUCT(tier VARCHAR, score INTEGER)"),
            ),
            primary_key=("customer_id",),
        ),
        Table(
            schema,
            "products",
            (
                _col("product_id"),
                _col("name", "VARCHAR"),
                _col("category", "VARCHAR"),
                _col("type", "VARCHAR"),
                _col("price", "DECIMAL(10,2)"),
            ),
        ),
        Table(
            schema,
            "salespeople",
            (_col("salesperson_id"), _col("name", "VARCHAR"), _col("manager_id"), _col("hired_on", "DATE")),
        ),
        Table(
            schema,
            "sales",
            (
                _col("sale_id"),
                _col("customer_id"),
                _col("product_id"),
                _col("salesperson_id"),
                _col("quantity"),
                _col("amount", "DECIMAL(10,2)"),
                _col("discount", "DECIMAL(10,2)"),
                _col("sold_at", "TIMESTAMP"),
                _col("order"),
                _col("tags", "VARCHAR[]"),
            ),
            foreign_keys=(ForeignKey(("customer_id",), f"{schema}.customers", ("customer_id",)),),
        ),
    )
    return Catalog(dialect, tables, default_schema=schema)


CATALOG = _catalog()
PG_CATALOG = _catalog("postgres", "public")


def guard(sql: str) -> Verdict:
    def cross_check(text: str) -> list[Problem]:
        return duckdb_cross_check(text, CATALOG)

    return check_sql(sql, CATALOG, "duckdb", cross_check=cross_check)


def codes(verdict: Verdict) -> set[str]:
    return {p.code for p in verdict.problems}


@pytest.fixture(scope="module")
def sales_db() -> Iterator[duckdb.DuckDBPyConnection]:
    con = duckdb.connect(":memory:")
    con.execute(SCHEMA_SQL)
    yield con
    con.close()


# --- must allow -------------------------------------------------------------------------------

ALLOWED = [
    "SELECT count(*) FROM sales",
    "SELECT c.region, sum(s.amount) AS revenue FROM sales s JOIN customers c USING (customer_id) "
    "GROUP BY c.region ORDER BY revenue DESC",
    "SELECT sale_id, amount, sum(amount) OVER (PARTITION BY customer_id ORDER BY sold_at "
    "ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS running FROM sales ORDER BY sale_id",
    "SELECT customer_id, sale_id, amount FROM sales "
    "QUALIFY row_number() OVER (PARTITION BY customer_id ORDER BY amount DESC) = 1",
    "SELECT c.region, p.category, sum(s.amount) AS total FROM sales s "
    "JOIN customers c ON c.customer_id = s.customer_id "
    "JOIN products p ON p.product_id = s.product_id "
    "GROUP BY GROUPING SETS ((c.region), (p.category), ()) ORDER BY ALL",
    "SELECT c.region, p.category, sum(s.amount) FROM sales s JOIN customers c USING (customer_id) "
    "JOIN products p USING (product_id) GROUP BY ROLLUP (c.region, p.category)",
    "SELECT c.name, top.amount FROM customers c, LATERAL (SELECT s.amount FROM sales s "
    "WHERE s.customer_id = c.customer_id ORDER BY s.amount DESC LIMIT 1) AS top",
    "SELECT count(*) FILTER (WHERE amount > 100) AS big, count(*) AS total FROM sales",
    "SELECT * FROM (SELECT c.region, p.category, s.amount FROM sales s JOIN customers c "
    "USING (customer_id) JOIN products p USING (product_id)) "
    "PIVOT (sum(amount) FOR category IN ('Hardware', 'Software'))",
    "SELECT c.name FROM customers c WHERE EXISTS (SELECT 1 FROM sales s "
    "WHERE s.customer_id = c.customer_id AND s.amount > 500)",
    "SELECT customer_id, c.name, s.amount FROM sales s JOIN customers c USING (customer_id)",
    'SELECT p.type, s."order", s.quantity FROM sales s JOIN products p USING (product_id) ORDER BY s."order"',
    "SELECT c.info.tier, avg(c.info.score) AS score FROM customers c GROUP BY ALL ORDER BY ALL",
    "SELECT 'DROP TABLE x;' AS s, name FROM customers WHERE name <> 'DELETE FROM sales;'",
    "WITH monthly AS (SELECT date_trunc('month', sold_at) AS m, sum(amount) AS rev FROM sales "
    "GROUP BY 1) SELECT m, rev, lag(rev) OVER (ORDER BY m) AS prev FROM monthly ORDER BY m",
    "WITH RECURSIVE chain(salesperson_id, depth) AS (SELECT salesperson_id, 0 FROM salespeople "
    "WHERE manager_id IS NULL UNION ALL SELECT sp.salesperson_id, chain.depth + 1 FROM "
    "salespeople sp JOIN chain ON sp.manager_id = chain.salesperson_id WHERE chain.depth < 10) "
    "SELECT * FROM chain ORDER BY salesperson_id",
    "SELECT d.day, coalesce(sum(s.amount), 0) AS total FROM range(DATE '2024-01-01', "
    "DATE '2024-01-08', INTERVAL 1 DAY) AS d(day) LEFT JOIN sales s ON s.sold_at::DATE = d.day "
    "GROUP BY d.day ORDER BY d.day",
    "SELECT g.n, g.n * 2 AS twice FROM generate_series(1, 5) AS g(n)",
    "SELECT tag, count(*) AS n FROM (SELECT unnest(tags) AS tag FROM sales) GROUP BY tag",
    "SELECT sale_id, list_transform(tags, lambda t: upper(t)) AS loud, len(tags) FROM sales",
    "SELECT sale_id, CASE WHEN amount > 100 THEN 'big' ELSE 'small' END AS size, "
    "coalesce(discount, 0) AS discount, amount / nullif(quantity, 0) AS unit, "
    "CAST(amount AS INTEGER) AS whole, TRY_CAST(quantity AS VARCHAR) AS q FROM sales",
    "SELECT upper(name) || '-' || lower(region) AS label, concat(name, '!') AS shout, "
    "regexp_matches(name, '^[A-C]') AS early FROM customers "
    "WHERE name ILIKE '%a%' OR name LIKE 'B%'",
    "SELECT strftime(sold_at, '%Y-%m') AS ym, extract(year FROM sold_at) AS y, "
    "date_diff('day', c.signup_date, s.sold_at::DATE) AS days FROM sales s JOIN customers c "
    "USING (customer_id)",
    "SELECT quantile_cont(amount, 0.5) AS p50, median(amount) AS med, "
    "approx_count_distinct(customer_id) AS buyers, stddev_samp(amount) AS sd FROM sales",
    "SELECT customer_id FROM sales UNION ALL SELECT customer_id FROM customers EXCEPT SELECT 3 INTERSECT SELECT 1",
    "SELECT e.name, m.name AS manager FROM salespeople e LEFT JOIN salespeople m "
    "ON e.manager_id = m.salesperson_id ORDER BY e.name",
    "SELECT customer_id, string_agg(CAST(sale_id AS VARCHAR), ',' ORDER BY sale_id) AS ids, "
    "arg_max(product_id, amount) AS best FROM sales GROUP BY customer_id",
    "SELECT * FROM main.products ORDER BY product_id LIMIT 2 OFFSET 1",
    'SELECT "NAME", Region FROM "Customers" ORDER BY 1',
    "SELECT * EXCLUDE (tags, discount) FROM sales WHERE sold_at >= TIMESTAMP '2024-02-01' - INTERVAL 30 DAY",
    "SELECT DISTINCT region FROM customers WHERE customer_id IN (SELECT customer_id FROM sales)",
    "SELECT name, (SELECT max(amount) FROM sales s WHERE s.customer_id = c.customer_id) AS top FROM customers c",
    "SELECT count(DISTINCT customer_id) AS buyers, sum(quantity * amount) AS gross FROM sales",
    "-- revenue per product type\nSELECT p.type, round(sum(s.amount), 2) AS revenue\n"
    "FROM sales s /* main fact table */ JOIN products p USING (product_id)\nGROUP BY p.type;",
    "SELECT amount, ntile(2) OVER w AS half, percent_rank() OVER w AS pr FROM sales WINDOW w AS (ORDER BY amount)",
    "SELECT x FROM unnest([3, 1, 2]) AS t(x) ORDER BY x",
    "SELECT greatest(amount, 100) AS floor100, abs(-amount) AS a, ln(amount) AS l FROM sales",
]

PG_ALLOWED = [
    "SELECT c.region, sum(s.amount) FROM sales s JOIN customers c USING (customer_id) GROUP BY c.region",
    "SELECT to_char(sold_at, 'YYYY-MM') AS ym, count(*) FROM sales GROUP BY 1 ORDER BY 1",
    "SELECT date_trunc('month', sold_at) AS m, sum(amount) FILTER (WHERE amount > 10) FROM sales GROUP BY 1",
    "SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY amount) FROM sales",
    "SELECT d::date FROM generate_series(DATE '2024-01-01', DATE '2024-01-05', INTERVAL '1 day') AS d",
    "SELECT customer_id, string_agg(sale_id::text, ',') FROM sales GROUP BY customer_id",
    "SELECT name FROM public.customers WHERE name ~ '^A'",
    "SELECT sale_id, amount, sum(amount) OVER (PARTITION BY customer_id ORDER BY sold_at "
    "ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS running FROM sales ORDER BY sale_id",
    "WITH monthly AS (SELECT date_trunc('month', sold_at) AS m, sum(amount) AS rev FROM sales "
    "GROUP BY 1) SELECT m, rev, lag(rev) OVER (ORDER BY m) AS prev FROM monthly ORDER BY m",
    "SELECT c.name, top.amount FROM customers c CROSS JOIN LATERAL (SELECT s.amount FROM sales s "
    "WHERE s.customer_id = c.customer_id ORDER BY s.amount DESC LIMIT 1) AS top",
    "SELECT c.region, p.category, sum(s.amount) AS total FROM sales s "
    "JOIN customers c ON c.customer_id = s.customer_id "
    "JOIN products p ON p.product_id = s.product_id "
    "GROUP BY GROUPING SETS ((c.region), (p.category), ())",
    "SELECT 'DROP TABLE x;' AS s, name FROM customers WHERE name <> 'DELETE FROM sales;'",
    "SELECT c.name FROM customers c WHERE EXISTS (SELECT 1 FROM sales s "
    "WHERE s.customer_id = c.customer_id AND s.amount > 500)",
    "SELECT customer_id FROM sales UNION ALL SELECT customer_id FROM customers",
    "WITH RECURSIVE chain(salesperson_id, depth) AS (SELECT salesperson_id, 0 FROM salespeople "
    "WHERE manager_id IS NULL UNION ALL SELECT sp.salesperson_id, chain.depth + 1 FROM "
    "salespeople sp JOIN chain ON sp.manager_id = chain.salesperson_id WHERE chain.depth < 10) "
    "SELECT * FROM chain ORDER BY salesperson_id",
    'SELECT p.type, s."order", s.quantity FROM sales s JOIN products p USING (product_id)',
]


@pytest.mark.parametrize("sql", ALLOWED)
def test_allowed_queries_pass(sql: str) -> None:
    verdict = guard(sql)
    assert verdict.ok, verdict.problems
    assert verdict.sql is not None and verdict.sql_hash == sql_hash(verdict.sql)


@pytest.mark.parametrize("sql", ALLOWED)
def test_regenerated_sql_runs_and_matches(sql: str, sales_db: duckdb.DuckDBPyConnection) -> None:
    verdict = guard(sql)
    assert verdict.sql is not None
    regenerated = sales_db.cursor().execute(verdict.sql).fetchall()
    original = sales_db.cursor().execute(sql).fetchall()
    assert sorted(map(repr, regenerated)) == sorted(map(repr, original))


@pytest.mark.parametrize("sql", PG_ALLOWED)
def test_postgres_allowed_queries_pass(sql: str) -> None:
    verdict = check_sql(sql, PG_CATALOG, "postgres")
    assert verdict.ok, verdict.problems


def test_allowed_corpora_are_big_enough() -> None:
    assert len(ALLOWED) >= 25 and len(ATTACKS) >= 40


# --- must refuse ------------------------------------------------------------------------------

ZWSP_PAYLOAD = "SELECT name FROM customers UNION ALL SELECT token\u200bFROM internal_tokens"
RECURSIVE_ANCHOR_LEAK = (
    "WITH RECURSIVE internal_tokens AS (SELECT * FROM internal_tokens UNION ALL "
    "SELECT 'x', 'y' WHERE false) SELECT * FROM internal_tokens"
)

ATTACKS = [
    "SHOW ALL",  # sqlglot's parser raised IndexError on it: a parser failure must refuse, not crash
    "SHOW ALL TABLES",
    "DELETE FROM sales",
    "UPDATE sales SET amount = 0",
    "INSERT INTO sales (sale_id) VALUES (1)",
    "DROP TABLE sales",
    "CREATE TABLE x AS SELECT 1",
    "CREATE OR REPLACE TEMP VIEW sales AS SELECT 42 AS fake",
    "CREATE TEMP MACRO m(x) AS x",
    "COPY sales TO '/tmp/x.csv'",
    "COPY (SELECT * FROM sales) TO '/tmp/x.parquet' (FORMAT parquet)",
    "SELECT * FROM read_csv('/etc/passwd')",
    "SELECT * FROM read_csv_auto('/etc/passwd')",
    "SELECT * FROM read_text('/proc/self/environ')",
    "SELECT * FROM read_parquet('data/*.parquet')",
    "SELECT * FROM read_json('x.json')",
    "SELECT * FROM glob('/etc/*')",
    "SELECT * FROM sniff_csv('/etc/passwd')",
    "SELECT * FROM parquet_metadata('x.parquet')",
    "SELECT * FROM '/etc/passwd'",
    'SELECT * FROM "/etc/passwd"',
    "SELECT * FROM 'https://example.com/x.csv'",
    "SELECT * FROM 'data.csv'",
    "SELECT * FROM sales, LATERAL read_csv('/etc/passwd')",
    "SELECT * FROM histogram_values(internal_tokens, token)",
    "SELECT * FROM histogram(internal_tokens, token)",
    "SELECT ('/etc/passwd').read_text()",
    "ATTACH '/tmp/x.db' AS x",
    "DETACH x",
    "SET memory_limit = '10GB'",
    "SET enable_external_access = true",
    "RESET memory_limit",
    "SET VARIABLE x = 1",
    "PRAGMA database_list",
    "SELECT 1; DROP TABLE sales",
    "SELECT 1; SELECT 2",
    "WITH d AS (DELETE FROM sales RETURNING *) SELECT * FROM d",
    "WITH i AS (INSERT INTO sales (sale_id) VALUES (9) RETURNING *) SELECT * FROM i",
    "SELECT * INTO newtab FROM sales",
    "SELECT * FROM sales FOR UPDATE",
    "CHECKPOINT",
    "FORCE CHECKPOINT",
    "VACUUM",
    "BEGIN TRANSACTION",
    "INSTALL httpfs",
    "LOAD httpfs",
    "EXPORT DATABASE '/tmp/dump'",
    "CALL enable_logging()",
    "PREPARE p AS SELECT 1",
    "USE memory",
    "SUMMARIZE sales",
    "DESCRIBE sales",
    "SHOW TABLES",
    "EXPLAIN SELECT 1",
    "PIVOT sales ON product_id USING sum(amount)",
    "SELECT * FROM query('SELECT * FROM internal_tokens')",
    "SELECT * FROM query_table('internal_tokens')",
    "SELECT * FROM json_execute_serialized_sql(json_serialize_sql('SELECT 1'))",
    "SELECT * FROM duckdb_settings()",
    "SELECT current_setting('memory_limit')",
    "SELECT getvariable('x')",
    "SELECT * FROM information_schema.tables",
    "SELECT * FROM duckdb_tables",
    "SELECT * FROM duckdb_databases()",
    "SELECT * FROM pragma_database_list",
    "SELECT * FROM sqlite_master",
    "SELECT * FROM pg_catalog.pg_class",
    "SELECT * FROM system.main.duckdb_tables",
    "SELECT * FROM memory.main.sales",
    "SELECT * FROM a.b.c.d",
    "SELECT * FROM temp.sales",
    "SELECT * FROM ?",
    "SELECT * FROM internal_tokens",
    'SELECT * FROM "INTERNAL_TOKENS"',
    "SELECT * FROM Internal_Tokens",
    'SELECT * FROM main."Internal_Tokens"',
    "SELECT * FROM sales UNION ALL SELECT token, owner FROM internal_tokens",
    "SELECT (SELECT token FROM internal_tokens LIMIT 1) AS t",
    "WITH a AS (SELECT * FROM internal_tokens) SELECT * FROM a",
    "SELECT * FROM (WITH internal_tokens AS (SELECT 1 AS x) SELECT * FROM internal_tokens) t, internal_tokens",
    "WITH internal_tokens AS (SELECT * FROM internal_tokens) SELECT * FROM internal_tokens",
    "WITH RECURSIVE internal_tokens AS (SELECT * FROM internal_tokens UNION ALL "
    "SELECT 'x', 'y' WHERE false) SELECT * FROM internal_tokens",
    "WITH RECURSIVE x AS (SELECT * FROM internal_tokens), internal_tokens AS (SELECT 1) SELECT * FROM x",
    ZWSP_PAYLOAD,
    "SELECT name FROM customers UNION ALL SELECT token\ufeffFROM internal_tokens",
    "SELECT 1\x00; DROP TABLE sales",
    "SELECT 1\uff1b DROP TABLE sales",
    "SELECT getenv('HOME')",
    "SELECT nextval('seq')",
    "SELECT pg_sleep(10)",
    "SELECT sleep_ms(10000)",
    "SELECT setseed(0.5)",
    "SELECT version()",
    "SELECT txid_current()",
    "SELECT write_log('x')",
    "SELECT current_user",
    "CREATE SECRET (TYPE s3, KEY_ID 'x', SECRET 'y')",
    "SELECT 1 " + "x" * 100_001,
    "",
    "-- only a comment",
]

PG_ATTACKS = [
    "SELECT pg_read_file('/etc/passwd')",
    "SELECT pg_sleep(10)",
    "SELECT set_config('statement_timeout', '0', false)",
    "SELECT lo_from_bytea(0, 'x')",
    "SELECT lo_import('/etc/passwd')",
    "SELECT pg_advisory_lock(42)",
    "SELECT * FROM pg_stat_activity",
    "SELECT * FROM pg_catalog.pg_authid",
    "SELECT query_to_xml('DELETE FROM sales', true, true, '')",
    "SELECT * FROM dblink('dbname=x', 'DELETE FROM sales') AS t(x int)",
    "COMMIT; DROP SCHEMA public",
    "SET TRANSACTION READ WRITE",
    "SET statement_timeout = 0",
    "LISTEN ch",
    "DISCARD ALL",
    "NOTIFY ch, 'x'",
    "SELECT pg_notify('ch', 'x')",
    "SELECT current_setting('data_directory')",
    "SELECT nextval('s')",
    'SELECT * FROM "Sales"',
    "SELECT txid_current()",
    "SELECT pg_terminate_backend(1)",
    "SELECT * FROM sales FOR SHARE",
    "LOCK TABLE sales IN ACCESS SHARE MODE",
    "DO $$ BEGIN PERFORM 1; END $$",
    "SELECT * FROM information_schema.columns",
    "SELECT * FROM internal_tokens",
    "SELECT 'internal_tokens'::regclass",
    "SELECT CAST('pg_sleep' AS regproc)",
]


@pytest.mark.parametrize("sql", ATTACKS)
def test_attacks_are_refused(sql: str) -> None:
    verdict = guard(sql)
    assert not verdict.ok
    assert verdict.problems and all(p.message for p in verdict.problems)


@pytest.mark.parametrize("sql", PG_ATTACKS)
def test_postgres_attacks_are_refused(sql: str) -> None:
    assert not check_sql(sql, PG_CATALOG, "postgres").ok


@pytest.mark.parametrize(
    ("sql", "code"),
    [
        ("SELECT * FROM read_csv('/etc/passwd')", "table_function_not_allowed"),
        ("SELECT * FROM '/etc/passwd'", "file_path_table"),
        ("SELECT 1; DROP TABLE x", "multiple_statements"),
        ("WITH d AS (DELETE FROM sales RETURNING *) SELECT * FROM d", "forbidden_statement"),
        ("SELECT * INTO t FROM sales", "select_into"),
        ("SELECT * FROM sales FOR UPDATE", "locking_clause"),
        ("CHECKPOINT", "not_a_query"),
        ("SELECT getenv('HOME')", "function_not_allowed"),
        ("SELECT * FROM information_schema.tables", "system_catalog"),
        ('SELECT * FROM "INTERNAL_TOKENS"', "unknown_table"),
        (ZWSP_PAYLOAD, "invisible_character"),
        ("SELECT list_transform([1, 2], x -> x + 1)", "arrow_lambda"),
        ("SELECT lower(j -> '$.name') FROM sales", "arrow_lambda"),
        ("SELECT (", "parse_error"),
        ("   ", "empty"),
    ],
)
def test_problem_codes(sql: str, code: str) -> None:
    assert code in codes(guard(sql))


def test_arrow_lambda_message_names_the_new_syntax() -> None:
    message = guard("SELECT list_transform([1], x -> x + 1)").problems[0].message
    assert "lambda x: expr" in message


def test_misspelt_column_gets_did_you_mean() -> None:
    verdict = guard("SELECT nmae, amount FROM customers JOIN sales USING (customer_id)")
    assert codes(verdict) == {"unknown_column"}
    assert "Did you mean: name" in verdict.problems[0].message


def test_misspelt_qualified_column_and_table() -> None:
    assert "Did you mean: amount" in guard("SELECT s.amout FROM sales s").problems[0].message
    table = guard("SELECT * FROM salse")
    assert codes(table) == {"unknown_table"} and "Did you mean: sales" in table.problems[0].message


def test_ambiguous_column_asks_to_qualify() -> None:
    verdict = guard(
        "SELECT name FROM customers c JOIN sales s ON s.customer_id = c.customer_id "
        "JOIN products p ON p.product_id = s.product_id"
    )
    assert codes(verdict) == {"ambiguous_column"}


def test_unknown_alias_is_reported() -> None:
    assert codes(guard("SELECT x.name FROM customers c")) == {"unknown_column"}


def test_table_in_other_schema_must_be_qualified() -> None:
    catalog = Catalog("duckdb", CATALOG.tables + (Table("staging", "orders", (_col("id"),)),))
    assert check_sql("SELECT id FROM staging.orders", catalog).ok
    verdict = check_sql("SELECT id FROM orders", catalog)
    assert not verdict.ok and "staging.orders" in verdict.problems[0].message


def test_postgres_name_rules() -> None:
    catalog = Catalog("postgres", (Table("public", "Orders", (_col("Id"), _col("total"))),), default_schema="public")
    assert check_sql('SELECT "Id", total FROM "Orders"', catalog, "postgres").ok
    assert not check_sql("SELECT total FROM orders", catalog, "postgres").ok
    assert not check_sql('SELECT "Id" FROM "ORDERS"', catalog, "postgres").ok


def test_verdict_fields() -> None:
    sql = "select s.amount, upper(c.name) from sales s join main.customers c using (customer_id)"
    verdict = guard(sql)
    assert verdict.ok and verdict.sql_in == sql
    assert verdict.tables == ("main.sales", "main.customers")
    assert verdict.functions == ("upper",)
    assert verdict.sql == (
        "SELECT s.amount, UPPER(c.name) FROM sales AS s JOIN main.customers AS c USING (customer_id)"
    )
    assert verdict.sql_hash == hashlib.sha256(verdict.sql.encode()).hexdigest()
    assert sql_hash("a") != sql_hash("a ")


@pytest.mark.parametrize(
    "sql",
    [
        "SELECT 1 AS x -- a */ ; DROP TABLE sales\n",
        "SELECT 1 AS x /* a /* nested */ ; */",
        "/* approved by security */ SELECT 1 AS x",
    ],
)
def test_comments_never_reach_the_text_that_runs(sql: str, sales_db: duckdb.DuckDBPyConnection) -> None:
    verdict = guard(sql)
    assert verdict.ok and verdict.sql == "SELECT 1 AS x"
    assert sales_db.cursor().execute(verdict.sql).fetchall() == [(1,)]


def test_cross_check_gets_the_regenerated_text() -> None:
    seen: list[str] = []

    def cross_check(text: str) -> list[Problem]:
        seen.append(text)
        return [Problem("engine_says_no", "nope")]

    verdict = check_sql("select 1 as x", None, cross_check=cross_check)
    assert seen == ["SELECT 1 AS x"] and codes(verdict) == {"engine_says_no"} and not verdict.ok


class _Engine:
    """A database as the guard sees one (`tools.guard.check.Engine`), with a scripted own check."""

    def __init__(self, dialect: str, catalog: Catalog, says: list[Problem]) -> None:
        self.dialect = dialect
        self._catalog = catalog
        self.says = says
        self.seen: list[str] = []

    def catalog(self) -> Catalog:
        return self._catalog

    def cross_check(self, sql: str) -> list[Problem]:
        self.seen.append(sql)
        return self.says


def test_check_for_uses_the_databases_catalog_dialect_and_own_check() -> None:
    engine = _Engine("postgres", PG_CATALOG, [Problem.from_engine("PostgreSQL rejects this query: no")])
    verdict = check_for(engine, 'select "name" from customers')
    assert engine.seen == [verdict.sql] == ['SELECT "name" FROM customers']  # PostgreSQL's regeneration
    assert [(p.code, p.message) for p in verdict.problems] == [("engine_rejects", "PostgreSQL rejects this query: no")]
    assert not check_for(engine, "SELECT nope FROM customers").ok and len(engine.seen) == 1  # refused before the engine
    assert codes(check_for(engine, "SELECT 1 FROM products", catalog=CATALOG, dialect="duckdb")) == {"engine_rejects"}
    engine.says = []
    typed = check_for(engine, "select name from customers;", as_typed=True)
    assert typed.ok and typed.sql == "select name from customers" and engine.seen[-1] == typed.sql


def test_check_for_without_a_database_checks_the_sql_alone() -> None:
    assert check_for(None, "SELECT anything FROM whatever").ok
    assert codes(check_for(None, "SELECT * FROM pg_catalog.pg_roles", dialect="postgres")) == {"system_catalog"}


def test_the_rules_run_in_order_over_one_query() -> None:
    """Later rules read what earlier ones recorded: the tables in scope before the hidden-column
    and column rules, the regeneration last but for the database-code rule, which judges its text too."""
    names = [rule.__name__ for rule in RULES]
    assert names.index("known_tables") < names.index("hidden_columns") < names.index("known_columns")
    assert names[-2:] == ["regenerate", "database_code"]


def test_without_catalog_tables_are_not_checked_but_files_and_system_are() -> None:
    assert check_sql("SELECT anything FROM whatever", None).ok
    assert not check_sql("SELECT * FROM '/etc/passwd'", None).ok
    assert not check_sql("SELECT * FROM duckdb_tables", None).ok
    assert not check_sql("SELECT read_text('x')", None).ok


def test_max_length_is_configurable() -> None:
    assert codes(check_sql("SELECT 1", None, max_length=5)) == {"too_long"}


def test_deep_nesting_is_refused_not_crashing() -> None:
    assert codes(check_sql("SELECT " + "(" * 400 + "1" + ")" * 400, None)) == {"too_complex"}


# --- DuckDB's parser as cross-check -----------------------------------------------------------


@pytest.mark.parametrize(
    "sql",
    [
        ZWSP_PAYLOAD,  # hygiene would catch it first; the engine parser sees the table anyway
        "SELECT * FROM internal_tokens",
        "SELECT * FROM read_text('/etc/passwd')",
        "SELECT * FROM '/etc/passwd'",
        "SELECT * FROM query('SELECT 1')",
        "SELECT getvariable('x')",
        "SUMMARIZE sales",
        "SELECT 1; SELECT 2",
        "CHECKPOINT",
        "ATTACH '/tmp/x.db'",
        "SELECT * FROM duckdb_tables",
        "SELECT main.sum(1)",
        "WITH a AS (SELECT * FROM internal_tokens) SELECT * FROM a",
        "SELECT * FROM (WITH internal_tokens AS (SELECT 1) SELECT * FROM internal_tokens) t, internal_tokens",
        RECURSIVE_ANCHOR_LEAK,
        "SELECT * FROM range((SELECT count(*) FROM internal_tokens))",
        "WITH RECURSIVE x AS (SELECT * FROM internal_tokens), internal_tokens AS (SELECT 1) SELECT * FROM x",
    ],
)
def test_duckdb_cross_check_refuses(sql: str) -> None:
    assert duckdb_cross_check(sql, CATALOG)


def test_recursive_anchor_reads_the_real_table(sales_db: duckdb.DuckDBPyConnection) -> None:
    """Why a recursive CTE only sees itself in its recursive term: DuckDB leaks otherwise."""
    rows = sales_db.cursor().execute(RECURSIVE_ANCHOR_LEAK).fetchall()
    assert ("sk-secret-123", "ops") in rows
    assert "unknown_table" in codes(check_sql(RECURSIVE_ANCHOR_LEAK, CATALOG))


@pytest.mark.parametrize("dialect", ["duckdb", "postgres"])
def test_recursive_cte_sees_itself_in_its_recursive_term(dialect: str) -> None:
    sql = "WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r WHERE n < 3) SELECT n FROM r"
    assert check_sql(sql, _catalog(dialect, "main" if dialect == "duckdb" else "public"), dialect).ok


def test_duckdb_cross_check_sees_the_zero_width_table() -> None:
    problems = duckdb_cross_check(ZWSP_PAYLOAD, CATALOG)
    assert [p.code for p in problems] == ["unknown_table"]
    assert "internal_tokens" in problems[0].message


def test_duckdb_cross_check_accepts_the_pivot_statement_sqlglot_cannot_parse() -> None:
    sql = "SELECT * FROM sales PIVOT (sum(amount) FOR product_id IN (10, 11))"
    assert duckdb_cross_check(sql, CATALOG) == []


def test_duckdb_check_imports_duckdb_lazily() -> None:
    code = "import sys, tools.guard, tools.databases.duckdb.cross_check; print('duckdb' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, check=True)
    assert out.stdout.strip() == "False"


# --- the allowlists themselves ----------------------------------------------------------------


@pytest.mark.parametrize("dialect", ["duckdb", "postgres", "mysql"])
def test_every_allowed_name_parses_into_an_allowed_node(dialect: str) -> None:
    """Keeps the written-name list and the sqlglot class list in sync."""
    names = safe_function_names(dialect)
    for name in sorted(names):
        for args in ("", "a", "a, b", "'month', a"):
            try:
                tree = sqlglot.parse_one(f"SELECT {name}({args})", read=dialect)
            except (
                sqlglot.errors.SqlglotError,
                AttributeError,
            ):  # sqlglot's MySQL DATE_ADD('month', a) raises the latter
                continue
            for node in tree.find_all(exp.Func):
                if isinstance(node, (exp.Anonymous, exp.AnonymousAggFunc)):
                    assert node.name.lower() in names, (name, node)
                else:
                    assert type(node).__name__ in SAFE_CLASSES, (name, type(node).__name__)


@pytest.mark.parametrize("dialect", ["duckdb", "postgres", "mysql"])
@pytest.mark.parametrize("name", sorted(REFUSED_HINTS))
def test_refused_names_are_refused_everywhere(dialect: str, name: str) -> None:
    assert name not in safe_function_names(dialect) | safe_table_function_names(dialect)
    for sql in (f"SELECT {name}('x')", f"SELECT * FROM {name}('x')"):
        verdict = check_sql(sql, None, dialect)
        assert not verdict.ok, sql


def test_duckdb_allowed_names_exist_in_duckdb() -> None:
    """Every written name we allow for DuckDB is a real function, so the list has no typos."""
    con = duckdb.connect(":memory:")
    rows = con.execute("SELECT function_name FROM duckdb_functions()").fetchall()
    real = {row[0].lower() for row in rows}
    syntax = {
        "current_date",
        "current_time",
        "current_timestamp",
        "localtime",
        "localtimestamp",
        "extract",
        "coalesce",
        "if",
        "iff",
        "nvl",
        "struct",
        "grouping",
        "columns",
    }
    missing = safe_function_names("duckdb") - real - syntax
    assert not missing, sorted(missing)


# --- properties -------------------------------------------------------------------------------

PROPERTY_SETTINGS = settings(
    deadline=None, max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
FORBIDDEN_CALLS = {
    "duckdb": [
        "read_text('/etc/passwd')",
        "getenv('HOME')",
        "current_setting('threads')",
        "nextval('s')",
        "pg_sleep(1)",
        "sleep_ms(1)",
        "getvariable('x')",
        "setseed(0.1)",
        "version()",
        "txid_current()",
        "read_csv('/etc/passwd')",
        "json_serialize_sql('SELECT 1')",
    ],
    "postgres": [
        "pg_read_file('/etc/passwd')",
        "pg_sleep(1)",
        "set_config('statement_timeout', '0', false)",
        "lo_import('/etc/passwd')",
        "lo_from_bytea(0, 'x')",
        "current_setting('data_directory')",
        "nextval('s')",
        "pg_advisory_lock(1)",
        "pg_terminate_backend(1)",
        "txid_current()",
        "query_to_xml('SELECT 1', true, true, '')",
        "dblink('dbname=x', 'SELECT 1')",
        "version()",
        "pg_catalog.pg_sleep(1)",
        "PG_READ_FILE('/etc/passwd')",
    ],
}
FORBIDDEN_TABLES = {
    "duckdb": ["internal_tokens", '"INTERNAL_TOKENS"', "duckdb_tables", "information_schema.tables"],
    "postgres": [
        "internal_tokens",
        '"Sales"',
        "pg_catalog.pg_class",
        "pg_stat_activity",
        "information_schema.tables",
        "public.internal_tokens",
    ],
}
SECOND_STATEMENTS = {
    "duckdb": ["; DROP TABLE x", ";DROP TABLE sales;", "; DELETE FROM sales", "; SELECT 1"],
    "postgres": ["; DROP TABLE x", "; COMMIT; DELETE FROM sales", "; SET statement_timeout = 0", ";SELECT 1;"],
}
DIALECTS = ["duckdb", "postgres"]
_WHITESPACE = st.sampled_from([" ", "  ", "\t", "\n", " \n\t ", "\r\n"])
_COMMENT = st.sampled_from([" /* note */ ", " /* ; DROP TABLE x */ ", " -- note\n", "\n--\n"])


def _allowed(dialect: str) -> list[str]:
    return ALLOWED if dialect == "duckdb" else PG_ALLOWED


def _verdict(sql: str, dialect: str) -> Verdict:
    return guard(sql) if dialect == "duckdb" else check_sql(sql, PG_CATALOG, "postgres")


def _flip_case(sql: str, flips: list[bool], dialect: str) -> str:
    """Swap the case of letters outside quoted identifiers: PostgreSQL keeps quoted names exact
    (and DuckDB matches them without case, so flipping them there is part of the property)."""
    out: list[str] = []
    quoted = False
    for char, flip in zip(sql, flips):
        if char == '"':
            quoted = not quoted
        out.append(char.swapcase() if flip and not (quoted and dialect == "postgres") else char)
    return "".join(out)


@st.composite
def _respaced(draw: st.DrawFn, dialect: str) -> str:
    sql = draw(st.sampled_from([q for q in _allowed(dialect) if "--" not in q]))
    parts = sql.split(" ")
    out = parts[0]
    for part in parts[1:]:
        gap = draw(st.one_of(_WHITESPACE, _COMMENT)) if draw(st.booleans()) else " "
        out += gap + part
    flips = draw(st.lists(st.booleans(), min_size=len(out), max_size=len(out)))
    out = _flip_case(out, flips, dialect)
    return out + draw(st.sampled_from(["", ";", " ;", ";\n", "; -- done", ";;"]))


@pytest.mark.parametrize("dialect", DIALECTS)
@PROPERTY_SETTINGS
@given(data=st.data())
def test_whitespace_comments_case_and_semicolons_keep_allowed(dialect: str, data: st.DataObject) -> None:
    sql = data.draw(_respaced(dialect))
    verdict = _verdict(sql, dialect)
    assert verdict.ok, (sql, verdict.problems)


@pytest.mark.parametrize("dialect", DIALECTS)
@PROPERTY_SETTINGS
@given(data=st.data())
def test_appending_a_statement_flips_to_refused(dialect: str, data: st.DataObject) -> None:
    sql = data.draw(st.sampled_from(_allowed(dialect)))
    suffix = data.draw(st.sampled_from(SECOND_STATEMENTS[dialect]))
    assert "multiple_statements" in codes(_verdict(sql.rstrip(";") + suffix, dialect))


def _select_positions(sql: str) -> list[int]:
    return [
        i + len("SELECT ")
        for i in range(len(sql))
        if sql.upper().startswith("SELECT ", i) and not sql.upper().startswith("SELECT DISTINCT", i)
    ]


@pytest.mark.parametrize("dialect", DIALECTS)
@PROPERTY_SETTINGS
@given(data=st.data())
def test_inserting_a_forbidden_function_flips_to_refused(dialect: str, data: st.DataObject) -> None:
    sql = data.draw(st.sampled_from(_allowed(dialect)))
    call = data.draw(st.sampled_from(FORBIDDEN_CALLS[dialect]))
    at = data.draw(st.sampled_from(_select_positions(sql)))
    verdict = _verdict(f"{sql[:at]}{call} AS injected, {sql[at:]}", dialect)
    assert codes(verdict) & {"function_not_allowed", "table_function_not_allowed"}, verdict.problems


@pytest.mark.parametrize("dialect", DIALECTS)
@PROPERTY_SETTINGS
@given(data=st.data())
def test_inserting_a_forbidden_table_flips_to_refused(dialect: str, data: st.DataObject) -> None:
    sql = data.draw(st.sampled_from(_allowed(dialect)))
    at = data.draw(st.sampled_from(_select_positions(sql)))
    name = data.draw(st.sampled_from(FORBIDDEN_TABLES[dialect]))
    verdict = _verdict(f"{sql[:at]}(SELECT count(*) FROM {name}) AS injected, {sql[at:]}", dialect)
    assert codes(verdict) & {"unknown_table", "system_catalog"}, verdict.problems


@pytest.mark.parametrize("dialect", DIALECTS)
@PROPERTY_SETTINGS
@given(data=st.data())
def test_invisible_characters_anywhere_flip_to_refused(dialect: str, data: st.DataObject) -> None:
    sql = data.draw(st.sampled_from(_allowed(dialect)))
    char = data.draw(
        st.sampled_from(["\u200b", "\ufeff", "\u00a0", "\u2028", "\x0b", "\u202e", "\x00", "\u3000", "\u2066"])
    )
    at = data.draw(st.integers(0, len(sql)))
    assert "invisible_character" in codes(_verdict(sql[:at] + char + sql[at:], dialect))


def test_decimal_results_survive_regeneration(sales_db: duckdb.DuckDBPyConnection) -> None:
    verdict = guard("SELECT sum(amount) AS total FROM sales")
    assert sales_db.cursor().execute(verdict.sql).fetchone() == (Decimal("893.50"),)


def test_as_typed_checks_the_tree_but_keeps_the_typed_text() -> None:
    """A person's SQL: every layer judges the parsed tree, but the text that runs, is
    cross-checked and is hashed is what they typed (minus surrounding blanks and `;`)."""
    seen: list[str] = []

    def cross_check(text: str) -> list[Problem]:
        seen.append(text)
        return []

    typed = "  select x::text from t where x is not null -- mine\n;\n"
    verdict = check_sql(typed, None, "duckdb", cross_check=cross_check, as_typed=True)
    assert verdict.ok and verdict.sql == "select x::text from t where x is not null -- mine"
    assert seen == [verdict.sql] and verdict.checked == "SELECT CAST(x AS TEXT) FROM t WHERE NOT x IS NULL"
    refused = check_sql("select 1; delete from t", None, "duckdb", as_typed=True)
    assert not refused.ok and refused.sql is None
