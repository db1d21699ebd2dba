"""Self-checks for the exercises of 01_cooccurrence.

Each check computes the expected answer with the helpers and returns a `Feedback`.
Introduced in 01_cooccurrence.
"""

import numpy as np

from .. import cooccurrence, corpus, data
from .base import Feedback, Question, Quiz, check_array, check_number, trap

EXERCISE_1_SENTENCE = "the bank approved the loan"
HINTS = {
    1: ("which pairs count? Both words must be at most K = 2 positions apart, on either side.",
        "X_uw adds 1/δ for every (u, w) pair at offset δ ≤ K, whichever word comes first.",
        "'the' sits at positions 0 and 3, 'bank' at 1: add 1/δ for the offsets 1 and 2."),
    2: ("every weighting of the window is a weighted sum of offset counts X^(δ): which weight "
        "does offset δ get here?",
        "X^R = Σ_δ (K − δ + 1)/K · X^(δ) for δ = 1..K, with K = 4.",
        "sum((4 - d + 1) / 4 * cooccurrence.offset_counts(docs, V, d) for d in range(1, 5))."),
    3: ("PMI compares the joint P(u, w) with P(u) P(w): write all three with X, its row sums "
        "and its total N.",
        "PMI = log(X_uw N / (X_u X_w)); PPMI = max(PMI, 0), and 0 where X_uw = 0.",
        "N, X_u, X_w = X.sum(), X.sum(1)[:, None], X.sum(0)[None, :]; then np.log(X * N / "
        "(X_u * X_w)) under np.errstate(divide='ignore'), np.maximum(·, 0), np.where(X > 0, "
        "·, 0)."),
    4: ("P(w | u) is a conditional: which slice of X describes the context of u?",
        "P(the | bank) = X[bank, the] / X_bank, with X_bank the sum of the row of 'bank'.",
        "u, w = lee.vocab.index['bank'], lee.vocab.index['the']; lee.X[u, w] / lee.X[u].sum()."),
}


def expected_1() -> float:
    """X[the, bank] for EXERCISE_1_SENTENCE, window 2, harmonic weights, both directions."""
    vocab = corpus.Vocabulary.build(corpus.tokenize(EXERCISE_1_SENTENCE))
    ids = vocab.encode(corpus.tokenize(EXERCISE_1_SENTENCE))
    X = cooccurrence.count(ids, len(vocab), window=2, weighting="harmonic", direction="both")
    return float(X[vocab.index["the"], vocab.index["bank"]])


def check_1(answer) -> Feedback:
    """Exercise 1: X[the, bank] by hand in "the bank approved the loan" (K = 2, 1/δ, both)."""
    return check_number(answer, expected_1(), HINTS[1], what="count", traps=[
        (2.0, trap("flat weights", "you gave both pairs weight 1; with harmonic weighting a "
                   "pair at offset δ counts 1/δ.")),
        (1.0, trap("one pair only", "the second 'the' is 2 positions after 'bank': it counts "
                   "too, since the window includes δ = K and looks on both sides.")),
        (3.0, trap("counting each pair twice", "X[the, bank] adds each (the, bank) pair once, "
                   "whichever side 'bank' is on, not once per order."))])


def expected_2() -> np.ndarray:
    """The toy corpus's X_right with window 4 and linear weights (K - δ + 1) / K, dense."""
    toy = data.toy()
    return cooccurrence.count(list(toy.docs), len(toy.vocab), 4, "linear", "right").toarray()


def check_2(answer) -> Feedback:
    """Exercise 2: build linear-weighted X_right (K = 4) on the toy corpus from offset counts."""
    toy = data.toy()
    docs, V = list(toy.docs), len(toy.vocab)
    expected = expected_2()
    off_by_one = sum((4 - d) / 4 * cooccurrence.offset_counts(docs, V, d).toarray()
                     for d in range(1, 5))
    return check_array(answer, expected, HINTS[2], what="matrix", traps=[
        (cooccurrence.count(docs, V, 4, "flat", "right").toarray(),
         trap("flat weights", "every offset got weight 1; offset δ survives with probability "
              "(K − δ + 1)/K.")),
        (expected.T, trap("the transpose", "that is X_left: use offset_counts (w after u), not "
                          "its transpose.")),
        (off_by_one, trap("off-by-one window", "you weighed offset δ by (K − δ)/K, so δ = K "
                          "got weight 0; the window keeps δ = K, with weight 1/K."))])


def expected_3() -> np.ndarray:
    """PPMI of the toy counts (window 4, harmonic, both), dense."""
    return cooccurrence.ppmi(data.toy().X).toarray()


def check_3(answer) -> Feedback:
    """Exercise 3: PPMI of the toy counts from X with numpy only."""
    X = data.toy().X.toarray()
    with np.errstate(divide="ignore"):
        no_n = np.log(X) - np.log(X.sum(1))[:, None] - np.log(X.sum(0))[None, :]
    pmi = np.where(X > 0, no_n + np.log(X.sum()), 0)
    return check_array(answer, expected_3(), HINTS[3], what="PPMI matrix", traps=[
        (lambda got: not np.isfinite(got).all(),
         trap("log of zero counts", "your matrix has inf or nan where X is 0: PPMI is 0 "
              "there.")),
        (np.where(X > 0, np.maximum(no_n, 0), 0),
         trap("forgetting N", "you left out N = X.sum(): PMI compares P(u, w) = X_uw / N with "
              "P(u) P(w) = (X_u / N)(X_w / N).")),
        (pmi, trap("PMI, not PPMI", "negative PMI values are still there: keep max(PMI, 0)."))])


def expected_4() -> float:
    """P(the | bank) on the Lee counts (window 10, harmonic, both)."""
    lee = data.lee()
    P = cooccurrence.conditional(lee.X)
    return float(P[lee.vocab.index["bank"], lee.vocab.index["the"]])


def check_4(answer) -> Feedback:
    """Exercise 4: P(the | bank) on the Lee corpus, the row-normalised count."""
    lee = data.lee()
    u, w = lee.vocab.index["bank"], lee.vocab.index["the"]
    return check_number(answer, expected_4(), HINTS[4], atol=1e-6, what="probability", traps=[
        (lee.X[u, w] / lee.X[:, w].sum(),
         trap("the column sum", "you divided by the column sum for 'the'; P(w | u) normalises "
              "the row of u.")),
        (lee.X[u, w] / lee.X.sum(),
         trap("the joint probability", "you divided by the total N; that is the joint "
              "P(bank, the), not P(the | bank)."))])


QUESTIONS = (
    Question("In this course, what does O stand for?", 1,
             "O is the one-hot selector, O_iv = 1 if t_i = v; the paper writes Q, and the "
             "course keeps Q for the queries H W_Q.",
             ("the queries H W_Q", "the one-hot selector of the sentence's words",
              "the output of an attention layer", "the offset counts")),
    Question("Which of these matrices is symmetric?", 1,
             "X^L = (X^R)ᵀ, so X = X^L + X^R equals its transpose; word order lives in the "
             "antisymmetric X^R − (X^R)ᵀ.",
             ("X^R, the right-only counts", "X = X^L + X^R", "X^R − (X^R)ᵀ",
              "X^(1), the counts at offset 1")),
    Question("The row-normalised count P(w | u) = X_uw / X_u equals which softmax over w?", 2,
             "softmax_w(log X_uw) = X_uw / Σ_w' X_uw' = X_uw / X_u: a softmax of log counts, "
             "the object attention recovers in notebook 03.",
             ("softmax_w(X_uw)", "softmax_w(PMI_uw)", "softmax_w(log X_uw)",
              "softmax_w(X_uw / N)")),
    Question("A pair of words at offset δ = 4 with harmonic weights: what does it add to X? "
             "(a number)", 0.25,
             "harmonic weighting adds 1/δ for a pair δ positions apart: 1/4 = 0.25."),
)


def quiz() -> Quiz:
    """The self-checked quiz that ends 01_cooccurrence."""
    return Quiz("Session 01", QUESTIONS)
