"""The whole Transformer block, and the capstone: a causal attention layer trained on Lee.

Introduced in 07_transformer_block. The block adds to multi-head attention three pieces the
projection story does not derive: residual connections, layer normalisation and a position-wise
MLP. The capstone trains one causal attention layer to predict the next Lee word, with fixed
GloVe embeddings H and hand-written gradients, and compares its learned bilinear form
B = W_q W_kᵀ with the one read off the co-occurrence counts (04_qkv's embedding fit).
Row vectors throughout: tokens are rows.
"""

from dataclasses import dataclass

import numpy as np

from .attention import MultiHead, causal_mask, multi_head_stages, softmax
from .validate import whole_number

# --- the block -------------------------------------------------------------------------------


def layer_norm(X, gamma=None, beta=None, eps=1e-5):
    """Normalise each row of X (n, d) to mean 0 and variance 1, then scale by γ and shift by β.

    γ and β are (d,) (default 1 and 0). Introduced in 07_transformer_block.
    """
    X = np.asarray(X, dtype=float)
    if X.ndim < 1 or X.shape[-1] < 2:
        raise ValueError(f"layer_norm needs rows of at least 2 features, got shape {X.shape}.")
    mean = X.mean(axis=-1, keepdims=True)
    var = X.var(axis=-1, keepdims=True)
    Y = (X - mean) / np.sqrt(var + eps)
    if gamma is not None:
        Y = Y * np.asarray(gamma)
    if beta is not None:
        Y = Y + np.asarray(beta)
    return Y


def gelu(X):
    """GELU, tanh approximation (GPT-2): ½x(1 + tanh(√(2/π)(x + 0.044715x³))) ≈ x · Φ(x)."""
    return 0.5 * X * (1 + np.tanh(np.sqrt(2 / np.pi) * (X + 0.044715 * X**3)))


def mlp(X, W_1, b_1, W_2, b_2):
    """The position-wise MLP gelu(X W_1 + b_1) W_2 + b_2: (n, d) -> (n, d) through (n, d_ff).

    Each row (token) is transformed on its own. Introduced in 07_transformer_block.
    """
    return gelu(np.asarray(X) @ W_1 + b_1) @ W_2 + b_2


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
    X = np.asarray(X, dtype=float)
    if X.ndim != 2 or X.shape[1] != params.W_q.shape[0]:
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
    """A single causal attention layer over fixed embeddings H (|V|, d) predicting the next word.

    For a sequence with embeddings H_x (n, d): A = softmax(H_x B H_xᵀ / √d + causal mask),
    C = A H_x, logits = [H_x, C] W_out + b. B (d, d) is W_q W_kᵀ with d_k = d (any d × d
    matrix), W_out (2d, |V|) reads the current word and the attended context, b (|V|,).
    """

    B: np.ndarray
    W_out: np.ndarray
    b: np.ndarray


def next_word_batches(docs, n):
    """Inputs and targets (m, n) each: non-overlapping pieces of n + 1 tokens, shifted by one.

    Introduced in 07_transformer_block.
    """
    whole_number(n, "n")
    pieces = [np.asarray(d)[: len(d) // (n + 1) * (n + 1)].reshape(-1, n + 1) for d in docs]
    pieces = np.concatenate(pieces).astype(np.int64)
    if len(pieces) == 0:
        raise ValueError(f"No document has {n + 1} tokens: use a smaller n.")
    return pieces[:, :-1], pieces[:, 1:]


def capstone_forward(model, H, x):
    """Attention weights A (m, n, n) and logits (m, n, |V|) for input ids x (m, n)."""
    H_x = H[x]  # (m, n, d)
    n, d = x.shape[1], H.shape[1]
    Z = (H_x @ model.B) @ H_x.transpose(0, 2, 1) / np.sqrt(d) + causal_mask(n)  # (m, n, n)
    A = softmax(Z)
    F = np.concatenate([H_x, A @ H_x], axis=-1)  # (m, n, 2d)
    logits = F.reshape(-1, 2 * d) @ model.W_out + model.b  # one 2-D product: BLAS-fast
    return A, logits.reshape(*x.shape, -1)


def capstone_loss(model, H, x, y):
    """Mean next-word cross-entropy (nats) of `model` on inputs x and targets y (m, n)."""
    _, logits = capstone_forward(model, H, x)
    logits = logits - logits.max(axis=-1, keepdims=True)
    log_norm = np.log(np.exp(logits).sum(axis=-1))
    picked = np.take_along_axis(logits, y[..., None], axis=-1)[..., 0]
    return float(np.mean(log_norm - picked))


def capstone_gradients(model, H, x, y):
    """(loss, Capstone of gradients) by hand-written backpropagation.

    With G = (softmax(logits) − onehot(y)) / (m n): dW_out = Fᵀ G, db = Σ G, dC = (G W_outᵀ)
    restricted to the context half, dA = dC H_xᵀ, dZ = A ⊙ (dA − rowsum(dA ⊙ A)) (the softmax
    Jacobian; masked entries have A = 0), dB = Σ H_xᵀ dZ H_x / √d.
    Introduced in 07_transformer_block.
    """
    H_x = H[x]
    m, n = x.shape
    d = H.shape[1]
    A, logits = capstone_forward(model, H, x)
    P = softmax(logits)  # (m, n, |V|)
    loss = float(-np.mean(np.log(np.take_along_axis(P, y[..., None], axis=-1))))
    G = P
    np.put_along_axis(G, y[..., None], np.take_along_axis(G, y[..., None], axis=-1) - 1, axis=-1)
    G /= m * n
    F = np.concatenate([H_x, A @ H_x], axis=-1)
    dW = F.reshape(-1, 2 * d).T @ G.reshape(-1, G.shape[-1])  # (2d, |V|)
    db = G.sum(axis=(0, 1))
    dC = (G.reshape(-1, G.shape[-1]) @ model.W_out[d:].T).reshape(m, n, d)
    dA = dC @ H_x.transpose(0, 2, 1)  # (m, n, n)
    dZ = A * (dA - (dA * A).sum(axis=-1, keepdims=True))
    dB = (H_x.transpose(0, 2, 1) @ dZ @ H_x).sum(axis=0) / np.sqrt(d)
    return loss, Capstone(dB, dW, db)


def train_capstone(H, x, y, steps=300, batch=64, lr=0.01, seed=0):
    """Train a `Capstone` with Adam on (x, y) pieces; returns (model, losses (steps,)).

    B starts at 0 (uniform attention over the prefix), W_out small and random; each step draws
    `batch` pieces at random (seeded). Introduced in 07_transformer_block.
    """
    H = np.asarray(H, dtype=float)
    if x.shape != y.shape or x.ndim != 2:
        raise ValueError(f"x and y must be (m, n) arrays of the same shape, got {x.shape}, "
                         f"{y.shape}.")
    rng = np.random.default_rng(seed)
    V, d = H.shape
    params = [np.zeros((d, d)), rng.standard_normal((2 * d, V)) * 0.01, np.zeros(V)]
    first = [np.zeros_like(p) for p in params]
    second = [np.zeros_like(p) for p in params]
    losses = np.zeros(steps)
    for t in range(1, steps + 1):
        rows = rng.integers(0, len(x), size=batch)
        losses[t - 1], grads = capstone_gradients(Capstone(*params), H, x[rows], y[rows])
        for p, g, m1, m2 in zip(params, (grads.B, grads.W_out, grads.b), first, second,
                                strict=True):
            m1 *= 0.9
            m1 += 0.1 * g
            m2 *= 0.999
            m2 += 0.001 * g * g
            p -= lr * (m1 / (1 - 0.9**t)) / (np.sqrt(m2 / (1 - 0.999**t)) + 1e-8)
    return Capstone(*params), losses


def row_centred(L):
    """L minus each row's mean: the part of a logit matrix softmax can see (rows are queries)."""
    L = np.asarray(L, dtype=float)
    return L - L.mean(axis=-1, keepdims=True)


def correlation(A, B):
    """Pearson correlation between the entries of two arrays of the same shape."""
    a, b = np.ravel(A).astype(float), np.ravel(B).astype(float)
    if a.shape != b.shape:
        raise ValueError(f"Arrays must have the same size, got {a.size} and {b.size}.")
    a, b = a - a.mean(), b - b.mean()
    return float(a @ b / np.sqrt((a @ a) * (b @ b)))


def lee_capstone(n=16, steps=300, batch=32, lr=0.01, seed=0):
    """The capstone trained on the first 250 Lee documents, cached under the course cache.

    Returns (model, losses, (x_test, y_test)) with the last 50 documents held out. Embeddings
    are the cached GloVe vectors `data.lee_glove().W`. Training takes a few seconds the first
    time and is deterministic. Introduced in 07_transformer_block.
    """
    from . import data
    from .cache import cache_dir

    counted = data.lee()
    H = data.lee_glove().W
    docs = list(counted.docs)
    x, y = next_word_batches(docs[:250], n)
    test = next_word_batches(docs[250:], n)
    path = cache_dir() / f"capstone-lee-n{n}-s{steps}-b{batch}-lr{lr:g}-seed{seed}.npz"
    if path.exists():
        with np.load(path) as f:
            return Capstone(f["B"], f["W_out"], f["b"]), f["losses"], test
    model, losses = train_capstone(H, x, y, steps, batch, lr, seed)
    np.savez(path, B=model.B, W_out=model.W_out, b=model.b, losses=losses)
    return model, losses, test


@dataclass(frozen=True)
class FormComparison:
    """The learned B against the co-occurrence B (both (d, d)), in d-space and in word space.

    corr_B: correlation of the d × d entries; corr_words: correlation of the row-centred word
    logits H B Hᵀ over the `top` most frequent words; energy_*: (sym, skew) shares of ‖B‖².
    """

    corr_B: float
    corr_words: float
    corr_words_shared: float
    energy_learned: tuple
    energy_cooc: tuple


def compare_forms(B_learned, B_cooc, H, top=300):
    """Compare two bilinear forms through embeddings H (|V|, d); returns `FormComparison`.

    corr_words_shared is the same word-space correlation for the plain dot product B = I (the
    shared-embedding baseline). Introduced in 07_transformer_block.
    """
    from .bilinear import energy_fractions

    Ht = np.asarray(H)[:top]
    words = {name: row_centred(Ht @ B @ Ht.T)
             for name, B in (("learned", B_learned), ("cooc", B_cooc),
                             ("shared", np.eye(H.shape[1])))}
    return FormComparison(correlation(B_learned, B_cooc),
                          correlation(words["learned"], words["cooc"]),
                          correlation(words["shared"], words["cooc"]),
                          energy_fractions(B_learned), energy_fractions(B_cooc))
