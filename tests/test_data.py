"""Tests for helpers.data: the course's standard corpora and counts."""

import numpy as np
import scipy.sparse as sp

from helpers import cooccurrence as co
from helpers import corpus, data


def test_lee():
    lee = data.lee()
    assert lee is data.lee()  # built once per process
    assert len(lee.vocab) == 1776 and len(lee.docs) == 300
    assert sum(len(d) for d in lee.docs) == 50_485
    assert all(d.dtype == np.int64 for d in lee.docs)
    assert lee.vocab.counts.min() >= 5
    assert sp.isspmatrix_csr(lee.X) and lee.X.shape == (1776, 1776)
    assert abs(lee.X - lee.X.T).max() == 0
    first = corpus.lee_documents()[0]
    np.testing.assert_array_equal(lee.docs[0], lee.vocab.encode(first, unknown="drop"))


def test_lee_counts_directions():
    X_right, X_left = data.lee_counts("right"), data.lee_counts("left")
    assert abs(X_left - X_right.T).max() == 0
    assert abs(data.lee_counts() - data.lee().X).max() == 0
    assert abs(X_left + X_right - data.lee().X).max() < 1e-12
    assert abs(X_right - X_right.T).max() > 0


def test_toy():
    toy = data.toy()
    assert "bank" in toy.vocab and len(toy.docs) == 12
    assert toy.vocab.words[0] == "the"
    assert abs(toy.X - co.count(list(toy.docs), len(toy.vocab), window=4)).max() == 0
    assert len(data.stream(toy)) == sum(len(d) for d in toy.docs)
    np.testing.assert_array_equal(data.stream(toy)[:3], toy.vocab.encode(["the", "river", "bank"]))
