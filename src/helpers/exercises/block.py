"""Self-checks for the exercises of 07_transformer_block.

Each check computes the expected answer with the helpers and returns a `Feedback`.
Introduced in 07_transformer_block.
"""

import numpy as np

from .. import block
from ..attention import causal_mask, softmax
from .base import Feedback, compare_arrays, compare_number, unanswered

EXERCISE_1_X = np.array([1.0, 2.0, 3.0, 6.0])
EXERCISE_2_D, EXERCISE_2_D_FF = 50, 200
EXERCISE_3_N, EXERCISE_3_CHANGED = 8, 3
EXERCISE_4_SEED = 0


def check_1(answer) -> Feedback:
    """Exercise 1: layer_norm of EXERCISE_1_X (γ = 1, β = 0, ε = 1e-5)."""
    missing = unanswered(answer)
    if missing is not None:
        return missing
    x = EXERCISE_1_X
    if np.shape(answer) == x.shape and np.allclose(answer, (x - x.mean()) / x.std(ddof=1)):
        return Feedback(False, "layer norm divides by the population standard deviation "
                               "(divide the squared deviations by n, not n − 1).")
    return compare_arrays(answer, block.layer_norm(x[None, :])[0],
                          "subtract the mean of the four numbers, then divide by "
                          "sqrt(variance + 1e-5).", atol=1e-6, what="normalised row")


def check_2(answer) -> Feedback:
    """Exercise 2: parameters of one pre-norm block with d = 50, d_ff = 200."""
    d, f = EXERCISE_2_D, EXERCISE_2_D_FF
    expected = 4 * d * d + 4 * d + (d * f + f) + (f * d + d)
    hints = {4 * d * d: "that is attention only; add the two layer norms and the MLP.",
             4 * d * d + d * f + f * d: "add the biases b_1, b_2 and the layer norms' γ, β."}
    try:
        hint = hints.get(int(answer)) if answer is not None else None
    except (TypeError, ValueError):
        hint = None
    return compare_number(answer, expected, hint or "count W_q, W_k, W_v, W_o (d × d each), "
                          "γ and β twice (d each), W_1, b_1, W_2, b_2.", what="count")


def check_3(answer) -> Feedback:
    """Exercise 3: how many output rows of a causal block over 8 tokens change when the token
    at position 3 (counting from 0) changes."""
    expected = EXERCISE_3_N - EXERCISE_3_CHANGED
    if answer is not None and answer == EXERCISE_3_N:
        return Feedback(False, "with the causal mask, rows before position 3 cannot see it.")
    return compare_number(answer, expected, "rows i >= 3 attend to position 3 (and row 3 is "
                          "itself); rows 0, 1, 2 only see earlier tokens.", what="count")


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
        unmasked = softmax((H @ W_q) @ (H @ W_k).T / np.sqrt(3)) @ (H @ W_v)
        if Y.shape == expected.shape and np.allclose(Y, unmasked):
            return Feedback(False, "forward attends to later positions: add the causal mask "
                                   "(−inf above the diagonal) before the softmax.")
        return Feedback(False, "forward differs from softmax(Q Kᵀ / √d_k + mask) V; check the "
                               "scale √d_k (here d_k = 3) and that the softmax runs along rows.")
    try:
        grads = [np.asarray(g, dtype=float) for g in backward(H, W_q, W_k, W_v, dY)]
    except Exception as error:  # the learner's code
        return Feedback(False, f"backward raised {type(error).__name__}: {error}")
    numeric = finite_differences(forward, (H, W_q, W_k, W_v), dY)
    if len(grads) != 3:
        return Feedback(False, "backward must return three arrays: (dW_q, dW_k, dW_v).")
    for name, g, n in zip(("dW_q", "dW_k", "dW_v"), grads, numeric, strict=True):
        if g.shape != n.shape or not np.allclose(g, n, atol=1e-6):
            hint = ("dW_v = Hᵀ Aᵀ dY." if name == "dW_v" else
                    "go through dA = dY Vᵀ, then the softmax Jacobian dZ = A ⊙ (dA − rowsum(dA ⊙ "
                    "A)), then divide by √d_k.")
            worst = np.abs(g - n).max() if g.shape == n.shape else float("nan")
            return Feedback(False, f"{name} differs from finite differences (largest gap "
                                   f"{worst:.2e}): {hint}")
    return Feedback(True, "forward matches and all three gradients agree with central "
                          "differences to 1e-6.")
