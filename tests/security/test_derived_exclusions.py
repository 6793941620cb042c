"""Excluded data that another object of the database shows under its own name (issue 16, classes
4 and 5), now excluded with it:

4. A generated (computed) column whose expression reads a hidden column shows its values
   (`upper(ssn)`, `right(ssn, 4)`), on both engines: it is hidden too, and so is a generated column
   computed from that one.
5. PostgreSQL inheritance and declarative partitioning: a parent's scan returns its children's
   rows, so excluding a child or a partition excludes its parent (`ONLY` included), every view over
   the parent, and excluding a parent excludes its children. A hidden column goes up and down the
   tree the same way. Sibling tables share no rows and stay.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import duckdb
import pytest

from tests.helpers import run_cli
from tests.pg_env import PgEnv
from tests.security.test_exclusion_bypasses import _ask, _url
from tools.catalog import Catalog, exclusion_warnings
from tools.catalog.ddl import render_ddl
from tools.catalog.derived import excluded_relations, hidden_columns
from tools.databases.base import Limits, QueryResult
from tools.guard import check_for

SSN = ("111-22-3333", "444-55-6666")


def _prompt(catalog: Catalog) -> str:
    """The schema as the model is shown it, with the samples and comments."""
    return render_ddl(catalog.tables, catalog.join_hints(), catalog.dialect) + json.dumps(
        [[t.name, [[c.name, c.samples] for c in t.columns]] for t in catalog.tables]
    )


# --- the rules, as plain values -------------------------------------------------------------------


def test_excluding_a_child_takes_its_ancestors_but_not_its_siblings() -> None:
    parents = {("s", "c1"): {("s", "p")}, ("s", "c2"): {("s", "p")}, ("s", "gc"): {("s", "c1")}}
    assert excluded_relations({("s", "c1")}, parents) == {("s", "c1"), ("s", "gc"), ("s", "p")}
    assert excluded_relations({("s", "gc")}, parents) == {("s", "gc"), ("s", "c1"), ("s", "p")}
    assert excluded_relations({("s", "p")}, parents) == {("s", "p"), ("s", "c1"), ("s", "c2"), ("s", "gc")}
    assert excluded_relations(set(), parents) == set()


def test_hidden_columns_follow_generated_columns_and_the_tree() -> None:
    parents = {("s", "c1"): {("s", "p")}, ("s", "c2"): {("s", "p")}}
    columns = {rel: ["id", "pay", "g", "h"] for rel in (("s", "p"), ("s", "c1"), ("s", "c2"))}
    generated = {
        **{(s, t, "g"): frozenset({"PAY"}) for s, t in columns},
        **{(s, t, "h"): frozenset({"g"}) for s, t in columns},
    }
    hidden = hidden_columns({("s", "c1", "pay")}, generated, parents, columns)
    assert hidden == {(t[0], t[1], c) for t in (("s", "p"), ("s", "c1")) for c in ("pay", "g", "h")}
    # an expression that could not be read counts as reading every column of its table
    assert hidden_columns({("s", "t", "a")}, {("s", "t", "b"): None}, {}, {}) == {("s", "t", "a"), ("s", "t", "b")}
    assert hidden_columns({("s", "t", "a")}, {("s", "t", "b"): frozenset({"c"})}, {}, {}) == {("s", "t", "a")}


# --- 4. generated columns on DuckDB ----------------------------------------------------------------


@pytest.fixture
def generated_db(tmp_path: Path) -> Path:
    path = tmp_path / "people.duckdb"
    con = duckdb.connect(str(path))
    con.execute(
        "CREATE TABLE people (person_id INTEGER, ssn VARCHAR, name VARCHAR, "
        "ssn_upper VARCHAR GENERATED ALWAYS AS (upper(ssn)) VIRTUAL, "
        "ssn_tail VARCHAR AS (right(ssn_upper, 4)), name_len INTEGER AS (length(name)))"
    )
    con.execute(f"INSERT INTO people (person_id, ssn, name) VALUES (1, '{SSN[0]}', 'Ann'), (2, '{SSN[1]}', 'Bo')")
    con.execute("CREATE VIEW tails AS SELECT person_id, ssn_tail FROM people")
    con.close()
    return path


DUCK_GENERATED_READS = [
    "SELECT ssn_upper FROM people",
    "SELECT ssn_tail FROM people",
    "SELECT p.ssn_tail FROM people AS p",
    "SELECT * FROM people",
    "SELECT ssn_tail FROM tails",
    "SELECT count(*) FROM people WHERE ssn_tail = '3333'",
]


def test_duckdb_generated_columns_over_a_hidden_column_are_hidden(generated_db: Path, tmp_path: Path) -> None:
    from tools.databases.duckdb import open_duckdb

    db = open_duckdb(generated_db, tmp_path / "cache", exclude_columns=("people.ssn",))
    try:
        catalog = db.catalog()
        people = catalog.find("people")
        assert people is not None
        assert set(people.hidden_columns) == {"ssn", "ssn_upper", "ssn_tail"}
        assert [c.name for c in people.columns] == ["person_id", "name", "name_len"]
        assert catalog.find("tails") is None  # a view reading the generated column goes too
        prompt = _prompt(catalog)
        assert "ssn" not in prompt and "3333" not in prompt and "6666" not in prompt
        for sql in DUCK_GENERATED_READS:
            assert not check_for(db, sql).ok, sql
        assert check_for(db, "SELECT name, name_len FROM people").ok  # computed from a visible column
        assert exclusion_warnings(catalog, "db") == [
            f"main.people.{name} is hidden too: it is a generated column computed from a hidden column"
            for name in ("ssn_tail", "ssn_upper")
        ]
    finally:
        db.close()


def test_duckdb_without_exclusions_the_generated_columns_stay(generated_db: Path, tmp_path: Path) -> None:
    from tools.databases.duckdb import open_duckdb

    db = open_duckdb(generated_db, tmp_path / "cache", exclude_columns=("people.name",))
    try:
        people = db.catalog().find("people")
        assert people is not None and set(people.hidden_columns) == {"name", "name_len"}
        assert people.column("ssn_tail") is not None
    finally:
        db.close()


def test_duckdb_ask_selecting_the_generated_column_returns_nothing(
    capsys: Any, generated_db: Path, tmp_path: Path
) -> None:
    result = _ask(capsys, str(generated_db), "SELECT ssn_tail FROM people", tmp_path, "--exclude-column", "people.ssn")
    assert "3333" not in result.out and result.json()["rows"] == []  # refused: the model gives up
    schema = run_cli(["schema", "--db", str(generated_db), "--exclude-column", "people.ssn"], capsys)
    assert schema.code == 0 and "ssn" not in schema.out and "3333" not in schema.out


# --- 4 and 5 on PostgreSQL -------------------------------------------------------------------------

_PG_OBJECTS = f"""
CREATE TABLE people_gen (person_id int, ssn text, name text,
    ssn_upper text GENERATED ALWAYS AS (upper(ssn)) STORED,
    name_len int GENERATED ALWAYS AS (length(name)) STORED);
INSERT INTO people_gen (person_id, ssn, name) VALUES (1, '{SSN[0]}', 'Ann'), (2, '{SSN[1]}', 'Bo');
CREATE VIEW people_upper AS SELECT person_id, ssn_upper FROM people_gen;

CREATE TABLE events (event_id int, kind text, payload text);
CREATE TABLE events_secret () INHERITS (events);
CREATE TABLE events_public () INHERITS (events);
INSERT INTO events VALUES (1, 'base', 'base-payload');
INSERT INTO events_secret VALUES (2, 'secret', 'secret-payload-77');
INSERT INTO events_public VALUES (3, 'public', 'public-payload');
CREATE VIEW events_all AS SELECT event_id, kind FROM events;

CREATE TABLE readings (reading_id int, region text, value int) PARTITION BY LIST (region);
CREATE TABLE readings_eu PARTITION OF readings FOR VALUES IN ('eu');
CREATE TABLE readings_us PARTITION OF readings FOR VALUES IN ('us');
INSERT INTO readings VALUES (1, 'eu', 10), (2, 'us', 20);
CREATE VIEW readings_view AS SELECT reading_id, value FROM readings;
ANALYZE people_gen; ANALYZE events; ANALYZE events_secret; ANALYZE readings;
"""


@pytest.fixture(scope="module")
def pg_derived(pg: PgEnv) -> PgEnv:
    ro = pg.roles["ro"]
    with pg.admin() as conn:
        conn.execute(_PG_OBJECTS)
        # the role may read the parents but not the secret child: PostgreSQL checks only the parent
        conn.execute(
            f'GRANT SELECT ON people_gen, people_upper, events, events_public, events_all, readings, readings_view TO "{ro}"'
        )
    return pg


@pytest.fixture
def pg_open(pg_derived: PgEnv) -> Iterator[Any]:
    from tools.databases.postgres import open_postgres

    opened: list[Any] = []

    def _open(**exclusions: tuple[str, ...]) -> Any:
        database = open_postgres(pg_derived.dsn("ro"), application_name=pg_derived.app, **exclusions)
        opened.append(database)
        return database

    yield _open
    for database in opened:
        database.close()


def test_postgres_parent_really_shows_the_childs_rows(pg_open: Any) -> None:
    db = pg_open()
    leaked = db.execute("SELECT payload FROM events ORDER BY event_id", Limits())
    assert isinstance(leaked, QueryResult) and ("secret-payload-77",) in leaked.rows  # what 5 is about


def test_postgres_generated_columns_over_a_hidden_column_are_hidden(pg_open: Any) -> None:
    db = pg_open(exclude_columns=("people_gen.ssn",))
    catalog = db.catalog()
    people = catalog.find("people_gen")
    assert people is not None and set(people.hidden_columns) == {"ssn", "ssn_upper"}
    assert [c.name for c in people.columns] == ["person_id", "name", "name_len"]
    assert catalog.find("people_upper") is None
    prompt = _prompt(catalog)
    assert "ssn" not in prompt and "3333" not in prompt
    for sql in (
        "SELECT ssn_upper FROM people_gen",
        "SELECT * FROM people_gen",
        "SELECT p FROM people_gen p",
        "SELECT ssn_upper FROM people_upper",
    ):
        assert not check_for(db, sql).ok, sql
    assert check_for(db, "SELECT name, name_len FROM people_gen").ok
    assert exclusion_warnings(catalog, "db") == [
        "public.people_gen.ssn_upper is hidden too: it is a generated column computed from a hidden column"
    ]


def test_postgres_ask_selecting_the_generated_column_returns_nothing(
    pg_derived: PgEnv, capsys: Any, tmp_path: Path
) -> None:
    sql = "SELECT ssn_upper FROM people_gen"
    result = _ask(capsys, _url(pg_derived), sql, tmp_path, "--exclude-column", "people_gen.ssn")
    assert "3333" not in result.out and result.json()["rows"] == []


def test_postgres_the_person_is_told_what_else_was_left_out(pg_derived: PgEnv, capsys: Any, analyst_home: Path) -> None:
    (analyst_home / "config.toml").write_text('exclude_tables = ["events_secret"]\n')
    result = run_cli(["schema", "--db", _url(pg_derived), "--format", "json"], capsys)
    assert result.code == 0, result.err
    assert "analyst: warning: public.events is left out too: a query on it returns rows of the excluded " in result.err
    assert '"public.events"' not in result.out and "events_public" in result.out


EVENTS_READS = [
    "SELECT payload FROM events",
    "SELECT payload FROM ONLY events",
    "SELECT * FROM ONLY events",
    "SELECT kind FROM events_all",
    "SELECT payload FROM events_secret",
]


def test_postgres_excluding_a_child_excludes_its_parent(pg_open: Any) -> None:
    db = pg_open(exclude_tables=("events_secret",))
    catalog = db.catalog()
    names = {t.name for t in catalog.tables}
    assert not names & {"events", "events_secret", "events_all"}
    assert "events_public" in names  # a sibling shares no rows
    for sql in EVENTS_READS:
        assert not check_for(db, sql).ok, sql
    assert check_for(db, "SELECT payload FROM events_public").ok
    assert exclusion_warnings(catalog, "db") == [
        "public.events is left out too: a query on it returns rows of the excluded public.events_secret "
        "(table inheritance or partitioning)"
    ]


def test_postgres_excluding_a_parent_excludes_its_children(pg_open: Any) -> None:
    db = pg_open(exclude_tables=("events",))
    catalog = db.catalog()
    names = {t.name for t in catalog.tables}
    assert not names & {"events", "events_secret", "events_public", "events_all"}
    assert exclusion_warnings(catalog, "db") == [
        "public.events_public is left out too: its rows are part of the excluded public.events "
        "(table inheritance or partitioning)"
    ]
    assert not check_for(db, "SELECT payload FROM events_public").ok


def test_postgres_excluding_a_partition_excludes_the_partitioned_table(pg_open: Any) -> None:
    db = pg_open(exclude_tables=("readings_eu",))
    catalog = db.catalog()
    names = {t.name for t in catalog.tables}
    assert not names & {"readings", "readings_eu", "readings_view"}
    for sql in ("SELECT value FROM readings", "SELECT value FROM ONLY readings", "SELECT value FROM readings_view"):
        assert not check_for(db, sql).ok, sql
    # the partition matched, though it is never listed; the person is told why readings went
    assert exclusion_warnings(catalog, "db") == [
        "public.readings is left out too: a query on it returns rows of the excluded public.readings_eu "
        "(table inheritance or partitioning)"
    ]


def test_postgres_a_hidden_column_of_a_child_is_hidden_in_the_parent(pg_open: Any) -> None:
    db = pg_open(exclude_columns=("events_secret.payload",))
    catalog = db.catalog()
    events, public = catalog.find("events"), catalog.find("events_public")
    assert events is not None and events.hidden_columns == ("payload",)
    assert public is not None and public.column("payload") is not None  # a sibling's own values
    assert catalog.find("events_all") is not None  # reads no hidden column
    for sql in ("SELECT payload FROM events", "SELECT payload FROM ONLY events", "SELECT e FROM events e"):
        assert not check_for(db, sql).ok, sql
    assert "secret-payload" not in _prompt(catalog)


def test_postgres_a_hidden_column_of_a_partition_is_hidden_in_the_parent(pg_open: Any) -> None:
    db = pg_open(exclude_columns=("readings_us.value",))
    catalog = db.catalog()
    readings = catalog.find("readings")
    assert readings is not None and readings.hidden_columns == ("value",)
    assert catalog.find("readings_view") is None
    assert not check_for(db, "SELECT value FROM readings").ok
    assert exclusion_warnings(catalog, "db") == [
        "public.readings.value is hidden too: it holds the values of the same column of a parent or child "
        "table, which is hidden"
    ]


# --- DuckDB's equivalent: a file whose name is a glob reads other files -------------------------------


def _folder(root: Path) -> Path:
    root.mkdir()
    for name, value in (
        ("secret.csv", "secret-value-41"),
        ("s?cret.csv", "question"),
        ("[s]ecret.csv", "bracket"),
        ("x*.csv", "star"),
        ("xy.csv", "plain"),
    ):
        (root / name).write_text(f"id,v\n1,{value}\n")
    return root


def test_duckdb_file_named_like_a_glob_reads_only_itself(tmp_path: Path) -> None:
    from tools.databases.duckdb import open_duckdb

    db = open_duckdb(_folder(tmp_path / "data"), tmp_path / "cache", exclude_tables=("secret",))
    try:
        catalog = db.catalog()
        seen: dict[str, tuple[Any, ...]] = {}
        for table in catalog.tables:
            verdict = check_for(db, f"SELECT v FROM {table.name}")
            assert verdict.ok, table.name
            result = db.execute(verdict.sql or "", Limits())
            assert isinstance(result, QueryResult), result
            seen[table.name] = result.rows
        assert seen == {"s_cret": (("question",),), "s_ecret": (("bracket",),), "x": (("star",),), "xy": (("plain",),)}
        assert "secret-value" not in _prompt(catalog)
    finally:
        db.close()


def test_duckdb_one_file_named_like_a_glob_does_not_read_its_neighbours(tmp_path: Path) -> None:
    from tools.databases.duckdb import open_duckdb

    folder = _folder(tmp_path / "data")
    db = open_duckdb(folder / "x*.csv", tmp_path / "cache")
    try:
        (table,) = db.catalog().tables
        result = db.execute(f"SELECT v FROM {table.name}", Limits())
        assert isinstance(result, QueryResult) and result.rows == (("star",),)  # not xy.csv's row too
    finally:
        db.close()
