"""Self-checks for the exercises of 02_glove.

Each check computes the expected answer with the helpers and returns a `Feedback`.
Introduced in 02_glove.
"""

import numpy as np

from .. import bilinear, cooccurrence, data, glove
from .base import Feedback, Question, Quiz, check_array, check_number, trap, unanswered

EXERCISE_2_COUNTS = (0.5, 2.0, 10.0, 40.0)
HINTS = {
    1: ("the ratio compares two conditional probabilities, not two counts: what is each one's "
        "denominator?",
        "P(crews | fire) = X[fire, crews] / X_fire with X_fire the row sum of 'fire'; the same "
        "for 'police'; then divide the first by the second.",
        "P = cooccurrence.conditional(X); take P[fire, crews] / P[police, crews] with the ids "
        "from lee.vocab.index."),
    2: ("f rises with the count and then stops rising: where does it stop, and at what value?",
        "f(x) = (x / x_max)^α below x_max and 1 from x_max on: f(x) = min((x / x_max)^α, 1).",
        "x = np.array(ex.EXERCISE_2_COUNTS); np.minimum((x / 10) ** 0.5, 1)."),
    3: ("the cost runs over the nonzero counts only, and each term is a weighted squared error "
        "of the fit against log X_ij.",
        "e_ij = w_i·w̃_j + b_i + b̃_j − log X_ij; the reported cost is the mean over nonzero "
        "X_ij of ½ f(X_ij) e_ij², with x_max = 10 and α = 0.75.",
        "rows, cols = toy.X.nonzero(); x = np.asarray(toy.X[rows, cols]).ravel(); e = "
        "np.sum(fit.W[rows] * fit.W_context[cols], 1) + fit.b[rows] + fit.b_context[cols] - "
        "np.log(x); np.mean(0.5 * glove.weighting(x, 10.0) * e**2)."),
    4: ("split S into a symmetric and an antisymmetric part; the share compares squared "
        "Frobenius norms.",
        "S = W W̃ᵀ, S_skew = (S − Sᵀ)/2, and the share is ‖S_skew‖_F² / ‖S‖_F².",
        "S = fit.W @ fit.W_context.T; np.sum(((S - S.T) / 2)**2) / np.sum(S**2), with fit = "
        "data.lee_glove(x_max=100.0, direction='right')."),
}


def expected_1() -> float:
    """P(crews | fire) / P(crews | police) on the Lee counts."""
    lee = data.lee()
    P = cooccurrence.conditional(lee.X)
    i, j, k = (lee.vocab.index[w] for w in ("fire", "police", "crews"))
    return float(P[i, k] / P[j, k])


def check_1(answer) -> Feedback:
    """Exercise 1: the probability ratio P(crews | fire) / P(crews | police)."""
    lee = data.lee()
    i, j, k = (lee.vocab.index[w] for w in ("fire", "police", "crews"))
    expected = expected_1()
    return check_number(answer, expected, HINTS[1], atol=1e-6 * expected, what="ratio", traps=[
        (1 / expected, trap("the ratio upside down", "you divided the other way round: "
                            "P(crews | fire) goes on top.")),
        (lee.X[i, k] / lee.X[j, k],
         trap("a ratio of raw counts", "the two rows have different totals; divide each count "
              "by its row sum first."))])


def expected_2() -> np.ndarray:
    """f(x) for EXERCISE_2_COUNTS with x_max = 10, alpha = 0.5."""
    return glove.weighting(np.array(EXERCISE_2_COUNTS), x_max=10.0, alpha=0.5)


def check_2(answer) -> Feedback:
    """Exercise 2: the weighting f by hand (x_max = 10, alpha = 0.5)."""
    x = np.array(EXERCISE_2_COUNTS)
    return check_array(answer, expected_2(), HINTS[2], what="array of weights", traps=[
        ((x / 10.0) ** 0.5, trap("no cap at x_max", "counts above x_max all get weight 1: cap "
                                 "the values with np.minimum(·, 1).")),
        (np.minimum((x / 10.0) ** 0.75, 1), trap("the wrong α", "that is α = 0.75, GloVe's "
                                                 "default; this exercise uses α = 0.5."))])


def expected_3() -> float:
    """The reference cost, mean of ½·f·e² over nonzero toy entries, for the exercise's fit."""
    toy = data.toy()
    fit = glove.train(toy.X, dim=2, x_max=10.0, epochs=100, seed=0)
    return glove.loss(toy.X, fit.W, fit.W_context, fit.b, fit.b_context, x_max=10.0) / (
        2 * toy.X.nnz)


def check_3(answer) -> Feedback:
    """Exercise 3: the mean of ½·f·e² over the nonzero toy counts at the end of training."""
    expected = expected_3()
    nnz = data.toy().X.nnz
    return check_number(answer, expected, HINTS[3], atol=1e-9, what="cost", traps=[
        (2 * nnz * expected, trap("the sum J", "the reference prints the mean of ½·f·e², not "
                                  "the sum of f·e².")),
        (nnz * expected, trap("a sum, not a mean", "that is the sum of ½·f·e²; divide by the "
                              "number of nonzero entries.")),
        (2 * expected, trap("forgetting the ½", "each term is ½·f·e²."))])


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
    traps = [
        (skew_share(symmetric.W @ symmetric.W_context.T),
         trap("the symmetric model", "those are the vectors fitted on symmetric X; use "
              "data.lee_glove(..., direction='right').")),
        (2 * np.sqrt(expected),
         trap("a norm ratio", "that is ‖S − Sᵀ‖ / ‖S‖; the share is the squared norm of "
              "(S − Sᵀ) / 2 over the squared norm of S.")),
        (1 - expected, trap("the symmetric share", "that is ‖S_sym‖² / ‖S‖²; use S_skew = "
                            "(S − Sᵀ) / 2."))]
    return check_number(answer, expected, HINTS[4], traps, atol=1e-6, what="antisymmetric share")

QUESTIONS = (
    Question("GloVe fits w_i·w̃_k + b_i + b̃_k to which quantity, for every nonzero count?", 2,
             "the fit targets log X_ik; log X_i, which a log probability would subtract, is "
             "absorbed into the bias b_i.",
             ("X_ik", "P(k | i)", "log X_ik", "PPMI_ik")),
    Question("With x_max = 10 and α = 0.5, what is the weight f(2.5)? (a number)", 0.5,
             "f(x) = min((x / x_max)^α, 1) = (2.5 / 10)^0.5 = 0.25^0.5 = 0.5."),
    Question("What weight does f give a pair counted more than x_max times?", 0,
             "f(x) = min((x / x_max)^α, 1) is 1 from x_max on: frequent pairs count fully, "
             "and no more than that.",
             ("1", "(x / x_max)^α, which keeps growing past 1", "0", "log x")),
    Question("Why do W and W̃ differ when GloVe is trained on right-only counts X^R?", 1,
             "X^R is not symmetric, so the word and context roles differ and S = W W̃ᵀ gets an "
             "antisymmetric part: queries and keys. On symmetric X the two sets are "
             "interchangeable.",
             ("only because they start from different random values",
              "X^R is not symmetric, so the word and context roles differ",
              "the weighting f treats rows and columns differently",
              "the biases b and b̃ absorb different frequencies")),
)


def quiz() -> Quiz:
    """The self-checked quiz that ends 02_glove."""
    return Quiz("Session 02", QUESTIONS)
