"""A MySQL port of five of defog's databases (restaurants, scholar, academic, geography, yelp):
the shipped data and gold SQL, transpiled from DuckDB by sqlglot, give the same results on
MariaDB, through the read-only account, the guard and the scoring's gold path, as on DuckDB.

What a port cannot carry is named, not hidden: a gold using `FILTER (WHERE ...)` has no MySQL
spelling. Table names are lower-cased in the port: the shipped gold spells a few upper-case
(`FROM LOCATION`), which DuckDB folds and MySQL on Linux (lower_case_table_names = 0) does not.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
import sqlglot
from sqlglot import exp

from tests.mysql_env import MyEnv
from tools.databases.base import Limits, QueryResult

PORTED = ("restaurants", "scholar", "academic", "geography", "yelp")
LIMITS = Limits(timeout_s=20, max_rows=100_000, max_cell_bytes=100_000, cell_digest=True)


def to_mysql(sql: str) -> str:
    """DuckDB SQL as MySQL, table names lower-cased (see the module docstring)."""
    tree = sqlglot.parse_one(sql, read="duckdb")
    for table in tree.find_all(exp.Table):
        if isinstance(table.this, exp.Identifier):
            table.set("this", exp.to_identifier(table.name.lower()))
    return tree.sql(dialect="mysql")


@pytest.fixture(scope="module")
def ported(my: MyEnv, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, tuple[Any, Any]]]:
    """name -> (DuckDB database, MySQL database over the port), both opened read-only."""
    from sessions.evaluation.defog import build_databases, data_dir
    from tools.databases.duckdb import open_duckdb
    from tools.databases.mysql import open_mysql

    cache = tmp_path_factory.mktemp("defog")
    paths = build_databases(cache)
    opened: dict[str, tuple[Any, Any]] = {}
    conn = my.admin()
    try:
        with conn.cursor() as cur:
            for name in PORTED:
                database = f"{my.database}_{name}"
                cur.execute(f"CREATE DATABASE `{database}`")
                cur.execute(f"GRANT SELECT, SHOW VIEW ON `{database}`.* TO '{my.users['ro']}'@'%'")
                cur.execute(f"USE `{database}`")
                script = (data_dir() / "db" / f"{name}.sql").read_text(encoding="utf-8")
                for statement in sqlglot.transpile(script, read="duckdb", write="mysql"):
                    if not statement.startswith("COMMENT ON"):  # defog's descriptions: a sidecar's job
                        cur.execute(statement)
        for name in PORTED:
            opened[name] = (
                open_duckdb(paths[name], cache),
                open_mysql(my.url("ro", database=f"{my.database}_{name}")),
            )
        yield opened
    finally:
        for duck, mysql in opened.values():
            duck.close()
            mysql.close()
        with conn.cursor() as cur:
            for name in PORTED:
                cur.execute(f"DROP DATABASE IF EXISTS `{my.database}_{name}`")
        conn.close()


def _questions() -> list[dict[str, Any]]:
    from sessions.evaluation.defog import data_dir

    lines = (data_dir() / "questions.jsonl").read_text(encoding="utf-8").splitlines()
    return [row for row in map(json.loads, lines) if row["db_name"] in PORTED]


def test_every_portable_gold_gives_the_same_result_on_mysql(ported: dict[str, tuple[Any, Any]]) -> None:
    from sessions.evaluation.comparison.order_keys import gold_shape
    from sessions.evaluation.comparison.verdict import compare_results
    from sessions.evaluation.scoring import _run_gold

    questions = _questions()
    differ: list[tuple[str, str]] = []
    not_portable: list[str] = []
    for row in questions:
        duck, mysql = ported[row["db_name"]]
        golds = [g for g in row["gold_sql_duckdb_variants"] if "FILTER(" not in g.upper().replace(" ", "")]
        if not golds:
            not_portable.append(row["id"])
            continue
        reasons = []
        for gold in golds:
            expected = duck.execute(gold, LIMITS)
            got = _run_gold(mysql, to_mysql(gold), LIMITS)
            assert isinstance(expected, QueryResult), (row["id"], expected)
            if not isinstance(got, QueryResult):
                reasons.append(got.message[:160])
                continue
            shape = gold_shape(gold, "duckdb", expected.columns)
            past = duck.execute(shape.past_limit_sql, LIMITS) if shape.past_limit_sql else None
            verdict = compare_results(
                expected,
                got,
                gold_ordered=shape.ordered,
                gold_sort_keys=shape.keys,
                keys_complete=shape.keys_complete,
                past_limit=past if isinstance(past, QueryResult) else None,
            )
            if verdict.correct:
                break
            reasons.append(verdict.reason)
        else:
            differ.append((row["id"], "; ".join(reasons)))
    assert len(questions) >= 100 and len(not_portable) <= 2, not_portable
    assert differ == []


def test_the_port_reads_like_the_original_catalog(ported: dict[str, tuple[Any, Any]]) -> None:
    for name, (duck, mysql) in ported.items():
        original = {t.name: t.row_count for t in duck.catalog().tables}
        port = {t.name: t.row_count for t in mysql.catalog().tables}
        assert port == original, name
