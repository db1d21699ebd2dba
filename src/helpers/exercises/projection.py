"""Self-checks for the exercises of 03_projection.

Each check computes the expected answer with the helpers and returns a `Feedback`.
Introduced in 03_projection.
"""

import numpy as np

from .. import cooccurrence, corpus, data, projection
from .base import (
    Feedback,
    Question,
    Quiz,
    check_array,
    close,
    compare_number,
    hint,
    trap,
    unanswered,
)

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
HINTS_3 = ("softmax does not change when the same number is added to every logit of a row: "
           "which of the five changes are of that kind, and which are not shifts at all?",
           "a shift that depends only on the query i cancels; one that changes with the key j "
           "stays; and softmax(2z) is proportional to (e^z)², not to e^z.")
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
    return check_array(answer, expected_1(), HINTS_1, what="M", traps=[
        (toy.X.toarray()[np.ix_(ids, ids)],
         trap("the counts, not PPMI", "that is X read at the sentence's words; S here is "
              "cooccurrence.ppmi(toy.X)."))])


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
    smoothed = row[ids] + SMOOTHING
    return check_array(answer, expected_2(), HINTS_2, what="attention row", traps=[
        (row[ids] / row.sum(),
         trap("normalising over the whole vocabulary", "those are P(t_j | bank) over all |V| "
              "words; they do not sum to 1 over the sentence. Renormalise over the 5 "
              "positions.")),
        (smoothed / smoothed.sum(), trap(*SMOOTHED))])


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
        return trap("a row shift", "a shift that is the same for every key j of row i cancels "
                    "in softmax: e^{z_j + c} / Σ_k e^{z_k + c} = e^{z_j} / Σ_k e^{z_k}.")
    return Feedback(False, hint(HINTS_3))


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


HINTS = {1: HINTS_1, 2: HINTS_2, 3: HINTS_3, 4: HINTS_4}
QUESTIONS = (
    Question("softmax(O log X Oᵀ), row by row, equals which matrix?", 1,
             "softmax of log counts is a ratio of counts: row i is X[t_i, t_j] / Σ_k X[t_i, t_k], "
             "P(t_j | t_i) renormalised over the sentence (asserted to 1e-12 in §3).",
             ("P(t_j | t_i) over the whole vocabulary", "the restricted conditional, "
              "rownorm(O X Oᵀ)", "PMI read at the sentence's words", "O X Oᵀ itself")),
    Question("Which of these shifts of GloVe attention logits changes the attention weights?",
             2, "the key bias b̃_{t_j} varies with the key j, a prior on keys; log N, log X_u and "
             "the query bias are constant along a row and cancel in softmax.",
             ("adding log N to every logit", "adding the query bias b_{t_i} to row i",
              "adding the key bias b̃_{t_j} to column j", "subtracting log X_u from row i")),
    Question("In a three-word sentence, the first word's counts with the three words (itself "
             "included) are X[t_1, t_j] = 2, 6 and 2. What weight does softmax of the log "
             "counts give the second word? (a number)", 0.6,
             "softmax of log counts is the count over the row's sum: 6 / (2 + 6 + 2) = 0.6."),
    Question("What happens to M = O S Oᵀ when the sentence's words are reordered?", 1,
             "M_ij = S[t_i, t_j] reads S by word identity only: reordering the words permutes "
             "M's rows and columns the same way, so M is order-blind (notebook 05 adds order).",
             ("nothing: M stays the same matrix", "its rows and columns are permuted the same "
              "way", "M is transposed", "its values change with the new distances")),
)


def quiz() -> Quiz:
    """The self-checked quiz that ends 03_projection."""
    return Quiz("Session 03", QUESTIONS)
