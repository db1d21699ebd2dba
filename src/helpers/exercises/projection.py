"""Self-checks for the exercises of 03_projection.

Each check computes the expected answer with the helpers and returns a `Feedback`.
Introduced in 03_projection.
"""

import numpy as np

from .. import cooccurrence, corpus, data, projection
from .base import Feedback, close, compare_arrays, compare_number, trap, unanswered

EXERCISE_1_SENTENCE = "the river bank was muddy"
EXERCISE_2_SENTENCE = "fish swim near the bank"
EXERCISE_3_SHIFTS = {
    "a": "add log N to every logit",
    "b": "subtract log X_u, the log row sum of the query word, from row i",
    "c": "add the GloVe query bias b_{t_i} to row i",
    "d": "add the GloVe key bias b̃_{t_j} to column j",
    "e": "multiply every logit by 2",
}
EXERCISE_4_SENTENCE = "the bank the river"
SMOOTHING = 1.0  # what the notebook's key-identity cells add to X (a trap for the exercises)
SMOOTHED = ("the smoothed X from an earlier cell", "the notebook's cells on the key identity "
            f"add {SMOOTHING} to every count; this exercise uses the counts themselves, toy.X.")
HINTS_1 = ("M[i, j] compares the sentence's i-th and j-th words: which entry of S is that?",
           "M[i, j] = S[t_i, t_j], with t the sentence's ids in toy.vocab and S the dense PPMI "
           "matrix of the toy counts.",
           "index both axes of S with the ids at once: S[np.ix_(ids, ids)].")
HINTS_2 = ("softmax of log counts is a ratio of counts: which counts, and divided by what?",
           "read X[bank, t_j] for the 5 positions (bank included) and divide by their sum.")
HINTS_4 = ("both copies of 'the' get the same logit; add their weights.",
           "c_w P(w | bank) / Σ_w' c_w' P(w' | bank) with c_the = 2; the sum runs over the "
           "four positions.")


def _toy_ids(text):
    toy = data.toy()
    return toy, corpus.sentence_ids(text, toy.vocab)


def expected_1() -> np.ndarray:
    """M = O S Oᵀ (5, 5) for EXERCISE_1_SENTENCE with S = PPMI of the toy counts."""
    toy, ids = _toy_ids(EXERCISE_1_SENTENCE)
    return projection.project(cooccurrence.ppmi(toy.X), ids)


def check_1(answer) -> Feedback:
    """Exercise 1: M for "the river bank was muddy" by indexing PPMI with the sentence's ids."""
    missing = unanswered(answer)
    if missing is not None:
        return missing
    toy, ids = _toy_ids(EXERCISE_1_SENTENCE)
    try:
        got = np.asarray(answer.toarray() if hasattr(answer, "toarray") else answer, dtype=float)
    except (TypeError, ValueError):
        return Feedback(False, "your M should be an array of numbers.")
    if got.shape == (len(ids), len(toy.vocab)):
        return Feedback(False, "that is O S, one full row of S per position (n, |V|); keep only "
                               "the sentence's columns too: S[np.ix_(ids, ids)].")
    return compare_arrays(answer, expected_1(), HINTS_1, what="M")


def expected_2() -> np.ndarray:
    """The attention row of "bank" in EXERCISE_2_SENTENCE: softmax_j log X[bank, t_j], (5,)."""
    toy, ids = _toy_ids(EXERCISE_2_SENTENCE)
    i = toy.vocab.decode(ids).index("bank")
    return projection.restricted_conditional(toy.X, ids)[i]


def check_2(answer) -> Feedback:
    """Exercise 2: the attention row of "bank" in "fish swim near the bank", from counts."""
    missing = unanswered(answer)
    if missing is not None:
        return missing
    toy, ids = _toy_ids(EXERCISE_2_SENTENCE)
    u = toy.vocab.index["bank"]
    row = toy.X[u].toarray().ravel()
    try:
        got = np.asarray(answer, dtype=float)
    except (TypeError, ValueError):
        return Feedback(False, "your row should be 5 numbers, one per position.")
    if close(got, row[ids] / row.sum()):
        return trap("normalising over the whole vocabulary", "those are P(t_j | bank) over "
                    "all |V| words; they do not sum to 1 over the sentence. Renormalise over "
                    "the 5 positions.")
    smoothed = row[ids] + SMOOTHING
    if close(got, smoothed / smoothed.sum()):
        return trap(*SMOOTHED)
    return compare_arrays(answer, expected_2(), HINTS_2, what="attention row")


def check_3(answer) -> Feedback:
    """Exercise 3: which of the shifts in EXERCISE_3_SHIFTS change softmax attention?"""
    missing = unanswered(answer)
    if missing is not None:
        return missing
    try:
        chosen = {str(x).strip().lower() for x in answer}
    except TypeError:
        return Feedback(False, 'give a set of letters, e.g. {"a", "c"}.')
    unknown = chosen - set(EXERCISE_3_SHIFTS)
    if unknown:
        return Feedback(False, f"choose among the letters {sorted(EXERCISE_3_SHIFTS)}.")
    expected = {"d", "e"}
    if chosen == expected:
        return Feedback(True, "a key bias is a column shift (a log-prior on keys) and doubling "
                              "the logits changes the temperature; a, b and c are constant "
                              "along each row and cancel.")
    if chosen & {"a", "b", "c"}:
        return Feedback(False, "a shift that is the same for every key j of row i cancels in "
                               "softmax: e^{z_j + c} / Σ_k e^{z_k + c} = e^{z_j} / Σ_k e^{z_k}.")
    return Feedback(False, "one change is not a shift at all: softmax(2z) is proportional to "
                           "(e^z)², not e^z. And which bias depends on the key j?")


def expected_4() -> float:
    """The total weight "bank" gives the two copies of "the" in EXERCISE_4_SENTENCE."""
    toy, ids = _toy_ids(EXERCISE_4_SENTENCE)
    A = projection.restricted_conditional(toy.X, ids)
    return float(A[1, ids == toy.vocab.index["the"]].sum())


def check_4(answer) -> Feedback:
    """Exercise 4: the attention mass "bank" gives to "the" (both copies) in a repeated sentence."""
    toy, ids = _toy_ids(EXERCISE_4_SENTENCE)
    try:
        value = float(answer) if answer is not None else None
    except (TypeError, ValueError):
        value = None
    if value is not None and not close(value, expected_4()):
        u, the = toy.vocab.index["bank"], toy.vocab.index["the"]
        X = toy.X.toarray()
        words = np.unique(ids)
        if close(value, X[u, the] / X[u, words].sum()):
            return trap("counting 'the' once", "the sentence has two copies of 'the' and each "
                        "is a key: you counted 'the' once, in the numerator and the sum.")
        if close(value, X[u, the] / (X[u, ids].sum())):
            return trap("one copy only", "that is the weight of one copy of 'the'; add the "
                        "other copy's weight too.")
        Xs = X + SMOOTHING
        if close(value, 2 * Xs[u, the] / Xs[u, ids].sum()):
            return trap(*SMOOTHED)
    return compare_number(answer, expected_4(), HINTS_4, atol=1e-6, what="weight")
