"""The TUI's page reader on PostgreSQL (real server): the rows of a page are the server's own rows
at that position, and a page closed mid-stream gives its connection back (many pages in a row
do not use up the pool)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from analyst.tui.paging import PageJob
from tests.pg_env import PgEnv

SQL = "SELECT order_id, product_id, quantity FROM order_items ORDER BY order_id, product_id"


@pytest.fixture(scope="module")
def ro_db(pg: PgEnv) -> Iterator[Any]:
    from tools.databases.postgres import open_postgres

    database = open_postgres(pg.dsn("ro"), application_name=pg.app)
    yield database
    database.close()


def test_postgres_pages_are_the_servers_rows_and_release_their_connection(ro_db: Any) -> None:
    from tools.databases.base import Limits

    whole = ro_db.execute(SQL, Limits(max_rows=1_000_000))
    assert not whole.truncated
    total = whole.row_count
    assert total > 40
    for round_ in range(12):  # more pages than the pool has connections
        offset = (round_ * 7) % (total - 10)
        page = PageJob(ro_db, SQL, offset, 10, Limits(timeout_s=30)).run()
        assert list(page.rows) == list(whole.rows[offset : offset + 10]) and page.truncated == (offset + 10 < total)
    last = PageJob(ro_db, SQL, total - 3, 10, Limits(timeout_s=30)).run()
    assert list(last.rows) == list(whole.rows[-3:]) and not last.truncated
    assert ro_db.execute("SELECT 1 AS one", Limits()).rows == ((1,),)
