"""Self-checks for the exercises of 05_positions.

Each check computes the expected answer with the helpers and returns a `Feedback`.
Introduced in 05_positions.
"""

import numpy as np

from .. import data, positions
from ..attention import softmax
from ..positions import DETERMINERS
from .base import Feedback, compare_arrays, compare_number, unanswered

EXERCISE_1_SENTENCE = "the river bank"
EXERCISE_3 = {"d": 8, "base": 100.0, "p": 3, "q": 8}
EXERCISE_4 = {"d": 4, "base": 10.0, "p": 2, "r": 7}


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
    feedback = compare_arrays(
        answer, expected_1(),
        "M[i, j] for j after i is X^(j−i)[t_i, t_j]; for j before i it is X^(i−j)[t_j, t_i] "
        "(the word that comes first indexes the row of X); the diagonal is 0.",
        what="matrix")
    got = _as_array(answer)
    if not feedback.correct and got is not None and got.shape == (3, 3):
        if np.allclose(got, _unflipped_1()):
            return Feedback(False, "below the diagonal you read X^(i−j)[t_i, t_j], i.e. t_j "
                                   "after t_i; but t_j comes first there: use X^(i−j)[t_j, t_i].")
        if np.allclose(got, np.triu(expected_1())):
            return Feedback(False, "the upper triangle is right; below the diagonal use the "
                                   "negative offsets, S^(−δ) = (S^(δ))ᵀ.")
    return feedback


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
    missing = unanswered(answer)
    if missing is not None:
        return missing
    hint = ("sum X^(2) over determiner rows and determiner columns (X_dd), the determiner rows "
            "over all columns (X_d·), all rows over determiner columns (X_·d), and use "
            "log(X_dd N / (X_d· X_·d)) with N = X^(2).sum().")
    try:
        value = float(answer)
    except (TypeError, ValueError):
        value = None
    if value is not None and np.isclose(value, _lee_determiner_pmi(1), atol=1e-4):
        hint = "that is the value at δ = 1 (two determiners side by side); use X^(2)."
    return compare_number(answer, expected_2(), hint, atol=1e-4, what="PMI")


def expected_3() -> float:
    """(P Pᵀ)[p, q] for the sinusoidal encodings of EXERCISE_3."""
    e = EXERCISE_3
    P = positions.sinusoidal(e["q"] + 1, e["d"], e["base"])
    return float(P[e["p"]] @ P[e["q"]])


def check_3(answer) -> Feedback:
    """Exercise 3: one entry of the sinusoidal Gram matrix from the offset alone."""
    e = EXERCISE_3
    hint = (f"(P Pᵀ)[p, q] = Σ_k cos((q − p) ω_k) with ω_k = base^(−2k/d), "
            f"k = 0..{e['d'] // 2 - 1}: d/2 terms, one per sin/cos pair.")
    try:
        value = float(answer) if answer is not None else None
    except (TypeError, ValueError):
        value = None
    if value is not None and np.isclose(value, 2 * expected_3()):
        hint = "you counted each frequency twice: sin·sin + cos·cos is one cos of the difference."
    return compare_number(answer, expected_3(), hint, atol=1e-6, what="entry")


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
    e = EXERCISE_4
    feedback = compare_arrays(
        answer, expected_4(),
        "expand (R_p q)ᵀ (R_r k) = qᵀ R_pᵀ R_r k and use R_pᵀ = R_(−p), R_a R_b = R_(a+b).",
        what="matrix")
    got = _as_array(answer)
    if not feedback.correct and got is not None and got.shape == (e["d"], e["d"]):
        if np.allclose(got, expected_4().T):
            return Feedback(False, "that is R_(p − r), the transpose: the key's position minus "
                                   "the query's, r − p.")
        if np.allclose(got, positions.rotation_matrix(e["r"], e["d"], e["base"])):
            return Feedback(False, "that is R_r; the query's rotation R_p also enters.")
    return feedback


def exercise_5_logits():
    """The logits L (5, 5) of exercise 5, seeded."""
    return np.round(np.random.default_rng(7).normal(size=(5, 5)), 2)


def expected_5() -> np.ndarray:
    """Causal attention weights softmax(L + log T) of `exercise_5_logits()`."""
    return positions.causal_weights(exercise_5_logits())


def check_5(answer) -> Feedback:
    """Exercise 5: causal attention weights of given logits with numpy only."""
    L = exercise_5_logits()
    feedback = compare_arrays(
        answer, expected_5(),
        "add log T (0 on and below the diagonal, −inf above) to L, then softmax each row.",
        what="weights")
    got = _as_array(answer)
    if not feedback.correct and got is not None and got.shape == L.shape:
        if np.allclose(got, softmax(L)):
            return Feedback(False, "those are the unmasked weights: every row still reads the "
                                   "future. Add the causal mask first.")
        if np.allclose(np.tril(got, -1), 0):
            return Feedback(False, "your weights are upper triangular: position i may only "
                                   "attend to j ≤ i (np.tril, not np.triu).")
        if np.allclose(np.triu(got, 1), 0) and not np.allclose(got.sum(1), 1):
            return Feedback(False, "the zeros are in the right place but rows do not sum to 1: "
                                   "mask before the softmax, not after it.")
    return feedback
