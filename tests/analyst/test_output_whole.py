"""Machine formats and tables never cut silently: a result cut at --max-rows says so on stderr in
csv/json (and batch records carry it), and the table keeps every column name and value whole —
at full width in a file, folded free text or one record per row on a narrow terminal."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import pytest

from tests.helpers import run_cli, run_sql_reply, text_reply

ORDERS_SQL = "SELECT order_id, status FROM orders ORDER BY order_id"
WIDE_SQL = (
    "SELECT 2013 AS year_of_first_order_placed, -1.0 AS adjustment_value_applied, 'alpha' AS customer_segment_name, "
    + ", ".join(f"{i} AS c{i}_long_column_name" for i in range(4, 17))
    + ", DATE '2024-01-31' AS c17_date_col, 'ID-000123456' AS c18_identifier, 123456789.125 AS c19_amount"
)
WIDE_NAMES = [
    "year_of_first_order_placed",
    "adjustment_value_applied",
    "customer_segment_name",
    *(f"c{i}_long_column_name" for i in range(4, 17)),
    "c17_date_col",
    "c18_identifier",
    "c19_amount",
]
WIDE_VALUES = ["2013", "-1.0", "alpha", *(str(i) for i in range(4, 17)), "2024-01-31", "ID-000123456", "123456789.125"]


def script(tmp_path: Path, sql: str, answer: str = "Here they are.", name: str = "model.jsonl") -> str:
    path = tmp_path / name
    path.write_text("".join(json.dumps(r) + "\n" for r in (run_sql_reply(sql), text_reply("done"), text_reply(answer))))
    return f"scripted:{path}"


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def ask_on_terminal(tmp_path: Path, sql: str, columns: int, monkeypatch: pytest.MonkeyPatch) -> str:
    from analyst.commands.ask import run_ask
    from analyst.config import load_config

    monkeypatch.setenv("COLUMNS", str(columns))
    out, err = Terminal(), io.StringIO()
    code = run_ask(
        load_config({}),
        "wide",
        approve="auto",
        output="table",
        db=None,
        model_name=script(tmp_path, sql),
        stdout=out,
        stderr=err,
    )
    assert code == 0, err.getvalue()
    return re.sub(r"\x1b\[[0-9;]*m", "", out.getvalue())  # styles off: what the eye reads


# -- csv and json cut at --max-rows ---------------------------------------------------------------


def test_csv_cut_at_max_rows_warns_on_stderr_and_keeps_the_answer(tmp_path: Path, capsys) -> None:
    result = run_cli(
        [
            "ask",
            "orders",
            "--approve",
            "auto",
            "--format",
            "csv",
            "--max-rows",
            "3",
            "--model",
            script(tmp_path, ORDERS_SQL, "Orders 1 to 3 are shown."),
        ],
        capsys,
    )
    assert result.code == 0, result.err
    assert (
        result.out.splitlines() == ["order_id,status", *result.out.splitlines()[1:4]]
        and len(result.out.splitlines()) == 4
    )
    warnings = [line for line in result.err.splitlines() if "warning" in line]
    assert len(warnings) == 1
    assert "kept the first 3 rows" in warnings[0] and "more exist" in warnings[0] and "--max-rows N" in warnings[0]
    assert "answer: Orders 1 to 3 are shown." in result.err.splitlines()
    assert "answer" not in result.out


def test_csv_not_cut_has_no_warning(tmp_path: Path, capsys) -> None:
    sql = "SELECT status, count(*) AS n FROM orders GROUP BY status ORDER BY status"
    result = run_cli(
        [
            "ask",
            "statuses",
            "--approve",
            "auto",
            "--format",
            "csv",
            "--max-rows",
            "100",
            "--model",
            script(tmp_path, sql),
        ],
        capsys,
    )
    assert result.code == 0, result.err
    assert "warning" not in result.err and "more exist" not in result.err


def test_json_cut_at_max_rows_says_truncated(tmp_path: Path, capsys) -> None:
    result = run_cli(
        [
            "ask",
            "orders",
            "--approve",
            "auto",
            "--format",
            "json",
            "--max-rows",
            "3",
            "--model",
            script(tmp_path, ORDERS_SQL),
        ],
        capsys,
    )
    data = result.json()
    assert data["truncated"] is True and data["row_count"] == 3 and len(data["rows"]) == 3
    assert data["queries"][0]["truncated"] is True
    assert "kept the first 3 rows" in result.err and "more exist" in result.err


def test_batch_records_carry_truncated(tmp_path: Path, capsys) -> None:
    questions = tmp_path / "q.jsonl"
    questions.write_text(json.dumps({"id": "q1", "question": "orders"}) + "\n")
    out = tmp_path / "out.jsonl"
    result = run_cli(
        [
            "batch",
            str(questions),
            "--approve",
            "auto",
            "--max-rows",
            "3",
            "--concurrency",
            "1",
            "--out",
            str(out),
            "--model",
            script(tmp_path, ORDERS_SQL),
        ],
        capsys,
    )
    assert result.code == 0, result.err
    record = json.loads(out.read_text().splitlines()[0])
    assert record["truncated"] is True and record["row_count"] == 3


# -- the table ------------------------------------------------------------------------------------


def test_a_wide_table_piped_to_a_file_keeps_every_name_and_value_whole(tmp_path: Path, capsys) -> None:
    result = run_cli(["ask", "wide", "--approve", "auto", "--model", script(tmp_path, WIDE_SQL)], capsys)
    assert result.code == 0, result.err
    assert "…" not in result.out
    lines = result.out.splitlines()
    header = next(line for line in lines if "year_of_first_order_placed" in line)
    row = lines[lines.index(header) + 2]
    assert [cell.strip() for cell in header.strip("┃").split("┃")] == WIDE_NAMES
    assert [cell.strip() for cell in row.strip("│").split("│")] == WIDE_VALUES


def test_control_characters_in_a_cell_are_shown_not_lost(tmp_path: Path, capsys) -> None:
    """A tab made rich drop the rest of the line ('alpha<TAB>beta' showed as 'alpha'); a carriage
    return and an escape sequence vanished. Each now shows as a visible escape; JSON keeps the value."""
    sql = (
        "SELECT 'alpha' || chr(9) || 'beta' AS g, 'a' || chr(10) || 'b' || chr(9) || 'c' AS n, "
        "'one' || chr(13) || 'two' AS r, 'x' || chr(27) || '[31mRED' AS e"
    )
    result = run_cli(["ask", "tabs", "--approve", "auto", "--model", script(tmp_path, sql)], capsys)
    assert result.code == 0, result.err
    for shown in ("alpha\\tbeta", "b\\tc", "one\\rtwo", "x\\x1b[31mRED"):
        assert shown in result.out, result.out
    assert "\x1b" not in result.out and "\t" not in result.out  # nothing raw reaches the terminal
    data = run_cli(
        ["ask", "tabs", "--approve", "auto", "--format", "json", "--model", script(tmp_path, sql)], capsys
    ).json()
    assert data["rows"][0][:2] == ["alpha\tbeta", "a\nb\tc"]


def test_a_table_too_wide_for_the_terminal_becomes_one_record_per_row(tmp_path: Path, monkeypatch) -> None:
    text = ask_on_terminal(tmp_path, WIDE_SQL, 100, monkeypatch)
    assert "…" not in text
    assert all(len(line) <= 100 for line in text.splitlines())
    records = [line.split(":", 1) for line in text.splitlines() if line.split(":", 1)[0] in WIDE_NAMES]
    assert [(name, value.strip()) for name, value in records] == list(zip(WIDE_NAMES, WIDE_VALUES))
    assert "── row 1 of 1 ──" in text and "--format csv or --format json" in text


def test_a_table_that_fits_when_text_folds_folds_only_the_text(tmp_path: Path, monkeypatch) -> None:
    words = " ".join(f"word{i}" for i in range(40))
    sql = (
        f"SELECT 1234567 AS order_number, DATE '2024-01-31' AS placed_on, '{words}' AS comment_text, "
        "'ID-SUPERLONGIDENTIFIER-0001' AS ident, -1.0 AS delta"
    )
    text = ask_on_terminal(tmp_path, sql, 90, monkeypatch)
    assert "…" not in text
    table = [line for line in text.splitlines() if line.startswith(("┃", "│"))]
    assert all(len(line) <= 90 for line in table)
    cells = [[c.strip() for c in line.strip("┃│").split("┃" if line.startswith("┃") else "│")] for line in table]
    assert cells[0] == ["order_number", "placed_on", "comment_text", "ident", "delta"]
    assert (
        cells[1][0] == "1234567"
        and cells[1][1] == "2024-01-31"
        and cells[1][3] == "ID-SUPERLONGIDENTIFIER-0001"
        and cells[1][4] == "-1.0"
    )
    assert len(cells) > 2  # the comment folded onto more lines ...
    assert " ".join(c[2] for c in cells[1:] if c[2]) == words  # ... every word of it kept, in order


def test_a_table_that_fits_the_terminal_is_unchanged(tmp_path: Path, monkeypatch) -> None:
    text = ask_on_terminal(tmp_path, "SELECT 2013 AS y, -1.0 AS d", 80, monkeypatch)
    assert "┃    y ┃    d ┃" in text and "│ 2013 │ -1.0 │" in text


# -- reports with tables: runs show / compare ----------------------------------------------------


def test_runs_show_and_compare_piped_keep_long_labels_whole(analyst_home: Path, capsys) -> None:
    from tests.sessions.evaluation.test_runs_robust import _result, _write_run

    category = "aggregation_with_window_functions_over_partitioned_sales_by_region_and_quarter"
    db = "/data/warehouse/replicas/analytics_reporting_snapshot_2026_11_23.duckdb"
    runs = analyst_home / "runs"
    ids = ["20261123T000000Z-aaa-0001", "20261123T000001Z-bbb-0002"]
    for run_id, correct in zip(ids, (True, False)):
        _write_run(
            runs, run_id, [_result(run_id, "q0", category, correct, db), _result(run_id, "q1", "other", True, "t")]
        )
    shown = run_cli(["runs", "show", ids[0]], capsys)
    assert shown.code == 0, shown.err
    assert "…" not in shown.out
    assert any(category in line and "100.0%" in line for line in shown.out.splitlines())
    assert any(db in line for line in shown.out.splitlines())
    compared = run_cli(["runs", "compare", ids[0], ids[1]], capsys)
    assert "…" not in compared.out
    assert any(category in line and "-100.0%" in line for line in compared.out.splitlines())


def test_sessions_list_piped_keeps_the_question_and_model_whole(tmp_path: Path, capsys) -> None:
    question = "Which of our customers in the northern region spent the most on garden furniture last spring?"
    model = script(tmp_path, "SELECT 1 AS n", name="a_model_script_with_a_rather_long_file_name_for_the_listing.jsonl")
    assert run_cli(["ask", question, "--approve", "auto", "--format", "json", "--model", model], capsys).code == 0
    listed = run_cli(["sessions", "list"], capsys)
    assert listed.code == 0, listed.err
    assert "…" not in listed.out
    assert listed.out.splitlines()[1].endswith(question) and model in listed.out


def test_csv_marks_words_no_query_backs_and_shows_a_dry_runs_sql(tmp_path: Path, capsys) -> None:
    """In csv mode the answer goes to stderr: it must carry the same 'not from your data' mark as
    the table, and a dry run must show the SQL it checked (it printed nothing; found by a user test)."""
    words = tmp_path / "words.jsonl"
    words.write_text(json.dumps(text_reply("The answer is 42.")) + "\n")
    result = run_cli(["ask", "q", "--approve", "auto", "--format", "csv", "--model", f"scripted:{words}"], capsys)
    assert result.code == 0 and result.out == ""
    assert "answer: The answer is 42.\nno query ran — this is not from your data" in result.err
    dry = run_cli(
        ["ask", "orders", "--approve", "never", "--format", "csv", "--model", script(tmp_path, ORDERS_SQL)], capsys
    )
    assert dry.code == 0 and dry.out == ""
    assert "dry run: checked, not executed:" in dry.err and "FROM orders" in dry.err
