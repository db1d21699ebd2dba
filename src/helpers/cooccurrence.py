"""Windowed co-occurrence counts and the operators built from them (PMI, PPMI, P(w | u)).

Introduced in 01_cooccurrence. Counting is vectorised over offsets: for each distance d the
pairs (ids[p], ids[p + d]) of a whole corpus are added at once, never one token at a time.
"""

import numpy as np
import scipy.sparse as sp

from . import validate
from .validate import whole_number

WEIGHTINGS = ("harmonic", "flat", "linear")
DIRECTIONS = ("both", "right", "left")
_DENSE_LIMIT = 2**25  # vocabularies with |V|^2 below this are accumulated in a dense buffer
_BATCH = 2**22  # pairs added per bincount


def count(ids, vocab_size, window=10, weighting="harmonic", direction="both"):
    """Co-occurrence counts X, a (|V|, |V|) float64 CSR matrix.

    X[u, w] sums the weight of every occurrence of w at distance d in 1..window after u
    ("right"), before u ("left") or on either side ("both"). "harmonic" weighs 1/d as GloVe
    does, "flat" weighs 1, "linear" weighs (window - d + 1) / window (word2vec's dynamic
    window, in expectation). `ids` is one integer array (one stream) or a list of them
    (documents: windows never cross a document boundary). Introduced in 01_cooccurrence.

    Degenerate input is valid: a window longer than a document counts every pair inside it, a
    document of one token adds nothing (documents of one token each give an all-zero X), and a
    vocabulary of one word gives a (1, 1) X.
    """
    if weighting not in WEIGHTINGS:
        raise ValueError(f"weighting must be one of {WEIGHTINGS}, got {weighting!r}.")
    if direction not in DIRECTIONS:
        raise ValueError(f"direction must be one of {DIRECTIONS}, got {direction!r}.")
    window = whole_number(window, "window")
    stream, doc = _stream(ids, vocab_size)
    X_right = _accumulate(
        stream,
        doc,
        vocab_size,
        offsets=range(1, window + 1),
        weight=_weight_function(weighting, window),
    )
    if direction == "right":
        return X_right
    if direction == "left":
        return X_right.T.tocsr()
    return (X_right + X_right.T).tocsr()


def _weight_function(weighting, window):
    """The weight of a pair at distance d under `weighting` (a function of d)."""
    if weighting == "harmonic":
        return lambda d: 1.0 / d
    if weighting == "linear":
        return lambda d: (window - d + 1) / window
    return lambda d: 1.0


def offset_counts(ids, vocab_size, offset):
    """Offset-resolved counts X^(δ): X[u, w] = number of times w stands exactly δ after u.

    Returns a (|V|, |V|) float64 CSR matrix, unweighted. Σ_d X^(d) / d over d = 1..K equals
    `count(..., window=K, direction="right")`. Introduced in 01_cooccurrence.
    """
    offset = whole_number(offset, "offset")
    stream, doc = _stream(ids, vocab_size)
    return _accumulate(stream, doc, vocab_size, offsets=[offset], weight=lambda d: 1.0)


def pmi(X, cds=1.0):
    """Pointwise mutual information, a dense (|V|, |V|) array with -inf where X is zero.

    PMI[u, w] = log(X[u, w] N / (X_u X_w)) with N = ΣX and X_u, X_w the row and column sums.
    `cds` < 1 is context-distribution smoothing (Levy et al. 2015): the column marginal is
    X_w^cds / Σ X^cds, which tempers the high PMI of rare context words (0.75 is common).
    One word gives [[0.0]]; all-zero counts give -inf everywhere. Introduced in 01_cooccurrence.
    """
    X = _check_counts(X)
    if isinstance(cds, bool) or not isinstance(cds, (int, float)) or not 0 < cds <= 1:
        raise ValueError(f"cds must lie in (0, 1], got {cds!r}.")
    X = X.toarray() if sp.issparse(X) else np.asarray(X, dtype=float)
    row = X.sum(axis=1)
    col = X.sum(axis=0) ** cds
    with np.errstate(divide="ignore", invalid="ignore"):
        out = np.log(X) - np.log(row)[:, None] - np.log(col / col.sum())[None, :]
    out[X == 0] = -np.inf
    return out


def ppmi(X, cds=1.0):
    """Positive PMI, max(PMI, 0), as a (|V|, |V|) float64 CSR matrix.

    Introduced in 01_cooccurrence.
    """
    P = pmi(X, cds)
    return sp.csr_matrix(np.where(P > 0, P, 0.0))


def conditional(X):
    """Row-conditional probabilities P(w | u) = X[u, w] / Σ_w' X[u, w'] as a CSR matrix.

    Rows of words that co-occur with nothing stay zero. Introduced in 01_cooccurrence.
    """
    X = sp.csr_matrix(_check_counts(X), dtype=float)
    row = np.asarray(X.sum(axis=1)).ravel()
    inverse = np.divide(1.0, row, out=np.zeros_like(row), where=row > 0)
    return (sp.diags(inverse) @ X).tocsr()


def _accumulate(stream, doc, vocab_size, offsets, weight):
    """Sum weight(d) over the pairs (stream[p], stream[p + d]) inside one document.

    Pairs are encoded as u * |V| + w and added in batches of about _BATCH pairs (several
    offsets at once on a small corpus, one offset at a time on a large one).
    """
    n = len(stream)
    dense = vocab_size * vocab_size <= _DENSE_LIMIT
    total = np.zeros(vocab_size * vocab_size) if dense else sp.csr_matrix((vocab_size,) * 2)
    codes, weights = [], []
    offsets = [d for d in offsets if d < n]
    for k, d in enumerate(offsets):
        same = doc[:-d] == doc[d:]
        codes.append(stream[:-d][same] * vocab_size + stream[d:][same])
        weights.append(np.full(len(codes[-1]), weight(d)))
        if k == len(offsets) - 1 or sum(map(len, codes)) >= _BATCH:
            code, value = np.concatenate(codes), np.concatenate(weights)
            codes, weights = [], []
            if dense:
                total += np.bincount(code, weights=value, minlength=total.size)
            else:
                pairs = (value, (code // vocab_size, code % vocab_size))
                total = total + sp.csr_matrix(pairs, shape=(vocab_size,) * 2)
    if dense:
        return sp.csr_matrix(total.reshape(vocab_size, vocab_size))
    total.sum_duplicates()
    return total


def _stream(ids, vocab_size):
    """Concatenate one id array or a list of them; return (ids, document number), both (n,)."""
    vocab_size = whole_number(vocab_size, "vocab_size")
    docs = [ids] if isinstance(ids, np.ndarray) and ids.ndim == 1 else list(ids)
    if docs and all(np.isscalar(x) for x in docs):
        docs = [np.asarray(docs)]
    arrays = []
    for k, doc in enumerate(docs):
        a = np.asarray(doc)
        if a.ndim != 1:
            raise ValueError(f"Document {k} must be a 1-D array of token ids, got shape {a.shape}.")
        if a.size and not np.issubdtype(a.dtype, np.integer):
            raise ValueError(
                f"Token ids must be integers, got dtype {a.dtype}: encode words with "
                "Vocabulary.encode first."
            )
        arrays.append(a.astype(np.int64))
    if sum(a.size for a in arrays) == 0:
        raise ValueError("No token ids to count: give at least one non-empty document.")
    stream = np.concatenate(arrays)
    if stream.min() < 0 or stream.max() >= vocab_size:
        raise ValueError(
            f"Token ids must lie in 0..{vocab_size - 1} (vocab_size={vocab_size}); "
            f"got {stream.min()}..{stream.max()}."
        )
    doc = np.repeat(np.arange(len(arrays)), [a.size for a in arrays])
    return stream, doc


def _check_counts(X):
    """X as a float64 array or CSR matrix: square, finite, non-negative (helpers.validate)."""
    return validate.counts(X, "X")

