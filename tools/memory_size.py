"""Memory sizes as people and DuckDB write them: "4GB", "512MiB", "1.5 g", or a share of RAM "80%".

One reading for the settings (`memory_limit`, `max_memory`: checked in analyst/setting_values.py)
and for the engine pool, which keeps each DuckDB buffer pool below its engine's memory share.
"""

from __future__ import annotations

import os
import re

_SIZE = re.compile(r"\s*(\d+(?:\.\d*)?|\.\d+)\s*(b|k|kb|kib|m|mb|mib|g|gb|gib|t|tb|tib)\s*", re.IGNORECASE)
_SHARE = re.compile(r"\s*(\d+(?:\.\d*)?|\.\d+)\s*%\s*")
_UNIT = {
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


def size_bytes(text: str) -> int | None:
    """A written size in bytes ("4GB" -> 4,000,000,000; "2GiB" -> 2,147,483,648), else None."""
    size = _SIZE.fullmatch(text)
    return int(float(size.group(1)) * _UNIT[size.group(2).lower()]) if size else None


def ram_share(text: str) -> float | None:
    """The percentage of "80%" (80.0), else None."""
    share = _SHARE.fullmatch(text)
    return float(share.group(1)) if share else None


def ram_bytes() -> int | None:
    """This machine's RAM, where the platform says (else None)."""
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError, AttributeError):
        return None


def memory_bytes(text: str) -> int | None:
    """A size or a share of RAM in bytes; None when it is neither or the RAM size is unknown."""
    share = ram_share(text)
    if share is None:
        return size_bytes(text)
    total = ram_bytes()
    return int(total * share / 100) if total is not None else None
