"""`analyst config show` and `analyst models [--check]` as a person reads them: no Python
spellings, no endpoint for the scripted provider, and a rejected key said as such, with the fix."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.fakes import FakeAnthropic, FakeOpenAI
from tests.helpers import run_cli


def _settings(out: str) -> dict[str, str]:
    """setting name -> the rest of its line (value and source)."""
    return {line.split()[0]: line.split(None, 1)[1] for line in out.splitlines()[1:] if line.strip()}


def test_config_show_prints_human_values(capsys, analyst_home: Path) -> None:
    result = run_cli(["config", "show"], capsys)
    assert result.code == 0, result.err
    assert "None" not in result.out and "False" not in result.out and "True" not in result.out
    settings = _settings(result.out)
    assert settings["db"].startswith("(bundled sample)")
    assert settings["max_cost"].startswith("not set")
    assert settings["openai_base_url"].startswith("not set (https://api.openai.com/v1)")
    assert settings["log_rows"].split()[0] == "false" and settings["tools"].split()[0] == "true"
    assert settings["timeout"].split()[0] == "30"
    assert settings["exclude_tables"].split()[0] == "none"


def test_config_has_a_typed_field_for_every_setting_and_each_default_fits_it(
    analyst_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import types
    import typing
    from dataclasses import fields

    from analyst.config import SETTINGS, Config, load_config

    hints = typing.get_type_hints(Config)
    assert [f.name for f in fields(Config)][2:-2] == [s.name for s in SETTINGS]  # same names, same order
    monkeypatch.setenv("ANALYST_DB", "shop.duckdb")
    config = load_config({"max_cost": 2, "exclude_tables": "audit_*, secrets"})
    for setting in SETTINGS:
        hint = hints[setting.name]
        arms = typing.get_args(hint) if isinstance(hint, types.UnionType) else (hint,)
        assert isinstance(getattr(config, setting.name), tuple(typing.get_origin(a) or a for a in arms)), setting.name
    assert (config.db, config.max_cost, config.exclude_tables) == ("shop.duckdb", 2.0, ("audit_*", "secrets"))
    assert config.values["db"] == "shop.duckdb" and config.sources["db"] == "env ANALYST_DB"


def test_config_show_hides_a_password_in_a_postgres_url(capsys, analyst_home: Path) -> None:
    pytest.importorskip("psycopg")
    (analyst_home / "config.toml").write_text('db = "postgresql://reader:s3cret-pw@db.example:5432/shop"\n')
    result = run_cli(["config", "show"], capsys)
    assert result.code == 0, result.err
    assert "s3cret-pw" not in result.out and "db.example" in result.out


def test_models_lists_no_endpoint_for_scripted_and_one_pair_of_parentheses(capsys, analyst_home: Path) -> None:
    config = analyst_home / "config.toml"
    config.write_text('model = "openai:gpt-4.1-nano"\n')
    result = run_cli(["models"], capsys)
    assert result.code == 0, result.err
    lines = {line.split()[0]: line for line in result.out.splitlines() if line.strip()}
    assert "endpoint" not in lines["scripted"].replace("no endpoint", "") and "no endpoint" in lines["scripted"]
    assert "default endpoint" not in result.out
    assert "https://api.openai.com/v1 (default)" in lines["openai"]
    assert f"default model: openai:gpt-4.1-nano (from config {config})" in result.out
    assert "((" not in result.out and "))" not in result.out


@pytest.fixture
def servers(monkeypatch):
    with (
        FakeOpenAI(require_key="sk-right-key-0000") as openai,
        FakeAnthropic(require_key="sk-ant-right-0000") as anthropic,
    ):
        monkeypatch.setenv("OPENAI_BASE_URL", openai.base_url)
        monkeypatch.setenv("ANTHROPIC_BASE_URL", anthropic.base_url)
        monkeypatch.setenv("OLLAMA_BASE_URL", "http://127.0.0.1:9/v1")  # nothing listens there
        yield openai, anthropic


def _line(out: str, provider: str) -> str:
    return next(line for line in out.splitlines() if line.startswith(provider + " "))


def test_check_says_a_wrong_key_from_the_environment_was_rejected(servers, monkeypatch, capsys) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-wrong-key-0000")
    monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-ant-wrong-0000")
    result = run_cli(["models", "--check"], capsys)
    assert result.code == 0, (
        result.err
    )  # a report (exit 0 as before); neither --help nor the README promise a failure code
    openai = _line(result.out, "openai")
    assert "key rejected (HTTP 401)" in openai and "reachable (HTTP 401)" not in openai
    assert "set OPENAI_API_KEY to a valid key" in openai and "analyst keys set openai" in openai
    anthropic = _line(result.out, "anthropic")
    assert "key rejected (HTTP 401)" in anthropic and "ANTHROPIC_API_KEY" in anthropic
    assert "unreachable" in _line(result.out, "ollama")
    assert "sk-wrong" not in result.out + result.err  # the key itself is never shown
    openai_fake, anthropic_fake = servers
    assert any(r.headers.get("authorization") == "Bearer sk-wrong-key-0000" for r in openai_fake.received)
    assert any(r.headers.get("x-api-key") == "sk-ant-wrong-0000" for r in anthropic_fake.received)


def test_check_with_a_wrong_key_in_the_keyring_points_at_keys_set(servers, keyring_backend, capsys) -> None:
    keyring_backend.set_password("analyst", "openai", "sk-stale-key-0000")
    result = run_cli(["models", "--check"], capsys)
    openai = _line(result.out, "openai")
    assert "key rejected (HTTP 401): the key from keyring" in openai and "run `analyst keys set openai`" in openai
    anthropic = _line(result.out, "anthropic")  # no key at all: the endpoint answers, asks for one
    assert "needs a key (HTTP 401)" in anthropic and "analyst keys set anthropic" in anthropic


def test_check_with_the_right_keys_says_they_were_accepted(servers, monkeypatch, capsys) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-right-key-0000")
    monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-ant-right-0000")
    result = run_cli(["models", "--check"], capsys)
    assert "reachable, key accepted" in _line(result.out, "openai")
    assert "reachable, key accepted" in _line(result.out, "anthropic")
