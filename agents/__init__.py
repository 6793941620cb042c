"""The agent layer: the analyst loop, what a turn ends with, the events it emits, and the model
boundary. Below it is only `tools`; above it, `sessions` and `analyst`.

`__all__` is the layer's public surface, each name from the module that defines it (import it from
there, or from here). The names load on first use, so `import agents` stays light: the loop pulls
in the guard (sqlglot), and `analyst --help` must not.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tools.lazy_names import load_name

_HOME = {
    "AnalystLoop": "agents.loop",
    "Settings": "agents.settings",
    "Outcome": "agents.outcome",
    "Pending": "agents.outcome",
    "Clarification": "agents.outcome",
    "ExecutedQuery": "agents.outcome",
    "Status": "agents.outcome",
    "ErrorKind": "agents.outcome",
    "RunError": "agents.outcome",
    "Decision": "agents.decisions",
    "Approve": "agents.decisions",
    "Edit": "agents.decisions",
    "Reject": "agents.decisions",
    "Abort": "agents.decisions",
    "auto_approve": "agents.drive",
    "Event": "agents.events",
    "EventFormatError": "agents.events",
    "UnknownEvent": "agents.events",
    "from_json": "agents.events",
    "Budget": "agents.budget",
    "BudgetExhausted": "agents.budget",
    "usd": "agents.budget",
    "Model": "agents.models.base",
    "ModelRequest": "agents.models.base",
    "ModelResponse": "agents.models.base",
    "Message": "agents.models.base",
    "ToolCall": "agents.models.base",
    "Usage": "agents.models.base",
    "ProviderError": "agents.models.base",
    "ScriptedModel": "agents.models.scripted",
}
__all__ = [  # the public surface (ruff checks it against the imports below)
    "Abort",
    "AnalystLoop",
    "Approve",
    "Budget",
    "BudgetExhausted",
    "Clarification",
    "Decision",
    "Edit",
    "ErrorKind",
    "Event",
    "EventFormatError",
    "ExecutedQuery",
    "Message",
    "Model",
    "ModelRequest",
    "ModelResponse",
    "Outcome",
    "Pending",
    "ProviderError",
    "Reject",
    "RunError",
    "ScriptedModel",
    "Settings",
    "Status",
    "ToolCall",
    "UnknownEvent",
    "Usage",
    "auto_approve",
    "from_json",
    "usd",
]


def __getattr__(name: str) -> Any:
    return load_name(__name__, _HOME, globals(), name)


if TYPE_CHECKING:
    from agents.budget import Budget, BudgetExhausted, usd
    from agents.decisions import Abort, Approve, Decision, Edit, Reject
    from agents.drive import auto_approve
    from agents.events import Event, EventFormatError, UnknownEvent, from_json
    from agents.loop import AnalystLoop
    from agents.models.base import Message, Model, ModelRequest, ModelResponse, ProviderError, ToolCall, Usage
    from agents.models.scripted import ScriptedModel
    from agents.outcome import Clarification, ErrorKind, ExecutedQuery, Outcome, Pending, RunError, Status
    from agents.settings import Settings
