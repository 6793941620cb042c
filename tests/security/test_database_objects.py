"""Bypasses that live in the database itself, not in the SQL text: a DuckDB macro or PostgreSQL
overload with an allowed name (`upper`) that runs any SQL, schema-qualified calls the allowlist
read as the built-in, and views that show an excluded table or column under another name."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import duckdb
import pytest

from tests.pg_env import PgEnv
from tools.catalog import dependent_views
from tools.databases.base import Limits, QueryResult
from tools.guard import Verdict, check_for

SECRET = "sk-secret-objects-5e1d"


def test_dependent_views_follow_chains() -> None:
    uses = {"main.a": {"main.secret"}, "main.b": {"main.a"}, "main.c": {"main.orders"}, "main.d": {"main.c", "main.b"}}
    assert dependent_views(uses, {"main.secret"}) == {"main.a", "main.b", "main.d"}
    assert dependent_views(uses, {"main.c"}) == {"main.c", "main.d"}
    assert dependent_views(uses, set()) == set()


@pytest.fixture(scope="module")
def duck(tmp_path_factory: pytest.TempPathFactory, sample_db_master: Path) -> Iterator[Any]:
    from tools.databases.duckdb import open_duckdb

    root = tmp_path_factory.mktemp("duckdb-objects")
    path = root / "objects.duckdb"
    shutil.copyfile(sample_db_master, path)
    con = duckdb.connect(str(path))
    con.execute("CREATE TABLE internal_tokens (token VARCHAR)")
    con.execute("INSERT INTO internal_tokens VALUES (?)", [SECRET])
    con.execute("CREATE MACRO upper(x) AS (SELECT max(token) FROM internal_tokens)")
    con.execute("CREATE MACRO range(x) AS TABLE SELECT * FROM internal_tokens")
    con.execute("CREATE VIEW token_view AS SELECT * FROM internal_tokens")
    con.execute("CREATE VIEW token_view_2 AS SELECT token AS t FROM token_view")
    con.execute("CREATE VIEW contacts AS SELECT customer_id, email AS mail FROM customers")
    con.execute("CREATE VIEW customers_all AS SELECT * FROM customers")
    con.execute("CREATE VIEW customer_names AS SELECT customer_id, first_name FROM customers")
    con.close()
    database = open_duckdb(
        path, root / "cache", exclude_tables=("internal_tokens",), exclude_columns=("customers.email",)
    )
    yield database
    database.close()


def _guard(sql: str, database: Any) -> Verdict:
    return check_for(database, sql)


def test_duckdb_macros_that_shadow_allowed_functions_are_refused(duck: Any) -> None:
    catalog = duck.catalog()
    assert {"upper", "range"} <= catalog.user_functions
    # Without the guard the macro really answers with the excluded table.
    leaked = duck.execute("SELECT upper(first_name) AS u FROM customers LIMIT 1", Limits())
    assert isinstance(leaked, QueryResult) and leaked.rows == ((SECRET,),)
    for sql in (
        "SELECT upper(first_name) FROM customers",
        "SELECT * FROM range(3)",
        "SELECT main.upper(first_name) FROM customers",
        "SELECT first_name.upper() FROM customers",
    ):
        verdict = _guard(sql, duck)
        assert not verdict.ok and "function_not_allowed" in {p.code for p in verdict.problems}, sql
    assert _guard("SELECT lower(first_name) FROM customers", duck).ok


def test_duckdb_views_over_excluded_data_are_left_out(duck: Any) -> None:
    names = {t.name for t in duck.catalog().tables}
    assert "customer_names" in names
    assert not names & {"token_view", "token_view_2", "contacts", "customers_all", "internal_tokens"}
    for sql in (
        "SELECT * FROM token_view",
        "SELECT t FROM token_view_2",
        "SELECT mail FROM contacts",
        "SELECT * FROM customers_all",
    ):
        assert not _guard(sql, duck).ok, sql
    assert _guard("SELECT first_name FROM customer_names", duck).ok


@pytest.fixture(scope="module")
def pg_objects(pg: PgEnv) -> Iterator[Any]:
    from tools.databases.postgres import open_postgres

    ro = pg.roles["ro"]
    with pg.admin() as conn:
        conn.execute("CREATE TABLE internal_tokens (token text)")
        conn.execute("INSERT INTO internal_tokens VALUES (%s)", [SECRET])
        conn.execute("ALTER TABLE customers ADD COLUMN email text")
        conn.execute(
            "CREATE FUNCTION public.upper(integer) RETURNS text LANGUAGE sql SECURITY DEFINER "
            "AS $$ SELECT max(token) FROM internal_tokens $$"
        )
        conn.execute("CREATE VIEW token_view AS SELECT * FROM internal_tokens")
        conn.execute("CREATE VIEW token_view_2 AS SELECT token AS t FROM token_view")
        conn.execute("CREATE VIEW contacts AS SELECT customer_id, email AS mail FROM customers")
        conn.execute("CREATE VIEW customer_rows AS SELECT c AS r FROM customers c")
        conn.execute("CREATE VIEW customer_names AS SELECT customer_id, name FROM customers")
        conn.execute(
            f"GRANT SELECT ON internal_tokens, token_view, token_view_2, contacts, customer_rows, "
            f'customer_names TO "{ro}"'
        )
    database = open_postgres(
        pg.dsn("ro"), application_name=pg.app, exclude_tables=("internal_tokens",), exclude_columns=("customers.email",)
    )
    yield database
    database.close()


def test_postgres_overloads_and_qualified_calls_are_refused(pg_objects: Any) -> None:
    catalog = pg_objects.catalog()
    assert "upper" in catalog.user_functions and "sneaky_write" in catalog.user_functions
    leaked = pg_objects.execute("SELECT upper(customer_id) AS u FROM customers LIMIT 1", Limits())
    assert isinstance(leaked, QueryResult) and leaked.rows == ((SECRET,),)
    for sql in (
        "SELECT upper(customer_id) FROM customers",
        "SELECT public.upper(customer_id) FROM customers",
        "SELECT pg_catalog.lower(name) FROM customers",
        "SELECT sneaky_write()",
    ):
        verdict = _guard(sql, pg_objects)
        assert not verdict.ok and "function_not_allowed" in {p.code for p in verdict.problems}, sql
    assert _guard("SELECT lower(name) FROM customers", pg_objects).ok


def test_postgres_views_over_excluded_data_are_left_out(pg_objects: Any) -> None:
    names = {t.name for t in pg_objects.catalog().tables}
    assert {"customer_names", "customers", "order_totals"} <= names
    assert not names & {"token_view", "token_view_2", "contacts", "customer_rows", "internal_tokens"}
    for sql in (
        "SELECT * FROM token_view",
        "SELECT t FROM token_view_2",
        "SELECT mail FROM contacts",
        "SELECT r FROM customer_rows",
    ):
        assert not _guard(sql, pg_objects).ok, sql
    assert _guard("SELECT name FROM customer_names", pg_objects).ok


def test_postgres_extension_functions_are_not_counted_as_the_databases(pg: PgEnv, pg_objects: Any) -> None:
    from tools.databases.postgres import open_postgres

    with pg.admin() as conn:
        available = conn.execute("SELECT count(*) FROM pg_available_extensions WHERE name = 'citext'").fetchone()[0]
        if not available:
            pytest.skip("the citext extension is not installed on this server")
        conn.execute("CREATE EXTENSION IF NOT EXISTS citext")
    database = open_postgres(pg.dsn("ro"), application_name=pg.app)
    try:
        functions = database.catalog().user_functions
        assert "citext" not in functions and "max" not in functions and "upper" in functions
    finally:
        database.close()


def test_postgres_casts_to_row_types_read_like_unknown_types(pg_objects: Any) -> None:
    """`(NULL::customers).email` would confirm a hidden column, `NULL::internal_tokens` an excluded
    table; both are refused exactly like a type that does not exist."""
    answers = {}
    for name in ("customers", "internal_tokens", "no_such_type_xyz"):
        verdict = _guard(f"SELECT (NULL::{name}) IS NULL AS x", pg_objects)
        assert not verdict.ok
        answers[name] = [(p.code, p.message.replace(name, "T")) for p in verdict.problems]
    assert answers["customers"] == answers["internal_tokens"] == answers["no_such_type_xyz"]
    assert _guard("SELECT count(*) FROM orders WHERE status = 'shipped'::order_status", pg_objects).ok
    assert _guard("SELECT 'a'::varchar(3) AS x, 1::int8 AS y, now()::date AS z, '1 day'::interval AS i", pg_objects).ok
