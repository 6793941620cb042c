"""SQLite: the adversarial corpus is refused by the guard, changes nothing and shows nothing
excluded even without the guard (the hardened connection and its authorizer alone), and is also
run on a plain read-only sqlite3 connection to show what the engine alone lets through; the
legitimate corpus passes and runs with the same results after regeneration."""

from __future__ import annotations

import hashlib
import shutil
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.security.harness import Outcome, Report, classify, files_under, normalized_rows
from tests.security.loader import load
from tests.sqlite_sample import sqlite_sample
from tools.databases.base import Limits, QueryResult
from tools.databases.sqlite import SQLiteDatabase, open_sqlite
from tools.guard import check_for

SECRET_TOKEN = "sk-secret-sqlite-7f3a"
HIDDEN = "email"
ATTACKS = load("sqlite_attacks")
LEGIT = load("sqlite_legit")
SECRETS = {"excluded table": SECRET_TOKEN, "hidden column": "@example."}


@pytest.fixture(scope="module")
def master(tmp_path_factory: pytest.TempPathFactory, sample_db_master: Path) -> Path:
    """The sample ported to SQLite plus the table the configuration excludes."""
    path = sqlite_sample(sample_db_master, tmp_path_factory.mktemp("sqlite-master") / "attack.sqlite")
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE internal_tokens (token TEXT, owner TEXT)")
    con.execute("INSERT INTO internal_tokens VALUES (?, 'ops')", [SECRET_TOKEN])
    con.commit()
    con.close()
    return path


@pytest.fixture(scope="module")
def paths(tmp_path_factory: pytest.TempPathFactory, master: Path) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("sqlite-security")
    db_dir, tmp = root / "db", root / "tmp"
    for folder in (db_dir, tmp):
        folder.mkdir()
    db_file = db_dir / "attack.sqlite"
    shutil.copyfile(master, db_file)
    return {"db": db_file, "tmp": tmp, "root": root}


@pytest.fixture(scope="module")
def db(paths: dict[str, Path]) -> Iterator[SQLiteDatabase]:
    database = open_sqlite(paths["db"], exclude_tables=("internal_tokens",), exclude_columns=(f"customers.{HIDDEN}",))
    yield database
    database.close()


@pytest.fixture(scope="module")
def report() -> Iterator[Report]:
    collected = Report("SQLite")
    yield collected
    collected.write()


@pytest.fixture(scope="module")
def plain_report() -> Iterator[Report]:
    collected = Report("SQLite-plain-read-only")
    yield collected
    collected.write()


def test_corpus_sizes() -> None:
    categories = {e.category for e in ATTACKS}
    assert len(ATTACKS) >= 150 and len(categories) >= 18
    assert {
        "writes_ddl",
        "attach_detach",
        "file_write",
        "file_read",
        "extensions",
        "settings_session",
        "transactions_maintenance",
        "temp_objects",
        "system_catalog",
        "excluded_table",
        "hidden_column",
        "unicode",
        "comments",
        "multiple_statements",
        "data_modifying_cte",
        "explain",
        "values_and_functions",
    } <= categories
    assert len(LEGIT) >= 50
    assert {
        "window",
        "cte",
        "recursive_cte",
        "dates",
        "filter",
        "json",
        "keywords_as_identifiers",
        "string_literals",
    } <= {e.category for e in LEGIT}


def test_the_catalog_hides_what_is_excluded(db: SQLiteDatabase) -> None:
    catalog = db.catalog()
    assert catalog.find("internal_tokens") is None
    customers = catalog.find("customers")
    assert customers is not None and customers.column(HIDDEN) is None
    assert customers.hidden_columns == (HIDDEN,)
    assert len(catalog.tables) == 10


def _sql(entry: Any, tmp: Path) -> str:
    return entry.sql.replace("/nonexistent-tmp", str(tmp))


@pytest.mark.parametrize("entry", ATTACKS, ids=[e.id for e in ATTACKS])
def test_attack_is_refused(entry: Any, db: SQLiteDatabase, paths: dict[str, Path]) -> None:
    sql = _sql(entry, paths["tmp"])
    verdict = check_for(db, sql)
    assert not verdict.ok, (entry.line, sql, verdict.sql)
    assert verdict.problems and all(p.message for p in verdict.problems)
    messages = " ".join(p.message for p in verdict.problems)
    assert SECRET_TOKEN not in messages
    if HIDDEN not in sql.lower():  # never name a hidden column the query did not name itself
        assert HIDDEN not in messages.lower(), messages


def _state(paths: dict[str, Path]) -> dict[str, Any]:
    """Everything an attack could change: the file's bytes, the files beside it and in the
    throwaway folder, and (read on a connection of the test's own) the schema and every row."""
    state: dict[str, Any] = {
        "db_bytes": hashlib.sha256(paths["db"].read_bytes()).hexdigest(),
        "db_dir": files_under(paths["db"].parent),
        "tmp_dir": files_under(paths["tmp"]),
    }
    con = sqlite3.connect(f"file:{paths['db']}?mode=ro", uri=True)
    try:
        state["schema"] = con.execute("SELECT type, name, sql FROM sqlite_schema ORDER BY name").fetchall()
        tables = [name for kind, name, _ in state["schema"] if kind == "table"]
        state["content"] = {
            t: hashlib.sha256(repr(con.execute(f'SELECT * FROM "{t}"').fetchall()).encode()).hexdigest() for t in tables
        }
    finally:
        con.close()
    return state


@pytest.fixture(scope="module")
def baseline(db: SQLiteDatabase, paths: dict[str, Path]) -> dict[str, Any]:
    db.catalog()
    return _state(paths)


@pytest.mark.parametrize("entry", ATTACKS, ids=[e.id for e in ATTACKS])
def test_attack_run_without_the_guard_changes_and_shows_nothing(
    entry: Any, db: SQLiteDatabase, paths: dict[str, Path], report: Report, baseline: dict[str, Any]
) -> None:
    """Defense in depth: the hardened connection alone contains every attack, and on SQLite its
    authorizer also keeps excluded tables and hidden columns out (DuckDB's engine layer cannot)."""
    sql = _sql(entry, paths["tmp"])
    try:
        result: Any = db.execute(sql, Limits(timeout_s=1, max_rows=1000))
    except Exception as exc:
        result = exc
    after = _state(paths)
    changed = tuple(key for key in baseline if baseline[key] != after[key])
    kind, detail, leaked = classify(result, SECRETS)
    report.outcomes.append(Outcome(entry, kind, detail, leaked, changed))
    assert not changed, (entry.line, sql, changed)
    assert not leaked, (entry.line, sql, detail, leaked)


@pytest.mark.parametrize("entry", ATTACKS, ids=[e.id for e in ATTACKS])
def test_attack_on_a_plain_read_only_connection_shows_what_the_engine_alone_allows(
    entry: Any, master: Path, paths: dict[str, Path], plain_report: Report
) -> None:
    """The same statement on a throwaway copy opened `mode=ro` with `query_only`, no authorizer:
    what SQLite's own read-only features leave open (recorded in the engine-only report)."""
    folder = paths["root"] / f"plain-{entry.line}"
    tmp = folder / "tmp"
    tmp.mkdir(parents=True)
    copy = folder / "attack.sqlite"
    shutil.copyfile(master, copy)
    sql = _sql(entry, tmp)
    con = sqlite3.connect(f"file:{copy}?mode=ro", uri=True, isolation_level=None)
    con.execute("PRAGMA query_only = ON")
    try:
        rows = con.execute(sql).fetchmany(1000)
        result: Any = QueryResult((), tuple(rows), False, 0.0)
    except (sqlite3.Error, sqlite3.Warning) as exc:
        result = exc
    finally:
        con.close()
    kind, detail, leaked = classify(result, SECRETS)
    created = tuple(sorted(Path(p).name for p in files_under(tmp)))
    plain_report.outcomes.append(Outcome(entry, kind, detail, leaked, created))
    if entry.category == "attach_detach" and sql.startswith("ATTACH") and str(tmp) in sql and "KEY" not in sql:
        assert created, (entry.line, sql)  # what the authorizer exists for: ATTACH creates a file
    shutil.rmtree(folder)


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory, master: Path) -> Iterator[SQLiteDatabase]:
    root = tmp_path_factory.mktemp("sqlite-legit")
    db_file = root / "sample.sqlite"
    shutil.copyfile(master, db_file)
    database = open_sqlite(db_file, exclude_tables=("internal_tokens",))
    yield database
    database.close()


@pytest.mark.parametrize("entry", LEGIT, ids=[e.id for e in LEGIT])
def test_legit_query_passes_and_runs_the_same(entry: Any, sample: SQLiteDatabase) -> None:
    verdict = check_for(sample, entry.sql)
    assert verdict.ok, (entry.line, verdict.problems)
    assert verdict.sql is not None
    limits = Limits(timeout_s=30, max_rows=100_000)
    regenerated = sample.execute(verdict.sql, limits)
    assert isinstance(regenerated, QueryResult), (verdict.sql, regenerated)
    assert regenerated.rows, verdict.sql  # every entry answers something on the sample
    original = sample.execute(entry.sql, limits)
    assert isinstance(original, QueryResult), (entry.sql, original)
    assert normalized_rows(regenerated.rows) == normalized_rows(original.rows), verdict.sql
    assert [c.name.lower() for c in regenerated.columns] == [c.name.lower() for c in original.columns]
