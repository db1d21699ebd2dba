"""The 05_positions self-checks accept the right answers and explain the usual wrong ones."""

import numpy as np

from helpers import data, positions
from helpers.attention import softmax
from helpers.exercises import positions as ex


def test_placeholders_are_not_yet():
    for check in (ex.check_1, ex.check_2, ex.check_3, ex.check_4, ex.check_5):
        feedback = check(None)
        assert not feedback and "replace None" in repr(feedback)


def test_check_1_by_hand():
    toy = data.toy()
    docs, V = list(toy.docs), len(toy.vocab)
    the, river, bank = toy.vocab.encode(ex.EXERCISE_1_SENTENCE.split())
    X1, X2 = (positions.offset_stack(docs, V, 2)[d] for d in (0, 1))
    M = np.array([[0, X1[the, river], X2[the, bank]],
                  [X1[the, river], 0, X1[river, bank]],
                  [X2[the, bank], X1[river, bank], 0]])
    assert ex.check_1(M)
    assert np.allclose(M, M.T)
    slip = np.triu(M)
    slip[1, 0], slip[2, 1], slip[2, 0] = X1[river, the], X1[bank, river], X2[bank, the]
    if not np.allclose(slip, M):
        assert "t_j comes first" in ex.check_1(slip).message
    assert "negative offsets" in ex.check_1(np.triu(M)).message
    assert "shape" in ex.check_1(np.zeros((2, 2))).message


def test_check_2():
    assert ex.check_2(ex.expected_2())
    assert "δ = 1" in ex.check_2(ex._lee_determiner_pmi(1)).message
    assert "sum X^(2)" in ex.check_2(0.0).message


def test_check_3():
    e = ex.EXERCISE_3
    omega = e["base"] ** (-2 * np.arange(e["d"] // 2) / e["d"])
    value = np.cos((e["q"] - e["p"]) * omega).sum()
    assert ex.check_3(value)
    assert "twice" in ex.check_3(2 * value).message
    assert "number" in ex.check_3("x").message


def test_check_4():
    e = ex.EXERCISE_4
    R = positions.rotation_matrix(e["r"] - e["p"], e["d"], e["base"])
    q, k = ex.exercise_4_vectors()
    Rp = positions.rotation_matrix(e["p"], e["d"], e["base"])
    Rr = positions.rotation_matrix(e["r"], e["d"], e["base"])
    assert np.isclose((Rp @ q) @ (Rr @ k), q @ R @ k)
    assert ex.check_4(R)
    assert "transpose" in ex.check_4(R.T).message
    assert "R_r" in ex.check_4(Rr).message


def test_check_5():
    L = ex.exercise_5_logits()
    with np.errstate(divide="ignore"):
        A = softmax(L + np.log(np.tril(np.ones((5, 5)))))
    assert ex.check_5(A)
    assert "unmasked" in ex.check_5(softmax(L)).message
    with np.errstate(divide="ignore"):
        upper = softmax(L + np.log(np.triu(np.ones((5, 5)))))
    assert "np.tril" in ex.check_5(upper).message
    assert "before the softmax" in ex.check_5(np.tril(softmax(L))).message
