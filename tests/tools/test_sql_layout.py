"""SQL laid out for approval changes only the whitespace between tokens: what is read is what runs."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from tools.sql_layout import layout, same_tokens

MODEL_SQL = (
    "SELECT c.customer_id, SUM(i.line_total) AS total FROM customers AS c JOIN orders AS o USING (customer_id) "
    "LEFT OUTER JOIN order_items AS i USING (order_id) WHERE o.status = 'completed' GROUP BY ALL "
    "ORDER BY total DESC LIMIT 5"
)


def test_clauses_start_lines_and_nothing_else_changes() -> None:
    shown = layout(MODEL_SQL)
    assert shown.splitlines() == [
        "SELECT c.customer_id, SUM(i.line_total) AS total",
        "FROM customers AS c",
        "JOIN orders AS o USING (customer_id)",
        "LEFT OUTER JOIN order_items AS i USING (order_id)",
        "WHERE o.status = 'completed'",
        "GROUP BY ALL",
        "ORDER BY total DESC",
        "LIMIT 5",
    ]
    assert "".join(shown.split()) == "".join(MODEL_SQL.split())


def test_subqueries_indent_and_function_keywords_stay_inline() -> None:
    sql = "SELECT EXTRACT(YEAR FROM d) AS y, left(s, 3) FROM t WHERE y IN (SELECT 2024 FROM u) UNION ALL SELECT 1, 'x'"
    assert layout(sql).splitlines() == [
        "SELECT EXTRACT(YEAR FROM d) AS y, left(s, 3)",
        "FROM t",
        "WHERE y IN (",
        "  SELECT 2024",
        "  FROM u)",
        "UNION ALL",
        "SELECT 1, 'x'",
    ]


def test_strings_comments_and_dollar_quotes_are_never_broken() -> None:
    sql = "SELECT 'a FROM b WHERE c' AS s, /* FROM x */ 1 FROM t"
    assert "'a FROM b WHERE c'" in layout(sql) and "/* FROM x */" in layout(sql)
    pg = "SELECT $$ FROM t WHERE $$ AS s FROM t"
    assert "$$ FROM t WHERE $$" in layout(pg, "postgres")


def test_a_persons_own_layout_and_untokenizable_text_are_shown_as_they_are() -> None:
    mine = "select a\n  from t   where b"
    assert layout(mine) == mine
    assert layout("SELECT 'unterminated FROM t") == "SELECT 'unterminated FROM t"


def test_same_tokens_sees_any_change_beyond_whitespace() -> None:
    assert same_tokens("SELECT a FROM t", "SELECT a\nFROM   t", "duckdb")
    assert not same_tokens("SELECT a FROM t", "select a FROM t", "duckdb")
    assert not same_tokens("SELECT a /* x */ FROM t", "SELECT a FROM t", "duckdb")
    assert not same_tokens("SELECT 'a b'", "SELECT 'a  b'", "duckdb")


WORDS = st.sampled_from(
    [
        "SELECT",
        "FROM",
        "WHERE",
        "JOIN",
        "LEFT",
        "(",
        ")",
        "a",
        "t.b",
        "'s FROM x'",
        "1",
        ",",
        "GROUP BY",
        "ORDER BY",
        "LIMIT",
        "UNION",
        "--c\n",
        "/* WHERE */",
        "$$ x $$",
        '"q FROM"',
    ]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(WORDS, min_size=1, max_size=25))
def test_layout_only_ever_changes_whitespace(words: list[str]) -> None:
    sql = " ".join(words).replace("\n ", "\n")
    for dialect in ("duckdb", "postgres"):
        shown = layout(sql, dialect)
        assert shown == sql.strip() or same_tokens(sql.strip(), shown, dialect)


def test_ask_shows_the_sql_on_lines_and_logs_the_text_that_runs(tmp_path, capsys) -> None:
    import json

    from tests.helpers import events_of, run_cli, session_events

    script = tmp_path / "m.jsonl"
    script.write_text(
        json.dumps({"tool_calls": [{"name": "run_sql", "arguments": {"sql": MODEL_SQL}}]})
        + "\n"
        + json.dumps({"text": "Top five."})
        + "\n"
        + json.dumps({"text": "Top five."})
        + "\n"
    )
    result = run_cli(["ask", "top customers", "--model", f"scripted:{script}", "--approve", "auto"], capsys)
    assert result.code == 0, result.err
    assert "\nFROM customers AS c\nJOIN orders AS o USING (customer_id)\n" in result.err
    path = result.err.strip().splitlines()[-1].split(" · ")[-1]
    ran = events_of(session_events(path), "query_executed")
    assert [e["sql"] for e in ran] == [MODEL_SQL]  # one line, as the model wrote it: that is what ran
