"""The 06_heads self-checks accept the right answers and name the usual wrong ones."""

import numpy as np

from helpers import heads
from helpers.attention import softmax
from helpers.exercises import heads as ex


def test_placeholders_are_not_yet():
    for check in (ex.check_1, ex.check_2, ex.check_3, ex.check_4, ex.check_5):
        feedback = check(None)
        assert not feedback and "replace None" in repr(feedback)


def test_check_1_topical_operator():
    D = np.zeros((2, ex.EXERCISE_1_V))
    for d, ids in enumerate(ex.EXERCISE_1_DOCS):
        np.add.at(D, (d, ids), 1)
    assert ex.check_1(D.T @ D - np.diag(D.sum(0)))
    assert "'forgetting the diagonal'" in ex.check_1(D.T @ D).message
    present = (D > 0).astype(float)
    assert "'presence instead of counts'" in ex.check_1(
        present.T @ present - np.diag(present.sum(0))).message


def test_check_2_mean_of_heads():
    L1, L2 = ex.EXERCISE_2_L1, ex.EXERCISE_2_L2
    answer = (softmax(L1) + softmax(L2)) / 2 - softmax(L1 + L2)
    assert ex.check_2(answer) and ex.check_2(np.round(answer, 3))
    assert "'softmax is linear'" in ex.check_2(np.zeros((3, 3))).message
    assert "'the difference reversed'" in ex.check_2(-answer).message
    by_column = (softmax(L1, axis=0) + softmax(L2, axis=0)) / 2 - softmax(L1 + L2, axis=0)
    assert "'softmax over the wrong axis'" in ex.check_2(by_column).message


def test_check_3_parameter_count():
    V, k = ex.EXERCISE_3_V, ex.EXERCISE_3_K
    assert ex.check_3(2 * 2 * V * k) and ex.check_3(2 * V * 16)  # = one head of rank 16
    assert "'one head'" in ex.check_3(2 * V * k).message
    assert "'one factor'" in ex.check_3(V * k).message
    assert "'full operators'" in ex.check_3(2 * V * V).message


def test_check_4_alignment():
    par = heads.parallel_corpus()
    T = heads.ibm_model1(par, 1)
    M = T[np.ix_(par.target[ex.EXERCISE_4_PAIR], par.source[ex.EXERCISE_4_PAIR])]
    assert ex.check_4(M / M.sum(axis=1, keepdims=True))
    assert "'zero iterations'" in ex.check_4(np.full(M.shape, 1 / M.shape[1])).message
    assert "'softmax over the wrong axis'" in ex.check_4(M / M.sum(axis=0)).message


def test_check_5_component_split():
    G, Z, Phi = ex.EXERCISE_5_G, ex.EXERCISE_5_Z, ex.EXERCISE_5_PHI
    parts = Z[:, :, None] * Phi[None]
    shares = parts / parts.sum(axis=1, keepdims=True)
    assert ex.check_5((shares * G[:, None, :]).sum(axis=2))
    assert "'the fitted values'" in ex.check_5(parts.sum(axis=2)).message
    assert "'shares without counts'" in ex.check_5(shares.sum(axis=2)).message
