"""Settings and where each came from: defaults < config.toml < environment < flags.

Only the shell reads the environment and config files; lower layers are handed values. Every
setting remembers its source so `analyst config show` can explain a surprising value.
"""

from __future__ import annotations

import math

import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from analyst.errors import UserError


@dataclass(frozen=True)
class Setting:
    name: str
    default: Any
    parse: Callable[[Any], Any]
    env: str | None = None
    help: str = ""


def _positive_float(value: Any) -> float:
    number = float(value)
    if not math.isfinite(number) or number <= 0:  # nan or inf would switch a time limit off
        raise ValueError("must be a finite number greater than 0")
    return number


def _positive_int(value: Any) -> int:
    number = int(value)
    if number <= 0:
        raise ValueError("must be greater than 0")
    return number


def _optional_float(value: Any) -> float | None:
    return None if value in (None, "") else _positive_float(value)


def _str_list(value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        return tuple(v.strip() for v in value.split(",") if v.strip())
    if isinstance(value, (list, tuple)):
        return tuple(str(v) for v in value)
    raise ValueError("must be a list of strings")


def _bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if str(value).lower() in ("1", "true", "yes", "on"):
        return True
    if str(value).lower() in ("0", "false", "no", "off", ""):
        return False
    raise ValueError("must be true or false")


def _optional_str(value: Any) -> str | None:
    return None if value in (None, "") else str(value)


SETTINGS: tuple[Setting, ...] = (
    Setting("model", "openai:gpt-4.1-mini", str, "ANALYST_MODEL", "model as provider:model"),
    Setting("db", None, _optional_str, "ANALYST_DB", "database path or postgresql:// URL (default: the sample database)"),
    Setting("timeout", 30.0, _positive_float, None, "seconds per query"),
    Setting("max_rows", 1000, _positive_int, None, "rows fetched per query"),
    Setting("model_timeout", 60.0, _positive_float, None, "seconds per model call"),
    Setting("model_retries", 2, int, None, "SDK retries on 429/5xx"),
    Setting("max_cost", None, _optional_float, None, "USD per session (batch/eval: per run)"),
    Setting("max_tokens", None, lambda v: None if v in (None, "") else _positive_int(v), None, "tokens per session"),
    Setting("exclude_tables", (), _str_list, None, "table name patterns never retrieved, shown or queryable"),
    Setting("exclude_columns", (), _str_list, None, "TABLE.COLUMN patterns never retrieved, shown or queryable"),
    Setting("log_rows", False, _bool, None, "also log result rows in session files"),
    Setting("data_to_model", True, _bool, None, "share sample values and result rows with the model (false: shapes and aggregates only)"),
    Setting("schema_budget", None, lambda v: None if v in (None, "") else _positive_int(v), None, "tokens of schema in the first prompt"),
    Setting("openai_base_url", None, _optional_str, "OPENAI_BASE_URL", "OpenAI-compatible endpoint"),
    Setting("anthropic_base_url", None, _optional_str, "ANTHROPIC_BASE_URL", "Anthropic endpoint"),
    Setting("ollama_base_url", None, _optional_str, "OLLAMA_BASE_URL", "Ollama endpoint (default http://localhost:11434/v1)"),
    Setting("tools", True, _bool, None, "use native tool calling (false: read SQL from ```sql blocks)"),
    Setting("stream", False, _bool, None, "stream model text as it arrives"),
    Setting("threads", 2, _positive_int, None, "DuckDB threads"),
    Setting("memory_limit", "1GB", str, None, "DuckDB memory limit"),
)
BY_NAME = {s.name: s for s in SETTINGS}


def analyst_home() -> Path:
    """All state lives here: config, sessions, runs, caches (`ANALYST_HOME` moves it)."""
    override = os.environ.get("ANALYST_HOME")
    if override:
        return Path(override).expanduser()
    from platformdirs import user_data_dir

    return Path(user_data_dir("analyst", appauthor=False))


@dataclass(frozen=True)
class Endpoint:
    """An OpenAI-compatible server named in config (`[endpoints.NAME]`): models are `NAME:model`."""

    name: str
    base_url: str
    key_env: str | None = None
    tools: bool = True
    context_window: int | None = None


@dataclass(frozen=True)
class Config:
    values: dict[str, Any]
    sources: dict[str, str]
    home: Path
    prices: dict[str, tuple[float, float]] = field(default_factory=dict)
    endpoints: dict[str, Endpoint] = field(default_factory=dict)

    def __getattr__(self, name: str) -> Any:
        try:
            return self.values[name]
        except KeyError:
            raise AttributeError(name) from None

    @property
    def sessions_dir(self) -> Path:
        return self.home / "sessions"

    @property
    def cache_dir(self) -> Path:
        return self.home / "cache"


def _read_file(path: Path) -> dict[str, Any]:
    if not path.exists():
        return {}
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except tomllib.TOMLDecodeError as exc:
        raise UserError(f"config file {path} is not valid TOML ({exc}); fix or remove it") from None
    except OSError as exc:
        raise UserError(f"cannot read config file {path}: {exc.strerror}") from None


def load_config(flags: dict[str, Any] | None = None) -> Config:
    """Resolve every setting; a bad value is one line naming the setting and its source."""
    home = analyst_home()
    path = home / "config.toml"
    file_values = _read_file(path)
    values: dict[str, Any] = {}
    sources: dict[str, str] = {}
    for setting in SETTINGS:
        value, source = setting.default, "default"
        if setting.name in file_values:
            value, source = file_values[setting.name], f"config ({path})"
        if setting.env and os.environ.get(setting.env):
            value, source = os.environ[setting.env], f"env {setting.env}"
        if flags and flags.get(setting.name) is not None:
            value, source = flags[setting.name], "flag"
        if value is not None:
            try:
                value = setting.parse(value)
            except (ValueError, TypeError) as exc:
                where = "--" + setting.name.replace("_", "-") if source == "flag" else source
                raise UserError(f"invalid {setting.name} {value!r} from {where}: {exc}") from None
        values[setting.name] = value
        sources[setting.name] = source
    unknown = sorted(set(file_values) - set(BY_NAME) - {"prices", "endpoints"})
    if unknown:
        raise UserError(f"unknown setting(s) {', '.join(unknown)} in {path}; known: {', '.join(BY_NAME)}")
    prices: dict[str, tuple[float, float]] = {}
    for name, pair in (file_values.get("prices") or {}).items():
        try:
            prices[name] = (float(pair[0]), float(pair[1]))
        except (TypeError, ValueError, IndexError, KeyError):
            raise UserError(f"prices.{name} in {path} must be [input_usd_per_million, output_usd_per_million]") from None
    return Config(values, sources, home, prices, _endpoints(file_values.get("endpoints") or {}, path))


def _endpoints(section: Any, path: Path) -> dict[str, Endpoint]:
    from agents.models.registry import PROVIDERS

    if not isinstance(section, dict):
        raise UserError(f"[endpoints] in {path} must be a table of [endpoints.NAME] sections")
    out = {}
    for name, spec in section.items():
        where = f"[endpoints.{name}] in {path}"
        if name in PROVIDERS and name != "ollama":
            raise UserError(f"{where}: {name!r} is a built-in provider; pick another name")
        if not isinstance(spec, dict) or not isinstance(spec.get("base_url"), str) or not spec["base_url"].startswith(("http://", "https://")):
            raise UserError(f"{where}: needs base_url = \"http://host:port/v1\"")
        unknown = set(spec) - {"base_url", "key_env", "tools", "context_window"}
        if unknown:
            raise UserError(f"{where}: unknown key(s) {', '.join(sorted(unknown))}; known: base_url, key_env, tools, context_window")
        try:
            window = _positive_int(spec["context_window"]) if "context_window" in spec else None
            tools = _bool(spec.get("tools", True))
        except (ValueError, TypeError) as exc:
            raise UserError(f"{where}: {exc}") from None
        out[name] = Endpoint(name, spec["base_url"], spec.get("key_env"), tools, window)
    return out
