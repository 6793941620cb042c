"""The sidecar context file: round-trips, clear errors, and how it fills in a catalog."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tools.catalog import Catalog, Column, Context, ForeignKey, JoinHint, Table
from tools.catalog.context import (
    context_path_for,
    dumps_context,
    load_context,
    load_context_for,
    with_context,
    write_context,
)

DEFOG = Path(__file__).resolve().parents[2] / "sessions" / "data" / "defog"  # the shipped copy

FULL = Context(
    glossary=('- TTV = SUM(amount)\n- "quoted" \\ backslash\ttab\n- ünïcode ✓ and \x7f control\x01\r\n'),
    instructions="Filter codes case-insensitively.",
    table_descriptions={"orders": "One row per order", "consumer_div.users": "Wallet users"},
    column_descriptions={
        "orders.status": "completed / returned",
        "consumer_div.users.uid": 'The "user" id',
    },
    join_hints=(
        JoinHint("orders.customer_id", "customers.customer_id", "context"),
        JoinHint("consumer_div.users.uid", "consumer_div.notifications.user_id", "context"),
    ),
)


def test_path_sits_next_to_the_database() -> None:
    assert context_path_for(Path("/data/shop.duckdb")) == Path("/data/shop.context.toml")
    assert context_path_for(Path("/data/shop")) == Path("/data/shop.context.toml")


def test_round_trip(tmp_path: Path) -> None:
    path = tmp_path / "shop.context.toml"
    write_context(path, FULL)
    assert load_context(path) == FULL
    assert not list(tmp_path.glob("*.tmp"))
    assert load_context_for(tmp_path / "shop.duckdb") == FULL
    assert load_context_for(tmp_path / "other.duckdb") == Context()


def test_empty_context_round_trips(tmp_path: Path) -> None:
    write_context(tmp_path / "x.context.toml", Context())
    assert load_context(tmp_path / "x.context.toml") == Context()


_TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=40)


@settings(deadline=None, max_examples=100, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    glossary=_TEXT,
    tables=st.dictionaries(_TEXT.filter(bool), _TEXT, max_size=3),
    column=st.tuples(_TEXT.filter(bool), _TEXT),
)
def test_any_text_round_trips(tmp_path: Path, glossary: str, tables: dict[str, str], column: tuple[str, str]) -> None:
    ctx = Context(
        glossary=glossary,
        instructions=glossary[::-1],
        table_descriptions=tables,
        column_descriptions={f"t.{column[0]}": column[1]},
    )
    path = tmp_path / "h.context.toml"
    write_context(path, ctx)
    assert load_context(path) == ctx


def test_hand_written_file_with_unquoted_dotted_keys(tmp_path: Path) -> None:
    path = tmp_path / "shop.context.toml"
    path.write_text(
        'glossary = """\nrevenue = sum of total_amount\n"""\n'
        "[tables.orders]\ndescription = 'One row per order'\n"
        "[columns.orders.status]\ndescription = 'completed / returned'\n"
        '[columns."main.orders.store_id"]\ndescription = "the shop"\n'
        "[[joins]]\nleft = 'orders.store_id'\nright = 'main.stores.store_id'\n",
        encoding="utf-8",
    )
    ctx = load_context(path)
    assert ctx.glossary == "revenue = sum of total_amount\n"
    assert ctx.table_descriptions == {"orders": "One row per order"}
    assert ctx.column_descriptions == {
        "orders.status": "completed / returned",
        "main.orders.store_id": "the shop",
    }
    assert ctx.join_hints == (JoinHint("orders.store_id", "main.stores.store_id", "context"),)


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("glossary = 'x'\nnotes = 'y'\n", "'notes'"),
        ("glossary = 3\n", "'glossary'"),
        ("instructions = ['a']\n", "'instructions'"),
        ("tables = 'orders'\n", "'tables'"),
        ("[tables.orders]\ndescription = 5\n", "tables.orders.description"),
        ("[tables.orders]\ndesc = 'x'\n", "tables.orders"),
        ("[tables.orders]\ndescription = 'x'\ncolour = 'red'\n", "'colour'"),
        ("[columns.status]\ndescription = 'x'\n", "columns.status"),
        ("columns = { orders = 'x' }\n", "columns.orders"),
        ("joins = { left = 'a.b' }\n", "'joins'"),
        ("[[joins]]\nleft = 'orders'\nright = 'customers.id'\n", "joins[0].left"),
        ("[[joins]]\nleft = 'a.b'\nright = 'a.b.c.d'\n", "joins[0].right"),
        ("[[joins]]\nleft = 'a.b'\n", "joins[0].right"),
        ("[[joins]]\nleft = 'a.b'\nright = 'c.d'\nkind = 'fk'\n", "'kind'"),
        ("[[joins]]\nleft = 'a..b'\nright = 'c.d'\n", "joins[0].left"),
        ("glossary = 'unterminated\n", "invalid TOML"),
    ],
)
def test_malformed_files_name_the_file_and_the_key(tmp_path: Path, text: str, key: str) -> None:
    path = tmp_path / "bad.context.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ValueError) as err:
        load_context(path)
    assert str(path) in str(err.value) and key in str(err.value)


def test_non_utf8_file_is_a_value_error(tmp_path: Path) -> None:
    path = tmp_path / "bad.context.toml"
    path.write_bytes(b"glossary = '\xff'\n")
    with pytest.raises(ValueError, match="not UTF-8"):
        load_context(path)


def _catalog() -> Catalog:
    customers = Table("main", "customers", (Column("customer_id", "INTEGER"), Column("name", "VARCHAR", "Full name")))
    orders = Table(
        "main",
        "orders",
        (Column("order_id", "INTEGER"), Column("customer_id", "INTEGER"), Column("status", "VARCHAR")),
        foreign_keys=(ForeignKey(("customer_id",), "main.customers", ("customer_id",)),),
    )
    users = Table("consumer_div", "users", (Column("uid", "BIGINT"),), comment="From the DB")
    return Catalog("duckdb", (customers, orders, users))


def test_with_context_fills_only_missing_comments_and_resolves_hints() -> None:
    ctx = Context(
        table_descriptions={"ORDERS": "One row per order", "consumer_div.users": "ignored", "gone": "no such table"},
        column_descriptions={
            "orders.Status": "completed / returned",
            "main.customers.name": "ignored, the database has a comment",
            "consumer_div.users.uid": "user id",
            "orders.nope": "x",
        },
        join_hints=(
            JoinHint("Orders.customer_id", "customers.customer_id", "context"),
            JoinHint("orders.status", "consumer_div.users.uid", "context"),
            JoinHint("orders.customer_id", "excluded_table.id", "context"),
        ),
    )
    catalog = with_context(_catalog(), ctx)
    customers, orders, users = catalog.tables
    assert orders.comment == "One row per order" and users.comment == "From the DB"
    assert orders.column("status").comment == "completed / returned"
    assert customers.column("name").comment == "Full name"
    assert users.column("uid").comment == "user id"
    assert catalog.context.join_hints == (
        JoinHint("main.orders.customer_id", "main.customers.customer_id", "context"),
        JoinHint("main.orders.status", "consumer_div.users.uid", "context"),
    )
    # the context hint equal to the foreign key is not repeated
    assert [h.render() for h in catalog.join_hints()] == [
        "-- orders.customer_id can be joined with customers.customer_id",
        "-- orders.status can be joined with consumer_div.users.uid",
    ]
    assert _catalog().tables[1].comment is None  # the input is untouched


def _defog_context(db: str) -> tuple[Context, Catalog]:
    meta = json.loads((DEFOG / "metadata" / f"{db}.json").read_text())
    joins = json.loads((DEFOG / "metadata" / "joins.json").read_text()).get(db, [])
    tables = []
    for name, cols in meta["table_metadata"].items():
        schema, _, bare = name.rpartition(".")
        columns = tuple(Column(c["column_name"], c["data_type"]) for c in cols)
        tables.append(Table(schema or "main", bare, columns))
    ctx = Context(
        glossary=meta.get("glossary", ""),
        column_descriptions={
            f"{t}.{c['column_name']}": c["column_description"]
            for t, cols in meta["table_metadata"].items()
            for c in cols
            if c.get("column_description")
        },
        join_hints=tuple(JoinHint(a, b, "context") for j in joins for a, b in j["columns"]),
    )
    return ctx, Catalog("duckdb", tuple(tables))


@pytest.mark.skipif(not DEFOG.is_dir(), reason="defog benchmark data not present")
@pytest.mark.parametrize("db", ["academic", "atis", "broker", "ewallet", "yelp"])
def test_defog_metadata_loads_as_a_sidecar(tmp_path: Path, db: str) -> None:
    ctx, catalog = _defog_context(db)
    path = context_path_for(tmp_path / f"{db}.duckdb")
    write_context(path, ctx)
    assert load_context(path) == ctx
    filled = with_context(catalog, load_context(path))
    described = sum(1 for t in filled.tables for c in t.columns if c.comment)
    assert described == len(ctx.column_descriptions)
    assert len(filled.context.join_hints) == len(ctx.join_hints)  # every hint resolves
    assert dumps_context(ctx).count("[[joins]]") == len(ctx.join_hints)
