"""Connections to MySQL or MariaDB: connect, check the account, set the session, and a pool of
such connections, each borrowed one inside a fresh `READ ONLY` transaction.

Every new connection is checked before use (grants.py), gets the session settings the guard's
reading of SQL depends on (sql_mode without ANSI_QUOTES, PIPES_AS_CONCAT or NO_BACKSLASH_ESCAPES:
sqlglot's MySQL dialect reads `"x"` as a string, `||` as OR and `\\'` as an escape, as the
server does only then), read back, and is refused if one did not take. PyMySQL is imported lazily:
it is an optional extra. It is used without CLIENT.MULTI_STATEMENTS and without LOCAL INFILE, so
the server takes one statement per call and never asks the client for a file.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any

from tools.databases.base import DatabaseOpenError, QueryError
from tools.databases.mysql.errors import describe_error, is_lost, lost_message
from tools.databases.mysql.grants import check_account
from tools.databases.mysql.url import Target

SQL_MODE = "STRICT_TRANS_TABLES,ERROR_FOR_DIVISION_BY_ZERO,NO_ENGINE_SUBSTITUTION"
MAX_IDLE_CONNECTIONS = 4
CATALOG_TIMEOUT_S = 120.0


@dataclass(frozen=True)
class Server:
    """Which server answered: MariaDB and MySQL spell the statement time limit differently."""

    version: str
    mariadb: bool

    def time_limit_sql(self, seconds: float) -> str:
        """The session's server-side statement limit: MariaDB's `max_statement_time` (seconds,
        every statement), MySQL's `max_execution_time` (milliseconds, read-only SELECTs)."""
        return f"SET SESSION {self._time_limit(seconds)}"

    def _time_limit(self, seconds: float) -> str:
        if self.mariadb:
            return f"max_statement_time = {max(seconds, 0.001):.3f}"
        return f"max_execution_time = {max(int(seconds * 1000), 1)}"

    def session_sql(self, seconds: float) -> str:
        """Every session setting the guard's reading and the limits depend on, in one statement:
        sent before each query, so nothing a query set on a pooled connection reaches the next."""
        read_only = "tx_read_only" if self.mariadb else "transaction_read_only"
        return (
            f"SET SESSION sql_mode = '{SQL_MODE}', time_zone = '+00:00', {read_only} = 1, lock_wait_timeout = 10, "
            "character_set_client = 'utf8mb4', character_set_connection = 'utf8mb4', "
            f"character_set_results = 'utf8mb4', {self._time_limit(seconds)}"
        )

    @property
    def read_only_variable(self) -> str:
        return "@@SESSION.tx_read_only" if self.mariadb else "@@SESSION.transaction_read_only"


def connect(target: Target, connect_timeout: int = 10) -> Any:
    """One plain connection (no check, no settings): the pool's, and the one that sends KILL QUERY."""
    import pymysql

    kwargs: dict[str, Any] = {
        "user": target.user or None,
        "host": target.host,
        "port": target.port,
        "database": target.database,
        "charset": "utf8mb4",
        "connect_timeout": connect_timeout,
        "autocommit": True,
        "local_infile": False,
        "client_flag": 0,
        "program_name": "analyst",
    }
    if target.password is not None:
        kwargs["password"] = target.password
    for name, value in target.tls:
        kwargs[name] = value.lower() in ("1", "true", "yes") if name.startswith("ssl_verify") else value
    return pymysql.connect(**kwargs)


class ConnectionPool:
    """A few idle checked connections; each borrowed one runs one READ ONLY transaction.

    Batch workers share one database object, and a connection runs one statement at a time, so
    concurrent queries get their own connections. A connection that broke is dropped and the
    next borrower connects again.
    """

    def __init__(self, target: Target, uri: str) -> None:
        self.uri = uri
        self._target = target  # holds the password: never logged, never in repr
        self.secrets = tuple(s for s in (target.password,) if s)
        self.server = Server("", True)
        self._lock = threading.Lock()
        self._idle: list[Any] = []
        self._closed = False

    def open(self) -> Server:
        """Connect once at open time, so a bad target or account fails early."""
        conn = self._connect()
        self._idle.append(conn)
        return self.server

    def side_connection(self) -> Any:
        """A connection of the same account for KILL QUERY (the account may kill its own queries)."""
        return connect(self._target, connect_timeout=5)

    def _connect(self) -> Any:
        import pymysql

        try:
            conn = connect(self._target)
        except pymysql.MySQLError as exc:
            raise open_error(describe_error(exc, self.secrets), self.uri) from None
        try:
            with conn.cursor() as cur:
                cur.execute("SELECT VERSION()")
                (version,) = cur.fetchone()
            self.server = Server(str(version), "mariadb" in str(version).lower())
            check_account(conn, self._target.database, self.server.mariadb)
            apply_settings(conn, self.server)
        except pymysql.MySQLError as exc:
            conn.close()
            raise DatabaseOpenError(
                f"cannot prepare the MySQL session at {self.uri}: {describe_error(exc, self.secrets)}",
                "check that the server is reachable and the account can connect",
            ) from None
        except BaseException:
            conn.close()
            raise
        return conn

    def _acquire(self) -> Any:
        with self._lock:
            if self._closed:
                raise DatabaseOpenError(f"{self.uri} is closed")
            while self._idle:
                conn = self._idle.pop()
                if conn.open:
                    return conn
        return self._connect()

    def begin(self, timeout_s: float) -> Any:
        """A connection inside a fresh READ ONLY transaction with the server-side limit set, or a
        QueryError saying why not. A pooled connection may have died while idle: nothing ran on
        it yet, so one fresh connection is tried before giving up."""
        import pymysql

        for attempt in range(2):
            try:
                conn = self._acquire()
            except DatabaseOpenError as exc:
                return QueryError("error", f"{exc.message}; nothing ran — {exc.fix or 'try again later'}")
            try:
                with conn.cursor() as cur:
                    cur.execute(self.server.session_sql(timeout_s))
                    cur.execute("START TRANSACTION READ ONLY, WITH CONSISTENT SNAPSHOT")
            except pymysql.MySQLError as exc:
                lost = is_lost(exc)
                close_connection(conn)
                if lost and attempt == 0:
                    continue
                return QueryError(
                    "error", lost_message(exc, self.secrets) if lost else describe_error(exc, self.secrets)
                )
            return conn
        raise AssertionError("unreachable")

    def end(self, conn: Any, reusable: bool = True) -> None:
        """Roll back (also after errors), reset the session and return the connection to the pool
        if it is sound, so nothing one query did reaches the next one on the same connection."""
        try:
            if not conn.open:
                return
            with conn.cursor() as cur:
                cur.execute("ROLLBACK")
            reset_session(conn)
        except Exception:
            close_connection(conn)
            return
        with self._lock:
            if reusable and not self._closed and conn.open and len(self._idle) < MAX_IDLE_CONNECTIONS:
                self._idle.append(conn)
                return
        close_connection(conn)

    def close(self) -> None:
        with self._lock:
            self._closed = True
            idle, self._idle = self._idle, []
        for conn in idle:
            close_connection(conn)


RESET_CONNECTION = 0x1F  # COM_RESET_CONNECTION (MySQL 5.7.3, MariaDB 10.2.4)


def reset_session(conn: Any) -> None:
    """Forget what the last statement left in the session: user variables, named locks
    (GET_LOCK), temporary tables, prepared statements, settings (`begin` sends ours again).
    PyMySQL has no public call for the protocol's COM_RESET_CONNECTION, so it is sent through
    the connection's own command method; anything unexpected raises and the caller drops the
    connection instead."""
    conn._execute_command(RESET_CONNECTION, b"")
    if not conn._read_packet().is_ok_packet():
        raise RuntimeError("the server did not reset the session")


def apply_settings(conn: Any, server: Server) -> None:
    """Set the session defaults, then read them back and refuse to run if one did not take."""
    with conn.cursor() as cur:
        cur.execute(server.session_sql(CATALOG_TIMEOUT_S))
        cur.execute(f"SELECT @@SESSION.sql_mode, @@SESSION.time_zone, {server.read_only_variable}")
        mode, zone, read_only = cur.fetchone()
    wrong = [
        name
        for name, ok in (
            ("sql_mode", set(str(mode).split(",")) == set(SQL_MODE.split(","))),
            ("time_zone", zone == "+00:00"),
            ("transaction read only", int(read_only) == 1),
        )
        if not ok
    ]
    if wrong:
        raise DatabaseOpenError(
            f"the MySQL session setting {wrong[0]} did not take; refusing to run queries",
            "check the server or account configuration (init_connect), or report this as a bug",
        )


def close_connection(conn: Any) -> None:
    """Close without waiting on a server that may be busy: a half-read result would block `close`
    (and, left to the garbage collector, try to read the rest from the closed socket)."""
    result = getattr(conn, "_result", None)
    if result is not None:
        result.unbuffered_active = False
    try:
        conn._force_close()  # PyMySQL: drop the socket without sending COM_QUIT
    except Exception:
        pass


def open_error(reason: str, uri: str) -> DatabaseOpenError:
    """One line for a failed connection, with the fix that matches the server's reason."""
    low = reason.lower()
    fixes = (
        (
            "access denied",
            "check the user and the password (MYSQL_PWD or ~/.my.cnf), and the host the account may log in from",
        ),
        ("unknown database", "check the database name in the URL (SHOW DATABASES lists them)"),
        ("can't connect", "check that the server is running and the host and port in the URL are right"),
        ("too many connections", "wait for other sessions to end, or ask the administrator to raise max_connections"),
        ("ssl", "check the ssl_* parameters in the URL and the server's TLS settings"),
    )
    fix = next((f for needle, f in fixes if needle in low), "check that the server is running and the URL is right")
    return DatabaseOpenError(f"cannot connect to MySQL at {uri}: {reason}", fix)
