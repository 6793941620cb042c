"""The MySQL/MariaDB backend against the real server: which accounts it refuses, the time-limit
promise checked in the server's process list, secrets, and the parts only this engine has."""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest

from tests.mysql_env import MyEnv
from tools.databases.base import DatabaseOpenError, Limits, QueryError, QueryResult
from tools.databases.mysql.grants import parse_grant, too_much
from tools.redaction import redact_secrets


def _open(my: MyEnv, purpose: str, **kwargs: Any) -> Any:
    from tools.databases.mysql import open_mysql

    return open_mysql(my.url(purpose), **kwargs)


@pytest.fixture(scope="module")
def ro(my: MyEnv) -> Any:
    database = _open(my, "ro")
    yield database
    database.close()


@pytest.mark.parametrize(
    ("purpose", "named"),
    [
        ("writer", ("INSERT on", "UPDATE on")),
        ("filer", ("FILE on *.*",)),
        ("member", ("DELETE on", "through role")),
        ("granter", ("GRANT OPTION on",)),
    ],
)
def test_an_account_that_can_do_more_than_read_is_refused_with_what_it_holds(
    my: MyEnv, purpose: str, named: tuple[str, ...]
) -> None:
    with pytest.raises(DatabaseOpenError) as refused:
        _open(my, purpose)
    text = str(refused.value)
    assert all(n in text for n in named), text
    assert "GRANT SELECT, SHOW VIEW ON" in refused.value.fix and "CREATE USER" in refused.value.fix
    assert my.password not in text and "PASSWORD '*" not in text  # SHOW GRANTS lines carry a hash


def test_root_is_refused(my: MyEnv) -> None:
    from tools.databases.mysql import open_mysql

    with pytest.raises(DatabaseOpenError) as refused:
        open_mysql(f"mysql://{my.admin_user}@{my.host}:{my.port}/{my.database}", password=my.admin_password or None)
    assert "ALL PRIVILEGES" in str(refused.value) and "GRANT OPTION" in str(refused.value)


def test_a_read_only_account_works_in_a_read_only_transaction(ro: Any, my: MyEnv) -> None:
    assert ro.uri == f"mysql://{my.users['ro']}@{my.host}:{my.port}/{my.database}"
    state = ro.execute("SELECT @@in_transaction, @@tx_read_only, @@sql_mode, @@time_zone", Limits())
    assert isinstance(state, QueryResult)
    in_transaction, read_only, mode, zone = state.rows[0]
    assert (in_transaction, read_only, zone) == (1, 1, "+00:00") and "ANSI_QUOTES" not in mode
    orders = ro.execute("SELECT COUNT(*) FROM orders", Limits())
    assert isinstance(orders, QueryResult) and orders.rows == ((200,),)


def test_mariadb_scheme_and_the_password_from_the_shell(my: MyEnv) -> None:
    from tools.databases.mysql import open_mysql

    database = open_mysql(my.url("ro", password=False, scheme="mariadb"), password=my.password)
    try:
        assert database.uri.startswith("mariadb://") and my.password not in repr(database)
    finally:
        database.close()


def test_a_wrong_password_never_shows_the_password(my: MyEnv) -> None:
    from tools.databases.mysql import open_mysql

    wrong = "Wrong-Secret-4711"
    with pytest.raises(DatabaseOpenError) as failed:
        open_mysql(f"mysql://{my.users['ro']}:{wrong}@{my.host}:{my.port}/{my.database}")
    assert wrong not in str(failed.value) and "Access denied" in str(failed.value)
    assert wrong not in redact_secrets(f"--db mysql://u:{wrong}@h/db and mariadb://u:{wrong}@h:3306/db")


def _running(my: MyEnv) -> list[Any]:
    return my.run(
        "SELECT ID, INFO FROM information_schema.PROCESSLIST "
        f"WHERE USER = '{my.users['ro']}' AND COMMAND = 'Query' AND INFO LIKE '%BENCHMARK%'"
    )


def test_within_the_limit_plus_two_seconds_the_server_has_stopped(ro: Any, my: MyEnv) -> None:
    """The promise: at limit + 2 s the server no longer works on the query (its process list says)."""
    sql = "SELECT BENCHMARK(50000000000, MD5('analyst'))"
    started = time.perf_counter()
    outcome = ro.execute(sql, Limits(timeout_s=1))
    elapsed = time.perf_counter() - started
    assert isinstance(outcome, QueryError) and outcome.kind == "timeout", outcome
    time.sleep(max(0.0, 3.0 - elapsed))
    assert _running(my) == []
    assert elapsed < 3.0


def test_interrupt_kills_the_statement_on_the_server(ro: Any, my: MyEnv) -> None:
    results: list[Any] = []
    worker = threading.Thread(
        target=lambda: results.append(ro.execute("SELECT BENCHMARK(50000000000, MD5('x'))", Limits(timeout_s=30)))
    )
    worker.start()
    deadline = time.monotonic() + 10
    while not _running(my) and time.monotonic() < deadline:
        time.sleep(0.1)
    ro.interrupt()
    worker.join(5)
    assert results and isinstance(results[0], QueryError) and results[0].kind == "interrupted"
    time.sleep(0.5)
    assert _running(my) == []


def test_size_arguments_are_bounded_by_the_server(ro: Any) -> None:
    """REPEAT/LPAD/RPAD/SPACE over max_allowed_packet return NULL at once instead of allocating."""
    sql = "SELECT REPEAT('x', 100000000000) IS NULL, LPAD('x', 100000000000, 'y') IS NULL, SPACE(100000000000) IS NULL"
    started = time.perf_counter()
    outcome = ro.execute(sql, Limits(timeout_s=5))
    assert isinstance(outcome, QueryResult) and outcome.rows == ((1, 1, 1),)
    assert time.perf_counter() - started < 2


def test_catalog_comments_enum_samples_keys_and_exact_small_counts(ro: Any, my: MyEnv) -> None:
    catalog = ro.catalog()
    assert catalog.dialect == "mysql" and catalog.default_schema == my.database
    customers, orders = catalog.find("customers"), catalog.find("orders")
    assert customers.comment == "People and companies that buy from us"
    assert customers.column("segment").comment.startswith("Market segment")
    assert set(customers.column("segment").samples) == {"consumer", "smb", "enterprise"}
    assert orders.column("status").samples == ("pending", "shipped", "delivered", "cancelled")
    assert orders.primary_key == ("order_id",) and orders.foreign_keys[0].ref_table == f"{my.database}.customers"
    assert (customers.row_count, orders.row_count, customers.row_count_estimated) == (60, 200, False)
    assert catalog.find("order_counts").kind == "view"


def test_grant_lines_are_read_without_their_columns_or_hash() -> None:
    grant = parse_grant("GRANT SELECT (`a`, `b`), INSERT (`c`), SHOW VIEW ON `shop`.`t` TO `u`@`%`")
    assert grant is not None and grant.privileges == ("SELECT", "INSERT", "SHOW VIEW") and grant.on == "`shop`.`t`"
    usage = parse_grant("GRANT USAGE ON *.* TO `u`@`%` IDENTIFIED BY PASSWORD '*D821809F681A40A6E'")
    role = parse_grant("GRANT `r1`@`%`,`r2`@`%` TO `u`@`%` WITH ADMIN OPTION")
    assert usage is not None and too_much([usage]) == []
    assert role is not None and role.roles == ("`r1`@`%`", "`r2`@`%`") and too_much([role])[0].startswith("ADMIN")
    assert parse_grant("SET DEFAULT ROLE `r` FOR `u`@`%`") is None


def test_the_schema_shown_to_the_model_quotes_as_mysql_does() -> None:
    """MySQL reads `"order"` as a string: a name that needs quoting is shown in backticks."""
    from tools.catalog import Column, Table
    from tools.catalog.ddl import render_table

    table = Table("shop", "order", (Column("Total Sum", "int"), Column("total", "decimal(10,2)")))
    text = render_table(table, table.columns, "mysql")
    assert "`order`" in text and "`Total Sum`" in text and '"' not in text


@pytest.mark.parametrize(
    "sql",
    [
        "SELECT @a := 1",
        "SELECT @a",
        "SELECT @@secure_file_priv",
        "SELECT /*+ SET_VAR(sql_mode = '') */ 1",
        "SELECT 1 INTO @x",
        "SELECT LOAD_FILE('/etc/passwd')",
        "SELECT SLEEP(1)",
    ],
)
def test_the_guard_refuses_mysql_session_state_files_and_sleeps(sql: str) -> None:
    from tools.guard import check_sql

    verdict = check_sql(sql, None, "mysql")
    assert not verdict.ok and verdict.problems, sql


def test_the_variables_rule_speaks_only_for_mysql() -> None:
    from tools.guard import check_sql

    codes = {p.code for p in check_sql("SELECT @a := 1", None, "mysql").problems}
    assert "session_variable" in codes
    assert check_sql("SELECT 1", None, "mysql").ok


def test_a_capped_endless_result_stops_the_server_and_a_short_one_keeps_its_connection(ro: Any, my: MyEnv) -> None:
    digits = "d(x) AS (" + " UNION ALL ".join(f"SELECT {i}" for i in range(10)) + ")"
    endless = f"WITH {digits} SELECT a.x FROM d a, d b, d c, d e, d f, d g, d h, d i, d j, d k /* BENCHMARK */"
    started = time.perf_counter()
    outcome = ro.execute(endless, Limits(max_rows=10, timeout_s=30))
    assert isinstance(outcome, QueryResult) and outcome.truncated and outcome.row_count == 10
    assert time.perf_counter() - started < 2
    time.sleep(0.5)
    assert _running(my) == []  # killed, not left sending rows to nobody
    capped = ro.execute("SELECT order_id FROM orders ORDER BY order_id", Limits(max_rows=5))
    assert isinstance(capped, QueryResult) and capped.truncated and capped.rows[-1] == (5,)
    assert ro.execute("SELECT CONNECTION_ID()", Limits()).rows == ro.execute("SELECT CONNECTION_ID()", Limits()).rows


def test_a_definer_view_over_a_table_the_account_cannot_see_is_excluded_by_pattern(my: MyEnv) -> None:
    """The account sees neither the table nor its columns, only a SQL SECURITY DEFINER view that
    reads it: the exclusion pattern still takes the view out, by the words of its text."""
    from tools.databases.mysql import open_mysql

    database = f"{my.database}_definer"
    conn = my.admin()
    try:
        with conn.cursor() as cur:
            for statement in (
                f"CREATE DATABASE `{database}`",
                f"CREATE TABLE `{database}`.payroll (who varchar(10), pay int)",
                f"CREATE TABLE `{database}`.people (who varchar(10), email varchar(50))",
                f"CREATE SQL SECURITY DEFINER VIEW `{database}`.pay_view AS SELECT who, pay FROM `{database}`.payroll",
                f"CREATE SQL SECURITY DEFINER VIEW `{database}`.mail_view AS SELECT who, email FROM `{database}`.people",
                f"CREATE VIEW `{database}`.who_view AS SELECT who FROM `{database}`.people",
                f"GRANT SELECT, SHOW VIEW ON `{database}`.pay_view TO '{my.users['ro']}'@'%'",
                f"GRANT SELECT, SHOW VIEW ON `{database}`.mail_view TO '{my.users['ro']}'@'%'",
                f"GRANT SELECT, SHOW VIEW ON `{database}`.who_view TO '{my.users['ro']}'@'%'",
                f"GRANT SELECT (who) ON `{database}`.people TO '{my.users['ro']}'@'%'",
            ):
                cur.execute(statement)
        opened = open_mysql(
            my.url("ro", database=database), exclude_tables=("payroll",), exclude_columns=("people.email",)
        )
        try:
            names = {t.name for t in opened.catalog().tables}
        finally:
            opened.close()
        unfiltered = open_mysql(my.url("ro", database=database))
        try:
            everything = {t.name for t in unfiltered.catalog().tables}
        finally:
            unfiltered.close()
    finally:
        with conn.cursor() as cur:
            cur.execute(f"DROP DATABASE IF EXISTS `{database}`")
        conn.close()
    assert {"pay_view", "mail_view", "who_view"} <= everything  # the account sees the views
    assert "pay_view" not in names and "mail_view" not in names
    assert "who_view" in names


def test_nothing_a_query_leaves_in_its_session_reaches_the_next(ro: Any) -> None:
    """Sent directly (the guard refuses both): a user variable and a named lock do not survive the
    query, on the same pooled connection."""
    first = ro.execute("SELECT @analyst_v := 42, GET_LOCK('analyst_lock', 0), CONNECTION_ID()", Limits())
    second = ro.execute("SELECT @analyst_v, IS_FREE_LOCK('analyst_lock'), CONNECTION_ID()", Limits())
    assert isinstance(first, QueryResult) and isinstance(second, QueryResult)
    assert first.rows[0][:2] == (42, 1)
    assert second.rows[0][2] == first.rows[0][2]  # the same connection from the pool
    assert second.rows[0][:2] == (None, 1)


def test_the_catalog_is_read_under_the_time_limit(my: MyEnv) -> None:
    """A table another session holds a write lock on stalls introspection; the open fails at the
    limit with one line instead of waiting for the lock."""
    from tools.databases.mysql import open_mysql

    conn = my.admin(my.database)
    try:
        with conn.cursor() as cur:
            cur.execute("LOCK TABLES orders WRITE")
        started = time.perf_counter()
        database = open_mysql(my.url("ro"), catalog_timeout_s=1.0)
        try:
            with pytest.raises(DatabaseOpenError) as slow:
                database.catalog()
        finally:
            database.close()
        assert "took longer than the 1 s time limit" in str(slow.value)
        assert time.perf_counter() - started < 1.0 + 2.0 + 1.0  # the limit, the grace, the open itself
    finally:
        with conn.cursor() as cur:
            cur.execute("UNLOCK TABLES")
        conn.close()


def test_tables_whose_names_differ_only_in_case_share_their_hidden_columns(my: MyEnv) -> None:
    """MySQL on Linux keeps `Twins` and `twins` apart; the guard matches names without case. A
    hidden column of one must make `SELECT *` on either refused."""
    from tools.databases.mysql import open_mysql
    from tools.guard import check_for

    my.run(
        "CREATE TABLE Twins (id int, note varchar(10))",
        "CREATE TABLE twins (id int, ssn varchar(11))",  # the guard's name lookup finds Twins first
        "INSERT INTO twins VALUES (1, '123-45-6789')",
    )
    try:
        database = open_mysql(my.url("ro"), exclude_columns=("twins.ssn",))
        try:
            for sql in ("SELECT * FROM twins", "SELECT t.* FROM `twins` t", "SELECT * FROM Twins"):
                verdict = check_for(database, sql)
                assert not verdict.ok, sql
            assert check_for(database, "SELECT id FROM twins").ok
        finally:
            database.close()
    finally:
        my.run("DROP TABLE Twins", "DROP TABLE twins")
