"""`analyst demo` replays the bundled recording on the sample database, offline and keyless."""

from __future__ import annotations

from pathlib import Path

import duckdb

from tests.helpers import run_cli


def test_demo_replays_identically_and_shows_the_answer(capsys, sample_db: Path) -> None:
    con = duckdb.connect(str(sample_db), read_only=True)
    top = con.execute(
        "SELECT coalesce(c.company_name, c.first_name || ' ' || c.last_name) FROM customers c JOIN orders o USING (customer_id) "
        "JOIN order_items i USING (order_id) WHERE o.status = 'completed' GROUP BY ALL ORDER BY sum(i.line_total) DESC LIMIT 1"
    ).fetchone()[0]
    con.close()
    result = run_cli(["demo"], capsys)
    assert result.code == 0, result.err
    assert "REPLAYING a recorded session" in result.err and "replay: identical" in result.err
    assert "guard rejected" in result.err  # the recording's misspelt first query is caught live
    assert top in result.out


def test_demo_uses_the_sample_even_when_another_database_is_configured(capsys, monkeypatch, tmp_path: Path) -> None:
    other = tmp_path / "other.duckdb"
    con = duckdb.connect(str(other))
    con.execute("CREATE TABLE t (x INT)")
    con.close()
    monkeypatch.setenv("ANALYST_DB", str(other))
    result = run_cli(["demo"], capsys)
    assert result.code == 0, result.err
    assert "replay: identical" in result.err


def test_time_limits_must_be_finite(capsys) -> None:
    for flag, value in (("--timeout", "nan"), ("--timeout", "inf"), ("--model-timeout", "nan"), ("--timeout", "0")):
        result = run_cli(["ask", "anything", flag, value], capsys)
        assert result.code == 2 and "greater than 0" in result.err and flag in result.err, (flag, value, result.err)
        assert "Traceback" not in result.err
