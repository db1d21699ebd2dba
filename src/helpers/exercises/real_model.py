"""Self-checks for the exercises of 08_real_model (they need the real-model extra).

Each check loads the model once (cached), computes the expected answer and returns a
`Feedback`. Introduced in 08_real_model.
"""

from functools import cache

import numpy as np

from .. import real_model as rm
from ..attention import scaled_dot_product_attention
from .base import Feedback, compare_number, unanswered

EXERCISE_SENTENCE = "The bank lent money to the small firm after the fire."
N_SENTENCES = 20


@cache
def _model():
    return rm.load()


def expected_1() -> float:
    """Symmetric energy share of layer 0, head 2: ‖(B + Bᵀ)/2‖² / ‖B‖², B = W_q^2 (W_k^2)ᵀ."""
    w = rm.layer_weights(_model()[0], 0)
    c = w.head(2)
    return float(rm.symmetric_energy(w.W_q[:, c] @ w.W_k[:, c].T))


def check_1(answer) -> Feedback:
    """Exercise 1: the symmetric energy share of layer 0, head 2."""
    missing = unanswered(answer)
    if missing is not None:
        return missing
    expected = expected_1()
    try:
        value = float(answer)
    except (TypeError, ValueError):
        return Feedback(False, "your answer should be one number between 0 and 1.")
    if np.isclose(value, 1 - expected, atol=1e-6):
        return Feedback(False, "that is the antisymmetric share: use (B + B.T) / 2.")
    return compare_number(answer, expected,
                          "slice head 2's columns of W_q and W_k (w.head(2)), form B = "
                          "W_q[:, c] @ W_k[:, c].T and compare the squared norms of "
                          "(B + B.T) / 2 and B.", what="share")


def expected_2() -> tuple[int, int]:
    """(layer, head) with the most content attention at δ = -1 on the first 20 Lee sentences."""
    model, tokenizer = _model()
    sentences, _ = rm.lee_sentences(tokenizer=tokenizer)
    profile = rm.offset_profile([rm.extract(model, tokenizer, s)
                                 for s in sentences[:N_SENTENCES]])  # (L, h, 11)
    layer, head = np.unravel_index(profile[:, :, 4].argmax(), profile.shape[:2])
    return int(layer), int(head)


def check_2(answer) -> Feedback:
    """Exercise 2: the strongest previous-token head, as (layer, head)."""
    missing = unanswered(answer)
    if missing is not None:
        return missing
    try:
        layer, head = (int(x) for x in answer)
    except (TypeError, ValueError):
        return Feedback(False, "give a pair (layer, head), for example (3, 7).")
    expected = expected_2()
    if (layer, head) == expected:
        return Feedback(True, f"layer {layer}, head {head} attends to the previous piece.")
    if (layer, head) == (expected[1], expected[0]):
        return Feedback(False, "you swapped them: the pair is (layer, head).")
    return Feedback(False, "the offset profile's column δ = -1 is index 4 (δ runs from -5 to "
                           "5); take the argmax over layers and heads of profile[:, :, 4].")


def biased_attention(H, W_q, W_k, b_q, b_k, n_heads):
    """Attention weights (h, n, n) with the biases added: softmax((HW_q+b_q)(HW_k+b_k)ᵀ/√d_k)."""
    d_k = W_q.shape[1] // n_heads
    heads = []
    for h in range(n_heads):
        c = slice(h * d_k, (h + 1) * d_k)
        Q, K = H @ W_q[:, c] + b_q[c], H @ W_k[:, c] + b_k[c]
        heads.append(scaled_dot_product_attention(Q, K, K)[1])
    return np.stack(heads)


def expected_3() -> float:
    """max |A - A'| on layer 0 when b_k is set to zero, for EXERCISE_SENTENCE."""
    model, tokenizer = _model()
    e = rm.extract(model, tokenizer, EXERCISE_SENTENCE)
    w = rm.layer_weights(model, 0)
    A = biased_attention(e.H, w.W_q, w.W_k, w.b_q, w.b_k, w.n_heads)
    A0 = biased_attention(e.H, w.W_q, w.W_k, w.b_q, np.zeros_like(w.b_k), w.n_heads)
    return float(np.abs(A - A0).max())


HINT_3 = ("recompute with biased_attention after replacing b_k by zeros; the change should "
          "be at rounding level.")


def check_3(answer) -> Feedback:
    """Exercise 3: how much does layer 0's attention change when b_k is set to zero?"""
    feedback = compare_number(answer, expected_3(), HINT_3, atol=1e-9, what="difference")
    if feedback.correct:
        return Feedback(True, "the change is at rounding level (below 1e-9): b_k cancels in "
                              "softmax.")
    if feedback.message == HINT_3 and float(answer) > 1e-6:
        return Feedback(False, "that is a visible change: did you zero b_q instead? b_k only "
                               "adds q_i·b_k, the same for every key j of row i, and softmax "
                               "ignores a constant added to a row.")
    return feedback
