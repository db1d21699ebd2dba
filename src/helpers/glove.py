"""GloVe from scratch: the weighting f, the loss J and AdaGrad training over nonzero counts.

Introduced in 02_glove. The model is w_i·w̃_j + b_i + b̃_j ≈ log X_ij, fitted by minimising
J = Σ_{X_ij > 0} f(X_ij) (w_i·w̃_j + b_i + b̃_j − log X_ij)².

The update rule is the one of GloVe's reference program (Pennington et al. 2014, glove.c),
so its printed cost can be compared with ours: each step scales the gradient by the learning
rate η *before* it enters the AdaGrad accumulator (which starts at 1), and the biases take the
same step f·(error)·η. Textbook AdaGrad (accumulating the raw gradient) converges more slowly
with the same settings, so we follow the reference.
"""

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from numba import njit
from scipy.sparse.linalg import svds

from . import cooccurrence
from .validate import whole_number


def weighting(x, x_max=100.0, alpha=0.75):
    """f(x) = (x / x_max)^alpha, capped at 1; same shape as `x`. Introduced in 02_glove."""
    if x_max <= 0 or alpha < 0:
        raise ValueError(f"Need x_max > 0 and alpha >= 0, got x_max={x_max}, alpha={alpha}.")
    x = np.asarray(x, dtype=float)
    return np.minimum((x / x_max) ** alpha, 1.0)


def loss(X, W, W_context, b, b_context, x_max=100.0, alpha=0.75):
    """J = Σ over nonzero X_ij of f(X_ij) (w_i·w̃_j + b_i + b̃_j − log X_ij)²  (a float).

    X (|V|, |V|) sparse or dense counts, W and W_context (|V|, d), b and b_context (|V|,).
    """
    i, j, x = _nonzero(X)
    error = np.einsum("nd,nd->n", W[i], W_context[j]) + b[i] + b_context[j] - np.log(x)
    return float(np.sum(weighting(x, x_max, alpha) * error**2))


@dataclass(frozen=True)
class GloVe:
    """A trained GloVe model.

    W and W_context (|V|, d) word and context vectors, b and b_context (|V|,) biases, costs
    (epochs,) the reference program's cost per epoch: the mean over nonzero entries of
    ½·f·(error)², measured while the epoch runs.
    """

    W: np.ndarray
    W_context: np.ndarray
    b: np.ndarray
    b_context: np.ndarray
    costs: np.ndarray

    @property
    def vectors(self) -> np.ndarray:
        """W + W̃, the embedding GloVe reports (|V|, d)."""
        return self.W + self.W_context


def train(X, dim=50, x_max=100.0, alpha=0.75, learning_rate=0.05, epochs=50, seed=0,
          progress=None, reshuffle=True):
    """Fit GloVe to counts X by AdaGrad over the shuffled nonzero entries, one epoch at a time.

    X is a (|V|, |V|) sparse or dense non-negative matrix (need not be symmetric). Seeded and
    reproducible: the same arguments give the same vectors. `progress(epoch, cost)` is called
    after each epoch when given. `reshuffle=True` visits the entries in a fresh random order
    every epoch; `reshuffle=False` shuffles once and reuses that order, as the reference
    program does (its `shuffle` tool writes the shuffled file once). On the Lee counts the two
    end within the seed-to-seed spread of each other. Returns a `GloVe`. Introduced in 02_glove.
    """
    whole_number(dim, "dim")
    whole_number(epochs, "epochs")
    if learning_rate <= 0:
        raise ValueError(f"learning_rate must be positive, got {learning_rate}.")
    i, j, x = _nonzero(X)
    if x.size == 0:
        raise ValueError("X has no nonzero entries: count co-occurrences first.")
    weight = weighting(x, x_max, alpha)
    log_x = np.log(x)
    V = X.shape[0]
    rng = np.random.default_rng(seed)
    params = (rng.random((2 * V, dim + 1)) - 0.5) / dim  # rows 0..V-1 words, V.. contexts
    gradsq = np.ones_like(params)
    costs = np.empty(epochs)
    order = rng.permutation(x.size)
    for epoch in range(epochs):
        if reshuffle and epoch > 0:
            order = rng.permutation(x.size)
        costs[epoch] = _epoch(params, gradsq, i[order], j[order] + V, log_x[order],
                              weight[order], learning_rate) / x.size
        if progress is not None:
            progress(epoch, costs[epoch])
    return GloVe(params[:V, :dim], params[V:, :dim], params[:V, dim], params[V:, dim], costs)


@njit(cache=True)
def _epoch(params, gradsq, rows, cols, log_x, weight, eta):
    """One pass of the reference update over the given entries; returns the summed cost.

    Compiled without fastmath: reordered sums could then depend on memory alignment, and two
    processes would give fits that differ in the last bits.
    """
    dim = params.shape[1] - 1
    cost = 0.0
    for n in range(rows.shape[0]):
        w, c = rows[n], cols[n]
        error = params[w, dim] + params[c, dim] - log_x[n]
        for k in range(dim):
            error += params[w, k] * params[c, k]
        step = weight[n] * error
        cost += 0.5 * step * error
        step *= eta
        for k in range(dim):
            g_w = step * params[c, k]
            g_c = step * params[w, k]
            params[w, k] -= g_w / np.sqrt(gradsq[w, k])
            params[c, k] -= g_c / np.sqrt(gradsq[c, k])
            gradsq[w, k] += g_w * g_w
            gradsq[c, k] += g_c * g_c
        params[w, dim] -= step / np.sqrt(gradsq[w, dim])
        params[c, dim] -= step / np.sqrt(gradsq[c, dim])
        gradsq[w, dim] += step * step
        gradsq[c, dim] += step * step
    return cost


def ppmi_svd(X, dim=50, power=0.5, cds=1.0):
    """The count-based baseline: word vectors U_d Σ_d^power from a truncated SVD of PPMI(X).

    PPMI(X) ≈ U_d Σ_d V_dᵀ keeps the `dim` largest singular values. With power = ½ the
    factorisation splits evenly, PPMI ≈ (U Σ^½)(V Σ^½)ᵀ, the same "word vectors times context
    vectors" shape as GloVe's W W̃ᵀ; Levy, Goldberg and Dagan (2015) also found ½ (or 0) to
    beat the plain U Σ on similarity tasks. `cds` is passed to `cooccurrence.ppmi`. Signs are
    fixed (each column's largest entry positive), so the result is deterministic.
    Returns (|V|, dim). Introduced in 02_glove.
    """
    P = cooccurrence.ppmi(X, cds)  # (|V|, |V|) sparse
    if isinstance(dim, bool) or not isinstance(dim, (int, np.integer)) or not 1 <= dim < P.shape[0]:
        raise ValueError(f"dim must be a whole number in 1..{P.shape[0] - 1}, got {dim!r}.")
    if power < 0:
        raise ValueError(f"power must be >= 0 (0, 0.5 and 1 are usual), got {power}.")
    U, sigma, _ = svds(P, k=dim, random_state=0, solver="propack")
    order = np.argsort(-sigma, kind="stable")  # svds returns ascending singular values
    U, sigma = U[:, order], sigma[order]
    signs = np.sign(U[np.abs(U).argmax(axis=0), np.arange(dim)])
    return U * signs * sigma**power


def _nonzero(X):
    """Row ids, column ids and values of the nonzero entries of X, each (nnz,)."""
    if X.ndim != 2 or X.shape[0] != X.shape[1]:
        raise ValueError(f"X must be a square (|V|, |V|) count matrix, got shape {X.shape}.")
    coo = sp.coo_matrix(X)
    keep = coo.data > 0
    if np.any(coo.data < 0):
        raise ValueError("Counts must be non-negative.")
    return coo.row[keep].astype(np.int64), coo.col[keep].astype(np.int64), coo.data[keep]
