"""Database-defined code (issue 16, classes 2 and 3).

2. A view built on a macro, a function or SQL in a string reads what no name in it says
   (`query_table('internal_tokens')`, a table macro, a PostgreSQL SQL function): while anything is
   excluded, such a view counts as reading everything. It is left out of the catalog with a note:
   not in the schema text, never counted or sampled, and refused like an unknown table.
3. Operators, casts and functions the database defines run its code (a user operator returned an
   excluded table's contents, a user cast its row count): the guard refuses SQL that could resolve
   to them before anything executes it.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import duckdb
import pytest

from tests.pg_env import PgEnv
from tools.catalog import Catalog
from tools.catalog.ddl import render_ddl
from tools.guard import check_for

SECRET = "sk-view-code-7f3a"


def _prompt(catalog: Catalog) -> str:
    """The schema as the model is shown it, with samples and notes."""
    return (
        render_ddl(catalog.tables, catalog.join_hints(), catalog.dialect)
        + json.dumps([[t.name, [[c.name, c.samples] for c in t.columns]] for t in catalog.tables])
        + "\n".join(catalog.exclusion_notes)
    )


# --- DuckDB -------------------------------------------------------------------------------------

_DUCK_VIEWS = {
    "via_table_macro": "SELECT * FROM tokens_t()",
    "via_scalar_macro": "SELECT one_token() AS t",
    "via_query_table": "SELECT * FROM query_table('internal_tokens')",
    "via_query": "SELECT * FROM query('SELECT token FROM internal_tokens')",
    "via_query_column": "SELECT * FROM query('SELECT email FROM customers')",
    "via_shadowing_macro": "SELECT upper(first_name) AS u FROM customers",
    "over_opaque": "SELECT * FROM via_query_table",
}


@pytest.fixture(scope="module")
def duck_path(tmp_path_factory: pytest.TempPathFactory, sample_db_master: Path) -> Path:
    root = tmp_path_factory.mktemp("duckdb-view-code")
    path = root / "code.duckdb"
    shutil.copyfile(sample_db_master, path)
    con = duckdb.connect(str(path))
    con.execute("CREATE TABLE internal_tokens (token VARCHAR)")
    con.execute("INSERT INTO internal_tokens VALUES (?)", [SECRET])
    con.execute("CREATE MACRO tokens_t() AS TABLE SELECT * FROM internal_tokens")
    con.execute("CREATE MACRO one_token() AS (SELECT max(token) FROM internal_tokens)")
    con.execute("CREATE MACRO upper(x) AS (SELECT max(token) FROM internal_tokens)")
    for name, sql in _DUCK_VIEWS.items():
        con.execute(f"CREATE VIEW {name} AS {sql}")
    con.execute("CREATE VIEW customer_names AS SELECT customer_id, lower(first_name) AS n FROM customers")
    # every view really answers with the excluded data
    for name in _DUCK_VIEWS:
        if name != "via_query_column":
            assert SECRET in str(con.execute(f"SELECT * FROM {name}").fetchall()), name
    con.close()
    return path


@pytest.fixture(scope="module")
def duck(duck_path: Path) -> Iterator[Any]:
    from tools.databases.duckdb import open_duckdb

    database = open_duckdb(
        duck_path, duck_path.parent / "cache", exclude_tables=("internal_tokens",), exclude_columns=("customers.email",)
    )
    yield database
    database.close()


def test_duckdb_views_built_on_code_are_left_out(duck: Any) -> None:
    catalog = duck.catalog()
    names = {t.name for t in catalog.tables}
    assert "customer_names" in names
    assert not names & set(_DUCK_VIEWS), names & set(_DUCK_VIEWS)
    prompt = _prompt(catalog)
    assert SECRET not in prompt
    for name in _DUCK_VIEWS:
        if name != "over_opaque":
            assert f"main.{name} is left out too: it calls a function or macro" in prompt, name
        assert not check_for(duck, f"SELECT * FROM {name}").ok, name
    assert check_for(duck, "SELECT n FROM customer_names").ok


def test_duckdb_views_on_code_stay_when_nothing_is_excluded(duck_path: Path) -> None:
    from tools.databases.duckdb import open_duckdb

    copy = duck_path.parent / "copy.duckdb"
    shutil.copyfile(duck_path, copy)
    database = open_duckdb(copy, duck_path.parent / "cache-open")
    try:
        names = {t.name for t in database.catalog().tables}
        assert {"via_query_table", "via_scalar_macro", "customer_names"} <= names
    finally:
        database.close()


# --- PostgreSQL ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def pg_code(pg: PgEnv) -> Iterator[Any]:
    from tools.databases.postgres import open_postgres

    ro = pg.roles["ro"]
    with pg.admin() as conn:
        conn.execute("CREATE TABLE internal_tokens (token text)")
        conn.execute("INSERT INTO internal_tokens VALUES (%s)", [SECRET])
        conn.execute("ALTER TABLE customers ADD COLUMN email text DEFAULT 'hidden@example.com'")
        conn.execute(
            "CREATE FUNCTION public.all_tokens() RETURNS SETOF text LANGUAGE sql SECURITY DEFINER "
            "AS $$ SELECT token FROM internal_tokens $$"
        )
        conn.execute(
            "CREATE FUNCTION public.tag(integer) RETURNS text LANGUAGE sql SECURITY DEFINER "
            "AS $$ SELECT max(token) FROM internal_tokens $$"
        )
        conn.execute("CREATE VIEW via_set_function AS SELECT t FROM public.all_tokens() t")
        conn.execute("CREATE VIEW via_scalar_function AS SELECT customer_id, tag(customer_id) AS t FROM customers")
        conn.execute(
            "CREATE VIEW via_query_to_xml AS SELECT query_to_xml('SELECT token FROM internal_tokens', true, false, '')"
            "::text AS x"
        )
        conn.execute("CREATE VIEW over_opaque AS SELECT * FROM via_scalar_function")
        conn.execute("CREATE VIEW customer_names AS SELECT customer_id, lower(name) AS n FROM customers")
        conn.execute(
            "GRANT SELECT ON internal_tokens, via_set_function, via_scalar_function, via_query_to_xml, over_opaque, "
            f'customer_names TO "{ro}"'
        )
    database = open_postgres(
        pg.dsn("ro"), application_name=pg.app, exclude_tables=("internal_tokens",), exclude_columns=("customers.email",)
    )
    yield database
    database.close()


_PG_VIEWS = ("via_set_function", "via_scalar_function", "via_query_to_xml", "over_opaque")


def test_postgres_views_built_on_code_are_left_out(pg: PgEnv, pg_code: Any) -> None:
    with pg.admin() as conn:  # without the rule these views answer with the excluded table
        for name in _PG_VIEWS:
            assert SECRET in str(conn.execute(f"SELECT * FROM {name}").fetchall()), name
    catalog = pg_code.catalog()
    names = {t.name for t in catalog.tables}
    assert {"customer_names", "customers"} <= names
    assert not names & set(_PG_VIEWS), names & set(_PG_VIEWS)
    prompt = _prompt(catalog)
    assert SECRET not in prompt
    for name in _PG_VIEWS:
        if name != "over_opaque":
            assert f"public.{name} is left out too: it calls a function or macro" in prompt, name
        assert not check_for(pg_code, f"SELECT * FROM {name}").ok, name
    assert check_for(pg_code, "SELECT n FROM customer_names").ok


def test_duckdb_macros_called_directly_are_refused(duck: Any) -> None:
    """Class 3 on DuckDB: a macro is database-defined code; the function allowlist and the macro
    list refuse it under any name and position (DuckDB has no user operators or casts, and a
    cast to a user type, an enum or an alias, runs no code)."""
    assert {"tokens_t", "one_token", "upper"} <= duck.catalog().user_functions
    for sql in (
        "SELECT * FROM tokens_t()",
        "SELECT one_token() AS t",
        "SELECT main.one_token() AS t",
        "SELECT upper(first_name) AS u FROM customers",
        "SELECT * FROM query_table('internal_tokens')",
        "SELECT * FROM query('SELECT token FROM internal_tokens')",
    ):
        verdict = check_for(duck, sql)
        assert not verdict.ok, sql
        assert {p.code for p in verdict.problems} & {"function_not_allowed", "table_function_not_allowed"}, sql
