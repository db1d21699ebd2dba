"""Directional operators, the sym/skew split, Eckart–Young, the PSD restriction, eigen-split."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from helpers import bilinear as bl
from helpers import cooccurrence, data

square = arrays(float, (6, 6), elements=st.floats(-10, 10))


@pytest.fixture(scope="module")
def toy_right():
    toy = data.toy()
    return cooccurrence.count(list(toy.docs), len(toy.vocab), 4, direction="right")


@settings(max_examples=40, deadline=None)
@given(square)
def test_split_adds_up_and_energies_sum_to_one(S):
    S_sym, S_skew = bl.sym_skew(S)
    assert np.allclose(S_sym + S_skew, S)
    assert np.allclose(S_sym, S_sym.T) and np.allclose(S_skew, -S_skew.T)
    assert abs(np.sum(S_sym * S_skew)) < 1e-8 * max(1.0, np.sum(S * S))
    if np.sum(S * S) > 0:
        assert np.isclose(sum(bl.energy_fractions(S)), 1.0)


def test_operators_are_finite_and_directional(toy_right):
    for kind in bl.OPERATORS:
        S = bl.directional_operator(toy_right, kind)
        assert np.all(np.isfinite(S)) and not np.allclose(S, S.T)
    assert np.all(bl.directional_operator(toy_right, "ppmi") >= 0)
    assert np.allclose(bl.directional_operator(toy_right, "log1p"), np.log1p(toy_right.toarray()))
    with pytest.raises(ValueError, match="kind"):
        bl.directional_operator(toy_right, "raw")


def test_right_counts_transpose_gives_the_opposite_direction(toy_right):
    S = bl.directional_operator(toy_right, "log1p")
    S_left = bl.directional_operator(toy_right.T, "log1p")
    assert np.allclose(bl.sym_skew(S_left)[1], -bl.sym_skew(S)[1])


def test_top_pairs_are_ordered_by_imbalance():
    S = np.zeros((4, 4))
    S[0, 1], S[2, 3], S[3, 2] = 5.0, 2.0, 1.0
    pairs = bl.top_directional_pairs(S, 2)
    assert pairs.tolist() == [[0, 1], [2, 3]]
    assert bl.top_directional_pairs(S, 1, allowed=[False, False, True, True]).tolist() == [[2, 3]]


@pytest.mark.parametrize("seed", range(3))
def test_low_rank_factors_are_eckart_young_optimal(seed):
    rng = np.random.default_rng(seed)
    S = rng.standard_normal((12, 12))
    errors = bl.low_rank_errors(S)
    for k in (1, 3, 6):
        W_q, W_k = bl.low_rank_factors(S, k)
        assert W_q.shape == (12, k) and np.linalg.matrix_rank(W_q @ W_k.T) <= k
        best = np.linalg.norm(S - W_q @ W_k.T)
        assert np.isclose(best / np.linalg.norm(S), errors[k])
        for _ in range(20):
            A, B = rng.standard_normal((12, k)), rng.standard_normal((12, k))
            assert np.linalg.norm(S - A @ B.T) >= best
    assert np.isclose(errors[0], 1.0) and np.isclose(errors[-1], 0.0)
    assert np.all(np.diff(errors) <= 1e-12)


@pytest.mark.parametrize("seed", range(3))
def test_shared_map_gives_the_best_psd_form(seed):
    rng = np.random.default_rng(seed)
    S = rng.standard_normal((10, 10))
    errors = bl.psd_errors(S)
    for k in (2, 5, 10):
        W = bl.psd_factor(S, k)
        fit = W @ W.T
        assert np.all(np.linalg.eigvalsh(fit) > -1e-9)
        best = np.linalg.norm(S - fit)
        assert np.isclose(best / np.linalg.norm(S), errors[k])
        for _ in range(20):
            G = rng.standard_normal((10, k))
            assert np.linalg.norm(S - G @ G.T) >= best - 1e-12
    # even at full rank a shared map misses S_skew and the negative eigenvalues
    S_sym, S_skew = bl.sym_skew(S)
    lam = np.linalg.eigvalsh(S_sym)
    floor = np.sqrt((np.sum(S_skew**2) + np.sum(lam[lam < 0] ** 2)) / np.sum(S**2))
    assert np.isclose(errors[-1], floor) and errors[-1] > 0
    assert np.all(errors >= bl.low_rank_errors(S) - 1e-12)


def test_eigen_split_factors_reproduce_an_indefinite_form():
    rng = np.random.default_rng(0)
    A = rng.standard_normal((8, 8))
    S = (A + A.T) / 2
    assert np.linalg.eigvalsh(S).min() < 0
    W_q, W_k = bl.eigen_split_factors(S)
    assert np.allclose(W_q @ W_k.T, S)
    assert np.allclose(np.abs(W_k), np.abs(W_q)) and not np.allclose(W_q, W_k)
    with pytest.raises(ValueError, match="symmetric"):
        bl.eigen_split_factors(A)


def test_bilinear_form_through_embeddings():
    rng = np.random.default_rng(1)
    H = rng.standard_normal((5, 7))
    W_q, W_k = rng.standard_normal((7, 3)), rng.standard_normal((7, 3))
    B = W_q @ W_k.T
    assert np.allclose((H @ W_q) @ (H @ W_k).T, H @ B @ H.T)
    assert np.linalg.matrix_rank(B) <= 3
    B_skew = bl.sym_skew(B)[1]
    L = H @ B_skew @ H.T
    assert np.allclose(L, -L.T)


def test_embedding_fit_is_optimal_and_matches_its_error_curve():
    rng = np.random.default_rng(2)
    S, W_emb = rng.standard_normal((15, 15)), rng.standard_normal((15, 4))
    fit = bl.EmbeddingFit.fit(S, W_emb)
    errors, shared = fit.errors(), fit.shared_errors()
    norm = np.linalg.norm(S)
    B_ls = np.linalg.pinv(W_emb) @ S @ np.linalg.pinv(W_emb).T
    assert np.allclose(fit.B(), B_ls)
    for k in range(5):
        W_q, W_k = fit.maps(k)
        assert W_q.shape == (4, k) and np.linalg.matrix_rank(fit.B(k)) <= k
        err = np.linalg.norm(S - W_emb @ fit.B(k) @ W_emb.T) / norm
        assert np.isclose(err, errors[k])
        B_sh = fit.B_shared(k)
        assert np.allclose(B_sh, B_sh.T) and np.linalg.eigvalsh(B_sh).min() > -1e-9
        assert np.isclose(np.linalg.norm(S - W_emb @ B_sh @ W_emb.T) / norm, shared[k])
        for _ in range(10):
            B = rng.standard_normal((4, k)) @ rng.standard_normal((4, k)).T
            assert np.linalg.norm(S - W_emb @ B @ W_emb.T) / norm >= err - 1e-12
    assert np.all(shared >= errors - 1e-12)


def test_svd_dataclass_factors():
    S = np.diag([3.0, 2.0, 1.0])
    svd = bl.SVD.of(S)
    W_q, W_k = svd.factors(2)
    assert np.allclose(W_q @ W_k.T, np.diag([3.0, 2.0, 0.0]))
    assert np.allclose(svd.errors(), np.sqrt([1.0, 5 / 14, 1 / 14, 0.0]))


@pytest.mark.parametrize("bad", [np.ones((2, 3)), np.array([[0.0, -np.inf], [1.0, 0.0]])])
def test_bad_operators_are_rejected(bad):
    with pytest.raises(ValueError):
        bl.low_rank_errors(bad)


def test_rank_is_checked():
    with pytest.raises(ValueError, match="d_k"):
        bl.low_rank_factors(np.eye(3), 4)
    with pytest.raises(ValueError, match="d_k"):
        bl.psd_factor(np.eye(3), -1)


def test_spectra_agree_with_the_single_purpose_functions():
    rng = np.random.default_rng(3)
    S = rng.standard_normal((9, 9))
    spectra = bl.Spectra.of(S)
    assert np.allclose(spectra.errors(), bl.low_rank_errors(S))
    assert np.allclose(spectra.shared_errors(), bl.psd_errors(S))
    W = spectra.shared_factor(4)
    assert np.allclose(W @ W.T, bl.psd_factor(S, 4) @ bl.psd_factor(S, 4).T)
    W_q, W_k = spectra.eigen_split()
    assert np.allclose(W_q @ W_k.T, bl.sym_skew(S)[0])
