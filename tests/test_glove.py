"""GloVe: the weighting, the loss, the reference AdaGrad rule, training and PPMI-SVD."""

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import given
from hypothesis import strategies as st

from helpers import cooccurrence, data, glove


@given(st.floats(0, 1e4), st.floats(0, 1e4), st.floats(0.5, 500), st.floats(0, 2))
def test_weighting_is_capped_and_monotone(x, y, x_max, alpha):
    lo, hi = sorted((x, y))
    f_lo, f_hi = glove.weighting(lo, x_max, alpha), glove.weighting(hi, x_max, alpha)
    assert 0 <= f_lo <= f_hi + 1e-12 <= 1 + 1e-12
    if hi >= x_max:
        assert np.isclose(f_hi, 1)


def test_weighting_values_and_errors():
    f = glove.weighting
    assert np.isclose(f(100.0), 1) and np.isclose(f(250.0), 1) and f(0.0) == 0
    assert np.isclose(f(10.0, 100.0, 0.75), 0.1**0.75)
    with pytest.raises(ValueError, match="x_max"):
        f(1.0, x_max=0)
    with pytest.raises(ValueError, match="alpha"):
        f(1.0, alpha=-1)


def test_loss_matches_a_direct_sum():
    rng = np.random.default_rng(1)
    X = sp.random(6, 6, density=0.5, random_state=2, format="csr") * 50
    W, Wc, b, bc = rng.normal(size=(6, 3)), rng.normal(size=(6, 3)), rng.normal(size=6), \
        rng.normal(size=6)
    dense = X.toarray()
    expected = sum(glove.weighting(dense[i, j], 10.0) * (W[i] @ Wc[j] + b[i] + bc[j]
                                                         - np.log(dense[i, j])) ** 2
                   for i in range(6) for j in range(6) if dense[i, j] > 0)
    assert np.isclose(glove.loss(X, W, Wc, b, bc, x_max=10.0), expected)
    assert np.isclose(glove.loss(dense, W, Wc, b, bc, x_max=10.0), expected)


def test_one_step_is_the_reference_rule():
    rng = np.random.default_rng(0)
    d, V = 3, 2
    state, mask = glove._initial_state(rng, V, d)
    state[:, 0, :d] = rng.normal(size=(2 * V, d)) * 0.1
    state[:V, 0, d] = rng.normal(size=V) * 0.1  # word biases b
    state[V:, 0, d + 1] = rng.normal(size=V) * 0.1  # context biases b̃
    state[:, 1, :d + 2] += rng.random((2 * V, d + 2))
    p = state[:, 0, :d].astype(float)
    bias = np.r_[state[:V, 0, d], state[V:, 0, d + 1]].astype(float)
    g2 = state[:, 1, :d].astype(float)
    g2_bias = np.r_[state[:V, 1, d], state[V:, 1, d + 1]].astype(float)
    w, c, log_x, f, eta = 0, V + 1, np.log(2.5), 0.4, 0.05
    e = p[w] @ p[c] + bias[w] + bias[c] - log_x
    s = eta * f * e
    gw, gc = s * p[c], s * p[w]
    p[w] -= gw / np.sqrt(g2[w])
    p[c] -= gc / np.sqrt(g2[c])
    g2[w] += gw**2
    g2[c] += gc**2
    bias[[w, c]] -= s / np.sqrt(g2_bias[[w, c]])
    g2_bias[[w, c]] += s**2
    cost = glove._update(state, mask, w, c, log_x, f, eta)
    assert np.isclose(cost, 0.5 * f * e**2, rtol=1e-6)
    assert np.allclose(state[:, 0, :d], p, rtol=1e-5, atol=1e-7)
    assert np.allclose(np.r_[state[:V, 0, d], state[V:, 0, d + 1]], bias, rtol=1e-5, atol=1e-7)
    assert np.allclose(state[:, 1, :d], g2, rtol=1e-6)
    assert np.allclose(np.r_[state[:V, 1, d], state[V:, 1, d + 1]], g2_bias, rtol=1e-6)
    assert np.all(state[:V, 0, d + 1] == 1) and np.all(state[V:, 0, d] == 1)  # constants stay
    assert np.all(state[:, 0, d + 2:] == 0)  # padding stays zero


def test_cells_cover_every_pair_once_and_strata_share_no_row():
    X = data.lee_counts()
    i, j, _ = glove._nonzero(X)
    order, starts = glove._cells(i, j, X.shape[0], 8)
    assert np.array_equal(np.sort(order), np.arange(i.size)) and starts[-1] == i.size
    cell = np.repeat(np.arange(64), np.diff(starts))
    row_block, col_block = cell // 8, cell % 8
    for block in range(8):  # a word (context) lives in one row (column) block only
        assert np.unique(row_block[np.isin(i[order], i[order][row_block == block])]).size == 1
        assert np.unique(col_block[np.isin(j[order], j[order][col_block == block])]).size == 1
    sizes = np.diff(starts)
    assert sizes.max() < 1.2 * sizes.min()  # balanced cells


def test_threads_and_repeated_runs_give_bit_identical_fits():
    X = data.lee_counts()
    assert X.nnz >= glove.PARALLEL_MIN_PAIRS  # so threads=2 takes the parallel path
    one = glove.train(X, epochs=3, seed=5, threads=1)
    two = glove.train(X, epochs=3, seed=5, threads=2)
    again = glove.train(X, epochs=3, seed=5, threads=2)
    for fit in (two, again):
        for name in ("W", "W_context", "b", "b_context", "costs"):
            assert np.array_equal(getattr(one, name), getattr(fit, name)), name
    other_blocks = glove.train(X, epochs=3, seed=5, blocks=4)
    assert not np.array_equal(one.W, other_blocks.W)


def test_train_is_seeded_and_learns_the_toy_corpus():
    X = data.toy().X
    a = glove.train(X, dim=2, x_max=10.0, epochs=100, seed=3)
    b = glove.train(X, dim=2, x_max=10.0, epochs=100, seed=3)
    c = glove.train(X, dim=2, x_max=10.0, epochs=100, seed=4)
    assert np.array_equal(a.W, b.W) and np.array_equal(a.costs, b.costs)
    assert not np.allclose(a.W, c.W)
    assert a.costs[-1] < 0.5 * a.costs[0]
    assert a.W.shape == (X.shape[0], 2) and a.b.shape == (X.shape[0],) and a.costs.shape == (100,)
    assert np.allclose(a.vectors, a.W + a.W_context)


def test_final_cost_is_close_to_the_loss_after_training():
    X = data.toy().X
    fit = glove.train(X, dim=4, x_max=10.0, epochs=300, learning_rate=0.1, seed=0)
    J = glove.loss(X, fit.W, fit.W_context, fit.b, fit.b_context, x_max=10.0)
    assert np.isclose(J / (2 * X.nnz), fit.costs[-1], rtol=0.05)


def test_dense_and_sparse_give_the_same_fit():
    X = data.toy().X
    a = glove.train(X, dim=2, epochs=5)
    b = glove.train(X.toarray(), dim=2, epochs=5)
    assert np.array_equal(a.W, b.W)


def test_fixed_order_differs_only_after_the_first_epoch():
    X = data.toy().X
    once = glove.train(X, dim=2, epochs=3, reshuffle=False)
    every = glove.train(X, dim=2, epochs=3)
    assert once.costs[0] == every.costs[0] and not np.array_equal(once.W, every.W)


def test_progress_is_called_every_epoch_and_changes_nothing():
    seen = []
    fit = glove.train(data.toy().X, dim=2, epochs=7, progress=lambda e, c: seen.append((e, c)))
    assert [e for e, _ in seen] == list(range(7)) and all(c > 0 for _, c in seen)
    quiet = glove.train(data.toy().X, dim=2, epochs=7)
    assert np.array_equal(fit.W, quiet.W) and np.array_equal(fit.costs, [c for _, c in seen])


@pytest.mark.parametrize("kwargs, match", [
    ({"dim": 0}, "dim"), ({"epochs": 1.5}, "epochs"), ({"learning_rate": 0}, "learning_rate"),
    ({"x_max": -1}, "x_max"), ({"blocks": 0}, "blocks"), ({"threads": 0}, "threads"),
    ({"threads": 1.5}, "threads"),
])
def test_train_rejects_bad_settings(kwargs, match):
    with pytest.raises(ValueError, match=match):
        glove.train(data.toy().X, **kwargs)


def test_train_rejects_bad_counts():
    with pytest.raises(ValueError, match="square"):
        glove.train(np.ones((2, 3)))
    with pytest.raises(ValueError, match="non-negative"):
        glove.train(-np.eye(3))
    with pytest.raises(ValueError, match="no nonzero"):
        glove.train(np.zeros((3, 3)))


def test_ppmi_svd_reconstructs_ppmi_and_is_deterministic():
    X = data.toy().X
    P = cooccurrence.ppmi(X).toarray()
    V = P.shape[0]
    full = glove.ppmi_svd(X, dim=V - 1, power=1.0)
    U, s, _ = np.linalg.svd(P)
    assert np.allclose(np.abs(full), np.abs(U[:, :V - 1] * s[:V - 1]), atol=1e-6)
    half = glove.ppmi_svd(X, dim=5)
    assert np.array_equal(half, glove.ppmi_svd(X, dim=5))
    assert np.allclose(np.linalg.norm(half, axis=0) ** 2, s[:5], rtol=1e-6)
    assert np.all(half[np.abs(half).argmax(axis=0), np.arange(5)] > 0)


@pytest.mark.parametrize("kwargs, match", [({"dim": 0}, "dim"), ({"dim": 10**6}, "dim"),
                                           ({"dim": 5, "power": -1}, "power")])
def test_ppmi_svd_rejects_bad_settings(kwargs, match):
    with pytest.raises(ValueError, match=match):
        glove.ppmi_svd(data.toy().X, **kwargs)


def test_lee_glove_cache_equals_a_fresh_fit():
    cached = data.lee_glove(x_max=10.0)
    fresh = glove.train(data.lee_counts(), x_max=10.0)
    assert np.array_equal(cached.W, fresh.W) and np.array_equal(cached.costs, fresh.costs)
    assert fresh.costs[-1] <= 0.01302 * 1.005  # the former trainer's cost, within 0.5 %


def test_initial_parameters_replay_two_reference_steps_by_hand():
    X = sp.csr_matrix(np.array([[0.0, 3.0], [0.0, 0.0]]))  # one pair: one step per epoch
    start = glove.initial_parameters(2, dim=3, seed=4)
    fit = glove.train(X, dim=3, x_max=10.0, epochs=2, seed=4, threads=1)
    w, c, b, bc = start.W[0], start.W_context[1], start.b[0], start.b_context[1]
    G = [np.ones(3), np.ones(3), 1.0, 1.0]
    for _ in range(2):
        e = w @ c + b + bc - np.log(3.0)
        s = 0.05 * glove.weighting(3.0, 10.0) * e
        grads = [s * c, s * w, s, s]
        params = zip((w, c, b, bc), grads, G, strict=True)
        w, c, b, bc = (p - g / np.sqrt(G_p) for p, g, G_p in params)
        G = [G_p + g**2 for G_p, g in zip(G, grads, strict=True)]
    assert np.allclose(fit.W[0], w, atol=1e-6) and np.allclose(fit.W_context[1], c, atol=1e-6)
    assert np.isclose(fit.b[0], b, atol=1e-6) and np.isclose(fit.b_context[1], bc, atol=1e-6)
