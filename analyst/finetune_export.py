"""`sessions export --as finetune`: open each recorded database as it was opened (its recorded
exclusions and data sharing), so the schema slice rebuilt for a turn is the one the model saw."""

from __future__ import annotations

import json
import sys
from dataclasses import replace
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from analyst.config import Config


def finetune_lines(config: Config, items: list[Any]) -> list[str]:
    """One JSON line per exportable turn; each turn left out is one stderr line saying why."""
    from agents.models.registry import context_window
    from analyst.errors import UserError
    from analyst.wiring import open_database
    from sessions.finetune import Skipped, finetune_entry
    from tools.catalog import without_samples
    from tools.redaction import redact_secrets

    lines: list[str] = []
    catalogs: dict[str, Any] = {}
    for item in items:
        started = item.session.started
        key = json.dumps(
            [started.database, started.settings.get("exclude_tables"), started.settings.get("exclude_columns")]
        )
        if key not in catalogs:
            recorded = replace(
                config,
                exclude_tables=tuple(started.settings.get("exclude_tables") or ()),
                exclude_columns=tuple(started.settings.get("exclude_columns") or ()),
            )
            try:
                database = open_database(recorded, started.database)
            except UserError as exc:
                catalogs[key] = exc.message
            else:
                try:
                    catalogs[key] = database.catalog()
                finally:
                    database.close()
        catalog = catalogs[key]
        if isinstance(catalog, str):
            sys.stderr.write(f"analyst: skipped {item.session.id} turn {item.turn.number}: {redact_secrets(catalog)}\n")
            continue
        if not started.settings.get("data_to_model", True):
            catalog = without_samples(catalog)
        entry = finetune_entry(item, catalog, context_window(item.session.model), config.schema_budget)
        if isinstance(entry, Skipped):
            sys.stderr.write(f"analyst: skipped {entry.turn}: {entry.why}\n")
            continue
        lines.append(json.dumps(entry, ensure_ascii=False))
    return lines
