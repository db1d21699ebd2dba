"""Rank correlation, one definition for the whole course: Spearman's ρ with average ranks.

Introduced in 02_glove (word-similarity benchmarks) and used again in 08_real_model (attention
against co-occurrence statistics). Ties always get the average of the ranks they span, as
`scipy.stats.rankdata` gives them; -inf ranks lowest.
"""

import numpy as np
from scipy.stats import rankdata

from .validate import real_array


def ranks(Y) -> np.ndarray:
    """Average ranks (1 = smallest) along the last axis of Y (..., p), as floats.

    The same numbers as `scipy.stats.rankdata(Y, axis=-1)`, computed with one sort for all
    rows: tied values (equal neighbours after sorting) share the mean of their positions. Long
    rows of attention weights, which hold many ties, stay fast. NaN is refused (it has no rank);
    -inf ranks lowest.
    """
    Y = real_array(Y, "Y", neg_inf=True)
    if Y.ndim == 1:
        return rankdata(Y)
    rows = Y.reshape(-1, Y.shape[-1])  # (m, p)
    order = rows.argsort(axis=-1)  # ties need no stable order: they share one mean rank
    ordered = np.take_along_axis(rows, order, axis=-1)
    starts = np.ones(ordered.shape, dtype=bool)  # a new group of equal values starts here
    starts[:, 1:] = ordered[:, 1:] != ordered[:, :-1]
    group = np.cumsum(starts.ravel()) - 1  # (m·p,) group ids, rows never share a group
    position = np.tile(np.arange(1.0, rows.shape[1] + 1), rows.shape[0])
    mean = np.bincount(group, weights=position) / np.bincount(group)  # each group's mean rank
    R = np.empty(rows.shape)
    np.put_along_axis(R, order, mean[group].reshape(rows.shape), axis=-1)
    return R.reshape(Y.shape)


def centred_ranks(Y) -> np.ndarray:
    """`ranks(Y)` minus each row's mean rank: (..., p)."""
    R = ranks(Y)
    return R - R.mean(axis=-1, keepdims=True)


def pearson_centred(R, r) -> np.ndarray:
    """Pearson correlation of each row of R (m, p) with r (p,), both already centred: (m,).

    A constant row or r (no spread) gives nan.
    """
    R, r = real_array(R, "R", (1, 2)), real_array(r, "r", 1)
    if R.shape[-1] != r.size:
        raise ValueError(f"R has rows of length {R.shape[-1]} but r has length {r.size}.")
    with np.errstate(invalid="ignore", divide="ignore"):
        return (R @ r) / np.sqrt((R**2).sum(axis=-1) * (r @ r))


def spearman(Y, x) -> np.ndarray:
    """Spearman's ρ of each row of Y (m, p), or of a single (p,) row, with x (p,): (m,).

    -inf ranks lowest; NaN where a row of Y, or x, is constant (no ranking to correlate).
    """
    Y = np.atleast_2d(real_array(Y, "Y", (1, 2), neg_inf=True))
    x = real_array(x, "x", neg_inf=True)
    if x.ndim != 1 or Y.shape[-1] != x.size:
        raise ValueError(f"Y has rows of length {Y.shape[-1]} but x has shape {x.shape}: "
                         "give one value of x per column of Y.")
    return pearson_centred(centred_ranks(Y), centred_ranks(x))


def spearman_rows(x, y) -> np.ndarray:
    """Spearman's ρ of each row of x with the same row of y, both (n, p): (n,).

    NaN for a row pair where either row is constant (no ranking to correlate).
    """
    x, y = real_array(x, "x", neg_inf=True), real_array(y, "y", neg_inf=True)
    if x.shape != y.shape or x.ndim != 2:
        raise ValueError(f"x and y must be (n, p) arrays of one shape, got {x.shape} and "
                         f"{y.shape}.")
    rx, ry = centred_ranks(x), centred_ranks(y)
    with np.errstate(invalid="ignore", divide="ignore"):
        return (rx * ry).sum(axis=1) / np.sqrt((rx**2).sum(axis=1) * (ry**2).sum(axis=1))
