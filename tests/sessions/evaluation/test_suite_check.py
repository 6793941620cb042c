"""`analyst suite check`: gold SQL that fails or cuts a tie, duplicate questions, tiers, a cleaned
copy — on a real DuckDB file."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb

from tests.helpers import run_cli
from tools.examples.curation import Tier, duplicates, tier


def make_db(path: Path) -> Path:
    with duckdb.connect(str(path)) as con:
        con.execute("CREATE TABLE sales (region VARCHAR, rep VARCHAR, amount INTEGER)")
        con.execute(
            "INSERT INTO sales VALUES ('north','ann',5),('north','bob',5),('south','cid',3),('east','dan',9),('west','eve',1)"
        )
    return path


def write(path: Path, rows: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    return path


def test_suite_check_reports_and_cleans(capsys, tmp_path: Path) -> None:
    db = make_db(tmp_path / "sales.duckdb")
    suite = write(
        tmp_path / "suite.jsonl",
        [
            {
                "id": "total",
                "question": "What is the total amount?",
                "gold_sql": "SELECT sum(amount) FROM sales",
                "db": str(db),
            },
            {
                "id": "again",
                "question": "what is the total amount",
                "gold_sql": "SELECT sum(amount) AS t FROM sales",
                "db": str(db),
            },
            {
                "id": "near",
                "question": "What's the total amount?",
                "gold_sql": "SELECT sum(amount) FROM sales",
                "db": str(db),
            },
            {
                "id": "tie",
                "question": "Which rep sold the most in one sale, after the top one?",
                "gold_sql": "SELECT rep, amount FROM sales ORDER BY amount DESC LIMIT 2",
                "db": str(db),
            },
            {"id": "broken", "question": "Margin per region", "gold_sql": "SELECT margin FROM sales", "db": str(db)},
            {
                "id": "nested",
                "question": "Reps above the average",
                "gold_sql": "SELECT rep FROM sales WHERE amount > (SELECT avg(amount) FROM sales) ORDER BY rep",
                "db": str(db),
            },
        ],
    )
    result = run_cli(
        ["suite", "check", str(suite), "--format", "json", "--clean", str(tmp_path / "clean.jsonl")], capsys
    )
    assert result.code == 1, result.err
    report = result.json()
    assert report["questions"] == 6 and report["sound"] == 4
    assert [f["id"] for f in report["failing"]] == ["broken"] and "margin" in report["failing"][0]["problems"][0]
    assert [n["id"] for n in report["nondeterministic"]] == ["tie"] and "tie" in report["nondeterministic"][0]["why"][0]
    pairs = {(d["first"], d["second"], d["exact"]) for d in report["duplicates"]}
    assert ("total", "again", True) in pairs and any(p[1] == "near" and not p[2] for p in pairs)
    assert report["by_id"]["total"] == "medium" and report["by_id"]["nested"] == "hard"
    cleaned = [json.loads(line) for line in (tmp_path / "clean.jsonl").read_text().splitlines()]
    assert [r["id"] for r in cleaned] == ["total", "near", "nested"]
    assert cleaned[2]["difficulty"] == "hard"
    rerun = run_cli(["suite", "check", str(tmp_path / "clean.jsonl"), "--format", "json"], capsys)
    assert rerun.json()["sound"] == 3


def test_tiers_follow_structure() -> None:
    assert tier("SELECT rep FROM sales") is Tier.EASY
    assert tier("SELECT region, count(*) FROM sales GROUP BY region") is Tier.MEDIUM
    assert tier("SELECT * FROM a JOIN b USING (x) JOIN c USING (x) JOIN d USING (x)") is Tier.HARD
    assert tier("SELECT 1 UNION SELECT 2") is Tier.HARD
    assert tier("SELECT x, rank() OVER (ORDER BY x) FROM t WHERE x IN (SELECT x FROM u)") is Tier.EXTRA
    assert tier("SELEC nonsense (") is Tier.UNPARSED


def test_duplicates_exact_near_and_distinct() -> None:
    found = duplicates(["How many orders?", "how many ORDERS", "How many orders were placed?", "Revenue by city"])
    assert [(d.first, d.second, d.exact) for d in found] == [(0, 1, True)] or (0, 1, True) in [
        (d.first, d.second, d.exact) for d in found
    ]
    assert all(3 not in (d.first, d.second) for d in found)


def test_a_new_clause_is_not_a_near_duplicate() -> None:
    found = duplicates(
        [
            "Revenue by region",
            "Revenue by region for enterprise customers",
            "Ratio of stores rated above 4.0 to all stores",
            "Ratio of stores rated above 4 to all stores",
        ]
    )
    assert [(d.first, d.second) for d in found] == [(2, 3)]
