"""Self-checks for the exercises of 06_heads.

Each check computes the expected answer with the helpers and returns a `Feedback`.
Introduced in 06_heads.
"""

import numpy as np

from .. import heads
from ..attention import softmax
from .base import Feedback, Question, Quiz, check_array, check_number, trap

EXERCISE_1_DOCS = (np.array([0, 1, 2]), np.array([1, 1, 3]))
EXERCISE_1_V = 4
EXERCISE_2_L1 = np.array([[2.0, 0.0, 0.0], [0.0, 2.0, 0.0], [1.0, 1.0, 0.0]])
EXERCISE_2_L2 = np.array([[0.0, 0.0, 3.0], [3.0, 0.0, 0.0], [0.0, 0.0, 1.0]])
EXERCISE_3_V, EXERCISE_3_K = 1776, 8
EXERCISE_4_PAIR, EXERCISE_4_ITERATIONS = 3, 1
EXERCISE_5_G = np.array([[6.0, 2.0, 1.0], [0.0, 3.0, 3.0]])  # 2 pairs × offsets δ = 1, 2, 3
EXERCISE_5_Z = np.array([[2.0, 1.0], [0.5, 2.0]])  # loadings: 2 pairs × 2 components
EXERCISE_5_PHI = np.array([[0.8, 0.1, 0.1], [0.0, 0.5, 0.5]])  # profiles: near, far
HINTS = {
    1: ("the operator counts ordered pairs of two different token positions in one document: "
        "which matrix product counts all pairs of positions, and what must go?",
        "D[d, w] = count of w in document d (2 × 4 here); DᵀD counts all pairs, including each "
        "token with itself; subtract each word's total count Σ_d D[d, w] from the diagonal.",
        "D = np.zeros((2, 4)); np.add.at(D, (row, ids), 1) per document; S = D.T @ D - "
        "np.diag(D.sum(0))."),
    2: ("softmax is taken row by row (each row is one query); compute the three softmaxes "
        "separately before combining them.",
        "(softmax(L1) + softmax(L2)) / 2 − softmax(L1 + L2), each softmax along the last axis.",
        "(softmax(ex.EXERCISE_2_L1) + softmax(ex.EXERCISE_2_L2)) / 2 - softmax(ex.EXERCISE_2_L1 "
        "+ ex.EXERCISE_2_L2), with softmax from helpers.attention."),
    3: ("a head of rank k stores its operator as two factors; count the numbers in each "
        "factor, then in each head.",
        "each head holds U_Q and U_K, each |V| × k; two heads hold twice that.",
        "2 heads × 2 factors × 1776 × 8."),
    4: ("cross-attention here is softmax of log T read at the pair's words: which words give "
        "the rows (queries), which the columns (keys), and after how many EM steps?",
        "T = heads.ibm_model1(par, 1); restrict T to rows par.target[3] and columns "
        "par.source[3]; softmax(log ·) along each row is the restricted T over its row sum.",
        "M = T[np.ix_(par.target[3], par.source[3])]; M / M.sum(axis=1, keepdims=True)."),
    5: ("at each offset δ the pair's count G[p, δ] is shared between the components in "
        "proportion to what each would put there.",
        "share of component r at δ: Z[p, r] Φ[r, δ] / Σ_r' Z[p, r'] Φ[r', δ]; multiply by "
        "G[p, δ] and add over δ.",
        "parts = Z[:, :, None] * Phi[None]; (parts / parts.sum(1, keepdims=True) * G[:, None, "
        ":]).sum(axis=2)."),
}


def check_1(answer) -> Feedback:
    """Exercise 1: the topical operator S = DᵀD − diag(Σ_d D[d]) of EXERCISE_1_DOCS."""
    D = heads.doc_term(EXERCISE_1_DOCS, EXERCISE_1_V).toarray()
    present = (D > 0).astype(float)
    return check_array(answer, heads.topical_operator(EXERCISE_1_DOCS, EXERCISE_1_V), HINTS[1],
                       what="matrix", traps=[
        (D.T @ D, trap("forgetting the diagonal", "that is DᵀD, which also pairs every token "
                       "with itself: subtract each word's total count from the diagonal.")),
        (present.T @ present - np.diag(present.sum(0)),
         trap("presence instead of counts", "D[d, w] counts how often w occurs in d: word 1 "
              "occurs twice in the second document."))])


def expected_2() -> np.ndarray:
    """Half the sum of the two heads' weights minus the weights of one head on L1 + L2."""
    return (softmax(EXERCISE_2_L1) + softmax(EXERCISE_2_L2)) / 2 - softmax(
        EXERCISE_2_L1 + EXERCISE_2_L2)


def check_2(answer) -> Feedback:
    """Exercise 2: (softmax(L1) + softmax(L2)) / 2 − softmax(L1 + L2), a (3, 3) array."""
    L1, L2 = EXERCISE_2_L1, EXERCISE_2_L2
    by_column = (softmax(L1, axis=0) + softmax(L2, axis=0)) / 2 - softmax(L1 + L2, axis=0)
    return check_array(answer, expected_2(), HINTS[2], what="difference", traps=[
        (np.zeros((3, 3)), trap("softmax is linear", "the difference is not zero: softmax is "
                                "not linear. Compute each softmax row by row.")),
        (-expected_2(), trap("the difference reversed", "subtract the one head on L1 + L2 from "
                             "the mean of the two heads, not the other way round.")),
        (by_column, trap("softmax over the wrong axis", "each column of your softmaxes sums to "
                         "1; rows are queries, so softmax along each row (axis=-1)."))])


def check_3(answer) -> Feedback:
    """Exercise 3: numbers in two heads of rank k = 8 over |V| = 1776 words (U_q, U_k each)."""
    V, k = EXERCISE_3_V, EXERCISE_3_K
    return check_number(answer, 2 * 2 * V * k, HINTS[3], what="count", traps=[
        (2 * V * k, trap("one head", "that is one head's U_Q and U_K; there are two heads.")),
        (V * k, trap("one factor", "each head has two factors, U_Q and U_K, each |V| × k.")),
        (2 * V * V, trap("full operators", "a head of rank k stores |V| × k factors, not a "
                         "|V| × |V| operator."))])


def expected_4() -> np.ndarray:
    """IBM Model 1's alignment posterior for EXERCISE_4_PAIR after EXERCISE_4_ITERATIONS."""
    par = heads.parallel_corpus()
    T = heads.ibm_model1(par, EXERCISE_4_ITERATIONS)
    return heads.alignment_posterior(T, par.target[EXERCISE_4_PAIR], par.source[EXERCISE_4_PAIR])


def check_4(answer) -> Feedback:
    """Exercise 4: cross-attention softmax(log T restricted to pair 3) after one EM iteration."""
    par = heads.parallel_corpus()
    target, source = par.target[EXERCISE_4_PAIR], par.source[EXERCISE_4_PAIR]
    M = heads.ibm_model1(par, EXERCISE_4_ITERATIONS)[np.ix_(target, source)]
    return check_array(answer, expected_4(), HINTS[4], what="alignment", traps=[
        (np.full(M.shape, 1 / M.shape[1]), trap("zero iterations", "that is the uniform start; "
                                                "run one EM step: heads.ibm_model1(par, 1).")),
        (M / M.sum(axis=0, keepdims=True), trap("softmax over the wrong axis", "your columns "
                                                "sum to 1; each target word (a row, a query) "
                                                "gets a distribution over the source words."))])


def check_5(answer) -> Feedback:
    """Exercise 5: each pair's counts split between the two components, a (2, 2) array."""
    parts = EXERCISE_5_Z[:, :, None] * EXERCISE_5_PHI[None]  # (pairs, components, offsets)
    shares = parts / parts.sum(axis=1, keepdims=True)
    return check_array(answer, heads.component_counts(EXERCISE_5_G, EXERCISE_5_Z, EXERCISE_5_PHI),
                       HINTS[5], what="split", traps=[
        (parts.sum(axis=2), trap("the fitted values", "that is Σ_δ Z[p, r] Φ[r, δ], the "
                                 "fitted log counts: divide by the sum over components at each "
                                 "δ, then multiply by G[p, δ].")),
        (shares.sum(axis=2), trap("shares without counts", "those are the shares added over "
                                  "δ; weigh each δ's share by the pair's count G[p, δ]."))])


QUESTIONS = (
    Question("Is the sum of two heads' projections the projection of the summed operator?", 1,
             "before softmax the projection is linear, Σ_r O S^(r) Oᵀ = O (Σ_r S^(r)) Oᵀ; after "
             "softmax it is not: one softmax returns one distribution per query.",
             ("yes, before and after softmax", "before softmax yes, after softmax no",
              "after softmax yes, before softmax no", "neither before nor after")),
    Question("Concatenating the heads' outputs and multiplying by W_O computes:", 0,
             "split W_O into one row block per head: [head_1, …, head_h] W_O = Σ_r head_r "
             "W_O^(r).",
             ("the sum over heads of head_r times its row block of W_O", "the mean of the "
              "heads' attention weights", "the product of the heads' outputs",
              "only the first head, scaled")),
    Question("With T IBM Model 1's table, softmax over the source words of log t(f_j | e_i) "
             "is:", 2,
             "its rows are t(f_j | e_i) / Σ_i' t(f_j | e_i'), Model 1's alignment posterior "
             "P(a_j = i): cross-attention from the target to the source sentence.",
             ("a uniform distribution", "the translation table itself", "Model 1's alignment "
              "posterior P(a_j = i)", "the source words' frequencies")),
    Question("How many numbers do U_Q and U_K of one head of rank k = 4 hold over |V| = 10 "
             "words? (a number)", 80,
             "two factors, each |V| × k = 10 × 4 = 40 numbers: 80."),
)


def quiz() -> Quiz:
    """The self-checked quiz that ends 06_heads."""
    return Quiz("Session 06", QUESTIONS)
