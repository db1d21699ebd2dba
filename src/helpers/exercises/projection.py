"""Self-checks for the exercises of 03_projection.

Each check computes the expected answer with the helpers and returns a `Feedback`.
Introduced in 03_projection.
"""

import numpy as np

from .. import cooccurrence, corpus, data, projection
from .base import Feedback, compare_arrays, compare_number, unanswered

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


def _toy_ids(text):
    toy = data.toy()
    return toy, corpus.sentence_ids(text, toy.vocab)


def expected_1() -> np.ndarray:
    """M = Q S Qᵀ (5, 5) for EXERCISE_1_SENTENCE with S = PPMI of the toy counts."""
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
        return Feedback(False, "that is Q S, one full row of S per position (n, |V|); keep only "
                               "the sentence's columns too: S[np.ix_(ids, ids)].")
    return compare_arrays(
        answer, expected_1(),
        "encode the sentence with toy.vocab, take S = cooccurrence.ppmi(toy.X).toarray() and "
        "index both axes with the ids: S[np.ix_(ids, ids)].", what="M")


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
    if got.shape == (5,) and np.allclose(got, row[ids] / row.sum()):
        return Feedback(False, "those are P(t_j | bank) over the whole vocabulary; they do not "
                               "sum to 1 over the sentence. Renormalise over the 5 positions.")
    return compare_arrays(
        answer, expected_2(),
        "read the counts X[bank, t_j] for the 5 positions (bank included) and divide by their "
        "sum; that is softmax of their logs.", what="attention row")


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
    hint = ("use c_w P(w | bank) / Σ_w' c_w' P(w' | bank) with c_the = 2: each copy of 'the' "
            "gets the same logit, so it counts twice.")
    try:
        value = float(answer) if answer is not None else None
    except (TypeError, ValueError):
        value = None
    if value is not None:
        u, the = toy.vocab.index["bank"], toy.vocab.index["the"]
        X = toy.X.toarray()
        words = np.unique(ids)
        once = X[u, the] / X[u, words].sum()
        if np.isclose(value, once):
            hint = "you counted 'the' once; the sentence has two copies and each is a key."
        elif np.isclose(value, X[u, the] / (X[u, ids].sum())):
            hint = "that is the weight of one copy; add the other copy's weight too."
    return compare_number(answer, expected_4(), hint, atol=1e-6, what="weight")
