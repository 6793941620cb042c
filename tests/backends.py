"""`any_db`: the same small dataset, opened read-only, on DuckDB, PostgreSQL, MySQL/MariaDB and SQLite.

The contract tests (tests/tools/test_backend_contract.py) run once per engine against it, so what
`Database` promises (limits, clipping, timeouts, interrupts, read-only refusals, the catalog's
shape, the cross-check, streams) is checked on both by the same assertions. One script builds the
dataset on both engines, in a schema of its own (`contract`) so PostgreSQL's shared test database
(tests/pg_env.py) keeps its own tables; its read-only role is granted what it needs to read it.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.mysql_env import MyEnv
from tests.pg_env import PgEnv

ENGINES = ("duckdb", "postgres", "mysql", "sqlite")

# Portable SQL: it runs unchanged on DuckDB and PostgreSQL.
DATASET_SQL = """
CREATE SCHEMA contract;
CREATE TABLE contract.items (id integer PRIMARY KEY, label text NOT NULL, price numeric(10,2), note text);
CREATE TABLE contract.sales (
    sale_id integer PRIMARY KEY, item_id integer NOT NULL REFERENCES contract.items (id), quantity integer NOT NULL);
INSERT INTO contract.items
    SELECT i, 'item ' || CAST(i AS text), 10 + i, CASE WHEN i % 2 = 0 THEN 'even' END FROM generate_series(1, 60) AS t(i);
INSERT INTO contract.sales SELECT i, i % 60 + 1, 1 + i % 4 FROM generate_series(1, 200) AS t(i);
"""


def _open_duckdb(tmp: Path) -> Any:
    from tools.databases.build import build_from_sql
    from tools.databases.duckdb import open_duckdb

    path = build_from_sql(
        DATASET_SQL, tmp / "dataset.duckdb"
    )  # not contract.duckdb: DuckDB names the catalog after the file
    return open_duckdb(path, tmp / "cache")


def _open_sqlite(tmp: Path) -> Any:
    """The same rows in SQLite, which has no schemas in a file (the tables are in `main`) and no
    generate_series: the schema without `contract.`, the rows from Python."""
    import sqlite3

    from tools.databases.sqlite import open_sqlite_engine

    path = tmp / "dataset.sqlite"
    con = sqlite3.connect(path)
    con.executescript(
        DATASET_SQL.split(";\nINSERT", 1)[0].replace("CREATE SCHEMA contract;", "").replace("contract.", "")
    )
    con.executemany(
        "INSERT INTO items VALUES (?, ?, ?, ?)",
        [(i, f"item {i}", 10 + i, "even" if i % 2 == 0 else None) for i in range(1, 61)],
    )
    con.executemany("INSERT INTO sales VALUES (?, ?, ?)", [(i, i % 60 + 1, 1 + i % 4) for i in range(1, 201)])
    con.commit()
    con.close()
    return open_sqlite_engine(path)  # as the front ends open it: in an engine process


def _open_postgres(env: PgEnv) -> Any:
    from psycopg import sql

    from tools.databases.postgres import open_postgres

    role = sql.Identifier(env.roles["ro"])
    with env.admin() as conn:
        conn.execute(DATASET_SQL)
        conn.execute(sql.SQL("GRANT USAGE ON SCHEMA contract TO {}").format(role))
        conn.execute(sql.SQL("GRANT SELECT ON ALL TABLES IN SCHEMA contract TO {}").format(role))
        conn.execute("ANALYZE contract.items; ANALYZE contract.sales")
    return open_postgres(env.dsn("ro"), application_name=env.app)


def _open_mysql(env: MyEnv) -> Any:
    """MySQL has no schemas inside a database: the dataset goes into a database of its own, named
    for the run (`contract_schema` tells the tests its name)."""
    from tools.databases.mysql import open_mysql

    database = f"{env.database}_contract"
    notes = {i: "'even'" if i % 2 == 0 else "NULL" for i in range(1, 61)}
    items = ", ".join(f"({i}, 'item {i}', {10 + i}, {notes[i]})" for i in range(1, 61))
    sales = ", ".join(f"({i}, {i % 60 + 1}, {1 + i % 4})" for i in range(1, 201))
    conn = env.admin()
    try:
        with conn.cursor() as cur:
            cur.execute(f"CREATE DATABASE `{database}`")
            cur.execute(f"GRANT SELECT, SHOW VIEW ON `{database}`.* TO '{env.users['ro']}'@'%'")
            cur.execute(f"USE `{database}`")
            cur.execute(
                "CREATE TABLE items (id integer PRIMARY KEY, label text NOT NULL, price numeric(10,2), note text)"
            )
            cur.execute(
                "CREATE TABLE sales (sale_id integer PRIMARY KEY, item_id integer NOT NULL, quantity integer NOT NULL, "
                "FOREIGN KEY (item_id) REFERENCES items (id))"
            )
            cur.execute(f"INSERT INTO items VALUES {items}")
            cur.execute(f"INSERT INTO sales VALUES {sales}")
    finally:
        conn.close()
    return open_mysql(env.url("ro", database=database))


def contract_schema(database: Any) -> str:
    """Where the dataset lives on `database`'s engine: `contract`, MySQL's run-named database, or
    SQLite's only schema, `main`."""
    if database.dialect == "mysql":
        return str(database.schema)
    return "main" if database.dialect == "sqlite" else "contract"


def _drop_mysql_contract(env: MyEnv) -> None:
    conn = env.admin()
    try:
        with conn.cursor() as cur:
            cur.execute(f"DROP DATABASE IF EXISTS `{env.database}_contract`")
    finally:
        conn.close()


@pytest.fixture(scope="module", params=ENGINES)
def any_db(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """An opened read-only `Database` over the contract dataset; `database.dialect` names the engine."""
    if request.param == "duckdb":
        database = _open_duckdb(tmp_path_factory.mktemp("backend"))
    elif request.param == "mysql":
        env = request.getfixturevalue("my")
        database = _open_mysql(env)
        request.addfinalizer(lambda: _drop_mysql_contract(env))
    elif request.param == "sqlite":
        database = _open_sqlite(tmp_path_factory.mktemp("backend"))
    else:
        database = _open_postgres(request.getfixturevalue("pg"))
    yield database
    database.close()
