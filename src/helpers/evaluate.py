"""Judging word vectors: similarity benchmarks, analogies and nearest neighbours.

Introduced in 02_glove. Every score comes with the number of benchmark items it covers
(both or all four words in the vocabulary): on a small corpus most items are missing, and a
score over 40 pairs means less than one over 300. `bootstrap_interval` makes that visible.
"""

from dataclasses import dataclass

import numpy as np

from . import validate
from .corpus import Vocabulary
from .correlation import spearman, spearman_rows
from .validate import number, real_array, whole_number


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
    """3CosAdd accuracy: `correct` of the `covered` questions (of `total`) answered right.

    `hits` (covered,) says which covered question was answered right, in question order.
    """

    accuracy: float
    correct: int
    covered: int
    total: int
    hits: np.ndarray


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
    if isinstance(pairs, (str, dict)) or not all(
            isinstance(p, (tuple, list)) and len(p) == 3 and isinstance(p[0], str)
            and isinstance(p[1], str) for p in pairs):
        raise TypeError("pairs must be a list of (word_1, word_2, score) triples, as "
                        "corpus.similarity_pairs returns.")
    real_array([p[2] for p in pairs], "pairs (their human scores)", 1)
    kept = [(vocab.index[a], vocab.index[b], s) for a, b, s in pairs
            if a in vocab and b in vocab]
    if len(kept) < 3:
        raise ValueError(
            f"Only {len(kept)} of {len(pairs)} pairs have both words in the vocabulary; need "
            "at least 3. Use a bigger corpus or a lower min_count."
        )
    a, b, human = (np.array(c) for c in zip(*kept, strict=True))
    cosines = np.einsum("nd,nd->n", unit[a], unit[b])  # (covered,)
    if np.ptp(cosines) == 0 or np.ptp(human) == 0:
        raise ValueError("The covered pairs all have the same cosine (check vectors) or the "
                         "same human score (check pairs): Spearman's ρ is undefined.")
    rho = spearman(cosines, human)[0]
    return Similarity(float(rho), len(kept), len(pairs), cosines, human.astype(float))


def bootstrap_interval(result: Similarity, n_resamples=2000, level=0.95, seed=0):
    """Percentile bootstrap interval (low, high) for Spearman's ρ, resampling covered pairs.

    Each resample draws `covered` pairs with replacement (seeded) and recomputes ρ; all
    resamples are ranked and correlated at once (no loop over resamples). Introduced in
    02_glove.
    """
    validate.instance(result, "result", Similarity, "Pass what similarity() returns.")
    level = number(level, "level", above=0, below=1)
    n_resamples = whole_number(n_resamples, "n_resamples", minimum=10)
    whole_number(seed, "seed", minimum=0)
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
    questions in chunks of `chunk`. When no question has all four words in `vocab`, the result
    has covered = 0 and accuracy NaN (there is nothing to score). Introduced in 02_glove.
    """
    chunk = whole_number(chunk, "chunk")
    if isinstance(questions, dict):
        questions = [q for section in questions.values() for q in section]
    if isinstance(questions, str) or not questions or not all(
            isinstance(q, (tuple, list)) and len(q) == 4 and all(isinstance(w, str) for w in q)
            for q in questions):
        raise TypeError("questions must be a non-empty list of (a, b, c, d) word quadruples or "
                        "the dict corpus.analogy_questions returns.")
    unit = normalise(vectors)
    _check_rows(unit, vocab)
    kept = np.array([[vocab.index[w] for w in q] for q in questions
                     if all(w in vocab for w in q)], dtype=np.int64).reshape(-1, 4)
    if len(kept) == 0:
        return Analogy(float("nan"), 0, 0, len(questions), np.zeros(0, dtype=bool))
    hits = []
    for start in range(0, len(kept), chunk):
        a, b, c, d = kept[start:start + chunk].T
        scores = (unit[b] - unit[a] + unit[c]) @ unit.T  # (n, |V|)
        rows = np.arange(len(a))
        for excluded in (a, b, c):
            scores[rows, excluded] = -np.inf
        hits.append(scores.argmax(axis=1) == d)
    hits = np.concatenate(hits)
    return Analogy(float(hits.mean()), int(hits.sum()), len(kept), len(questions), hits)


def paired_difference(a, b, n_resamples=2000, level=0.95, seed=0):
    """(difference, low, high): score of `a` minus score of `b` on the same items, with a
    percentile bootstrap interval that resamples the items once for both.

    `a` and `b` are two `Similarity` results on the same pairs (ρ_a − ρ_b) or two `Analogy`
    results on the same questions (accuracy_a − accuracy_b): the same vocabulary covers the
    same items. Pairing removes the items' own difficulty from the comparison, so the interval
    is narrower than two separate intervals suggest. Introduced in 02b_glove_in_depth.
    """
    kinds = (Similarity, Analogy)
    validate.instance(a, "a", kinds, "Pass what similarity() or analogy() returns.")
    validate.instance(b, "b", type(a), "Pass two results of the same kind.")
    level = number(level, "level", above=0, below=1)
    n_resamples = whole_number(n_resamples, "n_resamples", minimum=10)
    whole_number(seed, "seed", minimum=0)
    same = (a.covered == b.covered and (isinstance(a, Analogy)
                                        or np.array_equal(a.human, b.human)))
    if not same or a.covered == 0:
        raise ValueError(f"a and b must score the same items (covered {a.covered} and "
                         f"{b.covered}): use one vocabulary for both.")
    picks = np.random.default_rng(seed).integers(0, a.covered, size=(n_resamples, a.covered))
    if isinstance(a, Similarity):
        scores = [spearman_rows(r.cosines[picks], r.human[picks]) for r in (a, b)]
        difference = a.rho - b.rho
    else:
        scores = [r.hits[picks].mean(axis=1) for r in (a, b)]
        difference = a.accuracy - b.accuracy
    resampled = scores[0] - scores[1]
    resampled = resampled[np.isfinite(resampled)]
    tail = (1 - level) / 2
    low, high = np.quantile(resampled, [tail, 1 - tail])
    return float(difference), float(low), float(high)


def nearest(vectors, vocab, word, k=10):
    """The `k` words closest to `word` by cosine, as a list of (word, cosine), itself excluded.

    Introduced in 02_glove.
    """
    unit = normalise(vectors)
    _check_rows(unit, vocab)
    validate.text(word, "word")
    if word not in vocab:
        raise ValueError(f"word {word!r} is not in the vocabulary ({len(vocab)} words).")

    whole_number(k, "k")
    u = vocab.index[word]
    cosines = unit @ unit[u]  # (|V|,)
    cosines[u] = -np.inf
    top = np.argsort(-cosines, kind="stable")[:k]
    return [(vocab.words[i], float(cosines[i])) for i in top]


def _check_vectors(vectors):
    return real_array(vectors, "vectors", 2, shape="(|V|, d)")


def _check_rows(vectors, vocab):
    validate.instance(vocab, "vocab", Vocabulary, "Build it with Vocabulary.build.")
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
    from .data import CountedCorpus

    validate.instance(counted, "counted", CountedCorpus, "Use data.lee() or data.toy().")
    for name, value in (("dim", dim), ("window", window), ("epochs", epochs)):
        whole_number(value, name)
    whole_number(seed, "seed", minimum=0)
    if sg not in (0, 1) or isinstance(sg, bool):
        raise ValueError(f"sg must be 1 (skip-gram) or 0 (CBOW), got {sg!r}.")
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
