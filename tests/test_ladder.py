"""The measured ladder (helpers.ladder): each rung on a small constructed corpus."""

import numpy as np
import pytest

from helpers import ladder
from helpers.attention import softmax
from helpers.corpus import Vocabulary


@pytest.fixture(scope="module")
def tables():
    rng = np.random.default_rng(0)
    vocab = Vocabulary.build([list("abcdefgh")])
    docs = [rng.integers(0, 8, 40) for _ in range(6)]
    return ladder.build_tables(vocab, docs, rng.standard_normal((8, 3)))


def test_rungs_are_the_course_identities(tables):
    ids = np.array([0, 3, 2, 5, 3])
    steps = dict(ladder.ladder(tables, ids))
    assert list(steps) == list(ladder.RUNGS)
    X = tables.X.toarray()
    M = X[np.ix_(ids, ids)]
    assert np.allclose(steps["counts"], M / X[ids].sum(axis=1, keepdims=True))
    assert np.allclose(steps["projection"], M / M.sum(axis=1, keepdims=True))
    assert np.allclose(steps["softmax"], (M + 1) / (M + 1).sum(axis=1, keepdims=True))
    H_x = tables.W[ids]
    assert np.allclose(steps["asymmetry"], softmax(H_x @ tables.B_left @ H_x.T))
    assert np.allclose(np.triu(steps["mask"], 1), 0)
    for rung in ladder.RUNGS[1:]:
        assert np.allclose(steps[rung].sum(axis=1), 1)


def test_two_head_mean_is_concatenation_times_a_stacked_output_map(tables):
    ids = np.array([1, 4, 2, 6])
    first = dict(ladder.ladder(tables, ids, ["asymmetry", "positions", "mask"]))["mask"]
    heads = dict(ladder.ladder(tables, ids))["heads"]
    second = 2 * heads - first  # the local head's own weights
    values = np.random.default_rng(1).standard_normal((4, 3))
    W_o = np.vstack([np.eye(3) / 2, np.eye(3) / 2])  # (2 d_v, d_v)
    concat = np.hstack([first @ values, second @ values])
    assert np.allclose(concat @ W_o, heads @ values)
    assert np.allclose(np.triu(second, 1), 0) and np.allclose(second.sum(axis=1), 1)


def test_batches_give_the_rows_of_single_pieces(tables):
    x = np.array([[0, 1, 2, 3], [4, 5, 6, 7]])
    batch = dict(ladder.ladder(tables, x))
    for k in range(2):
        single = dict(ladder.ladder(tables, x[k]))
        for rung in ladder.RUNGS:
            assert np.allclose(batch[rung][k], single[rung])


def test_next_word_loss_by_hand(tables):
    ids, nxt = np.array([2, 5, 1]), np.array([5, 1, 7])
    A = np.array([[1.0, 0, 0], [0.5, 0.5, 0], [0.2, 0.3, 0.5]])
    loss = ladder.next_word_loss(tables, A, ids, nxt, mix=0.25)
    P, U = tables.values.toarray(), tables.unigram
    expected = [-np.log(0.75 * (A[i] @ P[ids, nxt[i]]) + 0.25 * U[nxt[i]]) for i in range(3)]
    assert np.allclose(loss, expected)
    assert np.allclose(ladder.next_word_loss(tables, 4 * A, ids, nxt, mix=0.25), loss)
    assert np.allclose(P.sum(axis=1), 1) and np.isclose(U.sum(), 1)
    with pytest.raises(ValueError, match="next_ids"):
        ladder.next_word_loss(tables, A, ids, nxt[:2])
    # The readout is causal: weight on later keys (key i + 1 is the word predicted) is dropped,
    # and a row with no weight on j <= i reads those keys uniformly.
    later = A + np.triu(np.full((3, 3), 9.0), 1)
    assert np.allclose(ladder.next_word_loss(tables, later, ids, nxt, mix=0.25), loss)
    assert np.allclose(ladder.next_word_loss(tables, np.zeros((3, 3)), ids, nxt, mix=0.25),
                       ladder.next_word_loss(tables, np.tril(np.ones((3, 3))), ids, nxt, mix=0.25))
    with pytest.raises(ValueError, match="non-negative"):
        ladder.next_word_loss(tables, -A, ids, nxt)
    full = np.full((3, 3), 1 / 3)  # causal=False reads every key: the leaky score 07b shows
    expected = [-np.log(0.75 * (full[i] @ P[ids, nxt[i]]) + 0.25 * U[nxt[i]]) for i in range(3)]
    assert np.allclose(ladder.next_word_loss(tables, full, ids, nxt, mix=0.25, causal=False),
                       expected)


def test_unseen_rows_read_uniform_weights():
    vocab = Vocabulary.build([list("abcd")])
    docs = [np.array([0, 1, 0, 1, 0, 1]), np.array([2, 2])]  # d never occurs in training
    t = ladder.build_tables(vocab, docs, np.random.default_rng(2).standard_normal((4, 2)))
    ids = np.array([3, 0, 1])
    assert ladder.unseen_rows(t, ids) == 1
    steps = dict(ladder.ladder(t, ids, ["counts", "projection"]))
    assert np.allclose(steps["projection"][0], 1 / 3) and np.isfinite(steps["counts"]).all()


def test_bootstrap_mean_is_seeded_and_covers_the_mean():
    values = np.random.default_rng(3).standard_normal(200) + 5
    low, high = ladder.bootstrap_mean(values, seed=1)
    assert low < values.mean() < high and (low, high) == ladder.bootstrap_mean(values, seed=1)
    assert ladder.bootstrap_mean(np.full(10, 2.0)) == (2.0, 2.0)
    with pytest.raises(ValueError, match="level"):
        ladder.bootstrap_mean(values, level=1.5)
    with pytest.raises(ValueError, match="on must"):
        ladder.ladder(build_dummy(), np.array([0, 1]), ["wings"])


def build_dummy():
    vocab = Vocabulary.build([list("ab")])
    return ladder.build_tables(vocab, [np.array([0, 1, 0, 1])], np.array([[1.0, 0], [0, 1]]))
