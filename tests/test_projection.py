"""Identities of helpers.projection: O, M = O S Oᵀ, E = O S Π S, softmax identity, uniqueness."""

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from helpers import cooccurrence, corpus, data
from helpers import projection as pj
from helpers.attention import softmax

V = 9


def random_counts(seed, V=V, density=0.6, symmetric=True):
    rng = np.random.default_rng(seed)
    X = rng.random((V, V)) * (rng.random((V, V)) < density) * 5
    return X + X.T if symmetric else X


def positive_counts(seed, V=V):
    return np.random.default_rng(seed).random((V, V)) * 5 + 0.1


ids_strategy = st.lists(st.integers(0, V - 1), min_size=1, max_size=7)
distinct_ids = st.lists(st.integers(0, V - 1), min_size=1, max_size=7, unique=True)


# --- the selector O --------------------------------------------------------------------------

@given(ids_strategy)
def test_selector_identities(t):
    t = np.array(t)
    O = pj.selector(t, V)
    assert O.shape == (t.size, V) and np.allclose(O.sum(1), 1)
    assert np.allclose(O @ O.T, (t[:, None] == t[None, :]).astype(float))
    assert np.allclose(O.T @ O, np.diag(np.bincount(t, minlength=V)))
    W = np.arange(V * 3.0).reshape(V, 3)
    assert np.allclose(O @ W, W[t])  # embedding lookup


@given(distinct_ids)
def test_pi_is_a_projector_for_distinct_tokens(t):
    O = pj.selector(t, V)
    Pi = O.T @ O
    assert np.allclose(Pi @ Pi, Pi) and np.isclose(np.trace(Pi), len(t))


# --- the projection M -----------------------------------------------------------------------

@settings(max_examples=40)
@given(ids_strategy, st.integers(0, 10**6))
def test_project_equals_the_explicit_product_dense_and_sparse(t, seed):
    S = random_counts(seed, symmetric=False)
    O = pj.selector(t, V)
    M = pj.project(S, t)
    assert np.allclose(M, O @ S @ O.T)
    assert np.allclose(pj.project(sp.csr_matrix(S), t), M)
    assert np.allclose(pj.project(sp.coo_matrix(S), t), M)


@given(ids_strategy, st.integers(0, 10**6))
def test_projection_properties(t, seed):
    S = random_counts(seed)
    M = pj.project(S, t)
    assert np.allclose(M, M.T)
    G = np.random.default_rng(seed).standard_normal((V, 4))
    assert np.linalg.eigvalsh(pj.project(G @ G.T, t)).min() > -1e-9  # congruence keeps PSD
    perm = np.random.default_rng(seed).permutation(len(t))
    P = np.eye(len(t))[perm]
    assert np.allclose(pj.project(S, np.array(t)[perm]), P @ M @ P.T)


def test_repeated_word_gives_identical_rows():
    toy = data.toy()
    S = cooccurrence.ppmi(toy.X)
    t = corpus.sentence_ids("the bank the river", toy.vocab)
    M = pj.project(S, t)
    assert np.allclose(M[0], M[2]) and np.allclose(M[:, 0], M[:, 2])


def test_project_keeps_minus_infinity():
    S = np.array([[0.0, -np.inf], [1.0, 2.0]])  # log of counts with a zero
    assert np.isneginf(pj.project(S, [0, 1])[0, 1])


# --- predictions E --------------------------------------------------------------------------

@settings(max_examples=40)
@given(ids_strategy, st.integers(0, 10**6))
def test_predictions_are_two_hop_paths_through_the_sentence(t, seed):
    S = random_counts(seed)
    t = np.array(t)
    O = pj.selector(t, V)
    Pi = O.T @ O
    E = pj.predictions(S, t)
    assert np.allclose(E, O @ S @ Pi @ S)
    M = pj.project(S, t)
    assert np.allclose(E[0], sum(M[0, j] * S[t[j]] for j in range(len(t))))
    assert np.allclose(pj.predictions(sp.csr_matrix(S), t), E)
    full = pj.two_hop(S, t)
    assert np.allclose(full, O @ S @ S)
    assert np.allclose(pj.two_hop(sp.csr_matrix(S), t), full)
    if len(set(t.tolist())) == len(t):  # Π <= I: the paths outside the sentence add mass
        assert np.all(full - E >= -1e-9)
    else:  # a repeated middle word counts c times, so E may exceed O S²
        assert np.allclose(E, O @ S @ np.diag(np.bincount(t, minlength=V)) @ S)


def test_predictions_refuse_minus_infinity():
    with pytest.raises(ValueError, match="finite operator"):
        pj.predictions(np.array([[0.0, -np.inf], [1.0, 2.0]]), [0, 1])


# --- the key identity and its consequences --------------------------------------------------

@settings(max_examples=60)
@given(ids_strategy, st.integers(0, 10**6))
def test_softmax_of_log_counts_is_the_restricted_conditional(t, seed):
    X = positive_counts(seed)
    t = np.array(t)
    O = pj.selector(t, V)
    A = softmax(O @ np.log(X) @ O.T)
    P_cond = X / X.sum(1, keepdims=True)
    R = O @ P_cond @ O.T
    R /= R.sum(1, keepdims=True)
    assert np.abs(A - R).max() < 1e-12
    assert np.abs(pj.restricted_conditional(X, t) - R).max() < 1e-12
    assert np.abs(softmax(pj.log_counts(X, t)) - R).max() < 1e-12


@given(ids_strategy, st.integers(0, 10**6))
def test_row_shifts_cancel_column_shifts_do_not(t, seed):
    rng = np.random.default_rng(seed)
    n = len(t)
    L = rng.standard_normal((n, n))
    c_row = rng.standard_normal((n, 1))
    assert np.allclose(softmax(L + c_row), softmax(L))
    if n > 1:
        c_col = np.arange(n)[None, :] * 0.5
        assert not np.allclose(softmax(L + c_col), softmax(L))


def test_log_n_and_log_row_sums_cancel():
    X = positive_counts(3)
    t = np.array([0, 4, 2, 7])
    L = pj.log_counts(X, t)
    N, X_u = X.sum(), X.sum(1)
    assert np.allclose(softmax(L - np.log(N)), softmax(L))
    assert np.allclose(softmax(L - np.log(X_u[t])[:, None]), softmax(L))


@given(ids_strategy, st.integers(0, 10**6))
def test_pmi_logits_give_the_reverse_conditional(t, seed):
    X = positive_counts(seed)
    t = np.array(t)
    O = pj.selector(t, V)
    PMI = cooccurrence.pmi(X)
    rev = O @ (X / X.sum(0)[None, :]) @ O.T
    assert np.allclose(softmax(pj.project(PMI, t)), rev / rev.sum(1, keepdims=True))


def test_repeated_tokens_weight_words_by_their_count():
    X = positive_counts(5)
    t = np.array([3, 1, 3, 4, 3, 1])
    O = pj.selector(t, V)
    c = np.bincount(t, minlength=V)
    P_cond = X / X.sum(1, keepdims=True)
    A = softmax(pj.log_counts(X, t))
    expected = P_cond[t] * c / (P_cond[t] * c).sum(1, keepdims=True)
    assert np.allclose(A @ O, expected)
    assert np.allclose(pj.restricted_conditional(X, t) @ O, expected)


def test_zero_counts_act_as_masks():
    X = positive_counts(2)
    X[0, 4] = X[4, 0] = 0.0
    t = np.array([0, 4, 2])
    A = softmax(pj.log_counts(X, t))
    assert A[0, 1] == 0.0 and A[1, 0] == 0.0
    assert np.allclose(A, pj.restricted_conditional(X, t))


def test_restricted_conditional_smoothing_and_empty_rows():
    X = np.zeros((4, 4))
    X[0, 1] = X[1, 0] = 2.0
    with pytest.raises(ValueError, match=r"Position\(s\) \[2\]"):
        pj.restricted_conditional(X, [0, 1, 2])
    R = pj.restricted_conditional(X, [0, 1, 2], smoothing=0.5)
    assert np.allclose(R.sum(1), 1) and np.allclose(R[2], 1 / 3)
    assert np.allclose(R, softmax(pj.log_counts(X, [0, 1, 2], smoothing=0.5)))
    with pytest.raises(ValueError, match="not log X"):
        pj.restricted_conditional(-X, [0, 1])


def test_glove_logits_query_bias_cancels_key_bias_does_not():
    fit = data.lee_glove(dim=50)
    t = np.array([10, 200, 31, 4, 77])
    with_query = softmax(pj.glove_logits(fit, t, query_bias=True))
    assert np.allclose(with_query, softmax(pj.glove_logits(fit, t)))
    assert not np.allclose(softmax(pj.glove_logits(fit, t, key_bias=False)), with_query)
    assert np.allclose(pj.glove_logits(fit, t, key_bias=False), fit.W[t] @ fit.W_context[t].T)


def test_kl_rows_and_restricted_kl():
    R = np.array([[0.5, 0.5, 0.0], [0.2, 0.3, 0.5]])
    assert np.allclose(pj.kl_rows(R, R), 0)
    A = np.array([[0.25, 0.25, 0.5], [0.2, 0.3, 0.5]])
    assert np.isclose(pj.kl_rows(R, A)[0], np.log(2))
    X = positive_counts(1)
    t = np.array([1, 2, 5])
    assert np.allclose(pj.restricted_kl(X, t, pj.log_counts(X, t)), 0, atol=1e-12)
    assert (pj.restricted_kl(X, t, np.zeros((3, 3))) > 0).all()
    X[1, 2] = X[2, 1] = 0.0                                 # a zero count: -inf logits mask it
    assert np.allclose(pj.restricted_kl(X, t, pj.log_counts(X, t)), 0, atol=1e-12)


def test_kl_rows_takes_any_leading_shape():
    rng = np.random.default_rng(0)
    P, A = (softmax(rng.standard_normal((3, 4, 5))) for _ in range(2))
    batched = pj.kl_rows(P, A)
    assert batched.shape == (3, 4)
    assert np.allclose(batched[1], pj.kl_rows(P[1], A[1]))
    assert np.isclose(pj.kl_rows(P[0, 0], A[0, 0]), np.sum(P[0, 0] * np.log(P[0, 0] / A[0, 0])))
    with pytest.raises(ValueError, match="same shape"):
        pj.kl_rows(P, A[:, :, :4])


def test_window_kl_is_the_mean_restricted_kl_of_each_window():
    X = positive_counts(2)
    windows = np.array([[0, 1, 2], [3, 4, 5], [6, 7, 8]])
    uniform = pj.window_kl(X, windows, lambda w: np.zeros((3, 3)))
    assert uniform.shape == (3,)
    assert np.allclose(uniform, [pj.restricted_kl(X, w, np.zeros((3, 3))).mean() for w in windows])
    assert np.allclose(pj.window_kl(X, windows, lambda w: pj.log_counts(X, w)), 0, atol=1e-12)
    with pytest.raises(ValueError, match="windows"):
        pj.window_kl(X, windows[0], lambda w: np.zeros((3, 3)))


def test_glove_kl_sweep_and_operators_on_lee():
    lee = data.lee()
    fit = data.lee_glove(dim=50)
    windows = pj.sample_sentences(lee.docs, 8, 5)
    sweep = pj.glove_kl_sweep(lee.X, windows, {50: fit})
    direct = pj.window_kl(lee.X, windows, lambda w: pj.glove_logits(fit, w))
    assert np.allclose(sweep[50], direct)
    ops = pj.operators(lee, fit)
    assert ops.X.shape == ops.ppmi.shape == ops.pmi.shape == (len(lee.vocab),) * 2
    assert np.allclose(ops.log1p.toarray()[:5, :5], np.log1p(lee.X.toarray()[:5, :5]))
    assert "GloVe d = 50" in repr(ops)
    with pytest.raises(ValueError, match="same vocabulary"):
        pj.operators(data.toy(), fit)


def test_pmi_plus_key_prior_is_the_exact_target():
    X = positive_counts(3)
    t = np.array([0, 3, 4, 8])
    prior = np.log(X.sum(axis=0))[t]
    logits = pj.project(cooccurrence.pmi(X), t) + prior[None, :]
    assert np.allclose(softmax(logits), pj.restricted_conditional(X, t))


def test_sample_sentences_are_seeded_windows_of_documents():
    docs = [np.arange(5), np.arange(100, 130), np.arange(200, 203)]
    a = pj.sample_sentences(docs, 6, 50, seed=1)
    assert a.shape == (50, 6) and np.array_equal(a, pj.sample_sentences(docs, 6, 50, seed=1))
    assert np.all(np.diff(a, axis=1) == 1)  # consecutive ids of one document
    assert np.all(a >= 100) and np.all(a < 130)  # the short documents are skipped
    with pytest.raises(ValueError, match="shorter windows"):
        pj.sample_sentences(docs, 40, 3)


# --- uniqueness -----------------------------------------------------------------------------

@settings(max_examples=25)
@given(distinct_ids, st.integers(0, 10**6))
def test_best_approximation_is_m_with_residual(t, seed):
    rng = np.random.default_rng(seed)
    S = random_counts(seed)
    M = pj.project(S, t)
    O = pj.selector(t, V)
    U = O.T
    assert np.allclose(U.T @ S @ U, M)

    def err(B):
        return np.linalg.norm(S - U @ B @ U.T) ** 2

    assert np.isclose(pj.approximation_error(S, t, M), err(M))
    assert np.isclose(pj.best_approximation_residual(S, t), err(M))
    assert np.isclose(err(M), np.linalg.norm(S) ** 2 - np.linalg.norm(M) ** 2)
    for _ in range(5):
        B = M + 1e-2 * rng.standard_normal(M.shape)
        assert np.isclose(pj.approximation_error(S, t, B), err(B))
        assert pj.approximation_error(S, t, B) > pj.approximation_error(S, t, M)
    assert np.isclose(pj.approximation_error(sp.csr_matrix(S), t, M), err(M))


@settings(max_examples=25)
@given(distinct_ids, st.integers(0, 10**6))
def test_lifting_equation_has_m_as_unique_solution(t, seed):
    S = random_counts(seed)
    O = pj.selector(t, V)
    Pi = O.T @ O
    solution = pj.solve_lifting(S, t)
    assert solution.rank == solution.unknowns == len(t) ** 2
    assert np.allclose(solution.B, pj.project(S, t)) and solution.residual < 1e-18
    assert np.allclose(O.T @ solution.B @ O, Pi @ S @ Pi)
    assert np.allclose(pj.lift(solution.B, t, V).toarray(), Pi @ S @ Pi)
    B_sol = np.linalg.lstsq(np.kron(O.T, O.T), (Pi @ S @ Pi).ravel(), rcond=None)[0]
    assert np.allclose(B_sol.reshape(len(t), len(t)), solution.B)


def test_identity_reader_is_kron_q_q():
    t = np.array([4, 0, 7])
    O = pj.selector(t, V)
    S = random_counts(0)
    images = np.einsum("iu,jw->ijuw", O, O).reshape(len(t) ** 2, V * V)  # Φ(e_u e_wᵀ) columns
    assert np.allclose(images, np.kron(O, O))
    assert np.allclose((images @ S.ravel()).reshape(3, 3), pj.project(S, t))


def test_uniqueness_fails_with_a_repeated_token():
    S = random_counts(4)
    t = np.array([2, 5, 2])
    solution = pj.solve_lifting(S, t)
    assert solution.rank < solution.unknowns
    M = pj.project(S, t)
    O = pj.selector(t, V)
    other = M + np.array([[1.0, 0, -1.0], [0, 0, 0], [-1.0, 0, 1.0]])  # same lift as M
    assert np.allclose(O.T @ other @ O, O.T @ M @ O)
    assert np.isclose(pj.approximation_error(S, t, other), pj.approximation_error(S, t, M))
    with pytest.raises(ValueError, match="repeats a token"):
        pj.best_approximation_residual(S, t)


# --- validation -----------------------------------------------------------------------------

@pytest.mark.parametrize("ids, message", [
    ([], "empty"),
    ([0, 9], r"0\.\.8"),
    ([-1], r"0\.\.8"),
    ([[0, 1]], "1-D"),
    ([0.5], "whole numbers"),
    ("bank", "sentence_ids"),
])
def test_bad_ids_are_refused_with_advice(ids, message):
    with pytest.raises(ValueError, match=message):
        pj.project(np.eye(V), ids)
    with pytest.raises(ValueError, match=message):
        pj.selector(ids, V)


@pytest.mark.parametrize("S", [np.ones((3, 4)), np.ones(5), np.array([["a"]])])
def test_bad_operators_are_refused(S):
    with pytest.raises(ValueError, match="S must"):
        pj.project(S, [0])


def test_bad_shapes_of_b_and_logits():
    S = random_counts(0)
    with pytest.raises(ValueError, match=r"B must be \(2, 2\)"):
        pj.approximation_error(S, [0, 1], np.eye(3))
    with pytest.raises(ValueError, match="logits"):
        pj.restricted_kl(positive_counts(0), [0, 1], np.eye(3))
    with pytest.raises(ValueError, match="vocab_size"):
        pj.selector([0], 0)
    with pytest.raises(ValueError, match="smoothing"):
        pj.restricted_conditional(positive_counts(0), [0], smoothing=-1)
