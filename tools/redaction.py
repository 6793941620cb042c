"""Credentials out of any text that is printed, logged or written: one function for every writer.

A database reference or a base URL reaches the screen, the session log, a run log, a batch or eval
`--out` file and error lines. People spell the same secret many ways (`POSTGRESQL://`,
`postgresql+psycopg://`, `jdbc:postgresql://...?password=`, `mysql://`, a libpq keyword string
`host=... password=...`), so a credential is recognised by its shape, never by one spelling: a
password in a URL's user part under any scheme, a secret-named query parameter, a libpq password
keyword (`password=`, `sslpassword = '…'`). Over-masking a harmless value costs little; a leaked
password cannot be undone. This module is a leaf (no engine, no screen), so every layer above can use it.
"""

from __future__ import annotations

import re

MASK = "***"

# scheme://user:password@host — any scheme (case, `+driver`, `jdbc:` prefix), the password up to
# the last `@` of the token (a password may hold an unencoded `@`); never past a quote or space,
# so a JSON line stays JSON.
_USERINFO = re.compile(r"""((?:jdbc:)?[A-Za-z][A-Za-z0-9+.\-]*://[^:/@\s"'<>?#]*:)[^\s"'<>]*(@)""")
# scheme://user:pass/word@host: a password holding an unencoded `/` reads as a port (a port is
# digits), with the `@` (or libpq's `%40`) further on.
_NOT_A_PORT = re.compile(
    r"""((?:jdbc:)?[A-Za-z][A-Za-z0-9+.\-]*://[^:/@\s"'<>?#\[\]]*:)(?!\d*(?:[,/?#;"'\s]|$))[^/\s"'<>?#@,;]+"""
    r"""(?=/[^\s"'<>]*(?:@|%40))"""
)
# A query or jdbc parameter whose name says it holds a secret: ?password=, &pwd=, ;token=, ...
_SECRET_NAME = r"[A-Za-z0-9_.\-]*(?:pass|pwd|token|secret|key|auth|credential|signature|sig\b)[A-Za-z0-9_.\-]*"
_PARAM = re.compile(rf"""([?&;]{_SECRET_NAME}=)[^&;#\s"'<>]*""", re.IGNORECASE)
# libpq keyword strings: password=..., sslpassword = '...' (quoted values may hold spaces).
_KEYWORD = re.compile(
    r"""((?<![A-Za-z0-9_.\-])(?:ssl)?(?:password|passwd|pwd)\s*=\s*)('(?:[^'\\]|\\.)*'|[^\s"'&;]+)""",
    re.IGNORECASE,
)
# Keys and tokens by their own shape, wherever they appear.
_KEY_SHAPES = (
    re.compile(r"sk-[A-Za-z0-9_\-]{8,}"),
    re.compile(r"AKIA[0-9A-Z]{16}"),
    re.compile(r"(?i)(authorization:\s*bearer\s+)[^\s\"']+"),
)
# What makes a value a URL rather than a file path: a scheme and `//`, or a `jdbc:` prefix.
_URL_SHAPE = re.compile(r"^\s*(?:jdbc:[A-Za-z0-9+.\-]*:|[A-Za-z][A-Za-z0-9+.\-]+://)", re.IGNORECASE)


def redact_secrets(text: str, known_secrets: tuple[str, ...] = ()) -> str:
    """`text` with every credential-shaped part masked: each known secret of 6+ characters, URL and
    connection-string passwords, secret-named parameters, API keys (`sk-…`, `AKIA…`, a bearer header)."""
    for secret in known_secrets:
        if secret and len(secret) >= 6:
            text = text.replace(secret, MASK)
    text = _USERINFO.sub(lambda m: m.group(1) + MASK + m.group(2), text)
    text = _NOT_A_PORT.sub(lambda m: m.group(1) + MASK, text)
    text = _PARAM.sub(lambda m: m.group(1) + MASK, text)
    text = _KEYWORD.sub(lambda m: m.group(1) + MASK, text)
    for pattern in _KEY_SHAPES:
        text = pattern.sub(lambda m: (m.group(1) if m.re.groups else "") + MASK, text)
    return text


def is_url_shaped(value: str) -> bool:
    """True when `value` is written as a URL (`scheme://...`, `jdbc:...`), whatever the scheme."""
    return bool(_URL_SHAPE.match(value))


def is_postgres_url(value: str) -> bool:
    """The spellings libpq itself opens: lowercase `postgresql://` or `postgres://`."""
    return value.startswith(("postgresql://", "postgres://"))


def is_mysql_url(value: str) -> bool:
    """The spellings the MySQL backend opens: lowercase `mysql://` or `mariadb://`."""
    return value.startswith(("mysql://", "mariadb://"))


def ambiguous_url_password(value: str) -> bool:
    """True when a URL's password holds an unencoded `@` or `/`: libpq would split it there and
    read the rest as the host, port or database name, which are shown and logged."""
    rest = value.split("://", 1)[1] if "://" in value else ""
    before_query = re.split(r"[?#]", rest, maxsplit=1)[0]
    authority, _, path = before_query.partition("/")
    return authority.count("@") > 1 or ("@" in path and "@" not in authority)


def url_scheme(value: str) -> str:
    """The scheme of a URL-shaped value (`POSTGRESQL`, `postgresql+psycopg`, `jdbc:postgresql`): safe to
    print, it holds no secret."""
    match = _URL_SHAPE.match(value)
    return match.group(0).strip().removesuffix("://").removesuffix(":") if match else ""
