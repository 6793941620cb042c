"""OpenAIModel driven through the REAL openai SDK against the loopback FakeOpenAI.

Nothing is mocked: retries, SSE parsing and error classes are the SDK's own, so these tests
pin down what the adapter makes of each thing the wire can do to it.
"""

from __future__ import annotations

import json
import socket
import time
import traceback
from collections.abc import Iterator
from typing import Any

import pytest

from agents.models.base import Message, ModelRequest, ProviderError, ToolCall, ToolSpec, Usage
from agents.models.openai_model import OpenAIModel
from tests.fakes import FakeOpenAI

CANARY = "sk-oai-canary-0a9b8c7d6e5f4321"
RUN_SQL = ToolSpec(
    "run_sql", "Run one read-only SELECT.", {"type": "object", "properties": {"sql": {"type": "string"}}}
)
SQL_CALL = {"name": "run_sql", "arguments": {"sql": "SELECT 1"}}


def ask(text: str = "How many rows?", tools: tuple[ToolSpec, ...] = (RUN_SQL,)) -> ModelRequest:
    return ModelRequest("You are a SQL analyst.", (Message("user", text),), tools, max_output_tokens=321)


def err(status: int, message: str = "scripted failure", ms: int = 10) -> dict[str, Any]:
    return {"error": {"status": status, "message": message, "retry_after_ms": ms}}


@pytest.fixture
def fake() -> Iterator[FakeOpenAI]:
    with FakeOpenAI() as server:
        yield server


def make(fake: FakeOpenAI, name: str = "openai:gpt-test", **kwargs: Any) -> OpenAIModel:
    options: dict[str, Any] = {"api_key": CANARY, "base_url": fake.base_url, "timeout": 5.0, "max_retries": 2}
    options.update(kwargs)
    return OpenAIModel(name, name.partition(":")[2], **options)


class Collector:
    """An on_text callback that keeps every delta, to check real incremental delivery."""

    def __init__(self) -> None:
        self.deltas: list[str] = []

    def __call__(self, text: str) -> None:
        self.deltas.append(text)


def leaked(exc: BaseException) -> bool:
    return CANARY in "".join(traceback.format_exception(exc)) or CANARY in repr(exc)


# --------------------------------------------------------------------------- replies
def test_text_reply_usage_and_request_shape(fake: FakeOpenAI) -> None:
    fake.queue({"text": "There are 42 rows.", "usage": {"input_tokens": 12, "output_tokens": 5}})
    response = make(fake).complete(ask())
    assert response.text == "There are 42 rows." and response.tool_calls == ()
    assert response.usage == Usage(12, 5) and response.stop_reason == "stop"
    sent = fake.requests[0]
    assert sent["messages"] == [
        {"role": "system", "content": "You are a SQL analyst."},
        {"role": "user", "content": "How many rows?"},
    ]
    assert sent["tools"] == [
        {
            "type": "function",
            "function": {"name": "run_sql", "description": RUN_SQL.description, "parameters": RUN_SQL.parameters},
        }
    ]
    assert sent["parallel_tool_calls"] is False
    # OpenAI's reasoning models reject max_tokens
    assert sent["max_completion_tokens"] == 321 and "max_tokens" not in sent
    assert fake.secret_locations(CANARY) == ["POST /v1/chat/completions header:authorization"]


def test_compatible_servers_get_max_tokens(fake: FakeOpenAI) -> None:
    fake.queue("ok")
    make(fake, name="ollama:sqlcoder").complete(ask())
    assert fake.requests[0]["max_tokens"] == 321 and "max_completion_tokens" not in fake.requests[0]


def test_tools_omitted_when_the_model_does_not_support_them(fake: FakeOpenAI) -> None:
    fake.queue("```sql\nSELECT 1\n```")
    make(fake, supports_tools=False).complete(ask())
    sent = fake.requests[0]
    assert "tools" not in sent and "parallel_tool_calls" not in sent


def test_no_tools_in_request_means_no_parallel_flag(fake: FakeOpenAI) -> None:
    fake.queue("summary")
    make(fake).complete(ask(tools=()))
    assert "tools" not in fake.requests[0] and "parallel_tool_calls" not in fake.requests[0]


def test_tool_call(fake: FakeOpenAI) -> None:
    fake.queue({"tool_calls": [SQL_CALL]})
    response = make(fake).complete(ask())
    assert response.text == "" and response.stop_reason == "tool_calls"
    assert response.tool_calls == (ToolCall("call_1", "run_sql", {"sql": "SELECT 1"}),)


def test_streaming_text_arrives_in_several_deltas(fake: FakeOpenAI) -> None:
    text = "The busiest month was March with 1,204 orders."
    fake.queue({"text": text, "usage": {"input_tokens": 7, "output_tokens": 11}})
    on_text = Collector()
    response = make(fake).complete(ask(), on_text)
    assert len(on_text.deltas) > 3 and "".join(on_text.deltas) == text == response.text
    assert response.usage == Usage(7, 11) and response.stop_reason == "stop"
    assert fake.requests[0]["stream"] is True and fake.requests[0]["stream_options"] == {"include_usage": True}


def test_streamed_tool_call_is_assembled_from_fragments(fake: FakeOpenAI) -> None:
    fake.queue({"text": "Let me check.", "tool_calls": [SQL_CALL], "usage": {"input_tokens": 3, "output_tokens": 9}})
    on_text = Collector()
    response = make(fake, stream=True).complete(ask(), on_text)
    assert "".join(on_text.deltas) == "Let me check."
    assert response.tool_calls == (ToolCall("call_1", "run_sql", {"sql": "SELECT 1"}),)
    assert response.usage == Usage(3, 9) and response.stop_reason == "tool_calls"


@pytest.mark.parametrize("streaming", [False, True])
@pytest.mark.parametrize("raw", ['{"sql": SELECT 1}', '{"sql": "SELECT 1', "[1, 2]"])
def test_invalid_tool_json_becomes_a_tool_call_error(fake: FakeOpenAI, streaming: bool, raw: str) -> None:
    fake.queue({"tool_calls": [{"name": "run_sql", "raw_arguments": raw}]})
    response = make(fake).complete(ask(), Collector() if streaming else None)
    (call,) = response.tool_calls
    assert call.name == "run_sql" and call.arguments == {} and call.error


# --------------------------------------------------------------------------- failures
def test_429_with_retry_after_ms_then_success(fake: FakeOpenAI) -> None:
    fake.queue_many([err(429, ms=20), err(429, ms=20), "ok"])
    started = time.monotonic()
    assert make(fake).complete(ask()).text == "ok"
    assert time.monotonic() - started < 2 and len(fake.requests) == 3


def test_429_after_retries_says_rate_limited(fake: FakeOpenAI) -> None:
    fake.queue_many([err(429, "slow down")] * 3)
    with pytest.raises(ProviderError) as info:
        make(fake).complete(ask())
    assert info.value.status == 429 and "rate-limit" in info.value.message and "slow down" in info.value.message


def test_repeated_500_is_a_provider_error_with_status(fake: FakeOpenAI) -> None:
    fake.queue_many([err(500, "boom")] * 3)
    with pytest.raises(ProviderError) as info:
        make(fake).complete(ask())
    assert info.value.status == 500 and "boom" in str(info.value) and "\n" not in str(info.value)
    assert len(fake.requests) == 3 and fake.pending == 0


def test_hang_times_out_quickly(fake: FakeOpenAI) -> None:
    fake.queue({"hang": True})
    started = time.monotonic()
    with pytest.raises(ProviderError) as info:
        make(fake, timeout=0.5, max_retries=0).complete(ask())
    assert time.monotonic() - started < 2
    assert "--model-timeout" in info.value.message and info.value.status is None


@pytest.mark.parametrize("garbage", [True, "text/html"])
def test_garbage_body_is_a_provider_error(fake: FakeOpenAI, garbage: Any) -> None:
    fake.queue({"garbage": garbage})
    with pytest.raises(ProviderError, match="malformed"):
        make(fake).complete(ask())


def test_garbage_stream_is_a_provider_error(fake: FakeOpenAI) -> None:
    fake.queue({"garbage": True})
    with pytest.raises(ProviderError, match="malformed"):
        make(fake).complete(ask(), Collector())


def test_stream_dropped_after_text_says_so_and_is_not_retried(fake: FakeOpenAI) -> None:
    fake.queue({"text": "one two three four", "drop_after_chunks": 3})
    on_text = Collector()
    with pytest.raises(ProviderError) as info:
        make(fake).complete(ask(), on_text)
    assert "".join(on_text.deltas) == "one two "
    assert "dropped after text was shown" in info.value.message
    assert "cannot reach" not in info.value.message  # was misreported as a connection failure
    assert len(fake.requests) == 1


def test_stream_dropped_before_text(fake: FakeOpenAI) -> None:
    fake.queue({"text": "one two", "drop_after_chunks": 1})
    with pytest.raises(ProviderError) as info:
        make(fake).complete(ask(), Collector())
    assert "dropped" in info.value.message and "after text was shown" not in info.value.message


def test_callback_errors_pass_through_untouched(fake: FakeOpenAI) -> None:
    def on_text(_: str) -> None:
        raise ValueError("the terminal went away")  # not a "malformed response"

    fake.queue("one two three")
    with pytest.raises(ValueError, match="terminal"):
        make(fake).complete(ask(), on_text)


def test_401_names_the_key_and_never_shows_it() -> None:
    with FakeOpenAI(require_key="the-right-key-000") as fake:
        with pytest.raises(ProviderError) as info:
            make(fake).complete(ask())
        assert info.value.status == 401 and "rejected the API key" in info.value.message
        assert not leaked(info.value)
    with FakeOpenAI() as fake:
        fake.queue_many(
            [
                {"error": {"status": 401, "message": f"Incorrect API key provided: {CANARY}"}},
                {"error": {"status": 400, "message": f"echo {CANARY}"}},
            ]
        )
        model = make(fake)
        for status in (401, 400):
            with pytest.raises(ProviderError) as info:
                model.complete(ask())
            assert info.value.status == status and not leaked(info.value) and "***" in info.value.message


def test_unreachable_server_names_the_base_url_without_credentials() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    model = OpenAIModel(
        "openai:gpt-test",
        "gpt-test",
        api_key=CANARY,
        base_url=f"http://user:hunter2@127.0.0.1:{port}/v1",
        timeout=2.0,
        max_retries=0,
    )
    with pytest.raises(ProviderError) as info:
        model.complete(ask())
    assert f"127.0.0.1:{port}/v1" in info.value.message and "hunter2" not in info.value.message
    assert not leaked(info.value)


# --------------------------------------------------------------------------- translation
def test_conversation_with_tool_calls_and_results(fake: FakeOpenAI) -> None:
    conversation = (
        Message("user", "Top customer?"),
        Message("assistant", "", (ToolCall("call_a", "run_sql", {"sql": "SELECT 1"}),)),
        Message("tool", "1 row: Acme", tool_call_id="call_a", tool_name="run_sql"),
        Message("user", "And the runner-up?"),
    )
    fake.queue("Globex.")
    make(fake).complete(ModelRequest("sys", conversation, (RUN_SQL,)))
    messages = fake.requests[0]["messages"]
    assert messages[:2] == [{"role": "system", "content": "sys"}, {"role": "user", "content": "Top customer?"}]
    assistant = messages[2]
    assert assistant["role"] == "assistant" and assistant["content"] is None
    (call,) = assistant["tool_calls"]
    assert call["id"] == "call_a" and call["type"] == "function" and call["function"]["name"] == "run_sql"
    assert json.loads(call["function"]["arguments"]) == {"sql": "SELECT 1"}
    assert messages[3:] == [
        {"role": "tool", "tool_call_id": "call_a", "content": "1 row: Acme"},
        {"role": "user", "content": "And the runner-up?"},
    ]
