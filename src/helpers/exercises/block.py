"""Self-checks for the exercises of 07_transformer_block.

Each check computes the expected answer with the helpers and returns a `Feedback`.
Introduced in 07_transformer_block.
"""

import numpy as np

from .. import block
from .base import Feedback, compare_arrays, compare_number, unanswered

EXERCISE_1_X = np.array([1.0, 2.0, 3.0, 6.0])
EXERCISE_2_D, EXERCISE_2_D_FF = 50, 200
EXERCISE_3_N, EXERCISE_3_CHANGED = 8, 3


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
