"""Softmax, attention stages, scaled dot-product and multi-head attention against brute force."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from helpers import attention


def brute_softmax(row):
    e = [np.exp(x) for x in row]
    return np.array(e) / sum(e)


@settings(max_examples=50, deadline=None)
@given(arrays(float, (3, 5), elements=st.floats(-30, 30)))
def test_softmax_matches_definition_and_sums_to_one(z):
    A = attention.softmax(z)
    assert np.allclose(A, np.array([brute_softmax(r) for r in z]))
    assert np.allclose(A.sum(1), 1)


@settings(max_examples=30, deadline=None)
@given(
    arrays(float, (4, 6), elements=st.floats(-20, 20)),
    arrays(float, 4, elements=st.floats(-5, 5)),
)
def test_row_constant_shift_cancels(z, c):
    assert np.allclose(attention.softmax(z + c[:, None]), attention.softmax(z))


def test_softmax_is_stable_for_huge_logits():
    A = attention.softmax(np.array([[1000.0, 1001.0], [-1000.0, -1001.0]]))
    assert np.all(np.isfinite(A)) and np.allclose(A.sum(1), 1)


def test_minus_inf_gets_zero_weight():
    A = attention.softmax(np.array([[0.0, -np.inf, 1.0]]))
    assert A[0, 1] == 0 and np.isclose(A.sum(), 1)


def test_all_masked_row_is_a_clear_error():
    with pytest.raises(ValueError, match="every entry masked"):
        attention.softmax(np.array([[0.0, 1.0], [-np.inf, -np.inf]]))


def test_nan_logits_are_an_error():
    with pytest.raises(ValueError, match="NaN"):
        attention.softmax(np.array([[np.nan, 0.0]]))


def test_stages_are_each_step():
    rng = np.random.default_rng(0)
    raw = rng.standard_normal((4, 4))
    mask = np.tril(np.ones((4, 4), bool))
    s = attention.attention_stages(raw, scale=0.5, mask=mask)
    assert np.allclose(s.scaled, 0.5 * raw)
    assert np.all(np.isneginf(s.masked[~mask])) and np.allclose(s.masked[mask], s.scaled[mask])
    assert np.allclose(s.weights, attention.softmax(s.masked))
    with pytest.raises(ValueError, match="shape"):
        attention.attention_stages(raw, mask=np.ones((3, 3), bool))


def test_causal_mask_is_log_of_lower_triangle():
    m = attention.causal_mask(4)
    assert np.array_equal(np.isfinite(m), np.tril(np.ones((4, 4), bool)))
    assert np.all(m[np.isfinite(m)] == 0)
    with pytest.raises(ValueError):
        attention.causal_mask(0)


def brute_attention(Q, K, V, scale, mask=None):
    out, W = [], []
    for i, q in enumerate(Q):
        logits = np.array([q @ k * scale for k in K])
        if mask is not None:
            logits = logits + mask[i]
        w = brute_softmax(logits)
        W.append(w)
        out.append(sum(w[j] * V[j] for j in range(len(V))))
    return np.array(out), np.array(W)


@pytest.mark.parametrize("seed", range(5))
def test_scaled_dot_product_attention_matches_loop(seed):
    rng = np.random.default_rng(seed)
    n_q, n_kv, d_k, d_v = rng.integers(1, 7, size=4)
    Q, K, V = (rng.standard_normal(s) for s in ((n_q, d_k), (n_kv, d_k), (n_kv, d_v)))
    out, W = attention.scaled_dot_product_attention(Q, K, V)
    ref_out, ref_W = brute_attention(Q, K, V, 1 / np.sqrt(d_k))
    assert np.allclose(out, ref_out) and np.allclose(W, ref_W)
    n = min(n_q, n_kv)
    mask = attention.causal_mask(n)
    out, W = attention.scaled_dot_product_attention(Q[:n], K[:n], V[:n], mask=mask, scale=0.3)
    ref_out, ref_W = brute_attention(Q[:n], K[:n], V[:n], 0.3, mask)
    assert np.allclose(out, ref_out) and np.allclose(W, ref_W)


def test_scaled_dot_product_attention_rejects_bad_shapes():
    with pytest.raises(ValueError, match="d_k"):
        attention.scaled_dot_product_attention(np.ones((2, 3)), np.ones((2, 4)), np.ones((2, 1)))
    with pytest.raises(ValueError, match="one row per token"):
        attention.scaled_dot_product_attention(np.ones((2, 3)), np.ones((2, 3)), np.ones((3, 1)))


@pytest.mark.parametrize("seed", range(4))
def test_multi_head_attention_matches_per_head_loop(seed):
    rng = np.random.default_rng(seed)
    h, d_k = int(rng.integers(1, 4)), int(rng.integers(1, 4))
    d = h * d_k
    n_q, n_kv = rng.integers(1, 6, size=2)
    X_q, X_kv = rng.standard_normal((n_q, d)), rng.standard_normal((n_kv, d))
    W_q, W_k, W_v, W_o = (rng.standard_normal((d, d)) for _ in range(4))
    out, weights = attention.multi_head_attention(X_q, X_kv, W_q, W_k, W_v, W_o, h)
    assert out.shape == (n_q, d) and weights.shape == (h, n_q, n_kv)
    heads = []
    for r in range(h):
        cols = slice(r * d_k, (r + 1) * d_k)
        o, w = brute_attention(X_q @ W_q[:, cols], X_kv @ W_k[:, cols], X_kv @ W_v[:, cols],
                               1 / np.sqrt(d_k))
        assert np.allclose(weights[r], w)
        heads.append(o)
    assert np.allclose(out, np.concatenate(heads, axis=1) @ W_o)
    assert np.allclose(out, sum(heads[r] @ W_o[r * d_k:(r + 1) * d_k] for r in range(h)))


def test_multi_head_attention_validates():
    X = np.ones((3, 4))
    W = np.eye(4)
    with pytest.raises(ValueError, match="divisible"):
        attention.multi_head_attention(X, X, W, W, W, W, 3)
    with pytest.raises(ValueError, match="W_k"):
        attention.multi_head_attention(X, X, W, np.eye(3), W, W, 2)
