"""The ladder of refinements, measured: every rung's attention scored on held-out Lee text.

Introduced in 07_transformer_block. Every rung is fitted on the counts of the first 250 Lee
documents (the training part) and scored on pieces of the last 50, which no count, no GloVe
vector and no fitted form has seen; `wiki_tables` does the same on the first 85 articles of the
Wikipedia excerpt (07b_ladder_on_wiki), `split_tables` on any corpus split. The rungs stay in
one operator family, log counts:

    counts      P(t_j | t_i) from the training counts X (rows do not sum to 1)
    projection  rownorm(O X Oᵀ): the same counts renormalised over the piece
    softmax     softmax(O log(X + 1) Oᵀ): the projection with the +1 smoothing of the logits
    embeddings  logits H B Hᵀ (H = O W), B the best form with W B Wᵀ ≈ log(1 + X), W GloVe's
    asymmetry   B_left instead, fitted to log(1 + X^L) (keys before the query)
    positions   adds the log-prior −log(1 + |i − j|) (the 1/δ weighting of the counts)
    mask        adds the causal mask
    heads       averages this head with a local head on log(1 + S_local), S_local the δ = 1 counts

The score is next-word cross-entropy. Attention A (n, n) mixes value rows P^R(· | t_j), the
right-direction conditional of the training counts (what follows t_j within the window):
p_i(w) = (1 − λ) Σ_j A_ij P^R(w | t_j) + λ U(w), with U the add-one unigram distribution, and
the loss of position i is −log p_i(t_{i+1}).
"""

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from . import cooccurrence, heads, positions
from .attention import causal_mask, softmax
from .corpus import Vocabulary
from .validate import flag, id_array, instance, number, real_array, text, whole_number

RUNGS = ("counts", "projection", "softmax", "embeddings", "asymmetry", "positions", "mask",
         "heads")
CHANGES = {
    "uniform": "reference: equal weights",
    "counts": "weights P(t_j | t_i) from training counts",
    "projection": "rows renormalised: rownorm(O X Oᵀ)",
    "softmax": "softmax(O log(X + 1) Oᵀ): +1 smoothing",
    "embeddings": "log(1 + X) through GloVe: H B Hᵀ",
    "asymmetry": "B_left, fitted to log(1 + X^L)",
    "positions": "adds −log(1 + |i − j|)",
    "mask": "adds the causal mask",
    "heads": "mean with a local (δ = 1) head",
}
N_TRAIN_DOCS = 250
N_WIKI_TRAIN_DOCS = 85  # of the 106 articles of data.wiki(): 75% of its tokens
SENTENCE = "the police said the fire near the town was under control"  # the example in 07
MIX = 0.1  # λ, the unigram share of the next-word readout (fixed, never tuned on held-out text)


@dataclass(frozen=True)
class LadderTables:
    """Everything the rungs read, from the training documents only.

    X (|V|, |V|) symmetric counts; S_local (|V|, |V|) adjacent-pair counts X⁽¹⁾ + X⁽¹⁾ᵀ;
    W (|V|, d) GloVe word vectors of X; B_both, B_left (d, d) with W B Wᵀ ≈ log(1 + X) and
    ≈ log(1 + X^L); values (|V|, |V|) the rows P^R(· | u), empty for a word u that nothing
    follows in training (such a row reads the unigram); unigram (|V|,) add-one frequencies.
    X, S_local and values are CSR matrices, so a 9,000-word vocabulary fits in memory.
    """

    vocab: object
    X: sp.csr_matrix
    S_local: sp.csr_matrix
    W: np.ndarray
    B_both: np.ndarray
    B_left: np.ndarray
    values: sp.csr_matrix
    unigram: np.ndarray


def build_tables(vocab, train_docs, W):
    """`LadderTables` from training documents (lists of ids) and word vectors W (|V|, d).

    About a second on Lee. Introduced in 07_transformer_block.
    """
    V = len(instance(vocab, "vocab", Vocabulary))
    if isinstance(train_docs, (str, bytes)) or not isinstance(train_docs, (list, tuple)) \
            or not train_docs:
        raise TypeError(f"train_docs must be a non-empty list of id arrays, got "
                        f"{type(train_docs).__name__}.")
    train_docs = [id_array(doc, "train_docs", V) for doc in train_docs]
    W = real_array(W, "W", 2, shape="(|V|, d)")
    if W.shape[0] != V or np.linalg.matrix_rank(W) < W.shape[1]:
        raise ValueError(f"W must have one row per word ({V}) and independent columns, got "
                         f"shape {W.shape} of rank {np.linalg.matrix_rank(W)}.")
    X_right = cooccurrence.count(train_docs, V, direction="right")
    X = (X_right + X_right.T).tocsr()
    unigram = np.bincount(np.concatenate(train_docs), minlength=V) + 1.0
    unigram /= unigram.sum()
    total = np.asarray(X_right.sum(axis=1)).ravel()
    values = (sp.diags(1 / np.where(total > 0, total, 1.0)) @ X_right).tocsr()
    B_both, B_left = embedding_form([X.log1p(), X_right.T.tocsr().log1p()], W)
    S_local = heads.local_operator(train_docs, V)
    return LadderTables(vocab, X, S_local, W, B_both, B_left, values, unigram)


def embedding_form(S, W):
    """The least-squares form B (d, d) with W B Wᵀ ≈ S, for S (|V|, |V|) (sparse, or dense and
    converted once) and W (|V|, d).

    With W = U R (thin QR), B = R⁻¹ (Uᵀ S U) R⁻ᵀ: `bilinear.EmbeddingFit.fit(S, W).B()` without
    a dense (|V|, |V|) copy of S. S may be a list of such matrices: then a list of forms, with
    one QR of W for all. Introduced in 07_transformer_block.
    """
    W = real_array(W, "W", 2, shape="(|V|, d)")
    many = isinstance(S, (list, tuple))
    S = [one if sp.issparse(one) else sp.csr_matrix(real_array(one, "S", 2, shape="(|V|, |V|)"))
         for one in (S if many else [S])]
    for one in S:
        if not sp.issparse(one) or one.shape != (W.shape[0], W.shape[0]):
            raise TypeError(f"S must be a sparse ({W.shape[0]}, {W.shape[0]}) matrix (one row and "
                            f"column per row of W), got {type(one).__name__} of shape "
                            f"{getattr(one, 'shape', None)}.")
        if one.dtype.kind not in "biuf":
            raise ValueError(f"S must hold real numbers, got dtype {one.dtype}.")
        if not np.all(np.isfinite(one.data)):
            raise ValueError("S has inf or NaN entries: use finite log counts, e.g. X.log1p().")
    U, R = np.linalg.qr(W)
    if W.shape[1] > W.shape[0] or np.abs(np.diag(R)).min() <= 1e-10 * np.abs(np.diag(R)).max():
        raise ValueError(f"W must have independent columns, got shape {W.shape} of rank "
                         f"{np.linalg.matrix_rank(W)}.")
    forms = [np.linalg.solve(R, np.linalg.solve(R, U.T @ (one @ U)).T).T  # (d, d)
             for one in S]
    return forms if many else forms[0]


def entries(M, rows, cols):
    """M[rows, cols] for M (|V|, |V|) (sparse, or dense and converted once) and broadcastable id
    arrays rows, cols: an array of their broadcast shape.

    Looks the pairs up by binary search in M's sorted keys row · |V| + column (scipy's own
    fancy indexing is ten times slower on a million pairs). Introduced in 07b_ladder_on_wiki.
    """
    if not sp.issparse(M):
        M = sp.csr_matrix(real_array(M, "M", 2, shape="(|V|, |V|)"))
    if M.dtype.kind not in "biuf" or not np.all(np.isfinite(M.data)):
        raise ValueError(f"M must hold finite real numbers, got dtype {M.dtype} with "
                         f"{int((~np.isfinite(M.data)).sum()) if M.dtype.kind in 'iuf' else 'any'}"
                         " non-finite entries.")
    if M.shape[0] == 0 or M.shape[0] != M.shape[1]:
        raise ValueError(f"M must be a non-empty square (|V|, |V|) matrix, got shape {M.shape}.")
    M = M.tocsr()
    M.sort_indices()
    rows = id_array(rows, "rows", M.shape[0], ndim=None)
    cols = id_array(cols, "cols", M.shape[1], ndim=None)
    rows, cols = np.broadcast_arrays(rows, cols)
    keys = np.repeat(np.arange(M.shape[0], dtype=np.int64), np.diff(M.indptr)) * M.shape[1]
    keys += M.indices
    wanted = rows.astype(np.int64) * M.shape[1] + cols
    at = np.minimum(np.searchsorted(keys, wanted), max(len(keys) - 1, 0))
    found = keys[at] == wanted if len(keys) else np.zeros(wanted.shape, bool)
    return np.where(found, M.data[at] if len(keys) else 0.0, 0.0)


def train_glove(counted, n_train, name, dim=50, epochs=50, seed=0):
    """GloVe fitted to the counts of `counted.docs[:n_train]` only, cached (`glove.GloVe`).

    counted is a `data.CountedCorpus`; the documents after n_train stay unseen by every vector.
    The cache entry `name` is keyed by a fingerprint of those counts (so by the vocabulary and
    the training documents), dim, epochs, seed and the source of helpers.glove.
    Introduced in 07_transformer_block.
    """
    from . import data, glove
    from .cache import cached, fingerprint

    instance(counted, "counted", data.CountedCorpus)
    n_train = whole_number(n_train, "n_train")
    if not text(name, "name").strip():
        raise ValueError("name must name the cache entry, e.g. 'glove-wiki-train'.")
    dim, epochs = whole_number(dim, "dim"), whole_number(epochs, "epochs")
    seed = whole_number(seed, "seed", minimum=0)
    if n_train >= len(counted.docs):
        raise ValueError(f"n_train must leave documents to hold out: it is {n_train}, and the "
                         f"corpus has {len(counted.docs)} documents.")
    X = cooccurrence.count(list(counted.docs[:n_train]), len(counted.vocab))

    def fit():
        result = glove.train(X, dim=dim, epochs=epochs, seed=seed)
        return {k: getattr(result, k) for k in data.GLOVE_FIELDS}

    params = {"counts": fingerprint(X), "dim": dim, "epochs": epochs, "seed": seed}
    arrays = cached(name, params, fit, producers=(glove,))
    return glove.GloVe(*(arrays[k] for k in data.GLOVE_FIELDS))


def split_tables(counted, n_train, name, dim=50, epochs=50):
    """`LadderTables` on `counted.docs[:n_train]` with `train_glove(counted, n_train, name, dim,
    epochs)`'s vectors. Introduced in 07_transformer_block."""
    W = train_glove(counted, n_train, name, dim, epochs).W
    return build_tables(counted.vocab, list(counted.docs[:n_train]), W)


def lee_train_glove(dim=50, epochs=50, seed=0):
    """GloVe fitted to the counts of the first 250 Lee documents only (`train_glove`).

    Introduced in 07_transformer_block.
    """
    from . import data

    return train_glove(data.lee(), N_TRAIN_DOCS, "glove-lee-train", dim, epochs, seed)


def lee_tables():
    """`LadderTables` on the first 250 Lee documents with `lee_train_glove()`'s vectors.

    Introduced in 07_transformer_block.
    """
    from . import data

    return split_tables(data.lee(), N_TRAIN_DOCS, "glove-lee-train")


def wiki_tables():
    """`LadderTables` on the first 85 articles of the Wikipedia excerpt (`data.wiki()`), with
    GloVe fitted to their counts only (cached; the 21 last articles are held out). The tables
    are sparse (|V|, |V|) = (9002, 9002) matrices. Introduced in 07b_ladder_on_wiki.
    """
    from . import data

    return split_tables(data.wiki(), N_WIKI_TRAIN_DOCS, "glove-wiki-train")


def ladder(tables, ids, on=RUNGS):
    """[(rung, A)] for the rungs in `on`, each applied on top of the earlier ones.

    ids is one piece (n,) or a batch (m, n); each A is (n, n) or (m, n, n). "counts" rows do
    not sum to 1; every other A is row-stochastic. A position whose word has no training count
    with any word of the piece gets uniform weights in "counts" and "projection" (`unseen_rows`
    counts them). Introduced in 07_transformer_block.
    """
    instance(tables, "tables", LadderTables)
    ids = id_array(ids, "ids", len(tables.vocab), ndim=(1, 2))
    if not isinstance(on, (list, tuple)) or not on or any(r not in RUNGS for r in on):
        raise ValueError(f"on must be a list of rungs from {RUNGS}, got {on!r}.")
    n = ids.shape[-1]
    pair = (ids[..., :, None], ids[..., None, :])
    H_x = tables.W[ids]  # (..., n, d), the token vectors
    X_x = entries(tables.X, *pair)  # (..., n, n), the counts O X Oᵀ
    unseen = X_x.sum(axis=-1) == 0  # a word with no training count next to any of the piece's
    counts = np.where(unseen[..., None], 1.0, X_x)  # such rows read uniform weights
    L = np.log1p(X_x)  # the "softmax" rung's logits
    extra = np.zeros((n, n))  # the position and mask terms, shared by every head
    out = []
    for rung in (r for r in RUNGS if r in on):
        if rung == "counts":
            row_sums = np.asarray(tables.X.sum(axis=1)).ravel()[ids]  # (..., n)
            out.append((rung, counts / np.maximum(row_sums, 1e-300)[..., None]))
        elif rung == "projection":
            out.append((rung, counts / counts.sum(axis=-1, keepdims=True)))
        elif rung == "heads":
            second = np.log1p(entries(tables.S_local, *pair)) + extra
            out.append((rung, (softmax(L + extra) + softmax(second)) / 2))
        else:
            if rung == "embeddings":
                L = H_x @ tables.B_both @ np.swapaxes(H_x, -1, -2)
            elif rung == "asymmetry":
                L = H_x @ tables.B_left @ np.swapaxes(H_x, -1, -2)
            elif rung == "positions":
                extra = extra + positions.relative_offset_matrix(
                    lambda D: -np.log1p(np.abs(D)), n)
            elif rung == "mask":
                extra = extra + causal_mask(n)
            out.append((rung, softmax(L + extra)))
    return out


def unseen_rows(tables, ids):
    """How many positions of ids (n,) or (m, n) have no training count with any word of their
    piece (their projection row is undefined). Introduced in 07_transformer_block."""
    instance(tables, "tables", LadderTables)
    ids = id_array(ids, "ids", len(tables.vocab), ndim=(1, 2))
    return int((entries(tables.X, ids[..., :, None], ids[..., None, :]).sum(axis=-1) == 0).sum())


def next_word_loss(tables, A, ids, next_ids, mix=MIX, causal=True):
    """−log p_i(next_ids_i) per position, shape ids.shape, in nats.

    p_i(w) = (1 − mix) Σ_{j ≤ i} Â_ij P^R(w | t_j) + mix · U(w), with Â the rows of A (..., n, n)
    restricted to the keys j ≤ i and rescaled to sum to 1 (for the counts rung this rescaling
    is the projection). The readout is causal whatever A is: key i + 1 is the word being
    predicted, and a next-word predictor cannot read it or anything after it. So weights on
    later keys are dropped, not used; a row with no weight on j ≤ i reads them uniformly.
    `causal=False` reads every key of the piece instead: a leaky score, kept only to show what
    reading the predicted word does (07b_ladder_on_wiki). A may
    carry leading axes before ids.shape + (n,), e.g. (rungs, m, n, n): the result then has them
    too, and the P^R lookups are done once for all. Introduced in 07_transformer_block.
    """
    instance(tables, "tables", LadderTables)
    V = len(tables.vocab)
    ids = id_array(ids, "ids", V, ndim=(1, 2))
    next_ids = id_array(next_ids, "next_ids", V, ndim=(1, 2))
    if next_ids.shape != ids.shape:
        raise ValueError(f"next_ids must have the shape of ids {ids.shape}, got "
                         f"{next_ids.shape}.")
    A = real_array(A, "A")
    if A.shape[max(A.ndim - ids.ndim - 1, 0):] != ids.shape + ids.shape[-1:] or (A < 0).any():
        raise ValueError(f"A must be non-negative weights of shape {ids.shape + ids.shape[-1:]},"
                         f" got shape {A.shape}.")
    n = ids.shape[-1]
    past = np.tril(np.ones((n, n), dtype=bool)) if flag(causal, "causal") else np.ones((n, n), bool)
    A = np.where(past, A, 0.0)
    total = A.sum(axis=-1, keepdims=True)
    A = np.where(total > 0, A, past)  # no weight on the past: read it uniformly
    total = A.sum(axis=-1, keepdims=True)
    mix = number(mix, "mix", above=0, maximum=1)
    follow = entries(tables.values, ids[..., None, :], next_ids[..., :, None])  # P^R(t_i+1 | t_j)
    followed = np.diff(tables.values.indptr) > 0  # (|V|,) words with a row P^R
    follow = np.where(followed[ids][..., None, :], follow, tables.unigram[next_ids][..., None])
    p = (1 - mix) * (A / total * follow).sum(axis=-1) + mix * tables.unigram[next_ids]
    return -np.log(p)


def bootstrap_mean(values, n_resamples=2000, level=0.95, seed=0):
    """(low, high): a percentile bootstrap interval for the mean of `values` (m,), seeded.

    Resamples the m values (held-out pieces, or paired differences) with replacement.
    Introduced in 07_transformer_block.
    """
    values = real_array(values, "values", 1)
    whole_number(n_resamples, "n_resamples")
    level = number(level, "level", above=0, below=1)
    rng = np.random.default_rng(whole_number(seed, "seed", minimum=0))
    means = values[rng.integers(0, values.size, (n_resamples, values.size))].mean(axis=1)
    tail = 100 * (1 - level) / 2
    low, high = np.percentile(means, [tail, 100 - tail])
    return float(low), float(high)
