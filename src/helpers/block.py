"""The whole Transformer block, and the capstone: a causal attention layer trained on Lee.

Introduced in 07_transformer_block. The block adds to multi-head attention three pieces the
projection story does not derive: residual connections, layer normalisation and a position-wise
MLP. The capstone is one causal attention layer that predicts the next Lee word from fixed
GloVe word vectors W with hand-written gradients; its readout sees only what attention brings, so
where the layer attends decides what it can predict. Its learned bilinear form B = W_q W_kᵀ is
compared with the one read off the co-occurrence counts (04_qkv's embedding fit).
Row vectors throughout: tokens are rows.
"""

from dataclasses import dataclass

import numpy as np

from .attention import MultiHead, causal_mask, multi_head_stages, softmax
from .validate import (
    flag,
    id_array,
    id_documents,
    instance,
    number,
    real_array,
    sizes_agree,
    text,
    whole_number,
)

# --- the block -------------------------------------------------------------------------------


def layer_norm(X, gamma=None, beta=None, eps=1e-5):
    """Normalise each row of X (n, d) to mean 0 and variance 1, then scale by γ and shift by β.

    γ and β are (d,) (default 1 and 0); eps > 0. A constant row becomes β (its variance is 0).
    Introduced in 07_transformer_block.
    """
    X = real_array(X, "X", shape="(n, d)")
    if X.ndim < 1 or X.shape[-1] < 2:
        raise ValueError(f"layer_norm needs rows of X of at least 2 features, got shape {X.shape}.")
    eps = number(eps, "eps", above=0)
    scale_shift = []
    for name, v in (("gamma", gamma), ("beta", beta)):
        if v is not None:
            v = real_array(v, name, 1, shape="(d,)")
            sizes_agree(len(v), f"The length of {name}", X.shape[-1], "the width d of X")
        scale_shift.append(v)
    gamma, beta = scale_shift
    mean = X.mean(axis=-1, keepdims=True)
    var = X.var(axis=-1, keepdims=True)
    Y = (X - mean) / np.sqrt(var + eps)
    if gamma is not None:
        Y = Y * gamma
    if beta is not None:
        Y = Y + beta
    return Y


def gelu(X):
    """GELU, tanh approximation (GPT-2): ½x(1 + tanh(√(2/π)(x + 0.044715x³))) ≈ x · Φ(x).

    X is any array (or nested list) of finite numbers; the result has its shape.
    """
    X = real_array(X, "X")
    with np.errstate(over="ignore"):  # x³ overflows to ±inf for |x| > 1e102; tanh(±inf) = ±1
        return 0.5 * X * (1 + np.tanh(np.sqrt(2 / np.pi) * (X + 0.044715 * X**3)))


def mlp(X, W_1, b_1, W_2, b_2):
    """The position-wise MLP gelu(X W_1 + b_1) W_2 + b_2: (n, d) -> (n, d) through (n, d_ff).

    Each row (token) is transformed on its own. Introduced in 07_transformer_block.
    """
    X = real_array(X, "X", 2, shape="(n, d)")
    W_1, W_2 = real_array(W_1, "W_1", 2, shape="(d, d_ff)"), real_array(W_2, "W_2", 2,
                                                                        shape="(d_ff, d)")
    b_1, b_2 = real_array(b_1, "b_1", 1, shape="(d_ff,)"), real_array(b_2, "b_2", 1,
                                                                      shape="(d,)")
    sizes_agree(W_1.shape[0], "The rows of W_1", X.shape[1], "the width d of X")
    sizes_agree(len(b_1), "The length of b_1", W_1.shape[1], "the columns d_ff of W_1")
    sizes_agree(W_2.shape[0], "The rows of W_2", W_1.shape[1], "the columns d_ff of W_1")
    sizes_agree(len(b_2), "The length of b_2", W_2.shape[1], "the columns of W_2")
    return gelu(X @ W_1 + b_1) @ W_2 + b_2


@dataclass(frozen=True)
class BlockParams:
    """Parameters of one pre-norm block: attention W_q, W_k, W_v, W_o (d, d); layer norms
    γ_1, β_1, γ_2, β_2 (d,); MLP W_1 (d, d_ff), b_1 (d_ff,), W_2 (d_ff, d), b_2 (d,)."""

    W_q: np.ndarray
    W_k: np.ndarray
    W_v: np.ndarray
    W_o: np.ndarray
    gamma_1: np.ndarray
    beta_1: np.ndarray
    gamma_2: np.ndarray
    beta_2: np.ndarray
    W_1: np.ndarray
    b_1: np.ndarray
    W_2: np.ndarray
    b_2: np.ndarray


def init_block(d_model, d_ff, seed=0):
    """Random `BlockParams` (weights N(0, 1/fan_in), γ = 1, β = b = 0), seeded.

    Introduced in 07_transformer_block.
    """
    whole_number(d_model, "d_model", minimum=2)
    whole_number(d_ff, "d_ff", minimum=2)
    whole_number(seed, "seed", minimum=0)

    rng = np.random.default_rng(seed)

    def w(rows, cols):
        return rng.standard_normal((rows, cols)) / np.sqrt(rows)

    ones, zeros = np.ones(d_model), np.zeros(d_model)
    return BlockParams(w(d_model, d_model), w(d_model, d_model), w(d_model, d_model),
                       w(d_model, d_model), ones, zeros, ones.copy(), zeros.copy(),
                       w(d_model, d_ff), np.zeros(d_ff), w(d_ff, d_model), zeros.copy())


@dataclass(frozen=True)
class BlockStages:
    """Every stage of `transformer_block`, each (n, d) except `attention` (a `MultiHead`).

    normed_1 = LN_1(X); attention = MHA(normed_1); residual_1 = X + attention.output;
    normed_2 = LN_2(residual_1); mlp = MLP(normed_2); output = residual_1 + mlp.
    """

    normed_1: np.ndarray
    attention: MultiHead
    residual_1: np.ndarray
    normed_2: np.ndarray
    mlp: np.ndarray
    output: np.ndarray


def transformer_block(X, params, n_heads, causal=False):
    """One pre-norm Transformer block on X (n, d_model), every stage kept (`BlockStages`).

    Y = X + MHA(LN_1(X)); output = Y + MLP(LN_2(Y)). With `causal`, position i attends to
    positions j <= i only, so row i of the output depends on the first i + 1 rows of X only.
    Introduced in 07_transformer_block.
    """
    instance(params, "params", BlockParams, "Build it with init_block(d_model, d_ff).")
    causal = flag(causal, "causal")
    X = real_array(X, "X", 2, shape="(n, d_model)")
    if X.shape[1] != params.W_q.shape[0]:
        raise ValueError(f"X must be (n, {params.W_q.shape[0]}), got shape {X.shape}.")
    p = params
    normed_1 = layer_norm(X, p.gamma_1, p.beta_1)
    mask = causal_mask(X.shape[0]) if causal else None
    attention = multi_head_stages(normed_1, normed_1, p.W_q, p.W_k, p.W_v, p.W_o, n_heads, mask)
    residual_1 = X + attention.output
    normed_2 = layer_norm(residual_1, p.gamma_2, p.beta_2)
    out = mlp(normed_2, p.W_1, p.b_1, p.W_2, p.b_2)
    return BlockStages(normed_1, attention, residual_1, normed_2, out, residual_1 + out)


# --- the capstone: one causal attention layer, next-word prediction -------------------------


@dataclass(frozen=True)
class Capstone:
    """A single causal attention layer over fixed word vectors W (|V|, d) predicting the next word.

    For a piece x with token vectors H_x = W[x] (n, d): A = softmax(H_x B H_xᵀ / √d + causal mask),
    C = A H_x, logits = C W_out + b. B (d, d) is W_q W_kᵀ with d_k = d (any d × d matrix),
    W_out (d, |V|), b (|V|,). The readout sees only C: the current word reaches it only through
    the weight A_ii, so everything the layer knows about the piece passes through attention.
    """

    B: np.ndarray
    W_out: np.ndarray
    b: np.ndarray


def next_word_batches(docs, n):
    """Inputs and targets (m, n) each: non-overlapping pieces of n + 1 tokens, shifted by one.

    Introduced in 07_transformer_block.
    """
    n = whole_number(n, "n")
    pieces = [d[: len(d) // (n + 1) * (n + 1)].reshape(-1, n + 1)
              for d in id_documents(docs, "docs")]
    pieces = np.concatenate(pieces).astype(np.int64)
    if len(pieces) == 0:
        raise ValueError(f"No document has {n + 1} tokens: use a smaller n.")
    return pieces[:, :-1], pieces[:, 1:]


def capstone_forward(model, W, x, self_only=False):
    """Attention weights A (m, n, n) and logits (m, n, |V|) for input ids x (m, n).

    With `self_only`, A is the identity (each position reads its own word only: the bigram
    readout baseline) and B is not used. Introduced in 07_transformer_block.
    """
    W, x, _ = _check_capstone(model, W, x, None, self_only)
    H_x = W[x]  # (m, n, d)
    m, n = x.shape
    d = W.shape[1]
    if self_only:
        A = np.broadcast_to(np.eye(n), (m, n, n))
    else:
        A = softmax((H_x @ model.B) @ H_x.transpose(0, 2, 1) / np.sqrt(d) + causal_mask(n))
    C = A @ H_x  # (m, n, d)
    logits = C.reshape(-1, d) @ model.W_out + model.b  # one 2-D product: BLAS-fast
    return A, logits.reshape(m, n, -1)


def capstone_losses(model, W, x, y, self_only=False):
    """Next-word cross-entropy (nats) of every position, shape (m, n), for inputs x, targets y.

    Introduced in 07_transformer_block.
    """
    W, x, y = _check_capstone(model, W, x, y, self_only)
    _, logits = capstone_forward(model, W, x, self_only)
    logits = logits - logits.max(axis=-1, keepdims=True)
    log_norm = np.log(np.exp(logits).sum(axis=-1))
    return log_norm - np.take_along_axis(logits, y[..., None], axis=-1)[..., 0]


def capstone_gradients(model, W, x, y, self_only=False):
    """(mean loss, Capstone of gradients) by hand-written backpropagation.

    With G = (softmax(logits) − onehot(y)) / (m n): dW_out = Cᵀ G, db = Σ G, dC = G W_outᵀ,
    dA = dC H_xᵀ, dZ = A ⊙ (dA − rowsum(dA ⊙ A)) (the softmax Jacobian; masked entries have
    A = 0), dB = Σ H_xᵀ dZ H_x / √d (zero with `self_only`). Introduced in 07_transformer_block.
    """
    W, x, y = _check_capstone(model, W, x, y, self_only)
    H_x = W[x]
    m, n = x.shape
    d = W.shape[1]
    A, logits = capstone_forward(model, W, x, self_only)
    G = softmax(logits)  # (m, n, |V|): probabilities, turned into dloss/dlogits below
    picked = np.take_along_axis(G, y[..., None], axis=-1)
    loss = float(-np.mean(np.log(picked)))
    np.put_along_axis(G, y[..., None], picked - 1, axis=-1)
    G = G.reshape(-1, G.shape[-1]) / (m * n)
    C = (A @ H_x).reshape(-1, d)
    dC = (G @ model.W_out.T).reshape(m, n, d)
    dB = np.zeros_like(model.B)
    if not self_only:
        dA = dC @ H_x.transpose(0, 2, 1)  # (m, n, n)
        dZ = A * (dA - (dA * A).sum(axis=-1, keepdims=True))
        dB = (H_x.transpose(0, 2, 1) @ dZ @ H_x).sum(axis=0) / np.sqrt(d)
    return loss, Capstone(dB, C.T @ G, G.sum(axis=0))


def _check_capstone(model, W, x, y, self_only):
    """(W, x, y) checked against each other and the model (y may be None)."""
    instance(model, "model", Capstone)
    W = real_array(W, "W", 2, shape="(|V|, d)")
    V, d = W.shape
    if model.B.shape != (d, d) or model.W_out.shape != (d, V) or model.b.shape != (V,):
        raise ValueError(f"model must fit W {W.shape}: B (d, d), W_out (d, |V|), b (|V|,); got "
                         f"{model.B.shape}, {model.W_out.shape}, {model.b.shape}.")
    x = id_array(x, "x", V, ndim=2)
    if y is not None:
        y = id_array(y, "y", V, ndim=2)
        if y.shape != x.shape:
            raise ValueError(f"y must have the shape of x {x.shape}, got {y.shape}.")
    flag(self_only, "self_only")
    return W, x, y


class Adam:
    """Adam's running moments for the arrays of a `Capstone` (β₁ = 0.9, β₂ = 0.999, ε = 1e-8).

    `step(model, grads)` returns the updated model; arrays named in `frozen` stay fixed.
    Introduced in 07_transformer_block.
    """

    def __init__(self, lr=0.01, frozen=()):
        self.lr = number(lr, "lr", above=0)
        self.frozen = tuple(frozen)
        self.t = 0
        self.moments = {}

    def step(self, model, grads):
        """The model after one Adam step along `grads` (a `Capstone` of gradients)."""
        _check_step(model, grads)
        self.t += 1
        new = {}
        for name, value in vars(model).items():
            g = getattr(grads, name)
            if name in self.frozen:
                new[name] = value
                continue
            m1, m2 = self.moments.get(name, (np.zeros_like(g), np.zeros_like(g)))
            m1, m2 = 0.9 * m1 + 0.1 * g, 0.999 * m2 + 0.001 * g * g
            self.moments[name] = (m1, m2)
            step = (m1 / (1 - 0.9**self.t)) / (np.sqrt(m2 / (1 - 0.999**self.t)) + 1e-8)
            new[name] = value - self.lr * step
        return Capstone(**new)


def _check_step(model, grads):
    """Refuse a model or gradients that are not `Capstone`s of the same shapes."""
    instance(model, "model", Capstone)
    instance(grads, "grads", Capstone)
    for name, value in vars(model).items():
        if np.shape(getattr(grads, name)) != np.shape(value):
            raise ValueError(f"grads.{name} must have the shape of model.{name} "
                             f"{np.shape(value)}, got {np.shape(getattr(grads, name))}.")


def cached_fit(train, name, **inputs):
    """`train(**inputs)` -> (Capstone, losses (steps,)), computed once and kept in the cache.

    The cache key holds every input (arrays by their content), the source text of `train`
    (a function defined in a notebook cell or a file) and of the layer's code it runs (the
    forward pass, the gradients and Adam), so a change to any of them trains afresh.
    Introduced in 07_transformer_block.
    """
    import inspect

    from .cache import cached

    if not callable(train):
        raise TypeError(f"train must be a function returning (Capstone, losses), got {train!r}.")
    text(name, "name")
    try:
        source = inspect.getsource(train)
    except (OSError, TypeError):
        raise ValueError("train must be defined in a file or a notebook cell (its source text "
                         "is part of the cache key).") from None

    def compute():
        model, losses = train(**inputs)
        return {**vars(model), "losses": losses}

    code = [inspect.getsource(f) for f in (capstone_forward, capstone_gradients, Adam)]
    arrays = cached(name, {**inputs, "train": source, "code": code}, compute)
    return Capstone(arrays["B"], arrays["W_out"], arrays["b"]), arrays["losses"]


def row_centred(L):
    """L minus each row's mean: the part of a logit matrix softmax can see (rows are queries)."""
    L = real_array(L, "L", shape="(..., n)")
    return L - L.mean(axis=-1, keepdims=True)


def correlation(A, B):
    """Pearson correlation between the entries of two arrays of the same shape (NaN when
    either array is constant)."""
    a, b = real_array(A, "A").ravel(), real_array(B, "B").ravel()
    if a.shape != b.shape:
        raise ValueError(f"Arrays A and B must have the same size, got {a.size} and {b.size}.")
    a, b = a - a.mean(), b - b.mean()
    return float(a @ b / np.sqrt((a @ a) * (b @ b)))


def word_logit_agreement(B_a, B_b, W, top=300):
    """Correlation of the row-centred word logits W B_a Wᵀ and W B_b Wᵀ over the first `top` words.

    W (|V|, d) has its most frequent words first; B_a, B_b are (d, d). Softmax sees only the
    row-centred logits, so these are what two forms must share to attend alike. NaN when a
    form's word logits are constant along every row (B = 0, for instance).
    Introduced in 07_transformer_block.
    """
    top = whole_number(top, "top", minimum=2)
    W = real_array(W, "W", 2, shape="(|V|, d)")
    d = W.shape[1]
    B_a = real_array(B_a, "B_a", 2, shape=f"({d}, {d})")
    B_b = real_array(B_b, "B_b", 2, shape=f"({d}, {d})")
    for name, B in (("B_a", B_a), ("B_b", B_b)):
        if B.shape != (d, d):
            raise ValueError(f"{name} must be ({d}, {d}) to match W, got shape {B.shape}.")
    W_top = W[:top]
    return correlation(row_centred(W_top @ B_a @ W_top.T), row_centred(W_top @ B_b @ W_top.T))


def unstructured_like(B, seed=0):
    """A Gaussian (d, d) matrix with B's Frobenius norm: a form with no structure, same size.

    Introduced in 07_transformer_block.
    """
    B = real_array(B, "B", 2, shape="(d, d)")
    if not np.any(B):
        raise ValueError("B is all zeros: there is no norm to match.")
    R = np.random.default_rng(whole_number(seed, "seed", minimum=0)).standard_normal(B.shape)
    return R * np.linalg.norm(B) / np.linalg.norm(R)
