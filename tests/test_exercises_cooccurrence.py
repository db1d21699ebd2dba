"""The 01_cooccurrence self-checks accept the right answers and explain the usual wrong ones."""

import numpy as np

from helpers import cooccurrence, data
from helpers.exercises import cooccurrence as ex


def test_placeholders_are_not_yet():
    for check in (ex.check_1, ex.check_2, ex.check_3, ex.check_4):
        feedback = check(None)
        assert not feedback and "replace None" in repr(feedback)


def test_check_1():
    assert ex.expected_1() == 1.5
    assert ex.check_1(1.5) and repr(ex.check_1(1.5)).startswith("Correct")
    assert "'flat weights'" in ex.check_1(2).message and "1/δ" in ex.check_1(2).message
    assert "'one pair only'" in ex.check_1(1).message
    assert "'counting each pair twice'" in ex.check_1(3).message
    assert "hint 1 of 3" in ex.check_1(0.7).message and "1.5" not in ex.check_1(0.7).message
    assert not ex.check_1("many") and "number" in ex.check_1("many").message


def test_check_2():
    toy = data.toy()
    docs, V = list(toy.docs), len(toy.vocab)
    answer = sum((4 - d + 1) / 4 * cooccurrence.offset_counts(docs, V, d) for d in range(1, 5))
    assert ex.check_2(answer)
    flat = cooccurrence.count(docs, V, 4, "flat", "right")
    assert "'flat weights'" in ex.check_2(flat).message
    assert "X_left" in ex.check_2(answer.T).message
    off_by_one = sum((4 - d) / 4 * cooccurrence.offset_counts(docs, V, d) for d in range(1, 5))
    assert "'off-by-one window'" in ex.check_2(off_by_one).message
    assert "shape" in ex.check_2(np.zeros((3, 3))).message
    assert "hint 1 of 3" in ex.check_2(2 * answer).message
    assert "(K − δ + 1)/K" in ex.check_2(2 * answer).message  # the second rung: the formula


def test_check_3():
    X = data.toy().X.toarray()
    N, X_u, X_w = X.sum(), X.sum(1)[:, None], X.sum(0)[None, :]
    with np.errstate(divide="ignore"):
        PMI = np.log(X * N / (X_u * X_w))
    assert ex.check_3(np.where(X > 0, np.maximum(PMI, 0), 0))
    assert "inf or nan" in ex.check_3(PMI).message
    assert "'forgetting N'" in ex.check_3(
        np.where(X > 0, np.maximum(PMI - np.log(N), 0), 0)).message
    assert "'PMI, not PPMI'" in ex.check_3(np.where(X > 0, PMI, 0)).message
    assert ex.check_3(np.round(np.where(X > 0, np.maximum(PMI, 0), 0), 3))  # 3 digits suffice


def test_check_4():
    lee = data.lee()
    u, w = lee.vocab.index["bank"], lee.vocab.index["the"]
    assert ex.check_4(lee.X[u, w] / lee.X[u].sum())
    assert ex.check_4(round(lee.X[u, w] / lee.X[u].sum(), 3))
    assert "'the column sum'" in ex.check_4(lee.X[u, w] / lee.X[:, w].sum()).message
    joint = float(f"{lee.X[u, w] / lee.X.sum():.3g}")  # rounded to 3 significant digits
    assert "'the joint probability'" in ex.check_4(joint).message
    assert "hint 1 of 3" in ex.check_4(0.5).message and "row" in ex.check_4(0.5).message
