"""Schema retrieval: the slice of the catalog a question needs, under a token budget.

`__all__` is the package's surface. `index.py` holds the BM25 index of one catalog and its cache,
`plan.py` the greedy fill of one slice within the budget, `terms.py` how questions and schema text
become comparable words, `schema_slice.py` the values handed to the model. All light (no engine,
no parser), so importing the package costs little.
"""

from __future__ import annotations

from tools.retrieval.index import Retriever, catalog_fingerprint, retrieve, retriever_for
from tools.retrieval.schema_slice import SchemaSlice, SliceMethod, TableChoice

__all__ = ["Retriever", "SchemaSlice", "SliceMethod", "TableChoice", "catalog_fingerprint", "retrieve", "retriever_for"]
