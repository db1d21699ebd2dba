"""Tests for helpers.cooccurrence: identities, validation, and GloVe's reference counts."""

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from helpers import cooccurrence as co
from helpers import corpus


def brute_force_right(docs, vocab_size, window, weighting="harmonic"):
    """X_right by the definition: a plain loop over positions and distances."""
    X = np.zeros((vocab_size, vocab_size))
    for doc in docs:
        for p in range(len(doc)):
            for d in range(1, window + 1):
                if p + d < len(doc):
                    weight = {"harmonic": 1 / d, "flat": 1.0,
                              "linear": (window - d + 1) / window}[weighting]
                    X[doc[p], doc[p + d]] += weight
    return X


@st.composite
def corpora(draw):
    """(docs, vocab_size, window): a few short documents over a small vocabulary."""
    vocab_size = draw(st.integers(1, 6))
    docs = draw(st.lists(st.lists(st.integers(0, vocab_size - 1), max_size=15),
                         min_size=1, max_size=4))
    if sum(map(len, docs)) == 0:
        docs[0] = [0]
    window = draw(st.integers(1, 6))
    return [np.array(d, dtype=np.int64) for d in docs], vocab_size, window


@settings(max_examples=60, deadline=None)
@given(corpora(), st.sampled_from(co.WEIGHTINGS))
def test_identities(data, weighting):
    docs, V, K = data
    X = co.count(docs, V, K, weighting, "both").toarray()
    X_right = co.count(docs, V, K, weighting, "right").toarray()
    X_left = co.count(docs, V, K, weighting, "left").toarray()
    np.testing.assert_allclose(X, X_left + X_right, atol=1e-12)
    np.testing.assert_allclose(X_left, X_right.T, atol=1e-12)
    np.testing.assert_allclose(X, X.T, atol=1e-12)
    np.testing.assert_allclose(X_right, brute_force_right(docs, V, K, weighting), atol=1e-12)


@settings(max_examples=60, deadline=None)
@given(corpora())
def test_offset_decomposition(data):
    docs, V, K = data
    X_right = co.count(docs, V, K, "harmonic", "right").toarray()
    total = sum(co.offset_counts(docs, V, d).toarray() / d for d in range(1, K + 1))
    np.testing.assert_allclose(total, X_right, atol=1e-12)
    flat = sum(co.offset_counts(docs, V, d).toarray() for d in range(1, K + 1))
    np.testing.assert_allclose(flat, co.count(docs, V, K, "flat", "right").toarray())


@settings(max_examples=40, deadline=None)
@given(corpora())
def test_documents_never_cross(data):
    docs, V, K = data
    together = co.count(docs, V, K).toarray()
    apart = sum(co.count([d], V, K).toarray() for d in docs if len(d))
    np.testing.assert_allclose(together, apart, atol=1e-12)
    one_stream = co.count(np.concatenate(docs), V, K, direction="right").toarray()
    np.testing.assert_allclose(one_stream, brute_force_right([np.concatenate(docs)], V, K))


def test_output_type_and_input_forms():
    X = co.count([0, 1, 2, 1], 3, window=2)
    assert sp.isspmatrix_csr(X) and X.dtype == np.float64 and X.shape == (3, 3)
    np.testing.assert_allclose(X.toarray(), co.count(np.array([0, 1, 2, 1]), 3, 2).toarray())
    np.testing.assert_allclose(X.toarray(), co.count([[0, 1, 2, 1]], 3, 2).toarray())
    np.testing.assert_allclose(X.toarray(), [[0, 1, .5], [1, 1, 2], [.5, 2, 0]])


def test_sparse_accumulation_matches_dense(monkeypatch):
    rng = np.random.default_rng(0)
    docs = [rng.integers(0, 30, size=n) for n in (40, 7, 55)]
    dense = co.count(docs, 30, 5).toarray()
    monkeypatch.setattr(co, "_DENSE_LIMIT", 10)
    np.testing.assert_allclose(co.count(docs, 30, 5).toarray(), dense)


@pytest.mark.parametrize("kwargs, message", [
    ({"ids": [0, 3], "vocab_size": 3}, r"0\.\.2"),
    ({"ids": [-1, 0], "vocab_size": 3}, r"0\.\.2"),
    ({"ids": [0, 1], "vocab_size": 3, "window": 0}, "window"),
    ({"ids": [0, 1], "vocab_size": 3, "window": -2}, "window"),
    ({"ids": [0, 1], "vocab_size": 3, "window": 2.0}, "window"),
    ({"ids": [], "vocab_size": 3}, "non-empty"),
    ({"ids": [np.array([], dtype=int)], "vocab_size": 3}, "non-empty"),
    ({"ids": np.array([0.0, 1.0]), "vocab_size": 3}, "integers"),
    ({"ids": [[0, 1], [0.5]], "vocab_size": 3}, "integers"),
    ({"ids": [np.zeros((2, 2), dtype=int)], "vocab_size": 3}, "1-D"),
    ({"ids": [0, 1], "vocab_size": 0}, "vocab_size"),
    ({"ids": [0, 1], "vocab_size": 3, "weighting": "gaussian"}, "weighting"),
    ({"ids": [0, 1], "vocab_size": 3, "direction": "up"}, "direction"),
])
def test_count_validation(kwargs, message):
    with pytest.raises(ValueError, match=message):
        co.count(**kwargs)


def test_offset_counts_validation():
    with pytest.raises(ValueError, match="offset"):
        co.offset_counts([0, 1], 2, 0)


def small_counts(seed=0, V=8, n=200, K=3):
    rng = np.random.default_rng(seed)
    return co.count(rng.integers(0, V, size=n), V, K)


def test_pmi_identity_and_ppmi():
    X = small_counts().toarray()
    X[0, :] = X[:, 0] = 0  # a word that co-occurs with nothing
    N, X_u, X_w = X.sum(), X.sum(1), X.sum(0)
    PMI = co.pmi(X)
    nz = X > 0
    np.testing.assert_allclose((np.exp(PMI) * np.outer(X_u, X_w) / N)[nz], X[nz])
    assert np.all(np.isneginf(PMI[~nz]))
    np.testing.assert_allclose(PMI[nz], PMI.T[nz])
    PPMI = co.ppmi(X)
    assert sp.isspmatrix_csr(PPMI)
    np.testing.assert_allclose(PPMI.toarray(), np.maximum(PMI, 0))
    np.testing.assert_allclose(co.pmi(sp.csr_matrix(X)), PMI)


def test_cds_smoothing():
    X = small_counts(1).toarray()
    X_u, X_w = X.sum(1), X.sum(0)
    PMI = co.pmi(X, cds=0.75)
    P_context = X_w ** 0.75 / (X_w ** 0.75).sum()
    np.testing.assert_allclose(PMI, np.log(X / X_u[:, None] / P_context[None, :]))
    np.testing.assert_allclose(co.pmi(X, cds=1), co.pmi(X))
    rare = np.argmin(X_w)  # smoothing raises a rare context's probability, lowering its PMI
    assert np.all(PMI[:, rare] <= co.pmi(X)[:, rare] + 1e-12)
    for bad in (0, 1.5, -1, "0.75"):
        with pytest.raises(ValueError, match="cds"):
            co.pmi(X, cds=bad)


def test_conditional():
    X = small_counts(2).toarray()
    X[3, :] = X[:, 3] = 0
    P = co.conditional(X)
    assert sp.isspmatrix_csr(P)
    P = P.toarray()
    rows = X.sum(1) > 0
    np.testing.assert_allclose(P[rows].sum(1), 1)
    np.testing.assert_allclose(P[3], 0)
    np.testing.assert_allclose(P[rows], X[rows] / X[rows].sum(1, keepdims=True))


@pytest.mark.parametrize("f", [co.pmi, co.ppmi, co.conditional])
def test_operator_validation(f):
    with pytest.raises(ValueError, match="square"):
        f(np.ones((2, 3)))
    with pytest.raises(ValueError, match="non-negative"):
        f(-np.eye(2))
    with pytest.raises(ValueError, match="non-negative"):
        f(sp.csr_matrix(-np.eye(2)))
    with pytest.raises(ValueError, match="numbers"):
        f(np.array([["a", "b"], ["c", "d"]]))


def reference_cooccur(lines, vocab, window_size=10):
    """Transliterate the counting loop of GloVe's reference tool `cooccur.c` into Python.

    cooccur.c reads the corpus word by word. A newline resets the position j to 0; a word
    outside the vocabulary is skipped without advancing j; an in-vocabulary word w2 at
    position j meets the words w1 = history[k % window_size] for k from j - 1 down to
    max(j - window_size, 0), adding 1 / (j - k) to (w1, w2) and, with symmetric=1, to
    (w2, w1); then history[j % window_size] = w2 and j += 1. The sums go into a dict.
    """
    counts = {}
    history = [0] * window_size
    for line in lines:
        j = 0  # newline: reset the line index
        for word in line:
            if word not in vocab:
                continue  # skip out-of-vocabulary words
            w2 = vocab.index[word]
            k = j - 1
            while k >= (j - window_size if j > window_size else 0):
                w1 = history[k % window_size]
                weight = 1.0 / (j - k)
                counts[(w1, w2)] = counts.get((w1, w2), 0.0) + weight
                counts[(w2, w1)] = counts.get((w2, w1), 0.0) + weight
                k -= 1
            history[j % window_size] = w2
            j += 1
    return counts


def test_lee_counts_equal_glove_reference_cooccur():
    lines = corpus.lee_documents()
    vocab = corpus.Vocabulary.build(lines, min_count=5)
    reference = reference_cooccur(lines, vocab, window_size=10)
    docs = [vocab.encode(line, unknown="drop") for line in lines]
    X = co.count(docs, len(vocab), window=10, weighting="harmonic", direction="both").tocoo()
    ours = {(int(u), int(w)): float(x) for u, w, x in zip(X.row, X.col, X.data, strict=True)}
    assert ours.keys() == reference.keys()
    assert len(ours) == X.nnz > 100_000
    got = np.array([ours[key] for key in reference])
    want = np.array(list(reference.values()))
    np.testing.assert_allclose(got, want, rtol=1e-9, atol=0)


def test_toy_words_are_twelve_distinct_toy_words():
    """The words 01's count tables show (corpus.TOY_WORDS) all occur in the toy corpus."""
    vocab = corpus.Vocabulary.build(corpus.toy_corpus())
    assert len(corpus.TOY_WORDS) == len(set(corpus.TOY_WORDS)) == 12
    assert all(word in vocab for word in corpus.TOY_WORDS)
