"""`analyst.connect`'s keyword settings, resolved like the command line's flags.

Why through `load_config`: a program and the CLI must agree on every default, on config.toml
and on the environment (defaults < config.toml < environment < these settings), so the same
question runs the same way from both. A misspelt setting is refused, naming the known ones, rather
than silently ignored.
"""

from __future__ import annotations

from typing import Any

from analyst.config import BY_NAME, Config, load_config
from analyst.errors import UserError


def resolve(db: str | None, model: str | None, settings: dict[str, Any]) -> Config:
    """The configuration for `connect(db, model=model, **settings)`; one UserError line if a
    setting is unknown or its value invalid."""
    unknown = sorted(set(settings) - set(BY_NAME) - {"db", "model"})
    if unknown:
        raise UserError(
            f"unknown setting(s) {', '.join(unknown)} for analyst.connect; known: {', '.join(sorted(BY_NAME))}"
        )
    flags: dict[str, Any] = {name: value for name, value in settings.items() if value is not None}
    for name in ("exclude_tables", "exclude_columns"):
        if isinstance(flags.get(name), str):  # one pattern given as a string, not its characters
            flags[name] = [flags[name]]
    if db is not None:
        flags["db"] = str(db)
    if model is not None:
        flags["model"] = model
    return load_config(flags)
