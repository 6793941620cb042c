"""The account a MySQL or MariaDB connection must be: one that can only read.

A `READ ONLY` transaction does not contain an account with the FILE privilege (`LOAD_FILE` read a
server file and `SELECT ... INTO OUTFILE` wrote one inside one, measured on MariaDB 10.11), nor
one that can write (`COMMIT` ends the transaction), nor SUPER or PROCESS (other sessions, server
settings). So every new connection reads `SHOW GRANTS` and refuses any privilege but SELECT,
SHOW VIEW and USAGE, anything held WITH GRANT OPTION or ADMIN OPTION, and PROXY, on the account
and on every role it may switch to (`SET ROLE`), naming what it found and printing the SQL that
makes a proper account. The lines are parsed here, never printed: MariaDB's USAGE line carries
the account's password hash.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from tools.databases.base import DatabaseOpenError

READ_PRIVILEGES = frozenset({"SELECT", "SHOW VIEW", "USAGE"})
_NAME = r"`(?:[^`]|``)*`(?:@`(?:[^`]|``)*`)?|'(?:[^']|'')*'(?:@'(?:[^']|'')*')?"
_ROLE_LINE = re.compile(rf"^GRANT\s+((?:{_NAME})(?:\s*,\s*(?:{_NAME}))*)\s+TO\s+(.*)$", re.DOTALL)
_PRIVILEGE_LINE = re.compile(r"^GRANT\s+(.+?)\s+ON\s+(.+?)\s+TO\s+(.*)$", re.DOTALL)


@dataclass(frozen=True)
class Grant:
    """What one `GRANT` line gives: privileges on an object, or roles; with the options it holds."""

    privileges: tuple[str, ...]  # upper-case names, column lists dropped
    on: str  # the object as the server writes it (`*.*`, `` `shop`.* ``); empty for roles
    roles: tuple[str, ...] = ()  # role names as written (backquoted) for a role grant
    grant_option: bool = False
    admin_option: bool = False


def parse_grant(line: str) -> Grant | None:
    """One line of SHOW GRANTS; None for what grants nothing (`SET DEFAULT ROLE ...`)."""
    text = line.strip()
    role = _ROLE_LINE.match(text)
    if role:
        roles = tuple(n.strip() for n in re.findall(_NAME, role.group(1)))
        return Grant((), "", roles, admin_option="WITH ADMIN OPTION" in role.group(2).upper())
    found = _PRIVILEGE_LINE.match(text)
    if not found:
        return None
    privileges = tuple(dict.fromkeys(_privilege_names(found.group(1))))
    return Grant(privileges, found.group(2).strip(), grant_option="WITH GRANT OPTION" in found.group(3).upper())


def _privilege_names(text: str) -> list[str]:
    """`SELECT (`a`, `b`), SHOW VIEW` -> ["SELECT", "SHOW VIEW"]: commas inside parentheses or
    quotes separate columns, not privileges."""
    names: list[str] = []
    current: list[str] = []
    depth, quote = 0, ""
    for char in text:
        if quote:
            quote = "" if char == quote else quote
        elif char in "`'":
            quote = char
        elif char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        elif char == "," and depth == 0:
            names.append("".join(current))
            current = []
            continue
        if depth == 0 and not quote and char not in "()`'":
            current.append(char)
    names.append("".join(current))
    return [" ".join(n.split()).upper() for n in names if n.strip()]


def too_much(grants: list[Grant]) -> list[str]:
    """What in `grants` goes beyond reading, each once, as `PRIVILEGE on object`."""
    found: list[str] = []
    for grant in grants:
        if grant.admin_option:
            found.append(f"ADMIN OPTION on role {', '.join(grant.roles)}")
        found += [f"{p} on {grant.on}" for p in grant.privileges if p not in READ_PRIVILEGES]
        if grant.grant_option:
            found.append(f"GRANT OPTION on {grant.on}")
    return list(dict.fromkeys(found))


def read_only_user_fix(database: str, lead: str = "connect as a read-only user") -> str:
    """The SQL an administrator runs to make the account analyst should use."""
    db = "`" + database.replace("`", "``") + "`"
    return (
        f"{lead}; as an administrator run: CREATE USER 'analyst_ro'@'%' IDENTIFIED BY 'choose-a-password'; "
        f"GRANT SELECT, SHOW VIEW ON {db}.* TO 'analyst_ro'@'%'; "
        f"then use mysql://analyst_ro@HOST:PORT/{database} with the password in MYSQL_PWD or ~/.my.cnf"
    )


def check_account(conn: Any, database: str, mariadb: bool) -> None:
    """Refuse the account when it, or a role it may switch to, holds more than reading."""
    with conn.cursor() as cur:
        cur.execute("SELECT CURRENT_USER(), CURRENT_ROLE()")
        user, current_role = cur.fetchone()
        grants = _grants(cur, "SHOW GRANTS")
        roles = [r for g in grants for r in g.roles] + ([] if mariadb else _mandatory_roles(cur))
        seen: set[str] = set()
        while roles:
            role = roles.pop()
            if role in seen:
                continue
            seen.add(role)
            more = _role_grants(cur, role, user, mariadb)
            if more is None:
                raise DatabaseOpenError(
                    f"MySQL account {user} may switch to role {role}, whose privileges cannot be read",
                    read_only_user_fix(database, "connect as a read-only user with no roles"),
                )
            grants += more
            roles += [r for g in more for r in g.roles]
        if mariadb and seen:
            cur.execute(f"SET ROLE {current_role_sql(current_role)}")  # as it was before the check
    found = too_much(grants)
    if found:
        shown = ", ".join(found[:6]) + (" and more" if len(found) > 6 else "")
        via = f" (itself or through role {', '.join(sorted(seen))})" if seen else ""
        raise DatabaseOpenError(
            f"MySQL account {user} holds {shown}{via}; analyst needs an account that can only read "
            "(a READ ONLY transaction does not stop FILE, SUPER or a COMMIT)",
            read_only_user_fix(database),
        )


def _mandatory_roles(cur: Any) -> list[str]:
    """MySQL 8's `mandatory_roles`: granted to every account, and not listed by SHOW GRANTS."""
    cur.execute("SELECT @@GLOBAL.mandatory_roles")
    text = str((cur.fetchone() or ("",))[0] or "")
    quoted = [n.strip() for n in re.findall(_NAME, text)]
    if quoted:
        return quoted
    names = []
    for part in (p.strip() for p in text.split(",") if p.strip()):  # r1@%, r2: unquoted, host optional
        name, _, host = part.partition("@")
        names.append(f"`{name}`@`{host or '%'}`")
    return names


def _grants(cur: Any, sql: str) -> list[Grant]:
    cur.execute(sql)
    return [g for (line, *_) in cur.fetchall() if (g := parse_grant(str(line))) is not None]


def _role_grants(cur: Any, role: str, user: str, mariadb: bool) -> list[Grant] | None:
    """A role's own grants. MariaDB shows them once the role is active; MySQL 8 shows the account's
    grants with the role's folded in (`USING`), which is what counts here."""
    import pymysql

    try:
        if mariadb:
            cur.execute(f"SET ROLE {role}")
            return _grants(cur, f"SHOW GRANTS FOR {role}")
        return _grants(cur, f"SHOW GRANTS FOR CURRENT_USER() USING {role}")
    except pymysql.MySQLError:
        return None


def current_role_sql(role: str | None) -> str:
    """`SET ROLE` argument that restores `CURRENT_ROLE()` as read before the check."""
    if not role or role == "NONE":
        return "NONE"
    return "`" + role.replace("`", "``") + "`"
