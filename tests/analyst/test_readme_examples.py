"""The README's examples work as written: the context sidecar (its file name and format), the
`scripted:` reply format, and the demo's closing advice on a machine without a keyring."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

from tests.helpers import run_cli

README = (Path(__file__).resolve().parents[2] / "README.md").read_text()


def _block_after(marker: str, lang: str) -> str:
    start = README.index(marker)
    match = re.compile(rf"```{lang}\n(.*?)```", re.S).search(README, start)
    assert match is not None, marker
    return match.group(1)


def test_the_readme_sidecar_is_read_beside_the_database(capsys, sample_db: Path, tmp_path: Path) -> None:
    named = re.search(r"for `(\w+)\.duckdb` it is\s+`(\w+\.context\.toml)`", README)
    assert named is not None and named.group(2) == f"{named.group(1)}.context.toml"
    db = tmp_path / f"{named.group(1)}.duckdb"
    shutil.copyfile(sample_db, db)
    (tmp_path / named.group(2)).write_text(_block_after("A sidecar file next to a DuckDB database", "toml"))
    result = run_cli(["schema", "--db", str(db), "--for", "revenue by status", "--format", "json"], capsys)
    assert result.code == 0, result.err
    shown = result.json()
    assert shown["glossary"].startswith("revenue: sum of order_items.line_total")
    assert shown["instructions"].startswith("Amounts are in EUR")


def test_the_readme_scripted_reply_format_runs(capsys, sample_db: Path, tmp_path: Path) -> None:
    paragraph = README[README.index("`scripted:FILE.jsonl` (recorded") :]
    run_sql = json.loads(
        re.search(r"`(\{\"tool_calls\".*?\}\]\})`", paragraph).group(1).replace("SELECT …", "SELECT 1 AS one")
    )
    text = json.loads(re.search(r"`(\{\"text\": \"…\"\})`", paragraph).group(1).replace("…", "It is one."))
    script = tmp_path / "m.jsonl"
    script.write_text(json.dumps(run_sql) + "\n" + json.dumps(text) + "\n" + json.dumps(text) + "\n")
    result = run_cli(
        [
            "ask",
            "one?",
            "--db",
            str(sample_db),
            "--model",
            f"scripted:{script}",
            "--approve",
            "auto",
            "--format",
            "json",
        ],
        capsys,
    )
    assert result.code == 0, result.err
    assert result.json()["rows"] == [[1]]


def test_the_demo_suggests_a_key_setup_that_works_without_a_keyring(capsys, monkeypatch) -> None:
    import keyring
    from keyring.backends.fail import Keyring as NoKeyring

    previous = keyring.get_keyring()
    keyring.set_keyring(NoKeyring())
    try:
        demo = run_cli(["demo"], capsys)
        assert demo.code == 0, demo.err
        steps = demo.err[demo.err.index("Next:") :].splitlines()[1:]
        first = steps[0].split()
        assert first[0] == "export" and first[1].startswith("OPENAI_API_KEY="), steps
        monkeypatch.setenv("OPENAI_API_KEY", "sk-demo-000000000000")
        # the key is found without a keyring: `models` says where it comes from
        listed = run_cli(["models"], capsys)
        assert listed.out.startswith("openai     key: env OPENAI_API_KEY"), listed.out
    finally:
        keyring.set_keyring(previous)
