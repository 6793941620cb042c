"""Replay: re-drive the loop from a session log, offline, and say whether anything changed.

The recorded model responses become a scripted model and the recorded decisions are replayed in
order (`decided_by = "replay"`), against the recorded database or another one. "Identical" means
the same decisions, SQL hashes, result fingerprints and statuses; a changed prompt template hash is
a note, not a divergence, because it explains a difference rather than being one.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

from agents.decisions import Abort, Approve, Decision, Edit, Reject
from agents.events import ApprovalDecided, ClarificationAnswered, Event, ModelFailed, SqlChecked
from agents.loop import AnalystLoop
from agents.models.scripted import ScriptedModel
from agents.outcome import Clarification, ErrorKind, Outcome, Pending, Status
from agents.settings import Settings
from sessions.log import LogContents, Logged
from sessions.replay_examples import examples_notes, recorded_examples
from sessions.store import SessionRecord, TurnRecord, turns_of
from tools.databases.base import Database


def counted(count: int, noun: str, nouns: str | None = None) -> str:
    """`1 turn`, `2 turns`: a count with its noun in the right number."""
    return f"{count} {noun if count == 1 else (nouns or noun + 's')}"


@dataclass(frozen=True)
class Divergence:
    turn: int
    what: str  # e.g. "query 1 result fingerprint"
    recorded: Any
    replayed: Any
    plural: bool = False  # `what` names several things ("decisions"): they differ, not differs
    reason: str | None = None  # what the replay found, when the values alone do not say why
    sentence: str | None = None  # the whole description, when a plain sentence says it better

    def describe(self) -> str:
        if self.sentence:
            return f"turn {self.turn}: {self.sentence}"
        verb = "differ" if self.plural else "differs"
        text = f"turn {self.turn}: {self.what} {verb} (recorded {self.recorded!r}, replayed {self.replayed!r})"
        return f"{text}: {self.reason}" if self.reason else text


@dataclass
class ReplayReport:
    session_id: str
    turns_replayed: int = 0
    turns_total: int = 0
    divergence: Divergence | None = None
    notes: list[str] = field(default_factory=list)
    incomplete: bool = False
    interrupted: list[int] = field(default_factory=list)  # turns stopped by the person: not replayable
    outcomes: list[Outcome] = field(default_factory=list)

    @property
    def identical(self) -> bool:
        return self.divergence is None


def _response_entries(turn: TurnRecord) -> list[dict[str, Any]]:
    """The recorded model responses of a turn as scripted-model entries, in call order."""
    entries: list[dict[str, Any]] = []
    for response in turn.responses:
        if isinstance(response, ModelFailed):
            entries.append({"error": {"status": response.status or 500, "message": response.message}})
            continue
        entries.append(
            {
                "text": response.text,
                "tool_calls": [
                    {
                        "id": c.get("id"),
                        "name": c.get("name"),
                        "arguments": c.get("arguments") or {},
                        "error": c.get("error"),
                    }
                    for c in response.tool_calls
                ],
                "usage": response.usage,
                "stop_reason": response.stop_reason,
            }
        )
    return entries


def _recorded_decision(recorded: ApprovalDecided | None) -> Decision | None:
    """The recorded decision, made again by "replay"; None for a dry run (nothing is decided)."""
    kind = recorded.decision if recorded else None
    if kind == "approve":
        return Approve(decided_by="replay")
    if recorded is not None and kind == "edit":
        return Edit(recorded.edited_sql or "", decided_by="replay")
    if recorded is not None and kind == "reject":
        return Reject(recorded.feedback or "", decided_by="replay")
    if kind == "dry_run":
        return None
    return Abort(decided_by="replay")  # "abort", or the replay asked for a decision the recording never made


def _drive_recorded(loop: AnalystLoop, turn: TurnRecord) -> Outcome:
    decisions = iter(turn.decisions)
    replies = iter([c for c in turn.clarifications if isinstance(c, ClarificationAnswered)])
    step: Pending | Clarification | Outcome = loop.ask(turn.question)
    while not isinstance(step, Outcome):
        if isinstance(step, Clarification):  # the person's recorded reply, or none: unanswered
            reply = next(replies, None)
            text = reply.text if reply is not None else ""
            step = loop.reply(text, answered_by="replay") if text.strip() else loop.stop_unclarified()
            continue
        decision = _recorded_decision(next(decisions, None))
        if decision is None:
            return loop.stop_dry_run()
        step = loop.decide(decision)
    return step


def _drive_direct(database: Database, settings: Settings, emit: Callable[[Event], None], turn: TurnRecord) -> Outcome:
    """A caller's statement again: the same text through the guard, the recorded decision."""
    from agents.direct import DirectTurn

    direct = DirectTurn(database, settings, emit)
    step = direct.start(turn.checks[0].sql_in)
    if isinstance(step, Outcome):
        return step
    return direct.decide(_recorded_decision(next(iter(turn.decisions), None)))


def compare_turn(recorded: TurnRecord, replayed: TurnRecord) -> tuple[Divergence | None, list[str]]:
    """The first difference between two runs of one turn, plus notes."""
    notes = []
    changed = changed_templates(recorded.templates, replayed.templates)
    if changed:
        notes.append(f"turn {recorded.number}: prompt templates changed since the recording: {'; '.join(changed)}")
    number = recorded.number
    for i in range(max(len(recorded.checks), len(replayed.checks))):
        rec_check, rep_check = _at(recorded.checks, i), _at(replayed.checks, i)
        guard = _guard_divergence(number, i + 1, rec_check, rep_check)
        if guard is not None:
            return guard, notes
        rec_hash = rec_check.hash if rec_check else None
        rep_hash = rep_check.hash if rep_check else None
        if rec_hash != rep_hash:
            return Divergence(number, f"checked SQL {i + 1} hash", rec_hash, rep_hash), notes
    rec_decisions = [d.decision for d in recorded.decisions]
    rep_decisions = [d.decision for d in replayed.decisions]
    if rec_decisions != rep_decisions:
        return Divergence(number, "decisions", rec_decisions, rep_decisions, plural=True), notes
    rec_fp = [e.fingerprint for e in recorded.executed]
    rep_fp = [e.fingerprint for e in replayed.executed]
    for i in range(max(len(rec_fp), len(rep_fp))):
        if _at(rec_fp, i) != _at(rep_fp, i):
            return Divergence(number, f"query {i + 1} result fingerprint", _at(rec_fp, i), _at(rep_fp, i)), notes
    rec_failed = [f.kind for f in recorded.failed]
    rep_failed = [f.kind for f in replayed.failed]
    if rec_failed != rep_failed:
        reason = "; ".join(_first_line(f.message) for f in replayed.failed) or None  # why the replay's failed
        return Divergence(number, "query failures", rec_failed, rep_failed, plural=True, reason=reason), notes
    if recorded.status != replayed.status and not _same_no_result(recorded, replayed):
        error = replayed.error.message if replayed.error else None
        return Divergence(
            number,
            "status",
            _value(recorded.status),
            _value(replayed.status),
            reason=_first_line(error) if error else None,
        ), notes
    return None, notes


def _value(status: Status | None) -> str | None:
    """A status as the log spells it (a divergence shows it so: 'answered', not Status.ANSWERED)."""
    return status.value if status is not None else None


def _same_no_result(recorded: TurnRecord, replayed: TurnRecord) -> bool:
    """A turn whose proposed SQL never succeeded (refused by the guard, rejected by the person,
    failed in the database) was logged `answered` before such turns became `failed` (kind
    no_result); the same events replayed now end the new way, which is no divergence."""
    return (
        recorded.status is Status.ANSWERED
        and not recorded.executed
        and bool(recorded.failed or recorded.checks)
        and replayed.status is Status.FAILED
        and replayed.error is not None
        and replayed.error.kind is ErrorKind.NO_RESULT
    )


def _guard_divergence(
    turn: int, index: int, recorded: SqlChecked | None, replayed: SqlChecked | None
) -> Divergence | None:
    """The guard passing SQL in one run and rejecting it in the other, with its problems.

    On another database this is the usual reason a replay goes another way (a table or column
    that is not there), so it is named before the decisions that follow from it."""
    if recorded is None or replayed is None or recorded.ok == replayed.ok:
        return None
    rejected = replayed if not replayed.ok else recorded
    problems = "; ".join(_first_line(p.get("message")) for p in rejected.problems) or "no problem recorded"
    if rejected is replayed:
        verdicts, sentence = (
            ("passed", "rejected"),
            f"the guard rejects checked SQL {index} on this database, where it passed when recorded: {problems}",
        )
    else:
        verdicts, sentence = (
            ("rejected", "passed"),
            f"the guard passes checked SQL {index} on this database, where it was rejected when recorded ({problems})",
        )
    return Divergence(turn, f"guard verdict on checked SQL {index}", verdicts[0], verdicts[1], sentence=sentence)


def _first_line(text: object) -> str:
    return str(text or "").strip().splitlines()[0] if str(text or "").strip() else ""


def template_hashes(calls: list[tuple[str, str]]) -> dict[str, tuple[str, str]]:
    """Each prompt template used, by its unversioned name: (versioned name, hash).

    A model call records its templates joined ("system.v1+question.v1") with their 12-character
    hashes concatenated in the same order; they are split back here so that each template is
    compared with itself, whatever calls a turn made.
    """
    out: dict[str, tuple[str, str]] = {}
    for name, digest in calls:
        names = [n for n in name.split("+") if n] or [name]
        size = len(digest) // len(names) if names else 0
        if len(names) > 1 and size * len(names) == len(digest):
            parts = [digest[i * size : (i + 1) * size] for i in range(len(names))]
        else:
            names, parts = [name], [digest]
        for one, part in zip(names, parts):
            out[one.rsplit(".v", 1)[0] if ".v" in one else one] = (one, part)
    return out


def changed_templates(recorded: list[tuple[str, str]], replayed: list[tuple[str, str]]) -> list[str]:
    """The templates both runs used whose version or text differs, described by name.

    A template only one run used (the replay took another path) is not a change of template."""
    before, after = template_hashes(recorded), template_hashes(replayed)
    changes = []
    for key in sorted(before.keys() & after.keys()):
        (old_name, old_hash), (new_name, new_hash) = before[key], after[key]
        if old_name != new_name:
            changes.append(f"{old_name} → {new_name}")
        elif old_hash != new_hash:
            changes.append(f"{old_name} (hash {old_hash} → {new_hash})")
    return changes


def _at(items: list[Any], index: int) -> Any:
    return items[index] if index < len(items) else None


def replayable_turns(record: SessionRecord) -> list[TurnRecord]:
    """The turns a replay re-drives, in order: complete ones the person did not interrupt."""
    return [t for t in record.turns if t.complete and t.status is not Status.INTERRUPTED]


def replay_session(
    record: SessionRecord,
    database: Database,
    settings: Settings,
    emit: Callable[[Event], None] | None = None,
) -> ReplayReport:
    """Re-drive every complete turn; stop at the first divergence.

    A turn the person interrupted (Ctrl+C, Esc) is not replayed: where it was stopped depends on
    when the key was pressed, so re-running it would only run its query to the time limit and
    report a difference that says nothing about the session. Its recorded model responses are
    left out of the script and the turns after it are replayed and judged as usual."""
    report = ReplayReport(record.id, turns_total=len(record.turns))
    complete = [t for t in record.turns if t.complete]
    if len(complete) < len(record.turns) or record.torn:
        report.incomplete = True
        report.notes.append(
            f"the log is truncated: replaying the {counted(len(complete), 'complete turn')} of {len(record.turns)}"
        )
    report.interrupted = [t.number for t in complete if t.status is Status.INTERRUPTED]
    for number in report.interrupted:
        report.notes.append(f"turn {number} was interrupted when recorded; not replayed")
    for turn in record.turns:
        if turn.screen_queries:  # they re-run a logged query with other caps: nothing the loop decides
            report.notes.append(
                f"turn {turn.number}: {counted(len(turn.screen_queries), 'query', 'queries')} run from the results (more rows, samples, exports) not replayed"
            )
    replayable = replayable_turns(record)
    entries = [entry for turn in replayable for entry in _response_entries(turn)]
    model = ScriptedModel(entries, source=f"session {record.id}", name=record.model or "replay")
    model.supports_tools = bool(record.started.settings.get("tools", True))
    events: list[Logged] = [Logged(record.started)]

    def collect(event: Event) -> None:
        events.append(Logged(event))
        if emit is not None:
            emit(event)

    loop = AnalystLoop(model, database, replace(settings, examples=recorded_examples(replayable)), collect)
    conversation = 1
    for turn in replayable:
        if turn.conversation != conversation:  # the recording started a new conversation here
            conversation = turn.conversation
            loop.new_conversation()
        if turn.direct:
            report.outcomes.append(_drive_direct(database, settings, collect, turn))
        else:
            report.outcomes.append(_drive_recorded(loop, turn))
        _, replayed_turns = turns_of(LogContents(tuple(events), False, ()))
        divergence, notes = compare_turn(turn, replayed_turns[-1])
        report.notes.extend([*notes, *examples_notes(turn, replayed_turns[-1])])
        report.turns_replayed += 1
        if divergence is not None:
            report.divergence = divergence
            break
    return report


@dataclass(frozen=True)
class ReaskRow:
    """One question re-asked with another model: what it wrote and whether the result matches."""

    turn: int
    question: str
    recorded_sql: str | None
    new_sql: str | None
    recorded_fingerprint: str | None
    new_fingerprint: str | None
    new_status: Status

    @property
    def same_sql(self) -> bool:
        return _normal_sql(self.recorded_sql) == _normal_sql(self.new_sql)

    @property
    def same_result(self) -> bool:
        return self.recorded_fingerprint is not None and self.recorded_fingerprint == self.new_fingerprint


def _normal_sql(sql: str | None) -> str | None:
    return " ".join(sql.split()).lower().rstrip(";") if sql else None


def reask_session(
    record: SessionRecord, loop: AnalystLoop, decide: Callable[[Pending], Decision] | None
) -> list[ReaskRow]:
    """Ask each recorded question again on `loop` (a live model) and compare SQL and results.
    A caller's statement (`turn.direct`) is no question to ask a model: it is left out."""
    from agents.drive import drive

    rows = []
    for turn in record.turns:
        if turn.direct:
            continue
        outcome = drive(loop, turn.question, decide)
        last = next((q for q in reversed(outcome.queries) if q.result is not None), None)
        rows.append(
            ReaskRow(
                turn.number,
                turn.question,
                turn.sql,
                outcome.sql,
                turn.executed[-1].fingerprint if turn.executed else None,
                last.fingerprint if last else None,
                outcome.status,
            )
        )
    return rows
