"""Record the golden session log of format version 1 (`v1.jsonl`) and what the readers make of it.

Run from the repository root: `python tests/data/golden/record_v1.py`. It drives the real loop
with a scripted model on the bundled sample database, through one logged session that touches
every event type and every way a turn ends, and writes beside this file:

- `v1.jsonl`: the log, as the code of its day wrote it;
- `v1.show.txt`: `analyst sessions show` of it;
- `v1.suite.jsonl` and `v1.chat.jsonl`: `analyst sessions export --as suite|chat` of it.

The committed files are the contract: tests/sessions/test_golden.py checks that today's code still
parses, shows, exports and replays that log the same way. Re-record only for a new format version
(a new `vN.jsonl` beside the old ones, which stay), never to make a failing test pass.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[2]
sys.path.insert(0, str(ROOT))

MODEL = "scripted:golden"
PRICES = {MODEL: (1.0, 4.0)}  # USD per million tokens, so the log carries costs


def _sql(sql: str, text: str = "", tokens: tuple[int, int] = (400, 40)) -> dict:
    return {
        "text": text,
        "tool_calls": [{"name": "run_sql", "arguments": {"sql": sql}}],
        "usage": {"input_tokens": tokens[0], "output_tokens": tokens[1]},
        "stop_reason": "tool_calls",
    }


def _tool(name: str, arguments: dict, text: str = "") -> dict:
    return {
        "text": text,
        "tool_calls": [{"name": name, "arguments": arguments}],
        "usage": {"input_tokens": 300, "output_tokens": 20},
        "stop_reason": "tool_calls",
    }


def _text(text: str, tokens: tuple[int, int] = (200, 30)) -> dict:
    return {"text": text, "usage": {"input_tokens": tokens[0], "output_tokens": tokens[1]}, "stop_reason": "stop"}


SEGMENTS = "SELECT segment, count(*) AS customers FROM customers GROUP BY segment ORDER BY segment"
COUNTRIES = "SELECT country, count(*) AS customers FROM customers GROUP BY country ORDER BY customers DESC LIMIT 3"
STORES = "SELECT store_type, count(*) AS stores FROM stores GROUP BY store_type ORDER BY store_type"
CHANNELS = "SELECT channel, count(*) AS orders FROM orders GROUP BY channel ORDER BY channel"

SCRIPT = [
    # turn 1: a misspelt column the guard refuses, the repair, approved by the person, summarized
    _sql("SELECT segmnt, count(*) FROM customers GROUP BY 1", "Count customers per segment."),
    _sql(SEGMENTS, "Fixed the column name."),
    _text("Three segments."),
    _text("There are three segments; consumer is the largest."),
    # turn 2 (a follow-up): a schema lookup, then SQL the person edits before it runs
    _tool("describe_table", {"table": "customers"}, "Checking the columns."),
    _sql("SELECT country, count(*) AS customers FROM customers GROUP BY country", "Per country."),
    _text("Done."),
    _text("The top three countries are shown."),
    # turn 3: the model asks first; then SQL the person rejects, a database error, a repair
    {
        "text": "",
        "tool_calls": [{"name": "ask_user", "arguments": {"question": "Count every store, or only open ones?"}}],
        "usage": {"input_tokens": 300, "output_tokens": 15},
        "stop_reason": "tool_calls",
    },
    _sql("SELECT * FROM stores", "Listing stores."),
    _sql("SELECT store_type, CAST(store_name AS INTEGER) AS n FROM stores", "Counting per type."),
    _sql(STORES, "Fixed the count."),
    _text("Counted."),
    _text("Stores per type are shown."),
    # new conversation; turn 4: a question nobody answers (needs_clarification)
    {
        "text": "",
        "tool_calls": [{"name": "ask_user", "arguments": {"question": "Which year do you mean?"}}],
        "usage": {"input_tokens": 250, "output_tokens": 12},
        "stop_reason": "tool_calls",
    },
    # turn 5: a dry run
    _sql(CHANNELS, "Orders per channel."),
    # turn 6: aborted at approval
    _sql("SELECT count(*) AS returns FROM returns", "Count returns."),
    # turn 7: an answer in words only (answered, not grounded)
    _text("analyst answers questions about the data in this database."),
    # turn 8: SQL refused, then words: failed, no_result
    _sql("SELECT nosuch FROM customers", "Trying."),
    _text("About 200 customers, probably."),
    # turn 9: the provider fails
    {"error": {"status": 503, "message": "overloaded"}},
    # turn 10: interrupted while waiting for approval (not replayed)
    _sql("SELECT count(*) AS products FROM products", "Count products."),
]


def main() -> None:
    home = Path(tempfile.mkdtemp(prefix="golden-"))
    os.environ["ANALYST_HOME"] = str(home)
    os.environ["NO_COLOR"] = "1"
    from dataclasses import replace

    from agents.decisions import Abort, Approve, Edit, Reject
    from agents.events import AnswerRated
    from agents.models.scripted import ScriptedModel
    from analyst.config import load_config
    from analyst.tui.screen_log import query_event
    from analyst.wiring import loop_settings, open_database, open_session
    from sessions.session import ResolvedModel
    from tools.sample import sample_database

    config = load_config()
    db_path = sample_database(home / "cache")
    database = open_database(config, str(db_path))
    settings = replace(loop_settings(config), prices=PRICES)
    model = ScriptedModel(SCRIPT, source="golden", name=MODEL)
    session = open_session(config, database, ResolvedModel(model, None), settings)
    loop = session.loop

    step = loop.ask("How many customers are in each segment?")
    outcome = loop.decide(Approve(decided_by="human"))
    assert outcome.status == "answered", outcome
    session.emit(AnswerRated("good", outcome.queries[-1].sql_hash))
    sample = "SELECT * FROM customers LIMIT 5"
    session.emit(query_event("sample", sample, database.execute(sample, settings.limits)))

    step = loop.ask("And by country, top three?")
    outcome = loop.decide(Edit(COUNTRIES, decided_by="human"))
    assert outcome.status == "answered", outcome

    step = loop.ask("How many stores are there?")
    step = loop.reply("Every store, by type.")
    step = loop.decide(Reject("Do not list every store; count them per type.", decided_by="human"))
    step = loop.decide(Approve(decided_by="human"))  # fails in the database; the model repairs it
    outcome = loop.decide(Approve(decided_by="human"))
    assert outcome.status == "answered", outcome

    loop.new_conversation()
    step = loop.ask("What were sales last year?")
    assert loop.stop_unclarified().status == "needs_clarification"

    step = loop.ask("Orders per channel?")
    assert loop.stop_dry_run().status == "dry_run"

    step = loop.ask("How many returns?")
    assert loop.decide(Abort(decided_by="human")).status == "aborted"

    assert loop.ask("What can you do?").status == "answered"
    assert loop.ask("How many customers are there?").status == "failed"
    assert loop.ask("Which supplier is slowest?").status == "failed"

    step = loop.ask("How many products?")
    assert loop.abandon().status == "interrupted"
    del step
    session.close()
    database.close()
    _write(session.path, str(db_path), home)


def _write(log: Path, db_path: str, home: Path) -> None:
    """Copy the log here (the database named "sample", not this run's temporary copy: tests replay
    it with `--db`) and record what `sessions show` and `sessions export` print for it."""
    import contextlib
    import io
    import json
    import shutil

    from agents.prompts import system_prompt
    from analyst.cli import main as cli

    golden = HERE / "v1.jsonl"
    golden.write_text(log.read_text().replace(json.dumps(db_path), json.dumps("sample")))
    for args, name in (
        (["sessions", "show", str(golden)], "v1.show.txt"),
        (["sessions", "export", "--as", "suite", str(golden)], "v1.suite.jsonl"),
        (["sessions", "export", "--as", "chat", str(golden)], "v1.chat.jsonl"),
    ):
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            code = cli(args)
        assert code == 0, (args, code)
        text = out.getvalue().replace(str(golden), "GOLDEN")
        # the system prompt is the prompt of the day, not part of the log: tests put today's in
        text = text.replace(json.dumps(system_prompt("duckdb", True))[1:-1], "SYSTEM_PROMPT")
        (HERE / name).write_text(text)
    shutil.rmtree(home, ignore_errors=True)


if __name__ == "__main__":
    main()
