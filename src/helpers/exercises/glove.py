"""Self-checks for the exercises of 02_glove.

Each check computes the expected answer with the helpers and returns a `Feedback`.
Introduced in 02_glove.
"""

import numpy as np

from .. import bilinear, cooccurrence, data, glove
from .base import Feedback, compare_arrays, compare_number, matching_hint, unanswered

EXERCISE_2_COUNTS = (0.5, 2.0, 10.0, 40.0)


def expected_1() -> float:
    """P(crews | fire) / P(crews | police) on the Lee counts."""
    lee = data.lee()
    P = cooccurrence.conditional(lee.X)
    i, j, k = (lee.vocab.index[w] for w in ("fire", "police", "crews"))
    return float(P[i, k] / P[j, k])


def check_1(answer) -> Feedback:
    """Exercise 1: the probability ratio P(crews | fire) / P(crews | police)."""
    missing = unanswered(answer)
    if missing is not None:
        return missing
    lee = data.lee()
    i, j, k = (lee.vocab.index[w] for w in ("fire", "police", "crews"))
    expected = expected_1()
    hint = ("divide each count by its row total first: P(k | i) = X[i, k] / X[i, :].sum(), "
            "or use cooccurrence.conditional(X).")
    try:
        value = float(answer)
    except (TypeError, ValueError):
        value = None
    if value is not None and np.isclose(value, 1 / expected, rtol=1e-6):
        hint = "you divided the other way round: fire goes on top."
    elif value is not None and np.isclose(value, lee.X[i, k] / lee.X[j, k], rtol=1e-6):
        hint = ("that is the ratio of raw counts; the two rows have different totals, divide "
                "each by its row sum first.")
    return compare_number(answer, expected, hint, atol=1e-6 * expected, what="ratio")


def expected_2() -> np.ndarray:
    """f(x) for EXERCISE_2_COUNTS with x_max = 10, alpha = 0.5."""
    return glove.weighting(np.array(EXERCISE_2_COUNTS), x_max=10.0, alpha=0.5)


def check_2(answer) -> Feedback:
    """Exercise 2: the weighting f by hand (x_max = 10, alpha = 0.5)."""
    missing = unanswered(answer)
    if missing is not None:
        return missing
    x = np.array(EXERCISE_2_COUNTS)
    uncapped = (x / 10.0) ** 0.5
    got = np.asarray(answer, dtype=float) if np.ndim(answer) else None
    hint = "f(x) = (x / x_max)^α, and never more than 1."
    if got is not None and got.shape == uncapped.shape and np.allclose(got, uncapped):
        hint = "cap the values at 1: counts above x_max all get weight 1 (np.minimum)."
    return compare_arrays(answer, expected_2(), hint, what="array of weights")


def expected_3() -> float:
    """The reference cost, mean of ½·f·e² over nonzero toy entries, for the exercise's fit."""
    toy = data.toy()
    fit = glove.train(toy.X, dim=2, x_max=10.0, epochs=100, seed=0)
    return glove.loss(toy.X, fit.W, fit.W_context, fit.b, fit.b_context, x_max=10.0) / (
        2 * toy.X.nnz)


def check_3(answer) -> Feedback:
    """Exercise 3: the mean of ½·f·e² over the nonzero toy counts at the end of training."""
    missing = unanswered(answer)
    if missing is not None:
        return missing
    expected = expected_3()
    nnz = data.toy().X.nnz
    hints = {2 * nnz * expected: "that is the sum J; the reference prints the mean of ½·f·e².",
             nnz * expected: "that is the sum of ½·f·e²; divide by the number of nonzero "
                             "entries.",
             2 * expected: "you forgot the ½."}
    hint = matching_hint(answer, hints, "for each nonzero X_ij: e = w_i·w̃_j + b_i + b̃_j − "
                                        "log X_ij; average ½·f(X_ij)·e².")
    return compare_number(answer, expected, hint, atol=1e-9, what="cost")


def skew_share(S) -> float:
    """‖S_skew‖_F² / ‖S‖_F² with S_skew = (S − Sᵀ) / 2, for a square (n, n) array S."""
    return bilinear.energy_fractions(S)[1]


def expected_4() -> float:
    """The antisymmetric share ‖S_skew‖_F² / ‖S‖_F² of S = W W̃ᵀ, right-only Lee model."""
    fit = data.lee_glove(x_max=100.0, direction="right")
    return skew_share(fit.W @ fit.W_context.T)


def check_4(answer) -> Feedback:
    """Exercise 4: the antisymmetric share of the fitted scores S = W W̃ᵀ on right-only counts."""
    missing = unanswered(answer)
    if missing is not None:
        return missing
    symmetric = data.lee_glove(x_max=100.0)
    expected = expected_4()
    hints = {skew_share(symmetric.W @ symmetric.W_context.T):
             "that is the symmetric model; use data.lee_glove(..., direction='right').",
             2 * np.sqrt(expected): "that is ‖S − Sᵀ‖ / ‖S‖; the share is the squared norm of "
                                    "(S − Sᵀ) / 2 over the squared norm of S.",
             1 - expected: "that is the symmetric share; use S_skew = (S - S.T) / 2."}
    hint = matching_hint(answer, hints, "S = fit.W @ fit.W_context.T, S_skew = (S - S.T) / 2; "
                                        "then np.sum(S_skew**2) / np.sum(S**2).")
    return compare_number(answer, expected, hint, atol=1e-6, what="antisymmetric share")
