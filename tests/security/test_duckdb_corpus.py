"""DuckDB: the adversarial corpus is refused by the guard, changes nothing even without the guard,
and the legitimate corpus passes and runs with the same results after regeneration."""

from __future__ import annotations

import hashlib
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import duckdb
import pytest

from tests.security.harness import Outcome, Report, classify, files_under, normalized_rows
from tests.security.loader import load
from tools.databases.base import Limits, QueryResult
from tools.databases.duckdb import DuckDBDatabase, open_duckdb
from tools.guard import Verdict, check_for

SECRET_TOKEN = "sk-secret-duckdb-7f3a"
HIDDEN = "email"
# Placeholder for {TMP} while collecting; each test run substitutes its own directory.
ATTACKS = load("duckdb_attacks")
LEGIT = load("duckdb_legit")
TABLES = (
    "categories",
    "customers",
    "order_items",
    "orders",
    "products",
    "regions",
    "returns",
    "salespeople",
    "stores",
    "suppliers",
    "internal_tokens",
)


@pytest.fixture(scope="module")
def paths(tmp_path_factory: pytest.TempPathFactory, sample_db_master: Path) -> dict[str, Path]:
    """attack.duckdb: the sample database plus the table the configuration excludes."""
    root = tmp_path_factory.mktemp("duckdb-security")
    db_dir, tmp, cache = root / "db", root / "tmp", root / "cache"
    for folder in (db_dir, tmp, cache):
        folder.mkdir()
    db_file = db_dir / "attack.duckdb"
    shutil.copyfile(sample_db_master, db_file)
    con = duckdb.connect(str(db_file))
    con.execute("CREATE TABLE internal_tokens (token VARCHAR, owner VARCHAR)")
    con.execute("INSERT INTO internal_tokens VALUES (?, 'ops')", [SECRET_TOKEN])
    con.close()
    return {"db": db_file, "tmp": tmp, "cache": cache}


@pytest.fixture(scope="module")
def db(paths: dict[str, Path]) -> Iterator[DuckDBDatabase]:
    database = open_duckdb(
        paths["db"], paths["cache"], exclude_tables=("internal_tokens",), exclude_columns=(f"customers.{HIDDEN}",)
    )
    yield database
    database.close()


@pytest.fixture(scope="module")
def report() -> Iterator[Report]:
    collected = Report("DuckDB")
    yield collected
    collected.write()


def guard(sql: str, database: DuckDBDatabase) -> Verdict:
    return check_for(database, sql)


def test_corpus_sizes() -> None:
    categories = {e.category for e in ATTACKS}
    assert len(ATTACKS) >= 80 and len(categories) >= 20
    assert {
        "writes_ddl",
        "file_read",
        "file_write",
        "sql_in_string",
        "settings_session",
        "extensions",
        "attach_detach",
        "temp_objects",
        "transactions_maintenance",
        "locks",
        "sleeps",
        "sequences",
        "system_catalog",
        "excluded_table",
        "hidden_column",
        "unicode",
        "comments",
        "multiple_statements",
        "data_modifying_cte",
        "select_into",
        "prepared_statements",
        "explain",
        "copy_stdout",
    } <= categories
    assert len(LEGIT) >= 40
    assert {
        "window",
        "cte",
        "qualify",
        "pivot",
        "grouping_sets",
        "lateral",
        "filter",
        "keywords_as_identifiers",
        "string_literals",
    } <= {e.category for e in LEGIT}
    assert any("DROP TABLE x;" in e.sql for e in LEGIT)


def test_the_catalog_hides_what_is_excluded(db: DuckDBDatabase) -> None:
    catalog = db.catalog()
    assert catalog.find("internal_tokens") is None
    customers = catalog.find("customers")
    assert customers is not None and customers.column(HIDDEN) is None
    assert customers.hidden_columns == (HIDDEN,)


@pytest.mark.parametrize("entry", ATTACKS, ids=[e.id for e in ATTACKS])
def test_attack_is_refused(entry: Any, db: DuckDBDatabase, paths: dict[str, Path]) -> None:
    sql = entry.sql.replace("/nonexistent-tmp", str(paths["tmp"]))
    verdict = guard(sql, db)
    assert not verdict.ok, (entry.line, sql, verdict.sql)
    assert verdict.problems and all(p.message for p in verdict.problems)
    messages = " ".join(p.message for p in verdict.problems)
    assert SECRET_TOKEN not in messages
    if HIDDEN not in sql.lower():  # never name a hidden column the query did not name itself
        assert HIDDEN not in messages.lower(), messages


def _state(db: DuckDBDatabase, paths: dict[str, Path]) -> dict[str, Any]:
    """Everything an attack could change: files, the database bytes, data, settings, objects."""
    limits = Limits(timeout_s=30, max_rows=100_000)
    state: dict[str, Any] = {
        "db_bytes": hashlib.sha256(paths["db"].read_bytes()).hexdigest(),
        "db_dir": files_under(paths["db"].parent),
        "tmp_dir": files_under(paths["tmp"]),
    }
    content = db.execute(
        " UNION ALL ".join(f"SELECT '{table}', count(*), bit_xor(hash(t)) FROM main.{table} t" for table in TABLES)
        + " ORDER BY 1",
        limits,
    )
    assert isinstance(content, QueryResult), content
    state["content"] = content.rows
    for name, sql in {
        "settings": "SELECT name, value FROM duckdb_settings() ORDER BY name",
        "databases": "SELECT database_name, path, readonly FROM duckdb_databases() ORDER BY 1",
        "objects": "SELECT schema_name, table_name, temporary FROM duckdb_tables() ORDER BY ALL",
        "views": "SELECT view_name, temporary FROM duckdb_views() WHERE NOT internal ORDER BY ALL",
        "macros": "SELECT function_name FROM duckdb_functions() WHERE NOT internal ORDER BY 1",
        "sequences": "SELECT sequence_name FROM duckdb_sequences() ORDER BY 1",
    }.items():
        result = db.execute(sql, limits)
        assert isinstance(result, QueryResult), (name, result)
        state[name] = result.rows
    return state


@pytest.fixture(scope="module")
def baseline(db: DuckDBDatabase, paths: dict[str, Path]) -> dict[str, Any]:
    return _state(db, paths)


@pytest.mark.parametrize("entry", ATTACKS, ids=[e.id for e in ATTACKS])
def test_attack_run_without_the_guard_changes_nothing(
    entry: Any,
    db: DuckDBDatabase,
    paths: dict[str, Path],
    report: Report,
    baseline: dict[str, Any],
) -> None:
    """Defense in depth: the hardened connection alone must contain every attack's effects."""
    sql = entry.sql.replace("/nonexistent-tmp", str(paths["tmp"]))
    before = baseline
    try:
        result: Any = db.execute(sql, Limits(timeout_s=1, max_rows=1000))
    except Exception as exc:
        result = exc
    after = _state(db, paths)
    changed = tuple(key for key in before if before[key] != after[key])
    secrets = {"excluded table": SECRET_TOKEN, "hidden column": "@example."}
    kind, detail, leaked = classify(result, secrets)
    report.outcomes.append(Outcome(entry, kind, detail, leaked, changed))
    assert not changed, (entry.line, sql, changed)
    assert "file contents" not in leaked, (entry.line, sql, detail)


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory, sample_db_master: Path) -> Iterator[DuckDBDatabase]:
    root = tmp_path_factory.mktemp("duckdb-legit")
    db_file = root / "sample.duckdb"
    shutil.copyfile(sample_db_master, db_file)
    database = open_duckdb(db_file, root / "cache")
    yield database
    database.close()


@pytest.mark.parametrize("entry", LEGIT, ids=[e.id for e in LEGIT])
def test_legit_query_passes_and_runs_the_same(entry: Any, sample: DuckDBDatabase) -> None:
    verdict = guard(entry.sql, sample)
    assert verdict.ok, (entry.line, verdict.problems)
    assert verdict.sql is not None
    limits = Limits(timeout_s=30, max_rows=100_000)
    regenerated = sample.execute(verdict.sql, limits)
    assert isinstance(regenerated, QueryResult), (verdict.sql, regenerated)
    original = sample.execute(entry.sql, limits)
    if isinstance(original, QueryResult):
        assert normalized_rows(regenerated.rows) == normalized_rows(original.rows), verdict.sql
        assert [c.name for c in regenerated.columns] == [c.name for c in original.columns]
