"""The nearest verified questions to a new one: TF-IDF cosine over an inverted index of words.

Question wording is short and domain words carry the meaning ("revenue", "region", "churned"), so
weighted word overlap finds the examples a person would pick, with no model and no download. The
inverted index touches only the examples that share a word with the question, which keeps a
lookup in milliseconds at ten thousand examples (benchmarks/examples_retrieval.py).
"""

from __future__ import annotations

import heapq
import math
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence

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


def words(text: str) -> list[str]:
    """The content words of a question, folded so "orders" meets "order"."""
    out = []
    for raw in _WORD.findall(text.lower()):
        if raw in STOPWORDS:
            continue
        out.append(_stem(raw))
    return out


def _stem(word: str) -> str:
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


class ExampleIndex:
    """Examples searchable by question similarity; built once per set of examples."""

    def __init__(self, examples: Sequence[Example]) -> None:
        self.examples = tuple(examples)
        postings: dict[str, list[tuple[int, float]]] = defaultdict(list)
        counts: list[dict[str, int]] = []
        for example in self.examples:
            tf: dict[str, int] = defaultdict(int)
            for word in words(example.question):
                tf[word] += 1
            counts.append(tf)
        n = max(len(self.examples), 1)
        doc_freq: dict[str, int] = defaultdict(int)
        for tf in counts:
            for word in tf:
                doc_freq[word] += 1
        self._idf = {word: math.log(1 + n / df) for word, df in doc_freq.items()}
        self._norms: list[float] = []
        for position, tf in enumerate(counts):
            weights = {w: (1 + math.log(c)) * self._idf[w] for w, c in tf.items()}
            norm = math.sqrt(sum(v * v for v in weights.values())) or 1.0
            self._norms.append(norm)
            for word, weight in weights.items():
                postings[word].append((position, weight / norm))
        self._postings = dict(postings)

    def scored(self, question: str) -> list[tuple[float, Example]]:
        """Every example sharing a word with `question`, most similar first (cosine in 0..1)."""
        return [(score, self.examples[position]) for score, position in _best_first(self.scored_pairs(question))]

    def nearest(
        self,
        question: str,
        limit: int,
        accept: Callable[[Example], bool] = lambda _: True,
    ) -> list[Example]:
        """The `limit` most similar examples that `accept` lets through, judged lazily in order of
        similarity (accepting may run the guard, which costs milliseconds per example)."""
        if limit <= 0:
            return []
        chosen: list[Example] = []
        for _, position in _best_first(self.scored_pairs(question)):
            example = self.examples[position]
            if accept(example):
                chosen.append(example)
                if len(chosen) == limit:
                    break
        return chosen

    def scored_pairs(self, question: str) -> list[tuple[float, int]]:
        """(score, position) of every example sharing a word with the question, unordered."""
        tf: dict[str, int] = defaultdict(int)
        for word in words(question):
            if word in self._idf:
                tf[word] += 1
        query = {w: (1 + math.log(c)) * self._idf[w] for w, c in tf.items()}
        norm = math.sqrt(sum(v * v for v in query.values())) or 1.0
        scores: dict[int, float] = defaultdict(float)
        for word, weight in query.items():
            q = weight / norm
            for position, d in self._postings[word]:
                scores[position] += q * d
        return [(score, position) for position, score in scores.items()]


def _best_first(pairs: Iterable[tuple[float, int]]) -> Iterator[tuple[float, int]]:
    """Pairs in descending score (ties by position, so the order is stable), heap-popped lazily:
    most lookups stop after the first few."""
    heap = [(-score, position) for score, position in pairs]
    heapq.heapify(heap)
    while heap:
        negative, position = heapq.heappop(heap)
        yield -negative, position
