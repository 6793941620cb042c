"""The guard's advice: warnings about SQL it allows but a person may not mean, shown at approval."""

from __future__ import annotations

import pytest

from tools.guard import sql_warnings


@pytest.mark.parametrize(
    ("sql", "expected"),
    [
        ("SELECT * FROM orders AS o, customers AS c LIMIT 5", ["without a join condition", "LIMIT without ORDER BY"]),
        ("SELECT * FROM orders AS o, customers AS c WHERE o.customer_id = c.customer_id", []),
        ("SELECT * FROM orders o JOIN customers c ON o.customer_id = c.customer_id ORDER BY 1 LIMIT 3", []),
        ("SELECT count(*) FROM orders CROSS JOIN regions", ["CROSS JOIN regions"]),
        ("SELECT count(*) FROM range(0, 10)", []),
        ("not sql at all (", []),
    ],
)
def test_sql_warnings(sql: str, expected: list[str]) -> None:
    found = sql_warnings(sql, "duckdb")
    assert len(found) == len(expected)
    for warning, fragment in zip(found, expected):
        assert fragment in warning
