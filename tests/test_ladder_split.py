"""The ladder on any corpus split (helpers.ladder.train_glove, split_tables, embedding_form):
a small constructed corpus whose held-out documents must never reach a fitted table."""

import numpy as np
import pytest

from helpers import bilinear, cache, cooccurrence, data, ladder
from helpers.corpus import Vocabulary


@pytest.fixture
def folder(tmp_path, monkeypatch):
    monkeypatch.setenv(cache.ENV_VAR, str(tmp_path / "cache"))
    return tmp_path / "cache"


def tiny(held_out):
    """A CountedCorpus of 8 words: four training documents, then `held_out` documents."""
    rng = np.random.default_rng(0)
    vocab = Vocabulary.build([list("abcdefgh")])
    docs = tuple(rng.integers(0, 8, 30) for _ in range(4)) + tuple(held_out)
    return data.CountedCorpus(vocab, docs, cooccurrence.count(list(docs), 8))


def test_embedding_form_is_the_least_squares_form():
    rng = np.random.default_rng(1)
    X = cooccurrence.count([rng.integers(0, 12, 80)], 12, direction="right")
    W = rng.standard_normal((12, 4))
    expected = bilinear.EmbeddingFit.fit(np.log1p(X.toarray()), W).B()
    assert np.allclose(ladder.embedding_form(X.log1p(), W), expected)
    both = ladder.embedding_form([X.log1p(), X.T.tocsr().log1p()], W)  # one QR for a list
    assert np.array_equal(both[0], ladder.embedding_form(X.log1p(), W))
    assert np.array_equal(both[1], ladder.embedding_form(X.T.tocsr().log1p(), W))


def test_glove_sees_the_training_documents_only(folder):
    W = ladder.train_glove(tiny([np.array([0, 1, 2, 3])]), 4, "glove-tiny", dim=3, epochs=2).W
    assert W.shape == (8, 3) and len(list(folder.glob("glove-tiny-*.npz"))) == 1
    other = ladder.train_glove(tiny([np.array([7, 7, 6])]), 4, "glove-tiny", dim=3, epochs=2).W
    assert np.array_equal(W, other)  # another held-out document: the same cached fit
    assert len(list(folder.glob("glove-tiny-*.npz"))) == 1
    ladder.train_glove(tiny([np.array([7, 7, 6])]), 3, "glove-tiny", dim=3, epochs=2)
    assert len(list(folder.glob("glove-tiny-*.npz"))) == 2  # fewer training documents: refit
    with pytest.raises(ValueError, match="n_train"):
        ladder.train_glove(tiny([]), 4, "glove-tiny")
    with pytest.raises(TypeError, match="counted"):
        ladder.train_glove([np.array([0, 1])], 1, "glove-tiny")


def test_split_tables_count_the_training_documents_only(folder):
    counted = tiny([np.array([0, 1, 0, 1, 0, 1, 0, 1])])
    t = ladder.split_tables(counted, 4, "glove-tiny", dim=3, epochs=2)
    expected = cooccurrence.count(list(counted.docs[:4]), 8)
    assert np.allclose(t.X.toarray(), expected.toarray())
    assert not np.allclose(t.X.toarray(), counted.X.toarray())  # the held-out pairs are not in
    assert np.array_equal(t.W, ladder.train_glove(counted, 4, "glove-tiny", 3, 2).W)


def test_a_word_nothing_follows_reads_the_unigram():
    vocab = Vocabulary.build([list("abc")])
    t = ladder.build_tables(vocab, [np.array([0, 1, 0, 1, 2])], np.eye(3))
    assert t.values[2].nnz == 0  # "c" ends the only document
    ids, nxt = np.array([2]), np.array([0])
    loss = ladder.next_word_loss(tables=t, A=np.ones((1, 1)), ids=ids, next_ids=nxt, mix=0.5)
    assert np.isclose(loss[0], -np.log(t.unigram[0]))


def test_entries_read_a_sparse_matrix_like_a_dense_one():
    rng = np.random.default_rng(4)
    X = cooccurrence.count([rng.integers(0, 9, 60)], 9)
    rows, cols = rng.integers(0, 9, (5, 3, 1)), rng.integers(0, 9, (5, 1, 4))
    assert np.array_equal(ladder.entries(X, rows, cols), X.toarray()[rows, cols])
    assert ladder.entries(X, rows, cols).shape == (5, 3, 4)
    empty = cooccurrence.count([np.array([0])], 3)  # no pair at all
    assert np.array_equal(ladder.entries(empty, np.array([0, 2]), np.array([1, 2])), [0.0, 0.0])
    assert np.array_equal(ladder.entries(X.toarray(), rows, cols), X.toarray()[rows, cols])
    with pytest.raises(ValueError, match="M must"):
        ladder.entries(np.full((3, 3), np.nan), rows % 3, cols % 3)
    with pytest.raises(ValueError, match="cols"):
        ladder.entries(X, rows, cols + 9)


def test_bad_input_is_refused_by_name():
    W = np.random.default_rng(5).standard_normal((8, 3))
    X = cooccurrence.count([np.arange(8)], 8)
    assert np.allclose(ladder.embedding_form(X.toarray(), W), ladder.embedding_form(X, W))
    with pytest.raises(TypeError, match="S must"):
        ladder.embedding_form(X[:4, :4], W)
    with pytest.raises(ValueError, match="W must"):
        ladder.embedding_form(X, np.ones((8, 2)))
    with pytest.raises(ValueError, match="dim"):
        ladder.train_glove(tiny([np.array([0, 1])]), 4, "glove-tiny", dim=0)
    with pytest.raises(TypeError, match="name"):
        ladder.split_tables(tiny([np.array([0, 1])]), 4, None)


def test_losses_of_stacked_rungs_are_the_losses_of_each():
    vocab = Vocabulary.build([list("abcdef")])
    rng = np.random.default_rng(6)
    t = ladder.build_tables(vocab, [rng.integers(0, 6, 50)], rng.standard_normal((6, 2)))
    x, y = rng.integers(0, 6, (3, 4)), rng.integers(0, 6, (3, 4))
    A = np.stack([A for _, A in ladder.ladder(t, x, ["softmax", "mask"])])  # (2, 3, 4, 4)
    stacked = ladder.next_word_loss(t, A, x, y)
    assert stacked.shape == (2, 3, 4)
    for k in range(2):
        assert np.array_equal(stacked[k], ladder.next_word_loss(t, A[k], x, y))
    with pytest.raises(ValueError, match="A must"):
        ladder.next_word_loss(t, A[..., :3], x, y)
