"""The MCP server (`analyst mcp`): analyst's tools for coding agents, a person approving each query.

The only module that imports the `mcp` SDK (and what it brings: pydantic, uvicorn), by import
contract, as each model SDK has its one adapter. What the tools answer is `analyst/mcp_tools.py`;
the work is an `analyst.Analyst`, so a statement from an agent meets the same guard, exclusions,
`--no-data-to-model`, limits, read-only engine and session log as `analyst ask`.

Tool calls are served one at a time (an asyncio lock): the session log is one sequence of turns,
and the approval of one statement must not interleave with another's. Blocking work (the guard,
the engine, the model) runs on a worker thread so the server keeps answering pings meanwhile.
With `--approve ask`, `run_sql` and `ask` ask the person through the client (MCP elicitation)
between the check and the run; a client that cannot ask is refused, naming the options.
"""

from __future__ import annotations

import asyncio
import hmac
import ipaddress
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import anyio
from mcp.server.mcpserver import Context, MCPServer
from mcp.server.mcpserver.exceptions import ToolError
from pydantic import BaseModel, Field

from agents.decisions import Abort, Approve, Decision
from agents.events import ToolRan
from agents.outcome import Clarification, Outcome, Pending
from analyst import mcp_tools
from analyst.api.connection import Analyst
from analyst.errors import UserError

SCHEMA_URI = "analyst://schema"


class Approval(BaseModel):
    """The form the person answers (MCP elicitation allows flat primitive fields only)."""

    approve: bool = Field(description="Run this SQL exactly as shown")


@dataclass(frozen=True)
class Options:
    approve: str  # "ask", "auto" or "never"
    with_ask: bool  # a model is configured: offer the `ask` tool


def is_loopback(host: str) -> bool:
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


class _Tools:
    """The tools' bodies over one Analyst; every call logged, one at a time."""

    def __init__(self, analyst: Analyst, options: Options) -> None:
        self.analyst = analyst
        self.options = options
        self.lock = asyncio.Lock()

    async def call(self, name: str, arguments: dict[str, Any], work: Callable[[], Any]) -> Any:
        """A tool that runs nothing: its answer, and a `tool_ran` line in the log."""
        async with self.lock:
            try:
                out = await anyio.to_thread.run_sync(work)
            except LookupError as exc:
                await anyio.to_thread.run_sync(self._log, name, arguments, False, str(exc))
                raise ToolError(str(exc)) from None
            await anyio.to_thread.run_sync(self._log, name, arguments, True, _summary(out))
            return out

    def _log(self, name: str, arguments: dict[str, Any], ok: bool, summary: str) -> None:
        self.analyst.emit(ToolRan(f"mcp:{name}", arguments, ok, summary))

    async def refuse_unaskable(self, ctx: Context, name: str, arguments: dict[str, Any]) -> None:
        """`--approve ask` with a client that cannot ask: refused before anything is checked or run."""
        if self.options.approve != "ask":
            return
        capabilities = ctx.client_capabilities
        if capabilities is not None and capabilities.elicitation is not None:
            return
        await anyio.to_thread.run_sync(self._log, name, arguments, False, "refused: the client cannot ask the person")
        raise ToolError(mcp_tools.NO_ELICITATION)

    async def decide(self, ctx: Context, pending: Pending) -> tuple[Decision | None, bool]:
        """The decision on `pending` (None: `--approve never`), and whether the person declined."""
        if self.options.approve == "never":
            return None, False
        if self.options.approve == "auto":
            return Approve(decided_by="policy"), False
        plan = self.plan(pending)
        reply = await ctx.elicit(mcp_tools.approval_message(self.analyst.database_uri, plan), Approval)
        if reply.action == "accept" and reply.data.approve:
            return Approve(decided_by="human"), False
        return Abort(decided_by="human"), True

    def plan(self, pending: Pending) -> dict[str, Any]:
        from tools.guard import sql_warnings

        warnings = sql_warnings(pending.sql, self.analyst.dialect)
        return mcp_tools.plan_json(pending.sql, pending.sql_hash, pending.tables, self.analyst.limits, warnings)

    async def run_sql(self, ctx: Context, sql: str) -> dict[str, Any]:
        await self.refuse_unaskable(ctx, "run_sql", {"sql": sql})
        async with self.lock:
            turn = await anyio.to_thread.run_sync(self.analyst.turn)
            step = await anyio.to_thread.run_sync(turn.start, sql)
            return await self._finish(ctx, step, turn.decide)

    async def ask(self, ctx: Context, question: str) -> dict[str, Any]:
        if not question.strip():
            raise ToolError("the question is empty")
        await self.refuse_unaskable(ctx, "ask", {"question": question})
        async with self.lock:
            try:
                loop = await anyio.to_thread.run_sync(lambda: self.analyst.loop)
            except UserError as exc:  # no key, an unknown model: one line, as the CLI says it
                raise ToolError(f"ask needs a working model: {exc.message}") from None
            await anyio.to_thread.run_sync(self.analyst.begin_turn)
            step = await anyio.to_thread.run_sync(loop.ask, question)
            while isinstance(step, Clarification):  # nobody to answer here: the agent asks again
                step = await anyio.to_thread.run_sync(loop.stop_unclarified)
            return await self._finish(ctx, step, self._loop_decider(loop))

    def _loop_decider(self, loop: Any) -> Callable[[Decision | None], Any]:
        def decide(decision: Decision | None) -> Any:
            step = loop.stop_dry_run() if decision is None else loop.decide(decision)
            while isinstance(step, Clarification):
                step = loop.stop_unclarified()
            return step

        return decide

    async def _finish(
        self, ctx: Context, step: Pending | Outcome, decide: Callable[[Decision | None], Pending | Outcome]
    ) -> dict[str, Any]:
        declined = False
        plan: dict[str, Any] | None = None
        while isinstance(step, Pending):
            plan = self.plan(step)
            decision, declined = await self.decide(ctx, step)
            step = await anyio.to_thread.run_sync(decide, decision)
        result = self.analyst.result_for(step)
        out = mcp_tools.result_json(result, self.analyst.config.data_to_model)
        if declined:
            out["declined"] = mcp_tools.DECLINED
        if self.options.approve == "never" and plan is not None:
            out["plan"] = plan
        return out


def _summary(out: Any) -> str:
    if isinstance(out, dict):
        if "tables" in out and isinstance(out["tables"], list):
            return f"{len(out['tables'])} tables"
        if "ok" in out:
            return (
                "passed the checks"
                if out["ok"]
                else f"refused: {out['problems'][0]['message'] if out['problems'] else ''}"
            )
        if "name" in out:
            return str(out["name"])
    return type(out).__name__


def build_server(analyst: Analyst, options: Options) -> MCPServer[Any]:
    """The server and its tools over one open Analyst (its database, model and session)."""
    from sessions.session import code_version

    tools = _Tools(analyst, options)
    server: MCPServer[Any] = MCPServer(
        "analyst",
        version=code_version(),
        instructions=(
            "Read-only SQL over one database. Every statement is checked by analyst's guard (one SELECT, "
            "known tables and columns, no file or network reads) and runs under row and time limits; "
            + {
                "ask": "a person approves each statement before it runs.",
                "auto": "statements the guard accepts run without asking.",
                "never": "nothing runs: run_sql returns the checked plan.",
            }[options.approve]
        ),
        log_level="WARNING",
    )

    @server.tool(description="The tables and views you may query, with row counts.")
    async def list_tables() -> dict[str, Any]:
        return await tools.call("list_tables", {}, lambda: mcp_tools.list_tables(analyst))

    @server.tool(description="One table's columns, types, comments and keys, as DDL too.")
    async def describe_table(table: str) -> dict[str, Any]:
        args = {"table": table}
        return await tools.call("describe_table", args, lambda: mcp_tools.describe_table(analyst, table))

    @server.tool(description="The part of the schema that matters for a question, within a token budget.")
    async def schema_for(question: str, budget: int | None = None) -> dict[str, Any]:
        args = {"question": question, "budget": budget}
        return await tools.call("schema_for", args, lambda: mcp_tools.schema_for(analyst, question, budget))

    @server.tool(
        description="Check SQL with analyst's guard without running it: the problems, or the exact text that would run."
    )
    async def check_sql(sql: str) -> dict[str, Any]:
        return await tools.call("check_sql", {"sql": sql}, lambda: mcp_tools.check_json(analyst.check(sql)))

    @server.tool(
        description="Run one read-only SELECT: checked by the guard, approved, limited in rows and time, logged."
    )
    async def run_sql(sql: str, ctx: Context) -> dict[str, Any]:
        return await tools.run_sql(ctx, sql)

    if options.with_ask:

        @server.tool(
            description="Answer a question in plain language: analyst's model writes SQL, which is checked, approved and run."
        )
        async def ask(question: str, ctx: Context) -> dict[str, Any]:
            return await tools.ask(ctx, question)

    @server.resource(SCHEMA_URI, name="schema", description="The whole schema as DDL", mime_type="text/plain")
    async def schema() -> str:
        return await tools.call("schema", {}, lambda: analyst.schema().ddl)

    return server


class _BearerToken:
    """ASGI middleware: every HTTP request must carry `Authorization: Bearer TOKEN`."""

    def __init__(self, app: Callable[..., Awaitable[None]], token: str) -> None:
        self.app = app
        self.expected = f"Bearer {token}".encode()

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] == "http":
            given = dict(scope.get("headers") or []).get(b"authorization", b"")
            if not hmac.compare_digest(given, self.expected):
                await send(
                    {"type": "http.response.start", "status": 401, "headers": [(b"content-type", b"text/plain")]}
                )
                await send({"type": "http.response.body", "body": b"analyst: a bearer token is required\n"})
                return
        await self.app(scope, receive, send)


def serve_stdio(server: MCPServer[Any]) -> None:
    server.run("stdio")


def serve_http(server: MCPServer[Any], host: str, port: int, token: str | None) -> None:
    """Streamable HTTP at http://HOST:PORT/mcp; with a token, only requests that carry it."""
    import uvicorn

    app: Any = server.streamable_http_app(host=host)
    if token:
        app = _BearerToken(app, token)
    config = uvicorn.Config(app, host=host.strip("[]"), port=port, log_level="warning")
    anyio.run(uvicorn.Server(config).serve)
