"""The loop state machine, driven with a scripted model over the real sample database."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from agents.decisions import Abort, Approve, Reject
from agents.drive import auto_approve, drive
from agents.loop import AnalystLoop
from agents.models.scripted import ScriptedModel
from agents.outcome import Outcome, Pending
from agents.settings import Settings
from tools.databases.base import Limits
from tools.databases.duckdb import open_duckdb


@pytest.fixture
def database(sample_db: Path, tmp_path: Path):
    db = open_duckdb(sample_db, tmp_path / "cache")
    yield db
    db.close()


def make_loop(
    database,
    entries,
    *,
    settings: Settings | None = None,
    supports_tools: bool = True,
    window: int | None = 128_000,
    name: str | None = None,
):
    model = ScriptedModel(entries, source="test", name=name, supports_tools=supports_tools)
    model.context_window = window
    events = []
    loop = AnalystLoop(model, database, settings or Settings(), events.append)
    return loop, model, events


def run_sql(sql: str, text: str = "") -> dict:
    return {"text": text, "tool_calls": [{"name": "run_sql", "arguments": {"sql": sql}}]}


def kinds(events) -> list[str]:
    return [e.type for e in events]


def test_schema_lookups_answer_without_approval(database) -> None:
    loop, model, events = make_loop(
        database,
        [
            {"tool_calls": [{"name": "list_tables", "arguments": {}}]},
            {"tool_calls": [{"name": "describe_table", "arguments": {"table": "customers"}}]},
            {"tool_calls": [{"name": "sample_values", "arguments": {"table": "orders", "column": "status"}}]},
            {"tool_calls": [{"name": "describe_table", "arguments": {"table": "nosuch"}}]},
            run_sql("SELECT count(*) AS n FROM customers"),
            {"text": "There are customers."},
            {"text": "Summary."},
        ],
    )
    outcome = drive(loop, "How many customers?", auto_approve)
    assert outcome.status == "answered"
    tool_results = [m for m in model.requests[4].messages if m.role == "tool"]
    assert "main.customers" in tool_results[0].text and "rows" in tool_results[0].text
    assert "segment" in tool_results[1].text  # describe_table shows columns
    assert "completed" in tool_results[2].text  # sample values come from the data
    assert "unknown table 'nosuch'" in tool_results[3].text
    assert kinds(events).count("tool_ran") == 4 and kinds(events).count("approval_requested") == 1


def test_every_tool_call_gets_a_result_and_extra_calls_are_refused(database) -> None:
    loop, model, _ = make_loop(
        database,
        [
            {
                "tool_calls": [
                    {"name": "run_sql", "arguments": {"sql": "SELECT 1 AS a"}},
                    {"name": "list_tables", "arguments": {}},
                ]
            },
            {"tool_calls": [{"name": "drop_everything", "arguments": {}}]},
            {"text": "One."},
            {"text": "The answer is one."},
        ],
    )
    outcome = drive(loop, "one?", auto_approve)
    assert outcome.status == "answered"
    second = model.requests[1].messages
    assistant = [m for m in second if m.role == "assistant"][0]
    answered = {m.tool_call_id for m in second if m.role == "tool"}
    assert {c.id for c in assistant.tool_calls} == answered
    third = model.requests[2].messages
    assert "Unknown tool 'drop_everything'" in third[-1].text


def test_broken_tool_json_twice_falls_back_to_sql_blocks(database) -> None:
    broken = {
        "tool_calls": [{"name": "run_sql", "arguments": {}, "error": "arguments are not valid JSON (Expecting value)"}]
    }
    loop, model, _ = make_loop(
        database,
        [
            broken,
            broken,
            {"text": "```sql\nSELECT count(*) AS n FROM products\n```"},
            {"text": "Counted."},
            {"text": "There are products."},
        ],
    )
    outcome = drive(loop, "How many products?", auto_approve)
    assert outcome.status == "answered" and outcome.result.rows[0][0] > 0
    assert model.requests[2].tools == ()  # no tools offered after the switch
    assert all(m.role != "tool" for m in model.requests[2].messages)
    assert "```sql" in model.requests[2].messages[-1].text


def test_follow_up_keeps_context_and_turns_are_numbered(database) -> None:
    loop, model, events = make_loop(
        database,
        [
            run_sql("SELECT count(*) AS n FROM orders"),
            {"text": "ok"},
            {"text": "Orders counted."},
            run_sql("SELECT count(*) AS n FROM orders WHERE year(order_date) = 2024"),
            {"text": "ok"},
            {"text": "2024 counted."},
        ],
    )
    first = drive(loop, "How many orders?", auto_approve)
    second = drive(loop, "now only for 2024", auto_approve)
    assert first.status == second.status == "answered"
    assert first.result.rows[0][0] > second.result.rows[0][0] > 0
    follow_up = model.requests[3].messages
    assert follow_up[0].text.startswith("Question: How many orders?")  # history kept
    assert follow_up[-1].text.startswith("Follow-up question: now only for 2024")


def test_reject_then_abort(database) -> None:
    loop, model, events = make_loop(
        database, [run_sql("SELECT * FROM customers"), run_sql("SELECT customer_id FROM customers LIMIT 5")]
    )
    step = loop.ask("Show customers")
    assert isinstance(step, Pending)
    step = loop.decide(Reject("only ids, five of them"))
    assert isinstance(step, Pending) and "LIMIT 5" in step.sql
    outcome = loop.decide(Abort())
    assert isinstance(outcome, Outcome) and outcome.status == "aborted" and outcome.queries == ()
    assert "only ids, five of them" in model.requests[1].messages[-1].text
    with pytest.raises(RuntimeError):
        loop.decide(Approve())  # nothing is pending any more


def test_empty_feedback_means_abort(database) -> None:
    loop, _, events = make_loop(database, [run_sql("SELECT 1 AS a")])
    loop.ask("one")
    outcome = loop.decide(Reject("   "))
    assert outcome.status == "aborted"


def test_step_cap_ends_the_run(database) -> None:
    entries = [{"tool_calls": [{"name": "list_tables", "arguments": {}}]}] * 5
    loop, _, _ = make_loop(database, entries, settings=Settings(max_steps=3))
    outcome = drive(loop, "loop forever", auto_approve)
    assert outcome.status == "failed" and outcome.error.kind == "step_cap"


def test_cost_cap_stops_before_overspending(database) -> None:
    expensive = {
        "tool_calls": [{"name": "list_tables", "arguments": {}}],
        "usage": {"input_tokens": 1_000_000, "output_tokens": 0},
    }
    loop, model, _ = make_loop(
        database, [expensive] * 4, settings=Settings(max_cost_usd=0.5), name="openai:gpt-4.1-mini"
    )
    outcome = drive(loop, "spend", auto_approve)
    assert outcome.status == "failed" and outcome.error.kind == "cost_cap"
    assert outcome.cost_usd == pytest.approx(0.8)  # two calls at $0.40, the third refused
    assert model.remaining == 2


def test_a_failing_summary_call_still_answers_with_the_result(database) -> None:
    loop, model, events = make_loop(
        database,
        [
            run_sql("SELECT count(*) AS n FROM customers"),
            {"text": "Counted."},
            {"error": {"status": 500, "message": "the summary service is down"}},
        ],
    )
    outcome = drive(loop, "How many customers?", auto_approve)
    assert outcome.status == "answered" and outcome.result is not None and outcome.result.row_count == 1
    assert outcome.answer.startswith("Counted.") and "No summary:" in outcome.answer and "down" in outcome.answer
    assert kinds(events).count("model_failed") == 1 and model.remaining == 0


def test_a_turn_whose_queries_all_failed_is_not_answered(database) -> None:
    loop, _, events = make_loop(
        database, [run_sql("SELECT CAST('x' AS INTEGER) AS n"), {"text": "The data cannot be converted."}]
    )
    outcome = drive(loop, "convert", auto_approve)
    assert outcome.status == "failed" and outcome.error.kind == "no_result" and outcome.result is None
    assert "Conversion" in outcome.error.message and outcome.answer == "The data cannot be converted."
    assert [e.type for e in events][-2:] == ["answer_given", "run_finished"]
    loop, _, _ = make_loop(database, [{"text": "I can answer that without data: hello."}])
    assert drive(loop, "greet me", auto_approve).status == "answered"  # no query tried: words are the answer


def test_cost_cap_with_unknown_price_refuses(database) -> None:
    loop, model, _ = make_loop(
        database, [run_sql("SELECT 1 AS a")], settings=Settings(max_cost_usd=1.0), name="local:unknown"
    )
    loop.cost = None  # as after a call whose price is unknown
    outcome = drive(loop, "one", auto_approve)
    assert outcome.status == "failed" and "no known price" in outcome.error.message


def test_request_too_large_for_the_window_is_reported(database) -> None:
    loop, model, _ = make_loop(database, [run_sql("SELECT 1 AS a")], window=2500)
    outcome = drive(loop, "anything", auto_approve)
    assert outcome.status == "failed" and outcome.error.kind == "context"
    assert "context window" in outcome.error.message and model.requests == []


def test_old_turns_are_dropped_to_fit_the_window(database) -> None:
    settings = Settings(schema_budget=1500)
    entries = []
    for i in range(6):
        pads = ", ".join(f"repeat('x', 290) AS pad{k}" for k in range(10))  # cells are cut at 300 for the model
        entries += [run_sql(f"SELECT {i} AS n, {pads}"), {"text": "ok"}, {"text": f"It is {i}."}]
    loop, model, _ = make_loop(database, entries, settings=settings, window=2048 + 3200)
    for i in range(6):
        outcome = drive(loop, f"question {i}", auto_approve)
        assert outcome.status == "answered", outcome.error
    last = model.requests[-3].messages  # the first think call of the last turn
    kept = [m.text.split("\n")[0] for m in last if m.role == "user" and "question " in m.text.split("\n")[0]]
    assert "Question: question 0" not in kept and 1 <= len(kept) < 6  # the oldest turns were dropped
    assert last[0].text.startswith("Question: question") and "CREATE TABLE" in last[0].text  # schema re-sent
    assert kept[-1] == "Follow-up question: question 5"


def test_interrupt_stops_a_running_query(database) -> None:
    loop, _, events = make_loop(
        database,
        [run_sql("SELECT count(*) AS n FROM range(1000000000000)")],
        settings=Settings(limits=Limits(timeout_s=60)),
    )
    step = loop.ask("count forever")
    assert isinstance(step, Pending)
    threading.Timer(0.5, loop.interrupt).start()
    started = time.perf_counter()
    outcome = loop.decide(Approve())
    assert outcome.status == "interrupted" and time.perf_counter() - started < 5
    assert "query_failed" in kinds(events) and kinds(events)[-1] == "run_finished"


def test_unverified_numbers_are_flagged(database) -> None:
    loop, _, events = make_loop(
        database,
        [
            run_sql("SELECT count(*) AS n FROM customers"),
            {"text": "done"},
            {"text": "There are 200 customers, and 9,999 of them are happy."},
        ],
    )
    outcome = drive(loop, "How many customers?", auto_approve)
    count = outcome.result.rows[0][0]
    assert count == 200  # the sample data's size; the check below depends on it
    assert outcome.unverified_numbers == ("9,999",)


def test_an_interrupted_turn_leaves_no_dangling_tool_call(database) -> None:
    loop, model, _ = make_loop(
        database,
        [
            run_sql("SELECT count(*) AS n FROM range(1000000000000)"),
            run_sql("SELECT 1 AS one"),
            {"text": "one"},
            {"text": "It is one."},
        ],
        settings=Settings(limits=Limits(timeout_s=60)),
    )
    assert isinstance(loop.ask("count forever"), Pending)
    threading.Timer(0.3, loop.interrupt).start()
    assert loop.decide(Approve()).status == "interrupted"
    outcome = drive(loop, "just one", auto_approve)
    assert outcome.status == "answered"
    sent = model.requests[1].messages
    calls = {c.id for m in sent for c in m.tool_calls}
    results = {m.tool_call_id for m in sent if m.role == "tool"}
    assert calls <= results  # every call the provider sees has its result


def test_numbers_inside_text_and_dates_of_the_result_count_as_verified() -> None:
    import datetime as dt

    from agents.verify import unverified_numbers

    rows = [("cust 6", dt.date(2024, 3, 5), 17)]
    answer = "Customer cust 6 ordered 17 items on March 5, 2024; 42 were returned."
    assert unverified_numbers(answer, rows) == ["42"]


def test_a_question_that_got_no_reply_is_marked_before_the_next_one(database) -> None:
    from agents.history import NO_REPLY

    loop, model, _ = make_loop(
        database,
        [
            {"error": {"status": 500, "message": "the service is down"}},
            {"text": "Hello again."},
        ],
    )
    assert drive(loop, "first question", auto_approve).status == "failed"
    assert drive(loop, "second question", auto_approve).status == "answered"
    sent = model.requests[1].messages
    assert [m.role for m in sent] == ["user", "assistant", "user"]
    assert sent[1].text == NO_REPLY and "second question" in sent[2].text


def test_long_cells_reach_the_model_cut_but_the_result_keeps_them(database) -> None:
    sql = "SELECT repeat('ab', 2000) AS note, range(50) AS ids FROM range(3)"
    loop, model, _ = make_loop(database, [run_sql(sql), {"text": "Three notes."}, {"text": "Summary."}])
    outcome = drive(loop, "Show the notes", auto_approve)
    assert outcome.status == "answered" and len(outcome.result.rows[0][0]) == 4000  # the user's result is whole
    shown = [m.text for m in model.requests[1].messages if m.role == "tool"][0]
    summary = model.requests[2].messages[-1].text
    for text in (shown, summary):
        assert "ab" * 150 + "… (+3,700 characters)" in text and "ab" * 151 not in text
        assert "… (+30 items)" in text and ", 20," not in text


# -- grounding: a reply is an answer only when a query of the turn backs it --------------------


def test_words_after_a_guard_refusal_are_not_an_answer(database) -> None:
    loop, _, events = make_loop(
        database, [run_sql("SELECT nosuch FROM customers"), {"text": "There were 336,776 flights."}]
    )
    outcome = drive(loop, "How many flights?", auto_approve)
    assert outcome.status == "failed" and outcome.error.kind == "no_result" and not outcome.grounded
    assert "guard rejected" in outcome.error.message and "nosuch" in outcome.error.message
    assert outcome.answer == "There were 336,776 flights."  # kept, to be shown as not from the data
    given = [e for e in events if e.type == "answer_given"]
    assert len(given) == 1 and given[0].grounded is False


def test_words_after_the_person_rejected_the_sql_are_not_an_answer(database) -> None:
    loop, _, _ = make_loop(database, [run_sql("SELECT count(*) FROM customers"), {"text": "About 200 customers."}])
    assert isinstance(loop.ask("How many customers?"), Pending)
    outcome = loop.decide(Reject("count only active ones"))
    assert outcome.status == "failed" and outcome.error.kind == "no_result"
    assert "person rejected" in outcome.error.message and outcome.answer == "About 200 customers."


def test_a_reply_with_no_query_at_all_is_answered_but_not_grounded(database) -> None:
    loop, _, events = make_loop(database, [{"text": "Hello there."}])
    outcome = drive(loop, "greet me", auto_approve)
    assert outcome.status == "answered" and outcome.grounded is False and outcome.answer == "Hello there."
    assert [e.grounded for e in events if e.type == "answer_given"] == [False]
    loop, _, events = make_loop(database, [run_sql("SELECT 1 AS one"), {"text": "one"}, {"text": "It is 1."}])
    outcome = drive(loop, "one", auto_approve)
    assert outcome.status == "answered" and outcome.grounded is True
    assert [e.grounded for e in events if e.type == "answer_given"] == [True]


def ask_user(question: str) -> dict:
    return {"tool_calls": [{"name": "ask_user", "arguments": {"question": question}}]}


def test_a_clarifying_question_continues_the_turn_with_the_reply(database) -> None:
    loop, model, events = make_loop(
        database,
        [
            ask_user("Which segment do you mean?"),
            run_sql("SELECT count(*) AS n FROM customers"),
            {"text": "done"},
            {"text": "There are 200."},
        ],
    )
    asked = []
    outcome = drive(
        loop,
        "How many customers in my segment?",
        auto_approve,
        answer=lambda c: asked.append(c.question) or "all of them",
    )
    assert asked == ["Which segment do you mean?"]
    assert outcome.status == "answered" and outcome.grounded and list(outcome.result.rows) == [(200,)]
    tool = [m for m in model.requests[1].messages if m.role == "tool"]
    assert tool and "all of them" in tool[-1].text and tool[-1].tool_name == "ask_user"
    assert [e.type for e in events].count("question_asked") == 1  # one turn, continued
    answered = [e for e in events if e.type == "clarification_answered"]
    assert [(e.text, e.answered_by) for e in answered] == [("all of them", "human")]


def test_nobody_to_ask_ends_the_turn_needing_clarification(database) -> None:
    loop, model, events = make_loop(
        database,
        [
            ask_user("Which year?"),
            run_sql("SELECT 1 AS one"),
            {"text": "one"},
            {"text": "It is 1."},
        ],
    )
    outcome = drive(loop, "Revenue?", auto_approve)
    assert outcome.status == "needs_clarification" and outcome.clarification == "Which year?"
    assert outcome.answer is None and outcome.error is None and not outcome.grounded
    assert [e.type for e in events][-2:] == ["clarification_requested", "run_finished"]
    follow = drive(loop, "just one", auto_approve)  # the next turn: the ask_user call was answered
    assert follow.status == "answered"
    sent = model.requests[1].messages
    assert {c.id for m in sent for c in m.tool_calls} <= {m.tool_call_id for m in sent if m.role == "tool"}


def test_text_mode_models_ask_with_a_clarify_line(database) -> None:
    loop, model, _ = make_loop(
        database, [{"text": "I need one detail.\nCLARIFY: Gross or net revenue?"}], supports_tools=False
    )
    outcome = drive(loop, "Revenue?", auto_approve)
    assert outcome.status == "needs_clarification" and outcome.clarification == "Gross or net revenue?"
    assert "CLARIFY:" in model.requests[0].system and "ask_user" not in model.requests[0].system
    loop, model, _ = make_loop(database, [{"tool_calls": []}], supports_tools=True)
    assert "ask_user" in loop.system


def test_numbers_from_the_question_sql_and_notes_are_not_flagged(database) -> None:
    loop, _, _ = make_loop(
        database,
        [
            run_sql("SELECT count(*) AS n FROM customers WHERE customer_id > 1000.0 LIMIT 5"),
            {"text": "done"},
            {"text": "None of the customers above 1000 (asked: $1,000): 0 of the top 5."},
        ],
    )
    outcome = drive(loop, "How many customers have an id over $1,000?", auto_approve)
    assert outcome.unverified_numbers == ()
    loop, _, _ = make_loop(
        database,
        [
            run_sql("SELECT count(*) AS n FROM customers"),
            {"text": "There are 200 customers."},
            {"error": {"status": 503, "message": "overloaded: 7 requests queued, retry in 45 s"}},
        ],
    )
    outcome = drive(loop, "How many customers?", auto_approve)
    assert outcome.status == "answered" and "No summary:" in outcome.answer and "45" in outcome.answer
    assert outcome.unverified_numbers == ()  # the note's figures are analyst's, not claims
    loop, _, _ = make_loop(
        database,
        [
            run_sql("SELECT * FROM range(5000) t(i)"),
            {"text": "done"},
            {"text": "Only 1,000 rows came back and I saw the first 50 of them."},
        ],
        settings=Settings(limits=Limits(max_rows=1000)),
    )
    outcome = drive(loop, "list", auto_approve)
    assert outcome.result.truncated and outcome.unverified_numbers == ()
