"""The 02_glove self-checks accept the right answers and explain the usual wrong ones."""

import numpy as np

from helpers import bilinear, cooccurrence, data, glove
from helpers.exercises import glove as ex


def test_placeholders_are_not_yet():
    for check in (ex.check_1, ex.check_2, ex.check_3, ex.check_4):
        feedback = check(None)
        assert not feedback and "replace None" in repr(feedback)


def test_check_1():
    lee = data.lee()
    i, j, k = (lee.vocab.index[w] for w in ("fire", "police", "crews"))
    P = cooccurrence.conditional(lee.X)
    answer = P[i, k] / P[j, k]
    assert ex.check_1(answer) and repr(ex.check_1(answer)).startswith("Correct")
    assert ex.check_1(round(answer, 1))  # 12.95 to 3 significant digits is 13.0
    assert "'the ratio upside down'" in ex.check_1(1 / answer).message
    assert "'a ratio of raw counts'" in ex.check_1(lee.X[i, k] / lee.X[j, k]).message
    assert not ex.check_1("big")


def test_check_2():
    x = np.array(ex.EXERCISE_2_COUNTS)
    assert ex.check_2(np.minimum((x / 10) ** 0.5, 1))
    assert "'no cap at x_max'" in ex.check_2((x / 10) ** 0.5).message
    assert "'the wrong α'" in ex.check_2(np.minimum((x / 10) ** 0.75, 1)).message
    assert "shape" in ex.check_2([1, 2]).message


def test_check_3():
    toy = data.toy()
    fit = glove.train(toy.X, dim=2, x_max=10.0, epochs=100, seed=0)
    rows, cols = toy.X.nonzero()
    x = np.asarray(toy.X[rows, cols]).ravel()
    e = np.sum(fit.W[rows] * fit.W_context[cols], axis=1) + fit.b[rows] + fit.b_context[cols] \
        - np.log(x)
    cost = np.mean(0.5 * glove.weighting(x, 10.0) * e**2)
    assert ex.check_3(cost)
    assert "'the sum J'" in ex.check_3(2 * cost * len(x)).message
    assert "'forgetting the ½'" in ex.check_3(2 * cost).message
    assert "'a sum, not a mean'" in ex.check_3(cost * len(x)).message


def test_check_4():
    fit = data.lee_glove(x_max=100.0, direction="right")
    S = fit.W @ fit.W_context.T
    share = bilinear.energy_fractions(S)[1]
    assert ex.check_4(share)
    assert "‖S − Sᵀ‖ / ‖S‖" in ex.check_4(np.linalg.norm(S - S.T) / np.linalg.norm(S)).message
    assert "'the symmetric share'" in ex.check_4(1 - share).message
    sym = data.lee_glove(x_max=100.0)
    sym_share = bilinear.energy_fractions(sym.W @ sym.W_context.T)[1]
    assert "'the symmetric model'" in ex.check_4(sym_share).message
