"""Self-checks for the exercises of 06_heads.

Each check computes the expected answer with the helpers and returns a `Feedback`.
Introduced in 06_heads.
"""

import numpy as np

from .. import heads
from ..attention import softmax
from .base import Feedback, compare_arrays, compare_number, unanswered

EXERCISE_1_DOCS = (np.array([0, 1, 2]), np.array([1, 1, 3]))
EXERCISE_1_V = 4
EXERCISE_2_L1 = np.array([[2.0, 0.0, 0.0], [0.0, 2.0, 0.0], [1.0, 1.0, 0.0]])
EXERCISE_2_L2 = np.array([[0.0, 0.0, 3.0], [3.0, 0.0, 0.0], [0.0, 0.0, 1.0]])
EXERCISE_3_V, EXERCISE_3_K = 1776, 8
EXERCISE_4_PAIR, EXERCISE_4_ITERATIONS = 3, 1
EXERCISE_5_G = np.array([[6.0, 2.0, 1.0], [0.0, 3.0, 3.0]])  # 2 pairs × offsets δ = 1, 2, 3
EXERCISE_5_Z = np.array([[2.0, 1.0], [0.5, 2.0]])  # loadings: 2 pairs × 2 components
EXERCISE_5_PHI = np.array([[0.8, 0.1, 0.1], [0.0, 0.5, 0.5]])  # profiles: near, far


def check_1(answer) -> Feedback:
    """Exercise 1: the topical operator S = DᵀD − diag(Σ_d D[d]) of EXERCISE_1_DOCS."""
    expected = heads.topical_operator(EXERCISE_1_DOCS, EXERCISE_1_V)
    missing = unanswered(answer)
    if missing is not None:
        return missing
    D = heads.doc_term(EXERCISE_1_DOCS, EXERCISE_1_V)
    got = np.asarray(answer.toarray() if hasattr(answer, "toarray") else answer, dtype=float)
    if got.shape == expected.shape and np.allclose(got, (D.T @ D).toarray()):
        return Feedback(False, "that is DᵀD, which also pairs every token with itself: subtract "
                               "each word's total count from the diagonal.")
    return compare_arrays(answer, expected,
                          "build D (documents × words) with D[d, w] = count of w in document d, "
                          "then DᵀD minus the diagonal of word counts.", what="matrix")


def expected_2() -> np.ndarray:
    """Half the sum of the two heads' weights minus the weights of one head on L1 + L2."""
    return (softmax(EXERCISE_2_L1) + softmax(EXERCISE_2_L2)) / 2 - softmax(
        EXERCISE_2_L1 + EXERCISE_2_L2)


def check_2(answer) -> Feedback:
    """Exercise 2: (softmax(L1) + softmax(L2)) / 2 − softmax(L1 + L2), a (3, 3) array."""
    missing = unanswered(answer)
    if missing is not None:
        return missing
    got = np.asarray(answer, dtype=float) if np.ndim(answer) == 2 else None
    if got is not None and got.shape == (3, 3) and np.allclose(got, 0):
        return Feedback(False, "the difference is not zero: softmax is not linear. Compute "
                               "each softmax row by row.")
    return compare_arrays(answer, expected_2(),
                          "use helpers.attention.softmax on each logit matrix (rows are "
                          "queries), then subtract.", what="difference")


def check_3(answer) -> Feedback:
    """Exercise 3: numbers in two heads of rank k = 8 over |V| = 1776 words (U_q, U_k each)."""
    expected = 2 * 2 * EXERCISE_3_V * EXERCISE_3_K
    hints = {
        2 * EXERCISE_3_V * EXERCISE_3_K: "that is one head; there are two.",
        EXERCISE_3_V * EXERCISE_3_K: "each head has two factors, U_Q and U_K, each |V| × k.",
    }
    try:
        hint = hints.get(int(answer)) if answer is not None else None
    except (TypeError, ValueError):
        hint = None
    return compare_number(answer, expected,
                          hint or "count U_Q and U_K of each head: |V| × k numbers each.",
                          what="count")


def expected_4() -> np.ndarray:
    """IBM Model 1's alignment posterior for EXERCISE_4_PAIR after EXERCISE_4_ITERATIONS."""
    par = heads.parallel_corpus()
    T = heads.ibm_model1(par, EXERCISE_4_ITERATIONS)
    return heads.alignment_posterior(T, par.target[EXERCISE_4_PAIR], par.source[EXERCISE_4_PAIR])


def check_4(answer) -> Feedback:
    """Exercise 4: cross-attention softmax(log T restricted to pair 3) after one EM iteration."""
    par = heads.parallel_corpus()
    J, n = len(par.target[EXERCISE_4_PAIR]), len(par.source[EXERCISE_4_PAIR])
    if answer is not None and np.shape(answer) == (J, n) and np.allclose(answer, 1 / n):
        return Feedback(False, "that is the uniform start (zero iterations); run one EM step.")
    return compare_arrays(answer, expected_4(),
                          "T = ibm_model1(par, 1); restrict T to rows par.target[3] and columns "
                          "par.source[3], then softmax the log along each row.",
                          what="alignment")


def check_5(answer) -> Feedback:
    """Exercise 5: each pair's counts split between the two components, a (2, 2) array."""
    missing = unanswered(answer)
    if missing is not None:
        return missing
    parts = EXERCISE_5_Z[:, :, None] * EXERCISE_5_PHI[None]  # (pairs, components, offsets)
    if np.shape(answer) == (2, 2) and np.allclose(answer, parts.sum(axis=2)):
        return Feedback(False, "that is Σ_δ Z[p, r] Φ[r, δ], the fitted log counts: divide by "
                               "the sum over components at each δ, then multiply by G[p, δ].")
    return compare_arrays(answer, heads.component_counts(EXERCISE_5_G, EXERCISE_5_Z,
                                                         EXERCISE_5_PHI),
                          "at each offset δ the share of component r is Z[p, r] Φ[r, δ] divided "
                          "by the sum over both components; multiply by G[p, δ] and add over δ.",
                          what="split")
