"""PostgreSQL through a checked read-only role, each query in a READ ONLY snapshot under limits.

A READ ONLY transaction does not contain a superuser (server files, programs) nor a role that can
write (`SET TRANSACTION READ WRITE`, `COMMIT; DELETE ...`), so every new connection checks the role
and refuses with the SQL that makes a proper one (notes/security.md §3). Each query then runs as
`DECLARE ... CURSOR FOR <sql>` over the extended protocol, which the server accepts only for one
query (no SET, COMMIT, DML or second statement), inside `BEGIN ... READ ONLY` with the snapshot
already taken, and is rolled back afterwards. psycopg is imported lazily: it is an optional extra.
"""

from __future__ import annotations

import hashlib
import itertools
import re
import threading
import time
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

from tools.catalog import Catalog, hidden_column_names, scrub_hidden, without_columns
from tools.databases.base import DatabaseOpenError, Limits, QueryError, QueryResult, ResultColumn
from tools.databases.postgres_catalog import (
    SessionSettings,
    apply_settings,
    check_role,
    read_only_role_fix,
)

__all__ = [
    "PASSWORD_IN_URL_WARNING", "PostgresDatabase", "SessionSettings", "dsn_has_password",
    "open_postgres", "read_only_role_fix", "redact_dsn",
]

FETCH_CHUNK = 512
TIMEOUT_MARGIN_MS = 2000  # the server's statement_timeout is a backstop behind the client's cancel
MAX_TIMEOUT_MS = 2_147_483_647  # PostgreSQL's largest statement_timeout
CROSS_CHECK_TIMEOUT_MS = 10_000
MAX_IDLE_CONNECTIONS = 4
SECRET_KEYS = frozenset({"password", "sslpassword"})
PASSWORD_IN_URL_WARNING = (
    "the PostgreSQL URL contains a password; it is used but never logged — "
    "prefer PGPASSWORD, ~/.pgpass or a service file (pg_service.conf)"
)
# The snapshot is taken (SELECT 1) before any submitted text, so nothing can switch to READ WRITE.
_BEGIN = (
    "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY; SET LOCAL statement_timeout = {ms}; "
    "SELECT 1; SHOW transaction_read_only"
)
_SESSION_LOCKS = (
    "SELECT count(*) FROM pg_catalog.pg_locks "
    "WHERE locktype = 'advisory' AND pid = pg_catalog.pg_backend_pid()"
)


def redact_dsn(dsn: str) -> str:
    """The connection target without any password, as a URL (key=value for several hosts)."""
    params = _parse(dsn)
    return _display(params) if params is not None else "postgresql://(unreadable connection string)"


def dsn_has_password(dsn: str) -> bool:
    """True when the connection string itself carries a password (worth a warning)."""
    params = _parse(dsn)
    return bool(params and params.get("password"))


def open_postgres(
    dsn: str,
    *,
    exclude_tables: tuple[str, ...] = (),
    exclude_columns: tuple[str, ...] = (),
    connect_timeout: int = 10,
    application_name: str = "analyst",
    settings: SessionSettings = SessionSettings(),
    context_file: Path | None = None,
) -> PostgresDatabase:
    """Connect, apply and verify the session settings, and refuse a role that can do more than read."""
    try:
        import psycopg  # noqa: F401
    except ImportError:
        raise DatabaseOpenError("PostgreSQL support is not installed", "pip install 'analyst[postgres]'") from None
    from psycopg.conninfo import conninfo_to_dict

    try:
        params = {k: str(v) for k, v in conninfo_to_dict(dsn).items() if v is not None}
    except Exception as exc:  # noqa: BLE001 - libpq's parser raises ProgrammingError
        raise DatabaseOpenError(
            f"cannot read the PostgreSQL connection string: {_parse_problem(str(exc))}",
            "use postgresql://USER@HOST:PORT/DBNAME, with the password in PGPASSWORD or ~/.pgpass",
        ) from None
    defaults = {
        "connect_timeout": str(connect_timeout), "application_name": application_name,
        "keepalives": "1", "keepalives_idle": "30", "keepalives_interval": "10", "keepalives_count": "3",
    }
    return PostgresDatabase(params, defaults, exclude_tables, settings, context_file, exclude_columns)


class PostgresDatabase:
    """A small pool of checked connections; each query borrows one for one rolled-back transaction.

    Batch workers share one database object, and a PostgreSQL connection runs one transaction at a
    time, so concurrent queries get their own connections. A connection that broke (server restart,
    terminated backend) is dropped and the next query connects again.
    """

    dialect = "postgres"

    def __init__(
        self,
        dsn_params: dict[str, str],
        defaults: dict[str, str],
        exclude_tables: tuple[str, ...] = (),
        settings: SessionSettings = SessionSettings(),
        context_file: Path | None = None,
        exclude_columns: tuple[str, ...] = (),
    ) -> None:
        self.uri = _display(dsn_params)
        self.exclude_tables = exclude_tables
        self.exclude_columns = exclude_columns
        params = {**defaults, **dsn_params}  # the URL wins over our defaults
        self._params = params  # holds the password: never logged, never in repr
        self._secrets = tuple(v for k, v in params.items() if k in SECRET_KEYS and v)
        self._settings = settings
        self._context_file = context_file
        self._lock = threading.Lock()
        self._catalog_lock = threading.Lock()
        self._idle: list[Any] = []
        self._watches: set[_Watch] = set()
        self._names = itertools.count(1)
        self._types: dict[int, str] = {}
        self._catalog: Catalog | None = None
        self._closed = False
        conn = self._connect()
        self._idle.append(conn)
        # Show where we really are (PGHOST/PGUSER/service files fill in what the URL left out).
        info = conn.info
        self.uri = _display({**dsn_params, "host": info.host, "port": str(info.port), "user": info.user, "dbname": info.dbname})

    def __repr__(self) -> str:
        return f"PostgresDatabase({self.uri!r})"

    # -- connections -------------------------------------------------------------------------

    def _connect(self) -> Any:
        import psycopg

        try:
            conn = psycopg.connect(autocommit=True, prepare_threshold=None, **self._params)
        except psycopg.Error as exc:
            raise _open_error(_scrub(str(exc), self._secrets), self.uri) from None
        try:
            apply_settings(conn, self._settings)
            check_role(conn)
        except psycopg.Error as exc:
            conn.close()
            raise DatabaseOpenError(
                f"cannot prepare the PostgreSQL session at {self.uri}: {_describe(exc, self._secrets)}",
                "check that the server is reachable and the role can connect",
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
                if not conn.closed:
                    return conn
        return self._connect()

    def _begin(self, timeout_ms: int) -> Any:
        """A connection inside a fresh READ ONLY snapshot transaction, or a QueryError saying why not.

        A pooled connection may have died while idle (server restart): nothing ran on it yet, so
        one fresh connection is tried before giving up.
        """
        import psycopg

        for attempt in range(2):
            try:
                conn = self._acquire()
            except DatabaseOpenError as exc:
                return QueryError("error", f"{exc.message}; nothing ran — {exc.fix or 'try again later'}")
            try:
                cur = conn.execute(_BEGIN.format(ms=min(int(timeout_ms), MAX_TIMEOUT_MS)))
                while cur.nextset():
                    pass
                row = cur.fetchone()
            except psycopg.Error as exc:
                lost = conn.closed
                conn.close()
                if lost and attempt == 0:
                    continue
                return QueryError("error", _lost_message(exc, self._secrets) if lost else _describe(exc, self._secrets))
            if not row or row[0] != "on":
                conn.close()
                return QueryError("rejected", "the PostgreSQL transaction is not read-only; refusing to run the query")
            return conn
        raise AssertionError("unreachable")

    def _end(self, conn: Any) -> None:
        """Roll back (also after errors) and return the connection to the pool if it is sound.

        Session-level advisory locks survive a rollback; a connection holding one is closed
        rather than reused, which releases them.
        """
        from psycopg.pq import TransactionStatus

        try:
            if conn.closed:
                return
            conn.execute("ROLLBACK")
            if conn.execute(_SESSION_LOCKS).fetchone()[0]:
                conn.close()
                return
        except Exception:  # noqa: BLE001 - a connection that cannot roll back is not reused
            conn.close()
            return
        with self._lock:
            if (
                not self._closed and not conn.closed and len(self._idle) < MAX_IDLE_CONNECTIONS
                and conn.pgconn.transaction_status == TransactionStatus.IDLE
            ):
                self._idle.append(conn)
                return
        conn.close()

    # -- catalog -----------------------------------------------------------------------------

    def catalog(self) -> Catalog:
        """Introspect once per open database, in one READ ONLY snapshot."""
        with self._catalog_lock:
            if self._catalog is None:
                self._catalog = self._load_catalog()
        return self._catalog

    def _load_catalog(self) -> Catalog:
        import psycopg

        from tools.databases.postgres_catalog import introspect

        begun = self._begin(int(self._settings.statement_timeout_s * 1000))
        if isinstance(begun, QueryError):
            raise DatabaseOpenError(f"cannot read the catalog of {self.uri}: {begun.message}", "check that the server is reachable")
        try:
            catalog = introspect(begun, self.exclude_tables, self.exclude_columns)
        except psycopg.Error as exc:
            raise DatabaseOpenError(
                f"cannot read the catalog of {self.uri}: {_describe(exc, self._secrets)}",
                "check that the server is reachable and the role can read pg_catalog",
            ) from None
        finally:
            self._end(begun)
        if self._context_file is not None and self._context_file.is_file():
            from tools.context import load_context, with_context

            catalog = with_context(catalog, load_context(self._context_file))
        return without_columns(catalog, self.exclude_columns)  # also the context's descriptions

    def fingerprint_source(self) -> str:
        """A hash of the catalog's shape and row counts: it changes when the schema or data does."""
        digest = hashlib.sha256()
        for table in self.catalog().tables:
            digest.update(f"{table.qualified}|{table.row_count}|".encode())
            for col in table.columns:
                digest.update(f"{col.name}:{col.type};".encode())
        return digest.hexdigest()[:16]

    # -- checking and execution --------------------------------------------------------------

    def cross_check(self, sql: str) -> list[str]:
        """Let the server parse, plan and permission-check the exact text (DECLARE), without running it."""
        import psycopg

        begun = self._begin(CROSS_CHECK_TIMEOUT_MS)
        if isinstance(begun, QueryError):
            return [f"PostgreSQL could not check the query: {begun.message}"]
        try:
            cur = begun.cursor(name=f"analyst_check_{next(self._names)}")
            try:
                cur.execute(sql)
            finally:
                _close_quietly(cur)
        except psycopg.errors.QueryCanceled:
            return ["PostgreSQL took too long to plan this query; simplify it"]
        except psycopg.Error as exc:
            if begun.closed:
                return [f"PostgreSQL could not check the query: {_lost_message(exc, self._secrets)}"]
            return [scrub_hidden(f"PostgreSQL rejects this query: {_describe(exc, self._secrets)}", self._hidden_names())]
        finally:
            self._end(begun)
        return []

    def execute(self, sql: str, limits: Limits) -> QueryResult | QueryError:
        """Run one checked query through a server-side cursor; a watchdog cancels it at the limit."""
        return self._supervised(sql, limits, server_cursor=True)

    def explain(self, sql: str, limits: Limits) -> QueryResult | QueryError:
        """The plan of a checked query as rows, nothing executed.

        `EXPLAIN` cannot go through DECLARE, so it is sent over the extended protocol (one
        statement only) with ANALYZE spelled out as false; callers pass the query, not `EXPLAIN`.
        """
        return self._supervised(f"EXPLAIN (ANALYZE false, FORMAT TEXT) {sql}", limits, server_cursor=False)

    def _supervised(self, sql: str, limits: Limits, *, server_cursor: bool) -> QueryResult | QueryError:
        import psycopg

        started = time.perf_counter()
        begun = self._begin(int(limits.timeout_s * 1000) + TIMEOUT_MARGIN_MS)
        if isinstance(begun, QueryError):
            return QueryError(begun.kind, begun.message, _ms_since(started))
        conn = begun
        watch = _Watch(conn)
        with self._lock:
            self._watches.add(watch)
        watchdog = threading.Timer(limits.timeout_s, watch.cancel, args=("timeout",))
        watchdog.daemon = True
        watchdog.start()
        try:
            return self._run(conn, sql, limits, started, server_cursor)
        except psycopg.Error as exc:
            failure = self._failure(exc, conn, watch, limits, started)
            hidden = self._hidden_names()
            return QueryError(failure.kind, scrub_hidden(failure.message, hidden), failure.elapsed_ms) if hidden else failure
        finally:
            watchdog.cancel()
            watch.finish()
            with self._lock:
                self._watches.discard(watch)
            self._end(conn)

    def _run(self, conn: Any, sql: str, limits: Limits, started: float, server_cursor: bool) -> QueryResult:
        cur = conn.cursor(name=f"analyst_{next(self._names)}") if server_cursor else conn.cursor()
        try:
            if server_cursor:
                cur.execute(sql)
            else:
                cur.execute(sql, binary=True)  # binary forces the extended protocol: one statement
            description = list(cur.description or ())
            rows = _fetch_capped(cur, limits)
        finally:
            _close_quietly(cur)
        columns = tuple(ResultColumn(d.name, self._type_name(conn, d.type_code)) for d in description)
        truncated = len(rows) > limits.max_rows
        return QueryResult(columns, tuple(rows[: limits.max_rows]), truncated, _ms_since(started))

    def _type_name(self, conn: Any, oid: int) -> str:
        """SQL type names (`integer`, `numeric`) from OIDs, looked up once per type and cached."""
        if oid not in self._types:
            try:
                rows = conn.execute(
                    "SELECT t.oid::int8, pg_catalog.format_type(t.oid, NULL) FROM pg_catalog.pg_type t WHERE t.oid = %s::oid",
                    [oid],
                ).fetchall()
            except Exception:  # noqa: BLE001 - a type name is cosmetic; fall back to psycopg's
                info = conn.adapters.types.get(oid) if not conn.closed else None
                return info.name if info is not None else str(oid)
            self._types.update({int(o): str(n) for o, n in rows})
        return self._types.get(oid, str(oid))

    def _failure(self, exc: Exception, conn: Any, watch: _Watch, limits: Limits, started: float) -> QueryError:
        import psycopg

        elapsed = _ms_since(started)
        if conn.closed:
            return QueryError("error", _lost_message(exc, self._secrets), elapsed)
        if isinstance(exc, psycopg.errors.QueryCanceled):
            if watch.reason == "timeout" or "statement timeout" in str(exc):
                return QueryError("timeout", f"query stopped at the {limits.timeout_s:g} s time limit", elapsed)
            if watch.reason == "interrupt":
                return QueryError("interrupted", "query interrupted", elapsed)
            return QueryError("error", "the query was canceled by the PostgreSQL server or an administrator", elapsed)
        return QueryError("error", _describe(exc, self._secrets), elapsed)

    def _hidden_names(self) -> frozenset[str]:
        """Hidden column names, kept out of server messages ("Perhaps you meant ..." hints)."""
        if not self.exclude_columns:
            return frozenset()
        return hidden_column_names(self.catalog())

    def interrupt(self) -> None:
        """Cancel every query running on this database (batch workers share it)."""
        with self._lock:
            watches = list(self._watches)
        for watch in watches:
            watch.cancel("interrupt")

    def close(self) -> None:
        with self._lock:
            self._closed = True
            idle, self._idle = self._idle, []
        for conn in idle:
            conn.close()


class _Watch:
    """One running query's cancel switch; after `finish` a late timer or interrupt does nothing."""

    def __init__(self, conn: Any) -> None:
        self.conn = conn
        self.reason: str | None = None
        self._done = False
        self._lock = threading.Lock()

    def cancel(self, reason: str) -> None:
        with self._lock:
            if self._done or self.reason is not None:
                return
            self.reason = reason
            try:
                self.conn.cancel_safe(timeout=5.0)  # psycopg >= 3.2; a separate cancel connection
            except Exception:  # noqa: BLE001 - the server-side statement_timeout is the backstop
                pass

    def finish(self) -> None:
        with self._lock:
            self._done = True


def _fetch_capped(cursor: Any, limits: Limits) -> list[tuple[Any, ...]]:
    """Stream rows in chunks up to cap+1 (to detect truncation), clipping oversized cells."""
    wanted = limits.max_rows + 1
    rows: list[tuple[Any, ...]] = []
    while len(rows) < wanted:
        chunk = cursor.fetchmany(min(FETCH_CHUNK, wanted - len(rows)))
        if not chunk:
            break
        rows.extend(tuple(_clip(v, limits.max_cell_bytes) for v in row) for row in chunk)
    return rows


def _clip(value: Any, max_bytes: int) -> Any:
    if isinstance(value, str) and len(value) > max_bytes:
        return value[:max_bytes] + "…"
    if isinstance(value, (bytes, bytearray, memoryview)) and len(value) > max_bytes:
        return bytes(value[:max_bytes])
    if isinstance(value, (dict, list)):
        text = str(value)
        if len(text) > max_bytes:
            return text[:max_bytes] + "…"
    return value


def _close_quietly(cursor: Any) -> None:
    try:
        cursor.close()
    except Exception:  # noqa: BLE001 - the rollback that follows closes the portal anyway
        pass


def _ms_since(started: float) -> float:
    return (time.perf_counter() - started) * 1000


def _parse(dsn: str) -> dict[str, str] | None:
    try:
        from psycopg.conninfo import conninfo_to_dict

        return {k: str(v) for k, v in conninfo_to_dict(dsn).items() if v is not None}
    except Exception:  # noqa: BLE001 - unreadable (or no psycopg): callers show a placeholder
        return None


def _display(params: dict[str, str]) -> str:
    safe = {k: v for k, v in params.items() if k not in SECRET_KEYS}
    host, port = safe.pop("host", ""), safe.pop("port", "")
    if "," in host or "," in port:
        from psycopg.conninfo import make_conninfo

        return make_conninfo("", **{k: v for k, v in params.items() if k not in SECRET_KEYS})
    user, dbname = safe.pop("user", ""), safe.pop("dbname", "")
    shown_host = f"[{host}]" if ":" in host else quote(host, safe="")
    netloc = (quote(user, safe="") + "@" if user else "") + shown_host + (f":{port}" if port else "")
    query = "?" + urlencode(sorted(safe.items())) if safe else ""
    return f"postgresql://{netloc}/{quote(dbname, safe='')}{query}"


def _parse_problem(text: str) -> str:
    """libpq's parse error, with quoted fragments hidden unless they name a parameter."""
    line = _first_line(text)
    if line.startswith(("invalid URI query parameter", "invalid connection option")):
        return line
    return re.sub(r'"[^"]*"', '"…"', line)


def _scrub(text: str, secrets: tuple[str, ...]) -> str:
    for secret in secrets:
        text = text.replace(secret, "***")
    return text


def _first_line(text: str) -> str:
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    return lines[0] if lines else text.strip()


def _describe(exc: Exception, secrets: tuple[str, ...]) -> str:
    """The server's primary message and hint (the hint often names the right column)."""
    diag = getattr(exc, "diag", None)
    primary = getattr(diag, "message_primary", None) or _first_line(str(exc))
    hint = getattr(diag, "message_hint", None)
    return _scrub(primary + (f" (hint: {_first_line(hint)})" if hint else ""), secrets)


def _lost_message(exc: Exception, secrets: tuple[str, ...]) -> str:
    reason = _describe(exc, secrets)
    return f"the connection to PostgreSQL was lost ({reason}); the query did not finish and nothing changed — run it again and analyst reconnects"


def _open_error(text: str, uri: str) -> DatabaseOpenError:
    """One line for a failed connection, with the fix that matches libpq's reason."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    attempts = [line for line in lines if line.startswith("- ")]
    line = attempts[-1] if attempts else (lines[0] if lines else "unknown error")
    reason = re.sub(r"^(FATAL|ERROR):\s*", "", re.sub(r"^.*failed:\s*", "", line)) or line
    low = text.lower()
    fixes = (
        (("database", "does not exist"), "check the database name in the URL (psql -l lists them)"),
        (("password authentication failed",), "check the password in PGPASSWORD, ~/.pgpass or the service file"),
        (("no password supplied",), "set the password in PGPASSWORD, ~/.pgpass or a service file, not in the URL"),
        (("role", "does not exist"), "check the user name in the URL"),
        (("not permitted to log in",), "ask the administrator to ALTER ROLE ... LOGIN, or use another role"),
        (("pg_hba.conf",), "ask the administrator to allow this host and user in pg_hba.conf"),
        (("too many",), "wait for other sessions to end, or ask the administrator to raise the limit"),
        (("starting up",), "wait for the server to finish starting, then try again"),
        (("shutting down",), "wait for the server to come back, then try again"),
        (("ssl",), "check sslmode in the URL and the server's TLS settings"),
    )
    fix = next((f for needles, f in fixes if all(n in low for n in needles)), "check that the server is running and the host and port in the URL are right")
    return DatabaseOpenError(f"cannot connect to PostgreSQL at {uri}: {reason}", fix)
