"""PostgreSQL: the adversarial corpus is refused by the guard, changes nothing when run directly as
the read-only role, and the legitimate corpus passes and runs with the same results."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.pg_env import PgEnv
from tests.security.harness import Outcome, Report, classify, files_under, normalized_rows
from tests.security.loader import load
from tools.databases.base import Limits, QueryResult
from tools.guard import Verdict, check_for

SECRET_TOKEN = "sk-secret-postgres-91c2"
HIDDEN = "email"
ATTACKS = load("postgres_attacks")
LEGIT = load("postgres_legit")
TABLES = (
    "public.customers",
    "public.products",
    "public.orders",
    "public.order_items",
    "public.audit_log",
    "public.secret_salaries",
    "public.internal_tokens",
    "ops.shipments",
)
STATE_SQL = {
    "relations": "SELECT string_agg(n.nspname || '.' || c.relname || ':' || c.relkind::text, ',' ORDER BY 1) "
    "FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
    "WHERE n.nspname !~ '^pg_' AND n.nspname <> 'information_schema'",
    "functions": "SELECT string_agg(p.proname, ',' ORDER BY 1) FROM pg_proc p "
    "JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname !~ '^pg_' "
    "AND n.nspname <> 'information_schema'",
    "large_objects": "SELECT count(*) FROM pg_largeobject_metadata",
    "sequence": "SELECT last_value || ':' || is_called FROM audit_log_id_seq",
    "prepared_xacts": "SELECT count(*) FROM pg_prepared_xacts",
    "extensions": "SELECT string_agg(extname, ',' ORDER BY 1) FROM pg_extension",
    "grants": "SELECT string_agg(c.relname || '=' || coalesce(c.relacl::text, ''), ',' ORDER BY 1) "
    "FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname IN ('public', 'ops')",
}
SESSION_SQL = (
    "SELECT current_setting('default_transaction_read_only'), current_setting('transaction_read_only'), "
    "current_setting('statement_timeout'), current_setting('search_path'), current_setting('TimeZone'), "
    "current_setting('lock_timeout'), current_setting('idle_in_transaction_session_timeout'), "
    "current_setting('standard_conforming_strings'), current_user::text, session_user::text"
)


@pytest.fixture(scope="module")
def env(pg: PgEnv, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The fixture database plus a table the role may read but the configuration excludes, and a
    column the configuration hides."""
    with pg.admin() as conn:
        conn.execute("ALTER TABLE customers ADD COLUMN email text")
        conn.execute("UPDATE customers SET email = 'c' || customer_id || '@example.net'")
        conn.execute("CREATE TABLE internal_tokens (token text, owner text)")
        conn.execute("INSERT INTO internal_tokens VALUES (%s, 'ops')", [SECRET_TOKEN])
        conn.execute(f'GRANT SELECT ON internal_tokens TO "{pg.roles["ro"]}"')
        conn.execute("ANALYZE customers")
    return {"tmp": tmp_path_factory.mktemp("postgres-security")}


@pytest.fixture(scope="module")
def db(pg: PgEnv, env: dict[str, Any]) -> Iterator[Any]:
    from tools.databases.postgres import open_postgres

    database = open_postgres(
        pg.dsn("ro"),
        application_name=pg.app,
        exclude_tables=("internal_tokens",),
        exclude_columns=(f"customers.{HIDDEN}",),
    )
    yield database
    database.close()


@pytest.fixture(scope="module")
def report() -> Iterator[Report]:
    collected = Report("PostgreSQL")
    yield collected
    collected.write()


def guard(sql: str, database: Any) -> Verdict:
    return check_for(database, sql)


def test_corpus_sizes() -> None:
    categories = {e.category for e in ATTACKS}
    assert len(ATTACKS) >= 60 and len(categories) >= 20
    assert {
        "writes_ddl",
        "file_read",
        "file_write",
        "sql_in_string",
        "settings_session",
        "temp_objects",
        "transactions_maintenance",
        "locks",
        "sleeps",
        "signals",
        "sequences",
        "large_objects",
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
    assert {"window", "cte", "grouping_sets", "lateral", "filter", "keywords_as_identifiers", "string_literals"} <= {
        e.category for e in LEGIT
    }


def test_the_catalog_hides_what_is_excluded(db: Any) -> None:
    catalog = db.catalog()
    assert catalog.find("internal_tokens") is None
    customers = catalog.find("customers")
    assert customers is not None and customers.column(HIDDEN) is None
    assert customers.hidden_columns == (HIDDEN,)


@pytest.mark.parametrize("entry", ATTACKS, ids=[e.id for e in ATTACKS])
def test_attack_is_refused(entry: Any, db: Any, env: dict[str, Any]) -> None:
    sql = entry.sql.replace("/nonexistent-tmp", str(env["tmp"]))
    verdict = guard(sql, db)
    assert not verdict.ok, (entry.line, sql, verdict.sql)
    assert verdict.problems and all(p.message for p in verdict.problems)
    messages = " ".join(p.message for p in verdict.problems)
    assert SECRET_TOKEN not in messages
    if HIDDEN not in sql.lower():
        assert HIDDEN not in messages.lower(), messages


def _state(pg: PgEnv, db: Any, env: dict[str, Any]) -> dict[str, Any]:
    state: dict[str, Any] = {"tmp_dir": files_under(env["tmp"])}
    with pg.admin() as conn:
        for table in TABLES:
            state[table] = conn.execute(
                f"SELECT count(*), md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) FROM {table} t"
            ).fetchone()
        for name, sql in STATE_SQL.items():
            state[name] = conn.execute(sql).fetchone()
        # settings this test's database and roles would run under (other test runs on the same
        # server add and drop their own roles at any moment, so the whole catalog is not stable)
        state["role_settings"] = conn.execute(
            "SELECT coalesce(string_agg(array_to_string(setconfig, ';'), '|' ORDER BY 1), '') "
            "FROM pg_db_role_setting s LEFT JOIN pg_roles r ON r.oid = s.setrole "
            "WHERE s.setdatabase IN (0, (SELECT oid FROM pg_database WHERE datname = %s)) "
            "AND (s.setrole = 0 OR r.rolname = ANY(%s) OR r.rolname = current_user)",
            [pg.dbname, list(pg.roles.values())],
        ).fetchone()
        state["advisory_locks"] = conn.execute(
            "SELECT count(*) FROM pg_locks l JOIN pg_stat_activity a USING (pid) "
            "WHERE l.locktype = 'advisory' AND a.datname = %s",
            [pg.dbname],
        ).fetchone()
    session = db.execute(SESSION_SQL, Limits(timeout_s=10))
    state["session"] = session.rows if isinstance(session, QueryResult) else session
    return state


@pytest.fixture(scope="module")
def baseline(pg: PgEnv, db: Any, env: dict[str, Any]) -> dict[str, Any]:
    return _state(pg, db, env)


@pytest.mark.parametrize("entry", ATTACKS, ids=[e.id for e in ATTACKS])
def test_attack_run_without_the_guard_changes_nothing(
    entry: Any,
    pg: PgEnv,
    db: Any,
    env: dict[str, Any],
    report: Report,
    baseline: dict[str, Any],
) -> None:
    """Defense in depth: the read-only role, the READ ONLY transaction, the server-side cursor and
    the rollback alone must contain every attack's effects."""
    sql = entry.sql.replace("/nonexistent-tmp", str(env["tmp"]))
    try:
        result: Any = db.execute(sql, Limits(timeout_s=1, max_rows=1000))
    except Exception as exc:
        result = exc
    after = _state(pg, db, env)
    changed = tuple(key for key in baseline if baseline[key] != after[key])
    secrets = {"excluded table": SECRET_TOKEN, "hidden column": "@example.net"}
    kind, detail, leaked = classify(result, secrets)
    report.outcomes.append(Outcome(entry, kind, detail, leaked, changed))
    assert not changed, (entry.line, sql, changed, {k: (baseline[k], after[k]) for k in changed})
    assert "file contents" not in leaked, (entry.line, sql, detail)
    assert not list(Path(env["tmp"]).iterdir())


@pytest.mark.parametrize("entry", LEGIT, ids=[e.id for e in LEGIT])
def test_legit_query_passes_and_runs_the_same(entry: Any, db: Any) -> None:
    verdict = guard(entry.sql, db)
    assert verdict.ok, (entry.line, verdict.problems)
    assert verdict.sql is not None
    limits = Limits(timeout_s=30, max_rows=100_000)
    regenerated = db.execute(verdict.sql, limits)
    assert isinstance(regenerated, QueryResult), (verdict.sql, regenerated)
    original = db.execute(entry.sql, limits)
    if isinstance(original, QueryResult):
        assert normalized_rows(regenerated.rows) == normalized_rows(original.rows), verdict.sql
        assert [c.name for c in regenerated.columns] == [c.name for c in original.columns]
