"""The course's standard data, built once per process: toy and Lee corpora with their counts.

Introduced in 01_cooccurrence. Every later notebook starts from `lee()` or `toy()` so that
all sessions see the same vocabulary and the same counts.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

import numpy as np
import scipy.sparse as sp

from . import cooccurrence, corpus
from .cache import cached, fingerprint

if TYPE_CHECKING:  # glove is imported on use: numba (its trainer) takes a while to import
    from . import glove

GLOVE_FIELDS = ("W", "W_context", "b", "b_context", "costs")  # the arrays of a cached fit


@dataclass(frozen=True)
class CountedCorpus:
    """A corpus as documents of ids, its vocabulary, and symmetric windowed counts X.

    `docs` is a tuple of int64 arrays (out-of-vocabulary tokens dropped before windowing),
    `X` the (|V|, |V|) CSR counts with window 10, 1/d weights, both directions.
    """

    vocab: corpus.Vocabulary
    docs: tuple
    X: sp.csr_matrix


@lru_cache(maxsize=8)
def lee(min_count: int = 5, window: int = 10) -> CountedCorpus:
    """The Lee news corpus counted as GloVe's reference tools count it (min_count 5, window 10).

    Introduced in 01_cooccurrence.
    """
    documents = corpus.lee_documents()
    vocab = corpus.Vocabulary.build(documents, min_count=min_count)
    docs = tuple(vocab.encode(d, unknown="drop") for d in documents)
    return CountedCorpus(vocab, docs, cooccurrence.count(list(docs), len(vocab), window=window))


@lru_cache(maxsize=8)
def toy(window: int = 4) -> CountedCorpus:
    """The toy "bank" corpus, every word kept, sentences as documents.

    Introduced in 01_cooccurrence.
    """
    sentences = corpus.toy_corpus()
    vocab = corpus.Vocabulary.build(sentences)
    docs = tuple(vocab.encode(s) for s in sentences)
    return CountedCorpus(vocab, docs, cooccurrence.count(list(docs), len(vocab), window=window))


@lru_cache(maxsize=2)
def wiki(min_count: int = 5, window: int = 10) -> CountedCorpus:
    """gensim's Wikipedia excerpt (`corpus.wiki_documents`) counted like Lee: min_count 5,
    window 10, 1/d weights, both directions; the tokens are cached on disk (parsing the
    compressed XML takes seconds, counting a fraction of one). Introduced in 02b_glove_in_depth.
    """
    import gensim

    def parse():
        documents = corpus.wiki_documents()
        return {"tokens": np.array([t for d in documents for t in d]),
                "lengths": np.array([len(d) for d in documents])}

    arrays = cached("wiki-tokens", {"file": corpus.WIKI_FILE, "gensim": gensim.__version__},
                    parse, producers=(corpus,))
    tokens = [str(t) for t in arrays["tokens"]]
    ends = np.cumsum(arrays["lengths"])
    documents = [tokens[end - n:end] for end, n in zip(ends, arrays["lengths"], strict=True)]
    vocab = corpus.Vocabulary.build(documents, min_count=min_count)
    docs = tuple(vocab.encode(d, unknown="drop") for d in documents)
    return CountedCorpus(vocab, docs, cooccurrence.count(list(docs), len(vocab), window=window))


def wiki_glove(dim: int = 100, epochs: int = 50, x_max: float = 10.0, seed: int = 0,
               progress=None) -> glove.GloVe:
    """GloVe trained on the Wikipedia excerpt's counts (`wiki()`), cached like `lee_glove`:
    about half a minute on two cores the first time. Introduced in 02b_glove_in_depth."""
    from . import glove

    glove.weighting(1.0, x_max)  # checks x_max before it enters the cache key
    return _cached_glove("glove-wiki", lambda: wiki().X, fingerprint(wiki().X), dim, epochs,
                         x_max, seed, progress)


def stream(counted: CountedCorpus) -> np.ndarray:
    """All documents' ids in one (n,) array (for statistics that ignore document breaks)."""
    if not isinstance(counted, CountedCorpus):
        raise TypeError(f"counted must be a CountedCorpus (data.lee() or data.toy()), got "
                        f"{type(counted).__name__}.")
    return np.concatenate(counted.docs)


def lee_counts(direction: str = "both", window: int = 10, weighting: str = "harmonic",
               min_count: int = 5) -> sp.csr_matrix:
    """Counts of the Lee corpus in one direction ("both", "right" or "left"), (|V|, |V|) CSR."""
    counted = lee(min_count)
    return cooccurrence.count(list(counted.docs), len(counted.vocab), window, weighting, direction)


def lee_glove(dim: int = 50, epochs: int = 50, x_max: float = 100.0, direction: str = "both",
              seed: int = 0, progress=None) -> glove.GloVe:
    """GloVe trained on the Lee counts (min_count 5, window 10, 1/d weights), cached on disk.

    The first call trains (a second or two) and saves the result under the course cache folder
    (see helpers.cache); later calls, from any notebook, load it. The cache key holds the
    settings, a fingerprint of the counts and the source of helpers.glove, so a change to any
    of them trains afresh. Training is deterministic, so a cached and a fresh fit are
    identical. `progress(epoch, cost)` is passed to `glove.train` (it is not called when the
    fit comes from the cache). Introduced in 02_glove.
    """
    from . import glove

    glove.weighting(1.0, x_max)  # checks x_max before it enters the cache key
    return _cached_glove(f"glove-lee-{direction}", lambda: lee_counts(direction),
                         _lee_counts_fingerprint(direction), dim, epochs, x_max, seed, progress)


def _cached_glove(name, counts, counts_key, dim, epochs, x_max, seed, progress) -> glove.GloVe:
    """A GloVe fit of `counts()` under the cache key (name, counts_key, settings, glove.py)."""
    from . import glove

    def fit():
        result = glove.train(counts(), dim=dim, x_max=x_max, epochs=epochs, seed=seed,
                             progress=progress)
        return {k: getattr(result, k) for k in GLOVE_FIELDS}

    params = {"counts": counts_key, "dim": dim, "epochs": epochs, "x_max": float(x_max),
              "seed": seed}
    arrays = cached(name, params, fit, producers=(glove,))
    return glove.GloVe(*(arrays[k] for k in GLOVE_FIELDS))


@lru_cache(maxsize=8)
def _lee_counts_fingerprint(direction: str) -> str:
    """`cache.fingerprint` of `lee_counts(direction)`, computed once per process."""
    return fingerprint(lee_counts(direction))
