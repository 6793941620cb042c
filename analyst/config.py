"""Settings and where each came from: defaults < config.toml < environment < flags.

Only the shell reads the environment and config files; lower layers are handed values. Every
setting remembers its source so `analyst config show` can explain a surprising value.
"""

from __future__ import annotations

import json
import math
import os
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from analyst.errors import UserError
from analyst.setting_values import (
    base_url,
    parse_bool,
    parse_env_name,
    parse_max_memory,
    parse_memory_limit,
    parse_non_negative_int,
    parse_optional_float,
    parse_optional_int,
    parse_optional_str,
    parse_positive_float,
    parse_positive_int,
    parse_str_list,
    parse_text,
    shown_url,
    url_parser,
)


@dataclass(frozen=True)
class Setting:
    name: str
    default: Any
    parse: Callable[[Any], Any]
    env: str | None = None
    help: str = ""


SETTINGS: tuple[Setting, ...] = (
    Setting("model", "openai:gpt-4.1-mini", parse_text, "ANALYST_MODEL", "model as provider:model"),
    Setting(
        "db",
        None,
        parse_optional_str,
        "ANALYST_DB",
        "database path, postgresql:// or mysql:// URL (default: the sample database)",
    ),
    Setting("timeout", 30.0, parse_positive_float, None, "seconds per query"),
    Setting("max_rows", 1000, parse_positive_int, None, "rows fetched per query"),
    Setting("model_timeout", 60.0, parse_positive_float, None, "seconds per model call"),
    Setting("model_retries", 2, parse_non_negative_int, None, "SDK retries on 429/5xx"),
    Setting("max_cost", None, parse_optional_float, None, "USD per session (batch/eval: per run)"),
    Setting("max_tokens", None, parse_optional_int, None, "tokens per session"),
    Setting("exclude_tables", (), parse_str_list, None, "table name patterns never retrieved, shown or queryable"),
    Setting("exclude_columns", (), parse_str_list, None, "TABLE.COLUMN patterns never retrieved, shown or queryable"),
    Setting("log_rows", False, parse_bool, None, "also log result rows in session files"),
    Setting(
        "data_to_model",
        True,
        parse_bool,
        None,
        "share sample values and result rows with the model (false: column names, types and a rough row count only)",
    ),
    Setting("schema_budget", None, parse_optional_int, None, "tokens of schema in the first prompt"),
    Setting("examples", 3, parse_non_negative_int, None, "verified examples per question's prompt (0: none)"),
    Setting("save_examples", False, parse_bool, None, "save every answered turn a person approved as an example"),
    Setting(
        "openai_base_url",
        None,
        url_parser("https://api.openai.com/v1"),
        "OPENAI_BASE_URL",
        "OpenAI-compatible endpoint",
    ),
    Setting(
        "anthropic_base_url", None, url_parser("https://api.anthropic.com"), "ANTHROPIC_BASE_URL", "Anthropic endpoint"
    ),
    Setting(
        "ollama_base_url",
        None,
        url_parser("http://localhost:11434/v1"),
        "OLLAMA_BASE_URL",
        "Ollama endpoint (default http://localhost:11434/v1)",
    ),
    Setting("tools", True, parse_bool, None, "use native tool calling (false: read SQL from ```sql blocks)"),
    Setting("stream", False, parse_bool, None, "stream model text as it arrives"),
    Setting("threads", 2, parse_positive_int, None, "DuckDB threads"),
    Setting("memory_limit", "1GB", parse_memory_limit, None, "DuckDB memory limit"),
    Setting(
        "max_memory",
        "4GB",
        parse_max_memory,
        None,
        "the most memory DuckDB engine processes may use together; past it a query fails, nothing else does",
    ),
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
    """Every setting resolved and parsed (one field per entry of SETTINGS, same name), where each
    came from (`sources`), the state folder, and the [prices] and [endpoints] tables."""

    home: Path
    sources: dict[str, str]
    model: str
    db: str | None
    timeout: float
    max_rows: int
    model_timeout: float
    model_retries: int
    max_cost: float | None
    max_tokens: int | None
    exclude_tables: tuple[str, ...]
    exclude_columns: tuple[str, ...]
    log_rows: bool
    data_to_model: bool
    schema_budget: int | None
    examples: int
    save_examples: bool
    openai_base_url: str | None
    anthropic_base_url: str | None
    ollama_base_url: str | None
    tools: bool
    stream: bool
    threads: int
    memory_limit: str
    max_memory: str
    prices: dict[str, tuple[float, float]] = field(default_factory=dict)
    endpoints: dict[str, Endpoint] = field(default_factory=dict)

    @property
    def values(self) -> dict[str, Any]:
        """Every setting by its name, in SETTINGS order (`config show`; a provider's base URL by name)."""
        return {setting.name: getattr(self, setting.name) for setting in SETTINGS}

    @property
    def sessions_dir(self) -> Path:
        return self.home / "sessions"

    @property
    def cache_dir(self) -> Path:
        return self.home / "cache"


def utf8_text(data: bytes, source: object) -> str:
    """Decode a hand-edited file; a leading BOM (Windows editors write one) is dropped."""
    from tools.jsonl import JsonlError, decode_text

    try:
        return decode_text(data, source)
    except JsonlError as exc:
        raise UserError(str(exc)) from None


def _read_file(path: Path) -> dict[str, Any]:
    try:
        data = path.read_bytes()
    except (FileNotFoundError, NotADirectoryError):
        return {}
    except OSError as exc:
        raise UserError(f"cannot read config file {path}: {exc.strerror}") from None
    try:
        return tomllib.loads(utf8_text(data, f"config file {path}"))
    except tomllib.TOMLDecodeError as exc:
        raise UserError(f"config file {path} is not valid TOML ({exc}); fix or remove it") from None


def _check_home(home: Path) -> None:
    """Fail at once, in one line, if state cannot be kept under `home` (not at the first write)."""
    name = f"ANALYST_HOME ({home})" if os.environ.get("ANALYST_HOME") else f"the analyst home folder {home}"
    fix = "point ANALYST_HOME at a folder you can write (it is created if missing)"
    existing = home
    try:
        while not existing.exists() and existing != existing.parent:
            existing = existing.parent  # the folders below it are created on first use
        usable = existing.is_dir()
    except OSError as exc:
        raise UserError(f"cannot use {name}: {exc.strerror}; {fix}") from None
    if not usable:
        what = "is a file" if existing == home else f"is inside {existing}, which is a file"
        raise UserError(f"{name} {what}, not a folder; {fix}")
    if not os.access(existing, os.W_OK | os.X_OK):
        raise UserError(f"{name} is not writable ({existing} does not allow writing); {fix}")


def _prices(section: Any, path: Path) -> dict[str, tuple[float, float]]:
    example = '[prices] "openai:gpt-4.1" = [2.0, 8.0]'
    if not isinstance(section, dict):
        raise UserError(
            f"prices in {path} must be a table of model = [input_usd_per_million, output_usd_per_million], e.g. {example}"
        )
    prices: dict[str, tuple[float, float]] = {}
    for name, pair in section.items():
        numbers = pair if isinstance(pair, list) and len(pair) == 2 else None
        if numbers is None or not all(
            isinstance(n, (int, float)) and not isinstance(n, bool) and math.isfinite(n) and n >= 0 for n in numbers
        ):
            raise UserError(
                f"prices.{name} in {path} must be [input_usd_per_million, output_usd_per_million] (two numbers, 0 or more), e.g. {example}"
            )
        prices[name] = (float(numbers[0]), float(numbers[1]))
    return prices


def load_config(flags: dict[str, Any] | None = None) -> Config:
    """Resolve every setting; a bad value is one line naming the setting and its source."""
    home = analyst_home()
    _check_home(home)
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
                shown = json.dumps(value, ensure_ascii=False, default=str)  # as TOML spells it: true, "lots"
                if setting.name.endswith("_base_url"):
                    shown = shown_url(shown)
                raise UserError(f"invalid {setting.name} {shown} from {where}: {exc}") from None
        values[setting.name] = value
        sources[setting.name] = source
    unknown = sorted(set(file_values) - set(BY_NAME) - {"prices", "endpoints"})
    if unknown:
        raise UserError(f"unknown setting(s) {', '.join(unknown)} in {path}; known: {', '.join(BY_NAME)}")
    prices = _prices(file_values.get("prices", {}), path)
    return Config(
        home, sources, **values, prices=prices, endpoints=_endpoints(file_values.get("endpoints") or {}, path)
    )


def _endpoints(section: Any, path: Path) -> dict[str, Endpoint]:
    from agents.models.registry import PROVIDERS

    if not isinstance(section, dict):
        raise UserError(f"[endpoints] in {path} must be a table of [endpoints.NAME] sections")
    out = {}
    for name, spec in section.items():
        where = f"[endpoints.{name}] in {path}"
        if name in PROVIDERS and name != "ollama":
            raise UserError(f"{where}: {name!r} is a built-in provider; pick another name")
        if not isinstance(spec, dict) or "base_url" not in spec:
            raise UserError(f'{where}: needs base_url = "http://host:port/v1"')
        try:
            spec = {**spec, "base_url": base_url(spec["base_url"], '"http://host:port/v1"')}
        except ValueError as exc:
            shown = shown_url(json.dumps(spec["base_url"], ensure_ascii=False, default=str))
            raise UserError(f"{where}: base_url = {shown} {exc}") from None
        unknown = set(spec) - {"base_url", "key_env", "tools", "context_window"}
        if unknown:
            raise UserError(
                f"{where}: unknown key(s) {', '.join(sorted(unknown))}; known: base_url, key_env, tools, context_window"
            )
        out[name] = Endpoint(
            name,
            spec["base_url"],
            key_env=_endpoint_key(spec, where, "key_env", parse_env_name, None),
            tools=_endpoint_key(spec, where, "tools", parse_bool, True),
            context_window=_endpoint_key(spec, where, "context_window", parse_positive_int, None),
        )
    return out


def _endpoint_key(spec: dict[str, Any], where: str, key: str, parse: Callable[[Any], Any], default: Any) -> Any:
    """One key of an [endpoints.NAME] section, parsed; `default` when it is not there."""
    if key not in spec:
        return default
    try:
        return parse(spec[key])
    except ValueError as exc:
        raise UserError(f"{where}: {key} = {json.dumps(spec[key], ensure_ascii=False)} {exc}") from None
