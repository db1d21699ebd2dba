"""GloVe from scratch: the weighting f, the loss J and AdaGrad training over nonzero counts.

Introduced in 02_glove. The model is w_i·w̃_j + b_i + b̃_j ≈ log X_ij, fitted by minimising
J = Σ_{X_ij > 0} f(X_ij) (w_i·w̃_j + b_i + b̃_j − log X_ij)².

The update rule is the one of GloVe's reference program (Pennington et al. 2014, glove.c),
so its printed cost can be compared with ours: each step scales the gradient by the learning
rate η *before* it enters the AdaGrad accumulator (which starts at 1), and the biases take the
same step f·(error)·η. Textbook AdaGrad (accumulating the raw gradient) converges more slowly
with the same settings, so we follow the reference.

How `train` is made fast without changing that rule:
- f(X_ij) and log X_ij are computed once, not every epoch;
- parameters and squared-gradient sums are stored in float32 (the reference uses double);
  the dot product w·w̃, the error and the cost are accumulated in float64;
- each word's row holds [w, b, 1] and each context's row [w̃, 1, b̃], padded to a multiple of
  8 lanes, so one dot product gives w·w̃ + b + b̃ and one vectorised pass updates vector and
  biases together (a mask keeps the constant 1s fixed);
- the schedule is stratified SGD (Gemulla et al. 2011, "Large-scale matrix factorization with
  distributed stochastic gradient descent"): words and contexts are each split into B blocks,
  the pairs into B × B cells, and an epoch visits B strata of B cells that share no word and
  no context. The cells of one stratum run in parallel; inside a cell the pairs run one after
  the other in a seeded random order. The vectors therefore depend on the arguments (seed and
  `blocks` included) and never on the number of threads or their timing: one thread and two
  give bit-identical fits. All arithmetic is IEEE (no fastmath), so they do not depend on
  memory alignment either.
"""

import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from llvmlite import ir
from numba import njit, types
from numba.core import cgutils
from numba.extending import intrinsic
from scipy.sparse.linalg import svds

from . import cooccurrence, validate
from .validate import number, positive, real_array, whole_number

LANES = 8  # storage rows are padded to a multiple of this many float32 lanes
PARALLEL_MIN_PAIRS = 20_000  # below this, threads cost more than they save


def weighting(x, x_max=100.0, alpha=0.75):
    """f(x) = (x / x_max)^alpha, capped at 1; same shape as `x`. Introduced in 02_glove.

    `x` holds finite counts >= 0; x_max > 0 and alpha >= 0 are finite numbers.
    """
    x_max, alpha = positive(x_max, "x_max"), number(alpha, "alpha", minimum=0)
    x = real_array(x, "x")
    if (x < 0).any():
        raise ValueError(f"x must hold counts >= 0, got {x.min():g}.")
    return np.minimum((x / x_max) ** alpha, 1.0)


def loss(X, W, W_context, b, b_context, x_max=100.0, alpha=0.75):
    """J = Σ over nonzero X_ij of f(X_ij) (w_i·w̃_j + b_i + b̃_j − log X_ij)²  (a float).

    X (|V|, |V|) sparse or dense counts, W and W_context (|V|, d), b and b_context (|V|,).
    """
    i, j, x = _nonzero(X)
    V = np.shape(X)[0]
    W, W_context = (real_array(
M, name, 2, shape="(|V|, d)")
                    for M, name in ((W, "W"), (W_context, "W_context")))
    b, b_context = (real_array(v, name, 1, shape="(|V|,)")
                    for v, name in ((b, "b"), (b_context, "b_context")))
    for name, size in (("W", len(W)), ("W_context", len(W_context)), ("b", len(b)),
                       ("b_context", len(b_context))):
        validate.sizes_agree(size, f"The number of rows of {name}", V, "the size |V| of X")
    validate.sizes_agree(W_context.shape[1], "The width of W_context", W.shape[1],
                         "the width d of W")
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
          progress=None, reshuffle=True, blocks=8, threads=None):
    """Fit GloVe to counts X by AdaGrad over the nonzero entries, one epoch at a time.

    X is a (|V|, |V|) sparse or dense non-negative matrix (need not be symmetric). Seeded and
    reproducible: the same arguments give bit-identical vectors, whatever `threads` is (the
    number of threads, by default one per available core). `blocks` (B) sets the stratified
    schedule described in the module docstring; the fit depends on it (B is capped at |V|).
    `progress(epoch, cost)` is called after each epoch when given. `reshuffle=True` draws a
    fresh random order (of strata, and of pairs inside each cell) every epoch;
    `reshuffle=False` draws it once and reuses it, as the reference program does (its
    `shuffle` tool writes the shuffled file once). Returns a `GloVe`. Introduced in 02_glove.
    """
    whole_number(dim, "dim")
    whole_number(epochs, "epochs")
    whole_number(blocks, "blocks")
    threads = _threads(threads)
    learning_rate = positive(learning_rate, "learning_rate")
    whole_number(seed, "seed", minimum=0)
    reshuffle = validate.flag(reshuffle, "reshuffle")
    if progress is not None and not callable(progress):
        raise TypeError(f"progress must be a function (epoch, cost) or None, got "
                        f"{validate.describe(progress)}.")
    i, j, x = _nonzero(X)
    if x.size == 0:
        raise ValueError("X has no nonzero entries: count co-occurrences first.")
    V, B = X.shape[0], min(blocks, X.shape[0])
    by_cell, starts = _cells(i, j, V, B)
    i, j, x = i[by_cell], j[by_cell], x[by_cell]
    rows, cols = i.astype(np.int32), (j + V).astype(np.int32)
    weight, log_x = weighting(x, x_max, alpha), np.log(x)
    rng = np.random.default_rng(seed)
    state, mask = _initial_state(rng, V, dim)
    # In epoch e, stratum s pairs row block r with column block (r + shifts[e, s]) mod B;
    # keys[e, k] seeds the shuffle of cell k. Drawn epoch by epoch (once if not reshuffle).
    draws = [(rng.permutation(B), rng.integers(0, 2**64, size=B * B, dtype=np.uint64))
             for _ in range(epochs if reshuffle else 1)]
    shifts = np.stack([shift for shift, _ in draws])  # (draws, B)
    keys = np.stack([key for _, key in draws])  # (draws, B²)
    if not reshuffle:
        shifts, keys = np.repeat(shifts, epochs, axis=0), np.repeat(keys, epochs, axis=0)
    shuffle = np.arange(epochs) < len(draws)  # (epochs,): shuffle the cells in this epoch?
    order = np.arange(x.size, dtype=np.int32)  # visiting order, shuffled inside each cell
    costs = np.empty(epochs)
    one_call = progress is None  # else one call per epoch, to report each cost
    chunks = [slice(0, epochs)] if one_call else [slice(e, e + 1) for e in range(epochs)]
    threads = min(threads, B)  # a stratum has B cells to share out
    pool = ThreadPoolExecutor(threads) if threads > 1 and x.size >= PARALLEL_MIN_PAIRS else None
    try:
        for chunk in chunks:
            args = (state, mask, rows, cols, log_x, weight, order, starts, shifts[chunk],
                    keys[chunk], shuffle[chunk], learning_rate, costs[chunk])
            _epochs(*args) if pool is None else _epochs_threaded(pool, threads, *args)
            if progress is not None:
                progress(chunk.start, costs[chunk.start] / x.size)
    finally:
        if pool is not None:
            pool.shutdown()
    costs /= x.size
    return GloVe(state[:V, 0, :dim].astype(float), state[V:, 0, :dim].astype(float),
                 state[:V, 0, dim].astype(float), state[V:, 0, dim + 1].astype(float), costs)


def initial_parameters(vocab_size, dim=50, seed=0) -> GloVe:
    """The parameters `train(X, dim, seed=seed)` starts from, for X of shape (vocab_size, ·).

    Uniform in (−0.5/d, 0.5/d) as in the reference program, rounded to float32 as `train`
    stores them; `costs` is empty. Lets a learner replay the first update by hand (02b).
    """
    V, dim = whole_number(vocab_size, "vocab_size"), whole_number(dim, "dim")
    whole_number(seed, "seed", minimum=0)
    state, _ = _initial_state(np.random.default_rng(seed), V, dim)
    return GloVe(state[:V, 0, :dim].astype(float), state[V:, 0, :dim].astype(float),
                 state[:V, 0, dim].astype(float), state[V:, 0, dim + 1].astype(float),
                 np.empty(0))


def _threads(threads):
    """The thread count to use: `threads`, or one per core this process may run on if None."""
    if threads is None:
        return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else \
            os.cpu_count() or 1
    return whole_number(threads, "threads")


def _blocks(counts, B):
    """Block id (0..B-1) of each of |V| words: dealt in order of decreasing `counts` (|V|,),
    so that every block gets a similar number of pairs."""
    block = np.empty(counts.size, dtype=np.int64)
    block[np.argsort(-counts, kind="stable")] = np.arange(counts.size) % B
    return block


def _cells(i, j, V, B):
    """Pairs grouped by cell (row block, column block): returns (order (nnz,), starts (B²+1,)).

    Cell r·B + c holds the pairs order[starts[r·B + c]:starts[r·B + c + 1]].
    """
    cell = (_blocks(np.bincount(i, minlength=V), B) * B)[i] + \
        _blocks(np.bincount(j, minlength=V), B)[j]
    order = np.argsort(cell, kind="stable")
    return order, np.searchsorted(cell[order], np.arange(B * B + 1))


def _initial_state(rng, V, dim):
    """Parameters and squared-gradient sums, (2|V|, 2, width) float32, and the update mask.

    Rows 0..|V|-1 are words [w, b, 1, 0…], rows |V|.. contexts [w̃, 1, b̃, 0…]; [:, 1] are the
    AdaGrad sums, starting at 1. The values are the reference program's: uniform in
    (−0.5/d, 0.5/d). mask (2, width) is 1 where words (row 0) and contexts (row 1) learn.
    """
    width = -(-(dim + 2) // LANES) * LANES
    start = (rng.random((2 * V, dim + 1)) - 0.5) / dim  # (2|V|, d + 1): vectors and biases
    state = np.zeros((2 * V, 2, width), dtype=np.float32)
    state[:, 1] = 1.0
    state[:, 0, :dim] = start[:, :dim]
    state[:V, 0, dim], state[:V, 0, dim + 1] = start[:V, dim], 1.0
    state[V:, 0, dim], state[V:, 0, dim + 1] = 1.0, start[V:, dim]
    mask = np.zeros((2, width), dtype=np.float32)
    mask[:, :dim] = 1.0
    mask[0, dim] = mask[1, dim + 1] = 1.0
    return state, mask


@njit(cache=True, error_model="numpy", nogil=True)
def _update(state, mask, w, c, log_x, weight, eta):
    """The reference AdaGrad step for word row w and context row c; returns ½·f·error².

    One pass over the two rows: the gradients use the old values of both, then each
    parameter moves by −g/√G and G grows by g². error_model="numpy" only drops Python's
    zero-division check (G ≥ 1), so the loop vectorises.
    """
    p_w, g_w, p_c, g_c = state[w, 0], state[w, 1], state[c, 0], state[c, 1]
    a0 = a1 = a2 = a3 = a4 = a5 = a6 = a7 = 0.0
    for k in range(0, p_w.shape[0], LANES):  # w·w̃ + b + b̃ in eight float64 sums
        a0 += np.float64(p_w[k]) * p_c[k]
        a1 += np.float64(p_w[k + 1]) * p_c[k + 1]
        a2 += np.float64(p_w[k + 2]) * p_c[k + 2]
        a3 += np.float64(p_w[k + 3]) * p_c[k + 3]
        a4 += np.float64(p_w[k + 4]) * p_c[k + 4]
        a5 += np.float64(p_w[k + 5]) * p_c[k + 5]
        a6 += np.float64(p_w[k + 6]) * p_c[k + 6]
        a7 += np.float64(p_w[k + 7]) * p_c[k + 7]
    error = ((a0 + a1) + (a2 + a3)) + ((a4 + a5) + (a6 + a7)) - log_x
    step = np.float32(eta * weight * error)
    for k in range(p_w.shape[0]):
        d_w = step * p_c[k] * mask[0, k]
        d_c = step * p_w[k] * mask[1, k]
        p_w[k] -= d_w / np.sqrt(g_w[k])
        p_c[k] -= d_c / np.sqrt(g_c[k])
        g_w[k] += d_w * d_w
        g_c[k] += d_c * d_c
    return 0.5 * weight * error * error


@njit(cache=True, error_model="numpy", nogil=True)
def _cell(state, mask, rows, cols, log_x, weight, order, start, stop, key, shuffle, eta):
    """Shuffle (when asked) and visit the pairs order[start:stop] in turn; returns their cost.

    The shuffle is Fisher–Yates driven by splitmix64 from `key`, so it depends on the key only.
    """
    if shuffle:
        for n in range(stop - 1, start, -1):
            key += np.uint64(0x9E3779B97F4A7C15)
            z = (key ^ (key >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
            z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
            z = (z ^ (z >> np.uint64(31))) >> np.uint64(32)
            pick = start + np.int64((z * np.uint64(n - start + 1)) >> np.uint64(32))
            order[n], order[pick] = order[pick], order[n]
    cost = 0.0
    for n in range(start, stop):
        if n + 2 < stop:  # start loading the rows of the pair after next
            _fetch_rows(state, rows[order[n + 2]], cols[order[n + 2]])
        e = order[n]
        cost += _update(state, mask, rows[e], cols[e], log_x[e], weight[e], eta)
    return cost


@njit(inline="always")
def _fetch_rows(state, w, c):
    """Ask the CPU to start loading rows w and c of state: a hint that never changes results."""
    for k in range(0, state.shape[2], 16):  # 16 float32 = one 64-byte cache line
        _prefetch(state, w, 0, k)
        _prefetch(state, w, 1, k)
        _prefetch(state, c, 0, k)
        _prefetch(state, c, 1, k)


@intrinsic
def _prefetch(typingctx, array, i, j, k):
    """LLVM's prefetch hint for the cache line holding array[i, j, k] (numba has none)."""
    def codegen(context, builder, signature, args):
        ary = context.make_array(signature.args[0])(context, builder, args[0])
        index = [context.cast(builder, v, t, types.intp)
                 for v, t in zip(args[1:], signature.args[1:], strict=True)]
        ptr = cgutils.get_item_pointer(context, builder, signature.args[0], ary, index)
        byte_ptr = ir.IntType(8).as_pointer()
        hint = ir.FunctionType(ir.VoidType(), [byte_ptr] + [ir.IntType(32)] * 3)
        fn = cgutils.get_or_insert_function(builder.module, hint, "llvm.prefetch.p0i8")
        flags = [ir.Constant(ir.IntType(32), v) for v in (1, 3, 1)]  # for writing, keep, data
        builder.call(fn, [builder.bitcast(ptr, byte_ptr)] + flags)
        return context.get_dummy_value()
    return types.void(array, i, j, k), codegen


@njit(cache=True)
def _total(values):
    """The sum of `values` from first to last, in one fixed order."""
    total = 0.0
    for value in values:
        total += value
    return total


@njit(cache=True, error_model="numpy")
def _epochs(state, mask, rows, cols, log_x, weight, order, starts, shifts, keys, shuffle, eta,
            costs):
    """Epochs with strata shifts (E, B), shuffle keys (E, B²) and flags (E,); costs (E,) gets
    each epoch's summed cost. Stratum after stratum, cell after cell."""
    B = shifts.shape[1]
    cell_costs = np.zeros(B * B)
    for epoch in range(shifts.shape[0]):
        for s in range(B):
            for r in range(B):
                k = r * B + (r + shifts[epoch, s]) % B
                cell_costs[k] = _cell(state, mask, rows, cols, log_x, weight, order, starts[k],
                                      starts[k + 1], keys[epoch, k], shuffle[epoch], eta)
        costs[epoch] = _total(cell_costs)


def _epochs_threaded(pool, threads, state, mask, rows, cols, log_x, weight, order, starts,
                     shifts, keys, shuffle, eta, costs):
    """`_epochs` with the B cells of each stratum split over `threads` threads of `pool`.

    Cells of one stratum share no word and no context, so the result does not depend on which
    thread runs which cell or when. Python threads (the compiled loop releases the GIL) rather
    than numba's parallel loops: those spin while waiting and slow down on a busy machine.
    """
    B = shifts.shape[1]
    cell_costs = np.zeros(B * B)
    blocks = np.arange(B)
    for epoch in range(shifts.shape[0]):
        for s in range(B):
            cells = blocks * B + (blocks + shifts[epoch, s]) % B  # (B,) this stratum
            done = [pool.submit(_run_cells, state, mask, rows, cols, log_x, weight, order,
                                starts, part, keys[epoch], shuffle[epoch], eta, cell_costs)
                    for part in np.array_split(cells, threads)]
            for future in done:
                future.result()
        costs[epoch] = _total(cell_costs)


@njit(cache=True, error_model="numpy", nogil=True)
def _run_cells(state, mask, rows, cols, log_x, weight, order, starts, cells, keys, shuffle, eta,
               cell_costs):
    """The given cells one after the other (keys (B²,) of this epoch); cell_costs[k] = cost."""
    for k in cells:
        cell_costs[k] = _cell(state, mask, rows, cols, log_x, weight, order, starts[k],
                              starts[k + 1], keys[k], shuffle, eta)


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
    power = number(power, "power", minimum=0)
    try:
        U, sigma, _ = svds(P, k=dim, random_state=0, solver="propack")
    except np.linalg.LinAlgError:
        raise ValueError(f"PPMI(X) has fewer than dim={dim} independent directions: lower dim "
                         "or count a longer text.") from None
    order = np.argsort(-sigma, kind="stable")  # svds returns ascending singular values
    U, sigma = U[:, order], sigma[order]
    signs = np.sign(U[np.abs(U).argmax(axis=0), np.arange(dim)])
    return U * signs * sigma**power


def _nonzero(X):
    """Row ids, column ids and values of the nonzero entries of X, each (nnz,).

    X is checked once, vectorised over its stored values (validate.counts): square, finite,
    non-negative.
    """
    coo = sp.coo_matrix(validate.counts(X, "X"))

    keep = coo.data > 0
    if np.any(coo.data < 0):
        raise ValueError("Counts must be non-negative.")
    return coo.row[keep].astype(np.int64), coo.col[keep].astype(np.int64), coo.data[keep]
