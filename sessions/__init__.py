"""The sessions layer: the session (log + loop), session logs (write, read, list, show), replay,
export of approved turns, the shared runner, and evaluation (`sessions.evaluation`, with its own
`__all__`). It uses `agents` and `tools`; only `analyst` uses it.

`__all__` is the layer's public surface, each name from the module that defines it (import it from
there, or from here). The names load on first use, so `import sessions` stays light.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tools.lazy_names import load_name

_HOME = {
    "Session": "sessions.session",
    "ResolvedModel": "sessions.session",
    "Runner": "sessions.runner",
    "SessionLog": "sessions.log",
    "LogWriteError": "sessions.log",
    "Logged": "sessions.log",
    "LogContents": "sessions.log",
    "read_log": "sessions.log",
    "SessionRecord": "sessions.store",
    "SessionNotFound": "sessions.store",
    "find_session": "sessions.store",
    "load_session": "sessions.store",
    "list_sessions": "sessions.store",
    "STATUSES": "sessions.statuses",
    "SessionFilter": "sessions.filters",
    "replay_session": "sessions.replay",
    "reask_session": "sessions.replay",
    "ReplayReport": "sessions.replay",
    "Divergence": "sessions.replay",
    "ReaskRow": "sessions.replay",
    "labelled_turns": "sessions.export",
    "suite_entry": "sessions.export",
    "chat_entry": "sessions.export",
}
__all__ = [  # the public surface (ruff checks it against the imports below)
    "STATUSES",
    "Divergence",
    "LogContents",
    "LogWriteError",
    "Logged",
    "ReaskRow",
    "ReplayReport",
    "ResolvedModel",
    "Runner",
    "Session",
    "SessionFilter",
    "SessionLog",
    "SessionNotFound",
    "SessionRecord",
    "chat_entry",
    "find_session",
    "labelled_turns",
    "list_sessions",
    "load_session",
    "read_log",
    "reask_session",
    "replay_session",
    "suite_entry",
]


def __getattr__(name: str) -> Any:
    return load_name(__name__, _HOME, globals(), name)


if TYPE_CHECKING:
    from sessions.export import chat_entry, labelled_turns, suite_entry
    from sessions.filters import SessionFilter
    from sessions.log import LogContents, Logged, LogWriteError, SessionLog, read_log
    from sessions.replay import Divergence, ReaskRow, ReplayReport, reask_session, replay_session
    from sessions.runner import Runner
    from sessions.session import ResolvedModel, Session
    from sessions.statuses import STATUSES
    from sessions.store import SessionNotFound, SessionRecord, find_session, list_sessions, load_session
