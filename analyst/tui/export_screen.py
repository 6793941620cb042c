"""The export dialog: choose a format and a file; the export itself runs in a worker (export.py)."""

from __future__ import annotations

from pathlib import Path

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, RadioButton, RadioSet, Static

from analyst.tui.inputs import BoxInput
from tools.result_export import FORMATS


class ExportScreen(ModalScreen[tuple[str, Path] | None]):
    """Returns (format, path), or None when cancelled."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, default: Path) -> None:
        super().__init__()
        self.default = default
        self.fmt = "csv"

    def compose(self) -> ComposeResult:
        with Vertical(id="export-dialog", classes="dialog"):
            yield Static(Text("Export the result", style="bold"), markup=False)
            yield Static(
                Text(
                    "The same SQL runs again, read-only, and every row streams to the file (no row cap).", style="dim"
                ),
                markup=False,
            )
            with RadioSet(id="export-format"):
                for fmt in FORMATS:
                    yield RadioButton(fmt.upper() if fmt != "parquet" else "Parquet", value=fmt == "csv", name=fmt)
            yield BoxInput(str(self.default.with_suffix(FORMATS["csv"])), id="export-path")
            yield Static(Text("Enter export · Esc leave the box, Esc again: cancel", style="dim"), markup=False)

    def on_mount(self) -> None:
        self.query_one("#export-path", BoxInput).focus()

    @on(RadioSet.Changed)
    def _format_changed(self, event: RadioSet.Changed) -> None:
        self.fmt = event.pressed.name or "csv"
        path_input = self.query_one("#export-path", BoxInput)
        path = Path(path_input.value)
        if path.suffix.lower() in FORMATS.values():
            path_input.value = str(path.with_suffix(FORMATS[self.fmt]))

    @on(Input.Submitted, "#export-path")
    def _export(self, event: Input.Submitted) -> None:
        value = event.value.strip()
        if not value:
            self.notify("Type a file name.", severity="warning")
            return
        path = Path(value).expanduser()
        if not path.parent.is_dir():
            self.notify(f"No such folder: {path.parent}", severity="error", markup=False)
            return
        self.dismiss((self.fmt, path))

    def action_cancel(self) -> None:
        self.dismiss(None)
