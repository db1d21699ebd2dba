"""Judging word vectors: similarity benchmarks, analogies and nearest neighbours.

Introduced in 02_glove. Every score comes with the number of benchmark items it covers
(both or all four words in the vocabulary): on a small corpus most items are missing, and a
score over 40 pairs means less than one over 300. `bootstrap_interval` makes that visible.
"""

from dataclasses import dataclass

import numpy as np

from .correlation import spearman, spearman_rows
from .validate import whole_number


@dataclass(frozen=True)
class Similarity:
    """Spearman's ρ between cosine and human scores on the `covered` of `total` pairs."""

    rho: float
    covered: int
    total: int
    cosines: np.ndarray  # (covered,) model cosine per covered pair
    human: np.ndarray  # (covered,) human score per covered pair


@dataclass(frozen=True)
class Analogy:
    """3CosAdd accuracy: `correct` of the `covered` questions (of `total`) answered right."""

    accuracy: float
    correct: int
    covered: int
    total: int


def normalise(vectors) -> np.ndarray:
    """Rows scaled to unit length (|V|, d); all-zero rows stay zero. Introduced in 02_glove."""
    vectors = _check_vectors(vectors)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return np.divide(vectors, norms, out=np.zeros_like(vectors), where=norms > 0)


def similarity(vectors, vocab, pairs) -> Similarity:
    """Spearman correlation of cosine(word_1, word_2) with the human score over covered pairs.

    `vectors` (|V|, d) rows indexed by `vocab` ids; `pairs` a list of (word_1, word_2, score)
    as `corpus.similarity_pairs` returns. Pairs with a word outside `vocab` are skipped and
    counted. Introduced in 02_glove.
    """
    unit = normalise(vectors)
    _check_rows(unit, vocab)
    kept = [(vocab.index[a], vocab.index[b], s) for a, b, s in pairs
            if a in vocab and b in vocab]
    if len(kept) < 3:
        raise ValueError(
            f"Only {len(kept)} of {len(pairs)} pairs have both words in the vocabulary; need "
            "at least 3. Use a bigger corpus or a lower min_count."
        )
    a, b, human = (np.array(c) for c in zip(*kept, strict=True))
    cosines = np.einsum("nd,nd->n", unit[a], unit[b])  # (covered,)
    rho = spearman(cosines, human)[0]
    return Similarity(float(rho), len(kept), len(pairs), cosines, human.astype(float))


def bootstrap_interval(result: Similarity, n_resamples=2000, level=0.95, seed=0):
    """Percentile bootstrap interval (low, high) for Spearman's ρ, resampling covered pairs.

    Each resample draws `covered` pairs with replacement (seeded) and recomputes ρ; all
    resamples are ranked and correlated at once (no loop over resamples). Introduced in
    02_glove.
    """
    if not 0 < level < 1:
        raise ValueError(f"level must lie strictly between 0 and 1, got {level}.")
    if isinstance(n_resamples, bool) or not isinstance(n_resamples, int) or n_resamples < 10:
        raise ValueError(f"n_resamples must be a whole number >= 10, got {n_resamples!r}.")
    rng = np.random.default_rng(seed)
    picks = rng.integers(0, result.covered, size=(n_resamples, result.covered))
    rho = spearman_rows(result.cosines[picks], result.human[picks])  # (n_resamples,)
    rho = rho[np.isfinite(rho)]
    tail = (1 - level) / 2
    low, high = np.quantile(rho, [tail, 1 - tail])
    return float(low), float(high)


def analogy(vectors, vocab, questions, chunk=512) -> Analogy:
    """3CosAdd accuracy on the questions whose four words are all in `vocab`.

    For "a is to b as c is to d" the answer is the word closest by cosine to
    b̂ − â + ĉ (unit vectors), excluding a, b and c themselves. `questions` is a list of
    (a, b, c, d) or the dict of sections `corpus.analogy_questions` returns. Vectorised over
    questions in chunks of `chunk`. Introduced in 02_glove.
    """
    if isinstance(questions, dict):
        questions = [q for section in questions.values() for q in section]
    unit = normalise(vectors)
    _check_rows(unit, vocab)
    kept = np.array([[vocab.index[w] for w in q] for q in questions
                     if all(w in vocab for w in q)], dtype=np.int64).reshape(-1, 4)
    if len(kept) == 0:
        return Analogy(float("nan"), 0, 0, len(questions))
    correct = 0
    for start in range(0, len(kept), chunk):
        a, b, c, d = kept[start:start + chunk].T
        scores = (unit[b] - unit[a] + unit[c]) @ unit.T  # (n, |V|)
        rows = np.arange(len(a))
        for excluded in (a, b, c):
            scores[rows, excluded] = -np.inf
        correct += int(np.sum(scores.argmax(axis=1) == d))
    return Analogy(correct / len(kept), correct, len(kept), len(questions))


def nearest(vectors, vocab, word, k=10):
    """The `k` words closest to `word` by cosine, as a list of (word, cosine), itself excluded.

    Introduced in 02_glove.
    """
    unit = normalise(vectors)
    _check_rows(unit, vocab)
    if word not in vocab:
        raise ValueError(f"'{word}' is not in the vocabulary ({len(vocab)} words).")
    whole_number(k, "k")
    u = vocab.index[word]
    cosines = unit @ unit[u]  # (|V|,)
    cosines[u] = -np.inf
    top = np.argsort(-cosines, kind="stable")[:k]
    return [(vocab.words[i], float(cosines[i])) for i in top]


def _check_vectors(vectors):
    vectors = np.asarray(vectors, dtype=float)
    if vectors.ndim != 2:
        raise ValueError(f"vectors must be a (|V|, d) array, got shape {vectors.shape}.")
    return vectors


def _check_rows(vectors, vocab):
    if vectors.shape[0] != len(vocab):
        raise ValueError(
            f"vectors has {vectors.shape[0]} rows but the vocabulary has {len(vocab)} words: "
            "pass the vocabulary the vectors were trained on."
        )


def word2vec_vectors(counted, dim=50, window=10, epochs=20, sg=1, seed=0):
    """gensim's Word2Vec trained on the same tokens as `counted`, rows aligned with its vocab.

    Skip-gram (`sg=1`) with negative sampling, one worker thread and a fixed seed, so the
    result is reproducible; it is cached on disk (see helpers.cache) because 20 epochs take
    several seconds, keyed by the tokens, the settings, gensim's version and this module's
    code. Returns (|V|, dim). Introduced in 02_glove.
    """
    import sys

    import gensim
    from gensim.models import Word2Vec

    from .cache import cached

    vocab = counted.vocab

    def compute():
        sentences = [vocab.decode(doc) for doc in counted.docs]
        model = Word2Vec(sentences, vector_size=dim, window=window, min_count=1, sg=sg,
                         epochs=epochs, seed=seed, workers=1)
        return {"vectors": np.stack([model.wv[w] for w in vocab.words]).astype(float)}

    params = {"words": list(vocab.words), "docs": list(counted.docs), "dim": dim,
              "window": window, "epochs": epochs, "sg": sg, "seed": seed,
              "gensim": gensim.__version__}
    return cached("word2vec", params, compute, producers=(sys.modules[__name__],))["vectors"]
