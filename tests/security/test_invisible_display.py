"""Issue 16, class 10: an invisible character never reaches the SQL a person approves unseen.

The guard refuses escapes that spell one (the corpora); what is displayed escapes every such
character all the same, whatever let it through (a refused edit is shown too)."""

from __future__ import annotations

from tools.guard import check_sql
from tools.sql_layout import layout, visible


def test_visible_escapes_every_unseen_character() -> None:
    sql = "SELECT '\u202eabc' AS x,\t'\u200b' AS y\nFROM t WHERE a = '\x1b[31m\u00a0'"
    shown = visible(sql)
    assert shown == "SELECT '\\u202eabc' AS x,\t'\\u200b' AS y\nFROM t WHERE a = '\\u001b[31m\\u00a0'"
    assert visible(shown) == shown  # plain text (and SQL without such characters) is left alone
    assert visible(layout("SELECT 'é' AS x FROM t")) == layout("SELECT 'é' AS x FROM t")


def test_the_text_that_runs_never_holds_an_escaped_invisible_character() -> None:
    for sql, dialect in (
        ("SELECT E'\\u202e' AS x", "postgres"),
        ("SELECT E'\\342\\200\\256' AS x", "postgres"),
        ("SELECT E'\\x0b' AS x", "postgres"),
        ("SELECT e'\\xe2\\x80\\xae' AS x", "duckdb"),
    ):
        verdict = check_sql(sql, None, dialect)
        assert not verdict.ok and {p.code for p in verdict.problems} == {"invisible_character"}, sql
    # escapes shown as written stay allowed: the approval view shows them, not the character
    for sql, dialect in (("SELECT chr(8238) AS x", "postgres"), ("SELECT U&'\\202E' AS x", "postgres")):
        verdict = check_sql(sql, None, dialect)
        assert verdict.ok and verdict.sql is not None and verdict.sql.isprintable(), sql


def test_the_tui_sql_block_shows_the_character_escaped() -> None:
    from analyst.tui.conversation import sql_block

    assert "\\u202e" in sql_block("SELECT '\u202e'").code
