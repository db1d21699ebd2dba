"""Self-checks for the exercises of 07_transformer_block.

Each check computes the expected answer with the helpers and returns a `Feedback`.
Introduced in 07_transformer_block.
"""

import numpy as np

from .. import block
from ..attention import causal_mask, softmax
from .base import Feedback, Question, Quiz, check_array, check_number, hint, trap, unanswered

EXERCISE_1_X = np.array([1.0, 2.0, 3.0, 6.0])
EXERCISE_2_D, EXERCISE_2_D_FF = 50, 200
EXERCISE_3_N, EXERCISE_3_CHANGED = 8, 3
EXERCISE_4_SEED = 0
HINTS = {
    1: ("layer norm works on one row: centre it, then scale it to unit spread; which mean and "
        "which spread?",
        "y = (x − mean(x)) / sqrt(var(x) + ε), with the variance averaged over the 4 entries "
        "(divide by n) and ε = 1e-5.",
        "x = ex.EXERCISE_1_X; (x - x.mean()) / np.sqrt(x.var() + 1e-5)."),
    2: ("list the block's parts: attention's four maps, two layer norms, the MLP's two layers; "
        "which of them have biases or per-feature scales?",
        "W_Q, W_K, W_V, W_O are d × d; each layer norm has γ and β (d each); the MLP has W_1 "
        "(d × d_ff), b_1 (d_ff), W_2 (d_ff × d), b_2 (d).",
        "4 * 50 * 50 + 2 * 2 * 50 + (50 * 200 + 200) + (200 * 50 + 50)."),
    3: ("in a causal block, which rows can see position 3? Tokens meet only in attention.",
        "row i attends to positions j ≤ i, so row i depends on token 3 exactly when i ≥ 3.",
        "count the rows 3, 4, …, 7."),
    4: ("build the forward pass stage by stage (scores, scale, mask, softmax, values) and "
        "compare each stage with the notebook's.",
        "Y = softmax(Q Kᵀ / √d_k + log T) V with Q = H W_q, K = H W_k, V = H W_v; log T is 0 "
        "on and below the diagonal and −∞ above, added before a softmax along each row.",
        "scores = (H @ W_q) @ (H @ W_k).T / np.sqrt(W_q.shape[1]) + causal_mask(len(H)); "
        "return softmax(scores) @ (H @ W_v)."),
}


def check_1(answer) -> Feedback:
    """Exercise 1: layer_norm of EXERCISE_1_X (γ = 1, β = 0, ε = 1e-5)."""
    x = EXERCISE_1_X
    centred = x - x.mean()
    return check_array(answer, block.layer_norm(x[None, :])[0], HINTS[1], atol=1e-6,
                       what="normalised row", traps=[
        (centred / x.std(ddof=1), trap("the sample standard deviation", "layer norm divides by "
                                       "the population standard deviation (divide the squared "
                                       "deviations by n, not n − 1).")),
        (x / x.std(), trap("forgetting the mean", "centre the row first: subtract its mean.")),
        (centred / x.var(), trap("dividing by the variance", "divide by the standard "
                                 "deviation, sqrt(variance + ε), not by the variance."))])


def check_2(answer) -> Feedback:
    """Exercise 2: parameters of one pre-norm block with d = 50, d_ff = 200."""
    d, f = EXERCISE_2_D, EXERCISE_2_D_FF
    mlp = (d * f + f) + (f * d + d)
    return check_number(answer, 4 * d * d + 4 * d + mlp, HINTS[2], what="count", traps=[
        (4 * d * d, trap("attention only", "add the two layer norms and the MLP.")),
        (4 * d * d + d * f + f * d, trap("no biases or scales", "add the biases b_1, b_2 and "
                                         "the layer norms' γ and β.")),
        (3 * d * d + 4 * d + mlp, trap("forgetting W_O", "the output map W_O (d × d) mixes "
                                       "the heads: attention has four d × d matrices.")),
        (4 * d * d + mlp, trap("forgetting the layer norms", "each of the two layer norms has "
                               "γ and β, d numbers each."))])


def check_3(answer) -> Feedback:
    """Exercise 3: how many output rows of a causal block over 8 tokens change when the token
    at position 3 (counting from 0) changes."""
    n, changed = EXERCISE_3_N, EXERCISE_3_CHANGED
    return check_number(answer, n - changed, HINTS[3], what="count", traps=[
        (n, trap("forgetting the mask", "with the causal mask, rows before position 3 cannot "
                 "see it.")),
        (n - changed - 1, trap("off-by-one", "row 3 changes too: it is the changed token's own "
                               "row (and attends to itself).")),
        (1, trap("only the token's own row", "rows after 3 attend to position 3, so they "
                 "change as well.")),
        (changed, trap("the mask upside down", "rows 0, 1, 2 only see earlier positions; it is "
                       "rows 3 to 7 that see position 3."))])


def exercise_4_data():
    """The example exercise 4 is checked on: token rows H (5, 4), W_q, W_k (4, 3), W_v (4, 2) and
    dY (5, 2), seeded; dY is the gradient of the loss with respect to the layer's output Y."""
    rng = np.random.default_rng(EXERCISE_4_SEED)
    return (rng.standard_normal((5, 4)), rng.standard_normal((4, 3)), rng.standard_normal((4, 3)),
            rng.standard_normal((4, 2)), rng.standard_normal((5, 2)))


def _layer(H, W_q, W_k, W_v):
    """Y = softmax(H W_q (H W_k)ᵀ / √d_k + causal mask) H W_v, (n, d_v)."""
    scores = (H @ W_q) @ (H @ W_k).T / np.sqrt(W_q.shape[1]) + causal_mask(len(H))
    return softmax(scores) @ (H @ W_v)


def finite_differences(forward, weights, dY, eps=1e-6):
    """Central differences of the loss Σ Y ⊙ dY (Y = forward(H, W_q, W_k, W_v)) with respect to
    W_q, W_k and W_v; `weights` is (H, W_q, W_k, W_v). Returns the three gradient arrays."""
    grads = []
    for k in (1, 2, 3):
        W = weights[k]
        grad = np.zeros_like(W)
        for index in np.ndindex(*W.shape):
            moved = []
            for sign in (1, -1):
                shifted = [w.copy() for w in weights]
                shifted[k][index] += sign * eps
                moved.append(float(np.sum(np.asarray(forward(*shifted)) * dY)))
            grad[index] = (moved[0] - moved[1]) / (2 * eps)
        grads.append(grad)
    return grads


def _forward_trap(Y, weights) -> Feedback:
    """Feedback on a wrong forward output Y: a named trap when it matches one, else a hint."""
    H, W_q, W_k, W_v = weights
    scores, V, mask = (H @ W_q) @ (H @ W_k).T, H @ W_v, causal_mask(len(H))
    scale = np.sqrt(W_q.shape[1])
    traps = [
        (softmax(scores / scale) @ V, trap("no mask", "forward attends to later positions: add "
                                           "the causal mask (−inf above the diagonal) before the "
                                           "softmax.")),
        (softmax(scores + mask) @ V, trap("forgetting 1/√d_k", "divide the scores by √d_k "
                                          "(here d_k = 3) before the softmax.")),
        (np.tril(softmax(scores / scale)) @ V, trap("mask applied after softmax", "zeroing the "
                                                    "weights after the softmax leaves rows that "
                                                    "do not sum to 1: add log T before it.")),
        (softmax(scores / scale + mask, axis=0) @ V, trap("softmax over the wrong axis", "each "
                                                          "query's weights (a row) must sum to "
                                                          "1: softmax along axis=-1."))]
    for wrong, feedback in traps:
        if Y.shape == wrong.shape and np.allclose(Y, wrong):
            return feedback
    return Feedback(False, hint(HINTS[4]))


def check_4(answer) -> Feedback:
    """Exercise 4: answer = (forward, backward), the learner's causal attention layer and its
    gradient; the forward pass is compared with the helpers', the gradients with finite
    differences of the learner's own forward pass."""
    missing = unanswered(answer)
    if missing is not None:
        return missing
    if not (isinstance(answer, tuple) and len(answer) == 2 and all(map(callable, answer))):
        return Feedback(False, "set answer = (forward, backward), your two functions.")
    forward, backward = answer
    H, W_q, W_k, W_v, dY = exercise_4_data()
    try:
        Y = np.asarray(forward(H, W_q, W_k, W_v), dtype=float)
    except Exception as error:  # the learner's code: say what went wrong, do not crash
        return Feedback(False, f"forward raised {type(error).__name__}: {error}")
    expected = _layer(H, W_q, W_k, W_v)
    if Y.shape != expected.shape or not np.allclose(Y, expected, atol=1e-8):
        return _forward_trap(Y, (H, W_q, W_k, W_v))
    try:
        grads = [np.asarray(g, dtype=float) for g in backward(H, W_q, W_k, W_v, dY)]
    except Exception as error:  # the learner's code
        return Feedback(False, f"backward raised {type(error).__name__}: {error}")
    numeric = finite_differences(forward, (H, W_q, W_k, W_v), dY)
    if len(grads) != 3:
        return Feedback(False, "backward must return three arrays: (dW_q, dW_k, dW_v).")
    for name, g, n in zip(("dW_q", "dW_k", "dW_v"), grads, numeric, strict=True):
        if g.shape != n.shape or not np.allclose(g, n, atol=1e-6):
            advice = ("dW_v = Hᵀ Aᵀ dY." if name == "dW_v" else
                      "go through dA = dY Vᵀ, then the softmax Jacobian dZ = A ⊙ (dA − rowsum(dA ⊙ "
                      "A)), then divide by √d_k.")
            worst = np.abs(g - n).max() if g.shape == n.shape else float("nan")
            return Feedback(False, f"{name} differs from finite differences (largest gap "
                                   f"{worst:.2e}): {advice}")
    return Feedback(True, "forward matches and all three gradients agree with central "
                          "differences to 1e-6.")


QUESTIONS = (
    Question("Which part of a Transformer block does the projection story derive?", 0,
             "attention (with heads and W_O) is what the projection reaches; residual "
             "connections, layer normalisation and the MLP are not derived by it.",
             ("attention", "the residual connections", "layer normalisation", "the MLP")),
    Question("In a causal block over 10 tokens you change the token at position 6 (counting "
             "from 0). How many output rows change? (a number)", 4,
             "rows i ≥ 6 see position 6: rows 6, 7, 8 and 9; rows 0 to 5 only see earlier "
             "tokens and do not change."),
    Question("Why is a causal block prefix invariant?", 3,
             "layer norm and the MLP act row by row, tokens meet only in attention, and the "
             "mask lets a row see only earlier rows: appending a token changes no earlier row.",
             ("layer norm removes the new token's contribution", "the residual connection "
              "keeps each row unchanged", "the MLP ignores later tokens",
              "tokens meet only in attention, and the mask lets a row see only earlier rows")),
    Question("Layer normalisation divides the centred row by:", 1,
             "sqrt(var + ε), with the variance averaged over the row's d entries (divide by n, "
             "not n − 1) and a small ε for stability.",
             ("the row's largest absolute value", "sqrt(variance + ε), the variance dividing "
              "by n", "the sample standard deviation (dividing by n − 1)", "the row's sum")),
)


def quiz() -> Quiz:
    """The self-checked quiz that ends 07_transformer_block."""
    return Quiz("Session 07", QUESTIONS)
