"""`analyst schema`: the catalog, or the slice chosen for a question, as text or JSON."""

from __future__ import annotations

from pathlib import Path

from tests.helpers import run_cli


def test_whole_catalog_as_json(capsys, sample_db: Path) -> None:
    result = run_cli(["schema", "--db", str(sample_db), "--format", "json"], capsys)
    assert result.code == 0, result.err
    data = result.json()
    names = [t["name"] for t in data["tables"]]
    assert "main.customers" in names and len(names) == 10
    customers = next(t for t in data["tables"] if t["name"] == "main.customers")
    assert any(c["name"] == "segment" and c["comment"] for c in customers["columns"])
    assert data["tokens"] == data["full_tokens"] > 0
    assert any("can be joined with" in h for h in data["join_hints"])


def test_slice_for_a_question_under_a_budget(capsys, sample_db: Path) -> None:
    full = run_cli(["schema", "--db", str(sample_db), "--format", "json"], capsys).json()
    budget = full["full_tokens"] // 3
    result = run_cli(
        [
            "schema",
            "--db",
            str(sample_db),
            "--for",
            "Which supplier ships the most products?",
            "--budget",
            str(budget),
            "--format",
            "json",
        ],
        capsys,
    )
    data = result.json()
    names = [t["name"] for t in data["tables"]]
    assert "main.suppliers" in names and "main.products" in names
    assert len(names) < 10 and data["tokens"] <= budget and data["full_tokens"] == full["full_tokens"]
    assert all(t["why"] for t in data["tables"]) and data["elapsed_ms"] >= 0


def test_text_output_is_ddl(capsys, sample_db: Path) -> None:
    result = run_cli(["schema", "--db", str(sample_db)], capsys)
    assert "CREATE TABLE" in result.out and "tables" in result.err


def test_excluded_tables_never_appear(capsys, sample_db: Path) -> None:
    result = run_cli(["schema", "--db", str(sample_db), "--exclude-table", "salespeople", "--format", "json"], capsys)
    assert "salespeople" not in result.out


def test_bare_flags_open_the_app(capsys, tmp_path: Path) -> None:
    missing = tmp_path / "missing.duckdb"
    result = run_cli(["--db", str(missing)], capsys)  # the same as `analyst chat --db ...`
    assert result.code == 4 and "missing.duckdb" in result.err and not missing.exists()


def test_malformed_context_file_is_one_line(capsys, tmp_path: Path, sample_db: Path) -> None:
    import shutil

    db = tmp_path / "shop.duckdb"
    shutil.copyfile(sample_db, db)
    (tmp_path / "shop.context.toml").write_text("glossary = 3\n")
    result = run_cli(["schema", "--db", str(db)], capsys)
    assert result.code == 4 and "shop.context.toml" in result.err and "'glossary'" in result.err
    assert len(result.err.strip().splitlines()) == 1


def test_context_file_reaches_the_prompt(capsys, monkeypatch, tmp_path: Path, sample_db: Path) -> None:
    import shutil

    from tests.fakes import FakeOpenAI
    from tests.helpers import text_reply

    db = tmp_path / "shop.duckdb"
    shutil.copyfile(sample_db, db)
    (tmp_path / "shop.context.toml").write_text(
        'glossary = "ARPU = revenue per customer"\ninstructions = "Money is in USD."\n'
    )
    with FakeOpenAI() as fake:
        monkeypatch.setenv("OPENAI_API_KEY", "sk-test-context-0000")
        monkeypatch.setenv("OPENAI_BASE_URL", fake.base_url)
        fake.queue(text_reply("I need more detail."))
        result = run_cli(["ask", "What is ARPU?", "--db", str(db), "--approve", "auto", "--format", "json"], capsys)
    assert result.code == 0, result.err
    prompt = fake.requests[0]["messages"][1]["content"]
    assert "Glossary:\nARPU = revenue per customer" in prompt and "Instructions:\nMoney is in USD." in prompt


def test_schema_for_shows_the_glossary_and_instructions_the_prompt_carries(
    capsys, monkeypatch, tmp_path: Path, sample_db: Path
) -> None:
    import shutil

    from tests.fakes import FakeOpenAI
    from tests.helpers import text_reply

    db = tmp_path / "shop.duckdb"
    shutil.copyfile(sample_db, db)
    (tmp_path / "shop.context.toml").write_text(
        'glossary = "ARPU = revenue per customer"\ninstructions = "Money is in USD."\n'
    )
    shown = run_cli(["schema", "--db", str(db), "--for", "What is ARPU per store?"], capsys)
    assert shown.code == 0, shown.err
    with FakeOpenAI() as fake:
        monkeypatch.setenv("OPENAI_API_KEY", "sk-test-context-0000")
        monkeypatch.setenv("OPENAI_BASE_URL", fake.base_url)
        fake.queue(text_reply("I need more detail."))
        asked = run_cli(
            ["ask", "What is ARPU per store?", "--db", str(db), "--approve", "auto", "--format", "json"], capsys
        )
    assert asked.code == 0, asked.err
    prompt = fake.requests[0]["messages"][1]["content"]
    for part in shown.out.strip().split("\n\n"):  # every block schema --for prints is in the prompt
        assert part.strip() in prompt, part
    assert "Glossary:\nARPU = revenue per customer" in shown.out and "Instructions:\nMoney is in USD." in shown.out
    as_json = run_cli(
        ["schema", "--db", str(db), "--for", "What is ARPU per store?", "--format", "json"], capsys
    ).json()
    assert as_json["glossary"] == "ARPU = revenue per customer" and as_json["instructions"] == "Money is in USD."


def test_schema_for_explains_each_choice_and_what_was_left_out(capsys, sample_db: Path) -> None:
    full = run_cli(["schema", "--db", str(sample_db), "--format", "json"], capsys).json()
    question = "Which customers in the consumer segment placed the most orders?"
    args = ["schema", "--db", str(sample_db), "--for", question, "--budget", str(full["full_tokens"] // 4)]
    data = run_cli([*args, "--format", "json"], capsys).json()
    tables = {t["name"]: t for t in data["tables"]}
    assert {"main.customers", "main.orders"} <= set(tables) and data["scope"] is None  # one schema
    customers = tables["main.customers"]
    assert "'customers' in name" in customers["why"]
    omitted = customers["omitted_columns"]
    assert omitted and not set(omitted) & {c["name"] for c in customers["columns"]}
    assert f"the other {len(omitted)} via describe_table" in customers["why"]
    text = run_cli(args, capsys)
    assert f"{len(omitted)} more columns via describe_table: {', '.join(omitted)}" in text.out
    for name, table in tables.items():  # each choice explained on stderr, stdout stays the prompt's text
        assert f"{name}: {table['why']}" in text.err
    assert "via describe_table:" not in text.err.split("main.customers:")[0]
