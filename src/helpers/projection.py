"""Projecting the corpus operator S into one sentence: O, M = O S Oᵀ, E = M (O S), softmax.

Introduced in 03_projection. A sentence is a 1-D array `ids` of n token ids t_1..t_n. The
selector O (n, |V|) has rows e_{t_i}ᵀ (the paper writes Q; this course keeps Q for the
queries of attention), so O S Oᵀ is S read at the sentence's words,
`S[np.ix_(ids, ids)]`: nothing here ever forms O except `selector`, which draws it.
Row vectors throughout: position i is a query row, positions j are keys (columns).
"""

from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
import scipy.sparse as sp

from . import cooccurrence, validate
from .attention import softmax
from .validate import id_documents, number, real_array, whole_number


def selector(ids, vocab_size):
    """The one-hot selector O (n, |V|): O[i, v] = 1 if t_i = v, else 0 (float64).

    O x picks x[t_i]; O W is the embedding lookup W[ids]; O Oᵀ is the same-token indicator and
    Oᵀ O = diag(in-sentence counts). Introduced in 03_projection.
    """
    ids = check_ids(ids, vocab_size)
    O = np.zeros((ids.size, vocab_size))
    O[np.arange(ids.size), ids] = 1.0
    return O


def project(S, ids):
    """The core projection M = O S Oᵀ (n, n), computed by indexing: M[i, j] = S[t_i, t_j].

    S is a dense or scipy.sparse (|V|, |V|) operator; entries may be -inf (log of a zero count).
    Introduced in 03_projection.
    """
    S = check_operator(S)
    ids = check_ids(ids, S.shape[0])
    if sp.issparse(S):
        return S[ids][:, ids].toarray()  # (n, n)
    return np.asarray(S[np.ix_(ids, ids)], dtype=float)  # (n, n)


def profiles(S, ids):
    """O S (n, |V|): row i is the corpus profile S[t_i, :] of the word at position i (dense).

    Introduced in 03_projection.
    """
    S = check_operator(S)
    ids = check_ids(ids, S.shape[0])
    rows = S[ids]
    return rows.toarray() if sp.issparse(rows) else np.asarray(rows, dtype=float)


def predictions(S, ids):
    """Vocabulary-level predictions E = M (O S) = O S Π S (n, |V|), with Π = Oᵀ O.

    E[i, v] = Σ_j S[t_i, t_j] S[t_j, v]: two-hop association paths t_i → t_j → v whose middle
    word t_j is in the sentence. S must be finite on the sentence's rows. Introduced in
    03_projection.
    """
    OS = profiles(S, ids)  # (n, |V|)
    if not np.isfinite(OS).all():
        raise ValueError(
            "S has -inf or NaN in the sentence's rows, so two-hop sums are undefined: use a "
            "finite operator such as log(1 + X) or PPMI."
        )
    M = OS[:, check_ids(ids, OS.shape[1])]  # (n, n), the same as project(S, ids)
    return M @ OS  # (n, |V|)


def two_hop(S, ids):
    """The context-free two-hop predictions O S² (n, |V|): paths through every word.

    O S² − E sums the paths whose middle word is *not* in the sentence. Introduced in
    03_projection.
    """
    OS = profiles(S, ids)  # (n, |V|)
    if not np.isfinite(OS).all():
        raise ValueError("S must be finite on the sentence's rows for two-hop sums.")
    return np.asarray(OS @ check_operator(S))  # (n, |V|)


def restricted_conditional(X, ids, smoothing=0.0):
    """P(t_j | t_i) renormalised over the sentence's positions j: an (n, n) row-stochastic matrix.

    R[i, j] = X[t_i, t_j] / Σ_k X[t_i, t_k], with counts X (|V|, |V|) dense or sparse, plus
    `smoothing` added to every count (O (X + ε) Oᵀ = O X Oᵀ + ε). The sum runs over positions,
    so a word repeated c times is counted c times: the mass a word w receives from position i
    is c_w P(w | t_i) / Σ_w' c_w' P(w' | t_i), exactly what softmax(O log X Oᵀ) gives.
    A batch of sequences, ids (m, n), gives (m, n, n). A position whose word co-occurs with
    none of its sentence's words has no distribution: ValueError. Introduced in 03_projection
    (batches in 06_heads).
    """
    smoothing = number(smoothing, "smoothing", minimum=0)
    X = validate.counts(X, "X")
    batch = np.asarray(ids)
    if batch.ndim == 2:
        dense = X.toarray() if sp.issparse(X) else np.asarray(X, dtype=float)
        rows = [check_ids(row, dense.shape[0]) for row in batch]
        M = np.stack([dense[np.ix_(row, row)] for row in rows]) + smoothing  # (m, n, n)
    else:
        M = project(X, ids) + smoothing  # (n, n)
    if np.isnan(M).any() or np.isinf(M).any() or (M < 0).any():
        raise ValueError("Counts must be finite and non-negative; pass counts X, not log X.")
    total = M.sum(axis=-1, keepdims=True)  # (..., n, 1)
    empty = np.argwhere(total[..., 0] == 0)  # (k, 1) positions, or (k, 2) (sequence, position)
    if empty.size:
        shown = empty[:, 0].tolist() if M.ndim == 2 else [tuple(e) for e in empty.tolist()]
        raise ValueError(
            f"Position(s) {shown} co-occur with no word of the sentence, so their "
            "restricted conditional is undefined: add a related word or pass smoothing > 0."
        )
    return M / total


def log_counts(X, ids, smoothing=0.0):
    """O log(X + ε) Oᵀ (n, n): the logits whose softmax is the restricted conditional.

    Zero counts give -inf, which softmax turns into exactly zero weight (a mask).
    Introduced in 03_projection.
    """
    smoothing = number(smoothing, "smoothing", minimum=0)
    M = project(validate.counts(X, "X"), ids) + smoothing  # (n, n)
    if (M < 0).any():
        raise ValueError("Counts must be non-negative; pass counts X, not log X.")
    with np.errstate(divide="ignore"):
        return np.log(M)


def kl_rows(P, A):
    """KL(P_i ‖ A_i) = Σ_j P_ij log(P_ij / A_ij) for each row, in nats (natural log).

    P and A hold distributions along their last axis, both (..., m); the result has shape
    P.shape[:-1], so two (n, m) matrices give (n,). Terms with P = 0 count 0; a row where A = 0
    but P > 0 gives inf. Introduced in 03_projection (also used by 06_heads).
    """
    P, A = real_array(P, "P", shape="(..., m)"), real_array(A, "A", shape="(..., m)")
    if (P < 0).any() or (A < 0).any():
        raise ValueError("P and A must hold probabilities (>= 0), got a negative entry.")
    if P.shape != A.shape or P.ndim < 1:
        raise ValueError(f"P and A must have the same shape (..., m), got {P.shape} and "
                         f"{A.shape}.")
    with np.errstate(divide="ignore", invalid="ignore"):
        terms = np.where(P > 0, P * (np.log(P) - np.log(A)), 0.0)
    return terms.sum(axis=-1)


def lift(B, ids, vocab_size):
    """Oᵀ B O (|V|, |V|) as a CSR matrix: an (n, n) matrix read back into vocabulary space.

    Entry (u, w) sums B[i, j] over the positions with t_i = u and t_j = w. Introduced in
    03_projection.
    """
    ids = check_ids(ids, vocab_size)
    B = _check_square(B, ids.size, "B")
    rows, cols = np.repeat(ids, ids.size), np.tile(ids, ids.size)
    lifted = sp.csr_matrix((B.ravel(), (rows, cols)), shape=(vocab_size, vocab_size))
    lifted.sum_duplicates()
    return lifted


def approximation_error(S, ids, B):
    """‖S − Oᵀ B O‖_F²: how well an (n, n) matrix B, lifted to the vocabulary, approximates S.

    Computed without forming a dense (|V|, |V|) difference: ‖S‖² − 2⟨O S Oᵀ, B⟩ + ‖Oᵀ B O‖².
    For distinct tokens its unique minimiser is B = M = O S Oᵀ, with minimum ‖S‖² − ‖M‖²
    (see `best_approximation_residual`). Introduced in 03_projection.
    """
    S = _finite(check_operator(S))
    M = project(S, ids)  # (n, n)
    B = _check_square(B, M.shape[0], "B")
    lifted = lift(B, ids, S.shape[0])
    return float(_squared_norm(S) - 2.0 * np.sum(M * B) + lifted.multiply(lifted).sum())


def best_approximation_residual(S, ids):
    """‖S‖_F² − ‖M‖_F², the smallest ‖S − Oᵀ B O‖_F² over all B when the tokens are distinct.

    It is the squared mass of S outside the sentence's block: what no operator living on the
    sentence can represent. Introduced in 03_projection.
    """
    S = _finite(check_operator(S))
    ids = check_ids(ids, S.shape[0])
    if np.unique(ids).size != ids.size:
        raise ValueError(
            "The sentence repeats a token, so Oᵀ has no orthonormal columns and the residual "
            "formula does not apply: use approximation_error(S, ids, B) instead."
        )
    return float(_squared_norm(S) - np.sum(project(S, ids) ** 2))


class Lifting(NamedTuple):
    """Least-squares solution of the lifting equation Oᵀ B O = Π S Π.

    B (n, n) is the minimum-norm solution; rank is the rank of the linear system and unknowns
    = n²: the solution is unique exactly when rank == unknowns. residual is the squared norm
    of Oᵀ B O − Π S Π (0 when the equation is solvable).
    """

    B: np.ndarray
    rank: int
    unknowns: int
    residual: float


def solve_lifting(S, ids):
    """Solve Oᵀ B O = Π S Π for B (n, n) by least squares; returns a `Lifting`.

    Only the rows and columns of the sentence's k distinct words carry equations, so the
    system is (O_kᵀ ⊗ O_kᵀ) vec(B) = vec(S[words, words]) with k² equations in n² unknowns
    (row-major vec). With distinct tokens it has full rank and B = M; with a repeated token it
    loses rank and lstsq returns only the minimum-norm solution. Introduced in 03_projection.
    """
    S = _finite(check_operator(S))
    ids = check_ids(ids, S.shape[0])
    if ids.size > 40:
        raise ValueError(f"The lifting system has n⁴ entries; keep n <= 40 (got {ids.size}).")
    words = np.unique(ids)
    Ok = (ids[:, None] == words[None, :]).astype(float)  # (n, k), O restricted to the words
    system = np.kron(Ok.T, Ok.T)  # (k², n²)
    target = project(S, words).ravel()  # (k²,), Π S Π on its nonzero block
    solution, _, rank, _ = np.linalg.lstsq(system, target, rcond=None)
    residual = float(np.sum((system @ solution - target) ** 2))
    n = ids.size
    return Lifting(solution.reshape(n, n), int(rank), n * n, residual)


def check_ids(ids, vocab_size):
    """`ids` as a 1-D int64 array, or a ValueError that says how to fix it."""
    whole_number(vocab_size, "vocab_size")
    if isinstance(ids, str):
        raise ValueError("ids must be token ids; turn text into ids with corpus.sentence_ids.")
    a = np.asarray(ids)
    if a.ndim != 1:
        raise ValueError(f"ids must be a 1-D array of token ids, got shape {a.shape}.")
    if a.size == 0:
        raise ValueError("ids is empty: the sentence needs at least one token id.")
    if not np.issubdtype(a.dtype, np.integer):
        raise ValueError(
            f"Token ids must be whole numbers, got dtype {a.dtype}: encode words with "
            "Vocabulary.encode first."
        )
    if a.min() < 0 or a.max() >= vocab_size:
        raise ValueError(
            f"Token ids must lie in 0..{vocab_size - 1} (the operator's size); got "
            f"{a.min()}..{a.max()}. Use ids from the same vocabulary as S."
        )
    return a.astype(np.int64)


def check_operator(S):
    """A square (|V|, |V|) real operator, dense (ndarray) or scipy.sparse; else ValueError.

    Entries may be -inf (log of a zero count); NaN, +inf and complex entries are refused.
    """
    if not sp.issparse(S):
        S = real_array(S, "S", 2, shape="(|V|, |V|)", finite=False)
        if S.size and not S.max() < np.inf:  # one pass finds NaN (max is NaN) and +inf
            raise ValueError("S must be finite or -inf (-inf is allowed: a zero count's log), "
                             "got NaN or +inf.")
    elif S.dtype.kind not in "biuf" or np.isnan(S.data).any() or np.isposinf(S.data).any():
        raise ValueError(f"S must hold real numbers without NaN or +inf, got dtype {S.dtype}.")
    if S.ndim != 2 or S.shape[0] != S.shape[1]:
        raise ValueError(
            f"S must be a square (|V|, |V|) operator, got shape {S.shape}: build it from the "
            "counts X of the whole vocabulary."
        )
    if sp.issparse(S) and S.format != "csr":
        S = S.tocsr()
    return S


def _finite(S):
    """S (checked by check_operator) when it has no -inf: the norms below need finite S."""
    values = S.data if sp.issparse(S) else S
    if np.isneginf(values).any():
        raise ValueError("S has -inf entries (log of a zero count?): use a finite operator "
                         "such as log(1 + X) or PPMI here.")
    return S


def _check_square(B, n, name, neg_inf=False):
    B = real_array(B, name, 2, shape=f"({n}, {n})", neg_inf=neg_inf)
    if B.shape != (n, n):
        raise ValueError(f"{name} must be ({n}, {n}), one row and column per token; got {B.shape}.")
    return B


def _squared_norm(S):
    if sp.issparse(S):
        return float(S.multiply(S).sum())
    return float(np.sum(np.asarray(S, dtype=float) ** 2))


def glove_logits(fit, ids, query_bias=False, key_bias=True):
    """GloVe attention logits (n, n): w_{t_i}·w̃_{t_j} + b̃_{t_j} (+ b_{t_i} if query_bias).

    `fit` is a `glove.GloVe`. Since w_i·w̃_j + b_i + b̃_j ≈ log X_ij, their softmax over j
    approximates the restricted conditional; the query bias b_i is constant along a row and
    cancels in the softmax, the key bias b̃_j does not. Introduced in 03_projection.
    """
    from .glove import GloVe

    validate.instance(fit, "fit", GloVe, "Use data.lee_glove() or glove.train(X).")
    query_bias, key_bias = (validate.flag(query_bias, "query_bias"),
                            validate.flag(key_bias, "key_bias"))
    ids = check_ids(ids, fit.W.shape[0])
    L = fit.W[ids] @ fit.W_context[ids].T  # (n, n)
    if key_bias:
        L = L + fit.b_context[ids][None, :]
    if query_bias:
        L = L + fit.b[ids][:, None]
    return L


def restricted_kl(X, ids, logits):
    """KL(R_i ‖ softmax(logits)_i) per position (n,), R the exact restricted conditional.

    `logits` is (n, n) and may hold -inf (masked pairs). Positions whose word co-occurs with no
    word of the sentence have no R and get NaN; average with np.nanmean. Introduced in
    03_projection.
    """
    counts = project(validate.counts(X, "X"), ids)  # (n, n)
    logits = _check_square(logits, counts.shape[0], "logits", neg_inf=True)  # -inf: a mask
    total = counts.sum(axis=1, keepdims=True)
    defined = total[:, 0] > 0
    out = np.full(counts.shape[0], np.nan)
    if defined.any():
        R = counts[defined] / total[defined]
        out[defined] = kl_rows(R, softmax(logits[defined]))
    return out


def window_kl(X, windows, logits_of):
    """Mean KL(R ‖ softmax(logits_of(w))) over the positions of each window w: shape (m,).

    `windows` is an (m, n) array of ids (for example from `sample_sentences`); `logits_of`
    maps one window's ids (n,) to its (n, n) logits. Positions with no restricted conditional
    are left out of their window's mean; a window with none at all gets NaN. Introduced in
    03_projection.
    """
    X = validate.counts(X, "X")
    windows = validate.id_array(windows, "windows", X.shape[0], ndim=2)
    if not callable(logits_of):
        raise TypeError("logits_of must be a function from a window's ids (n,) to its (n, n) "
                        f"logits, got {validate.describe(logits_of)}.")
    means = np.full(windows.shape[0], np.nan)
    for k, w in enumerate(windows):
        kl = restricted_kl(X, w, logits_of(w))  # (n,), NaN where R is undefined
        if not np.isnan(kl).all():
            means[k] = np.nanmean(kl)
    return means


def glove_kl_sweep(X, windows, fits):
    """`window_kl` with GloVe logits w·w̃ + b̃ for each fit: {d: per-window mean KL (m,)}.

    `fits` maps a width d to a `glove.GloVe` trained on the counts X. A window with no restricted
    conditional gets NaN (see `window_kl`). Introduced in 03_projection (03 runs the same loop
    in view).
    """
    from .glove import GloVe

    if not isinstance(fits, dict) or not fits:
        raise TypeError(f"fits must be a non-empty dict {{d: GloVe fit}}, got "
                        f"{validate.describe(fits)}.")
    X = validate.counts(X, "X")
    for d, fit in fits.items():
        validate.instance(fit, f"fits[{d!r}]", GloVe, "Use data.lee_glove() or glove.train(X).")
        validate.sizes_agree(fit.W.shape[0], f"The number of word vectors in fits[{d!r}]",
                             X.shape[0], "the number of words in X")
    return {d: window_kl(X, windows, lambda w, fit=fit: glove_logits(fit, w))
            for d, fit in fits.items()}


@dataclass(frozen=True)
class Operators:
    """One corpus's operators, built once: counts X, log(1 + X), PPMI, PMI and a GloVe fit.

    X, log1p and ppmi are (|V|, |V|) CSR; pmi is dense (|V|, |V|) with -inf where X = 0;
    fit is a `glove.GloVe` on the same vocabulary. Introduced in 03_projection.
    """

    vocab: object
    X: sp.csr_matrix
    log1p: sp.csr_matrix
    ppmi: sp.csr_matrix
    pmi: np.ndarray
    fit: object

    def __repr__(self):
        return (f"Operators(|V| = {len(self.vocab)}, X with {self.X.nnz:,} nonzero counts, "
                f"log(1 + X), PPMI, PMI, GloVe d = {self.fit.W.shape[1]})")


def operators(counted, fit):
    """The `Operators` of a counted corpus (`data.lee()` or `data.toy()`) and a GloVe fit on it."""
    from .data import CountedCorpus
    from .glove import GloVe

    validate.instance(counted, "counted", CountedCorpus, "Use data.lee() or data.toy().")
    validate.instance(fit, "fit", GloVe, "Use data.lee_glove() or glove.train(X).")
    X = sp.csr_matrix(counted.X)

    if fit.W.shape[0] != X.shape[0]:
        raise ValueError(f"fit has {fit.W.shape[0]} word vectors but the counts have "
                         f"{X.shape[0]} words: train GloVe on the same vocabulary.")
    return Operators(counted.vocab, X, X.log1p(), cooccurrence.ppmi(X), cooccurrence.pmi(X), fit)


def sample_sentences(docs, length, count, seed=0):
    """`count` windows of `length` consecutive ids from `docs`: an int64 (count, length) array.

    Each window lies inside one document (documents shorter than `length` are skipped); the
    draw is seeded. Real "sentences" for averaging over a corpus. Introduced in 03_projection.
    """
    whole_number(length, "length")
    whole_number(count, "count")
    whole_number(seed, "seed", minimum=0)
    docs = id_documents(docs, "docs")
    starts = np.array([len(d) - length + 1 for d in docs])  # windows per document
    if (starts <= 0).all():
        raise ValueError(f"No document has {length} tokens: ask for shorter windows.")
    weights = np.clip(starts, 0, None) / np.clip(starts, 0, None).sum()
    rng = np.random.default_rng(seed)
    which = rng.choice(len(docs), size=count, p=weights)
    offsets = (rng.random(count) * starts[which]).astype(np.int64)
    return np.stack([docs[k][o:o + length] for k, o in zip(which, offsets, strict=True)])
