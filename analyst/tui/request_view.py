"""What leaves the machine: the exact next model request, shown before it is sent."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from analyst.render import inert

if TYPE_CHECKING:
    from agents.models.base import ModelRequest


def render_request(request: ModelRequest, model_name: str) -> str:
    """The request as plain text: system prompt, every message, tool names; nothing hidden."""
    parts = [
        f"model: {model_name}",
        f"tools offered: {', '.join(t.name for t in request.tools) or 'none'}",
        "",
        "── system ──",
        request.system,
    ]
    for message in request.messages:
        header = f"── {message.role}" + (f" (result of {message.tool_name})" if message.role == "tool" else "") + " ──"
        parts += ["", header, message.text]
        for call in message.tool_calls:
            parts.append(f"[tool call {call.name}: {json.dumps(call.arguments)}]")
    return "\n".join(parts)


class RequestScreen(ModalScreen[None]):
    """Read-only view of the next request; Esc closes it."""

    BINDINGS = [Binding("escape,q", "close", "Close")]

    def __init__(self, text: str) -> None:
        super().__init__()
        self._text = text

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="request-dialog", classes="dialog"):
            yield Static(
                Text("The next model request, exactly as it will be sent (Esc closes)", style="bold"), markup=False
            )
            yield Static(Text(inert(self._text)), markup=False)

    def action_close(self) -> None:
        self.dismiss(None)
