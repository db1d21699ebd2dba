"""The 04_qkv self-checks accept the right answers (computed here from first principles) and
explain the usual wrong ones."""

import numpy as np
import pytest

from helpers import cooccurrence, data
from helpers.exercises import qkv as ex


@pytest.fixture(scope="module")
def X_right():
    return ex.toy_right_counts().toarray()


def ppmi(X):
    """PPMI from the formula: max(log(X_uw N / (X_u X_w)), 0), 0 where X_uw = 0."""
    N, row, col = X.sum(), X.sum(1), X.sum(0)
    with np.errstate(divide="ignore", invalid="ignore"):
        pmi = np.log(X * N / np.outer(row, col))
    return np.where(X > 0, np.maximum(pmi, 0.0), 0.0)


def test_toy_right_counts_are_the_right_window(X_right):
    toy = data.toy()
    left = cooccurrence.count(list(toy.docs), len(toy.vocab), 4, direction="left").toarray()
    assert np.allclose(left, X_right.T) and not np.allclose(X_right, X_right.T)


def test_placeholders_are_not_yet():
    for check in (ex.check_1, ex.check_2, ex.check_3, ex.check_4):
        feedback = check(None)
        assert not feedback and "replace None" in repr(feedback)


def test_check_1_antisymmetric_share(X_right):
    S = np.log1p(X_right)
    skew = (S - S.T) / 2
    share = np.sum(skew**2) / np.sum(S**2)
    assert ex.check_1(share)
    assert ex.check_1(round(share, 3))
    assert "'the symmetric share'" in ex.check_1(1 - share).message
    assert "'a norm ratio'" in ex.check_1(np.linalg.norm(S - S.T) / np.linalg.norm(S)).message
    assert "'the symmetric counts'" in ex.check_1(0.0).message


def test_check_2_rank_two_error(X_right):
    s = np.linalg.svd(ppmi(X_right), compute_uv=False)
    assert ex.check_2(np.sqrt(np.sum(s[2:] ** 2) / np.sum(s**2)))
    assert "'an absolute error'" in ex.check_2(np.sqrt(np.sum(s[2:] ** 2))).message
    assert "'the squared ratio'" in ex.check_2(np.sum(s[2:] ** 2) / np.sum(s**2)).message
    assert "'off-by-one rank'" in ex.check_2(np.sqrt(np.sum(s[1:] ** 2) / np.sum(s**2))).message


def test_check_3_accepts_an_eigen_split_and_rejects_one_shared_map(X_right):
    S = ppmi(X_right)
    S_sym = (S + S.T) / 2
    lam, V = np.linalg.eigh(S_sym)
    W_q = V * np.sqrt(np.abs(lam))
    W_k = W_q * np.sign(lam)
    feedback = ex.check_3((W_q, W_k))
    assert feedback and f"{np.sum(lam < -1e-10)} negative" in feedback.message
    assert "'one shared map'" in ex.check_3((W_q, W_q)).message  # a PSD form, not S_sym
    U, sigma, Vt = np.linalg.svd(S)
    assert "'the whole S'" in ex.check_3((U * sigma, Vt.T)).message
    assert "hint 1 of 3" in ex.check_3((W_q, -W_k)).message
    assert "should both be" in ex.check_3((W_q[:5], W_k)).message
    assert not ex.check_3("W_q, W_k")


def test_check_4_scale():
    sigma2, d_k = 4.0, 64
    assert ex.check_4(1 / np.sqrt(d_k * sigma2**2))
    assert "'forgetting the variance'" in ex.check_4(1 / np.sqrt(d_k)).message  # 1/√d_k
    assert "'one factor of σ²'" in ex.check_4(1 / np.sqrt(d_k * sigma2)).message
    assert "'a variance, not a standard deviation'" in ex.check_4(1 / (d_k * sigma2**2)).message
