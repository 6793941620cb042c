"""Terms for schema retrieval: words out of identifiers, free text and questions, made comparable.

Identifiers split at underscores and camelCase (`sbCustId`: sb cust id), plurals stem to singulars
(`customers`/`customer`), stopwords go, and common abbreviations (`qty`, `txn`) also count as the
word they stand for. Questions and schema text go through the same functions, so they meet.
"""

from __future__ import annotations

import re

from tools.catalog import Catalog
from tools.catalog.context import TableLookup

__all__ = [
    "IDENTIFIER",
    "glossary_terms",
    "identifier_terms",
    "question_terms",
    "split_words",
    "stem",
    "text_terms",
]

_CHUNK = re.compile(r"[^\W_]+")
_CAMEL = re.compile(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|\d+")
IDENTIFIER = re.compile(r"[A-Za-z_][\w$]*(?:\.[A-Za-z_][\w$]*)*")
"""A possibly dotted identifier (`t`, `s.t`, `s.t.col`) in free text."""

_STOP = frozenset(
    [
        "a",
        "about",
        "all",
        "also",
        "an",
        "and",
        "any",
        "are",
        "as",
        "at",
        "be",
        "been",
        "by",
        "can",
        "could",
        "did",
        "do",
        "does",
        "each",
        "find",
        "for",
        "from",
        "get",
        "give",
        "had",
        "has",
        "have",
        "how",
        "i",
        "if",
        "in",
        "into",
        "is",
        "it",
        "its",
        "list",
        "made",
        "make",
        "many",
        "me",
        "more",
        "most",
        "much",
        "my",
        "of",
        "on",
        "or",
        "our",
        "per",
        "please",
        "return",
        "show",
        "so",
        "than",
        "that",
        "the",
        "their",
        "them",
        "then",
        "there",
        "these",
        "they",
        "this",
        "those",
        "to",
        "us",
        "was",
        "we",
        "were",
        "what",
        "when",
        "where",
        "which",
        "while",
        "who",
        "whom",
        "whose",
        "why",
        "will",
        "with",
        "would",
        "you",
        "your",
        "s",
        "t",
        "d",
        "ll",
        "re",
        "ve",
    ]
)
_ABBREV = {
    "acct": "account",
    "addr": "address",
    "amt": "amount",
    "avg": "average",
    "cat": "category",
    "cnt": "count",
    "cust": "customer",
    "dept": "department",
    "desc": "description",
    "dt": "date",
    "emp": "employee",
    "nm": "name",
    "num": "number",
    "pct": "percent",
    "prod": "product",
    "qty": "quantity",
    "ts": "timestamp",
    "tx": "transaction",
    "txn": "transaction",
    "usr": "user",
}


def split_words(text: str) -> list[str]:
    """Lower-case words; identifiers split at underscores and camelCase (`sbCustId`: sb cust id)."""
    words: list[str] = []
    for chunk in _CHUNK.findall(text):
        parts = _CAMEL.findall(chunk) if chunk.isascii() else []
        words.extend(p.lower() for p in (parts or [chunk]))
    return words


def stem(word: str) -> str:
    """Plural to singular, enough for `customers`/`customer` and `categories`/`category`."""
    if len(word) <= 3 or not word.isalpha():
        return word
    if word.endswith("ies"):
        return word[:-3] + "y"
    if word.endswith(("sses", "xes", "ches", "shes")):
        return word[:-2]
    if word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def text_terms(text: str) -> list[str]:
    """Terms of free text (comments, values, glossary, questions): stopwords out, stemmed."""
    words = [w for w in split_words(text) if w not in _STOP]
    return [stem(w) for w in words] + [stem(_ABBREV[w]) for w in words if w in _ABBREV]


def identifier_terms(name: str) -> list[str]:
    """Terms of an identifier, plus the whole name so `order_items` in a question hits hard."""
    parts = split_words(name)
    return text_terms(name) + ([name.lower()] if len(parts) > 1 else [])


def question_terms(question: str) -> tuple[list[str], dict[str, str]]:
    """Sorted unique terms of a question and, for explanations, the word each came from."""
    surface: dict[str, str] = {}
    acronyms = {w.lower() for w in re.findall(r"\b[A-Z]{2,}\b", question)}  # "US" is no stopword
    for word in split_words(question):
        if word.isdigit() and len(word) < 3:  # "top 5", "last 3 months": a limit, not a name
            continue
        if word not in _STOP or word in acronyms:
            surface.setdefault(stem(word), word)
            if word in _ABBREV:
                surface.setdefault(stem(_ABBREV[word]), word)
    for raw in IDENTIFIER.findall(question):
        for part in raw.split("."):
            if len(split_words(part)) > 1:
                surface.setdefault(part.lower(), part)
    return sorted(surface), surface


def glossary_terms(catalog: Catalog, lookup: TableLookup, position: dict[str, int]) -> list[list[str]]:
    """Each glossary or instruction line counts towards the tables it names (`t`, `t.col`)."""
    out: list[list[str]] = [[] for _ in catalog.tables]
    for line in f"{catalog.context.glossary}\n{catalog.context.instructions}".splitlines():
        named: set[int] = set()
        for raw in IDENTIFIER.findall(line):
            parts = raw.split(".")
            for end in range(len(parts), 0, -1):
                found = lookup.table(".".join(parts[:end])) if len(parts[end - 1]) > 2 else None
                if found is not None:
                    named.add(position[found.qualified])
                    break
        for i in sorted(named):
            out[i].extend(text_terms(line))
    return out
