"""Directional operators and the bilinear forms W_q W_kᵀ that factor them.

Introduced in 04_qkv. Right-only counts X^R make the operator S directional (S ≠ Sᵀ). Every
square S splits into an undirected part S_sym = (S + Sᵀ)/2 and a directed part
S_skew = (S − Sᵀ)/2, orthogonal in the Frobenius inner product, so their energy fractions sum
to 1. Factored in vocabulary space, S ≈ U_Q U_Kᵀ with per-word query and key vectors U_Q, U_K
(|V|, k), the truncated SVD is best (Eckart–Young); through token vectors this is the bilinear form
B = W_Q W_Kᵀ. A single shared map (U_Q = U_K) can only give positive semidefinite forms,
which miss every antisymmetric part and every negative eigenvalue.
"""

import sys
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from . import cache, cooccurrence, validate
from .validate import real_array, whole_number

OPERATORS = ("ppmi", "pmi0", "log1p")


def directional_operator(X, kind="ppmi"):
    """A finite operator S (|V|, |V|) from (possibly directional) counts X; S ≠ Sᵀ when X is.

    kind "ppmi": max(PMI, 0), so unseen pairs (PMI = −inf) and negative associations become 0;
    "pmi0": PMI with −inf replaced by 0 (unseen pairs read as independent), negative values kept;
    "log1p": log(1 + X). Introduced in 04_qkv.
    """
    if kind not in OPERATORS:
        raise ValueError(f"kind must be one of {OPERATORS}, got {kind!r}.")
    if kind == "log1p":
        X = cooccurrence._check_counts(X)
        return np.log1p(X.toarray() if sp.issparse(X) else X)
    P = cooccurrence.pmi(X)
    return np.where(P > 0, P, 0.0) if kind == "ppmi" else np.where(np.isfinite(P), P, 0.0)


def sym_skew(S):
    """(S_sym, S_skew) = ((S + Sᵀ)/2, (S − Sᵀ)/2), each the shape of the square S.

    S = S_sym + S_skew; S_skew is antisymmetric. Introduced in 04_qkv.
    """
    S = _square(S, "S")
    return (S + S.T) / 2, (S - S.T) / 2


def energy_fractions(S):
    """(sym, skew): shares of ‖S‖_F² in S_sym and in S_skew; they sum to 1.

    The two parts are orthogonal (trace(S_symᵀ S_skew) = 0), so ‖S‖² = ‖S_sym‖² + ‖S_skew‖².
    Introduced in 04_qkv.
    """
    S = _square(S, "S")
    S_sym, S_skew = sym_skew(S)
    total = float(np.sum(S * S))
    if total == 0:
        raise ValueError("S is all zeros: there is no energy to split.")
    return float(np.sum(S_sym**2)) / total, float(np.sum(S_skew**2)) / total


def top_directional_pairs(S, k=10, allowed=None):
    """The k ordered pairs (u, w) with the largest S_skew[u, w] = (S[u, w] − S[w, u]) / 2.

    Returns an int array (k, 2); each unordered pair appears once, in its dominant order.
    `allowed` (boolean (|V|,), optional) keeps only pairs of allowed words. Introduced in 04_qkv.
    """
    _, S_skew = sym_skew(S)
    k = whole_number(k, "k")
    if allowed is not None:
        if np.shape(allowed) != (S_skew.shape[0],) or np.asarray(allowed).dtype != bool:
            raise ValueError(f"allowed must be a boolean array of shape ({S_skew.shape[0]},), "
                             f"got {np.asarray(allowed).dtype} of shape {np.shape(allowed)}.")
        allowed = np.asarray(allowed, dtype=bool)
        S_skew = np.where(np.outer(allowed, allowed), S_skew, 0.0)
    flat = np.argsort(-S_skew, axis=None, kind="stable")[:k]
    return np.column_stack(np.unravel_index(flat, S_skew.shape))


def random_logits(dims, n_queries=400, n_keys=16, seed=0):
    """Raw logits q·k of standard-normal queries and keys: {d_k: (n_queries, n_keys)}.

    For each width d_k in `dims` (a non-empty list of whole numbers >= 1), q and k have
    independent N(0, 1) entries, so Var(q·k) = d_k. A width listed twice gives one entry (the
    later draw). Seeded. Introduced in 04_qkv.
    """
    if isinstance(dims, (str, bytes, dict)) or not hasattr(dims, "__iter__"):
        raise TypeError(f"dims must be a list of widths d_k (whole numbers >= 1), got "
                        f"{validate.describe(dims)}.")
    dims = [whole_number(d_k, f"dims[{i}]") for i, d_k in enumerate(dims)]
    if not dims:
        raise ValueError("dims is empty: give at least one width d_k.")
    n_queries, n_keys = whole_number(n_queries, "n_queries"), whole_number(n_keys, "n_keys")
    whole_number(seed, "seed", minimum=0)
    rng = np.random.default_rng(seed)
    return {int(d_k): rng.standard_normal((n_queries, d_k)) @ rng.standard_normal((n_keys, d_k)).T
            for d_k in dims}


def row_entropy(A):
    """Entropy in nats of each row of a row-stochastic A (n, m) -> (n,); 0 log 0 counts 0.

    log m for a uniform row, 0 for a one-hot row. Introduced in 04_qkv.
    """
    A = real_array(A, "A", shape="(n, m)")
    if (A < 0).any():
        raise ValueError("A must hold probabilities (>= 0), got a negative entry.")
    with np.errstate(divide="ignore", invalid="ignore"):
        return -np.sum(np.where(A > 0, A * np.log(A), 0.0), axis=-1)


@dataclass(frozen=True)
class SVD:
    """A full SVD S = U diag(s) Vt, s descending. Introduced in 04_qkv."""

    U: np.ndarray
    s: np.ndarray
    Vt: np.ndarray

    @classmethod
    def of(cls, S):
        """The SVD of a 2-D array S."""
        U, s, Vt = np.linalg.svd(real_array(S, "S", 2, shape="(rows, cols)"), full_matrices=False)
        return cls(U, s, Vt)

    def factors(self, k):
        """(U_q, U_k), each (rows, k): singular vectors scaled by Σ_k^½; U_q U_kᵀ is the best
        rank-k fit."""
        k = _check_rank(k, len(self.s), "k (d_k)")
        root = np.sqrt(self.s[:k])
        return self.U[:, :k] * root, self.Vt[:k].T * root

    def errors(self):
        """Relative errors ‖S − S_k‖_F / ‖S‖_F for k = 0..r, shape (r + 1,) (Eckart–Young)."""
        return np.sqrt(_tail(self.s) / _energy(self.s))


def low_rank_factors(S, k):
    """(U_q, U_k), each (|V|, k): query and key vectors with U_q U_kᵀ the best rank-k fit of S.

    With the SVD S = U Σ Vᵀ: U_q = U[:, :k] Σ_k^½ and U_k = V[:, :k] Σ_k^½ (the notation's
    U_Q, U_K). Introduced in 04_qkv.
    """
    return SVD.of(_square(S, "S")).factors(k)


def low_rank_errors(S):
    """Relative error of the best rank-k approximation of S for k = 0..|V|, shape (|V| + 1,).

    ‖S − S_k‖_F² = Σ_{i>k} σ_i² (Eckart–Young). Introduced in 04_qkv.
    """
    s = np.linalg.svd(_square(S, "S"), compute_uv=False)
    return np.sqrt(_tail(s) / _energy(s))


def psd_factor(S, k):
    """W (|V|, k) with W Wᵀ the best positive semidefinite form of rank ≤ k near S.

    A shared map U_Q = U_K = W gives W Wᵀ, symmetric and PSD. The Frobenius-nearest such form
    keeps the k largest positive eigenvalues of S_sym (S_skew is orthogonal to every symmetric
    matrix, so it is lost whole); columns for missing positive eigenvalues are zero.
    Introduced in 04_qkv.
    """
    return Spectra.of(S, svd=False).shared_factor(k)


def psd_errors(S):
    """Relative error of the best PSD form of rank ≤ k for k = 0..|V|, shape (|V| + 1,).

    ‖S − W Wᵀ‖² = ‖S_skew‖² + Σ_{λ<0} λ² + Σ of the positive λ² beyond the k largest.
    Introduced in 04_qkv.
    """
    S = _square(S, "S")
    return _psd_error_curve(np.linalg.eigvalsh(sym_skew(S)[0]), float(np.sum(S * S)))


def eigen_split_factors(S):
    """(U_q, U_k), each (|V|, r), with U_q U_kᵀ = S exactly for a symmetric S of rank r.

    S = V diag(λ) Vᵀ gives U_q = V |λ|^½ and U_k = U_q diag(sign λ): two different maps are
    needed as soon as S has a negative eigenvalue. Introduced in 04_qkv.
    """
    S = _square(S, "S")
    if not np.allclose(S, S.T):
        raise ValueError("eigen_split_factors needs a symmetric S; pass sym_skew(S)[0].")
    return Spectra.of(S, svd=False).eigen_split()


@dataclass(frozen=True)
class Spectra:
    """Both decompositions of an operator S, computed once: everything the rank views need.

    svd: the SVD of S (None when not asked for); lam, vecs: eigenvalues of S_sym in descending
    order and their eigenvectors (|V|, |V|); norm2 = ‖S‖_F². Introduced in 04_qkv.
    """

    svd: SVD | None
    lam: np.ndarray
    vecs: np.ndarray
    norm2: float

    @classmethod
    def of(cls, S, svd=True):
        """Decompose S (|V|, |V|); `svd=False` skips the SVD (the shared-map views need none)."""
        S = _square(S, "S")
        svd = validate.flag(svd, "svd")
        lam, vecs = np.linalg.eigh(sym_skew(S)[0])
        return cls(SVD.of(S) if svd else None, lam[::-1], vecs[:, ::-1], float(np.sum(S * S)))

    @classmethod
    def of_cached(cls, S):
        """`of(S)`, kept in the course cache (`helpers.cache`), keyed by S's content and this
        module's code: a full SVD and eigendecomposition of a Lee-sized S take seconds, reading
        them back a fraction of one."""
        S = _square(S, "S")

        def compute():
            spectra = cls.of(S)
            return {"U": spectra.svd.U, "s": spectra.svd.s, "Vt": spectra.svd.Vt,
                    "lam": spectra.lam, "vecs": spectra.vecs, "norm2": spectra.norm2}

        a = cache.cached("spectra", {"S": cache.fingerprint(S)}, compute,
                         producers=(sys.modules[__name__],))
        return cls(SVD(a["U"], a["s"], a["Vt"]), a["lam"], a["vecs"], float(a["norm2"]))

    def errors(self):
        """Two maps: relative Eckart–Young errors for d_k = 0..|V|, shape (|V| + 1,)."""
        return self.svd.errors()

    def shared_errors(self):
        """One shared map: relative errors of the best PSD form for d_k = 0..|V|."""
        return _psd_error_curve(self.lam, self.norm2)

    def factors(self, k):
        """(U_q, U_k), each (|V|, k): the best rank-k fit U_q U_kᵀ of S."""
        return self.svd.factors(k)

    def shared_factor(self, k):
        """W (|V|, k): W Wᵀ is the best PSD form of rank ≤ k."""
        return _psd_columns(self.lam, self.vecs, _check_rank(k, len(self.lam), "k (d_k)"))

    def eigen_split(self):
        """(U_q, U_k) with U_q U_kᵀ = S_sym exactly and U_k = U_q diag(sign λ)."""
        keep = np.abs(self.lam) > 1e-10 * max(1.0, np.abs(self.lam).max())
        U_q = self.vecs[:, keep] * np.sqrt(np.abs(self.lam[keep]))
        return U_q, U_q * np.sign(self.lam[keep])


@dataclass(frozen=True)
class EmbeddingFit:
    """Best bilinear forms B (d, d) with S ≈ W_emb B W_embᵀ, of every rank, through fixed W_emb.

    With W_emb = U_e R (thin QR) and C = U_eᵀ S U_e (d, d): ‖S − W_emb B W_embᵀ‖² =
    ‖S‖² − ‖C‖² + ‖C − R B Rᵀ‖², so the best rank-k B is R⁻¹ C_k R⁻ᵀ with C_k the truncated
    SVD of C; the best PSD B uses the positive eigenvalues of C_sym (C_sym_eig: descending
    eigenvalues and their eigenvectors). Build with `fit`.
    Introduced in 04_qkv.
    """

    R: np.ndarray
    C: np.ndarray
    C_svd: SVD
    C_sym_eig: tuple
    norm2: float

    @classmethod
    def fit(cls, S, W_emb):
        """Precompute everything for S (|V|, |V|) and embeddings W_emb (|V|, d), d <= |V|."""
        S = _square(S, "S")
        W_emb = real_array(W_emb, "W_emb", 2, shape="(|V|, d)")
        if W_emb.ndim != 2 or W_emb.shape[0] != S.shape[0]:
            raise ValueError(f"W_emb must be ({S.shape[0]}, d), got shape {W_emb.shape}.")
        U_e, R = np.linalg.qr(W_emb)
        if np.abs(np.diag(R)).min() < 1e-10 * np.abs(np.diag(R)).max():
            raise ValueError("W_emb has dependent columns: use embeddings of full column rank.")
        C = U_e.T @ S @ U_e  # (d, d)
        norm2 = float(np.sum(S * S))
        lam, vecs = np.linalg.eigh((C + C.T) / 2)
        return cls(R, C, SVD.of(C), (lam[::-1], vecs[:, ::-1]), norm2)

    @property
    def d(self):
        """The embedding width d (the largest useful d_k)."""
        return self.R.shape[0]

    def maps(self, d_k):
        """(W_q, W_k), each (d, d_k): the best rank-d_k form is B = W_q W_kᵀ."""
        P_q, P_k = self.C_svd.factors(_check_rank(d_k, self.d, "d_k"))
        return np.linalg.solve(self.R, P_q), np.linalg.solve(self.R, P_k)

    def B(self, d_k=None):
        """The best B (d, d) of rank <= d_k (default: unrestricted, d_k = d)."""
        W_q, W_k = self.maps(self.d if d_k is None else d_k)
        return W_q @ W_k.T

    def B_shared(self, d_k=None):
        """The best B = W Wᵀ (PSD, rank <= d_k): what one shared map W_q = W_k can do."""
        k = _check_rank(self.d if d_k is None else d_k, self.d)
        W = np.linalg.solve(self.R, _psd_columns(*self.C_sym_eig, k))  # (d, k)
        return W @ W.T

    @property
    def outside2(self):
        """‖S‖² − ‖C‖²: the part of S no form through W_emb can reach, whatever d_k."""
        return self.norm2 - float(np.sum(self.C**2))

    def errors(self):
        """Relative errors ‖S − W_emb B_k W_embᵀ‖ / ‖S‖ for d_k = 0..d, shape (d + 1,)."""
        return np.sqrt((self.outside2 + _tail(self.C_svd.s)) / self.norm2)

    def shared_errors(self):
        """Relative errors of the best shared-map (PSD) B for d_k = 0..d, shape (d + 1,)."""
        total2 = float(np.sum(self.C**2))
        inside = _psd_error_curve(self.C_sym_eig[0], total2) ** 2 * total2
        return np.sqrt((self.outside2 + inside) / self.norm2)


def _tail(s):
    """Σ_{i>k} s_i² for k = 0..len(s), shape (len(s) + 1,)."""
    return np.concatenate([np.cumsum((s**2)[::-1])[::-1], [0.0]])


def _psd_columns(lam, vecs, k):
    """V_k |λ_k|^½ over the k largest eigenpairs (descending), zero where λ <= 0: (rows, k)."""
    return vecs[:, :k] * np.sqrt(np.maximum(lam[:k], 0.0))


def _psd_error_curve(lam, total2):
    """Relative errors of the best PSD rank-k fit, k = 0..len(lam), from S_sym's eigenvalues.

    total2 = ‖S‖²; the fit keeps the k largest positive λ, removing λ² from the error each.
    """
    positive = np.maximum(np.sort(lam)[::-1], 0.0) ** 2
    kept = np.concatenate([[0.0], np.cumsum(positive)])
    return np.sqrt(np.maximum(total2 - kept, 0.0) / _energy(np.sqrt([total2])))


def _energy(s):
    """Σ s² of singular values s; a ValueError for S = 0, whose relative errors are 0/0."""
    total = float(np.sum(np.square(s)))
    if total == 0:
        raise ValueError("S is all zeros: relative errors ‖S − S_k‖ / ‖S‖ are undefined.")
    return total


def _square(S, name):
    S = real_array(S.toarray() if sp.issparse(S) else S, name, 2, shape="square", finite=False)
    if S.ndim != 2 or S.shape[0] != S.shape[1]:
        raise ValueError(f"{name} must be a square matrix, got shape {S.shape}.")
    if not np.all(np.isfinite(S)):
        raise ValueError(
            f"{name} has inf or NaN entries (log of a zero count?): use a finite operator, "
            "e.g. directional_operator(X, 'ppmi')."
        )
    return S


def _check_rank(k, r, name="d_k"):
    if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or not 0 <= k <= r:
        raise ValueError(f"The rank {name} must be a whole number in 0..{r}, got {k!r}.")

    return int(k)
