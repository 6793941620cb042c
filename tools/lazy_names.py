"""A package's public names, each imported from the module that defines it on first use (PEP 562).

Why: the packages' `__init__` files name their surface in `__all__` without importing it, so
`import tools` (or agents, sessions, ...) stays light and `analyst --help` loads no duckdb,
sqlglot or SDK. Every package does this the same way, through `load_name`.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from typing import Any


def load_name(package: str, home: Mapping[str, str], namespace: dict[str, Any], name: str) -> Any:
    """`name` from its module `home[name]`, kept in the package's `namespace` so the next lookup is
    a plain attribute; AttributeError for a name the package does not offer."""
    module = home.get(name)
    if module is None:
        raise AttributeError(f"module {package!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    namespace[name] = value
    return value
