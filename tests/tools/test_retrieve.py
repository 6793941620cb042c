"""Retrieval: whole schema when it fits, the right tables when it does not, never over budget."""

from __future__ import annotations

import dataclasses
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import sqlglot
from hypothesis import given, settings
from hypothesis import strategies as st

from tools.catalog import Catalog, Column, Context, ForeignKey, JoinHint, Table
from tools.catalog.ddl import render_ddl
from tools.retrieval import (
    Retriever,
    SchemaSlice,
    SliceMethod,
    TableChoice,
    retrieve,
    retriever_for,
)
from tools.retrieval.terms import split_words, stem
from tools.tokens import default_budget, estimate_tokens

# --- a hand-built catalog of 32 tables --------------------------------------------------------


def _col(spec: str) -> Column:
    """`name type [-- comment] [| sample, sample]`; a trailing `!` on the name means NOT NULL."""
    spec, _, samples = spec.partition(" | ")
    spec, _, comment = spec.partition(" -- ")
    name, type_ = spec.split(" ", 1)
    return Column(
        name.rstrip("!"),
        type_,
        comment or None,
        nullable=not name.endswith("!"),
        samples=tuple(s.strip() for s in samples.split(",")) if samples else (),
    )


def _table(
    name: str, comment: str, cols: list[str], fks: dict[str, str] | None = None, rows: int | None = 100
) -> Table:
    columns = tuple(_col(c) for c in cols)
    foreign = tuple(
        ForeignKey((col,), f"main.{ref.split('.')[0]}", (ref.split(".")[1],)) for col, ref in (fks or {}).items()
    )
    return Table("main", name, columns, comment, (columns[0].name,), foreign, rows)


def shop_catalog() -> Catalog:
    t = _table
    tables = [
        t(
            "customers",
            "People and companies who buy from us",
            [
                "customer_id! INTEGER",
                "full_name VARCHAR",
                "email VARCHAR",
                "segment VARCHAR -- Customer segment | consumer, corporate, home office",
                "country VARCHAR -- ISO country code | DE, FR, US",
                "signup_date DATE",
            ],
        ),
        t(
            "orders",
            "One row per order placed",
            [
                "order_id! INTEGER",
                "customer_id INTEGER",
                "store_id INTEGER",
                "order_date DATE",
                "status VARCHAR -- Order status | completed, returned, cancelled",
                "total_amount DECIMAL(12,2) -- Order total including tax",
            ],
            {"customer_id": "customers.customer_id", "store_id": "stores.store_id"},
        ),
        t(
            "order_items",
            "Lines of an order",
            [
                "order_item_id! INTEGER",
                "order_id INTEGER",
                "product_id INTEGER",
                "quantity INTEGER",
                "unit_price DECIMAL(10,2)",
            ],
            {"order_id": "orders.order_id", "product_id": "products.product_id"},
        ),
        t(
            "products",
            "Things we sell",
            [
                "product_id! INTEGER",
                "product_name VARCHAR",
                "category_id INTEGER",
                "list_price DECIMAL(10,2)",
                "discontinued BOOLEAN",
            ],
            {"category_id": "categories.category_id"},
        ),
        t("categories", "Product categories", ["category_id! INTEGER", "category_name VARCHAR | Toys, Garden, Books"]),
        t(
            "suppliers",
            "Companies that supply products",
            ["supplier_id! INTEGER", "supplier_name VARCHAR", "supplier_country VARCHAR"],
        ),
        t(
            "product_suppliers",
            "Which supplier delivers which product",
            ["product_id! INTEGER", "supplier_id INTEGER", "lead_time_days INTEGER"],
            {"product_id": "products.product_id", "supplier_id": "suppliers.supplier_id"},
        ),
        t(
            "stores",
            "Physical shops",
            ["store_id! INTEGER", "store_name VARCHAR", "region_id INTEGER", "opened_on DATE"],
            {"region_id": "regions.region_id"},
        ),
        t("regions", "Sales regions", ["region_id! INTEGER", "region_name VARCHAR | North, South, East, West"]),
        t(
            "payments",
            "Payments received for orders",
            [
                "payment_id! INTEGER",
                "order_id INTEGER",
                "paid_at TIMESTAMP",
                "method VARCHAR -- Payment method | card, cash, voucher",
                "amount DECIMAL(12,2)",
            ],
            {"order_id": "orders.order_id"},
        ),
        t(
            "shipments",
            "Deliveries of orders",
            [
                "shipment_id! INTEGER",
                "order_id INTEGER",
                "carrier VARCHAR | DHL, UPS",
                "shipped_at TIMESTAMP",
                "delivered_at TIMESTAMP",
            ],
            {"order_id": "orders.order_id"},
        ),
        t(
            "returns",
            "Returned order lines and refunds",
            ["return_id! INTEGER", "order_item_id INTEGER", "reason VARCHAR", "refund DECIMAL(10,2)"],
            {"order_item_id": "order_items.order_item_id"},
        ),
        t(
            "promotions",
            "Discount promotions",
            [
                "promotion_id! INTEGER",
                "promo_code VARCHAR",
                "discount_pct DECIMAL(5,2)",
                "starts_on DATE",
                "ends_on DATE",
            ],
        ),
        t(
            "employees",
            "Staff",
            [
                "employee_id! INTEGER",
                "first_name VARCHAR",
                "last_name VARCHAR",
                "department_id INTEGER",
                "job_title_id INTEGER",
                "hired_on DATE",
            ],
            {"department_id": "departments.department_id", "job_title_id": "job_titles.job_title_id"},
        ),
        t(
            "departments",
            "Organisational units",
            ["department_id! INTEGER", "department_name VARCHAR | Sales, Finance, Support"],
        ),
        t(
            "salaries",
            "Salary history of employees",
            ["salary_id! INTEGER", "employee_id INTEGER", "annual_salary DECIMAL(12,2)", "valid_from DATE"],
            {"employee_id": "employees.employee_id"},
        ),
        t("job_titles", "Job titles", ["job_title_id! INTEGER", "title VARCHAR"]),
        t(
            "timesheets",
            "Hours worked per day",
            ["timesheet_id! INTEGER", "employee_id INTEGER", "work_date DATE", "hours DECIMAL(4,1)"],
            {"employee_id": "employees.employee_id"},
        ),
        t("agents", "Support agents answering tickets", ["agent_id! INTEGER", "agent_name VARCHAR", "team VARCHAR"]),
        t(
            "tickets",
            "Support tickets raised by customers",
            [
                "ticket_id! INTEGER",
                "customer_id INTEGER",
                "agent_id INTEGER",
                "opened_at TIMESTAMP",
                "status VARCHAR | open, pending, closed",
                "priority VARCHAR | low, high",
            ],
            {"customer_id": "customers.customer_id", "agent_id": "agents.agent_id"},
        ),
        t(
            "ticket_comments",
            "Comments on support tickets",
            ["comment_id! INTEGER", "ticket_id INTEGER", "body VARCHAR", "written_at TIMESTAMP"],
            {"ticket_id": "tickets.ticket_id"},
        ),
        t(
            "campaigns",
            "Marketing campaigns",
            [
                "campaign_id! INTEGER",
                "campaign_name VARCHAR | spring sale, black friday",
                "channel VARCHAR | email, social",
                "budget DECIMAL(12,2)",
            ],
        ),
        t(
            "memberships",
            None,
            ["membership_id! INTEGER", "left_ref INTEGER", "right_ref INTEGER", "since DATE"],
            {"left_ref": "customers.customer_id", "right_ref": "campaigns.campaign_id"},
        ),
        t(
            "email_events",
            "Opens and clicks of marketing emails",
            ["event_id! INTEGER", "campaign_id INTEGER", "event_type VARCHAR | open, click", "event_time TIMESTAMP"],
            {"campaign_id": "campaigns.campaign_id"},
        ),
        t(
            "invoices",
            "Invoices sent to customers",
            [
                "invoice_id! INTEGER",
                "customer_id INTEGER",
                "issued_on DATE",
                "currency_code VARCHAR",
                "invoice_total DECIMAL(12,2)",
            ],
            {"customer_id": "customers.customer_id", "currency_code": "currencies.currency_code"},
        ),
        t(
            "invoice_lines",
            "Lines of an invoice",
            ["invoice_line_id! INTEGER", "invoice_id INTEGER", "description VARCHAR", "line_amount DECIMAL(12,2)"],
            {"invoice_id": "invoices.invoice_id"},
        ),
        t("currencies", "ISO currencies", ["currency_code! VARCHAR | EUR, USD, GBP", "currency_name VARCHAR"]),
        t(
            "exchange_rates",
            "Daily exchange rates to EUR",
            ["rate_id! INTEGER", "currency_code VARCHAR", "rate_date DATE", "rate DECIMAL(12,6)"],
            {"currency_code": "currencies.currency_code"},
        ),
        t(
            "accounts",
            "General ledger accounts",
            ["account_id! INTEGER", "account_name VARCHAR", "account_type VARCHAR | asset, liability"],
        ),
        t(
            "journal_entries",
            "Ledger postings",
            [
                "entry_id! INTEGER",
                "account_id INTEGER",
                "posted_on DATE",
                "debit DECIMAL(12,2)",
                "credit DECIMAL(12,2)",
            ],
            {"account_id": "accounts.account_id"},
        ),
        t(
            "warehouses",
            "Storage locations",
            ["warehouse_id! INTEGER", "warehouse_name VARCHAR", "city VARCHAR | Berlin, Paris"],
        ),
        t(
            "inventory_levels",
            "Stock on hand per product and warehouse",
            ["product_id! INTEGER", "warehouse_id INTEGER", "on_hand INTEGER", "counted_on DATE"],
            {"product_id": "products.product_id", "warehouse_id": "warehouses.warehouse_id"},
        ),
    ]
    return Catalog("duckdb", tuple(tables))


SHOP = shop_catalog()
FULL = Retriever(SHOP).retrieve("", 10**9).tokens
QUESTIONS = {
    "Which customers placed the most orders last month?": {"customers", "orders"},
    "Average annual salary by department": {"salaries", "departments", "employees"},
    "How many support tickets are still open per agent?": {"tickets", "agents"},
    "Stock on hand for each product in the Berlin warehouse": {"inventory_levels", "products", "warehouses"},
    "Total invoice amount per currency, converted with exchange rates": {"invoices", "currencies", "exchange_rates"},
    "Which suppliers deliver products in the Toys category?": {
        "suppliers",
        "product_suppliers",
        "products",
        "categories",
    },
    "What is the refund total for returned order items?": {"returns", "order_items"},
}


def names(s: SchemaSlice) -> set[str]:
    return {c.table.name for c in s.tables}


# --- tokens -----------------------------------------------------------------------------------


def test_estimate_tokens_is_ceil_of_chars_over_four() -> None:
    assert [estimate_tokens("x" * n) for n in (0, 1, 4, 5, 8, 9)] == [0, 1, 1, 2, 2, 3]


def test_default_budget_is_smaller_of_6000_and_a_quarter_of_the_window() -> None:
    assert default_budget(None) == 6000
    assert default_budget(200_000) == 6000
    assert default_budget(16_000) == 4000
    assert default_budget(0) == 6000


# --- whole schema -----------------------------------------------------------------------------


def test_whole_schema_when_it_fits() -> None:
    s = retrieve(SHOP, "anything at all", FULL)
    assert s.whole and len(s.tables) == len(SHOP.tables)
    assert all(c.why == "whole schema fits" and c.columns == c.table.columns for c in s.tables)
    assert s.ddl == render_ddl(SHOP.tables, SHOP.join_hints(), "duckdb")
    assert s.tokens == s.full_tokens == FULL == estimate_tokens(s.ddl)
    assert len(s.join_hints) == len(SHOP.join_hints())


def test_one_token_less_than_the_whole_is_a_slice() -> None:
    s = retrieve(SHOP, "customers", FULL - 1)
    assert not s.whole and s.tokens <= FULL - 1 and s.full_tokens == FULL


# --- choosing tables --------------------------------------------------------------------------


@pytest.mark.parametrize("question", sorted(QUESTIONS))
def test_a_quarter_of_the_schema_holds_the_tables_the_question_needs(question: str) -> None:
    s = retrieve(SHOP, question, FULL // 4)
    assert not s.whole
    assert QUESTIONS[question] <= names(s), [(c.table.name, c.why) for c in s.tables]
    assert s.tables[0].table.name in QUESTIONS[question]


@pytest.mark.parametrize("question", sorted(QUESTIONS))
def test_a_tight_budget_still_leads_with_a_needed_table(question: str) -> None:
    s = retrieve(SHOP, question, FULL // 10)
    assert s.tables and s.tables[0].table.name in QUESTIONS[question]
    assert s.tokens <= FULL // 10


def test_foreign_keys_bring_a_bridge_table_whose_name_matches_nothing() -> None:
    question = "Which customers took part in the spring sale campaign?"
    s = retrieve(SHOP, question, FULL // 8, SliceMethod.GREEDY)
    by_name = {c.table.name: c for c in s.tables}
    assert {"customers", "campaigns", "memberships"} <= set(by_name)
    assert by_name["memberships"].score == 0
    assert "bridge between main." in by_name["memberships"].why
    assert "-- memberships.left_ref can be joined with customers.customer_id" in s.ddl
    s = retrieve(SHOP, question, FULL // 8)
    by_name = {c.table.name: c for c in s.tables}
    assert set(by_name) == {"customers", "campaigns", "memberships"}  # the join path, no other neighbour
    assert by_name["memberships"].why == "join path between main.campaigns and main.customers"
    assert "left_ref INTEGER REFERENCES main.customers(customer_id)" in s.ddl


def test_why_says_what_matched() -> None:
    question = "How many support tickets are still open per agent?"
    s = retrieve(SHOP, question, FULL // 4, SliceMethod.GREEDY)
    why = {c.table.name: c.why for c in s.tables}
    assert "'tickets' in name" in why["tickets"]
    assert "'open' in sample values" in why["tickets"]
    assert "joins main." in why["agents"]
    s = retrieve(SHOP, question, FULL // 4)
    why = {c.table.name: c.why for c in s.tables}
    assert "'tickets' in name" in why["tickets"] and "'open' in sample values" in why["tickets"]
    assert "'agent' in name" in why["agents"]
    assert "describe_table" not in why["tickets"]  # leaving out 3 of 6 columns saves too little


def test_a_wide_table_keeps_its_keys_and_the_matching_columns() -> None:
    extra = tuple(Column(f"metric_{n:02d}", "DOUBLE", f"Metric number {n}") for n in range(60))
    wide = _table(
        "facts",
        "Wide fact table",
        ["fact_id! INTEGER", "customer_id INTEGER"],
        {"customer_id": "customers.customer_id"},
    )
    wide = dataclasses.replace(wide, columns=wide.columns + extra + (_col("churn_flag BOOLEAN"),))
    catalog = dataclasses.replace(SHOP, tables=SHOP.tables + (wide,))
    s = retrieve(catalog, "churn flag of facts", 120, SliceMethod.GREEDY)
    facts = next(c for c in s.tables if c.table.name == "facts")
    shown = {c.name for c in facts.columns}
    assert {"fact_id", "customer_id", "churn_flag"} <= shown and len(shown) < 63
    assert f"{len(shown)} of 63 columns shown" in s.ddl
    assert f"{len(shown)} of 63 columns" in facts.why
    s = retrieve(catalog, "churn flag of facts", 120)
    facts = next(c for c in s.tables if c.table.name == "facts")
    assert {c.name for c in facts.columns} == {"fact_id", "churn_flag"}  # no other table: no join column
    assert "61 more columns via describe_table: customer_id, metric_00, metric_01," in s.ddl
    assert "2 of 63 columns; the other 61 via describe_table" in facts.why


def test_a_table_named_in_the_question_beats_tables_that_only_mention_it() -> None:
    flights = [
        _table(
            f"flight_{n}",
            f"Flight data {n}",
            [
                f"flight_{n}_id! INTEGER",
                "airline_code VARCHAR -- Code of the airline",
                "airline_flight VARCHAR -- The airline flight number",
                "airline_alliance VARCHAR -- Alliance of the airline",
                f"leg_{n} INTEGER",
            ],
        )
        for n in range(6)
    ]
    airline = _table("airline", None, ["airline_code! VARCHAR", "airline_name VARCHAR", "note VARCHAR"])
    catalog = Catalog("duckdb", (*flights, airline))
    r = Retriever(catalog)
    s = r.retrieve("top 2 airlines", r.retrieve("", 10**9).tokens // 3)
    assert s.tables[0].table.name == "airline"
    assert all(s.tables[0].score > 3 * c.score for c in s.tables[1:])  # not a near tie


def test_no_matching_word_falls_back_to_well_connected_tables() -> None:
    s = retrieve(SHOP, "zzz qqq", FULL // 4)
    assert s.tables and s.tables[0].table.name == "orders"  # joined by the most tables
    assert s.tables[0].why.startswith("no word of the question matched")


def test_budget_zero_gives_an_empty_slice() -> None:
    s = retrieve(SHOP, "customers", 0)
    assert s == SchemaSlice((), (), "", 0, FULL, False)


def test_context_descriptions_and_hints_count() -> None:
    catalog = dataclasses.replace(
        SHOP,
        context=Context(
            glossary="Churned = customers.segment is 'lapsed' for 90 days",
            column_descriptions={"memberships.since": "Date the client enrolled in a loyalty scheme"},
            join_hints=(JoinHint("accounts.account_id", "invoice_lines.invoice_line_id", "context"),),
        ),
    )
    s = retrieve(catalog, "When did each client enroll?", FULL // 6)
    assert s.tables[0].table.name == "memberships"
    assert "-- Date the client enrolled in a loyalty scheme" in s.ddl
    s = retrieve(catalog, "how many churned", FULL // 6)
    assert s.tables[0].table.name == "customers" and "in glossary" in s.tables[0].why
    s = retrieve(catalog, "ledger accounts and invoice lines", FULL // 4)
    assert "-- accounts.account_id can be joined with invoice_lines.invoice_line_id" in s.ddl


# --- the budget -------------------------------------------------------------------------------


@settings(deadline=None, max_examples=150)
@given(
    budget=st.integers(min_value=0, max_value=FULL + 50),
    question=st.one_of(st.sampled_from(sorted(QUESTIONS)), st.text(max_size=60)),
    method=st.sampled_from(SliceMethod),
)
def test_budget_is_never_exceeded(budget: int, question: str, method: SliceMethod) -> None:
    s = retrieve(SHOP, question, budget, method)
    assert s.tokens == estimate_tokens(s.ddl) <= budget
    assert s.whole == (budget >= FULL)
    chosen = {c.table.qualified for c in s.tables}
    assert len(chosen) == len(s.tables)
    for hint in s.join_hints:
        assert hint.left.rsplit(".", 1)[0] in chosen and hint.right.rsplit(".", 1)[0] in chosen
        if method is SliceMethod.GREEDY or s.whole or hint.source == "context":
            assert hint.render() in s.ddl
        else:  # a foreign key is shown on its column
            table, column = hint.left.rsplit(".", 1)
            assert re.search(rf"\n  {column} \w+.* REFERENCES {hint.right.rsplit('.', 1)[0]}\(", s.ddl)
    for choice in s.tables:
        assert f"CREATE TABLE {choice.table.qualified} (" in s.ddl
        assert set(choice.columns) <= set(choice.table.columns) and choice.columns
        if method is SliceMethod.FOCUSED and choice.omitted:
            names = ", ".join(c.name for c in choice.omitted)
            assert f"{len(choice.omitted)} more columns via describe_table: {names[:20]}" in s.ddl
    if method is SliceMethod.GREEDY or s.whole:
        assert s.ddl == render_ddl(s.tables, s.join_hints, "duckdb")


# --- determinism and caching ------------------------------------------------------------------


def test_same_question_same_slice_and_a_fresh_index_agrees() -> None:
    for question in QUESTIONS:
        first = retrieve(SHOP, question, FULL // 4)
        assert retrieve(SHOP, question, FULL // 4) == first
        assert Retriever(SHOP).retrieve(question, FULL // 4) == first


def test_slices_do_not_depend_on_the_hash_seed() -> None:
    code = (
        "import importlib.util, sys\n"
        f"spec = importlib.util.spec_from_file_location('t', {str(Path(__file__))!r})\n"
        "m = importlib.util.module_from_spec(spec); spec.loader.exec_module(m)\n"
        "for q in sorted(m.QUESTIONS):\n"
        "    s = m.retrieve(m.SHOP, q, m.FULL // 5)\n"
        "    print(repr([(c.table.name, c.score, c.why) for c in s.tables]), hash(s.ddl))\n"
    )
    outputs = set()
    for seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        run = subprocess.run(
            [sys.executable, "-c", code],
            capture_output=True,
            text=True,
            env=env,
            cwd=Path(__file__).resolve().parents[2],
            check=True,
        )
        outputs.add("\n".join(line.rsplit(" ", 1)[0] for line in run.stdout.splitlines()))
    assert len(outputs) == 1


def test_index_is_cached_per_catalog_and_rebuilt_when_the_schema_changes() -> None:
    r = retriever_for(SHOP)
    assert retriever_for(SHOP) is r
    assert retriever_for(dataclasses.replace(SHOP)) is r  # equal content, other object
    renamed = dataclasses.replace(SHOP.tables[0], comment="Buyers")
    changed = dataclasses.replace(SHOP, tables=(renamed,) + SHOP.tables[1:])
    assert retriever_for(changed) is not r
    assert "-- Buyers; 100 rows" in retrieve(changed, "buyers", FULL // 4).ddl


# --- rendering --------------------------------------------------------------------------------


def test_ddl_is_defog_style_and_parses() -> None:
    ddl = render_ddl(SHOP.tables, SHOP.join_hints(), "duckdb")
    assert "-- One row per order placed; 100 rows\nCREATE TABLE main.orders (" in ddl
    assert "  order_id INTEGER NOT NULL,\n" in ddl
    assert "  status VARCHAR, -- Order status; e.g. 'completed', 'returned', 'cancelled'\n" in ddl
    assert "  PRIMARY KEY (order_id),\n" in ddl
    assert "  FOREIGN KEY (customer_id) REFERENCES main.customers (customer_id),\n" in ddl
    assert "\n-- orders.customer_id can be joined with customers.customer_id\n" in ddl
    parsed = [e for e in sqlglot.parse(ddl, read="duckdb") if e is not None]
    creates = [e for e in parsed if isinstance(e, sqlglot.exp.Create)]
    assert len(creates) == len(SHOP.tables)
    assert all(isinstance(e, sqlglot.exp.Semicolon) for e in parsed[len(creates) :])  # the hints


def test_render_shows_estimates_views_quotes_and_escapes() -> None:
    table = Table(
        "sales",
        "sbCustomer",
        (Column("Order", "INTEGER"), Column("note", "VARCHAR", "a\nlong  comment", True, ("it's", "x"))),
        comment=None,
        row_count=1234567,
        row_count_estimated=True,
        kind="view",
    )
    choice = TableChoice(table, table.columns[1:], 1.0, "")
    duck = render_ddl([choice], [], "duckdb")
    assert duck.startswith("-- view; about 1,234,567 rows; 1 of 2 columns shown\n")
    assert ("CREATE TABLE sales.sbCustomer (\n  note VARCHAR -- a long comment; e.g. 'it''s', 'x'\n);") in duck
    assert 'CREATE TABLE sales."sbCustomer"' in render_ddl([table], [], "postgres")
    assert '  "Order" INTEGER,' in render_ddl([table], [], "duckdb")


def test_identifiers_split_on_case_and_underscores_and_plurals_stem() -> None:
    assert split_words("sbCustId") == ["sb", "cust", "id"]
    assert split_words("HTTPServer_log2") == ["http", "server", "log", "2"]
    assert [stem(w) for w in ("customers", "categories", "addresses", "status", "boxes")] == [
        "customer",
        "category",
        "address",
        "status",
        "box",
    ]


# --- scale ------------------------------------------------------------------------------------


def test_a_2000_table_catalog_is_indexed_and_retrieved() -> None:
    words = [
        "account",
        "order",
        "customer",
        "invoice",
        "payment",
        "shipment",
        "product",
        "supplier",
        "warehouse",
        "employee",
        "region",
        "store",
        "campaign",
        "ticket",
        "contract",
        "asset",
        "vendor",
        "budget",
    ]
    tables = []
    for i in range(2000):
        a, b = words[i % len(words)], words[(i * 7 + 3) % len(words)]
        cols = [Column("id", "BIGINT", None, False)] + [
            Column(f"{words[(i + j) % len(words)]}_value_{j}", "INTEGER", f"The {a} value {j}") for j in range(12)
        ]
        fks = (ForeignKey(("id",), f"main.t{i // 2}_{words[(i // 2) % len(words)]}", ("id",)),)
        tables.append(Table("main", f"t{i}_{a}", tuple(cols), f"{a} {b} facts", ("id",), fks if i else (), 1000))
    big = Catalog("duckdb", tuple(tables))
    r = Retriever(big)
    s = r.retrieve("invoice totals per supplier and warehouse", 6000)
    assert not s.whole and 0 < s.tokens <= 6000 < s.full_tokens
    assert s.tables[0].table.name.endswith(("_invoice", "_supplier", "_warehouse"))
    assert retrieve(big, "zzz", 500).tokens <= 500
