"""The `mysql://` / `mariadb://` URL: what to connect to, and how it may be shown.

The password must never reach a log, a prompt or an error, so the target is only ever shown
without it (`display_url`), and a URL is read here once into `Target`, whose password is kept
out of its repr. Only the parts a data team needs are read (user, password, host, port,
database, and TLS files); any other query parameter is refused by name, never guessed at.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import parse_qsl, quote, unquote, urlsplit

from tools.databases.base import DatabaseOpenError

SCHEMES = ("mysql", "mariadb")
DEFAULT_PORT = 3306
PASSWORD_IN_URL_WARNING = (
    "the MySQL URL contains a password; it is used but never logged — prefer MYSQL_PWD or the "
    "[client] section of ~/.my.cnf"
)
URL_FIX = "write mysql://USER@HOST:PORT/DBNAME (or mariadb://), with the password in MYSQL_PWD or ~/.my.cnf"
# TLS settings a URL may carry (PyMySQL's names); anything else is refused by name.
TLS_PARAMS = frozenset({"ssl_ca", "ssl_cert", "ssl_key", "ssl_verify_cert", "ssl_verify_identity"})


@dataclass(frozen=True)
class Target:
    """One server and database; `password` is None when the URL has none (never in repr)."""

    scheme: str
    user: str
    host: str
    port: int
    database: str
    password: str | None = field(default=None, repr=False)
    tls: tuple[tuple[str, str], ...] = ()


def url_has_password(url: str) -> bool:
    """True when the URL itself carries a password (worth a warning)."""
    try:
        return bool(parse_url(url).password)
    except DatabaseOpenError:
        return False


def parse_url(url: str) -> Target:
    """Read the URL, or raise an open error that quotes none of it (it may hold a password)."""
    try:
        parts = urlsplit(url)
        port = parts.port
        user, password, host = parts.username, parts.password, parts.hostname
    except ValueError:
        raise DatabaseOpenError("cannot read the MySQL URL", URL_FIX) from None
    if parts.scheme not in SCHEMES:
        raise DatabaseOpenError(f"{parts.scheme}:// is not a MySQL URL", URL_FIX)
    database = unquote(parts.path.lstrip("/"))
    if not database or "/" in database:
        raise DatabaseOpenError("the MySQL URL names no database (or more than one)", URL_FIX)
    if parts.fragment:
        raise DatabaseOpenError("the MySQL URL has a #fragment, which means nothing here", URL_FIX)
    tls: list[tuple[str, str]] = []
    for name, value in parse_qsl(parts.query, keep_blank_values=True):
        if name not in TLS_PARAMS:
            raise DatabaseOpenError(
                f"the MySQL URL parameter {name!r} is not one analyst reads",
                f"use only {', '.join(sorted(TLS_PARAMS))}, or none",
            )
        tls.append((name, value))
    return Target(
        scheme=parts.scheme,
        user=unquote(user) if user else "",
        host=host or "127.0.0.1",
        port=port or DEFAULT_PORT,
        database=database,
        password=unquote(password) if password is not None else None,
        tls=tuple(tls),
    )


def display_url(target: Target) -> str:
    """The target as a URL to show and log: never the password."""
    host = f"[{target.host}]" if ":" in target.host else target.host
    user = quote(target.user, safe="") + "@" if target.user else ""
    query = "?" + "&".join(f"{k}={quote(v, safe='/')}" for k, v in target.tls) if target.tls else ""
    return f"{target.scheme}://{user}{host}:{target.port}/{quote(target.database, safe='')}{query}"


def redact_url(url: str) -> str:
    """`url` without its password, or a placeholder when it cannot be read."""
    try:
        return display_url(parse_url(url))
    except DatabaseOpenError:
        return "mysql://(unreadable URL)"
