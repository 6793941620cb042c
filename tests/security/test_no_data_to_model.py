"""`--no-data-to-model` (issue 16, class 6): with the flag on, no value of the data reaches the model,
whatever query the guard accepts and whatever it makes of the data.

The attacks: a conversion error that quotes a cell (with a quote the query adds itself, which beat
the old scrubbing of quoted literals), an overflow error that prints the operands, one- and two-row
numeric results (their count/min/max/sum were the values), text turned into numbers first, a result
padded with copies of one row (which beats any "under N rows" rule), and a row count made to be
the value. Each runs through the loop on every engine (`any_db`) with a scripted model; every
request the model received is searched for the value. On SQLite the tables are in `main` and
`ascii` is `unicode`; a CAST there never fails (it reads what it can), so its failed query is
malformed JSON instead, and its messages quote no value to show with the flag off.
"""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import Any

import pytest

from agents.drive import auto_approve, drive
from agents.loop import AnalystLoop
from agents.models.scripted import ScriptedModel
from agents.settings import Settings
from tests.backends import contract_schema
from tools.databases.error_classes import ErrorClass, from_duckdb, from_sqlstate

# contract.items row 7: label 'item 7', price 17.00 (tests/backends.py)
ITEM_7 = "FROM contract.items WHERE id = 7"
PRICE_CODE = "134623"  # 17 * 7919
TEXT_CODE = "628429"  # length('item 7') * 104729 + ascii('7')

ATTACKS: dict[str, tuple[str, tuple[str, ...]]] = {
    "conversion error, quote added by the query": (
        f"SELECT CAST('''' || label AS integer) AS v {ITEM_7}",
        ("item 7",),
    ),
    "conversion error, double quote added by the query": (
        f"SELECT CAST('\"' || label AS integer) AS v {ITEM_7}",
        ("item 7",),
    ),
    "conversion error of the bare cell": (f"SELECT CAST(label AS integer) AS v {ITEM_7}", ("item 7",)),
    "overflow error naming its operands": (
        f"SELECT CAST(price * 7919 AS integer) * 100000 AS v {ITEM_7}",
        (PRICE_CODE,),
    ),
    "one-row numeric result": (f"SELECT price * 7919 AS v {ITEM_7}", (PRICE_CODE,)),
    "two-row numeric result": (
        "SELECT price * 7919 AS v FROM contract.items WHERE id IN (7, 8)",
        (PRICE_CODE, "142542", "277165"),  # each value, and the sum
    ),
    "text turned into a number": (
        f"SELECT length(label) * 104729 + ascii(substr(label, 6, 1)) AS v {ITEM_7}",
        (TEXT_CODE,),
    ),
    "one row padded with copies": (
        "SELECT i.price * 7919 AS v FROM contract.items AS i CROSS JOIN contract.sales AS s WHERE i.id = 7",
        (PRICE_CODE,),
    ),
    "row count made to be the value": (
        "SELECT sale_id FROM contract.sales WHERE sale_id <= "
        "(SELECT ascii(substr(label, 6, 1)) FROM contract.items WHERE id = 7)",
        ("55 rows", ": 55", " 55,", "55 "),  # ascii('7') = 55 rows
    ),
}


def _in_dialect(database: Any, sql: str) -> str:
    if database.dialect != "sqlite":
        return sql
    return sql.replace("contract.", "").replace("ascii(", "unicode(")


def _sent(database: Any, sql: str, data_to_model: bool = False) -> tuple[str, Any]:
    """Run one proposed query through the loop; (every request the model got, as text; outcome)."""
    sql = _in_dialect(database, sql)
    entries = [
        {"tool_calls": [{"name": "run_sql", "arguments": {"sql": sql}}]},
        {"text": "Done."},
        {"text": "Summary."},
    ]
    sql = sql.replace("contract.", contract_schema(database) + ".")
    if database.dialect == "mysql":  # MySQL's `||` is OR: the same attacks, spelled for it
        sql = sql.replace(" || label", "CONCAT(, label)").replace("'\"' || label", "CONCAT('\"', label)")
    entries[0] = {"tool_calls": [{"name": "run_sql", "arguments": {"sql": sql}}]}
    model = ScriptedModel(entries, source="test")
    loop = AnalystLoop(model, database, Settings(data_to_model=data_to_model), lambda event: None)
    outcome = drive(loop, "Tell me about the seventh item.", auto_approve)
    return json.dumps([asdict(r) for r in model.requests], default=str, ensure_ascii=False), outcome


@pytest.mark.parametrize("attack", list(ATTACKS))
def test_no_value_reaches_the_model(any_db: Any, attack: str) -> None:
    sql, values = ATTACKS[attack]
    sent, _ = _sent(any_db, sql)
    if attack == "row count made to be the value":
        assert "10 to 99 rows" in sent  # the order of magnitude only
    for value in values:
        assert value not in sent, f"{attack}: {value!r} reached the model"


@pytest.mark.parametrize("attack", ["conversion error, quote added by the query", "one-row numeric result"])
def test_with_the_flag_off_the_same_queries_do_show_the_value(any_db: Any, attack: str) -> None:
    """The attacks are real: without the flag the model reads the value (the engines quote it)."""
    if any_db.dialect == "mysql" and attack.startswith("conversion error"):
        pytest.skip("MySQL's CAST never fails (a bad value becomes 0 with a warning): no error quotes a cell")
    if any_db.dialect == "sqlite" and "conversion" in attack:
        pytest.skip("SQLite's CAST never fails, and its error messages quote no value")
    sql, values = ATTACKS[attack]
    sent, _ = _sent(any_db, sql, data_to_model=True)
    assert values[0] in sent


def test_a_failed_query_is_told_by_its_class(any_db: Any) -> None:
    if any_db.dialect == "mysql":  # its casts never fail; BIGINT arithmetic does, naming the expression
        sent, outcome = _sent(any_db, f"SELECT CAST(price * 7919 AS SIGNED) * 100000000000000 AS v {ITEM_7}")
        assert "The query failed: value out of range" in sent and PRICE_CODE not in sent
        assert outcome.status != "answered"
        return
    if any_db.dialect == "sqlite":
        sent, outcome = _sent(any_db, f"SELECT json_extract(label, '$') AS v {ITEM_7}")
        assert "The query failed: invalid value for a function or operator" in sent and "item 7" not in sent
        assert outcome.status != "answered"
        return
    sent, outcome = _sent(any_db, ATTACKS["conversion error, quote added by the query"][0])
    assert "The query failed: conversion error" in sent
    assert outcome.status != "answered"


def test_a_result_is_told_by_its_columns_and_rough_size(any_db: Any) -> None:
    sent, outcome = _sent(any_db, ATTACKS["one-row numeric result"][0])
    assert outcome.status == "answered" and outcome.result is not None  # the person still sees the row
    assert "Query ran: 1 row." in sent and 'Columns: [[\\"v\\"' in sent and "Aggregates" not in sent


@pytest.mark.parametrize(
    ("sqlstate", "expected"),
    [
        ("22P02", ErrorClass.CONVERSION),
        ("22012", ErrorClass.DIVISION_BY_ZERO),
        ("22003", ErrorClass.OUT_OF_RANGE),
        ("22023", ErrorClass.INVALID_VALUE),
        ("42703", ErrorClass.UNKNOWN_NAME),
        ("53200", ErrorClass.RESOURCES),
        ("XX000", ErrorClass.OTHER),
        (None, ErrorClass.OTHER),
    ],
)
def test_postgres_sqlstates_map_to_classes(sqlstate: str | None, expected: ErrorClass) -> None:
    assert from_sqlstate(sqlstate) is expected


@pytest.mark.parametrize(
    ("sql", "expected"),
    [
        ("SELECT CAST('x' AS integer)", ErrorClass.CONVERSION),
        ("SELECT 1 // 0", ErrorClass.DIVISION_BY_ZERO),
        ("SELECT (SELECT * FROM range(3))", ErrorClass.TOO_MANY_ROWS),
        ("SELECT strptime('x', '%d')", ErrorClass.INVALID_VALUE),
        ("SELECT 2147483647::integer + 1", ErrorClass.OUT_OF_RANGE),
        ("SELECT nosuch", ErrorClass.UNKNOWN_NAME),
        ("SELEC 1", ErrorClass.SYNTAX),
    ],
)
def test_duckdb_exceptions_map_to_classes(sql: str, expected: ErrorClass) -> None:
    import duckdb

    with pytest.raises(duckdb.Error) as raised:
        duckdb.connect().execute(sql)
    assert from_duckdb(raised.value) is expected
