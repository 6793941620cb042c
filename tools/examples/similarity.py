"""The nearest verified questions to a new one: TF-IDF cosine over an inverted index of words.

Question wording is short and domain words carry the meaning ("revenue", "region", "churned"), so
weighted word overlap finds the examples a person would pick, with no model and no download.
Rare words are looked up in posting lists, so only examples sharing one are touched; words common
across the store ("total", "customers") would make those lists as long as the store, so each of
them is kept as a dense column of weights and added a whole column at a time (C loops, not Python
ones). That keeps a lookup in milliseconds at ten thousand examples (benchmarks/examples_retrieval.py).
"""

from __future__ import annotations

import heapq
import math
import operator
import re
from array import array
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from itertools import compress, repeat

from tools.examples.example import Example

_WORD = re.compile(r"[^\W_]+", re.UNICODE)
STOPWORDS = frozenset(
    [
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "by",
        "did",
        "do",
        "does",
        "for",
        "from",
        "had",
        "has",
        "have",
        "how",
        "i",
        "in",
        "is",
        "it",
        "its",
        "me",
        "my",
        "of",
        "on",
        "or",
        "our",
        "show",
        "list",
        "give",
        "tell",
        "that",
        "the",
        "their",
        "them",
        "there",
        "these",
        "they",
        "this",
        "those",
        "to",
        "was",
        "we",
        "were",
        "what",
        "when",
        "where",
        "which",
        "who",
        "whom",
        "whose",
        "why",
        "will",
        "with",
        "you",
        "your",
        "per",
        "each",
        "all",
        "any",
    ]
)
DENSE_MIN = 64  # a word in at least this many examples (and 1 in 50) gets a dense column
DENSE_MAX_WORDS = 256  # at most this many dense columns (memory: 8 bytes per example each)


def words(text: str) -> list[str]:
    """The content words of a question, folded so "orders" meets "order"."""
    return [_stem(raw) for raw in _WORD.findall(text.lower()) if raw not in STOPWORDS]


def _stem(word: str) -> str:
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


class ExampleIndex:
    """Examples searchable by question similarity; built once per set of examples.

    Stored weights already carry the word's idf and the example's norm, so a query adds, per
    word it holds, its own log-scaled count times the stored weight; dividing by the query's
    norm (the same for every example) is left to the end and changes no order."""

    def __init__(self, examples: Sequence[Example]) -> None:
        self.examples = tuple(examples)
        n = len(self.examples)
        counts: list[dict[str, int]] = []
        doc_freq: dict[str, int] = defaultdict(int)
        for example in self.examples:
            tf: dict[str, int] = defaultdict(int)
            for word in words(example.question):
                tf[word] += 1
            counts.append(tf)
            for word in tf:
                doc_freq[word] += 1
        self._idf = {word: math.log(1 + n / df) for word, df in doc_freq.items()}
        postings: dict[str, list[tuple[int, float]]] = defaultdict(list)
        for position, tf in enumerate(counts):
            weights = {w: (1 + math.log(c)) * self._idf[w] for w, c in tf.items()}
            norm = math.sqrt(sum(v * v for v in weights.values())) or 1.0
            for word, weight in weights.items():
                postings[word].append((position, weight * self._idf[word] / norm))
        common = sorted((w for w, df in doc_freq.items() if df >= max(DENSE_MIN, n // 50)), key=lambda w: -doc_freq[w])
        self._dense: dict[str, array[float]] = {}
        for word in common[:DENSE_MAX_WORDS]:
            column = array("d", bytes(8 * n))
            for position, weight in postings.pop(word):
                column[position] = weight
            self._dense[word] = column
        self._postings = dict(postings)

    def scored(self, question: str) -> list[tuple[float, Example]]:
        """Every example sharing a word with `question`, most similar first (cosine in 0..1)."""
        return [(score, self.examples[position]) for score, position in self._ranked(question)]

    def nearest(self, question: str, limit: int, accept: Callable[[Example], bool] = lambda _: True) -> list[Example]:
        """The `limit` most similar examples that `accept` lets through, judged lazily in order of
        similarity (accepting may run the guard, which costs milliseconds per example)."""
        chosen: list[Example] = []
        if limit <= 0:
            return chosen
        for _, position in self._ranked(question, first=limit * 4):
            example = self.examples[position]
            if accept(example):
                chosen.append(example)
                if len(chosen) == limit:
                    break
        return chosen

    def _query(self, question: str) -> dict[str, float]:
        tf: dict[str, int] = defaultdict(int)
        for word in words(question):
            if word in self._idf:
                tf[word] += 1
        return {w: 1 + math.log(c) for w, c in tf.items()}

    def _ranked(self, question: str, first: int = 0) -> Iterator[tuple[float, int]]:
        """(cosine, position) for every example sharing a word, best first (ties: stored order).
        With `first`, the best `first` come from a partial selection and the rest only if asked."""
        query = self._query(question)
        if not query:
            return
        norm = math.sqrt(sum((f * self._idf[w]) ** 2 for w, f in query.items())) or 1.0
        scores = self._scores(query)
        if isinstance(scores, dict):
            for position in sorted(scores, key=lambda p: (-scores[p], p)):
                yield scores[position] / norm, position
            return
        # dense: a threshold from C-level selection, then only the examples at or above it; the
        # rest are sorted only if the caller reads past them (every one of those was refused)
        cut = heapq.nlargest(first, scores)[-1] if first and first < len(scores) else 0.0
        floor = max(cut, 1e-12)
        positions = range(len(scores))
        head = list(compress(positions, map(operator.ge, scores, repeat(floor))))
        head.sort(key=lambda p: (-scores[p], p))
        for position in head:
            yield scores[position] / norm, position
        if floor > 1e-12:
            rest = [p for p in compress(positions, map(operator.gt, scores, repeat(0.0))) if scores[p] < floor]
            rest.sort(key=lambda p: (-scores[p], p))
            for position in rest:
                yield scores[position] / norm, position

    def _scores(self, query: dict[str, float]) -> dict[int, float] | list[float]:
        """Each example's score: a dense list when a common word is asked, else a sparse dict."""
        dense = [(w, f) for w, f in query.items() if w in self._dense]
        sparse = [(w, f) for w, f in query.items() if w not in self._dense]
        if dense:
            acc: list[float] = []
            for word, factor in dense:
                column: Sequence[float] = self._dense[word]
                if factor != 1:
                    column = list(map(operator.mul, column, repeat(factor)))
                acc = list(map(operator.add, acc, column)) if acc else list(column)
            for word, factor in sparse:
                for position, weight in self._postings[word]:
                    acc[position] += factor * weight
            return acc
        found: dict[int, float] = defaultdict(float)
        for word, factor in sparse:
            for position, weight in self._postings[word]:
                found[position] += factor * weight
        return found
