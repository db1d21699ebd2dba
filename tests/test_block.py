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


def _small_capstone(seed):
    rng = np.random.default_rng(seed)
    H = rng.standard_normal((7, 4))
    model = block.Capstone(rng.standard_normal((4, 4)), rng.standard_normal((4, 7)) * 0.3,
                           rng.standard_normal(7) * 0.1)
    return rng, H, model, rng.integers(0, 7, (3, 5)), rng.integers(0, 7, (3, 5))


@pytest.mark.parametrize("self_only", [False, True])
def test_capstone_gradients_match_finite_differences(self_only):
    rng, H, model, x, y = _small_capstone(4)
    loss, grads = block.capstone_gradients(model, H, x, y, self_only)
    assert np.isclose(loss, block.capstone_losses(model, H, x, y, self_only).mean())
    eps = 1e-6
    for name in ("B", "W_out", "b"):
        value, grad = getattr(model, name), getattr(grads, name)
        for index in [tuple(rng.integers(0, s) for s in value.shape) for _ in range(6)]:
            plus, minus = value.copy(), value.copy()
            plus[index] += eps
            minus[index] -= eps
            f = [block.capstone_losses(block.Capstone(**{**vars(model), name: v}), H, x, y,
                                       self_only).mean() for v in (plus, minus)]
            assert np.isclose(grad[index], (f[0] - f[1]) / (2 * eps), atol=1e-7)
    if self_only:
        assert not grads.B.any()


def test_readout_sees_the_current_word_only_through_attention():
    _, H, model, x, _ = _small_capstone(7)
    A, logits = block.capstone_forward(model, H, x)
    assert np.allclose(np.triu(A, 1), 0) and np.allclose(A.sum(-1), 1)
    assert np.allclose(logits, (A @ H[x]) @ model.W_out + model.b)
    _, bigram = block.capstone_forward(model, H, x, self_only=True)
    assert np.allclose(bigram, H[x] @ model.W_out + model.b)


def _train(H, x, y, seed, steps=60):
    rng = np.random.default_rng(seed)
    model = block.Capstone(np.zeros((4, 4)), rng.standard_normal((4, 10)) * 0.01, np.zeros(10))
    adam = block.Adam(0.05)
    losses = np.zeros(steps)
    for t in range(steps):
        rows = rng.integers(0, len(x), size=8)
        losses[t], grads = block.capstone_gradients(model, H, x[rows], y[rows])
        model = adam.step(model, grads)
    return model, losses


def test_adam_training_lowers_the_loss_and_frozen_arrays_stay():
    rng = np.random.default_rng(5)
    H = rng.standard_normal((10, 4))
    docs = [rng.integers(0, 10, 60) for _ in range(5)]
    x, y = block.next_word_batches(docs, 6)
    assert x.shape == y.shape and np.array_equal(x[:, 1:], y[:, :-1])
    _, losses = _train(H, x, y, 0)
    assert losses[-10:].mean() < losses[:10].mean()
    model = block.Capstone(np.eye(4), np.ones((4, 10)), np.zeros(10))
    _, grads = block.capstone_gradients(model, H, x[:4], y[:4])
    stepped = block.Adam(0.1, frozen=("B",)).step(model, grads)
    assert np.array_equal(stepped.B, model.B) and not np.array_equal(stepped.W_out, model.W_out)
    with pytest.raises(ValueError, match="lr"):
        block.Adam(-1.0)


def test_cached_fit_trains_once_per_input(tmp_path, monkeypatch):
    monkeypatch.setenv("ATTENTION_COURSE_CACHE", str(tmp_path))
    rng = np.random.default_rng(5)
    H = rng.standard_normal((10, 4))
    x, y = block.next_word_batches([rng.integers(0, 10, 60) for _ in range(3)], 6)
    calls = []

    def train(H, x, y, seed):
        calls.append(seed)
        return _train(H, x, y, seed, steps=5)

    first = block.cached_fit(train, "test-capstone", H=H, x=x, y=y, seed=0)
    again = block.cached_fit(train, "test-capstone", H=H, x=x, y=y, seed=0)
    other = block.cached_fit(train, "test-capstone", H=H + 1, x=x, y=y, seed=0)
    assert calls == [0, 0] and np.array_equal(first[0].B, again[0].B)
    assert np.array_equal(first[1], again[1]) and not np.array_equal(first[1], other[1])
    with pytest.raises(TypeError, match="train"):
        block.cached_fit(None, "test-capstone", seed=0)


def test_word_logit_agreement_and_unstructured_forms():
    rng = np.random.default_rng(6)
    H, B = rng.standard_normal((30, 5)), rng.standard_normal((5, 5))
    assert np.isclose(block.word_logit_agreement(B, B, H, top=20), 1)
    assert np.isclose(block.word_logit_agreement(B, 3 * B, H, top=20), 1)
    assert np.isclose(block.correlation(B, -B), -1)
    R = block.unstructured_like(B, seed=1)
    assert np.isclose(np.linalg.norm(R), np.linalg.norm(B)) and R.shape == B.shape
    assert np.array_equal(R, block.unstructured_like(B, seed=1))
    with pytest.raises(ValueError, match="same size"):
        block.correlation(B, B[:2])
