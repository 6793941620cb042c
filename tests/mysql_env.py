"""A throwaway MySQL/MariaDB database and accounts on the real server, shared by the MySQL tests.

The admin URL (root with an empty password on the test machines) comes from
ANALYST_TEST_MYSQL_URL. Every name is unique to the run (`analyst_<purpose>_<suffix>`) and
dropped afterwards. With CI=true an unreachable server fails; elsewhere the tests skip with the
reason.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import pytest

ADMIN_URL = os.environ.get("ANALYST_TEST_MYSQL_URL", "mysql://root@127.0.0.1:3306/test")
IN_CI = os.environ.get("CI") == "true"

SCHEMA_SQL = [
    """CREATE TABLE customers (customer_id int PRIMARY KEY, name varchar(100) NOT NULL,
       segment varchar(20) COMMENT 'Market segment: consumer, smb or enterprise', country char(2),
       email varchar(100), email_domain varchar(100) AS (SUBSTRING_INDEX(email, '@', -1)) VIRTUAL)
       COMMENT 'People and companies that buy from us'""",
    """CREATE TABLE orders (order_id int PRIMARY KEY, customer_id int NOT NULL,
       status enum('pending', 'shipped', 'delivered', 'cancelled') NOT NULL, ordered_at datetime NOT NULL,
       FOREIGN KEY (customer_id) REFERENCES customers (customer_id))""",
    "CREATE TABLE secret_salaries (employee varchar(20), salary int)",
    "CREATE VIEW customer_emails AS SELECT customer_id, email FROM customers",
    "CREATE VIEW order_counts AS SELECT customer_id, COUNT(*) AS n FROM orders GROUP BY customer_id",
    "CREATE VIEW salaries_view AS SELECT employee FROM secret_salaries",
    "INSERT INTO secret_salaries VALUES ('ann', 100)",
]


def _rows_sql() -> list[str]:
    segments = ("consumer", "smb", "enterprise")
    customers = ", ".join(f"({i}, 'customer {i}', '{segments[i % 3]}', 'NL', 'c{i}@example.org')" for i in range(1, 61))
    orders = ", ".join(
        f"({i}, {i % 60 + 1}, '{('pending', 'shipped', 'delivered')[i % 3]}', DATE_ADD('2024-01-01', INTERVAL {i} DAY))"
        for i in range(1, 201)
    )
    return [
        f"INSERT INTO customers (customer_id, name, segment, country, email) VALUES {customers}",
        f"INSERT INTO orders VALUES {orders}",
    ]


@dataclass(frozen=True)
class MyEnv:
    """The run's database and accounts: `users` maps a purpose to an account name."""

    host: str
    port: int
    admin_user: str
    admin_password: str
    database: str
    password: str
    users: dict[str, str]

    def url(self, purpose: str, *, password: bool = True, scheme: str = "mysql", database: str | None = None) -> str:
        secret = f":{self.password}" if password else ""
        return (
            f"{scheme}://{self.users.get(purpose, purpose)}{secret}@{self.host}:{self.port}/{database or self.database}"
        )

    def admin(self, database: str | None = None) -> Any:
        import pymysql

        return pymysql.connect(
            host=self.host,
            port=self.port,
            user=self.admin_user,
            password=self.admin_password,
            database=database,
            autocommit=True,
        )

    def run(self, *statements: str, database: str | None = None) -> list[Any]:
        """Run statements as the admin; the rows of the last one."""
        conn = self.admin(database or self.database)
        try:
            with conn.cursor() as cur:
                for statement in statements:
                    cur.execute(statement)
                return list(cur.fetchall())
        finally:
            conn.close()


def _unavailable(reason: str) -> None:
    message = f"no MySQL/MariaDB at {ADMIN_URL.split('@')[-1]}: {reason}"
    if IN_CI:
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture(scope="module")
def my() -> Iterator[MyEnv]:
    try:
        import pymysql
    except ImportError as exc:
        _unavailable(f"PyMySQL is not installed ({exc}); pip install -e '.[mysql]'")
    parts = urlsplit(ADMIN_URL)
    suffix = uuid.uuid4().hex[:10]
    env = MyEnv(
        host=parts.hostname or "127.0.0.1",
        port=parts.port or 3306,
        admin_user=parts.username or "root",
        admin_password=parts.password or "",
        database=f"analyst_test_{suffix}",
        password=f"Pw-{suffix}-secret",
        users={p: f"analyst_{p}_{suffix}" for p in ("ro", "writer", "filer", "member", "granter")},
    )
    try:
        admin = env.admin()
    except pymysql.MySQLError as exc:
        _unavailable(str(exc))
    role = f"analyst_role_{suffix}"
    db = f"`{env.database}`"
    try:
        with admin.cursor() as cur:
            cur.execute(f"CREATE DATABASE {db}")
            for user in env.users.values():
                cur.execute(f"CREATE USER '{user}'@'%' IDENTIFIED BY '{env.password}'")
                cur.execute(f"GRANT SELECT, SHOW VIEW ON {db}.* TO '{user}'@'%'")
            cur.execute(f"GRANT INSERT, UPDATE ON {db}.* TO '{env.users['writer']}'@'%'")
            cur.execute(f"GRANT FILE ON *.* TO '{env.users['filer']}'@'%'")
            cur.execute(f"GRANT SELECT ON {db}.* TO '{env.users['granter']}'@'%' WITH GRANT OPTION")
            cur.execute(f"CREATE ROLE {role}")
            cur.execute(f"GRANT DELETE ON {db}.* TO {role}")
            cur.execute(f"GRANT {role} TO '{env.users['member']}'@'%'")
            cur.execute(f"USE {db}")
            for statement in SCHEMA_SQL + _rows_sql():
                cur.execute(statement)
            cur.execute("ANALYZE TABLE customers, orders")
            cur.fetchall()
        yield env
    finally:
        with admin.cursor() as cur:
            _kill_sessions(cur, env)
            cur.execute(f"DROP DATABASE IF EXISTS {db}")
            for user in env.users.values():
                cur.execute(f"DROP USER IF EXISTS '{user}'@'%'")
            cur.execute(f"DROP ROLE IF EXISTS {role}")
        admin.close()


def _kill_sessions(cur: Any, env: MyEnv) -> None:
    """End the run's own sessions (a time-limit test may leave one finishing) before the drop."""
    cur.execute(
        "SELECT ID FROM information_schema.PROCESSLIST WHERE USER IN %s AND ID <> CONNECTION_ID()",
        (tuple(env.users.values()),),
    )
    for (session,) in cur.fetchall():
        try:
            cur.execute(f"KILL {int(session)}")
        except Exception:
            pass
