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
    assert "'forgetting the diagonal'" in ex.check_1(M + np.diag([1.0, 2.0, 3.0])).message
    assert "shape" in ex.check_1(np.zeros((2, 2))).message


def test_check_2():
    assert ex.check_2(ex.expected_2())
    assert "δ = 1" in ex.check_2(ex._lee_determiner_pmi(1)).message
    assert "hint 1 of 3" in ex.check_2(0.0).message
    assert "N = X.sum()" in ex.check_2(0.0).message  # the second rung gives the formula


def test_check_3():
    e = ex.EXERCISE_3
    omega = e["base"] ** (-2 * np.arange(e["d"] // 2) / e["d"])
    value = np.cos((e["q"] - e["p"]) * omega).sum()
    assert ex.check_3(value)
    assert "'each frequency twice'" in ex.check_3(2 * value).message
    wrong_omega = e["base"] ** (-np.arange(e["d"] // 2) / e["d"])
    assert "'the frequencies base^(−k/d)'" in ex.check_3(
        np.cos((e["q"] - e["p"]) * wrong_omega).sum()).message
    assert ex.check_3(round(value, 2))  # 2.14 is 3 significant digits
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
    Rsum = positions.rotation_matrix(e["r"] + e["p"], e["d"], e["base"])
    assert "'adding the positions'" in ex.check_4(Rsum).message


def test_check_5():
    L = ex.exercise_5_logits()
    with np.errstate(divide="ignore"):
        A = softmax(L + np.log(np.tril(np.ones((5, 5)))))
    assert ex.check_5(A)
    assert "unmasked" in ex.check_5(softmax(L)).message
    with np.errstate(divide="ignore"):
        upper = softmax(L + np.log(np.triu(np.ones((5, 5)))))
    assert "np.tril" in ex.check_5(upper).message
    assert "'mask applied after softmax'" in ex.check_5(np.tril(softmax(L))).message
    with np.errstate(divide="ignore"):
        by_column = softmax(L + np.log(np.tril(np.ones((5, 5)))), axis=0)
    assert "'softmax over the wrong axis'" in ex.check_5(by_column).message
    assert ex.check_5(np.round(A, 3))
