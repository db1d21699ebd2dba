"""Self-checks for the exercises of 01_cooccurrence.

Each check computes the expected answer with the helpers and returns a `Feedback`.
Introduced in 01_cooccurrence.
"""

import numpy as np

from .. import cooccurrence, corpus, data
from .base import Feedback, compare_arrays, compare_number, unanswered

EXERCISE_1_SENTENCE = "the bank approved the loan"


def expected_1() -> float:
    """X[the, bank] for EXERCISE_1_SENTENCE, window 2, harmonic weights, both directions."""
    vocab = corpus.Vocabulary.build(corpus.tokenize(EXERCISE_1_SENTENCE))
    ids = vocab.encode(corpus.tokenize(EXERCISE_1_SENTENCE))
    X = cooccurrence.count(ids, len(vocab), window=2, weighting="harmonic", direction="both")
    return float(X[vocab.index["the"], vocab.index["bank"]])


def check_1(answer) -> Feedback:
    """Exercise 1: X[the, bank] by hand in "the bank approved the loan" (K = 2, 1/δ, both)."""
    missing = unanswered(answer)
    if missing is not None:
        return missing
    hints = {
        2.0: "you gave both pairs weight 1; with harmonic weighting a pair at offset δ "
             "counts 1/δ.",
        1.0: "you found one pair; look on both sides of each 'the' (direction 'both').",
        3.0: "you counted each pair in both orders; X[the, bank] adds each (the, bank) pair "
             "once, whichever side 'bank' is on.",
    }
    try:
        hint = hints.get(round(float(answer), 6))
    except (TypeError, ValueError):
        hint = None
    return compare_number(
        answer, expected_1(),
        hint or "list the positions of 'the' and 'bank', keep pairs at most 2 apart, and add "
                "1/δ for each.",
        what="count")


def expected_2() -> np.ndarray:
    """The toy corpus's X_right with window 4 and linear weights (K - δ + 1) / K, dense."""
    toy = data.toy()
    return cooccurrence.count(list(toy.docs), len(toy.vocab), 4, "linear", "right").toarray()


def _compare_with_diagnoses(answer, expected, hint, what, diagnoses):
    """`compare_arrays`; when only the values are wrong, the first diagnosis that fits.

    `diagnoses` is a list of (test on the answer array, message) for the usual mistakes.
    """
    feedback = compare_arrays(answer, expected, hint, what=what)
    if feedback.correct or feedback.message != hint:
        return feedback
    got = np.asarray(answer.toarray() if hasattr(answer, "toarray") else answer, dtype=float)
    for wrong, message in diagnoses:
        if wrong(got):
            return Feedback(False, message)
    return feedback


def check_2(answer) -> Feedback:
    """Exercise 2: build linear-weighted X_right (K = 4) on the toy corpus from offset counts."""
    toy = data.toy()
    flat = cooccurrence.count(list(toy.docs), len(toy.vocab), 4, "flat", "right").toarray()
    expected = expected_2()
    return _compare_with_diagnoses(
        answer, expected,
        "weigh offset δ by (K - δ + 1) / K: sum (4 - offset + 1) / 4 * "
        "offset_counts(docs, V, offset) for offset = 1..4.",
        "matrix",
        [(lambda got: np.allclose(got, flat),
          "that is the flat count: every offset got weight 1."),
         (lambda got: np.allclose(got, expected.T),
          "that is X_left: use offset_counts (w after u), not its transpose.")])


def expected_3() -> np.ndarray:
    """PPMI of the toy counts (window 4, harmonic, both), dense."""
    return cooccurrence.ppmi(data.toy().X).toarray()


def check_3(answer) -> Feedback:
    """Exercise 3: PPMI of the toy counts from X with numpy only."""
    X = data.toy().X.toarray()
    with np.errstate(divide="ignore"):
        no_n = np.log(X) - np.log(X.sum(1))[:, None] - np.log(X.sum(0))[None, :]
    return _compare_with_diagnoses(
        answer, expected_3(),
        "PMI = log(X * N / (X_u X_w)) with N = X.sum(), X_u = X.sum(1)[:, None] and "
        "X_w = X.sum(0)[None, :]; then keep max(PMI, 0) and put 0 where X is 0.",
        "PPMI matrix",
        [(lambda got: not np.isfinite(got).all(),
          "your matrix has inf or nan where X is 0: PPMI is 0 there."),
         (lambda got: np.allclose(got, np.where(X > 0, np.maximum(no_n, 0), 0)),
          "you left out N = X.sum(): PMI compares P(u, w) = X_uw / N with P(u) P(w) = "
          "(X_u / N)(X_w / N).")])


def expected_4() -> float:
    """P(the | bank) on the Lee counts (window 10, harmonic, both)."""
    lee = data.lee()
    P = cooccurrence.conditional(lee.X)
    return float(P[lee.vocab.index["bank"], lee.vocab.index["the"]])


def check_4(answer) -> Feedback:
    """Exercise 4: P(the | bank) on the Lee corpus, the row-normalised count."""
    lee = data.lee()
    u, w = lee.vocab.index["bank"], lee.vocab.index["the"]
    hint = "divide X[bank, the] by the sum of the row X[bank, :]."
    try:
        value = float(answer) if answer is not None else None
    except (TypeError, ValueError):
        value = None
    if value is not None and np.isclose(value, lee.X[u, w] / lee.X[:, w].sum()):
        hint = "you divided by the column sum for 'the'; P(w | u) normalises the row of u."
    elif value is not None and np.isclose(value, lee.X[u, w] / lee.X.sum()):
        hint = "you divided by the total N; that is the joint P(bank, the), not P(the | bank)."
    return compare_number(answer, expected_4(), hint, atol=1e-6, what="probability")
