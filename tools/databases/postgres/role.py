"""The PostgreSQL session a connection must be in, and the role it must be, before any query runs.

A READ ONLY transaction does not contain a superuser (server files, programs) nor a role that can
write (`SET TRANSACTION READ WRITE`, `COMMIT; DELETE ...`), so the role is checked on every new
connection and refused with the SQL that makes a proper one (notes/security.md §3). The session
settings are defaults the SQL could change, so they are read back after setting them; the guard
and the client-side cancel are what hold them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from tools.databases.base import DatabaseOpenError

# Predefined roles that reach outside the database or into other sessions.
DANGEROUS_ROLES = (
    "pg_read_server_files",
    "pg_write_server_files",
    "pg_execute_server_program",
    "pg_write_all_data",
    "pg_signal_backend",
)


@dataclass(frozen=True)
class SessionSettings:
    """Per-connection settings; they are defaults the SQL could change, hence the guard and cancel."""

    statement_timeout_s: float = 120.0  # catalog and checks; each query sets its own
    idle_in_transaction_timeout_s: float = 60.0
    lock_timeout_s: float = 10.0
    search_path: str = "public"
    timezone: str = "UTC"


def read_only_role_fix(
    dbname: str, revoke_from_public: tuple[str, ...] = (), lead: str = "connect as a read-only role"
) -> str:
    """One line of SQL an administrator can run to make the role analyst should use."""
    db = _ident(dbname)
    revokes = "".join(f" REVOKE CREATE ON {obj} FROM PUBLIC;" for obj in revoke_from_public)
    return (
        f"{lead}; as an administrator run: CREATE ROLE analyst_ro LOGIN "
        "PASSWORD 'choose-a-password' NOSUPERUSER NOCREATEDB NOCREATEROLE NOINHERIT; "
        f"GRANT CONNECT ON DATABASE {db} TO analyst_ro; GRANT USAGE ON SCHEMA public TO analyst_ro; "
        "GRANT SELECT ON ALL TABLES IN SCHEMA public TO analyst_ro; "
        f"ALTER ROLE analyst_ro SET default_transaction_read_only = on;{revokes} "
        f"then use postgresql://analyst_ro@HOST/{quote(dbname, safe='')} with the password in ~/.pgpass"
    )


def apply_settings(conn: Any, settings: SessionSettings) -> None:
    """Set the session defaults, then read them back and refuse to run if one did not take."""
    from psycopg import sql

    ms = {
        "statement_timeout": int(settings.statement_timeout_s * 1000),
        "idle_in_transaction_session_timeout": int(settings.idle_in_transaction_timeout_s * 1000),
        "lock_timeout": int(settings.lock_timeout_s * 1000),
    }
    statements: list[sql.Composable] = [
        sql.SQL("SET default_transaction_read_only = on"),
        sql.SQL("SET standard_conforming_strings = on"),
    ]
    statements += [sql.SQL("SET {} = {}").format(sql.Identifier(k), sql.Literal(v)) for k, v in ms.items()]
    statements.append(sql.SQL("SET search_path = {}, pg_temp").format(sql.Identifier(settings.search_path)))
    statements.append(sql.SQL("SET TimeZone = {}").format(sql.Literal(settings.timezone)))
    conn.execute(sql.SQL("; ").join(statements))
    expected = {
        "default_transaction_read_only": "on",
        "standard_conforming_strings": "on",
        "TimeZone": settings.timezone,
        **{k: str(v) for k, v in ms.items()},
    }
    got = dict(
        conn.execute(
            "SELECT name, setting FROM pg_catalog.pg_settings WHERE name = ANY(%s)", [[*expected, "search_path"]]
        ).fetchall()
    )
    first_schema = got.get("search_path", "").split(",")[0].strip().strip('"')
    wrong = [k for k, v in expected.items() if got.get(k) != v]
    if first_schema != settings.search_path:
        wrong.append("search_path")
    if wrong:
        raise DatabaseOpenError(
            f"PostgreSQL setting {wrong[0]} is {got.get(wrong[0])!r} after setting it; refusing to run queries",
            "check the server or role configuration, or report this as a bug",
        )


def reset_session(conn: Any, settings: SessionSettings) -> None:
    """Forget what the last query left in the session, then set and read back ours again.

    ROLLBACK undoes `SET` and `set_config`, but not every piece of session state: `DISCARD ALL`
    drops the rest (prepared statements, temporary tables, listens, cached plans, advisory locks)
    and resets every setting to its connection default, hence `apply_settings` again; the random
    seed (`setseed`), which nothing resets, is drawn afresh so no query can fix what the next
    one's `random()` returns."""
    import secrets

    conn.execute("DISCARD ALL")
    apply_settings(conn, settings)
    seed = secrets.randbelow(2_000_001) / 1_000_000 - 1  # setseed takes [-1, 1]
    conn.execute("SELECT pg_catalog.setseed(%s::float8)", [seed])


def check_role(conn: Any) -> None:
    """Refuse a role that can do more than read, directly or through a role it may SET ROLE to.

    A member of another role can switch to it (`set_config('role', ...)` inside a SELECT), and a
    login role hidden behind `options=-c role=...` can switch back, so superuser, admin powers,
    dangerous predefined roles and write privileges count for every role the login (session) role
    or the current role is a member of. A superuser is a member of every role, so for one the
    message names the superuser itself, never the other roles it could act as.
    """
    user, current, dbname = conn.execute(
        "SELECT session_user::text, current_user::text, current_database()::text"
    ).fetchone()
    who = f'PostgreSQL {"login " if current != user else ""}role "{user}"'
    # options=-c role=X (or a role default) only changes the current role; RESET ROLE undoes it
    behind = f' (acting as role "{current}", which RESET ROLE undoes)' if current != user else ""
    lead = (
        "log in as a read-only role itself, not through options=-c role=... (the login role's powers remain)"
        if current != user
        else "connect as a read-only role"
    )
    roles = conn.execute(_ROLES_SQL).fetchall()

    def via(names: list[str]) -> str:
        others = [n for n in names if n != user]
        return f" (through role {', '.join(others)})" if others else ""

    supers = [name for name, sup, *_ in roles if sup]
    if supers:
        if user in supers:
            what = f"{who} is a superuser{behind}"
        else:
            what = f"{who} can act as superuser role {', '.join(supers)} (a member may SET ROLE to it){behind}"
        raise DatabaseOpenError(
            f"{what}, which a read-only transaction does not contain (it can read server files and run programs)",
            read_only_role_fix(dbname, lead=lead),
        )
    powers = {p: [r[0] for r in roles if r[i]] for i, p in ((2, "CREATEROLE"), (3, "BYPASSRLS"))}
    held = [p for p, names in powers.items() if names]
    if held:
        names = [n for p in held for n in powers[p]]
        raise DatabaseOpenError(
            f"{who} has {' and '.join(held)}{via(names)}{behind}, more than reading needs",
            read_only_role_fix(dbname, lead=lead),
        )
    members = sorted(name for name, *_ in roles if name in DANGEROUS_ROLES)
    if members:
        raise DatabaseOpenError(
            f"{who} is a member of {', '.join(members)}{behind}, which reaches server files or other sessions",
            read_only_role_fix(dbname, lead=lead),
        )
    writes = conn.execute(_WRITE_PRIVILEGES_SQL).fetchall()
    if writes:
        shown = ", ".join(w + via([r]) for w, r, _ in writes[:3]) + (" and more" if len(writes) > 3 else "")
        public = tuple(dict.fromkeys(obj for *_, obj in writes if obj))
        raise DatabaseOpenError(
            f"{who} can write ({shown}){behind}; analyst needs a role that can only read",
            read_only_role_fix(dbname, public, lead),
        )


# Every role the session can act as: members of the login or current role's closure.
_REACHABLE = (
    "pg_catalog.pg_has_role(session_user, r.oid, 'MEMBER') OR pg_catalog.pg_has_role(current_user, r.oid, 'MEMBER')"
)
_ROLES_SQL = f"""
SELECT r.rolname::text, r.rolsuper, r.rolcreaterole, r.rolbypassrls
FROM pg_catalog.pg_roles r WHERE {_REACHABLE}
ORDER BY r.rolname = session_user DESC, r.rolname
"""

# Each row: what can be changed, by which role of the closure, and the object to REVOKE CREATE
# on when PUBLIC holds that privilege (then every new role would have it too).
_WRITE_PRIVILEGES_SQL = f"""
WITH mine AS (SELECT r.oid, r.rolname::text AS rolname FROM pg_catalog.pg_roles r WHERE {_REACHABLE})
SELECT what, rolname, public_object FROM (
  SELECT concat_ws(', ', cols.ins, cols.upd,
           CASE WHEN pg_catalog.has_table_privilege(m.oid, c.oid, 'DELETE') THEN 'DELETE' END,
           CASE WHEN pg_catalog.has_table_privilege(m.oid, c.oid, 'TRUNCATE') THEN 'TRUNCATE' END)
         || ' on ' || quote_ident(n.nspname) || '.' || quote_ident(c.relname) AS what,
         m.rolname, NULL::text AS public_object, 1 AS ord
  FROM mine m, pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace,
  LATERAL (
    -- exactly what it holds: INSERT/UPDATE on the table, or on the columns it names
    SELECT CASE WHEN pg_catalog.has_table_privilege(m.oid, c.oid, 'INSERT') THEN 'INSERT'
                ELSE 'INSERT (' || string_agg(quote_ident(a.attname), ', ' ORDER BY a.attnum)
                       FILTER (WHERE pg_catalog.has_column_privilege(m.oid, c.oid, a.attnum, 'INSERT')) || ')' END AS ins,
           CASE WHEN pg_catalog.has_table_privilege(m.oid, c.oid, 'UPDATE') THEN 'UPDATE'
                ELSE 'UPDATE (' || string_agg(quote_ident(a.attname), ', ' ORDER BY a.attnum)
                       FILTER (WHERE pg_catalog.has_column_privilege(m.oid, c.oid, a.attnum, 'UPDATE')) || ')' END AS upd
    FROM pg_catalog.pg_attribute a WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
  ) cols
  WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f') AND n.nspname !~ '^pg_' AND n.nspname <> 'information_schema'
    AND (pg_catalog.has_table_privilege(m.oid, c.oid, 'INSERT, UPDATE, DELETE, TRUNCATE')
         OR pg_catalog.has_any_column_privilege(m.oid, c.oid, 'INSERT, UPDATE'))
  UNION ALL
  SELECT 'UPDATE on sequence ' || quote_ident(n.nspname) || '.' || quote_ident(c.relname), m.rolname, NULL, 2
  FROM mine m, pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
  WHERE c.relkind = 'S' AND n.nspname !~ '^pg_'
    AND CASE WHEN c.relkind = 'S' THEN pg_catalog.has_sequence_privilege(m.oid, c.oid, 'UPDATE') ELSE false END
  UNION ALL
  SELECT 'CREATE on schema ' || quote_ident(n.nspname), m.rolname,
         CASE WHEN pg_catalog.has_schema_privilege('public', n.oid, 'CREATE') THEN 'SCHEMA ' || quote_ident(n.nspname) END, 0
  FROM mine m, pg_catalog.pg_namespace n
  WHERE n.nspname !~ '^pg_' AND n.nspname <> 'information_schema' AND pg_catalog.has_schema_privilege(m.oid, n.oid, 'CREATE')
  UNION ALL
  SELECT 'CREATE on database ' || quote_ident(current_database()), m.rolname,
         CASE WHEN pg_catalog.has_database_privilege('public', current_database(), 'CREATE')
              THEN 'DATABASE ' || quote_ident(current_database()) END, 0
  FROM mine m WHERE pg_catalog.has_database_privilege(m.oid, current_database(), 'CREATE')
) w ORDER BY ord, what, rolname LIMIT 20
"""


def _ident(name: str) -> str:
    return name if re.fullmatch(r"[a-z_][a-z0-9_$]*", name) else '"' + name.replace('"', '""') + '"'
