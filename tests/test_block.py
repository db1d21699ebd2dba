"""The Transformer block and the capstone's hand-written gradients (helpers.block)."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from helpers import block


@settings(max_examples=25, deadline=None)
@given(st.integers(0, 10_000))
def test_layer_norm_rows_have_mean_0_var_1_and_ignore_shift_and_scale(seed):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((5, 8)) * 3 + 1
    Y = block.layer_norm(X)
    assert np.allclose(Y.mean(axis=1), 0) and np.allclose(Y.var(axis=1), 1, atol=1e-3)
    assert np.allclose(block.layer_norm(2.5 * X + 7.0), Y, atol=1e-4)
    gamma, beta = rng.standard_normal(8), rng.standard_normal(8)
    assert np.allclose(block.layer_norm(X, gamma, beta), Y * gamma + beta)


def test_layer_norm_rejects_single_features():
    with pytest.raises(ValueError, match="at least 2"):
        block.layer_norm(np.ones((3, 1)))


def test_mlp_is_position_wise():
    rng = np.random.default_rng(0)
    p = block.init_block(6, 12, seed=1)
    X = rng.standard_normal((4, 6))
    out = block.mlp(X, p.W_1, p.b_1, p.W_2, p.b_2)
    assert np.allclose(out[2], block.mlp(X[2:3], p.W_1, p.b_1, p.W_2, p.b_2)[0])


def test_block_is_residual_sum_of_its_stages():
    rng = np.random.default_rng(2)
    p = block.init_block(8, 16, seed=2)
    X = rng.standard_normal((5, 8))
    s = block.transformer_block(X, p, n_heads=2)
    assert np.allclose(s.residual_1, X + s.attention.output)
    assert np.allclose(s.output, s.residual_1 + s.mlp)
    with pytest.raises(ValueError, match="X must be"):
        block.transformer_block(np.ones((3, 4)), p, 2)


def test_causal_block_is_prefix_invariant():
    rng = np.random.default_rng(3)
    p = block.init_block(8, 16, seed=3)
    X = rng.standard_normal((7, 8))
    full = block.transformer_block(X, p, n_heads=4, causal=True).output
    for i in range(1, 8):
        assert np.allclose(block.transformer_block(X[:i], p, 4, causal=True).output, full[:i])
    open_ = block.transformer_block(X, p, n_heads=4).output
    assert not np.allclose(block.transformer_block(X[:3], p, 4).output, open_[:3])


def test_capstone_gradients_match_finite_differences():
    rng = np.random.default_rng(4)
    H = rng.standard_normal((7, 4))
    model = block.Capstone(rng.standard_normal((4, 4)), rng.standard_normal((8, 7)) * 0.3,
                           rng.standard_normal(7) * 0.1)
    x, y = rng.integers(0, 7, (3, 5)), rng.integers(0, 7, (3, 5))
    loss, grads = block.capstone_gradients(model, H, x, y)
    assert np.isclose(loss, block.capstone_loss(model, H, x, y))
    eps = 1e-6
    for name in ("B", "W_out", "b"):
        value, grad = getattr(model, name), getattr(grads, name)
        for index in [tuple(rng.integers(0, s) for s in value.shape) for _ in range(6)]:
            plus, minus = value.copy(), value.copy()
            plus[index] += eps
            minus[index] -= eps
            f = [block.capstone_loss(block.Capstone(**{**model.__dict__, name: v}), H, x, y)
                 for v in (plus, minus)]
            assert np.isclose(grad[index], (f[0] - f[1]) / (2 * eps), atol=1e-7)


def test_capstone_attention_is_causal_and_training_lowers_the_loss():
    rng = np.random.default_rng(5)
    H = rng.standard_normal((10, 4))
    docs = [rng.integers(0, 10, 60) for _ in range(5)]
    x, y = block.next_word_batches(docs, 6)
    assert x.shape == y.shape and np.array_equal(x[:, 1:], y[:, :-1])
    model, losses = block.train_capstone(H, x, y, steps=60, batch=8, lr=0.05, seed=0)
    A, _ = block.capstone_forward(model, H, x[:2])
    assert np.allclose(np.triu(A, 1), 0) and np.allclose(A.sum(-1), 1)
    assert losses[-10:].mean() < losses[:10].mean()


def test_compare_forms_of_identical_forms():
    rng = np.random.default_rng(6)
    H, B = rng.standard_normal((30, 5)), rng.standard_normal((5, 5))
    c = block.compare_forms(B, B, H, top=20)
    assert np.isclose(c.corr_B, 1) and np.isclose(c.corr_words, 1)
    assert np.isclose(sum(c.energy_learned), 1)
    assert np.isclose(block.correlation(B, -B), -1)
    with pytest.raises(ValueError, match="same size"):
        block.correlation(B, B[:2])
