"""Driving `analyst mcp` as a coding agent would: the real server process, the official MCP client.

Over stdio the client starts the server itself; over HTTP the test starts it on 127.0.0.1 and
connects with the Streamable HTTP client. `decide` answers the server's elicitations (the person's
approval): None makes a client that cannot ask at all.
"""

from __future__ import annotations

import asyncio
import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable
from contextlib import AsyncExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mcp import types
from mcp.client.session import ClientSession
from mcp.client.stdio import StdioServerParameters, stdio_client
from mcp.client.streamable_http import streamable_http_client
from mcp.shared._httpx_utils import create_mcp_http_client

REPO = Path(__file__).resolve().parents[2]
Decide = Callable[[str], str]  # the elicitation's message -> "accept", "decline" or "cancel"


def server_env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(REPO)}


@dataclass
class Asked:
    """What the person was shown, in order."""

    messages: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Call:
    is_error: bool
    data: dict[str, Any] | None
    text: str


def _elicitation(decide: Decide, asked: Asked) -> Any:
    async def callback(context: Any, params: types.ElicitRequestParams) -> types.ElicitResult:
        asked.messages.append(params.message)
        action = decide(params.message)
        return types.ElicitResult(action=action, content={"approve": True} if action == "accept" else None)  # type: ignore[arg-type]

    return callback


async def _session(stack: AsyncExitStack, streams: Any, decide: Decide | None, asked: Asked) -> ClientSession:
    read, write = streams
    callback = _elicitation(decide, asked) if decide is not None else None
    session = await stack.enter_async_context(ClientSession(read, write, elicitation_callback=callback))
    await session.initialize()
    return session


def over_stdio(
    args: list[str], script: Callable[[ClientSession], Awaitable[Any]], decide: Decide | None = None
) -> tuple[Any, Asked]:
    """Start `analyst mcp ARGS` over stdio, run `script(session)`, and stop the server."""
    asked = Asked()

    async def main() -> Any:
        params = StdioServerParameters(
            command=sys.executable, args=["-m", "analyst.cli", "mcp", *args], env=server_env(), cwd=str(REPO)
        )
        async with AsyncExitStack() as stack:
            streams = await stack.enter_async_context(stdio_client(params))
            return await script(await _session(stack, streams, decide, asked))

    return asyncio.run(main()), asked


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_http(args: list[str], port: int) -> subprocess.Popen[bytes]:
    """`analyst mcp --http 127.0.0.1:PORT ARGS` as its own process, once it accepts connections."""
    process = subprocess.Popen(
        [sys.executable, "-m", "analyst.cli", "mcp", "--http", f"127.0.0.1:{port}", *args],
        env=server_env(),
        cwd=str(REPO),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"the server ended: {process.stderr.read().decode() if process.stderr else ''}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return process
        except OSError:
            time.sleep(0.1)
    process.kill()
    raise AssertionError("the server did not listen within 30 s")


def stop(process: subprocess.Popen[bytes]) -> str:
    """Stop the server as a person would (SIGINT); its stderr."""
    import signal

    process.send_signal(signal.SIGINT)
    try:
        _, err = process.communicate(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        _, err = process.communicate()
    return err.decode()


def over_http(
    port: int,
    script: Callable[[ClientSession], Awaitable[Any]],
    decide: Decide | None = None,
    token: str | None = None,
) -> tuple[Any, Asked]:
    asked = Asked()

    async def main() -> Any:
        headers = {"Authorization": f"Bearer {token}"} if token else None
        async with AsyncExitStack() as stack:
            client = await stack.enter_async_context(create_mcp_http_client(headers=headers))
            streams = await stack.enter_async_context(
                streamable_http_client(f"http://127.0.0.1:{port}/mcp", http_client=client)
            )
            return await script(await _session(stack, streams, decide, asked))

    return asyncio.run(main()), asked


async def call(session: ClientSession, tool: str, **arguments: Any) -> Call:
    result = await session.call_tool(tool, arguments)
    text = "\n".join(c.text for c in result.content if isinstance(c, types.TextContent))
    data = result.structured_content
    if data is None and not result.is_error:
        data = json.loads(text)
    return Call(bool(result.is_error), data, text)
