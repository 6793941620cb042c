"""The catalog: what a database holds, as plain values, and what the person chose to hide.

`__all__` is the package's surface: the values (`values.py`) and the exclusions (`exclusions.py`),
both light, so every layer may import them from here. The sidecar context file (`context.py`) and
the schema rendered as DDL for the model (`ddl.py`) are imported from their own modules by the few
callers that need them. Introspection lives in each backend (`tools/databases/<engine>/`).
"""

from __future__ import annotations

from tools.catalog.exclusions import (
    column_excluded,
    dependent_views,
    exclusion_warnings,
    hidden_column_names,
    scrub_hidden,
    split_columns,
    table_excluded,
    unmatched_exclusions,
    without_columns,
    without_samples,
    without_tables,
)
from tools.catalog.values import Catalog, Column, Context, ForeignKey, JoinHint, Table

__all__ = [
    "Catalog",
    "Column",
    "Context",
    "ForeignKey",
    "JoinHint",
    "Table",
    "column_excluded",
    "dependent_views",
    "exclusion_warnings",
    "hidden_column_names",
    "scrub_hidden",
    "split_columns",
    "table_excluded",
    "unmatched_exclusions",
    "without_columns",
    "without_samples",
    "without_tables",
]
