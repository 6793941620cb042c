"""The conversation the model is shown: its messages and where each question's turn begins.

Follow-up questions share one history, so it must stay valid for a provider across turns (every
tool call answered, even when a turn was interrupted), survive a switch from tool calls to plain
```sql replies, and fit the model's context window by dropping the oldest turns whole.
"""

from __future__ import annotations

import json
from typing import Any

from agents.models.base import Message, Model, ToolCall
from agents.outcome import ErrorKind, RunEnded
from tools.tokens import estimate_tokens

OUTPUT_RESERVE_TOKENS = 2048  # of the context window, kept free for the reply
UNANSWERED_CALL = "Not run: the turn ended before this call completed (interrupted)."
TEXT_MODE = (
    "Tool calls are off because their arguments were not valid JSON. Reply with your SQL in one ```sql block instead."
)


NO_REPLY = "(No reply: that question ended before an answer, so it was not answered.)"


class History:
    """The message list the loop sends, with the index of each turn's question in it."""

    def __init__(self) -> None:
        self.messages: list[Message] = []
        self.turn_starts: list[int] = []  # index of each turn's question in `messages`
        self.sent_tables: set[str] = set()  # tables whose schema some question message has shown
        # each kept turn's question in its first-turn form (with its whole schema slice), for when
        # the turns before it are dropped and it becomes the first message
        self.standalone_questions: list[str] = []

    def start_turn(self, text: str, standalone: str, tables: frozenset[str]) -> None:
        """Add the question that begins a new turn, and remember the schema tables it shows.

        `standalone` is the question's first-turn form (with the whole schema slice); it replaces
        `text` if the earlier turns, and the schema they carried, are later dropped.
        """
        if self.turn_starts and self.turn_starts[-1] == len(self.messages) - 1:
            # the last turn ended before any reply (a provider failure, an interrupt): say so,
            # rather than send two questions in a row as if the first had been answered
            self.messages.append(Message("assistant", NO_REPLY))
        self.turn_starts.append(len(self.messages))
        self.messages.append(Message("user", text))
        self.standalone_questions.append(standalone)
        self.sent_tables |= tables

    def add_result(self, text: str, call: ToolCall | None) -> None:
        """Answer `call` with `text`, or say it as the user when there is no call to answer."""
        if call is not None:
            self.messages.append(Message("tool", text, tool_call_id=call.id, tool_name=call.name))
        else:
            self.messages.append(Message("user", text))

    def answer_open_calls(self) -> None:
        """Give every tool call of an ended turn a result (providers refuse dangling calls)."""
        answered = {m.tool_call_id for m in self.messages if m.role == "tool"}
        start = self.turn_starts[-1] if self.turn_starts else 0  # earlier turns were closed already
        for message in self.messages[start:]:
            for call in message.tool_calls:
                if call.id not in answered:
                    index = self.messages.index(message) + 1
                    while index < len(self.messages) and self.messages[index].role == "tool":
                        index += 1
                    self.messages.insert(
                        index, Message("tool", UNANSWERED_CALL, tool_call_id=call.id, tool_name=call.name)
                    )
                    answered.add(call.id)

    def switch_to_text_mode(self) -> None:
        """Rewrite tool calls and results as plain messages, and ask for SQL in a ```sql block.

        One message in, one message out, so `turn_starts` stays valid.
        """
        flat: list[Message] = []
        for message in self.messages:
            if message.role == "tool":
                flat.append(Message("user", f"Result of {message.tool_name or 'the tool'}:\n{message.text}"))
            elif message.tool_calls:
                calls = "; ".join(f"{c.name}({json.dumps(c.arguments)})" for c in message.tool_calls)
                flat.append(Message("assistant", f"{message.text}\n(called {calls})".strip()))
            else:
                flat.append(message)
        self.messages = flat
        self.messages.append(Message("user", TEXT_MODE))

    def tokens(self, system: str, tools: tuple[Any, ...]) -> int:
        """An estimate of the tokens a request with this history, `system` and `tools` needs."""
        text = (
            system
            + json.dumps([t.parameters for t in tools])
            + "".join(m.text + json.dumps([c.arguments for c in m.tool_calls]) for m in self.messages)
        )
        return estimate_tokens(text)

    def fit(self, system: str, tools: tuple[Any, ...], model: Model) -> RunEnded | None:
        """Keep the request inside the model's window: drop the oldest turns whole, else end the run.

        The current turn is never dropped; if it alone is too big the run fails and says how to fix it.
        """
        window = model.context_window
        if not window:
            return None
        limit = window - OUTPUT_RESERVE_TOKENS
        while self.tokens(system, tools) > limit and len(self.turn_starts) > 1:
            cut = self.turn_starts[1]
            del self.messages[:cut]
            self.turn_starts = [start - cut for start in self.turn_starts[1:]]
            self.standalone_questions = self.standalone_questions[1:]
            # The schema went with the dropped turn, and a follow-up carries only what was new
            # then: the first kept question goes in its first-turn form, with its whole slice.
            self.messages[0] = Message("user", self.standalone_questions[0])
        total = self.tokens(system, tools)
        if total > limit:
            return RunEnded.failed(
                ErrorKind.CONTEXT,
                f"the request needs about {total} tokens but {model.name} accepts {window} (with {OUTPUT_RESERVE_TOKENS} kept for the answer); lower --budget/schema_budget or use a model with a larger context window",
            )
        return None
