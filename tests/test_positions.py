"""Identities of 05_positions: offset decomposition, order-aware projection, encodings, masks."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from helpers import cooccurrence, data, positions
from helpers.attention import causal_mask, softmax


@pytest.fixture(scope="module")
def toy():
    return data.toy()


@pytest.fixture(scope="module")
def toy_offsets(toy):
    return positions.offset_stack(list(toy.docs), len(toy.vocab), 4)


def test_offsets_sum_to_the_right_window(toy, toy_offsets):
    XR = cooccurrence.count(list(toy.docs), len(toy.vocab), window=4, direction="right")
    assert np.allclose(sum(X / d for d, X in enumerate(toy_offsets, 1)).toarray(), XR.toarray())
    assert np.allclose(positions.window_from_offsets(toy_offsets).toarray(), XR.toarray())


def test_negative_offsets_are_transposes(toy_offsets):
    for d in (1, 3):
        assert np.allclose(positions.at_offset(toy_offsets, -d).toarray(),
                           toy_offsets[d - 1].T.toarray())
    with pytest.raises(ValueError, match="without 0"):
        positions.at_offset(toy_offsets, 0)
    with pytest.raises(ValueError, match="−4..4"):
        positions.at_offset(toy_offsets, 5)


@pytest.mark.parametrize("kind", positions.KINDS)
def test_operator_entries_match_dense_operators(toy, kind):
    X = toy.X
    u, w = np.arange(len(toy.vocab))[:, None], np.arange(len(toy.vocab))[None, :]
    got = positions.operator_entries(X, u, w, kind)
    dense = {"count": X.toarray(), "log1p": np.log1p(X.toarray()),
             "pmi": cooccurrence.pmi(X), "ppmi": cooccurrence.ppmi(X).toarray()}[kind]
    assert np.allclose(got, dense)


def test_order_aware_projection_reads_each_offset(toy, toy_offsets):
    t = toy.vocab.encode("the bank the river".split())
    M = positions.order_aware_projection(t, toy_offsets, kind="count")
    D = positions.offsets(len(t))
    for i in range(len(t)):
        for j in range(len(t)):
            d = D[i, j]
            expected = 0.0 if d == 0 else positions.at_offset(toy_offsets, d)[t[i], t[j]]
            assert M[i, j] == expected


def test_repeated_word_rows_become_distinct(toy, toy_offsets):
    t = toy.vocab.encode("the bank the river".split())
    S = cooccurrence.ppmi(toy.X).toarray()
    M_blind = S[np.ix_(t, t)]
    assert np.allclose(M_blind[0], M_blind[2])
    M = positions.order_aware_projection(t, toy_offsets, kind="ppmi")
    assert not np.allclose(M[0], M[2])


def test_pmi_projection_is_minus_inf_where_unseen(toy, toy_offsets):
    t = toy.vocab.encode("river the loan".split())
    M = positions.order_aware_projection(t, toy_offsets, kind="pmi", fill=7.0)
    assert np.all(np.diag(M) == 7.0)
    assert np.isneginf(M[0, 2]) == (toy_offsets[1][t[0], t[2]] == 0)


def test_fit_content_offset_on_the_toy_corpus(toy_offsets):
    fit = positions.fit_content_offset(toy_offsets)
    assert 0 <= fit.r2_content <= fit.r2_both <= 1 + 1e-12
    assert 0 <= fit.r2_offset <= fit.r2_both + 1e-12
    assert fit.r.shape == (4,) and 0 < fit.coverage <= 1


def _weighted_lstsq(design, y, weight):
    """Fitted values of the weighted least-squares solve min Σ w (y − design β)²."""
    root = np.sqrt(weight)
    beta = np.linalg.lstsq(design * root[:, None], y * root, rcond=None)[0]
    return design @ beta, beta


def test_fit_content_offset_equals_a_direct_weighted_least_squares_solve():
    rng = np.random.default_rng(3)
    ids = [rng.integers(0, 7, 300) for _ in range(4)]
    X_offsets = positions.offset_stack(ids, 7, 3)
    table = positions.offset_table(X_offsets)
    y, w, pair, delta = table.pmi, table.weight, table.pair, table.delta
    pairs = np.eye(table.n_pairs)[pair]  # (m, n_pairs) one-hot
    offsets = np.eye(3)[delta]  # (m, 3) one-hot
    both, beta = _weighted_lstsq(np.hstack([pairs, offsets]), y, w)
    content, _ = _weighted_lstsq(pairs, y, w)
    offset_only, _ = _weighted_lstsq(offsets, y, w)

    def r2(fitted):
        mean = np.average(y, weights=w)
        return 1 - np.sum(w * (y - fitted) ** 2) / np.sum(w * (y - mean) ** 2)

    fit = positions.fit_content_offset(X_offsets, iterations=500)
    assert np.isclose(fit.r2_both, r2(both), atol=1e-8)
    assert np.isclose(fit.r2_content, r2(content), atol=1e-10)
    assert np.isclose(fit.r2_offset, r2(offset_only), atol=1e-10)
    r = beta[table.n_pairs:]
    assert np.allclose(fit.r, r - np.average(r[delta], weights=w), atol=1e-6)
    assert fit.n_pairs == table.n_pairs and fit.n_entries == len(y)


def test_offset_table_rows_are_the_observed_entries(toy_offsets):
    table = positions.offset_table(toy_offsets, min_offsets=1)
    assert len(table.pmi) == sum(X.nnz for X in toy_offsets) and np.isclose(table.coverage, 1)
    u, w = table.words[table.pair].T
    for d, X in enumerate(toy_offsets):
        rows = table.delta == d
        assert np.allclose(table.weight[rows], np.asarray(X[u[rows], w[rows]]).ravel())
        assert np.allclose(table.pmi[rows],
                           positions.operator_entries(X, u[rows], w[rows], "pmi"))


def test_class_pmi_and_mutual_information_follow_their_formulas():
    X = np.array([[4.0, 1.0, 0.0], [2.0, 0.0, 3.0], [1.0, 1.0, 2.0]])
    N, row, col = X.sum(), X.sum(1), X.sum(0)
    classes = {"a": np.array([0]), "bc": np.array([1, 2])}
    block = np.array([[X[0, 0], X[0, 1:].sum()], [X[1:, 0].sum(), X[1:, 1:].sum()]])
    r = np.array([row[0], row[1:].sum()])
    c = np.array([col[0], col[1:].sum()])
    assert np.allclose(positions.class_pmi(X, classes), np.log(block * N / np.outer(r, c)))
    nz = X > 0
    expected = np.sum(X[nz] / N * np.log2((X * N / np.outer(row, col))[nz]))
    assert np.isclose(positions.mutual_information(X), expected)
    p = X[0] / X[0].sum()
    q = col / N
    assert np.isclose(positions.class_information(X, np.array([0])),
                      np.sum(p[p > 0] * np.log2(p[p > 0] / q[p > 0])))


def test_offset_profiles_measure_each_offset():
    lee = data.lee()
    dets = lee.vocab.encode(list(positions.DETERMINERS))
    profiles = positions.offset_profiles(lee.docs, len(lee.vocab), 4, dets)
    assert profiles.information.shape == profiles.baseline.shape == (4,)
    assert profiles.class_bits.shape == (4,)
    assert profiles.information[0] > profiles.information[-1] > 0
    assert profiles.class_bits[0] > profiles.class_bits[1]
    assert np.isclose(profiles.information[0],
                      positions.mutual_information(profiles.X_offsets[0]))
    assert np.isclose(profiles.class_bits[0],
                      positions.class_information(profiles.X_offsets[0], dets))
    assert np.all(profiles.baseline < profiles.information)


def test_offset_term_never_lowers_the_fit():
    rng = np.random.default_rng(0)
    ids = [rng.integers(0, 6, 400) for _ in range(3)]
    X_offsets = positions.offset_stack(ids, 6, 3)
    fit = positions.fit_content_offset(X_offsets, min_offsets=3)
    assert fit.r2_both >= fit.r2_content


def test_class_measurements(toy, toy_offsets):
    the = toy.vocab.encode(["the"])
    bits = [positions.class_information(X, the) for X in toy_offsets]
    assert bits[0] > 0 and all(b >= 0 for b in bits)
    C = positions.class_pmi(toy_offsets[0], {"the": the,
                                             "rest": np.setdiff1d(np.arange(len(toy.vocab)), the)})
    assert C.shape == (2, 2)
    with pytest.raises(ValueError, match="overlap"):
        positions.class_pmi(toy_offsets[0], {"a": the, "b": the})
    assert positions.mutual_information(toy_offsets[0]) > 0


def test_four_term_split():
    rng = np.random.default_rng(1)
    H, P, B = rng.normal(size=(6, 4)), positions.sinusoidal(6, 4), rng.normal(size=(4, 4))
    terms = positions.four_terms(H, P, B)
    assert np.allclose((H + P) @ B @ (H + P).T, sum(terms))
    assert np.allclose(terms[0], H @ B @ H.T) and np.allclose(terms[3], P @ B @ P.T)


@settings(max_examples=25, deadline=None)
@given(n=st.integers(2, 40), half=st.integers(1, 16),
       base=st.floats(2.0, 1e5, allow_nan=False))
def test_sinusoidal_gram_is_toeplitz(n, half, base):
    P = positions.sinusoidal(n, 2 * half, base)
    G = P @ P.T
    assert positions.is_toeplitz(G)
    for k in range(1, min(n, 8)):
        assert np.allclose(np.diag(G, k), np.diag(G, k)[0])
    assert np.allclose(G, positions.sinusoidal_kernel(positions.offsets(n), 2 * half, base))
    assert np.allclose(np.diag(G), half)


@settings(max_examples=25, deadline=None)
@given(p=st.integers(-50, 50), r=st.integers(-50, 50), half=st.integers(1, 8),
       seed=st.integers(0, 1000))
def test_rotary_scores_depend_on_the_relative_offset(p, r, half, seed):
    d = 2 * half
    rng = np.random.default_rng(seed)
    q, k = rng.normal(size=d), rng.normal(size=d)
    Rp, Rr = positions.rotation_matrix(p, d), positions.rotation_matrix(r, d)
    assert np.isclose((Rp @ q) @ (Rr @ k), q @ positions.rotation_matrix(r - p, d) @ k)
    assert np.allclose(Rp.T @ Rp, np.eye(d))
    rows = positions.rotary(np.stack([q, k]), np.array([p, r]))
    assert np.allclose(rows, np.stack([Rp @ q, Rr @ k]))


def test_rotary_attention_is_shift_invariant():
    rng = np.random.default_rng(2)
    Qr, Kr = rng.normal(size=(5, 8)), rng.normal(size=(5, 8))
    scores = positions.rotary(Qr) @ positions.rotary(Kr).T
    shifted = positions.rotary(Qr, np.arange(5) + 17) @ positions.rotary(Kr, np.arange(5) + 17).T
    assert np.allclose(scores, shifted)


def test_relative_offset_matrix_is_toeplitz():
    B = positions.relative_offset_matrix(lambda D: -0.5 * np.abs(D), 7)
    assert positions.is_toeplitz(B) and B[0, 3] == -1.5
    assert not positions.is_toeplitz(np.arange(9.0).reshape(3, 3) ** 2)
    with pytest.raises(ValueError, match="one value per offset"):
        positions.relative_offset_matrix(lambda D: 1.0, 3)


def test_causal_attention_is_lower_triangular_and_row_stochastic():
    rng = np.random.default_rng(3)
    L = rng.normal(size=(6, 6))
    A = positions.causal_weights(L)
    assert np.allclose(np.triu(A, 1), 0) and np.allclose(A.sum(1), 1)
    with np.errstate(divide="ignore"):
        assert np.allclose(softmax(L + np.log(np.tril(np.ones((6, 6))))), A)
    assert np.allclose(causal_mask(6), np.where(np.tril(np.ones((6, 6))) > 0, 0, -np.inf))


@settings(max_examples=25, deadline=None)
@given(n=st.integers(2, 12), m=st.integers(1, 12), seed=st.integers(0, 1000))
def test_prefix_invariance(n, m, seed):
    m = min(m, n)
    rng = np.random.default_rng(seed)
    L, values = rng.normal(size=(n, n)), rng.normal(size=(n, 3))
    full = positions.causal_weights(L) @ values
    assert np.allclose(full[:m], positions.causal_weights(L[:m, :m]) @ values[:m])
    assert np.allclose(positions.prefix_leak(L, values, masked=True), 0)
    leak = positions.prefix_leak(L, values, masked=False)
    assert leak[-1] < 1e-12 and leak[:-1].min() > 0


@pytest.mark.parametrize("call, message", [
    (lambda: positions.sinusoidal(4, 3), "even"),
    (lambda: positions.sinusoidal(0, 4), "n must be"),
    (lambda: positions.frequencies(4, base=1.0), "base"),
    (lambda: positions.rotary(np.ones(4)), r"\(n, d\)"),
    (lambda: positions.rotary(np.ones((3, 4)), np.arange(2)), "one position per row"),
    (lambda: positions.offset_stack([np.array([0, 1])], 2, 0), "K must be"),
    (lambda: positions.order_aware_projection(np.array([0, 9]), [np.eye(3)]), "0..2"),
    (lambda: positions.order_aware_projection(np.array([0]), []), "offset_stack"),
    (lambda: positions.operator_entries(np.eye(3), 0, 1, "svd"), "kind"),
    (lambda: positions.prefix_weights(np.eye(3), 4), "exceeds"),
    (lambda: positions.prefix_leak(np.eye(3), np.ones((2, 1))), "values"),
    (lambda: positions.four_terms(np.ones((2, 2)), np.ones((3, 2)), np.eye(2)), "H and P"),
    (lambda: positions.causal_weights(np.ones((2, 3))), "square"),
])
def test_bad_input_gives_readable_errors(call, message):
    with pytest.raises(ValueError, match=message):
        call()
