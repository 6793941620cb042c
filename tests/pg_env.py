"""A throwaway PostgreSQL database and roles on the real server, shared by the PostgreSQL tests.

The admin DSN (a superuser; trust auth on the test machines) comes from ANALYST_TEST_PG_DSN. With
CI=true an unreachable server fails; elsewhere the tests skip with the reason.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest

ADMIN_DSN = os.environ.get("ANALYST_TEST_PG_DSN", "postgresql://postgres@127.0.0.1:5432/postgres")
IN_CI = os.environ.get("CI") == "true"

SCHEMA_SQL = """
CREATE TYPE order_status AS ENUM ('pending', 'shipped', 'delivered', 'cancelled');
CREATE TABLE customers (
    customer_id int PRIMARY KEY, name text NOT NULL, segment text, country varchar(2));
COMMENT ON TABLE customers IS 'People and companies that buy from us';
COMMENT ON COLUMN customers.segment IS 'Market segment: consumer, smb or enterprise';
CREATE TABLE products (
    product_id int PRIMARY KEY, name text NOT NULL, category text, price numeric(10,2) NOT NULL);
CREATE TABLE orders (
    order_id int PRIMARY KEY, customer_id int NOT NULL REFERENCES customers,
    status order_status NOT NULL, ordered_at timestamptz NOT NULL);
COMMENT ON COLUMN orders.ordered_at IS 'When the order was placed (UTC)';
CREATE TABLE order_items (
    order_id int REFERENCES orders, product_id int REFERENCES products, quantity int NOT NULL,
    PRIMARY KEY (order_id, product_id));
CREATE VIEW order_totals AS
    SELECT o.order_id, sum(oi.quantity * p.price) AS total
    FROM orders o JOIN order_items oi USING (order_id) JOIN products p USING (product_id)
    GROUP BY o.order_id;
CREATE SCHEMA ops;
CREATE TABLE ops.shipments (shipment_id int PRIMARY KEY, order_id int REFERENCES public.orders, carrier text);
CREATE TABLE secret_salaries (employee text, salary int);
CREATE TABLE audit_log (id serial PRIMARY KEY, note text);
CREATE FUNCTION public.sneaky_write() RETURNS int LANGUAGE sql SECURITY DEFINER
    SET search_path = public AS $$ INSERT INTO audit_log (note) VALUES ('written') RETURNING id $$;

INSERT INTO customers
    SELECT i, 'customer ' || i, (ARRAY['consumer', 'smb', 'enterprise'])[i % 3 + 1], 'NL' FROM generate_series(1, 60) i;
INSERT INTO products SELECT i, 'product ' || i, 'cat ' || (i % 2), 10 + i FROM generate_series(1, 10) i;
INSERT INTO orders
    SELECT i, i % 60 + 1, (ARRAY['pending', 'shipped', 'delivered']::order_status[])[i % 3 + 1],
           timestamptz '2024-01-01 00:00+00' + i * interval '1 day'
    FROM generate_series(1, 200) i;
INSERT INTO order_items SELECT i, i % 10 + 1, 1 + i % 4 FROM generate_series(1, 200) i;
INSERT INTO ops.shipments SELECT i, i, (ARRAY['dhl', 'ups'])[i % 2 + 1] FROM generate_series(1, 20) i;
INSERT INTO secret_salaries VALUES ('ann', 100);
INSERT INTO audit_log (note) VALUES ('seed');
ANALYZE customers; ANALYZE products; ANALYZE orders; ANALYZE order_items;
"""


@dataclass(frozen=True)
class PgEnv:
    admin_dsn: str
    dbname: str
    password: str
    app: str
    roles: dict[str, str]  # purpose -> role name

    def dsn(self, role: str, *, password: bool = False, dbname: str | None = None) -> str:
        from psycopg.conninfo import conninfo_to_dict, make_conninfo

        params = conninfo_to_dict(self.admin_dsn)
        params.pop("password", None)
        extra = {"password": self.password} if password else {}
        return make_conninfo(
            "", **{**params, "user": self.roles.get(role, role), "dbname": dbname or self.dbname, **extra}
        )

    def url_with_password(self) -> str:
        from psycopg.conninfo import conninfo_to_dict

        params = conninfo_to_dict(self.admin_dsn)
        host, port = params.get("host", "127.0.0.1"), params.get("port", "5432")
        return f"postgresql://{self.roles['ro']}:{self.password}@{host}:{port}/{self.dbname}"

    def admin(self, dbname: str | None = None) -> Any:
        import psycopg
        from psycopg.conninfo import make_conninfo

        return psycopg.connect(make_conninfo(self.admin_dsn, dbname=dbname or self.dbname), autocommit=True)

    def scalar(self, sql: str, params: list[Any] | None = None) -> Any:
        with self.admin() as conn:
            return conn.execute(sql, params).fetchone()[0]


def _unavailable(reason: str) -> None:
    message = f"no PostgreSQL at {_redacted(ADMIN_DSN)}: {reason}"
    if IN_CI:
        pytest.fail(message)
    pytest.skip(message)


def _redacted(dsn: str) -> str:
    try:
        from tools.databases.postgres import redact_dsn

        return redact_dsn(dsn)
    except Exception:
        return "(admin DSN)"


@pytest.fixture(scope="module")
def pg() -> Iterator[PgEnv]:
    try:
        import psycopg
        from psycopg import sql
    except ImportError as exc:
        _unavailable(f"psycopg is not installed ({exc}); pip install -e '.[postgres]'")
    try:
        admin = psycopg.connect(ADMIN_DSN, autocommit=True, connect_timeout=3)
    except psycopg.Error as exc:
        _unavailable(str(exc).strip().splitlines()[0])
    suffix = uuid.uuid4().hex[:10]
    env = PgEnv(
        admin_dsn=ADMIN_DSN,
        dbname=f"analyst_test_{suffix}",
        password=f"Pw-{suffix}-secret",
        app=f"analyst_test_{suffix}",
        roles={p: f"analyst_{p}_{suffix}" for p in ("ro", "writer", "creator", "filereader", "member")},
    )
    db, roles = sql.Identifier(env.dbname), {p: sql.Identifier(r) for p, r in env.roles.items()}
    try:
        admin.execute(sql.SQL("CREATE DATABASE {}").format(db))
        for role in roles.values():
            admin.execute(
                sql.SQL("CREATE ROLE {} LOGIN NOSUPERUSER NOINHERIT PASSWORD {}").format(
                    role, sql.Literal(env.password)
                )
            )
        admin.execute(sql.SQL("ALTER ROLE {} SET default_transaction_read_only = on").format(roles["ro"]))
        admin.execute(sql.SQL("REVOKE ALL ON DATABASE {} FROM PUBLIC").format(db))
        for role in roles.values():
            admin.execute(sql.SQL("GRANT CONNECT ON DATABASE {} TO {}").format(db, role))
        admin.execute(sql.SQL("GRANT pg_read_server_files TO {}").format(roles["filereader"]))
        admin.execute(sql.SQL("GRANT {} TO {}").format(roles["writer"], roles["member"]))  # may SET ROLE
        with env.admin() as conn:
            conn.execute(SCHEMA_SQL)
            for role in roles.values():
                conn.execute(sql.SQL("GRANT USAGE ON SCHEMA public, ops TO {}").format(role))
            conn.execute(
                sql.SQL(
                    "GRANT SELECT ON customers, products, orders, order_items, order_totals, audit_log, ops.shipments TO {}"
                ).format(roles["ro"])
            )
            conn.execute(sql.SQL("GRANT SELECT, INSERT ON orders TO {}").format(roles["writer"]))
            conn.execute(sql.SQL("GRANT CREATE ON SCHEMA ops TO {}").format(roles["creator"]))
            conn.execute(sql.SQL("GRANT SELECT ON customers TO {}").format(roles["filereader"]))
        yield env
    finally:
        _drop_database(admin, db, env.dbname)
        for role in roles.values():
            admin.execute(sql.SQL("DROP ROLE IF EXISTS {}").format(role))
        admin.close()


def _drop_database(admin: Any, db: Any, name: str, patience: float = 120.0) -> None:
    """Drop the test database, waiting for backends that cannot stop at once.

    A time-limit test leaves the server inside one long function call on purpose (md5() of a huge
    string has no interrupt point); that backend ignores pg_terminate_backend until the call ends,
    and DROP DATABASE ... WITH (FORCE) gives up after 5 s, so keep asking until it is gone.
    """
    import time

    import psycopg
    from psycopg import sql

    deadline = time.monotonic() + patience
    while True:
        admin.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
            [name],
        )
        try:
            admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(db))
            return
        except psycopg.errors.ObjectInUse:
            if time.monotonic() > deadline:
                raise
            time.sleep(1.0)
