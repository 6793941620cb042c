"""`analyst mcp`: serve the database to a coding agent over MCP (stdio, or Streamable HTTP).

Flags resolve as for `ask`; the server itself is `analyst/mcp_server.py`, the one module that
imports the `mcp` SDK (the optional `mcp` extra). Listening beyond this machine without a token is
refused: an open port that runs SQL on the person's database is not a default anyone should get.
"""

from __future__ import annotations

import argparse
import os
import sys
from typing import TYPE_CHECKING

from analyst.commands.arguments import add_query_flags
from analyst.errors import EXIT_OK, UserError

if TYPE_CHECKING:
    from analyst.config import Config

TOKEN_ENV = "ANALYST_MCP_TOKEN"


def register(parser: argparse.ArgumentParser) -> None:
    parser.description = (
        "Serve the database to coding agents over the Model Context Protocol: list_tables, describe_table, "
        "schema_for, check_sql, run_sql (and ask, with --model), every statement through analyst's guard and logged."
    )
    parser.add_argument(
        "--approve",
        choices=("ask", "auto", "never"),
        default="ask",
        help="ask: the person approves each statement through the MCP client (default); auto: run what the checks accept; never: return checked plans, run nothing",
    )
    parser.add_argument(
        "--http",
        metavar="HOST:PORT",
        help="serve Streamable HTTP at http://HOST:PORT/mcp instead of stdio (loopback only unless --token)",
    )
    parser.add_argument(
        "--token",
        metavar="TOKEN",
        help=f"with --http: require 'Authorization: Bearer TOKEN' (default ${TOKEN_ENV}); needed to listen beyond loopback",
    )
    add_query_flags(parser)


def parse_http(spec: str) -> tuple[str, int]:
    host, sep, port = spec.rpartition(":")
    if not sep or not host or not port.isdigit() or not 0 < int(port) < 65536:
        raise UserError(f"--http {spec!r} is not HOST:PORT; e.g. --http 127.0.0.1:8765")
    return host, int(port)


def run(args: argparse.Namespace, config: Config) -> int:
    try:
        from analyst import mcp_server
    except ModuleNotFoundError as exc:
        raise UserError(
            f"analyst mcp needs the mcp extra ({exc.name} is missing): pip install 'analyst[mcp]'"
        ) from None
    from analyst.api.connection import Analyst

    token = args.token or os.environ.get(TOKEN_ENV) or None
    address = parse_http(args.http) if args.http else None
    if address is not None and not mcp_server.is_loopback(address[0]) and not token:
        raise UserError(
            f"--http {args.http} listens beyond this machine; give --token (or ${TOKEN_ENV}) so only clients "
            "holding it connect, or listen on 127.0.0.1"
        )
    if address is None and token:
        raise UserError("--token applies to --http only; over stdio the client that started the server is the only one")
    explicit_model = args.model is not None or config.sources.get("model", "default") != "default"
    analyst = Analyst(config)
    try:
        server = mcp_server.build_server(analyst, mcp_server.Options(args.approve, with_ask=explicit_model))
        if address is None:
            mcp_server.serve_stdio(server)
        else:
            print(f"analyst: serving MCP at http://{args.http}/mcp", file=sys.stderr)
            mcp_server.serve_http(server, address[0], address[1], token)
    finally:
        session = analyst.session_id
        analyst.close()
        if session is not None:
            print(f"analyst: session {session}", file=sys.stderr)
    return EXIT_OK
