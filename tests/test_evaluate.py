"""Evaluation: Spearman with coverage, bootstrap intervals, 3CosAdd analogies, neighbours."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy import stats

from helpers import cache, corpus, correlation, data, evaluate

WORDS = ("king", "queen", "man", "woman", "apple", "pear", "car", "bus")


@pytest.fixture(scope="module")
def small():
    vocab = corpus.Vocabulary.build(list(WORDS))
    # king - man + woman = queen exactly; the rest are unrelated directions
    base = {"man": [1, 0, 0, 0, 0], "woman": [1, 1, 0, 0, 0], "king": [1, 0, 1, 0, 0],
            "queen": [1, 1, 1, 0, 0], "apple": [0, 0, 0, 1, 0], "pear": [0, 0, 0, 1, 0.2],
            "car": [0, 0, 0, 0, 1], "bus": [0, 0.1, 0, 0, 1]}
    vectors = np.array([base[w] for w in vocab.words], dtype=float)
    return vocab, vectors


def test_normalise_keeps_zero_rows():
    unit = evaluate.normalise(np.array([[3.0, 4.0], [0.0, 0.0]]))
    assert np.allclose(unit, [[0.6, 0.8], [0, 0]])


def test_similarity_counts_coverage_and_matches_scipy(small):
    vocab, vectors = small
    pairs = [("king", "queen", 8.0), ("apple", "pear", 9.0), ("car", "apple", 1.0),
             ("man", "bus", 0.5), ("king", "zebra", 5.0)]
    result = evaluate.similarity(vectors, vocab, pairs)
    assert (result.covered, result.total) == (4, 5)
    unit = vectors / np.linalg.norm(vectors, axis=1, keepdims=True)
    cos = [unit[vocab.index[a]] @ unit[vocab.index[b]] for a, b, _ in pairs[:4]]
    assert np.allclose(result.cosines, cos)
    assert np.isclose(result.rho, stats.spearmanr(cos, [8, 9, 1, 0.5]).statistic)


def test_similarity_needs_three_pairs(small):
    vocab, vectors = small
    with pytest.raises(ValueError, match="Only 1 of 2"):
        evaluate.similarity(vectors, vocab, [("king", "queen", 1.0), ("x", "y", 2.0)])


@given(st.integers(0, 2**32 - 1))
def test_bootstrap_rows_match_scipy(seed):
    rng = np.random.default_rng(seed)
    x, y = rng.normal(size=(3, 12)), rng.integers(0, 4, size=(3, 12)).astype(float)
    ours = correlation.spearman_rows(x, y)
    for k in range(3):
        expected = stats.spearmanr(x[k], y[k]).statistic
        assert np.isclose(ours[k], expected) or (np.isnan(ours[k]) and np.isnan(expected))


def test_bootstrap_interval_is_seeded_and_contains_rho():
    lee = data.lee()
    vectors = np.random.default_rng(0).normal(size=(len(lee.vocab), 10))
    result = evaluate.similarity(vectors, lee.vocab, corpus.similarity_pairs("wordsim353"))
    low, high = evaluate.bootstrap_interval(result, seed=1)
    assert (low, high) == evaluate.bootstrap_interval(result, seed=1)
    assert (low, high) != evaluate.bootstrap_interval(result, seed=2)
    assert low < result.rho < high
    narrow = evaluate.bootstrap_interval(result, level=0.5, seed=1)
    assert low <= narrow[0] <= narrow[1] <= high


@pytest.mark.parametrize("kwargs", [{"level": 1.0}, {"level": 0}, {"n_resamples": 5}])
def test_bootstrap_rejects_bad_settings(small, kwargs):
    vocab, vectors = small
    result = evaluate.similarity(vectors, vocab, [("king", "queen", 1.0), ("car", "bus", 2.0),
                                                  ("man", "pear", 0.0)])
    with pytest.raises(ValueError):
        evaluate.bootstrap_interval(result, **kwargs)


def test_analogy_3cosadd(small):
    vocab, vectors = small
    questions = {"royal": [("man", "woman", "king", "queen"), ("man", "king", "woman", "queen"),
                           ("apple", "pear", "car", "zebra")],
                 "wrong": [("car", "bus", "apple", "man")]}
    result = evaluate.analogy(vectors, vocab, questions)
    assert (result.correct, result.covered, result.total) == (2, 3, 4)
    assert np.isclose(result.accuracy, 2 / 3)
    chunked = evaluate.analogy(vectors, vocab, questions, chunk=1)
    assert (chunked.correct, chunked.covered) == (result.correct, result.covered)
    assert np.array_equal(chunked.hits, result.hits)


def test_analogy_excludes_the_question_words(small):
    vocab, vectors = small
    # the nearest word to b - a + c here is c itself; it must not be the answer
    result = evaluate.analogy(vectors, vocab, [("apple", "pear", "car", "bus")])
    assert result.correct == 1


def test_analogy_with_nothing_covered(small):
    vocab, vectors = small
    result = evaluate.analogy(vectors, vocab, [("x", "y", "z", "w")])
    assert result.covered == 0 and np.isnan(result.accuracy)


def test_nearest(small):
    vocab, vectors = small
    near = evaluate.nearest(vectors, vocab, "apple", k=2)
    assert near[0][0] == "pear" and len(near) == 2
    assert all(w != "apple" for w, _ in evaluate.nearest(vectors, vocab, "apple", k=7))
    with pytest.raises(ValueError, match="not in the vocabulary"):
        evaluate.nearest(vectors, vocab, "zebra")
    with pytest.raises(ValueError, match="k must"):
        evaluate.nearest(vectors, vocab, "apple", k=0)


def test_rows_must_match_the_vocabulary(small):
    vocab, vectors = small
    with pytest.raises(ValueError, match="rows"):
        evaluate.nearest(vectors[:3], vocab, "apple")
    with pytest.raises(ValueError, match=r"\(\|V\|, d\)"):
        evaluate.normalise(np.ones(3))


def test_word2vec_is_aligned_reproducible_and_cached(tmp_path, monkeypatch):
    monkeypatch.setenv(cache.ENV_VAR, str(tmp_path))
    toy = data.toy()
    a = evaluate.word2vec_vectors(toy, dim=8, window=2, epochs=2)
    files = list(tmp_path.iterdir())
    assert a.shape == (len(toy.vocab), 8) and len(files) == 1
    files[0].unlink()
    b = evaluate.word2vec_vectors(toy, dim=8, window=2, epochs=2)   # a fresh fit
    assert np.array_equal(a, b)


def test_paired_difference_resamples_the_same_items_for_both():
    rng = np.random.default_rng(0)
    vocab = corpus.Vocabulary.build([[f"w{i}" for i in range(40)]])
    pairs = [(f"w{i}", f"w{i + 1}", float(s)) for i, s in enumerate(rng.random(39))]
    good = rng.normal(size=(40, 5))
    a = evaluate.similarity(good, vocab, pairs)
    same = evaluate.paired_difference(a, a)
    assert same == (0.0, 0.0, 0.0)
    b = evaluate.similarity(rng.normal(size=(40, 5)), vocab, pairs)
    diff, low, high = evaluate.paired_difference(a, b, seed=1)
    assert np.isclose(diff, a.rho - b.rho) and low <= diff <= high
    with pytest.raises(TypeError, match="b must be a Similarity"):
        evaluate.paired_difference(a, "not a result")


def test_paired_difference_of_analogy_accuracies():
    vocab = corpus.Vocabulary.build([["king", "queen", "man", "woman", "boy", "girl"]])
    vectors = np.array([[1, 1, 0], [1, -1, 0], [0, 1, 0.1], [0, -1, 0.1], [0, 1, 1],
                        [0, -1, 1]], dtype=float)
    questions = [("man", "woman", "king", "queen"), ("man", "woman", "boy", "girl")]
    a = evaluate.analogy(vectors, vocab, questions)
    b = evaluate.analogy(np.eye(6)[:, :3] + 0.01, vocab, questions)
    assert a.hits.shape == (2,) and a.correct == a.hits.sum()
    diff, low, high = evaluate.paired_difference(a, b)
    assert np.isclose(diff, a.accuracy - b.accuracy) and low <= diff <= high
