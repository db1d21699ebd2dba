"""Positions: offset-resolved co-occurrence, positional encodings and causal prefixes.

Introduced in 05_positions. The projection M = Q S Qᵀ of 03_projection reads S by token
identity only, so it is blind to order. Here the operator is resolved by offset: X^(δ)[u, w]
counts w exactly δ positions after u, S^(δ) is built from it, and the order-aware projection
reads each pair (i, j) from the operator of its own offset, M_ij = S^(j−i)[t_i, t_j].
Learned models replace S^(δ) with positional encodings: additive (sinusoidal, H + P) or
multiplicative (rotary, R_p). Causal masks keep each position's output a function of its
prefix only. Row vectors throughout: tokens are rows.
"""

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from . import cooccurrence, validate
from .attention import causal_mask, softmax
from .validate import counts, number, real_array, whole_number

KINDS = ("count", "log1p", "pmi", "ppmi")

# Two hand-made word classes of 05_positions (every word is in the Lee vocabulary).
DETERMINERS = ("the", "a", "an", "this", "that", "these", "those",
               "his", "her", "its", "their", "our", "my", "your")
PREPOSITIONS = ("of", "in", "on", "at", "to", "for", "with", "from", "by", "about",
                "into", "over", "after", "under", "between", "against", "during")


# --- offset-resolved counts and operators -------------------------------------------------


def offset_stack(ids, vocab_size, K):
    """The offset-resolved counts X^(1), ..., X^(K): a tuple of K (|V|, |V|) CSR matrices.

    Element δ-1 is `cooccurrence.offset_counts(ids, vocab_size, δ)`: X^(δ)[u, w] counts w
    exactly δ positions after u, windows never crossing a document. Introduced in 05_positions.
    """
    K = whole_number(K, "K")
    return tuple(cooccurrence.offset_counts(ids, vocab_size, d) for d in range(1, K + 1))


def at_offset(X_offsets, delta):
    """X^(δ) for δ in −K..K, δ ≠ 0: negative offsets are transposes, X^(−δ) = (X^(δ))ᵀ.

    X^(−δ)[u, w] counts w exactly δ positions *before* u, which is X^(δ)[w, u].
    Introduced in 05_positions.
    """
    K = _check_stack(X_offsets)
    if isinstance(delta, bool) or not isinstance(delta, (int, np.integer)):
        raise ValueError(f"The offset delta (δ) must be a whole number, got {delta!r}.")
    if delta == 0 or abs(delta) > K:
        raise ValueError(
            f"The offset delta (δ) must lie in −{K}..{K} without 0 (a word does not co-occur with "
            f"itself at distance 0), got {delta}. Count more offsets for a larger |δ|."
        )
    X = X_offsets[abs(int(delta)) - 1]
    return X if delta > 0 else X.T.tocsr()


def window_from_offsets(X_offsets):
    """The harmonic right-window counts Σ_δ X^(δ) / δ over δ = 1..K, a (|V|, |V|) CSR matrix.

    Equals `cooccurrence.count(ids, V, window=K, direction="right")`. Introduced in 05_positions.
    """
    K = _check_stack(X_offsets)
    return sum(X_offsets[d - 1] / d for d in range(1, K + 1)).tocsr()


def operator_entries(X, rows, cols, kind="pmi"):
    """Entries S[rows, cols] of the operator `kind` built from counts X, without densifying X.

    `rows` and `cols` are broadcastable integer arrays; the result has their broadcast shape.
    kind "count": X itself; "log1p": log(1 + X); "pmi": log(X N / (X_u X_w)) with N = ΣX and
    row and column sums X_u, X_w (−inf where X is 0); "ppmi": max(PMI, 0). For one offset,
    X = X^(δ) gives S^(δ). Introduced in 05_positions.
    """
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {KINDS}, got {kind!r}.")
    X = counts(X, "X")
    X = sp.csr_matrix(X)
    try:
        rows, cols = np.broadcast_arrays(np.asarray(rows), np.asarray(cols))
    except ValueError:
        raise ValueError(f"rows and cols must have broadcastable shapes, got {np.shape(rows)} "
                         f"and {np.shape(cols)}.") from None

    for name, index in (("rows", rows), ("cols", cols)):
        if index.size and (not np.issubdtype(index.dtype, np.integer) or index.min() < 0
                           or index.max() >= X.shape[0]):
            raise ValueError(f"{name} must be word ids in 0..{X.shape[0] - 1}.")
    x = np.asarray(X[rows.ravel(), cols.ravel()]).reshape(rows.shape)
    if kind == "count":
        return x
    if kind == "log1p":
        return np.log1p(x)
    row_sum = np.asarray(X.sum(axis=1)).ravel()
    col_sum = np.asarray(X.sum(axis=0)).ravel()
    with np.errstate(divide="ignore", invalid="ignore"):
        out = np.log(x * X.sum() / (row_sum[rows] * col_sum[cols]))
    out[x == 0] = -np.inf
    return np.maximum(out, 0.0) if kind == "ppmi" else out


def offsets(n):
    """The offset matrix D (n, n) with D_ij = j − i (positive: j comes after i).

    Introduced in 05_positions.
    """
    n = whole_number(n, "n")
    p = np.arange(n)
    return p[None, :] - p[:, None]


def order_aware_projection(ids, X_offsets, kind="ppmi", fill=0.0):
    """The order-aware projection M (n, n) with M_ij = S^(j−i)[t_i, t_j].

    Each pair reads the operator of its own offset; S^(−δ) = (S^(δ))ᵀ, so M_ij for j before
    i reads S^(i−j)[t_j, t_i]. Pairs with j = i or |j − i| > K (no counts at that offset) get
    `fill`. Unlike Q S Qᵀ, two occurrences of one word get different rows, because they stand
    at different distances from the others. Introduced in 05_positions.
    """
    K = _check_stack(X_offsets)
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {KINDS}, got {kind!r}.")
    fill = number(fill, "fill")
    t = _ids(ids, X_offsets[0].shape[0])
    D = offsets(len(t))  # (n, n)
    M = np.full(D.shape, float(fill))
    for d in range(1, min(K, len(t) - 1) + 1):
        i = np.arange(len(t) - d)
        forward = operator_entries(X_offsets[d - 1], t[i], t[i + d], kind)  # (n - d,)
        M[i, i + d] = forward  # S^(d)[t_i, t_{i+d}]
        M[i + d, i] = forward  # S^(−d)[t_{i+d}, t_i] = S^(d)[t_i, t_{i+d}]
    return M


# --- measurements on offset-resolved counts -------------------------------------------------


def class_information(X, rows):
    """How much knowing "the word at p is in the class `rows`" tells about the word δ later.

    X is one offset's counts X^(δ). Returns KL(P(w | class) ‖ P(w)) in bits, where P(w | class)
    is the distribution of the word after a class member and P(w) that after any word: the
    class's average PMI with what follows. Finite samples bias it upward; compare with a
    shuffled corpus. Introduced in 05_positions.
    """
    X = sp.csr_matrix(counts(X, "X"))
    rows = _ids(rows, X.shape[0], "rows")
    after_class = np.asarray(X[rows].sum(axis=0)).ravel()
    after_any = np.asarray(X.sum(axis=0)).ravel()
    if after_class.sum() == 0:
        raise ValueError("The class never occurs with a word after it: pick more frequent words.")
    p, q = after_class / after_class.sum(), after_any / after_any.sum()
    m = p > 0
    return float(np.sum(p[m] * np.log2(p[m] / q[m])))


def class_pmi(X, classes):
    """PMI between word classes at one offset: a (k, k) array for k classes.

    `classes` maps names to id arrays (disjoint). Entry [a, b] = log(X_ab N / (X_a· X_·b)),
    with X_ab the counts summed over u in class a and w in class b, N = ΣX and X_a·, X_·b
    the class's row and column totals over the whole vocabulary. Introduced in 05_positions.
    """
    X = sp.csr_matrix(counts(X, "X"))
    validate.instance(classes, "classes", dict, "Map class names to arrays of word ids.")
    if not classes:
        raise ValueError("classes is empty: give at least one class of word ids.")
    groups = [_ids(ids, X.shape[0], f"classes[{name!r}]") for name, ids in classes.items()]
    if len(np.unique(np.concatenate(groups))) != sum(len(g) for g in groups):
        raise ValueError("The word classes overlap: give each word to one class only.")
    row = np.asarray(X.sum(axis=1)).ravel()
    col = np.asarray(X.sum(axis=0)).ravel()
    block = np.array([[X[a][:, b].sum() for b in groups] for a in groups])  # (k, k)
    r = np.array([row[a].sum() for a in groups])
    c = np.array([col[b].sum() for b in groups])
    if (r == 0).any() or (c == 0).any():
        raise ValueError("A class of classes never occurs in X (zero row or column total): "
                         "its PMI is undefined; pick more frequent words.")
    with np.errstate(divide="ignore"):
        return np.log(block * X.sum() / np.outer(r, c))


def mutual_information(X):
    """Mutual information (bits) between a word and the word at the counted offset.

    I = Σ P(u, w) log2(P(u, w) / (P(u) P(w))) from one offset's counts X^(δ): the count-weighted
    average PMI. Introduced in 05_positions.
    """
    X = sp.coo_matrix(counts(X, "X"))
    N = X.sum()
    if N == 0:
        raise ValueError("The counts are all zero: count a longer text.")
    row, col = np.asarray(X.sum(axis=1)).ravel(), np.asarray(X.sum(axis=0)).ravel()
    return float(np.sum(X.data / N * np.log2(X.data * N / (row[X.row] * col[X.col]))))


@dataclass(frozen=True)
class OffsetProfiles:
    """Offset-resolved counts of a corpus and how information decays with the offset.

    X_offsets: X^(1), ..., X^(K), each (|V|, |V|) CSR; shuffled: the same counts after
    shuffling each document's words (topic kept, order destroyed); information (K,): bits
    between a word and the word δ later; baseline (K,): the same on the shuffled counts;
    class_bits (K,): what membership in the given word class tells about the word δ later.
    """

    X_offsets: tuple
    shuffled: tuple
    information: np.ndarray
    baseline: np.ndarray
    class_bits: np.ndarray


def offset_profiles(docs, vocab_size, K, class_ids, seed=0):
    """`OffsetProfiles` of the documents `docs` (lists of ids) for δ = 1..K.

    The shuffled baseline permutes the words of each document with `numpy.random.default_rng(seed)`;
    `class_ids` (ids of one word class, e.g. the determiners) gives `class_bits`. K must be
    shorter than the longest document (every δ needs a pair), and the class must occur with a
    word after it at every δ. Introduced in 05_positions.
    """
    vocab_size, K = whole_number(vocab_size, "vocab_size"), whole_number(K, "K")
    docs = validate.id_documents(docs, "docs", vocab_size)
    class_ids = _ids(class_ids, vocab_size, "class_ids")
    whole_number(seed, "seed", minimum=0)
    longest = max(d.size for d in docs)
    if K >= longest:
        raise ValueError(f"K = {K} reaches past the longest document ({longest} tokens): no "
                         f"pair is {longest} or more positions apart; choose K < {longest}.")
    X_offsets = offset_stack(docs, vocab_size, K)
    rng = np.random.default_rng(seed)
    shuffled = offset_stack([rng.permutation(d) for d in docs], vocab_size, K)
    if any(X[class_ids].nnz == 0 for X in X_offsets):
        raise ValueError("class_ids never occur with a word δ positions after them for some δ "
                         "<= K: pick more frequent words or a smaller K.")
    return OffsetProfiles(
        X_offsets, shuffled,
        np.array([mutual_information(X) for X in X_offsets]),
        np.array([mutual_information(X) for X in shuffled]),
        np.array([class_information(X, class_ids) for X in X_offsets]),
    )


@dataclass(frozen=True)
class OffsetTable:
    """The entries a content + offset fit uses: one row per observed (u, w, δ).

    pair (m,): pair index 0..n_pairs−1 of (u, w); delta (m,): δ − 1; pmi (m,): PMI^(δ)[u, w]
    with the offset's own marginals; weight (m,): the count X^(δ)[u, w]; words (n_pairs, 2):
    (u, w) of each pair; coverage: the share of all counted pairs (by count) the rows hold.
    """

    pair: np.ndarray
    delta: np.ndarray
    pmi: np.ndarray
    weight: np.ndarray
    words: np.ndarray
    coverage: float

    @property
    def n_pairs(self):
        """The number of distinct pairs (u, w)."""
        return len(self.words)


def offset_table(X_offsets, min_offsets=2):
    """The `OffsetTable` of X^(1..K): entries X^(δ)[u, w] > 0 of pairs seen at ≥ `min_offsets` δ.

    A pair seen at one offset only is fitted exactly by its own content constant and says
    nothing about δ, hence `min_offsets` = 2 by default. Introduced in 05_positions.
    """
    K = _check_stack(X_offsets)
    min_offsets = whole_number(min_offsets, "min_offsets")
    if min_offsets > K:
        raise ValueError(f"min_offsets={min_offsets} exceeds the K={K} offsets counted.")
    V = X_offsets[0].shape[0]
    parts = []
    for d, X in enumerate(X_offsets):
        X = X.tocoo()
        pmi = operator_entries(X, X.row, X.col, "pmi")
        parts.append((X.row.astype(np.int64) * V + X.col, np.full(X.nnz, d), pmi, X.data))
    code, delta, y, weight = (np.concatenate(a) for a in zip(*parts, strict=True))
    total = weight.sum()
    _, first, seen = np.unique(code, return_inverse=True, return_counts=True)
    keep = seen[first] >= min_offsets
    if not keep.any():
        raise ValueError("No pair is observed at enough offsets: lower min_offsets or count more.")
    kept, pair = np.unique(code[keep], return_inverse=True)
    return OffsetTable(pair, delta[keep], y[keep], weight[keep],
                       np.column_stack([kept // V, kept % V]), float(weight[keep].sum() / total))


def weighted_group_mean(values, group, weight, size):
    """Σ weight·values / Σ weight within each group 0..size−1, shape (size,).

    The step of backfitting: the weighted least-squares constant of each group. values and
    weight (m,) are finite, weight >= 0; group (m,) holds ids in 0..size-1. A group without
    weight (no item, or only zero weights) gets NaN: it has no mean. Introduced in 05_positions.
    """
    size = whole_number(size, "size")
    values, weight = _same_length(values, "values", weight, "weight")
    if (weight < 0).any():
        raise ValueError(f"weight must be >= 0, got a negative entry ({weight.min():g}).")
    group = validate.labels(group, "group", values.size)
    try:  # bincount checks the ids' range itself, so no extra pass over group is made
        with np.errstate(invalid="ignore", divide="ignore"):
            mean = _weighted_group_mean(values, group, weight, size)
    except ValueError:  # a negative id
        raise ValueError(f"group must hold ids in 0..{size - 1}, got {group.min()}.") from None
    if mean.size > size:
        raise ValueError(f"group must hold ids in 0..{size - 1}, got {group.max()}.")
    return mean


def _weighted_group_mean(values, group, weight, size):
    return np.bincount(group, weight * values, size) / np.bincount(group, weight, size)


def weighted_r2(y, fitted, weight):
    """Explained variance 1 − Σ w (y − fitted)² / Σ w (y − ȳ)², ȳ the weighted mean of y.

    y, fitted, weight (m,) are finite; weight >= 0 with a positive entry. When y is constant
    where the weight is, there is no variance to explain: NaN if fitted matches y there, -inf
    otherwise. Introduced in 05_positions.
    """
    y, weight = _same_length(y, "y", weight, "weight")
    fitted, _ = _same_length(fitted, "fitted", y, "y")
    if (weight < 0).any() or not (weight > 0).any():
        raise ValueError("weight must be >= 0 with at least one positive entry, got "
                         f"{weight.min():g}..{weight.max():g}.")
    with np.errstate(invalid="ignore", divide="ignore"):
        return _weighted_r2(y, fitted, weight)


def _weighted_r2(y, fitted, weight):
    mean = np.average(y, weights=weight)
    return float(1.0 - np.sum(weight * (y - fitted) ** 2) / np.sum(weight * (y - mean) ** 2))


def _same_length(a, name_a, b, name_b):
    """Two finite 1-D float arrays of one length, or an error naming both."""
    a, b = real_array(a, name_a, 1, shape="(m,)"), real_array(b, name_b, 1, shape="(m,)")
    validate.sizes_agree(a.size, f"The length of {name_a}", b.size, f"the length of {name_b}")
    return a, b


@dataclass(frozen=True)
class OffsetFit:
    """Weighted least squares of PMI^(δ)[u, w] ≈ c[u, w] + r[δ] over observed entries.

    r2_content: explained variance of the content term alone (one constant per pair);
    r2_offset: of the offset term alone (one constant per δ); r2_both: of their sum.
    r (K,): the fitted offset profile r[δ] for δ = 1..K, mean 0 under the weights.
    n_pairs, n_entries: pairs (u, w) and (pair, δ) entries fitted; coverage: the share of all
    counted pairs (by count) that they hold.
    """

    r2_content: float
    r2_offset: float
    r2_both: float
    r: np.ndarray
    n_pairs: int
    n_entries: int
    coverage: float


def fit_content_offset(X_offsets, min_offsets=2, iterations=50):
    """Fit PMI^(δ)[u, w] ≈ c[u, w] + r[δ] on the entries with X^(δ)[u, w] > 0, δ = 1..K.

    One way to make "content plus relative offset" precise: each PMI is weighted by its count
    X^(δ)[u, w]; only pairs observed at ≥ `min_offsets` offsets are kept (`offset_table`). The
    two terms are fitted by alternating weighted means (backfitting), which converges to the
    weighted least-squares solution. Returns an `OffsetFit`. Introduced in 05_positions.
    """
    table = offset_table(X_offsets, min_offsets)
    K, n_pairs = len(X_offsets), table.n_pairs
    pair, delta, y, weight = table.pair, table.delta, table.pmi, table.weight
    c = _weighted_group_mean(y, pair, weight, n_pairs)
    r2_content = _weighted_r2(y, c[pair], weight)
    r2_offset = _weighted_r2(y, _weighted_group_mean(y, delta, weight, K)[delta], weight)
    r = np.zeros(K)
    for _ in range(whole_number(iterations, "iterations")):
        c = _weighted_group_mean(y - r[delta], pair, weight, n_pairs)
        r = _weighted_group_mean(y - c[pair], delta, weight, K)
    shift = np.average(r[delta], weights=weight)
    return OffsetFit(r2_content, r2_offset, _weighted_r2(y, c[pair] + r[delta], weight),
                     r - shift, n_pairs, int(len(y)), table.coverage)


# --- positional encodings ------------------------------------------------------------------


def frequencies(d, base=10000.0):
    """The d/2 angular frequencies ω_k = base^(−2k/d), k = 0..d/2 − 1, of sinusoidal and rotary
    encodings (fastest first). Introduced in 05_positions.
    """
    d = _even(d)
    base = number(base, "base (10000 is standard)", above=1)
    return base ** (-2.0 * np.arange(d // 2) / d)


def sinusoidal(n, d, base=10000.0):
    """Sinusoidal encodings P (n, d): P[p, 2k] = sin(p ω_k), P[p, 2k+1] = cos(p ω_k).

    Row p encodes position p (Vaswani et al. 2017). Then (P Pᵀ)[p, q] = Σ_k cos((q − p) ω_k)
    depends on the offset only. Introduced in 05_positions.
    """
    n = whole_number(n, "n")
    angles = np.arange(n)[:, None] * frequencies(d, base)[None, :]  # (n, d/2)
    P = np.empty((n, _even(d)))
    P[:, 0::2], P[:, 1::2] = np.sin(angles), np.cos(angles)
    return P


def sinusoidal_kernel(delta, d, base=10000.0):
    """k(δ) = Σ_k cos(δ ω_k): the entry of P Pᵀ at offset δ, for an array of offsets.

    Introduced in 05_positions.
    """
    delta = real_array(delta, "delta")
    return np.cos(delta[..., None] * frequencies(d, base)).sum(axis=-1)


def rotation_matrix(p, d, base=10000.0):
    """R_p (d, d): block-diagonal 2×2 rotations by the angles p ω_k, one per frequency.

    R_p R_r = R_(p+r) and R_pᵀ = R_(−p), hence (R_p q)·(R_r k) = qᵀ R_(r−p) k.
    Introduced in 05_positions.
    """
    angles = number(p, "p") * frequencies(d, base)
    R = np.zeros((d, d))
    cos, sin = np.cos(angles), np.sin(angles)
    even = 2 * np.arange(d // 2)
    R[even, even], R[even, even + 1] = cos, -sin
    R[even + 1, even], R[even + 1, even + 1] = sin, cos
    return R


def rotary(X, positions=None, base=10000.0):
    """Rotary encoding of rows: row i of X (n, d) becomes R_(positions[i]) x_i, shape (n, d).

    Apply it to the queries and the keys (not the values); positions default to 0..n−1.
    Vectorised: pairs (x_2k, x_2k+1) are rotated by the angle p ω_k. Introduced in 05_positions.
    """
    X = real_array(X, "X", 2, shape="(n, d): rotary encodings act on rows")
    n, d = X.shape
    if d % 2:
        raise ValueError(f"X must have an even number d of columns (rotated in pairs), got {d}.")
    positions = np.arange(n) if positions is None else real_array(positions, "positions", 1)
    if positions.shape != (n,):
        raise ValueError(f"Give one position per row: {n} rows but positions has shape "
                         f"{positions.shape}.")
    angles = positions[:, None] * frequencies(d, base)[None, :]  # (n, d/2)
    cos, sin = np.cos(angles), np.sin(angles)
    x, y = X[:, 0::2], X[:, 1::2]
    out = np.empty_like(X)
    out[:, 0::2], out[:, 1::2] = cos * x - sin * y, sin * x + cos * y
    return out


def relative_offset_matrix(kernel, n):
    """A (n, n) matrix B_ij = kernel(j − i): a score that depends on the offset only (Toeplitz).

    `kernel` is a vectorised function of an integer array of offsets, e.g.
    `lambda D: -0.5 * np.abs(D)` (a linear distance penalty). Introduced in 05_positions.
    """
    if not callable(kernel):
        raise ValueError("kernel must be a function of the offset array D (D_ij = j − i).")
    D = offsets(n)
    B = real_array(kernel(D), "kernel(D)", finite=True)
    if B.shape != D.shape:
        raise ValueError(f"kernel must return one value per offset, shape {D.shape}; got "
                         f"{B.shape}.")
    return B


def toeplitz_profile(G):
    """The mean of each diagonal of a square G, for offsets −(n−1)..(n−1), shape (2n − 1,).

    For a Toeplitz matrix every diagonal is constant and the profile is the matrix.
    Introduced in 05_positions.
    """
    G = real_array(G, "G", 2, shape="(n, n)")
    if G.shape[0] != G.shape[1]:
        raise ValueError(f"G must be a square matrix, got shape {G.shape}.")
    n = G.shape[0]
    return np.array([np.diagonal(G, k).mean() for k in range(-(n - 1), n)])


def is_toeplitz(G, atol=1e-9):
    """True when every diagonal of the square G is constant (G_ij depends on j − i only)."""
    atol = number(atol, "atol", minimum=0)
    G = real_array(G, "G", 2, shape="(n, n)")
    profile = toeplitz_profile(G)
    n = G.shape[0]
    return bool(np.allclose(G, profile[offsets(n) + n - 1], atol=atol))


def four_terms(H, P, B):
    """The split of (H + P) B (H + P)ᵀ into content, two mixed and one position term.

    Returns (H B Hᵀ, H B Pᵀ, P B Hᵀ, P B Pᵀ), each (n, n); their sum is (H + P) B (H + P)ᵀ.
    Introduced in 05_positions.
    """
    H, P, B = (real_array(a, name, 2) for a, name in ((H, "H"), (P, "P"), (B, "B")))
    if H.shape != P.shape or H.ndim != 2:
        raise ValueError(f"H and P must both be (n, d); got {H.shape} and {P.shape}.")
    if B.shape != (H.shape[1],) * 2:
        raise ValueError(f"B must be ({H.shape[1]}, {H.shape[1]}), got {B.shape}.")
    return H @ B @ H.T, H @ B @ P.T, P @ B @ H.T, P @ B @ P.T


# --- causal prefixes -----------------------------------------------------------------------


def causal_weights(L):
    """Causal attention weights softmax(L + log T) with T_ij = [j ≤ i], shape (n, n).

    Lower triangular and row-stochastic. Introduced in 05_positions.
    """
    L = _square(L)
    return softmax(L + causal_mask(L.shape[0]))


def prefix_weights(L, i, masked=True):
    """The attention weights (i, i) when only the first i tokens exist: the top-left block of
    L, causally masked or not. Introduced in 05_positions.
    """
    L = _square(L)
    i = whole_number(i, "i")
    masked = validate.flag(masked, "masked")
    if i > L.shape[0]:
        raise ValueError(f"The prefix length i={i} exceeds the sequence length {L.shape[0]}.")
    block = L[:i, :i]
    return causal_weights(block) if masked else softmax(block)


def prefix_leak(L, values, masked=True):
    """Per position i, how much its output changes once the whole sequence is present.

    Row i of the output is computed twice: at generation time, from the first i + 1 tokens
    only, and at training time, from all n tokens at once. Returns the (n,) max-abs difference.
    With the causal mask it is zero for every i (prefix invariance); without it, every i < n−1
    sees the future. `values` is (n, d_v). Introduced in 05_positions.
    """
    L = _square(L)
    values = real_array(values, "values", 2, shape="(n, d_v)")
    masked = validate.flag(masked, "masked")
    if values.ndim != 2 or values.shape[0] != L.shape[0]:
        raise ValueError(f"values must be (n, d_v) with n = {L.shape[0]} rows, got shape "
                         f"{values.shape}.")
    n = L.shape[0]
    full = (causal_weights(L) if masked else softmax(L)) @ values  # (n, d_v)
    step = np.array([prefix_weights(L, i + 1, masked)[i] @ values[: i + 1] for i in range(n)])
    return np.abs(full - step).max(axis=1)


# --- validation ----------------------------------------------------------------------------


def _even(d):
    d = whole_number(d, "The dimension d")
    if d % 2:
        raise ValueError(f"The dimension d must be even (sin/cos or rotation pairs), got {d}.")
    return d


def _ids(ids, vocab_size, name="ids"):
    """A non-empty 1-D int64 array of ids in 0..vocab_size-1 (e.g. vocab.encode(words))."""
    return validate.id_array(ids, name, vocab_size)


def _check_stack(X_offsets):
    if not isinstance(X_offsets, (tuple, list)) or not X_offsets:
        raise ValueError("X_offsets must be a non-empty list (X^(1), ..., X^(K)) of offset "
                         "counts; build it with offset_stack(ids, V, K).")
    shape = counts(X_offsets[0], "X_offsets[0]").shape
    for d, X in enumerate(X_offsets):
        if counts(X, f"X_offsets[{d}]").shape != shape:
            raise ValueError("Every X^(δ) in X_offsets must be the same square (|V|, |V|) matrix.")
    return len(X_offsets)


def _square(L):
    L = real_array(L, "L", 2, shape="(n, n)", neg_inf=True)
    if L.ndim != 2 or L.shape[0] != L.shape[1] or L.shape[0] == 0:

        raise ValueError(f"Logits L must be a non-empty square (n, n) matrix, got {L.shape}.")
    return L
