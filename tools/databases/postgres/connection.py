"""Connections to PostgreSQL: the connection string, a pool of checked connections, and what a
failure to connect says.

The password in a connection string must never reach a log, a prompt or an error, so the target is
only ever shown redacted and libpq's messages are scrubbed of it. Every new connection gets the
session settings and the role check of role.py before it is used, and each borrowed one
starts in a READ ONLY snapshot taken before any submitted text can run. psycopg is imported
lazily: it is an optional extra.
"""

from __future__ import annotations

import re
import threading
from typing import Any
from urllib.parse import quote, urlencode

from tools.databases.base import DatabaseOpenError, QueryError
from tools.databases.postgres.role import SessionSettings, apply_settings, check_role, reset_session

MAX_TIMEOUT_MS = 2_147_483_647  # PostgreSQL's largest statement_timeout
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

# -- the connection string -----------------------------------------------------------------------


def redact_dsn(dsn: str) -> str:
    """The connection target without any password, as a URL (key=value for several hosts)."""
    params = _parse(dsn)
    return display_dsn(params) if params is not None else "postgresql://(unreadable connection string)"


def dsn_has_password(dsn: str) -> bool:
    """True when the connection string itself carries a password (worth a warning)."""
    params = _parse(dsn)
    return bool(params and params.get("password"))


def connection_params(dsn: str) -> dict[str, str]:
    """libpq's reading of the connection string, or an open error that quotes none of it."""
    from psycopg.conninfo import conninfo_to_dict

    try:
        return {k: str(v) for k, v in conninfo_to_dict(dsn).items() if v is not None}
    except Exception as exc:
        raise DatabaseOpenError(
            f"cannot read the PostgreSQL connection string: {_parse_problem(str(exc))}",
            "use postgresql://USER@HOST:PORT/DBNAME, with the password in PGPASSWORD or ~/.pgpass",
        ) from None


def display_dsn(params: dict[str, str]) -> str:
    """Connection parameters as a URL to show, without any secret (key=value for several hosts)."""
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


def _parse(dsn: str) -> dict[str, str] | None:
    try:
        from psycopg.conninfo import conninfo_to_dict

        return {k: str(v) for k, v in conninfo_to_dict(dsn).items() if v is not None}
    except Exception:
        return None


def _parse_problem(text: str) -> str:
    """libpq's parse error, with quoted fragments hidden unless they name a parameter."""
    line = _first_line(text)
    if line.startswith(("invalid URI query parameter", "invalid connection option")):
        return line
    return re.sub(r'"[^"]*"', '"…"', line)


# -- the pool ------------------------------------------------------------------------------------


class ConnectionPool:
    """A few idle checked connections; each borrowed one runs one READ ONLY snapshot transaction.

    Batch workers share one database object, and a PostgreSQL connection runs one transaction at a
    time, so concurrent queries get their own connections. A connection that broke (server restart,
    terminated backend) is dropped and the next borrower connects again.
    """

    def __init__(self, params: dict[str, str], settings: SessionSettings, uri: str) -> None:
        self.uri = uri  # shown in errors; the database sets where it really connected
        self._params = params  # holds the password: never logged, never in repr
        self.secrets = tuple(v for k, v in params.items() if k in SECRET_KEYS and v)
        self._settings = settings
        self._lock = threading.Lock()
        self._idle: list[Any] = []
        self._closed = False

    def open(self) -> Any:
        """Connect once at open time, so a bad target or role fails early; returns `conn.info`."""
        conn = self._connect()
        self._idle.append(conn)
        return conn.info

    def _connect(self) -> Any:
        import psycopg

        try:
            connect: Any = psycopg.connect  # keyword parameters from the DSN, each a libpq name
            conn = connect(autocommit=True, prepare_threshold=None, **self._params)
        except psycopg.Error as exc:
            raise _open_error(_scrub(str(exc), self.secrets), self.uri, self._params) from None
        try:
            apply_settings(conn, self._settings)
            check_role(conn)
        except psycopg.Error as exc:
            conn.close()
            raise DatabaseOpenError(
                f"cannot prepare the PostgreSQL session at {self.uri}: {describe_error(exc, self.secrets)}",
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

    def begin(self, timeout_ms: int) -> Any:
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
                return QueryError(
                    "error", lost_message(exc, self.secrets) if lost else describe_error(exc, self.secrets)
                )
            if not row or row[0] != "on":
                conn.close()
                return QueryError("rejected", "the PostgreSQL transaction is not read-only; refusing to run the query")
            return conn
        raise AssertionError("unreachable")

    def end(self, conn: Any) -> None:
        """Roll back (also after errors), reset the session and return the connection to the pool
        if it is sound, so nothing one query did reaches the next one on the same connection.

        Session-level advisory locks survive a rollback; the reset's `DISCARD ALL` releases them
        (it used to take a query of its own to find them). A connection whose session cannot be
        reset is closed.
        """
        from psycopg.pq import TransactionStatus

        try:
            if conn.closed:
                return
            conn.execute("ROLLBACK")
            reset_session(conn, self._settings)
        except Exception:
            conn.close()
            return
        with self._lock:
            if (
                not self._closed
                and not conn.closed
                and len(self._idle) < MAX_IDLE_CONNECTIONS
                and conn.pgconn.transaction_status == TransactionStatus.IDLE
            ):
                self._idle.append(conn)
                return
        conn.close()

    def terminate(self, backend_pid: int) -> None:
        """`pg_terminate_backend` from a fresh connection of the same role (a role may end its
        own backends); for a query that did not stop when cancelled."""
        import psycopg

        connect: Any = psycopg.connect
        with connect(autocommit=True, **self._params) as conn:
            conn.execute("SELECT pg_catalog.pg_terminate_backend(%s)", [backend_pid])

    def close(self) -> None:
        with self._lock:
            self._closed = True
            idle, self._idle = self._idle, []
        for conn in idle:
            conn.close()


# -- what failures say ---------------------------------------------------------------------------


def describe_error(exc: Exception, secrets: tuple[str, ...]) -> str:
    """The server's primary message and hint (the hint often names the right column)."""
    diag = getattr(exc, "diag", None)
    primary = getattr(diag, "message_primary", None) or _first_line(str(exc))
    hint = getattr(diag, "message_hint", None)
    return _scrub(primary + (f" (hint: {_first_line(hint)})" if hint else ""), secrets)


def lost_message(exc: Exception, secrets: tuple[str, ...]) -> str:
    """What a query's caller reads when the connection died under it: nothing changed, rerun."""
    reason = describe_error(exc, secrets)
    return f"the connection to PostgreSQL was lost ({reason}); the query did not finish and nothing changed — run it again and analyst reconnects"


def _scrub(text: str, secrets: tuple[str, ...]) -> str:
    for secret in secrets:
        text = text.replace(secret, "***")
    return text


def _first_line(text: str) -> str:
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    return lines[0] if lines else text.strip()


def _option_roles(params: dict[str, str] | None) -> list[str]:
    """Roles named by `-c role=...` (or `--role=...`) in the connection's options."""
    options = (params or {}).get("options", "")
    return [m.group(1).strip("'\"") for m in re.finditer(r"(?:-c\s*|--)role=(\S+)", options)]


def _role_fix(text: str, params: dict[str, str] | None) -> str | None:
    """The fix when the server refused the role: the login user, or a role set in the options."""
    login = (params or {}).get("user")
    denied = re.search(r'permission denied to set role "([^"]+)"', text)
    if denied:
        return (
            f'the login role{f" {login}" if login else ""} is not a member of role "{denied.group(1)}" set by '
            "options=-c role=... (or PGOPTIONS); log in as the read-only role itself (user in the URL) and drop "
            "the role option — a role set there does not take away the login role's own privileges anyway"
        )
    missing = re.search(r'role "([^"]+)" does not exist', text)
    if missing and missing.group(1) in _option_roles(params) and missing.group(1) != login:
        return (
            f'no role "{missing.group(1)}" exists for options=-c role=...; fix the name there, or drop the option '
            "and log in as the read-only role itself (user in the URL)"
        )
    if missing:
        return "check the user name in the URL (or PGUSER)"
    return None


def _open_error(text: str, uri: str, params: dict[str, str] | None = None) -> DatabaseOpenError:
    """One line for a failed connection, with the fix that matches libpq's reason."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    attempts = [line for line in lines if line.startswith("- ")]
    line = attempts[-1] if attempts else (lines[0] if lines else "unknown error")
    reason = re.sub(r"^(FATAL|ERROR):\s*", "", re.sub(r"^.*failed:\s*", "", line)) or line
    role_fix = _role_fix(line, params)
    if role_fix:
        return DatabaseOpenError(f"cannot connect to PostgreSQL at {uri}: {reason}", role_fix)
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
    fix = next(
        (f for needles, f in fixes if all(n in low for n in needles)),
        "check that the server is running and the host and port in the URL are right",
    )
    return DatabaseOpenError(f"cannot connect to PostgreSQL at {uri}: {reason}", fix)
