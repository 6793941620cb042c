"""A logged session: one log file and the loop whose every event it records.

Every front end (ask, the chat, batch, eval, replay) opens its conversations here, so each one
starts its log the same way: the key redacted, the `session_started` event first, naming the
database, the model and the settings a replay needs.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any


def code_version() -> str:
    """The installed analyst version, recorded in every session and run so results can be traced to code."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("analyst")
    except PackageNotFoundError:
        return "unknown"


@dataclass(frozen=True)
class ResolvedModel:
    model: Any
    secret: str | None  # redacted from every log line


class Session:
    """One logged session: the log, the loop, and an optional observer of every event.

    A log that cannot be created raises `sessions.log.LogWriteError`: nothing may run unlogged."""

    def __init__(
        self,
        sessions_dir: Path,
        database: Any,
        resolved: ResolvedModel,
        settings: Any,
        *,
        exclude_tables: Sequence[str] = (),
        exclude_columns: Sequence[str] = (),
        observer: Callable[[Any], None] | None = None,
        on_text: Callable[[str, str], None] | None = None,
    ) -> None:
        from agents.events import SessionStarted
        from agents.loop import AnalystLoop
        from sessions.log import SessionLog

        self.log = SessionLog.create(sessions_dir, secrets_to_redact=[resolved.secret or ""])
        self.observer = observer
        self.database = database
        self.loop = AnalystLoop(resolved.model, database, settings, self.emit, on_text=on_text)
        self.emit(
            SessionStarted(
                database=database.uri,
                dialect=database.dialect,
                database_fingerprint=database.fingerprint_source(),
                model=resolved.model.name,
                settings={
                    "timeout": settings.limits.timeout_s,
                    "max_rows": settings.limits.max_rows,
                    "max_cost": settings.max_cost_usd,
                    "tools": resolved.model.supports_tools,
                    "exclude_tables": list(exclude_tables),
                    "exclude_columns": list(exclude_columns),
                    "log_rows": settings.log_rows,
                    "data_to_model": settings.data_to_model,
                },
                code_version=code_version(),
            )
        )

    @property
    def id(self) -> str:
        return self.log.session_id

    @property
    def path(self) -> Path:
        return self.log.path

    def emit(self, event: Any) -> None:
        self.log.write(event)
        if self.observer is not None:
            self.observer(event)

    def close(self) -> None:
        self.log.close()
