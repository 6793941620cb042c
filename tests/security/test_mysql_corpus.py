"""MySQL/MariaDB: the adversarial corpus is refused by the guard, changes nothing when run directly
as the read-only account, and the legitimate corpus passes and runs with the same results. What
the engine alone lets through (the attacks run as root inside a READ ONLY transaction) goes into
the engine-only report."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.mysql_env import MyEnv
from tests.security.harness import Outcome, Report, classify, files_under, normalized_rows
from tests.security.loader import load
from tools.databases.base import Limits, QueryResult
from tools.guard import check_for

HIDDEN = "email"
ATTACKS = load("mysql_attacks")
LEGIT = load("mysql_legit")
TABLES = ("customers", "orders", "secret_salaries")
# Statements that run as root only where a READ ONLY transaction and a rollback contain them:
# the rest (DDL commits on its own, SET GLOBAL, KILL, SHUTDOWN) would change the shared server.
ROOT_SAFE = frozenset(
    {"file_read", "file_write", "user_variables", "sleeps", "system_catalog", "excluded_table", "hidden_column"}
)


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    return {"tmp": tmp_path_factory.mktemp("mysql-security")}


@pytest.fixture(scope="module")
def db(my: MyEnv) -> Iterator[Any]:
    from tools.databases.mysql import open_mysql

    database = open_mysql(my.url("ro"), exclude_tables=("secret_salaries",), exclude_columns=(f"customers.{HIDDEN}",))
    yield database
    database.close()


@pytest.fixture(scope="module")
def report() -> Iterator[Report]:
    collected = Report("MySQL")
    yield collected
    collected.write()


@pytest.fixture(scope="module")
def root_report() -> Iterator[Report]:
    collected = Report("MySQL as root in a READ ONLY transaction")
    yield collected
    collected.write()


def test_corpus_sizes() -> None:
    categories = {e.category for e in ATTACKS}
    assert len(ATTACKS) >= 60 and len(categories) >= 15
    assert {
        "file_read",
        "file_write",
        "locks",
        "sleeps",
        "user_variables",
        "hidden_column",
        "excluded_table",
    } <= categories
    assert len(LEGIT) >= 30


def test_the_catalog_hides_what_is_excluded(db: Any) -> None:
    catalog = db.catalog()
    names = {t.name for t in catalog.tables}
    assert {"secret_salaries", "salaries_view", "customer_emails"}.isdisjoint(
        names
    )  # the table, views over hidden data
    assert {"customers", "orders", "order_counts"} <= names
    customers = catalog.find("customers")
    assert customers is not None and customers.column(HIDDEN) is None and customers.column("email_domain") is None
    assert set(customers.hidden_columns) == {HIDDEN, "email_domain"}  # the generated column shows the hidden one


@pytest.mark.parametrize("entry", ATTACKS, ids=[e.id for e in ATTACKS])
def test_attack_is_refused(entry: Any, db: Any, env: dict[str, Any]) -> None:
    sql = entry.sql.replace("/nonexistent-tmp", str(env["tmp"]))
    verdict = check_for(db, sql)
    assert not verdict.ok, (entry.line, sql, verdict.sql)
    assert verdict.problems and all(p.message for p in verdict.problems)
    messages = " ".join(p.message for p in verdict.problems)
    if HIDDEN not in sql.lower():
        assert HIDDEN not in messages.lower(), messages


def _state(my: MyEnv, db: Any, env: dict[str, Any]) -> dict[str, Any]:
    state: dict[str, Any] = {"tmp_dir": files_under(env["tmp"])}
    for table in TABLES:
        state[table] = my.run(f"CHECKSUM TABLE `{table}` EXTENDED")
    state["relations"] = my.run(
        f"SELECT GROUP_CONCAT(TABLE_NAME, ':', TABLE_TYPE ORDER BY TABLE_NAME) FROM information_schema.TABLES "
        f"WHERE TABLE_SCHEMA = '{my.database}'"
    )
    state["routines"] = my.run(
        f"SELECT COUNT(*) FROM information_schema.ROUTINES WHERE ROUTINE_SCHEMA = '{my.database}'"
    )
    state["users"] = my.run("SELECT COUNT(*) FROM mysql.user WHERE User = 'pwned'")
    state["globals"] = my.run("SELECT @@GLOBAL.max_connections, @@GLOBAL.sql_mode, @@GLOBAL.read_only")
    session = db.execute("SELECT @@SESSION.sql_mode, @@SESSION.tx_read_only, @@SESSION.time_zone", Limits(timeout_s=10))
    state["session"] = session.rows if isinstance(session, QueryResult) else session
    return state


@pytest.fixture(scope="module")
def baseline(my: MyEnv, db: Any, env: dict[str, Any]) -> dict[str, Any]:
    return _state(my, db, env)


@pytest.mark.parametrize("entry", ATTACKS, ids=[e.id for e in ATTACKS])
def test_attack_run_without_the_guard_changes_nothing(
    entry: Any, my: MyEnv, db: Any, env: dict[str, Any], report: Report, baseline: dict[str, Any]
) -> None:
    """Defense in depth: the read-only account, the READ ONLY transaction, one statement per call
    and the rollback alone must contain every attack's effects."""
    sql = entry.sql.replace("/nonexistent-tmp", str(env["tmp"]))
    try:
        result: Any = db.execute(sql, Limits(timeout_s=1, max_rows=1000))
    except Exception as exc:
        result = exc
    after = _state(my, db, env)
    changed = tuple(key for key in baseline if baseline[key] != after[key])
    kind, detail, leaked = classify(result, {"excluded table": "'ann'", "hidden column": "@example.org"})
    report.outcomes.append(Outcome(entry, kind, detail, leaked, changed))
    assert not changed, (entry.line, sql, changed, {k: (baseline[k], after[k]) for k in changed})
    assert "file contents" not in leaked, (entry.line, sql, detail)
    assert not list(Path(env["tmp"]).iterdir())


@pytest.mark.parametrize("entry", [e for e in ATTACKS if e.category in ROOT_SAFE], ids=lambda e: e.id)
def test_what_the_engine_alone_lets_a_privileged_account_do(
    entry: Any, my: MyEnv, env: dict[str, Any], root_report: Report
) -> None:
    """Recorded, not asserted: root inside `START TRANSACTION READ ONLY` (the engine's own
    read-only layer) still reads server files and hidden data; hence the account check."""
    import pymysql

    conn = my.admin(my.database)
    try:
        with conn.cursor() as cur:
            cur.execute("SET SESSION max_statement_time = 1")
            cur.execute("START TRANSACTION READ ONLY")
            try:
                cur.execute(entry.sql.replace("/nonexistent-tmp", str(env["tmp"])))
                rows = cur.fetchall()
                outcome = f"ran: {repr(rows)[:200]}"
                kind = "ran"
            except pymysql.MySQLError as exc:
                outcome, kind = f"refused: {exc.args[-1]}"[:120], "refused"
            cur.execute("ROLLBACK")
    finally:
        conn.close()
    leaked = tuple(m for m in ("root:x:0:0", "@example.org", "'ann'") if m in outcome)
    root_report.outcomes.append(Outcome(entry, kind, outcome[:90], leaked))


@pytest.mark.parametrize("entry", LEGIT, ids=[e.id for e in LEGIT])
def test_legit_query_passes_and_runs_the_same(entry: Any, db: Any) -> None:
    verdict = check_for(db, entry.sql)
    assert verdict.ok, (entry.line, verdict.problems)
    assert verdict.sql is not None
    limits = Limits(timeout_s=30, max_rows=100_000)
    regenerated = db.execute(verdict.sql, limits)
    assert isinstance(regenerated, QueryResult), (verdict.sql, regenerated)
    original = db.execute(entry.sql, limits)
    assert isinstance(original, QueryResult), (entry.sql, original)
    assert normalized_rows(regenerated.rows) == normalized_rows(original.rows), verdict.sql
    assert [c.name.lower() for c in regenerated.columns] == [c.name.lower() for c in original.columns] or (
        "(" in entry.sql  # an unaliased expression is named by its text, which the regeneration may respell
    )


@pytest.mark.parametrize(
    "typed",
    [
        "SELECT customer_id /*!, LOAD_FILE('/etc/passwd') */ FROM customers LIMIT 1",
        "SELECT customer_id /*!50000 , name */ FROM customers LIMIT 1",
        "SELECT customer_id FROM customers # a note\nLIMIT 1",
    ],
)
def test_text_the_server_reads_differently_never_runs_as_typed(typed: str, db: Any) -> None:
    """MySQL runs a versioned comment's contents; sqlglot drops it. The regeneration (what runs)
    has none of it, and the typed text does not read alike, so an edit is shown rewritten."""
    verdict = check_for(db, typed, as_typed=True)
    if verdict.ok:
        assert verdict.checked is not None and "LOAD_FILE" not in verdict.checked and "name" not in verdict.checked
        assert db.reads_alike(typed, verdict.checked) is False
