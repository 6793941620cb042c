"""Verified examples: question→SQL pairs a person approved, kept per database, retrieved by similarity.

A team's approved queries are its best teacher for the next question, but only while they still
hold: every example carries its provenance (who approved it, how, when, from which session turn,
against which schema), and nothing here decides whether one is shown to a model — the loop judges
each with today's guard and exclusions first (agents/examples.py). The modules: `example` (the
value and its provenance), `store` (the JSONL files: the personal store under ANALYST_HOME and the
team file beside the database), `similarity` (the index that finds the nearest questions), and
`curation` (duplicates and difficulty, shared with `analyst suite check`).
"""

from __future__ import annotations

from tools.examples.example import Example, Origin, database_identity, schema_fingerprint
from tools.examples.similarity import ExampleIndex, words

__all__ = ["Example", "ExampleIndex", "Origin", "database_identity", "schema_fingerprint", "words"]
