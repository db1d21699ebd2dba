"""The 07_transformer_block self-checks accept the right answers and name the usual wrong
ones, including the mistakes of a hand-written causal attention layer."""

import numpy as np
import pytest

from helpers.attention import softmax
from helpers.exercises import block as ex


def test_check_1_layer_norm():
    x = ex.EXERCISE_1_X
    centred = x - x.mean()
    assert ex.check_1(centred / np.sqrt(x.var() + 1e-5))
    assert ex.check_1(np.round(centred / np.sqrt(x.var() + 1e-5), 3))
    assert "'the sample standard deviation'" in ex.check_1(centred / x.std(ddof=1)).message
    assert "'forgetting the mean'" in ex.check_1(x / x.std()).message
    assert "'dividing by the variance'" in ex.check_1(centred / x.var()).message


def test_check_2_parameter_count():
    d, f = ex.EXERCISE_2_D, ex.EXERCISE_2_D_FF
    assert ex.check_2(30450) and 4 * d * d + 4 * d + d * f + f + f * d + d == 30450
    assert "'attention only'" in ex.check_2(4 * d * d).message
    assert "'no biases or scales'" in ex.check_2(4 * d * d + 2 * d * f).message
    assert "'forgetting W_O'" in ex.check_2(30450 - d * d).message
    assert "'forgetting the layer norms'" in ex.check_2(30450 - 4 * d).message


def test_check_3_rows_that_change():
    assert ex.check_3(5)
    assert "'forgetting the mask'" in ex.check_3(8).message
    assert "'off-by-one'" in ex.check_3(4).message
    assert "'only the token's own row'" in ex.check_3(1).message
    assert "'the mask upside down'" in ex.check_3(3).message
    assert "hint 1 of 3" in ex.check_3(6).message


def layer(scale=True, mask="before", axis=-1):
    """A forward pass with one of the usual mistakes switched on."""
    def forward(H, W_q, W_k, W_v):
        scores = (H @ W_q) @ (H @ W_k).T / (np.sqrt(W_q.shape[1]) if scale else 1.0)
        n = len(H)
        if mask == "before":
            scores = scores + np.where(np.tril(np.ones((n, n))) > 0, 0.0, -np.inf)
        A = softmax(scores, axis=axis)
        return (np.tril(A) if mask == "after" else A) @ (H @ W_v)
    return forward


def no_backward(*_):
    return np.zeros((4, 3)), np.zeros((4, 3)), np.zeros((4, 2))


@pytest.mark.parametrize("mistake, name", [
    ({"mask": None}, "no mask"),
    ({"scale": False}, "forgetting 1/√d_k"),
    ({"mask": "after"}, "mask applied after softmax"),
    ({"axis": 0}, "softmax over the wrong axis"),
])
def test_check_4_forward_traps(mistake, name):
    assert f"'{name}'" in ex.check_4((layer(**mistake), no_backward)).message


def test_check_4_right_forward_then_gradients():
    feedback = ex.check_4((layer(), no_backward))
    assert not feedback and "differs from finite differences" in feedback.message
    wrong = ex.check_4((lambda H, W_q, W_k, W_v: H @ W_v, no_backward))
    assert "hint 1 of 3" in wrong.message and "softmax(" not in wrong.message
