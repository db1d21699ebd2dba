"""Self-checks for the exercises of 05_positions.

Each check computes the expected answer with the helpers and returns a `Feedback`.
Introduced in 05_positions.
"""

import numpy as np

from .. import data, positions
from ..attention import softmax
from ..positions import DETERMINERS
from .base import Feedback, Question, Quiz, check_array, check_number, trap

EXERCISE_1_SENTENCE = "the river bank"
EXERCISE_3 = {"d": 8, "base": 100.0, "p": 3, "q": 8}
EXERCISE_4 = {"d": 4, "base": 10.0, "p": 2, "r": 7}
HINTS = {
    1: ("each entry pairs two positions of the sentence: which offset separates them, and which "
        "of the two words comes first in the text?",
        "M[i, j] = X^(j−i)[t_i, t_j] when j comes after i; when j comes before i it is "
        "X^(i−j)[t_j, t_i], since X^(−δ) = (X^(δ))ᵀ; the diagonal is 0.",
        "with X_off_toy[δ − 1] = X^(δ): M[i, j] = X_off_toy[j - i - 1][t_ex[i], t_ex[j]] for "
        "j > i and X_off_toy[i - j - 1][t_ex[j], t_ex[i]] for j < i."),
    2: ("class PMI is the ordinary PMI of a 2 × 2 table: determiners or not, on each side; "
        "which offset's counts does it use here?",
        "with X = X^(2): X_dd sums determiner rows and determiner columns, X_d· the determiner "
        "rows, X_·d the determiner columns, N = X.sum(); PMI = log(X_dd N / (X_d· X_·d)).",
        "X = X_off[1]; X_dd = X[np.ix_(dets, dets)].sum(); np.log(X_dd * X.sum() / "
        "(X[dets].sum() * X[:, dets].sum()))."),
    3: ("sin a sin b + cos a cos b is one cosine: of what? Pair the sin and cos columns of "
        "each frequency.",
        "(P Pᵀ)[p, q] = Σ_k cos((q − p) ω_k) with ω_k = base^(−2k/d), for k = 0 .. d/2 − 1: "
        "d/2 terms.",
        "omega = 100.0 ** (-2 * np.arange(4) / 8); np.cos(5 * omega).sum()."),
    4: ("write the score (R_p q)·(R_r k) as qᵀ (something) k and use what a rotation's "
        "transpose is.",
        "(R_p q)ᵀ (R_r k) = qᵀ R_pᵀ R_r k, with R_pᵀ = R_(−p) and R_a R_b = R_(a+b).",
        "positions.rotation_matrix(7 - 2, 4, 10.0), the rotation by the key's position minus "
        "the query's."),
    5: ("position i may attend to positions j ≤ i only: how do you make softmax give exactly "
        "zero weight to the others?",
        "add log T to the logits, T = np.tril(np.ones((5, 5))): 0 on and below the diagonal, "
        "−∞ above; then softmax each row (the last axis).",
        "with np.errstate(divide='ignore'): mask = np.log(np.tril(np.ones((5, 5)))); then "
        "softmax(L5 + mask), row by row."),
}


def _as_array(answer):
    try:
        return np.asarray(answer, dtype=float)
    except (TypeError, ValueError):
        return None


def expected_1() -> np.ndarray:
    """M (3, 3) of EXERCISE_1_SENTENCE on the toy corpus: counts per offset, K = 4."""
    toy = data.toy()
    X_offsets = positions.offset_stack(list(toy.docs), len(toy.vocab), 4)
    t = toy.vocab.encode(EXERCISE_1_SENTENCE.split())
    return positions.order_aware_projection(t, X_offsets, kind="count")


def _unflipped_1() -> np.ndarray:
    """The usual slip in exercise 1: negative offsets read without the transpose."""
    toy = data.toy()
    X_offsets = positions.offset_stack(list(toy.docs), len(toy.vocab), 4)
    t = toy.vocab.encode(EXERCISE_1_SENTENCE.split())
    M = np.triu(expected_1())
    for i, j in zip(*np.tril_indices(len(t), -1), strict=True):
        M[i, j] = X_offsets[i - j - 1][t[i], t[j]]
    return M


def check_1(answer) -> Feedback:
    """Exercise 1: the order-aware count projection M_ij = X^(j−i)[t_i, t_j] of "the river bank"."""
    expected = expected_1()
    return check_array(answer, expected, HINTS[1], what="matrix", traps=[
        (_unflipped_1(), trap("the unflipped offsets", "below the diagonal you read "
                              "X^(i−j)[t_i, t_j], i.e. t_j after t_i; but t_j comes first "
                              "there: use X^(i−j)[t_j, t_i].")),
        (np.triu(expected), trap("the upper triangle only", "the upper triangle is right; below "
                                 "the diagonal use the negative offsets, S^(−δ) = (S^(δ))ᵀ.")),
        (lambda got: np.allclose(got - np.diag(np.diag(got)), expected),
         trap("forgetting the diagonal", "off the diagonal all is right, but M_ii is a word at "
              "offset 0 from itself, which X^(δ) (δ ≥ 1) never counts: the diagonal is 0."))])


def _lee_determiner_pmi(delta):
    lee = data.lee()
    dets = lee.vocab.encode([w for w in DETERMINERS if w in lee.vocab])
    X = positions.offset_stack(list(lee.docs), len(lee.vocab), delta)[delta - 1]
    rest = np.setdiff1d(np.arange(len(lee.vocab)), dets)
    return float(positions.class_pmi(X, {"det": dets, "rest": rest})[0, 0])


def expected_2() -> float:
    """Class PMI determiner → determiner at δ = 2 on Lee (DETERMINERS, one class)."""
    return _lee_determiner_pmi(2)


def check_2(answer) -> Feedback:
    """Exercise 2: PMI between determiners and the determiner two words later, on Lee."""
    return check_number(answer, expected_2(), HINTS[2], atol=1e-4, what="PMI", traps=[
        (_lee_determiner_pmi(1), trap("the neighbouring offset", "that is the value at δ = 1 "
                                      "(two determiners side by side); use X^(2) = X_off[1]."))])


def expected_3() -> float:
    """(P Pᵀ)[p, q] for the sinusoidal encodings of EXERCISE_3."""
    e = EXERCISE_3
    P = positions.sinusoidal(e["q"] + 1, e["d"], e["base"])
    return float(P[e["p"]] @ P[e["q"]])


def check_3(answer) -> Feedback:
    """Exercise 3: one entry of the sinusoidal Gram matrix from the offset alone."""
    e = EXERCISE_3
    k = np.arange(e["d"] // 2)
    offset = e["q"] - e["p"]
    return check_number(answer, expected_3(), HINTS[3], atol=1e-6, what="entry", traps=[
        (2 * expected_3(), trap("each frequency twice", "sin·sin + cos·cos is one cosine of "
                                "the difference: d/2 terms, not d.")),
        (np.cos(offset * e["base"] ** (-k / e["d"])).sum(),
         trap("the frequencies base^(−k/d)", "ω_k = base^(−2k/d): the exponent has a 2, "
              "since each frequency fills two columns."))])


def exercise_4_vectors():
    """The query q and key k (each (4,)) of exercise 4, seeded."""
    rng = np.random.default_rng(5)
    return rng.normal(size=4), rng.normal(size=4)


def expected_4() -> np.ndarray:
    """R_(r − p) for EXERCISE_4: the matrix with (R_p q)·(R_r k) = q R k for every q, k."""
    e = EXERCISE_4
    return positions.rotation_matrix(e["r"] - e["p"], e["d"], e["base"])


def check_4(answer) -> Feedback:
    """Exercise 4: the one matrix R with (R_p q)·(R_r k) = qᵀ R k (rotary, relative offset)."""
    d, base = EXERCISE_4["d"], EXERCISE_4["base"]
    p, r = EXERCISE_4["p"], EXERCISE_4["r"]
    return check_array(answer, expected_4(), HINTS[4], what="matrix", traps=[
        (expected_4().T, trap("the transpose", "that is R_(p − r): the key's position minus the "
                              "query's is r − p.")),
        (positions.rotation_matrix(r, d, base),
         trap("the key's rotation alone", "that is R_r; the query's rotation R_p also enters.")),
        (positions.rotation_matrix(r + p, d, base),
         trap("adding the positions", "that is R_(p + r); the transpose of R_p is R_(−p), so "
              "the angles subtract."))])


def exercise_5_logits():
    """The logits L (5, 5) of exercise 5, seeded."""
    return np.round(np.random.default_rng(7).normal(size=(5, 5)), 2)


def expected_5() -> np.ndarray:
    """Causal attention weights softmax(L + log T) of `exercise_5_logits()`."""
    return positions.causal_weights(exercise_5_logits())


def check_5(answer) -> Feedback:
    """Exercise 5: causal attention weights of given logits with numpy only."""
    L = exercise_5_logits()
    with np.errstate(divide="ignore"):
        log_T = np.log(np.tril(np.ones(L.shape)))
    return check_array(answer, expected_5(), HINTS[5], what="weights", traps=[
        (softmax(L), trap("no mask", "those are the unmasked weights: every row still reads the "
                          "future. Add the causal mask first.")),
        (softmax(L + log_T.T), trap("the mask upside down", "your weights are upper triangular: "
                                    "position i may only attend to j ≤ i (np.tril, not "
                                    "np.triu).")),
        (np.tril(softmax(L)), trap("mask applied after softmax", "the zeros are in the right "
                                   "place but rows do not sum to 1: mask before the softmax, "
                                   "not after it.")),
        (softmax(L + log_T, axis=0), trap("softmax over the wrong axis", "each column sums to "
                                          "1; an attention row is a distribution over keys: "
                                          "softmax along each row (axis=-1)."))])


QUESTIONS = (
    Question("How are the offset counts X^(−δ) and X^(δ) related?", 1,
             "“w is δ positions before u” is “u is δ positions after w”: X^(−δ) = (X^(δ))ᵀ.",
             ("they are equal", "X^(−δ) = (X^(δ))ᵀ", "X^(−δ) = −X^(δ)", "they are unrelated")),
    Question("What does the causal mask add to the logits?", 2,
             "log T with T_ij = [j ≤ i]: 0 on and below the diagonal, −∞ above, added before "
             "the softmax, so position i attends to j ≤ i and each row still sums to 1.",
             ("−∞ on and below the diagonal, 0 above", "0 everywhere, then the upper triangle "
              "of the weights is zeroed", "0 on and below the diagonal, −∞ above",
              "1 on and below the diagonal, 0 above")),
    Question("With rotary encodings, the score (R_p q)·(R_r k) depends on the positions only "
             "through:", 0,
             "R_pᵀ R_r = R_(r−p): every score is a function of the content q, k and the "
             "relative offset r − p.",
             ("the offset r − p", "the query's position p", "the sum p + r",
              "the larger of p and r")),
    Question("Causal attention over 4 tokens whose logits are all equal: what weight does the "
             "row of position 2 (counting from 0) give position 0? (a number)", 1 / 3,
             "position 2 sees positions 0, 1 and 2; equal logits give equal weights, 1/3 each; "
             "position 3 is masked."),
)


def quiz() -> Quiz:
    """The self-checked quiz that ends 05_positions."""
    return Quiz("Session 05", QUESTIONS)
