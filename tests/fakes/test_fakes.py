"""Drive the REAL openai / anthropic SDKs against the fakes.

These tests pin down two things: that the fakes speak a wire format the SDKs
accept (so adapter tests built on them mean something), and how the SDKs
actually behave on each failure - which exception, whether they retry -
because the adapters have to handle exactly those.
"""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator
from typing import Any

import anthropic
import httpx2
import openai
import pytest

from . import FakeAnthropic, FakeOpenAI

OAI_KEY = "sk-test-openai-0123456789"
ANT_KEY = "sk-ant-test-0123456789"
MSGS = [{"role": "user", "content": "How many rows?"}]
SQL_TOOL_CALL = {"name": "run_sql", "arguments": {"sql": "SELECT 1"}}
_LOOPBACK = {"127.0.0.1", "::1", "localhost"}


@pytest.fixture(autouse=True)
def loopback_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fail any attempt to resolve or reach a non-loopback host: these tests must be offline."""
    real_connect = socket.socket.connect
    real_getaddrinfo = socket.getaddrinfo

    def connect(self: socket.socket, address: Any) -> Any:
        if self.family in (socket.AF_INET, socket.AF_INET6) and address[0] not in _LOOPBACK:
            raise AssertionError(f"test tried to reach {address!r}")
        return real_connect(self, address)

    def getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
        if host not in _LOOPBACK:
            raise AssertionError(f"test tried to resolve {host!r}")
        return real_getaddrinfo(host, *args, **kwargs)

    monkeypatch.setattr(socket.socket, "connect", connect)
    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    for var in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy"):
        monkeypatch.delenv(var, raising=False)


@pytest.fixture(autouse=True)
def no_leaked_threads() -> Iterator[None]:
    """Every server thread (serve loop, per-request handlers, hung requests) must be gone."""
    before = set(threading.enumerate())
    yield
    deadline = time.monotonic() + 2
    while (extra := set(threading.enumerate()) - before) and time.monotonic() < deadline:
        time.sleep(0.01)
    assert not extra, f"threads left running: {extra}"


@pytest.fixture
def oai() -> Iterator[tuple[FakeOpenAI, openai.OpenAI]]:
    with FakeOpenAI() as fake:
        client = openai.OpenAI(api_key=OAI_KEY, base_url=fake.base_url, max_retries=2, timeout=5)
        yield fake, client
    client.close()  # after stop(): proves stop() doesn't wait on the idle keep-alive socket


@pytest.fixture
def ant() -> Iterator[tuple[FakeAnthropic, anthropic.Anthropic]]:
    with FakeAnthropic() as fake:
        client = anthropic.Anthropic(api_key=ANT_KEY, base_url=fake.base_url, max_retries=2, timeout=5)
        yield fake, client
    client.close()


def _err(status: int, ms: int = 10, message: str = "scripted failure") -> dict[str, Any]:
    return {"error": {"status": status, "message": message, "retry_after_ms": ms}}


# --------------------------------------------------------------------------- fakes themselves
def test_unknown_reply_keys_are_rejected() -> None:
    with pytest.raises(ValueError, match="tool_call"):
        FakeOpenAI().queue({"tool_call": []})
    with pytest.raises(ValueError):
        FakeAnthropic().queue({"tool_calls": [{"arguments": {}}]})  # no name


def test_stop_returns_promptly_with_hung_request_and_idle_connection() -> None:
    fake = FakeOpenAI().start()
    fake.queue_many(["warm", {"hang": True}])
    client = openai.OpenAI(api_key=OAI_KEY, base_url=fake.base_url, max_retries=0, timeout=30)
    client.chat.completions.create(model="m", messages=MSGS)  # leaves a keep-alive connection
    errors: list[BaseException] = []

    def call() -> None:
        try:
            client.chat.completions.create(model="m", messages=MSGS)
        except BaseException as exc:
            errors.append(exc)

    caller = threading.Thread(target=call)
    caller.start()
    while len(fake.requests) < 2:
        time.sleep(0.01)
    t0 = time.monotonic()
    fake.stop()
    assert time.monotonic() - t0 < 1
    caller.join(5)
    client.close()
    assert errors and isinstance(errors[0], openai.APIConnectionError)


# --------------------------------------------------------------------------- OpenAI
def test_openai_text_reply_usage_and_key_only_in_auth_header(oai: tuple[FakeOpenAI, openai.OpenAI]) -> None:
    fake, client = oai
    fake.queue({"text": "There are 42 rows.", "usage": {"input_tokens": 10, "output_tokens": 5}})
    resp = client.chat.completions.create(model="gpt-4o-mini", messages=MSGS)
    assert resp.choices[0].message.content == "There are 42 rows."
    assert resp.choices[0].finish_reason == "stop"
    assert (resp.usage.prompt_tokens, resp.usage.completion_tokens, resp.usage.total_tokens) == (10, 5, 15)
    assert fake.requests == [{"model": "gpt-4o-mini", "messages": MSGS}]
    assert fake.headers(0)["authorization"] == f"Bearer {OAI_KEY}"
    assert fake.secret_locations(OAI_KEY) == ["POST /v1/chat/completions header:authorization"]
    assert fake.pending == 0


def test_openai_tool_calls_parse_back_with_sequential_ids(oai: tuple[FakeOpenAI, openai.OpenAI]) -> None:
    fake, client = oai
    fake.queue_many([{"tool_calls": [SQL_TOOL_CALL]}, {"tool_calls": [SQL_TOOL_CALL], "stop_reason": "end_turn"}])
    first = client.chat.completions.create(model="m", messages=MSGS).choices[0]
    assert first.finish_reason == "tool_calls" and first.message.content is None
    call = first.message.tool_calls[0]
    assert (call.id, call.function.name) == ("call_1", "run_sql")
    assert json.loads(call.function.arguments) == {"sql": "SELECT 1"}
    second = client.chat.completions.create(model="m", messages=MSGS).choices[0]
    assert second.message.tool_calls[0].id == "call_2" and second.finish_reason == "stop"


def test_openai_stream_reassembles_text_tool_call_and_usage(oai: tuple[FakeOpenAI, openai.OpenAI]) -> None:
    fake, client = oai
    fake.queue(
        {"text": "Let me check that.", "tool_calls": [SQL_TOOL_CALL], "usage": {"input_tokens": 7, "output_tokens": 3}}
    )
    chunks = list(
        client.chat.completions.create(model="m", messages=MSGS, stream=True, stream_options={"include_usage": True})
    )
    text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    assert text == "Let me check that."
    assert sum(1 for c in chunks if c.choices and c.choices[0].delta.content) > 1  # really split
    deltas = [tc for c in chunks if c.choices for tc in c.choices[0].delta.tool_calls or []]
    assert deltas[0].id == "call_1" and deltas[0].function.name == "run_sql"
    args = "".join(tc.function.arguments or "" for tc in deltas)
    assert json.loads(args) == {"sql": "SELECT 1"} and len(deltas) > 2
    assert [c.choices[0].finish_reason for c in chunks if c.choices][-1] == "tool_calls"
    assert chunks[-1].choices == [] and chunks[-1].usage.prompt_tokens == 7


def test_openai_stream_helper_accumulates(oai: tuple[FakeOpenAI, openai.OpenAI]) -> None:
    fake, client = oai
    fake.queue({"text": "Sure.", "tool_calls": [SQL_TOOL_CALL]})
    with client.chat.completions.stream(model="m", messages=MSGS) as stream:
        final = stream.get_final_completion()
    msg = final.choices[0].message
    assert msg.content == "Sure." and json.loads(msg.tool_calls[0].function.arguments) == {"sql": "SELECT 1"}


def test_openai_429_retry_after_ms_is_honoured_fast(oai: tuple[FakeOpenAI, openai.OpenAI]) -> None:
    fake, client = oai
    fake.queue_many([_err(429, 20, "slow down"), _err(429, 20), "ok"])
    t0 = time.monotonic()
    resp = client.chat.completions.create(model="m", messages=MSGS)
    assert time.monotonic() - t0 < 2  # default back-off alone would be ~0.4-1.5 s
    assert resp.choices[0].message.content == "ok"
    assert [fake.headers(i)["x-stainless-retry-count"] for i in range(3)] == ["0", "1", "2"]


def test_openai_500_beyond_max_retries_raises(oai: tuple[FakeOpenAI, openai.OpenAI]) -> None:
    fake, client = oai
    fake.queue_many([_err(500, message="boom")] * 3)
    with pytest.raises(openai.InternalServerError) as info:
        client.chat.completions.create(model="m", messages=MSGS)
    assert info.value.status_code == 500 and info.value.body["message"] == "boom"
    assert len(fake.requests) == 3 and fake.pending == 0


def test_openai_empty_queue_fails_loudly_without_retries(oai: tuple[FakeOpenAI, openai.OpenAI]) -> None:
    fake, client = oai
    with pytest.raises(openai.InternalServerError, match="ran out of scripted replies"):
        client.chat.completions.create(model="m", messages=MSGS)
    assert len(fake.requests) == 1 and fake.unscripted == 1


def test_openai_hang_hits_client_timeout(oai: tuple[FakeOpenAI, openai.OpenAI]) -> None:
    fake, client = oai
    fake.queue({"hang": True})
    t0 = time.monotonic()
    with pytest.raises(openai.APITimeoutError):
        client.with_options(timeout=0.5, max_retries=0).chat.completions.create(model="m", messages=MSGS)
    assert time.monotonic() - t0 < 2


def test_openai_garbage_body(oai: tuple[FakeOpenAI, openai.OpenAI]) -> None:
    fake, client = oai
    fake.queue_many([{"garbage": True}, {"garbage": True}, {"garbage": "text/html"}])
    # JSON content type + non-JSON body: a bare json.JSONDecodeError, NOT an openai.APIError.
    with pytest.raises(json.JSONDecodeError):
        client.chat.completions.create(model="m", messages=MSGS)
    with pytest.raises(json.JSONDecodeError):
        list(client.chat.completions.create(model="m", messages=MSGS, stream=True))
    # Non-JSON content type: the SDK silently returns the body as a str.
    assert isinstance(client.chat.completions.create(model="m", messages=MSGS), str)


def test_openai_invalid_tool_json_arrives_verbatim(oai: tuple[FakeOpenAI, openai.OpenAI]) -> None:
    fake, client = oai
    bad = '{"sql": "SELECT 1'
    fake.queue_many([{"tool_calls": [{"name": "run_sql", "raw_arguments": bad}]}] * 2)
    resp = client.chat.completions.create(model="m", messages=MSGS)
    assert resp.choices[0].message.tool_calls[0].function.arguments == bad
    chunks = list(client.chat.completions.create(model="m", messages=MSGS, stream=True))
    args = "".join(tc.function.arguments or "" for c in chunks for tc in c.choices[0].delta.tool_calls or [])
    assert args == bad


def test_openai_dropped_stream_raises_connection_error(oai: tuple[FakeOpenAI, openai.OpenAI]) -> None:
    fake, client = oai
    fake.queue({"text": "one two three four", "drop_after_chunks": 3})
    seen: list[str] = []
    # openai 3.0 let the transport's error through unwrapped; later releases wrap it. OpenAIModel
    # reports both as a dropped stream (agents/models/sdk_common.py from_transport).
    with pytest.raises((openai.APIConnectionError, httpx2.TransportError)):
        for chunk in client.chat.completions.create(model="m", messages=MSGS, stream=True):
            seen.append(chunk.choices[0].delta.content or "")
    assert "".join(seen) == "one two "


def test_openai_models_and_required_key() -> None:
    with FakeOpenAI(models=["gpt-x"], require_key=OAI_KEY) as fake:
        with openai.OpenAI(api_key=OAI_KEY, base_url=fake.base_url) as good:
            assert [m.id for m in good.models.list()] == ["gpt-x"]
        with openai.OpenAI(api_key="wrong", base_url=fake.base_url, max_retries=0) as bad:
            with pytest.raises(openai.AuthenticationError):
                bad.models.list()


# --------------------------------------------------------------------------- Anthropic
def test_anthropic_text_reply_usage_and_key_only_in_auth_header(
    ant: tuple[FakeAnthropic, anthropic.Anthropic],
) -> None:
    fake, client = ant
    fake.queue({"text": "There are 42 rows.", "usage": {"input_tokens": 10, "output_tokens": 5}})
    msg = client.messages.create(model="claude-x", max_tokens=64, messages=MSGS)
    assert [b.type for b in msg.content] == ["text"] and msg.content[0].text == "There are 42 rows."
    assert msg.stop_reason == "end_turn"
    assert (msg.usage.input_tokens, msg.usage.output_tokens) == (10, 5)
    assert fake.requests == [{"model": "claude-x", "max_tokens": 64, "messages": MSGS}]
    # this SDK version sends api_key as "Authorization: Bearer", not x-api-key
    assert fake.secret_locations(ANT_KEY) == ["POST /v1/messages header:authorization"]
    assert "anthropic-version" in fake.headers(0)


def test_anthropic_tool_use_parses_back_with_sequential_ids(
    ant: tuple[FakeAnthropic, anthropic.Anthropic],
) -> None:
    fake, client = ant
    fake.queue_many([{"text": "Checking.", "tool_calls": [SQL_TOOL_CALL, SQL_TOOL_CALL]}])
    msg = client.messages.create(model="m", max_tokens=64, messages=MSGS)
    assert msg.stop_reason == "tool_use"
    tools = [b for b in msg.content if b.type == "tool_use"]
    assert [t.id for t in tools] == ["toolu_1", "toolu_2"]
    assert tools[0].name == "run_sql" and tools[0].input == {"sql": "SELECT 1"}


def test_anthropic_stream_reassembles_text_tool_use_and_usage(
    ant: tuple[FakeAnthropic, anthropic.Anthropic],
) -> None:
    fake, client = ant
    fake.queue(
        {"text": "Let me check that.", "tool_calls": [SQL_TOOL_CALL], "usage": {"input_tokens": 7, "output_tokens": 3}}
    )
    events = list(client.messages.create(model="m", max_tokens=64, messages=MSGS, stream=True))
    types = [e.type for e in events]
    assert types[0] == "message_start" and types[-2:] == ["message_delta", "message_stop"]
    text = "".join(e.delta.text for e in events if e.type == "content_block_delta" and e.delta.type == "text_delta")
    assert text == "Let me check that."
    starts = [e.content_block for e in events if e.type == "content_block_start"]
    assert starts[1].type == "tool_use" and starts[1].id == "toolu_1"
    args = "".join(
        e.delta.partial_json for e in events if e.type == "content_block_delta" and e.delta.type == "input_json_delta"
    )
    assert json.loads(args) == {"sql": "SELECT 1"}
    delta = events[-2]
    assert delta.delta.stop_reason == "tool_use" and delta.usage.output_tokens == 3
    assert events[0].message.usage.input_tokens == 7


def test_anthropic_stream_helper_accumulates(ant: tuple[FakeAnthropic, anthropic.Anthropic]) -> None:
    fake, client = ant
    fake.queue({"text": "Sure.", "tool_calls": [SQL_TOOL_CALL], "usage": {"input_tokens": 4, "output_tokens": 9}})
    with client.messages.stream(model="m", max_tokens=64, messages=MSGS) as stream:
        final = stream.get_final_message()
    assert final.content[0].text == "Sure." and final.content[1].input == {"sql": "SELECT 1"}
    assert (final.usage.input_tokens, final.usage.output_tokens, final.stop_reason) == (4, 9, "tool_use")


def test_anthropic_429_retry_after_ms_is_honoured_fast(ant: tuple[FakeAnthropic, anthropic.Anthropic]) -> None:
    fake, client = ant
    fake.queue_many([_err(429, 20), _err(529, 20), "ok"])
    t0 = time.monotonic()
    msg = client.messages.create(model="m", max_tokens=64, messages=MSGS)
    assert time.monotonic() - t0 < 2
    assert msg.content[0].text == "ok" and len(fake.requests) == 3


def test_anthropic_500_beyond_max_retries_raises(ant: tuple[FakeAnthropic, anthropic.Anthropic]) -> None:
    fake, client = ant
    fake.queue_many([_err(500, message="boom")] * 3 + [_err(529, message="busy")])
    with pytest.raises(anthropic.InternalServerError) as info:
        client.messages.create(model="m", max_tokens=64, messages=MSGS)
    assert info.value.status_code == 500 and info.value.body["error"]["type"] == "api_error"
    assert len(fake.requests) == 3
    with pytest.raises(anthropic.OverloadedError):  # a 529 subclass of InternalServerError
        client.with_options(max_retries=0).messages.create(model="m", max_tokens=64, messages=MSGS)


def test_anthropic_hang_hits_client_timeout(ant: tuple[FakeAnthropic, anthropic.Anthropic]) -> None:
    fake, client = ant
    fake.queue({"hang": True})
    t0 = time.monotonic()
    with pytest.raises(anthropic.APITimeoutError):
        client.with_options(timeout=0.5, max_retries=0).messages.create(model="m", max_tokens=64, messages=MSGS)
    assert time.monotonic() - t0 < 2


def test_anthropic_garbage_body(ant: tuple[FakeAnthropic, anthropic.Anthropic]) -> None:
    fake, client = ant
    fake.queue_many([{"garbage": True}, {"garbage": True}, {"garbage": "text/html"}])
    with pytest.raises(json.JSONDecodeError):  # not wrapped in anthropic.APIError
        client.messages.create(model="m", max_tokens=64, messages=MSGS)
    with pytest.raises(json.JSONDecodeError):
        list(client.messages.create(model="m", max_tokens=64, messages=MSGS, stream=True))
    assert isinstance(client.messages.create(model="m", max_tokens=64, messages=MSGS), str)


def test_anthropic_invalid_tool_json_arrives_verbatim(ant: tuple[FakeAnthropic, anthropic.Anthropic]) -> None:
    fake, client = ant
    bad = '{"sql": SELECT 1}'
    truncated = '{"sql": "SELECT 1'
    fake.queue_many([{"tool_calls": [{"name": "run_sql", "raw_arguments": raw}]} for raw in [bad, bad, truncated, bad]])
    events = list(client.messages.create(model="m", max_tokens=64, messages=MSGS, stream=True))
    args = "".join(
        e.delta.partial_json for e in events if e.type == "content_block_delta" and e.delta.type == "input_json_delta"
    )
    assert args == bad
    with pytest.raises(ValueError, match="Unable to parse tool parameter JSON"):
        with client.messages.stream(model="m", max_tokens=64, messages=MSGS) as stream:
            stream.get_final_message()
    # Trap: the helper parses in partial mode, so *truncated* JSON silently becomes {}.
    with client.messages.stream(model="m", max_tokens=64, messages=MSGS) as stream:
        assert stream.get_final_message().content[0].input == {}
    # non-streaming: the raw string stands in for `input` (the real API can't send this)
    assert client.messages.create(model="m", max_tokens=64, messages=MSGS).content[0].input == bad


def test_anthropic_dropped_stream_raises_a_connection_error(ant: tuple[FakeAnthropic, anthropic.Anthropic]) -> None:
    fake, client = ant
    fake.queue({"text": "one two three four", "drop_after_chunks": 5})
    seen: list[str] = []
    # anthropic before 2.x let the transport's error through unwrapped; 2.x wraps it in
    # APIConnectionError. AnthropicModel catches both, so either is what a cut stream may raise.
    with pytest.raises((httpx2.RemoteProtocolError, anthropic.APIConnectionError)):
        for event in client.messages.create(model="m", max_tokens=64, messages=MSGS, stream=True):
            if event.type == "content_block_delta":
                seen.append(event.delta.text)
    assert "".join(seen) == "one two "


def test_anthropic_models_and_required_key() -> None:
    with FakeAnthropic(models=["claude-x"], require_key=ANT_KEY) as fake:
        with anthropic.Anthropic(api_key=ANT_KEY, base_url=fake.base_url) as good:
            assert [m.id for m in good.models.list()] == ["claude-x"]
        with anthropic.Anthropic(api_key="wrong", base_url=fake.base_url, max_retries=0) as bad:
            with pytest.raises(anthropic.AuthenticationError):
                bad.models.list()


# --------------------------------------------------------------------------- async clients
@pytest.mark.asyncio
async def test_async_clients_stream_against_fakes() -> None:
    with FakeOpenAI() as fo, FakeAnthropic() as fa:
        fo.queue("async hello")
        fa.queue("async hello")
        async with openai.AsyncOpenAI(api_key=OAI_KEY, base_url=fo.base_url) as oc:
            stream = await oc.chat.completions.create(model="m", messages=MSGS, stream=True)
            text = "".join([c.choices[0].delta.content or "" async for c in stream])
        assert text == "async hello"
        async with anthropic.AsyncAnthropic(api_key=ANT_KEY, base_url=fa.base_url) as ac:
            async with ac.messages.stream(model="m", max_tokens=64, messages=MSGS) as s:
                final = await s.get_final_message()
        assert final.content[0].text == "async hello"
