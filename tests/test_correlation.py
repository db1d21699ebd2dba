"""helpers.correlation: one Spearman, checked against scipy.stats.spearmanr."""

import numpy as np
import pytest
from scipy import stats

from helpers import correlation


def test_ranks_average_ties_like_rankdata():
    rng = np.random.default_rng(0)
    Y = rng.integers(0, 4, size=(5, 30)).astype(float)
    Y[0] = rng.random(30)  # a row without ties takes the argsort path
    Y[1, 3] = -np.inf
    assert np.array_equal(correlation.ranks(Y), stats.rankdata(Y, axis=-1))
    assert np.array_equal(correlation.ranks(Y[2]), stats.rankdata(Y[2]))


def test_spearman_matches_scipy_with_and_without_ties():
    rng = np.random.default_rng(1)
    Y = np.vstack([rng.random(50), rng.integers(0, 5, 50)])
    x = rng.integers(0, 7, 50).astype(float)
    expected = [stats.spearmanr(row, x).statistic for row in Y]
    assert np.allclose(correlation.spearman(Y, x), expected)
    assert np.allclose(correlation.spearman_rows(Y, np.vstack([x, x])), expected)


def test_spearman_of_a_constant_is_nan_and_shapes_are_checked():
    assert np.isnan(correlation.spearman(np.ones(5), np.arange(5.0))[0])
    with pytest.raises(ValueError, match="x has shape"):
        correlation.spearman(np.ones((2, 5)), np.ones(4))
    with pytest.raises(ValueError, match="one shape"):
        correlation.spearman_rows(np.ones((2, 5)), np.ones((2, 4)))
