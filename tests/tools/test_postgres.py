"""The PostgreSQL backend against a real server: a throwaway database and roles, dropped after.

The admin DSN (a superuser; trust auth on the test machines) comes from ANALYST_TEST_PG_DSN. With
CI=true an unreachable server fails the module; elsewhere it skips with the reason.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest

from tests.pg_env import PgEnv
from tools.databases.base import DatabaseOpenError, Limits, QueryError, QueryResult


@pytest.fixture(scope="module")
def ro_db(pg: PgEnv) -> Iterator[Any]:
    from tools.databases.postgres import open_postgres

    database = open_postgres(pg.dsn("ro"), application_name=pg.app)
    yield database
    database.close()


def _ok(outcome: QueryResult | QueryError) -> QueryResult:
    assert isinstance(outcome, QueryResult), outcome
    return outcome


def _audit_rows(pg: PgEnv) -> int:
    return int(pg.scalar("SELECT count(*) FROM audit_log"))


# -- opening and refusing ----------------------------------------------------------------------


def test_read_only_role_introspects_the_catalog(ro_db: Any) -> None:
    catalog = ro_db.catalog()
    assert catalog.dialect == "postgres" and catalog.default_schema == "public"
    names = {t.qualified for t in catalog.tables}
    assert {"public.customers", "public.orders", "public.order_items", "public.order_totals", "ops.shipments"} <= names
    assert "public.secret_salaries" not in names  # no SELECT grant: not offered to the guard

    customers = catalog.find("customers")
    assert customers is not None
    assert customers.comment == "People and companies that buy from us"
    segment = customers.column("segment")
    assert segment is not None and segment.comment == "Market segment: consumer, smb or enterprise"
    assert set(segment.samples) == {"consumer", "smb", "enterprise"}  # from pg_stats
    assert customers.column("country").type == "character varying(2)"
    assert customers.column("name").nullable is False
    assert (customers.row_count, customers.row_count_estimated) == (60, True)  # reltuples

    orders = catalog.find("orders")
    assert orders.primary_key == ("order_id",)
    assert [(fk.columns, fk.ref_table, fk.ref_columns) for fk in orders.foreign_keys] == [
        (("customer_id",), "public.customers", ("customer_id",))
    ]
    assert orders.column("ordered_at").type == "timestamp with time zone"
    assert orders.column("status").samples == ("pending", "shipped", "delivered", "cancelled")  # enum labels
    assert catalog.find("order_items").primary_key == ("order_id", "product_id")
    assert catalog.find("products").column("price").type == "numeric(10,2)"

    shipments = catalog.find("shipments", "ops")
    assert (shipments.row_count, shipments.row_count_estimated) == (20, False)  # never analyzed, small: counted
    assert set(shipments.column("carrier").samples) == {"dhl", "ups"}  # small table grouped
    view = catalog.find("order_totals")
    assert view.kind == "view" and view.row_count is None
    assert any(h.left == "ops.shipments.order_id" and h.right == "public.orders.order_id" for h in catalog.join_hints())
    assert len(ro_db.fingerprint_source()) == 16 and ro_db.fingerprint_source() == ro_db.fingerprint_source()


def test_excluded_tables_are_not_in_the_catalog(pg: PgEnv) -> None:
    from tools.databases.postgres import open_postgres

    database = open_postgres(pg.dsn("ro"), exclude_tables=("ops.*", "order_totals"))
    try:
        names = {t.qualified for t in database.catalog().tables}
    finally:
        database.close()
    assert "ops.shipments" not in names and "public.order_totals" not in names
    assert "public.orders" in names


def test_superuser_is_refused_with_a_one_line_fix(pg: PgEnv) -> None:
    from psycopg.conninfo import make_conninfo

    from tools.databases.postgres import open_postgres

    with pytest.raises(DatabaseOpenError) as raised:
        open_postgres(make_conninfo(pg.admin_dsn, dbname=pg.dbname))
    error = raised.value
    assert "superuser" in error.message
    assert "CREATE ROLE analyst_ro LOGIN PASSWORD" in error.fix
    assert "GRANT SELECT ON ALL TABLES IN SCHEMA public TO analyst_ro" in error.fix
    assert "ALTER ROLE analyst_ro SET default_transaction_read_only = on" in error.fix
    assert pg.dbname in error.fix
    assert "\n" not in str(error)
    # A superuser login hiding behind a read-only current role could RESET ROLE: still refused.
    with pytest.raises(DatabaseOpenError) as hidden:
        open_postgres(make_conninfo(pg.admin_dsn, dbname=pg.dbname, options=f"-c role={pg.roles['ro']}"))
    assert "superuser" in hidden.value.message


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("writer", "can write (INSERT on public.orders)"),
        ("creator", "CREATE on schema ops"),
        ("filereader", "member of pg_read_server_files"),
        ("member", "can write (INSERT on public.orders (through role analyst_writer_"),
    ],
)
def test_roles_that_can_write_or_read_server_files_are_refused(pg: PgEnv, role: str, expected: str) -> None:
    from tools.databases.postgres import open_postgres

    with pytest.raises(DatabaseOpenError) as raised:
        open_postgres(pg.dsn(role))
    assert expected in raised.value.message
    assert pg.roles[role] in raised.value.message
    assert "CREATE ROLE analyst_ro" in raised.value.fix
    assert "\n" not in str(raised.value)


def test_server_down_is_one_line() -> None:
    pytest.importorskip("psycopg")
    from tools.databases.postgres import open_postgres

    with pytest.raises(DatabaseOpenError) as raised:
        open_postgres("postgresql://analyst:hunter2-secret@127.0.0.1:1/sales", connect_timeout=2)
    text = str(raised.value)
    assert "127.0.0.1:1" in text and "Connection refused" in text
    assert "server is running" in raised.value.fix
    assert "\n" not in text and "hunter2-secret" not in text


def test_unknown_database_and_role_are_one_line(pg: PgEnv) -> None:
    from tools.databases.postgres import open_postgres

    with pytest.raises(DatabaseOpenError) as raised:
        open_postgres(pg.dsn("ro", dbname=pg.dbname + "_missing"))
    assert "does not exist" in raised.value.message and "database name" in raised.value.fix
    assert "\n" not in str(raised.value)
    with pytest.raises(DatabaseOpenError) as raised:
        open_postgres(pg.dsn("nobody_" + pg.app))
    assert "does not exist" in raised.value.message and "user name" in raised.value.fix


def test_unparseable_dsn_does_not_echo_it() -> None:
    pytest.importorskip("psycopg")
    from tools.databases.postgres import open_postgres, redact_dsn

    with pytest.raises(DatabaseOpenError) as raised:
        open_postgres("host=db password=hunter2 oops")
    assert "hunter2" not in str(raised.value) and "\n" not in str(raised.value)
    assert "hunter2" not in redact_dsn("host=db password=hunter2 oops")


# -- queries -------------------------------------------------------------------------------------


def test_query_returns_rows_with_types(ro_db: Any) -> None:
    result = _ok(
        ro_db.execute(
            "SELECT c.customer_id, c.name, p.price, o.ordered_at, o.status FROM orders o "
            "JOIN customers c USING (customer_id) JOIN order_items oi USING (order_id) "
            "JOIN products p USING (product_id) WHERE o.order_id = 1",
            Limits(),
        )
    )
    assert [(c.name, c.type) for c in result.columns] == [
        ("customer_id", "integer"),
        ("name", "text"),
        ("price", "numeric"),
        ("ordered_at", "timestamp with time zone"),
        ("status", "order_status"),
    ]
    assert result.row_count == 1 and not result.truncated
    row = result.rows[0]
    assert row[0] == 2 and str(row[2]) == "12.00" and row[3].utcoffset().total_seconds() == 0


def test_session_settings_are_fixed(ro_db: Any) -> None:
    result = _ok(
        ro_db.execute(
            "SELECT current_setting('TimeZone'), current_setting('search_path'), "
            "current_setting('transaction_read_only'), current_setting('statement_timeout')",
            Limits(timeout_s=5),
        )
    )
    assert result.rows[0] == ("UTC", "public, pg_temp", "on", "7s")


def test_concurrent_queries_use_separate_connections(ro_db: Any) -> None:
    results: list[Any] = []
    threads = [
        threading.Thread(target=lambda: results.append(ro_db.execute("SELECT pg_sleep(0.6)", Limits())))
        for _ in range(3)
    ]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    assert len(results) == 3 and all(isinstance(r, QueryResult) for r in results)
    assert time.perf_counter() - started < 1.7


@pytest.mark.parametrize(
    "sql",
    [
        "SELECT sneaky_write()",  # a SECURITY DEFINER insert: stopped by READ ONLY, not by privileges
        "CREATE TEMP TABLE x (a int)",
        "INSERT INTO audit_log (note) VALUES ('x')",
        "WITH d AS (DELETE FROM audit_log RETURNING id) SELECT * FROM d",
        "SELECT 1; DELETE FROM audit_log",
        "SET TRANSACTION READ WRITE",
        "COMMIT",
    ],
)
def test_writes_sent_directly_fail_and_change_nothing(pg: PgEnv, ro_db: Any, sql: str) -> None:
    before = _audit_rows(pg)
    outcome = ro_db.execute(sql, Limits(timeout_s=5))
    assert isinstance(outcome, QueryError) and outcome.kind == "error", outcome
    assert _audit_rows(pg) == before
    assert _ok(ro_db.execute("SELECT 1", Limits())).rows == ((1,),)


def test_sneaky_write_names_the_read_only_transaction(ro_db: Any) -> None:
    outcome = ro_db.execute("SELECT sneaky_write()", Limits(timeout_s=5))
    assert isinstance(outcome, QueryError) and "read-only transaction" in outcome.message


def test_set_config_cannot_make_a_later_write_succeed(pg: PgEnv, ro_db: Any) -> None:
    before = _audit_rows(pg)
    ro_db.execute("SELECT set_config('default_transaction_read_only', 'off', false)", Limits(timeout_s=5))
    ro_db.execute("SELECT set_config('transaction_read_only', 'off', false)", Limits(timeout_s=5))
    mixed = ro_db.execute(
        "SELECT set_config('transaction_read_only', 'off', true), sneaky_write()", Limits(timeout_s=5)
    )
    assert isinstance(mixed, QueryError)
    later = ro_db.execute("SELECT sneaky_write()", Limits(timeout_s=5))
    assert isinstance(later, QueryError) and "read-only" in later.message
    assert _audit_rows(pg) == before
    setting = _ok(ro_db.execute("SELECT current_setting('default_transaction_read_only')", Limits()))
    assert setting.rows == (("on",),)  # the rollback undid the session-level set_config


def test_a_session_lock_left_behind_does_not_outlive_the_query(pg: PgEnv, ro_db: Any) -> None:
    _ok(ro_db.execute("SELECT pg_advisory_lock(4242)", Limits()))  # the guard refuses this; the backend still copes
    deadline = time.monotonic() + 3  # the closed backend exits asynchronously
    with pg.admin() as conn:
        while not conn.execute("SELECT pg_try_advisory_lock(4242)").fetchone()[0]:
            assert time.monotonic() < deadline, "the advisory lock outlived the query"
            time.sleep(0.05)
    assert _ok(ro_db.execute("SELECT 1", Limits())).rows == ((1,),)


def test_cross_check_rejects_non_queries_and_does_not_run_the_query(pg: PgEnv, ro_db: Any) -> None:
    assert ro_db.cross_check("SELECT count(*) FROM orders") == []
    deleted = ro_db.cross_check("DELETE FROM orders")
    assert deleted and "rejects" in deleted[0].message and "DELETE" in deleted[0].message
    assert ro_db.cross_check("SELECT 1; SELECT 2")
    missing = ro_db.cross_check("SELECT nope FROM orders")
    assert missing and 'column "nope" does not exist' in missing[0].message
    assert "permission denied" in ro_db.cross_check("SELECT * FROM secret_salaries")[0].message
    before = _audit_rows(pg)
    started = time.perf_counter()
    assert ro_db.cross_check("SELECT pg_sleep(5), sneaky_write()") == []  # planned, not executed
    assert time.perf_counter() - started < 2
    assert _audit_rows(pg) == before


def test_explain_shows_the_plan_without_running_the_query(pg: PgEnv, ro_db: Any) -> None:
    before = _audit_rows(pg)
    started = time.perf_counter()
    plan = _ok(ro_db.explain("SELECT pg_sleep(5), sneaky_write() FROM orders", Limits()))
    assert time.perf_counter() - started < 2 and _audit_rows(pg) == before
    assert plan.columns[0].name == "QUERY PLAN" and "Seq Scan on orders" in plan.rows[0][0]
    for sneaky in ("SELECT 1; DELETE FROM audit_log", "ANALYZE SELECT sneaky_write()"):
        assert isinstance(ro_db.explain(sneaky, Limits()), QueryError)
    assert _audit_rows(pg) == before


# -- failures of the server and secrets ----------------------------------------------------------


def _backend_pids(pg: PgEnv, state: str | None = None, like: str = "%") -> list[int]:
    with pg.admin("postgres") as conn:
        rows = conn.execute(
            "SELECT pid FROM pg_stat_activity WHERE application_name = %s AND query LIKE %s AND (%s::text IS NULL OR state = %s)",
            [pg.app + "_kill", like, state, state],
        ).fetchall()
    return [r[0] for r in rows]


def test_terminated_backend_mid_query_gives_one_line_and_reconnects(pg: PgEnv) -> None:
    from tools.databases.postgres import open_postgres

    database = open_postgres(pg.dsn("ro"), application_name=pg.app + "_kill")
    try:
        results: list[Any] = []
        worker = threading.Thread(
            target=lambda: results.append(database.execute("SELECT pg_sleep(30)", Limits(timeout_s=60)))
        )
        worker.start()
        deadline = time.monotonic() + 5
        pids: list[int] = []
        while not pids and time.monotonic() < deadline:
            time.sleep(0.05)
            pids = _backend_pids(pg, "active", "FETCH%")  # the DECLAREd query runs on FETCH
        assert pids, "the query never showed up in pg_stat_activity"
        with pg.admin("postgres") as conn:
            conn.execute("SELECT pg_terminate_backend(%s)", [pids[0]])
        worker.join(10)
        outcome = results[0]
        assert isinstance(outcome, QueryError) and outcome.kind == "error"
        assert "connection to PostgreSQL was lost" in outcome.message and "\n" not in outcome.message
        assert _ok(database.execute("SELECT 1", Limits())).rows == ((1,),)

        # An idle connection that died is replaced without the caller noticing.
        with pg.admin("postgres") as conn:
            for pid in _backend_pids(pg):
                conn.execute("SELECT pg_terminate_backend(%s)", [pid])
        assert _ok(database.execute("SELECT 2", Limits())).rows == ((2,),)
    finally:
        database.close()


def test_a_server_that_refuses_reconnects_is_reported_then_recovers(pg: PgEnv) -> None:
    from psycopg import sql

    from tools.databases.postgres import open_postgres

    database = open_postgres(pg.dsn("ro"), application_name=pg.app + "_kill")
    role = sql.Identifier(pg.roles["ro"])
    try:
        with pg.admin("postgres") as conn:
            conn.execute(sql.SQL("ALTER ROLE {} NOLOGIN").format(role))
            for pid in _backend_pids(pg):
                conn.execute("SELECT pg_terminate_backend(%s)", [pid])
        outcome = database.execute("SELECT 1", Limits())
        assert isinstance(outcome, QueryError) and "nothing ran" in outcome.message and "\n" not in outcome.message
        assert database.cross_check("SELECT 1")  # cannot check: a problem, not a pass
    finally:
        with pg.admin("postgres") as conn:
            conn.execute(sql.SQL("ALTER ROLE {} LOGIN").format(role))
    try:
        assert _ok(database.execute("SELECT 1", Limits())).rows == ((1,),)
    finally:
        database.close()


def test_password_never_appears_in_uri_repr_or_errors(pg: PgEnv) -> None:
    from tools.databases.postgres import dsn_has_password, open_postgres, redact_dsn

    url = pg.url_with_password()
    assert dsn_has_password(url) and not dsn_has_password(pg.dsn("ro"))
    database = open_postgres(url)
    try:
        texts = [database.uri, repr(database), redact_dsn(url)]
        failed = database.execute(f"SELECT '{pg.password}'::int", Limits())
        assert isinstance(failed, QueryError)
        texts.append(failed.message)
        texts += [p.message for p in database.cross_check("SELECT nope")]
    finally:
        database.close()
    assert database.uri.startswith("postgresql://" + pg.roles["ro"] + "@") and database.uri.endswith("/" + pg.dbname)
    for wrong in (url.replace(pg.dbname, pg.dbname + "_missing"), url.replace(pg.roles["ro"], pg.roles["writer"])):
        with pytest.raises(DatabaseOpenError) as raised:
            open_postgres(wrong)
        texts += [str(raised.value), repr(raised.value)]
    assert all(pg.password not in t for t in texts), texts


def test_redact_dsn_forms() -> None:
    pytest.importorskip("psycopg")
    from tools.databases.postgres import dsn_has_password, redact_dsn

    assert (
        redact_dsn("postgresql://ann:s3cret@db.example:6432/sales?sslmode=require")
        == "postgresql://ann@db.example:6432/sales?sslmode=require"
    )
    assert redact_dsn("host=db user=ann password=s3cret dbname=sales") == "postgresql://ann@db/sales"
    assert "s3cret" not in redact_dsn("postgresql://ann:s3cret@h1:5432,h2:5433/sales")
    assert redact_dsn("service=analytics") == "postgresql:///?service=analytics"
    assert dsn_has_password("host=db password=x") and not dsn_has_password("service=analytics")
