"""How each setting's value is read and checked: numbers, whole numbers, booleans, lists, URLs,
DuckDB memory sizes, environment variable names. Each parser returns the typed value or raises
ValueError with the fix in words; analyst/config.py names the setting and where the value came
from around it.
"""

from __future__ import annotations

import math
import re
from typing import Any

from tools.memory_size import memory_bytes, ram_share, size_bytes


def parse_number(value: Any) -> float:
    if isinstance(value, bool):  # float() would turn true into 1.0
        raise ValueError("must be a number")
    try:
        return float(value)
    except (TypeError, ValueError):
        raise ValueError("must be a number") from None


def parse_whole_number(value: Any) -> int:
    # int() would turn true into 1 and 1.5 into 1 without a word
    if isinstance(value, bool) or (isinstance(value, float) and not value.is_integer()):
        raise ValueError("must be a whole number")
    try:
        return int(value)
    except (TypeError, ValueError):
        raise ValueError("must be a whole number") from None


def parse_positive_float(value: Any) -> float:
    number = parse_number(value)
    if not math.isfinite(number) or number <= 0:  # nan or inf would switch a time limit off
        raise ValueError("must be a finite number greater than 0")
    return number


def parse_positive_int(value: Any) -> int:
    number = parse_whole_number(value)
    if number <= 0:
        raise ValueError("must be a whole number greater than 0")
    return number


def parse_non_negative_int(value: Any) -> int:
    number = parse_whole_number(value)
    if number < 0:
        raise ValueError("must be a whole number, 0 or more")
    return number


def parse_optional_float(value: Any) -> float | None:
    return None if value in (None, "") else parse_positive_float(value)


def parse_optional_int(value: Any) -> int | None:
    return None if value in (None, "") else parse_positive_int(value)


def parse_text(value: Any) -> str:
    if not isinstance(value, str):
        raise ValueError("must be a string (in quotes)")
    return value


def parse_optional_str(value: Any) -> str | None:
    return None if value in (None, "") else parse_text(value)


def url_parser(example: str) -> Any:
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
    from tools.redaction import redact_secrets

    masked = re.sub(r"(//)\S*@", r"\1***@", str(value))  # user:password@, up to the last @ (a password may hold / or @)
    masked = re.sub(r"([?&][^=&#\s]+=)[^&#\s]*", r"\1***", masked)  # ?api_key=..., any query value
    return redact_secrets(masked)


def parse_str_list(value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        return tuple(v.strip() for v in value.split(",") if v.strip())
    if isinstance(value, (list, tuple)) and all(isinstance(v, str) for v in value):
        return tuple(value)
    raise ValueError('must be a list of strings, e.g. ["audit_*", "secrets"]')


def parse_bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if str(value).lower() in ("1", "true", "yes", "on"):
        return True
    if str(value).lower() in ("0", "false", "no", "off", ""):
        return False
    raise ValueError("must be true or false")


# What DuckDB's memory_limit accepts, minus its spelled-out units: a size, or a share of the RAM
# (read by tools/memory_size.py).
_MEMORY_MINIMUM = 16 * 1024**2  # with 4MB a small join on the sample database already runs out of memory


def parse_memory_limit(value: Any) -> str:
    """A DuckDB memory limit such as "4GB", "512MiB" or "80%", checked before DuckDB sees it."""
    expected = 'must be a size such as "4GB", "512MB" or "2GiB", or a share of RAM such as "80%"'
    if not isinstance(value, str):
        raise ValueError(expected)
    share = ram_share(value)
    if share is not None:
        if not 0 < share <= 100:
            raise ValueError("must be a share of RAM between 0% and 100%")
        return value.strip()
    size = size_bytes(value)
    if size is None:
        raise ValueError(expected)
    if size < _MEMORY_MINIMUM:
        raise ValueError("must be at least 16MB (DuckDB runs out of memory on ordinary queries below that)")
    return value.strip()


_MAX_MEMORY_MINIMUM = 500_000_000  # one engine with DuckDB's buffer pool and a result in flight


def parse_max_memory(value: Any) -> str:
    """`max_memory` ("4GB", "2GiB", "50%" of RAM), checked; `max_memory_bytes` reads it."""
    max_memory_bytes(value)
    return str(value).strip()


def max_memory_bytes(value: Any) -> int:
    """`max_memory` as bytes: what every engine process of one database may map together
    (tools/databases/engine/pool.py)."""
    expected = 'must be a size such as "4GB" or "2GiB", or a share of RAM such as "50%"'
    if not isinstance(value, str):
        raise ValueError(expected)
    share = ram_share(value)
    if share is not None and not 0 < share <= 100:
        raise ValueError("must be a share of RAM between 0% and 100%")
    total = memory_bytes(value)
    if total is None:
        if share is not None:
            raise ValueError('cannot read this machine\'s RAM size; give a size such as "4GB"')
        raise ValueError(expected)
    if total < _MAX_MEMORY_MINIMUM:
        raise ValueError("must be at least 500MB (one engine with its buffers and a result in flight)")
    return total


def parse_env_name(value: Any) -> str:
    if not isinstance(value, str) or not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", value):
        raise ValueError('must be the name of an environment variable in quotes, e.g. "LOCAL_API_KEY"')
    return value
