"""The SQLite backend beyond the contract suite: what its hardening holds on the real engine.

Each layer is shown against what plain sqlite3 does without it: a `mode=ro` + `query_only`
connection still creates a file on ATTACH; the authorizer refuses it, and hidden columns,
excluded tables, system tables and functions off the allowlist, in fixed words. The time limit
holds within limit + 2 s for what the guard accepts, including one function call SQLite cannot
interrupt, and values are bounded.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tools.databases.base import DatabaseOpenError, Limits, QueryError, QueryResult, StreamError
from tools.databases.error_classes import ErrorClass
from tools.databases.sqlite import SQLiteDatabase, ValueLimits, open_sqlite
from tools.databases.sqlite.authorizer import ReadPolicy
from tools.databases.sqlite.connection import connect
from tools.databases.workers import WORKERS
from tools.guard import check_for

SECRET = "sk-sqlite-secret-51c2"
SCHEMA = f"""
CREATE TABLE items (id INTEGER PRIMARY KEY, label TEXT NOT NULL, kind TEXT);
CREATE TABLE people (id INTEGER PRIMARY KEY, name TEXT, email TEXT, shout TEXT AS (upper(email)));
CREATE TABLE secret (token TEXT);
CREATE VIEW v_items AS SELECT id, label FROM items;
CREATE VIEW v_secret AS SELECT token FROM secret;
CREATE VIEW v_over_secret AS SELECT * FROM v_secret;
CREATE VIEW v_people AS SELECT id, email FROM people;
CREATE VIEW v_names AS SELECT id, name FROM people;
CREATE VIEW v_version AS SELECT sqlite_version() AS v;
CREATE TABLE staff (sid INTEGER PRIMARY KEY, email TEXT);
CREATE UNIQUE INDEX staff_email ON staff (email);
CREATE UNIQUE INDEX people_email ON people (email);
CREATE VIEW v_match AS SELECT p.name FROM people p JOIN staff s USING (email);
CREATE TABLE badges (code TEXT, pin TEXT, holder TEXT, PRIMARY KEY (holder, code)) WITHOUT ROWID;
INSERT INTO staff VALUES (1, 'ann@example.com');
INSERT INTO badges VALUES ('b1', '1234', 'Ann');
CREATE TABLE notes (id INTEGER PRIMARY KEY, token TEXT);
INSERT INTO notes VALUES (1, '{SECRET}'), (2, 'other');
CREATE VIEW v_notes_secret AS SELECT n.id FROM notes n JOIN secret USING (token);
INSERT INTO items VALUES (1, 'one', 'odd'), (2, 'two', 'even'), (3, 'three', 'odd');
INSERT INTO people (id, name, email) VALUES (1, 'Ann', 'ann@example.com'), (2, 'Bo', 'bo@example.com');
INSERT INTO secret VALUES ('{SECRET}');
"""


@pytest.fixture(scope="module")
def db_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("sqlite") / "shop.sqlite"
    con = sqlite3.connect(path)
    con.executescript(SCHEMA)
    con.close()
    return path


@pytest.fixture(scope="module")
def db(db_file: Path) -> Iterator[SQLiteDatabase]:
    database = open_sqlite(db_file, exclude_tables=("secret",), exclude_columns=("people.email", "badges.pin"))
    yield database
    database.close()


def _error(outcome: QueryResult | QueryError) -> QueryError:
    assert isinstance(outcome, QueryError), outcome
    return outcome


# -- what the engine alone lets through, and what the hardened connection does -------------------


def test_attach_creates_a_file_on_a_read_only_query_only_connection_but_not_here(
    db: SQLiteDatabase, tmp_path: Path
) -> None:
    tmp_path = tmp_path / "attach"
    tmp_path.mkdir()
    plain = sqlite3.connect(f"file:{db.path}?mode=ro", uri=True)
    plain.execute("PRAGMA query_only = ON")
    plain.execute(f"ATTACH '{tmp_path / 'plain.db'}' AS x")  # the engine alone: a new file
    plain.close()
    assert (tmp_path / "plain.db").exists()
    for name in ("execute.db", "uri.db", "stream.db", "check.db"):
        target = tmp_path / name
        sql = f"ATTACH '{'file:' if name == 'uri.db' else ''}{target}' AS x"
        if name == "stream.db":
            with pytest.raises(StreamError):
                db.stream(sql, 5).close()
        elif name == "check.db":
            assert db.cross_check(sql)
        else:
            assert _error(db.execute(sql, Limits())).error_class is ErrorClass.PERMISSION
        assert not target.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["plain.db"]


def test_the_hardening_reads_back_on_every_connection(db_file: Path) -> None:
    con = connect(db_file, ReadPolicy(), ValueLimits(max_value_bytes=1_000_000))
    try:
        con.set_authorizer(None)  # to read the settings back; statements never run like this
        assert con.execute("PRAGMA query_only").fetchone() == (1,)
        assert con.getlimit(sqlite3.SQLITE_LIMIT_ATTACHED) == 0
        assert con.getlimit(sqlite3.SQLITE_LIMIT_LENGTH) == 1_000_000
        with pytest.raises(sqlite3.OperationalError):
            con.execute("CREATE TABLE t (a)")
        with pytest.raises(sqlite3.OperationalError):  # ATTACH itself: the attach limit
            con.execute("ATTACH ':memory:' AS m")
    finally:
        con.close()


@pytest.mark.parametrize(
    "sql",
    [
        "SELECT * FROM secret",
        "SELECT token FROM v_secret",
        "SELECT * FROM v_over_secret",
        "SELECT email FROM people",
        "SELECT * FROM people",
        "SELECT shout FROM people",  # computed from the hidden column
        "SELECT count(*) FROM secret",
        "SELECT p.name FROM people p JOIN staff s USING (email)",  # no SQLITE_READ: the program says it
        "SELECT p.name FROM people p NATURAL JOIN staff s",
        "SELECT s.sid FROM staff s CROSS JOIN people p USING (email)",  # a seek into people_email
        "SELECT count(*) FROM staff s WHERE EXISTS (SELECT 1 FROM people p NATURAL JOIN staff t WHERE t.sid = s.sid)",
        "SELECT name FROM v_match",
        "SELECT pin FROM badges",
        "SELECT n.id FROM notes n JOIN secret USING (token)",  # no SQLITE_READ for secret at all
        "SELECT n.id FROM notes n NATURAL JOIN secret",
        "SELECT id FROM v_notes_secret",
        "SELECT count(*) FROM notes NATURAL JOIN sqlite_master",
        "SELECT name FROM sqlite_master",
        "SELECT * FROM pragma_table_info('people')",
        "SELECT sqlite_version()",
        "SELECT load_extension('/tmp/x')",
        "SELECT fts3_tokenizer('simple')",
        "PRAGMA query_only = OFF",
        "DELETE FROM items",
        "INSERT INTO items VALUES (9, 'nine', 'odd')",
        "CREATE TEMP TABLE t AS SELECT 1",
        "BEGIN IMMEDIATE",
        "ANALYZE",
        "VACUUM INTO '/tmp/analyst-vacuum-copy.db'",
    ],
)
def test_the_authorizer_refuses_without_the_guard_and_names_nothing(db: SQLiteDatabase, sql: str) -> None:
    error = _error(db.execute(sql, Limits(timeout_s=5)))
    assert error.kind == "error" and error.message.strip()
    assert error.error_class is ErrorClass.PERMISSION or sql.startswith("SELECT 1; SELECT 2"), error
    assert "email" not in error.message and SECRET not in error.message and "shout" not in error.message
    assert not Path("/tmp/analyst-vacuum-copy.db").exists()
    ok = db.execute("SELECT count(*) FROM items", Limits())
    assert isinstance(ok, QueryResult) and ok.rows == ((3,),)


def test_what_is_kept_reads_and_a_cte_may_be_counted(db: SQLiteDatabase) -> None:
    for sql, rows in (
        ("SELECT name FROM people ORDER BY id", (("Ann",), ("Bo",))),
        ("SELECT label FROM v_items ORDER BY id LIMIT 1", (("one",),)),
        ("SELECT name FROM v_names ORDER BY id LIMIT 1", (("Ann",),)),
        ("WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r WHERE n < 5) SELECT count(*) FROM r", ((5,),)),
        ("SELECT kind, count(*) FROM items GROUP BY kind ORDER BY kind", (("even", 1), ("odd", 2))),
        ("SELECT holder, code FROM badges", (("Ann", "b1"),)),  # WITHOUT ROWID: the key comes first
        ("SELECT s.email FROM staff s JOIN people p ON p.id = s.sid", (("ann@example.com",),)),
        ("SELECT count(*) FROM people", ((2,),)),  # may scan people_email for row ids: nothing hidden read
    ):
        result = db.execute(sql, Limits())
        assert isinstance(result, QueryResult) and result.rows == rows, (sql, result)


# -- the catalog -----------------------------------------------------------------------------------


def test_the_catalog_leaves_out_excluded_data_and_what_shows_it(db: SQLiteDatabase) -> None:
    catalog = db.catalog()
    names = {t.name for t in catalog.tables}
    # v_version calls a refused function; v_match compares hidden emails through USING
    assert names == {"items", "people", "staff", "badges", "notes", "v_items", "v_names"}
    badges = catalog.find("badges")
    assert badges is not None and [c.name for c in badges.columns] == ["code", "holder"]
    people = catalog.find("people")
    assert people is not None and [c.name for c in people.columns] == ["id", "name"]
    assert set(people.hidden_columns) == {"email", "shout"}
    assert any("shout" in note and "generated" in note for note in catalog.exclusion_notes)
    assert any("v_version" in note for note in catalog.exclusion_notes)
    items = catalog.find("items")
    assert items is not None and items.row_count == 3 and not items.row_count_estimated
    assert items.column("kind").samples == ("odd", "even")
    assert catalog.dialect == "sqlite" and catalog.default_schema == "main"


def test_without_exclusions_every_view_is_listed_and_the_engine_still_refuses_functions(db_file: Path) -> None:
    database = open_sqlite(db_file)
    try:
        names = {t.name for t in database.catalog().tables}
        assert {"secret", "v_secret", "v_version", "v_people"} <= names
        error = _error(database.execute("SELECT v FROM v_version", Limits()))
        assert error.error_class is ErrorClass.PERMISSION
        assert not check_for(database, "SELECT sqlite_version()").ok
    finally:
        database.close()


def test_a_file_that_is_not_sqlite_is_one_line(tmp_path: Path) -> None:
    fake = tmp_path / "notes.sqlite"
    fake.write_text("hello")
    with pytest.raises(DatabaseOpenError) as failed:
        open_sqlite(fake)
    assert "not a SQLite database" in str(failed.value)
    with pytest.raises(DatabaseOpenError):
        open_sqlite(tmp_path / "missing.sqlite")


# -- time limit and bounded values ---------------------------------------------------------------

HAYSTACK = "printf('%.*c', 1000000, 'a')"
NEEDLE = "printf('%.*c', 500000, 'a') || 'b'"


@pytest.mark.parametrize(
    "sql",
    [
        "WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r) SELECT max(n) FROM r",
        "WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r WHERE n < 3000) "
        "SELECT count(*) FROM r a, r b, r c",
        "WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r) "
        "SELECT max(length(replace(upper(printf('%.*c', 100000, 'x')), 'X', 'yy'))) FROM r",
        # one call SQLite cannot interrupt (~n²/4 byte comparisons): the caller is answered anyway
        f"SELECT instr({HAYSTACK}, {NEEDLE})",
    ],
)
def test_the_time_limit_holds_within_two_seconds_for_what_the_guard_accepts(db: SQLiteDatabase, sql: str) -> None:
    verdict = check_for(db, sql)
    assert verdict.ok and verdict.sql is not None, verdict.problems
    started = time.perf_counter()
    error = _error(db.execute(verdict.sql, Limits(timeout_s=1)))
    elapsed = time.perf_counter() - started
    assert error.kind == "timeout" and error.error_class is ErrorClass.TIMEOUT, error
    assert elapsed < 1 + 2 + 0.5, elapsed
    assert WORKERS.wait_idle(60)  # the abandoned call ends on its own; later tests get the cores back


@pytest.mark.parametrize(
    "sql",
    [
        "SELECT randomblob(20000000)",
        "SELECT zeroblob(20000000)",
        "SELECT length(printf('%.*c', 20000000, 'x'))",
        "SELECT length(replace(printf('%.*c', 9000000, 'x'), 'x', 'xx'))",
        "WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r WHERE n < 3000) "
        "SELECT length(group_concat(printf('%.*c', 10000, 'x'), '')) FROM r",
    ],
)
def test_no_value_grows_past_the_cap(db: SQLiteDatabase, db_file: Path, sql: str) -> None:
    """The cap holds on the connection itself, with every function allowed (randomblob and
    zeroblob are off the allowlist too); through the backend the statement fails the same way."""
    con = connect(db_file, ReadPolicy(), ValueLimits())
    try:
        value = con.execute(sql).fetchone()
        assert value == (None,), value  # printf gives NULL rather than an error
    except sqlite3.DataError as exc:
        assert exc.sqlite_errorname == "SQLITE_TOOBIG"
    finally:
        con.close()
    outcome = db.execute(sql, Limits(timeout_s=10))
    if isinstance(outcome, QueryResult):
        assert outcome.rows == ((None,),), outcome.rows
    else:
        assert outcome.error_class in (ErrorClass.RESOURCES, ErrorClass.PERMISSION), outcome


@pytest.mark.parametrize(
    ("sql", "kind"),
    [
        ("SELECT nope FROM items", ErrorClass.UNKNOWN_NAME),
        ("SELECT * FROM nowhere", ErrorClass.UNKNOWN_NAME),
        ("SELECT id FROM items a, items b", ErrorClass.AMBIGUOUS),
        ("SELEC 1", ErrorClass.SYNTAX),
        ("SELECT 1; SELECT 2", ErrorClass.SYNTAX),
        ("SELECT count(*) FROM items WHERE count(*) > 1", ErrorClass.GROUPING),
        ("SELECT json_extract('{', '$.a')", ErrorClass.INVALID_VALUE),
    ],
)
def test_errors_carry_a_class_that_quotes_no_value(db: SQLiteDatabase, sql: str, kind: ErrorClass) -> None:
    assert _error(db.execute(sql, Limits())).error_class is kind


def test_the_cross_check_reads_the_program_for_hidden_columns(db: SQLiteDatabase) -> None:
    assert db.cross_check("SELECT s.sid FROM staff s JOIN people p ON p.id = s.sid") == []
    for sql in ("SELECT p.name FROM people p JOIN staff s USING (email)", "SELECT name FROM people NATURAL JOIN staff"):
        problems = db.cross_check(sql)
        assert problems and "email" not in problems[0].message, sql


def test_reads_alike_compares_the_compiled_programs(db: SQLiteDatabase) -> None:
    assert db.reads_alike("select label from items where id < 3", "SELECT label FROM items WHERE id < 3")
    assert not db.reads_alike("SELECT label FROM items", "SELECT kind FROM items")
    assert not db.reads_alike("SELECT email FROM people", "SELECT email FROM people")  # refused: never alike


def test_the_sqlite_allowlist_names_functions_sqlite_has_and_none_it_refuses() -> None:
    """Every allowed name is a function of this SQLite, or one of the later additions named in
    tools/sql_functions.py; none of the refused ones slipped in."""
    from tools.sql_functions import refusal_reason, safe_function_names

    allowed = safe_function_names("sqlite")
    con = sqlite3.connect(":memory:")
    try:
        present = {str(r[0]) for r in con.execute("SELECT name FROM pragma_function_list").fetchall()}
    finally:
        con.close()
    later = {"concat", "concat_ws", "string_agg", "unhex", "timediff", "octet_length", "if"}  # SQLite 3.41-3.47
    assert allowed - present <= later, allowed - present - later
    refused = {"load_extension", "fts3_tokenizer", "sqlite_version", "changes", "randomblob", "zeroblob", "sqlite_log"}
    assert not allowed & refused
    assert "native code" in refusal_reason("load_extension")


def test_a_hidden_integer_primary_key_is_hidden_as_the_row_id_too(tmp_path: Path) -> None:
    """An INTEGER PRIMARY KEY is the row id: `rowid` names it, and joins compare it with row id
    instructions the authorizer never hears of; both are refused, plain reads still run."""
    path = tmp_path / "keys.sqlite"
    con = sqlite3.connect(path)
    con.executescript(
        "CREATE TABLE cust (cid INTEGER PRIMARY KEY, name TEXT, city TEXT); CREATE INDEX cust_city ON cust (city);"
        "CREATE TABLE ord (oid2 INTEGER PRIMARY KEY, cid INTEGER, amount REAL);"
        "INSERT INTO cust VALUES (7, 'a', 'x'), (9, 'b', 'y'); INSERT INTO ord VALUES (1, 7, 1.0), (2, 9, 2.0), (3, 8, 3.0);"
    )
    con.close()
    database = open_sqlite(path, exclude_columns=("cust.cid",))
    try:
        for sql in (
            "SELECT rowid FROM cust",
            "SELECT _rowid_ FROM cust",
            "SELECT o.amount FROM ord o JOIN cust c USING (cid)",
            "SELECT o.amount FROM ord o NATURAL JOIN cust c",
            "SELECT amount FROM ord WHERE cid IN (SELECT oid FROM cust)",
        ):
            assert _error(database.execute(sql, Limits())).error_class is ErrorClass.PERMISSION, sql
        for sql, rows in (
            ("SELECT name FROM cust WHERE city = 'x'", (("a",),)),
            ("SELECT count(*) FROM cust", ((2,),)),
            ("SELECT name FROM cust ORDER BY city", (("a",), ("b",))),
        ):
            result = database.execute(sql, Limits())
            assert isinstance(result, QueryResult) and result.rows == rows, (sql, result)
    finally:
        database.close()


def test_a_result_exports_to_parquet_with_types_from_its_values(db: SQLiteDatabase, tmp_path: Path) -> None:
    import duckdb

    from tools.result_export import ExportJob

    sql = "SELECT id, id * 1.5 AS half, label, CASE WHEN id = 2 THEN 2.5 ELSE id END AS mixed FROM items ORDER BY id"
    target = tmp_path / "items.parquet"
    assert ExportJob(db, sql, target, "parquet").run() == 3
    con = duckdb.connect()
    try:
        described = con.execute(f"DESCRIBE SELECT * FROM '{target}'").fetchall()
        rows = con.execute(f"SELECT * FROM '{target}' ORDER BY id").fetchall()
    finally:
        con.close()
    assert [(r[0], r[1]) for r in described] == [
        ("id", "BIGINT"),
        ("half", "DOUBLE"),
        ("label", "VARCHAR"),
        ("mixed", "DOUBLE"),
    ]
    assert rows == [(1, 1.5, "one", 1.0), (2, 3.0, "two", 2.5), (3, 4.5, "three", 3.0)]


def test_a_writer_holding_the_file_costs_no_more_than_the_time_limit(tmp_path: Path) -> None:
    """Another program writing (an exclusive lock, rollback journal): the statement waits for the
    lock on its worker thread, at most the time limit, and then says the database is busy."""
    path = tmp_path / "busy.sqlite"
    setup = sqlite3.connect(path)
    setup.executescript("CREATE TABLE t (a INTEGER); INSERT INTO t VALUES (1);")
    setup.close()
    database = open_sqlite(path)
    database.catalog()
    writer = sqlite3.connect(path, isolation_level=None)
    writer.execute("BEGIN EXCLUSIVE")
    try:
        started = time.perf_counter()
        outcome = database.execute("SELECT a FROM t", Limits(timeout_s=1))
        assert time.perf_counter() - started < 1 + 2 + 0.5
        assert isinstance(outcome, QueryError) and outcome.error_class in (ErrorClass.CONNECTION, ErrorClass.TIMEOUT)
        assert str(tmp_path) not in outcome.message  # the model is not told local paths
    finally:
        writer.execute("ROLLBACK")
        writer.close()
    assert database.execute("SELECT a FROM t", Limits()).rows == ((1,),)
    database.close()
