"""`analyst eval` against the real PostgreSQL server: NUMERIC, timestamptz, enums and ORDER BY are
judged by execution on the read-only role, the same way as on DuckDB."""

from __future__ import annotations

import json
from pathlib import Path

from tests.helpers import run_cli
from tests.pg_env import PgEnv

# (id, question, gold, what the "model" answers: equivalent SQL written differently, or wrong SQL)
CASES = [
    (
        "sum",
        "Revenue per order status?",
        "SELECT o.status, sum(oi.quantity * p.price) AS revenue FROM orders o JOIN order_items oi USING (order_id) "
        "JOIN products p USING (product_id) GROUP BY o.status",
        "SELECT sum(p.price * oi.quantity)::float8 AS total, o.status::text AS s FROM order_items oi "
        "JOIN products p ON p.product_id = oi.product_id JOIN orders o ON o.order_id = oi.order_id GROUP BY 2",
        True,
    ),
    (
        "top",
        "The five latest orders?",
        "SELECT order_id, ordered_at FROM orders ORDER BY ordered_at DESC LIMIT 5",
        "SELECT ordered_at AS t, order_id AS id, 1 AS extra FROM orders ORDER BY t DESC LIMIT 5",
        True,
    ),
    (
        "days",
        "Orders per day in January 2024?",
        "SELECT ordered_at::date AS day, count(*) AS n FROM orders WHERE ordered_at < '2024-02-01' GROUP BY 1",
        "SELECT date_trunc('day', ordered_at AT TIME ZONE 'UTC') AS day, count(*) FROM orders WHERE ordered_at < '2024-02-01' GROUP BY 1",
        True,
    ),
    (
        "wrong",
        "How many customers per segment?",
        "SELECT segment, count(*) FROM customers GROUP BY segment",
        "SELECT segment, count(DISTINCT country) FROM customers GROUP BY segment",
        False,
    ),
]


def test_eval_on_postgres_scores_equivalent_sql_correct_and_wrong_sql_incorrect(
    pg: PgEnv, capsys, tmp_path: Path, analyst_home: Path
) -> None:
    suite = tmp_path / "suite.jsonl"
    suite.write_text(
        "".join(
            json.dumps({"id": i, "question": q, "gold_sql": gold, "category": "pg"}) + "\n"
            for i, q, gold, _, _ in CASES
        )
    )
    script = tmp_path / "model.jsonl"
    script.write_text(
        "".join(
            json.dumps({"tool_calls": [{"name": "run_sql", "arguments": {"sql": answer}}]})
            + "\n"
            + json.dumps({"text": "Done."})
            + "\n"
            for _, _, _, answer, _ in CASES
        )
    )
    result = run_cli(["eval", str(suite), "--model", f"scripted:{script}", "--db", pg.url_with_password()], capsys)
    assert list((analyst_home / "runs").glob("*.jsonl")), result.err
    lines = [json.loads(line) for line in next((analyst_home / "runs").glob("*.jsonl")).read_text().splitlines()]
    outcomes = {r["id"]: (r["outcome"], r["reason"], r.get("error")) for r in lines if r["type"] == "result"}
    assert result.code == 0, (result.err, outcomes)
    assert {i: o[0] for i, o in outcomes.items()} == {
        i: "correct" if ok else "incorrect" for i, _, _, _, ok in CASES
    }, outcomes
    assert "accuracy 75.0% (3/4" in result.out
