"""Settings and where each came from: defaults < config.toml < environment < flags.

Only the shell reads the environment and config files; lower layers are handed values. Every
setting remembers its source so `analyst config show` can explain a surprising value.
"""

from __future__ import annotations

import json
import math
import os
import re
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from analyst.errors import UserError


@dataclass(frozen=True)
class Setting:
    name: str
    default: Any
    parse: Callable[[Any], Any]
    env: str | None = None
    help: str = ""


def _number(value: Any) -> float:
    if isinstance(value, bool):  # float() would turn true into 1.0
        raise ValueError("must be a number")
    try:
        return float(value)
    except (TypeError, ValueError):
        raise ValueError("must be a number") from None


def _whole_number(value: Any) -> int:
    # int() would turn true into 1 and 1.5 into 1 without a word
    if isinstance(value, bool) or (isinstance(value, float) and not value.is_integer()):
        raise ValueError("must be a whole number")
    try:
        return int(value)
    except (TypeError, ValueError):
        raise ValueError("must be a whole number") from None


def _positive_float(value: Any) -> float:
    number = _number(value)
    if not math.isfinite(number) or number <= 0:  # nan or inf would switch a time limit off
        raise ValueError("must be a finite number greater than 0")
    return number


def _positive_int(value: Any) -> int:
    number = _whole_number(value)
    if number <= 0:
        raise ValueError("must be a whole number greater than 0")
    return number


def _non_negative_int(value: Any) -> int:
    number = _whole_number(value)
    if number < 0:
        raise ValueError("must be a whole number, 0 or more")
    return number


def _optional_float(value: Any) -> float | None:
    return None if value in (None, "") else _positive_float(value)


def _optional_int(value: Any) -> int | None:
    return None if value in (None, "") else _positive_int(value)


def _text(value: Any) -> str:
    if not isinstance(value, str):
        raise ValueError("must be a string (in quotes)")
    return value


def _optional_str(value: Any) -> str | None:
    return None if value in (None, "") else _text(value)


def _url(example: str) -> Any:
    """A parser for an endpoint's base URL: http(s), a host, nothing else. Checked when the
    config loads, so `OPENAI_BASE_URL=notaurl` is one line naming it, not a connection error
    (or an SDK traceback) at the first model call."""

    def parse(value: Any) -> str | None:
        if value in (None, ""):
            return None
        return base_url(value, example)

    return parse


def base_url(value: Any, example: str) -> str:
    from urllib.parse import urlsplit

    fix = f"give one like {example}"
    if not isinstance(value, str) or not value.strip() or any(c.isspace() for c in value.strip()):
        raise ValueError(f"is not a URL; {fix}")
    value = value.strip()
    try:
        parts = urlsplit(value)
    except ValueError:  # an unclosed [ of an IPv6 address, for one
        raise ValueError(f"is not a URL (its host part is malformed); {fix}") from None
    try:
        _ = parts.port  # a port that is no number, or past 65535, raises here
    except ValueError:
        raise ValueError(f"is not a URL (its port must be a number from 0 to 65535); {fix}") from None
    if parts.scheme.lower() not in ("http", "https"):
        raise ValueError(f"is not a URL (it needs http:// or https://); {fix}")
    if not parts.hostname:
        raise ValueError(f"is not a URL (it names no host); {fix}")
    return value


def shown_url(value: Any) -> str:
    """A URL fit to print (an error line, `config show`, `models`): a user:password part, every
    query value (`?api_key=...`) and anything key-shaped masked."""
    from sessions.log import redact

    masked = re.sub(r"(//)[^/@\s]*@", r"\1***@", str(value))  # user:password@
    masked = re.sub(r"([?&][^=&#\s]+=)[^&#\s]*", r"\1***", masked)  # ?api_key=..., any query value
    return redact(masked)


def _str_list(value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        return tuple(v.strip() for v in value.split(",") if v.strip())
    if isinstance(value, (list, tuple)) and all(isinstance(v, str) for v in value):
        return tuple(value)
    raise ValueError('must be a list of strings, e.g. ["audit_*", "secrets"]')


def _bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if str(value).lower() in ("1", "true", "yes", "on"):
        return True
    if str(value).lower() in ("0", "false", "no", "off", ""):
        return False
    raise ValueError("must be true or false")


# What DuckDB's memory_limit accepts, minus its spelled-out units: a size, or a share of the RAM.
_MEMORY_SIZE = re.compile(r"\s*(\d+(?:\.\d*)?|\.\d+)\s*(b|k|kb|kib|m|mb|mib|g|gb|gib|t|tb|tib)\s*", re.IGNORECASE)
_MEMORY_SHARE = re.compile(r"\s*(\d+(?:\.\d*)?|\.\d+)\s*%\s*")
_MEMORY_UNIT = {
    "b": 1,
    "k": 1000,
    "kb": 1000,
    "kib": 1024,
    "m": 1000**2,
    "mb": 1000**2,
    "mib": 1024**2,
    "g": 1000**3,
    "gb": 1000**3,
    "gib": 1024**3,
    "t": 1000**4,
    "tb": 1000**4,
    "tib": 1024**4,
}
_MEMORY_MINIMUM = 16 * 1024**2  # with 4MB a small join on the sample database already runs out of memory


def _memory_limit(value: Any) -> str:
    """A DuckDB memory limit such as "4GB", "512MiB" or "80%", checked before DuckDB sees it."""
    expected = 'must be a size such as "4GB", "512MB" or "2GiB", or a share of RAM such as "80%"'
    if not isinstance(value, str):
        raise ValueError(expected)
    if share := _MEMORY_SHARE.fullmatch(value):
        if not 0 < float(share.group(1)) <= 100:
            raise ValueError("must be a share of RAM between 0% and 100%")
        return value.strip()
    size = _MEMORY_SIZE.fullmatch(value)
    if size is None:
        raise ValueError(expected)
    if float(size.group(1)) * _MEMORY_UNIT[size.group(2).lower()] < _MEMORY_MINIMUM:
        raise ValueError("must be at least 16MB (DuckDB runs out of memory on ordinary queries below that)")
    return value.strip()


SETTINGS: tuple[Setting, ...] = (
    Setting("model", "openai:gpt-4.1-mini", _text, "ANALYST_MODEL", "model as provider:model"),
    Setting(
        "db", None, _optional_str, "ANALYST_DB", "database path or postgresql:// URL (default: the sample database)"
    ),
    Setting("timeout", 30.0, _positive_float, None, "seconds per query"),
    Setting("max_rows", 1000, _positive_int, None, "rows fetched per query"),
    Setting("model_timeout", 60.0, _positive_float, None, "seconds per model call"),
    Setting("model_retries", 2, _non_negative_int, None, "SDK retries on 429/5xx"),
    Setting("max_cost", None, _optional_float, None, "USD per session (batch/eval: per run)"),
    Setting("max_tokens", None, _optional_int, None, "tokens per session"),
    Setting("exclude_tables", (), _str_list, None, "table name patterns never retrieved, shown or queryable"),
    Setting("exclude_columns", (), _str_list, None, "TABLE.COLUMN patterns never retrieved, shown or queryable"),
    Setting("log_rows", False, _bool, None, "also log result rows in session files"),
    Setting(
        "data_to_model",
        True,
        _bool,
        None,
        "share sample values and result rows with the model (false: shapes and aggregates only)",
    ),
    Setting("schema_budget", None, _optional_int, None, "tokens of schema in the first prompt"),
    Setting(
        "openai_base_url", None, _url("https://api.openai.com/v1"), "OPENAI_BASE_URL", "OpenAI-compatible endpoint"
    ),
    Setting("anthropic_base_url", None, _url("https://api.anthropic.com"), "ANTHROPIC_BASE_URL", "Anthropic endpoint"),
    Setting(
        "ollama_base_url",
        None,
        _url("http://localhost:11434/v1"),
        "OLLAMA_BASE_URL",
        "Ollama endpoint (default http://localhost:11434/v1)",
    ),
    Setting("tools", True, _bool, None, "use native tool calling (false: read SQL from ```sql blocks)"),
    Setting("stream", False, _bool, None, "stream model text as it arrives"),
    Setting("threads", 2, _positive_int, None, "DuckDB threads"),
    Setting("memory_limit", "1GB", _memory_limit, None, "DuckDB memory limit"),
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
    openai_base_url: str | None
    anthropic_base_url: str | None
    ollama_base_url: str | None
    tools: bool
    stream: bool
    threads: int
    memory_limit: str
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
            key_env=_endpoint_key(spec, where, "key_env", _env_name, None),
            tools=_endpoint_key(spec, where, "tools", _bool, True),
            context_window=_endpoint_key(spec, where, "context_window", _positive_int, None),
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


def _env_name(value: Any) -> str:
    if not isinstance(value, str) or not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", value):
        raise ValueError('must be the name of an environment variable in quotes, e.g. "LOCAL_API_KEY"')
    return value
