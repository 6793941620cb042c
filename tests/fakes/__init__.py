"""Loopback fake LLM provider servers that speak the real OpenAI / Anthropic wire protocols.

Tests point the real SDK clients at these (``base_url=fake.base_url``) instead
of mocking the clients, so retries, SSE parsing and error mapping are real::

    with FakeOpenAI() as fake:
        fake.queue({"tool_calls": [{"name": "run_sql", "arguments": {"sql": "SELECT 1"}}]})
        client = openai.OpenAI(api_key="sk-test", base_url=fake.base_url)
        ...
        assert fake.requests[0]["messages"] == [...]

Reply dicts (one consumed per request to the chat endpoint, SDK retries included;
a bare string ``"hi"`` means ``{"text": "hi"}``):

``text``               assistant text (streamed as one delta per word)
``tool_calls``         ``[{"name", "arguments": {...}}]``; optional ``id``; fake-only
                       ``raw_arguments: "<any string>"`` sends that text verbatim
``usage``              ``{"input_tokens", "output_tokens"}`` (default 0/0)
``stop_reason``        passed through; ``end_turn``/``tool_use``/``max_tokens`` and
                       ``stop``/``tool_calls``/``length`` are translated per provider
``delay_ms``           wait before answering
``error``              ``{"status", "message", "retry_after_ms", "type", "code"}``
fake-only:
``garbage``            ``True``: 200 + non-JSON body labelled JSON (a non-JSON SSE event
                       on streams); a string: 200 + non-JSON body with that content type
``drop_after_chunks``  send N SSE events, then cut the connection mid-body
``chunk_delay_ms``     pause between SSE events (for read-timeout / cancel tests)
``hang``               never answer; released when the fake stops
"""

from __future__ import annotations

from ._base import REPLY_KEYS, RecordedRequest
from .anthropic_server import FakeAnthropic
from .openai_server import FakeOpenAI

__all__ = ["REPLY_KEYS", "FakeAnthropic", "FakeOpenAI", "RecordedRequest"]
