"""The example index ranks exactly as scoring every example would, on its sparse and dense paths."""

from __future__ import annotations

import math
import random

from tools.examples import Example, ExampleIndex, Origin, words
from tools.examples.similarity import DENSE_MIN

VOCAB = [
    "revenue",
    "orders",
    "customers",
    "region",
    "month",
    "store",
    "product",
    "refunds",
    "churn",
    "margin",
    "segment",
    "city",
]


def brute(examples: list[Example], question: str) -> list[tuple[float, str]]:
    n = len(examples)
    docs = [dict.fromkeys(words(e.question), 0) for e in examples]
    for doc, e in zip(docs, examples, strict=True):
        for w in words(e.question):
            doc[w] += 1
    df: dict[str, int] = {}
    for doc in docs:
        for w in doc:
            df[w] = df.get(w, 0) + 1
    idf = {w: math.log(1 + n / d) for w, d in df.items()}

    def vec(counts: dict[str, int]) -> dict[str, float]:
        v = {w: (1 + math.log(c)) * idf[w] for w, c in counts.items() if w in idf}
        norm = math.sqrt(sum(x * x for x in v.values())) or 1.0
        return {w: x / norm for w, x in v.items()}

    q_counts: dict[str, int] = {}
    for w in words(question):
        q_counts[w] = q_counts.get(w, 0) + 1
    q = vec(q_counts)
    out = []
    for e, doc in zip(examples, docs, strict=True):
        d = vec(doc)
        score = sum(q[w] * d.get(w, 0.0) for w in q)
        if score > 0:
            out.append((score, e.id))
    out.sort(key=lambda pair: -pair[0])
    return out


def make(n: int, seed: int) -> list[Example]:
    rng = random.Random(seed)
    return [
        Example(
            f"ex-{i}", "db", " ".join(rng.choices(VOCAB, k=rng.randint(2, 6))) + f" w{i % 37}", "SELECT 1", Origin.ADDED
        )
        for i in range(n)
    ]


def test_ranking_matches_scoring_every_example_sparse_and_dense() -> None:
    for n in (40, DENSE_MIN * 5):  # the second is large enough for dense columns
        examples = make(n, seed=n)
        index = ExampleIndex(examples)
        assert bool(index._dense) == (n > DENSE_MIN)
        rng = random.Random(1)
        for _ in range(25):
            question = " ".join(rng.choices(VOCAB, k=3)) + " w5"
            got = index.scored(question)
            want = brute(examples, question)
            assert [round(s, 9) for s, _ in got] == [round(s, 9) for s, _ in want]
            assert len(got) == len(want)


def test_nearest_skips_what_accept_refuses_and_stops_at_the_limit() -> None:
    examples = make(DENSE_MIN * 5, seed=3)
    index = ExampleIndex(examples)
    question = "revenue per region per month"
    ranked = [e.id for _, e in index.scored(question)]
    refused = set(ranked[:15])  # more than the partial selection's first pass
    chosen = index.nearest(question, 3, accept=lambda e: e.id not in refused)
    assert [e.id for e in chosen] == [i for i in ranked if i not in refused][:3]
    assert index.nearest(question, 0) == [] and index.nearest("zzz unknown words", 3) == []


def test_words_fold_plurals_and_drop_stopwords() -> None:
    assert words("How many Orders per Customer, by cities?") == ["many", "order", "customer", "city"]
