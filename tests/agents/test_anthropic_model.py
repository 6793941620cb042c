"""AnthropicModel driven through the REAL anthropic SDK against the loopback FakeAnthropic.

Nothing is mocked: retries, SSE parsing and error classes are the SDK's own, so these tests
pin down what the adapter makes of each thing the wire can do to it.
"""

from __future__ import annotations

import socket
import time
import traceback
from collections.abc import Iterator
from typing import Any

import pytest

from agents.models.anthropic_model import AnthropicModel, to_anthropic_messages
from agents.models.base import Message, ModelRequest, ProviderError, ToolCall, ToolSpec, Usage
from agents.models.registry import create_model, parse_model_name
from tests.fakes import FakeAnthropic

CANARY = "sk-ant-canary-7f3e9a1b2c4d5e6f"
RUN_SQL = ToolSpec(
    "run_sql", "Run one read-only SELECT.", {"type": "object", "properties": {"sql": {"type": "string"}}}
)
SQL_CALL = {"name": "run_sql", "arguments": {"sql": "SELECT 1"}}


def ask(text: str = "How many rows?", tools: tuple[ToolSpec, ...] = (RUN_SQL,)) -> ModelRequest:
    return ModelRequest("You are a SQL analyst.", (Message("user", text),), tools, max_output_tokens=321)


def err(status: int, message: str = "scripted failure", ms: int = 10) -> dict[str, Any]:
    return {"error": {"status": status, "message": message, "retry_after_ms": ms}}


@pytest.fixture
def fake() -> Iterator[FakeAnthropic]:
    with FakeAnthropic() as server:
        yield server


def make(fake: FakeAnthropic, **kwargs: Any) -> AnthropicModel:
    options: dict[str, Any] = {"api_key": CANARY, "base_url": fake.base_url, "timeout": 5.0, "max_retries": 2}
    options.update(kwargs)
    return AnthropicModel("anthropic:claude-test", "claude-test", **options)


class Collector:
    """An on_text callback that keeps every delta, to check real incremental delivery."""

    def __init__(self) -> None:
        self.deltas: list[str] = []

    def __call__(self, text: str) -> None:
        self.deltas.append(text)


def leaked(exc: BaseException) -> bool:
    return CANARY in "".join(traceback.format_exception(exc)) or CANARY in repr(exc)


# --------------------------------------------------------------------------- replies
def test_text_reply_usage_and_request_shape(fake: FakeAnthropic) -> None:
    fake.queue({"text": "There are 42 rows.", "usage": {"input_tokens": 12, "output_tokens": 5}})
    response = make(fake).complete(ask())
    assert response.text == "There are 42 rows." and response.tool_calls == ()
    assert response.usage == Usage(12, 5) and response.stop_reason == "end_turn"
    assert response.latency_ms > 0
    sent = fake.requests[0]
    assert sent["system"] == "You are a SQL analyst." and sent["max_tokens"] == 321
    assert sent["model"] == "claude-test" and "stream" not in sent
    assert sent["messages"] == [{"role": "user", "content": [{"type": "text", "text": "How many rows?"}]}]
    assert sent["tools"] == [
        {"name": "run_sql", "description": RUN_SQL.description, "input_schema": RUN_SQL.parameters}
    ]
    assert sent["tool_choice"] == {"type": "auto", "disable_parallel_tool_use": True}
    # the key travels once, in an auth header: x-api-key (anthropic 1.x) or authorization (2.x)
    assert fake.secret_locations(CANARY) in (
        ["POST /v1/messages header:authorization"],
        ["POST /v1/messages header:x-api-key"],
    )


def test_tool_call(fake: FakeAnthropic) -> None:
    fake.queue({"text": "Checking.", "tool_calls": [SQL_CALL]})
    response = make(fake).complete(ask())
    assert response.text == "Checking." and response.stop_reason == "tool_use"
    assert response.tool_calls == (ToolCall("toolu_1", "run_sql", {"sql": "SELECT 1"}),)


def test_streaming_text_arrives_in_several_deltas(fake: FakeAnthropic) -> None:
    text = "The busiest month was March with 1,204 orders."
    fake.queue({"text": text, "usage": {"input_tokens": 7, "output_tokens": 11}})
    on_text = Collector()
    response = make(fake).complete(ask(), on_text)
    assert len(on_text.deltas) > 3 and "".join(on_text.deltas) == text == response.text
    # message_start's provisional output count is replaced by message_delta's cumulative one
    assert response.usage == Usage(7, 11) and response.stop_reason == "end_turn"
    assert fake.requests[0]["stream"] is True


def test_streamed_tool_call_is_assembled_from_fragments(fake: FakeAnthropic) -> None:
    fake.queue({"text": "Let me check.", "tool_calls": [SQL_CALL], "usage": {"input_tokens": 3, "output_tokens": 9}})
    on_text = Collector()
    response = make(fake, stream=True).complete(ask(), on_text)
    assert "".join(on_text.deltas) == "Let me check."  # no tool JSON leaks into the text
    assert response.tool_calls == (ToolCall("toolu_1", "run_sql", {"sql": "SELECT 1"}),)
    assert response.usage == Usage(3, 9) and response.stop_reason == "tool_use"


def test_stream_flag_streams_without_a_callback(fake: FakeAnthropic) -> None:
    fake.queue("streamed anyway")
    assert make(fake, stream=True).complete(ask()).text == "streamed anyway"
    assert fake.requests[0]["stream"] is True


@pytest.mark.parametrize("streaming", [False, True])
@pytest.mark.parametrize("raw", ['{"sql": SELECT 1}', '{"sql": "SELECT 1', "[1, 2]"])
def test_invalid_tool_json_becomes_a_tool_call_error(fake: FakeAnthropic, streaming: bool, raw: str) -> None:
    fake.queue({"tool_calls": [{"name": "run_sql", "raw_arguments": raw}]})
    response = make(fake).complete(ask(), Collector() if streaming else None)
    (call,) = response.tool_calls
    assert call.name == "run_sql" and call.arguments == {} and call.error


def test_tool_call_without_arguments_is_an_empty_object(fake: FakeAnthropic) -> None:
    fake.queue_many([{"tool_calls": [{"name": "list_tables", "arguments": {}}]}] * 2)
    model = make(fake)
    for on_text in (None, Collector()):
        (call,) = model.complete(ask(), on_text).tool_calls
        assert call.arguments == {} and call.error is None


# --------------------------------------------------------------------------- failures
def test_429_with_retry_after_ms_then_success(fake: FakeAnthropic) -> None:
    fake.queue_many([err(429, ms=20), err(529, ms=20), "ok"])
    started = time.monotonic()
    assert make(fake).complete(ask()).text == "ok"
    assert time.monotonic() - started < 2 and len(fake.requests) == 3


def test_429_after_retries_says_rate_limited(fake: FakeAnthropic) -> None:
    fake.queue_many([err(429, "slow down")] * 3)
    with pytest.raises(ProviderError) as info:
        make(fake).complete(ask())
    assert info.value.status == 429 and "rate-limit" in info.value.message and "slow down" in info.value.message


def test_repeated_500_is_a_provider_error_with_status(fake: FakeAnthropic) -> None:
    fake.queue_many([err(500, "boom")] * 3)
    with pytest.raises(ProviderError) as info:
        make(fake).complete(ask())
    assert info.value.status == 500 and "boom" in str(info.value) and "\n" not in str(info.value)
    assert len(fake.requests) == 3 and fake.pending == 0


def test_hang_times_out_quickly(fake: FakeAnthropic) -> None:
    fake.queue({"hang": True})
    started = time.monotonic()
    with pytest.raises(ProviderError) as info:
        make(fake, timeout=0.5, max_retries=0).complete(ask())
    assert time.monotonic() - started < 2
    assert "--model-timeout" in info.value.message and info.value.status is None


def test_stream_stalling_mid_reply_times_out(fake: FakeAnthropic) -> None:
    fake.queue({"text": "one two three", "chunk_delay_ms": 1500})
    with pytest.raises(ProviderError, match="--model-timeout"):
        make(fake, timeout=0.5, max_retries=0).complete(ask(), Collector())


@pytest.mark.parametrize("garbage", [True, "text/html"])
def test_garbage_body_is_a_provider_error(fake: FakeAnthropic, garbage: Any) -> None:
    fake.queue({"garbage": garbage})
    with pytest.raises(ProviderError, match="malformed"):
        make(fake).complete(ask())


def test_garbage_stream_is_a_provider_error(fake: FakeAnthropic) -> None:
    fake.queue({"garbage": True})
    with pytest.raises(ProviderError, match="malformed"):
        make(fake).complete(ask(), Collector())


def test_stream_dropped_after_text_says_so_and_is_not_retried(fake: FakeAnthropic) -> None:
    fake.queue({"text": "one two three four", "drop_after_chunks": 5})
    on_text = Collector()
    with pytest.raises(ProviderError) as info:
        make(fake).complete(ask(), on_text)
    assert "".join(on_text.deltas) == "one two "
    assert "dropped after text was shown" in info.value.message
    assert len(fake.requests) == 1  # a half-shown answer is never silently re-requested


def test_stream_dropped_before_text(fake: FakeAnthropic) -> None:
    fake.queue({"text": "one two", "drop_after_chunks": 2})
    with pytest.raises(ProviderError) as info:
        make(fake).complete(ask(), Collector())
    assert "dropped" in info.value.message and "after text was shown" not in info.value.message


def test_callback_errors_pass_through_untouched(fake: FakeAnthropic) -> None:
    class Stop(Exception):
        pass

    def on_text(_: str) -> None:
        raise Stop()

    fake.queue("one two three")
    with pytest.raises(Stop):
        make(fake).complete(ask(), on_text)


def test_401_names_the_key_and_never_shows_it() -> None:
    with FakeAnthropic(require_key="the-right-key-000") as fake:
        with pytest.raises(ProviderError) as info:
            make(fake).complete(ask())
        assert info.value.status == 401 and "rejected the API key" in info.value.message
        assert not leaked(info.value)
    with FakeAnthropic() as fake:
        fake.queue_many(
            [
                {"error": {"status": 401, "message": f"invalid x-api-key {CANARY}"}},
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
    model = AnthropicModel(
        "anthropic:claude-test",
        "claude-test",
        api_key=CANARY,
        base_url=f"http://user:hunter2@127.0.0.1:{port}",
        timeout=2.0,
        max_retries=0,
    )
    with pytest.raises(ProviderError) as info:
        model.complete(ask())
    assert f"127.0.0.1:{port}" in info.value.message and "hunter2" not in info.value.message
    assert not leaked(info.value)


def test_explicit_key_and_base_url_beat_the_environment(fake: FakeAnthropic, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-from-env-should-not-be-used")
    monkeypatch.setenv("ANTHROPIC_AUTH_TOKEN", "token-from-env-should-not-be-used")
    fake.queue("hi")
    model = create_model(parse_model_name("anthropic:claude-test"), api_key=CANARY, base_url=fake.base_url)
    assert isinstance(model, AnthropicModel) and model.supports_tools
    assert model.complete(ask()).text == "hi"
    assert fake.headers(0)["authorization"] == f"Bearer {CANARY}" and "x-api-key" not in fake.headers(0)


# --------------------------------------------------------------------------- translation
def test_conversation_with_tool_calls_and_results_is_sent_as_alternating_turns(fake: FakeAnthropic) -> None:
    conversation = (
        Message("user", "Top customer?"),
        Message(
            "assistant",
            "Let me look.",
            (
                ToolCall("toolu_a", "run_sql", {"sql": "SELECT 1"}),
                ToolCall("toolu_b", "list_tables", {}),
            ),
        ),
        Message(
            "tool", "Ignored: only one tool call per turn is allowed.", tool_call_id="toolu_b", tool_name="list_tables"
        ),
        Message("tool", "1 row: Acme", tool_call_id="toolu_a", tool_name="run_sql"),
        Message("user", "And the runner-up?"),
    )
    fake.queue("Globex.")
    make(fake).complete(ModelRequest("sys", conversation, (RUN_SQL,)))
    assert fake.requests[0]["messages"] == [
        {"role": "user", "content": [{"type": "text", "text": "Top customer?"}]},
        {
            "role": "assistant",
            "content": [
                {"type": "text", "text": "Let me look."},
                {"type": "tool_use", "id": "toolu_a", "name": "run_sql", "input": {"sql": "SELECT 1"}},
                {"type": "tool_use", "id": "toolu_b", "name": "list_tables", "input": {}},
            ],
        },
        {
            "role": "user",
            "content": [
                {
                    "type": "tool_result",
                    "tool_use_id": "toolu_b",
                    "content": "Ignored: only one tool call per turn is allowed.",
                },
                {"type": "tool_result", "tool_use_id": "toolu_a", "content": "1 row: Acme"},
                {"type": "text", "text": "And the runner-up?"},
            ],
        },
    ]


def test_translation_merges_same_role_turns_and_drops_empty_text() -> None:
    messages = (
        Message("user", "first"),
        Message("user", "second"),
        Message("assistant", "", (ToolCall("call.1:x", "run_sql", {"sql": "SELECT 2"}),)),
        Message("user", "a nudge before the result"),
        Message("tool", "", tool_call_id="call.1:x"),
        Message("assistant", "   "),
        Message("user", "third"),
    )
    assert to_anthropic_messages(messages) == [
        {"role": "user", "content": [{"type": "text", "text": "first"}, {"type": "text", "text": "second"}]},
        {
            "role": "assistant",
            "content": [{"type": "tool_use", "id": "call_1_x", "name": "run_sql", "input": {"sql": "SELECT 2"}}],
        },
        {
            "role": "user",
            "content": [
                {"type": "tool_result", "tool_use_id": "call_1_x"},  # tool results lead the turn
                {"type": "text", "text": "a nudge before the result"},
                {"type": "text", "text": "third"},
            ],
        },
    ]


def test_no_system_and_no_tools_are_omitted(fake: FakeAnthropic) -> None:
    fake.queue("ok")
    make(fake).complete(ModelRequest("", (Message("user", "hi"),)))
    sent = fake.requests[0]
    assert "system" not in sent and "tools" not in sent and "tool_choice" not in sent
