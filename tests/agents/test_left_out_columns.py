"""A focused slice leaves columns out: the prompt says so, each table's header names them,
`describe_table` returns them, and excluded columns and tables appear nowhere (exclusions apply
before retrieval). Real DuckDB over the sample database."""

from __future__ import annotations

from pathlib import Path

import pytest

from agents.questions import question_message
from agents.toolbox import run_lookup
from tools.databases.base import Limits
from tools.databases.duckdb import open_duckdb
from tools.retrieval import retrieve

QUESTION = "Which customers in the consumer segment placed the most orders?"


@pytest.fixture
def opened(sample_db: Path, tmp_path: Path):
    def open_(**exclusions: tuple[str, ...]):
        db = open_duckdb(sample_db, tmp_path / "cache", **exclusions)
        opened_dbs.append(db)
        return db

    opened_dbs: list = []
    yield open_
    for db in opened_dbs:
        db.close()


def test_the_prompt_names_what_was_left_out_and_describe_table_returns_it(opened) -> None:
    db = opened()
    catalog = db.catalog()
    budget = retrieve(catalog, "", 10**9).tokens // 4
    message = question_message(catalog, QUESTION, budget, False, set())
    chosen = message.schema
    assert not chosen.whole and chosen.omitted_columns > 0
    assert "describe_table" in message.text.split("\n")[2]  # the schema note above the DDL
    partial = [c for c in chosen.tables if c.omitted]
    assert {c.table.name for c in partial} >= {"customers"}
    for choice in partial:
        left_out = [c.name for c in choice.omitted]
        lines = chosen.ddl.splitlines()
        header = lines[lines.index(f"CREATE TABLE {choice.table.qualified} (") - 1]
        assert f"{len(left_out)} more columns via describe_table: {', '.join(left_out)}" in header
        ok, text = run_lookup("describe_table", {"table": choice.table.qualified}, catalog, db, Limits())
        assert ok
        described = {line.split()[0] for line in text.splitlines()[1:] if line.startswith("  ")}
        assert set(left_out) <= described
        assert {c.name for c in choice.columns} <= described


def test_a_slice_that_leaves_nothing_out_says_nothing(opened) -> None:
    db = opened()
    catalog = db.catalog()
    message = question_message(catalog, QUESTION, 10**9, False, set())
    assert message.schema.whole and "describe_table" not in message.text


def test_excluded_columns_and_tables_appear_nowhere(opened) -> None:
    db = opened(exclude_columns=("customers.email", "customers.segment"), exclude_tables=("orders",))
    catalog = db.catalog()
    budget = retrieve(catalog, "", 10**9).tokens // 4
    for question in (QUESTION, "email address and segment of each customer", "orders per segment and email"):
        chosen = retrieve(catalog, question, budget)
        assert "main.orders" not in chosen.ddl and all(c.table.name != "orders" for c in chosen.tables)
        if "main.customers" not in {c.table.qualified for c in chosen.tables}:
            assert question.startswith("orders")  # it names nothing of customers that is visible
            continue
        block = chosen.ddl.split("CREATE TABLE main.customers (")[1].split(");")[0]
        header = chosen.ddl.split("CREATE TABLE main.customers (")[0].splitlines()[-1]
        assert "email" not in block + header and "segment" not in block + header
        ok, text = run_lookup("describe_table", {"table": "customers"}, catalog, db, Limits())
        assert ok and "email" not in text and "segment" not in text
    ok, text = run_lookup("describe_table", {"table": "orders"}, catalog, db, Limits())
    assert not ok
