"""The person asked on the terminal, for `analyst ask`: approval of the SQL, and answers to the
model's clarifying questions. Both read stdin and write to stderr, so stdout keeps only data."""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
import tempfile
from typing import Any, TextIO

from agents.decisions import Abort, Approve, Edit, Reject


class TerminalApproval:
    """Asks the person on the terminal: approve, edit, reject with feedback, or abort."""

    def __init__(
        self,
        stdin: TextIO | None = None,
        stderr: TextIO | None = None,
        sql_shown: bool = False,
        question: str = "",
        dialect: str = "duckdb",
    ) -> None:
        stdin = stdin or sys.stdin
        stderr = stderr or sys.stderr
        self.stdin = stdin
        self.stderr = stderr
        self.sql_shown = sql_shown  # the progress lines just printed the checked SQL: not twice
        self.question = question  # named with the SQL: the person judges one against the other
        self.dialect = dialect

    def _read(self, prompt: str) -> str:
        self.stderr.write(prompt)
        self.stderr.flush()
        line = self.stdin.readline()
        if not line:
            raise EOFError
        return line.rstrip("\n")

    def __call__(self, pending: Any) -> Any:
        """The person's decision on `pending`; SQL that failed the checks can be edited, not approved."""
        failed = bool(pending.problems)
        self._show(pending, failed)
        prompt = (
            "[e]dit  [r]eject with feedback  a[b]ort > "
            if failed
            else "[a]pprove  [e]dit  [r]eject with feedback  a[b]ort > "
        )
        while True:
            try:
                choice = self._read(prompt).strip().lower()
            except EOFError:
                return Abort()
            decision = self._decision(choice, pending, failed)
            if decision is not None:
                return decision

    def _show(self, pending: Any, failed: bool) -> None:
        """What is being decided: the question, then the SQL with its problems or why it changed,
        or with the guard's advice."""
        from analyst.render import inert
        from tools.sql_layout import layout, visible

        if self.question:
            self.stderr.write(f"\nQuestion: {inert(' '.join(self.question.split()))}\n")
        if failed:
            if self.sql_shown:  # the progress lines just listed the problems: say it once
                self.stderr.write("Your edit did not pass the checks above, so it cannot run.\n")
            else:
                self.stderr.write("Your edit did not pass the checks:\n")
                for problem in pending.problems:
                    self.stderr.write(f"  [{problem.code}] {inert(problem.message)}\n")
            self.stderr.write(f"\nYour edited SQL:\n{visible(pending.sql)}\n\n")
        elif pending.rewritten_from is not None:
            self.stderr.write(
                "\nThe database reads your SQL differently from the checker, so it cannot run as you typed it.\n"
                f"The checked text that would run instead (hash {pending.sql_hash[:12]}):\n{visible(pending.sql)}\n\n"
            )
        elif not self.sql_shown:
            shown = visible(layout(pending.sql, self.dialect))
            note = "; laid out on lines for reading, it runs as written" if shown != visible(pending.sql) else ""
            self.stderr.write(f"\nSQL to run (hash {pending.sql_hash[:12]}{note}):\n{shown}\n\n")
        else:
            self.stderr.write(f"\nThe SQL above is ready to run (hash {pending.sql_hash[:12]}).\n")
        if not failed:
            self._advise(pending.sql)

    def _advise(self, sql: str) -> None:
        """The guard's advice about SQL it allows (a join without a condition, LIMIT without ORDER
        BY), as the TUI's approval screen shows it: the person looks twice before approving."""
        from analyst.render import inert
        from tools.guard import sql_warnings

        for warning in sql_warnings(sql, self.dialect):
            self.stderr.write(f"⚠ {inert(warning)}\n")

    def _decision(self, choice: str, pending: Any, failed: bool) -> Any:
        """The decision one typed choice makes, or None to ask again."""
        if choice in ("a", "approve", "y", "yes"):
            if not failed:
                return Approve()
            self.stderr.write(
                "This SQL did not pass the checks, so it cannot be approved: edit it, reject, or abort.\n"
            )
            return None
        if choice in ("e", "edit"):
            edited = self._edit(pending.sql)
            if edited is None or edited.strip() == pending.sql.strip():
                # an edit is itself the approval of the new text, so "no edit" must not run anything
                self.stderr.write("Edit cancelled; nothing changed and nothing ran.\n")
                return None
            return Edit(edited)
        if choice in ("r", "reject"):
            try:
                feedback = self._read("feedback for the model > ")
            except EOFError:
                return Abort()
            return Reject(feedback)
        if choice in ("b", "abort", "q", "quit"):
            return Abort()
        return None

    def _edit(self, sql: str) -> str | None:
        """The edited SQL, or None when the edit was abandoned (the editor failed or quit with
        an error, as vim's `:cq` does, or nothing was typed)."""
        editor = os.environ.get("VISUAL") or os.environ.get("EDITOR")
        if editor:
            with tempfile.NamedTemporaryFile("w", suffix=".sql", delete=False) as handle:
                handle.write(sql)
                name = handle.name
            try:
                try:
                    finished = subprocess.run([*shlex.split(editor), name], check=False)
                except (OSError, ValueError) as exc:
                    reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
                    self.stderr.write(
                        f"Cannot start the editor {editor!r}: {reason}; set VISUAL or EDITOR to one that exists.\n"
                    )
                    return None
                if finished.returncode != 0:
                    self.stderr.write(f"The editor exited with status {finished.returncode}.\n")
                    return None
                with open(name, encoding="utf-8") as edited:
                    return edited.read()
            finally:
                os.unlink(name)
        prefilled = self._edit_in_place(sql)
        if prefilled is not _NO_LINE_EDITOR:
            return prefilled
        self.stderr.write(
            "No editor to open: set VISUAL or EDITOR (e.g. export EDITOR=nano) to edit the SQL in place.\n"
            "Type the new SQL (the current one is shown above); end with an empty line:\n"
        )
        lines = []
        while True:
            try:
                line = self._read("")
            except EOFError:
                break
            if not line.strip():
                break
            lines.append(line)
        return "\n".join(lines) or None

    def _edit_in_place(self, sql: str) -> Any:
        """On a terminal, the SQL pre-filled on the input line (readline's pre-input hook) to edit
        where it stands and send with Enter; `_NO_LINE_EDITOR` when there is no line editor here
        (not a terminal, output redirected so `input()` would bypass readline, or no readline)."""
        if self.stdin is not sys.stdin or not (sys.stdin.isatty() and sys.stdout.isatty()):
            return _NO_LINE_EDITOR
        try:
            import readline
        except ImportError:
            return _NO_LINE_EDITOR

        def prefill() -> None:
            readline.insert_text(sql)
            readline.redisplay()

        self.stderr.write(
            "Edit the SQL on the line below (Enter runs it once it passes the checks; an empty line cancels):\n"
        )
        self.stderr.flush()
        readline.set_pre_input_hook(prefill)
        try:
            edited = input("")
        except EOFError:
            return None
        finally:
            readline.set_pre_input_hook(None)
        return edited if edited.strip() else None


_NO_LINE_EDITOR = object()


class TerminalClarification:
    """Shows the model's clarifying question on the terminal and reads the person's reply; an
    empty reply (or end of input) leaves it unanswered, and the turn ends needs_clarification."""

    def __init__(self, stdin: TextIO, stderr: TextIO) -> None:
        self.stdin = stdin
        self.stderr = stderr

    def __call__(self, clarification: Any) -> str | None:
        from analyst.render import inert

        self.stderr.write(f"\nThe model asks: {inert(clarification.question)}\n")
        self.stderr.write("your answer (empty to stop) > ")
        self.stderr.flush()
        line = self.stdin.readline()
        return line.strip() or None
