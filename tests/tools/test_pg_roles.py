"""What analyst says about a PostgreSQL role it refuses, checked against the real server.

Each refusal must name exactly what the role can do: a superuser is a superuser (a superuser is a
member of every role, so "through role X" would be false), a role granted only INSERT holds only
INSERT, and a role set with `options=-c role=...` is reported for what it is.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.helpers import run_cli
from tests.pg_env import PgEnv


@pytest.fixture(scope="module")
def roles(pg: PgEnv) -> Iterator[dict[str, str]]:
    """Extra login roles with one kind of grant each, and a NOLOGIN superuser role to be a member of."""
    from psycopg import sql

    names = {p: f"{pg.app}_{p}" for p in ("ins", "colupd", "deltrunc", "super", "supermember")}
    ident = {p: sql.Identifier(n) for p, n in names.items()}
    grants = {
        "ins": "GRANT INSERT ON customers TO {}",
        "colupd": "GRANT SELECT, UPDATE (name, category) ON products TO {}",
        "deltrunc": "GRANT SELECT, DELETE, TRUNCATE ON order_items TO {}",
    }
    with pg.admin() as conn:
        for purpose in ("ins", "colupd", "deltrunc", "supermember"):
            conn.execute(sql.SQL("CREATE ROLE {} LOGIN NOSUPERUSER NOINHERIT").format(ident[purpose]))
            conn.execute(
                sql.SQL("GRANT CONNECT ON DATABASE {} TO {}").format(sql.Identifier(pg.dbname), ident[purpose])
            )
            conn.execute(sql.SQL("GRANT USAGE ON SCHEMA public TO {}").format(ident[purpose]))
        conn.execute(sql.SQL("CREATE ROLE {} NOLOGIN SUPERUSER").format(ident["super"]))
        conn.execute(sql.SQL("GRANT {} TO {}").format(ident["super"], ident["supermember"]))
        for purpose, grant in grants.items():
            conn.execute(sql.SQL(grant).format(ident[purpose]))
    try:
        yield names
    finally:
        with pg.admin() as conn:
            for name in ident.values():
                conn.execute(sql.SQL("DROP OWNED BY {}").format(name))
            for purpose in ("ins", "colupd", "deltrunc", "supermember", "super"):
                conn.execute(sql.SQL("DROP ROLE {}").format(ident[purpose]))


def _admin_user(pg: PgEnv) -> str:
    from psycopg.conninfo import conninfo_to_dict

    return str(conninfo_to_dict(pg.admin_dsn).get("user") or "postgres")


def _refused(capsys, dsn: str) -> str:
    """Open the database through the CLI; it must refuse with one line on stderr (exit 4)."""
    result = run_cli(["schema", "--db", dsn], capsys)
    assert result.code == 4, result.out + result.err
    assert result.out == "" and result.err.count("\n") <= 1 and "Traceback" not in result.err
    return result.err


def _url(pg: PgEnv, user: str, options: str | None = None) -> str:
    """A postgresql:// URL for `user` on the test database (no password: trust auth)."""
    from urllib.parse import quote

    from psycopg.conninfo import conninfo_to_dict

    params = conninfo_to_dict(pg.admin_dsn)
    host, port = params.get("host", "127.0.0.1"), params.get("port", "5432")
    query = f"?options={quote(options, safe='')}" if options else ""
    return f"postgresql://{quote(user, safe='')}@{host}:{port}/{pg.dbname}{query}"


def test_superuser_is_called_a_superuser_not_through_another_role(pg: PgEnv, roles, capsys) -> None:
    admin = _admin_user(pg)
    err = _refused(capsys, _url(pg, admin))
    assert f'PostgreSQL role "{admin}" is a superuser, which a read-only transaction does not contain' in err
    # a superuser is a member of every role: naming one of them (e.g. another superuser) is false
    assert "through role" not in err and roles["super"] not in err
    assert "CREATE ROLE analyst_ro LOGIN" in err


def test_superuser_behind_options_role_is_explained(pg: PgEnv, capsys) -> None:
    admin, ro = _admin_user(pg), pg.roles["ro"]
    err = _refused(capsys, _url(pg, admin, f"-c role={ro}"))
    assert f'PostgreSQL login role "{admin}" is a superuser (acting as role "{ro}", which RESET ROLE undoes)' in err
    assert "log in as a read-only role itself, not through options=-c role=..." in err
    assert "through role" not in err


def test_member_of_a_superuser_role_names_that_role(pg: PgEnv, roles, capsys) -> None:
    err = _refused(capsys, _url(pg, roles["supermember"]))
    assert (
        f'PostgreSQL role "{roles["supermember"]}" can act as superuser role {roles["super"]} (a member may SET ROLE to it)'
        in err
    )
    assert "is a superuser" not in err


@pytest.mark.parametrize(
    ("purpose", "exact", "not_claimed"),
    [
        ("ins", "can write (INSERT on public.customers)", ("UPDATE", "DELETE", "TRUNCATE")),
        ("colupd", "can write (UPDATE (name, category) on public.products)", ("INSERT", "DELETE", "TRUNCATE", "price")),
        ("deltrunc", "can write (DELETE, TRUNCATE on public.order_items)", ("INSERT", "UPDATE")),
    ],
)
def test_write_privileges_are_reported_exactly(
    pg: PgEnv, roles, capsys, purpose: str, exact: str, not_claimed: tuple[str, ...]
) -> None:
    err = _refused(capsys, _url(pg, roles[purpose]))
    assert f'PostgreSQL role "{roles[purpose]}" {exact}; analyst needs a role that can only read' in err
    message = err.split(" — ", 1)[0]  # the fix after the dash holds CREATE/GRANT SQL of its own
    for word in not_claimed:
        assert word not in message, message


def test_writer_set_through_options_role_is_reported_as_such(pg: PgEnv, capsys) -> None:
    member, writer = pg.roles["member"], pg.roles["writer"]
    err = _refused(capsys, _url(pg, member, f"-c role={writer}"))
    assert f'PostgreSQL login role "{member}" can write (INSERT on public.orders (through role {writer}))' in err
    assert f'(acting as role "{writer}", which RESET ROLE undoes)' in err


def test_options_role_the_login_is_not_a_member_of(pg: PgEnv, capsys) -> None:
    ro, writer = pg.roles["ro"], pg.roles["writer"]
    err = _refused(capsys, _url(pg, ro, f"-c role={writer}"))
    assert f'permission denied to set role "{writer}"' in err
    assert f'the login role {ro} is not a member of role "{writer}" set by options=-c role=...' in err
    assert "server is running" not in err and "host and port" not in err


def test_options_role_that_does_not_exist(pg: PgEnv, capsys) -> None:
    missing = pg.app + "_nosuchrole"
    err = _refused(capsys, _url(pg, pg.roles["ro"], f"-c role={missing}"))
    assert f'role "{missing}" does not exist' in err
    assert f'no role "{missing}" exists for options=-c role=...' in err
    assert "user name in the URL" not in err
    # a missing login role still points at the user name
    err = _refused(capsys, _url(pg, missing))
    assert "check the user name in the URL" in err


def test_read_only_role_set_to_itself_through_options_opens(pg: PgEnv, capsys) -> None:
    ro = pg.roles["ro"]
    result = run_cli(["schema", "--db", _url(pg, ro, f"-c role={ro}"), "--format", "json"], capsys)
    assert result.code == 0, result.err
    assert "customers" in result.out
