"""Self-checks for the exercises of 08_real_model (they need the real-model extra).

Each check loads the model once (cached), computes the expected answer and returns a
`Feedback`. Introduced in 08_real_model.
"""

from functools import cache

import numpy as np

from .. import real_model as rm
from ..attention import scaled_dot_product_attention
from .base import Feedback, Question, Quiz, check_number, compare_number, hint, trap, unanswered

EXERCISE_SENTENCE = "The bank lent money to the small firm after the fire."
N_SENTENCES = 20
HINTS = {
    1: ("B compares one head's queries with its keys: take that head's columns only, then "
        "split B into its symmetric and antisymmetric parts.",
        "c = W.head(2); B = W_Q[:, c] W_K[:, c]ᵀ; the share is ‖(B + Bᵀ)/2‖_F² / ‖B‖_F².",
        "B = W.W_q[:, c] @ W.W_k[:, c].T; np.sum(((B + B.T) / 2)**2) / np.sum(B**2)."),
    2: ("the offset profile gives every (layer, head) its content attention at each offset; "
        "which offset is the previous word piece?",
        "rm.offset_profile(...) has shape (layers, heads, 11), offsets δ = −5 … 5: δ = −1 is "
        "index 4; find the largest entry of that slice.",
        "layer, head = np.unravel_index(profile[:, :, 4].argmax(), profile.shape[:2])."),
    3: ("compute layer 0's attention twice, changing only b_K, and compare the two arrays "
        "entry by entry.",
        "A with the real biases and A0 with np.zeros_like(W.b_k) in place of b_K, both from "
        "ex.biased_attention(e.H, W.W_q, W.W_k, W.b_q, ·, W.n_heads); the answer is max |A − A0|.",
        "float(np.abs(A - A0).max()): it should be at rounding level."),
}


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
    w = rm.layer_weights(_model()[0], 0)
    return check_number(answer, expected, HINTS[1], what="share", traps=[
        (1 - expected, trap("the antisymmetric share", "that is ‖B_skew‖² / ‖B‖²: use "
                            "(B + B.T) / 2.")),
        (np.sqrt(expected), trap("a norm ratio", "that is ‖B_sym‖ / ‖B‖; the share compares "
                                 "squared norms.")),
        (rm.symmetric_energy(w.W_q @ w.W_k.T), trap("all heads at once", "that is W_Q W_Kᵀ "
                                                    "of the whole layer; keep head 2's columns "
                                                    "W.head(2)."))])


@cache
def _offset_profile() -> np.ndarray:
    """Content attention by offset (layers, heads, 11) on the first N_SENTENCES Lee sentences."""
    model, tokenizer = _model()
    sentences, _ = rm.lee_sentences(tokenizer=tokenizer)
    return rm.offset_profile([rm.extract(model, tokenizer, s) for s in sentences[:N_SENTENCES]])


def _strongest(column: int) -> tuple[int, int]:
    """(layer, head) with the most content attention at offset index `column` (δ = column − 5)."""
    profile = _offset_profile()
    layer, head = np.unravel_index(profile[:, :, column].argmax(), profile.shape[:2])
    return int(layer), int(head)


def expected_2() -> tuple[int, int]:
    """(layer, head) with the most content attention at δ = -1 on the first 20 Lee sentences."""
    return _strongest(4)


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
        return trap("swapped pair", "you swapped them: the pair is (layer, head).")
    if (layer, head) == _strongest(6):
        return trap("the next-token head", "that head attends to δ = +1, index 6; the previous "
                    "piece is δ = −1, index 4.")
    return Feedback(False, hint(HINTS[2]))


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


def check_3(answer) -> Feedback:
    """Exercise 3: how much does layer 0's attention change when b_k is set to zero?"""
    try:
        visible = answer is not None and float(answer) > 1e-6
    except (TypeError, ValueError):
        visible = False
    if visible:
        return trap("zeroing b_Q", "that is a visible change: did you zero b_q instead? b_k "
                    "only adds q_i·b_k, the same for every key j of row i, and softmax ignores "
                    "a constant added to a row.")
    feedback = compare_number(answer, expected_3(), HINTS[3], atol=1e-9, what="difference")
    if feedback.correct:
        return Feedback(True, "the change is at rounding level (below 1e-9): b_k cancels in "
                              "softmax.")
    return feedback


QUESTIONS = (
    Question("With biases, the layer-0 logits are (q_i + b_Q)·(k_j + b_K). Which term "
             "survives softmax?", 2,
             "b_Q·k_j varies with the key j: a per-key prior. q_i·b_K and b_Q·b_K are constant "
             "along row i and cancel.",
             ("q_i·b_K", "b_Q·b_K", "b_Q·k_j", "none of them")),
    Question("Why does a random W_Q W_Kᵀ sit near a symmetric share of 1/2?", 0,
             "for random maps B and Bᵀ are nearly uncorrelated, so the symmetric and "
             "antisymmetric parts carry about equal energy.",
             ("B and Bᵀ are nearly uncorrelated, so both parts carry about equal energy",
              "random matrices are symmetric", "softmax halves the energy",
              "the biases cancel half of B")),
    Question("What would make an agreement between attention and co-occurrence "
             "unconvincing?", 1,
             "if frequency or distance alone explained it; hence the partial and stratified "
             "correlations, co-occurrence counted on other text, and the random baseline.",
             ("a correlation measured on many sentences", "frequency or distance alone "
              "explaining it", "a model trained on a large corpus", "word pieces instead of "
              "words")),
)


def quiz() -> Quiz:
    """The self-checked quiz that ends 08_real_model."""
    return Quiz("Session 08", QUESTIONS)
