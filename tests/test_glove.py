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
    params = rng.normal(size=(4, 4)) * 0.1
    G = 1 + rng.random((4, 4))
    p, g2 = params.copy(), G.copy()
    w, c, log_x, f, eta = 0, 3, np.log(2.5), 0.4, 0.05
    e = p[w, :3] @ p[c, :3] + p[w, 3] + p[c, 3] - log_x
    s = eta * f * e
    gw, gc = s * p[c, :3], s * p[w, :3]
    p[w, :3] -= gw / np.sqrt(g2[w, :3])
    p[c, :3] -= gc / np.sqrt(g2[c, :3])
    g2[w, :3] += gw**2
    g2[c, :3] += gc**2
    p[[w, c], 3] -= s / np.sqrt(g2[[w, c], 3])
    g2[[w, c], 3] += s**2
    cost = glove._epoch(params, G, np.array([w]), np.array([c]), np.array([log_x]),
                        np.array([f]), eta)
    assert np.allclose(params, p) and np.allclose(G, g2) and np.isclose(cost, 0.5 * f * e**2)


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


def test_progress_is_called_every_epoch():
    seen = []
    glove.train(data.toy().X, dim=2, epochs=7, progress=lambda e, c: seen.append((e, c)))
    assert [e for e, _ in seen] == list(range(7)) and all(c > 0 for _, c in seen)


@pytest.mark.parametrize("kwargs, match", [
    ({"dim": 0}, "dim"), ({"epochs": 1.5}, "epochs"), ({"learning_rate": 0}, "learning_rate"),
    ({"x_max": -1}, "x_max"),
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
