"""Softmax attention with every stage exposed: raw scores, scaled, masked, normalised.

Introduced in 03_projection (softmax, stages), grown in 04_qkv (scaled dot-product attention),
05_positions (causal masks) and 06_heads (multi-head attention). Row vectors throughout:
queries are rows, softmax runs along each row (over keys).
"""

from dataclasses import dataclass

import numpy as np

from . import validate
from .validate import number, real_array, whole_number


def softmax(logits, axis=-1):
    """Numerically stable softmax along `axis`; -inf entries get exactly zero weight.

    Raises a ValueError when a row is entirely -inf (nothing to attend to) or holds NaN or +inf.
    Introduced in 03_projection.
    """
    z = real_array(logits, "logits", finite=False)
    if isinstance(axis, bool) or not isinstance(axis, (int, np.integer)) or not (
            -z.ndim <= axis < z.ndim):
        raise ValueError(f"axis must be a whole number in {-z.ndim}..{z.ndim - 1}, got {axis!r}.")
    if np.isnan(z).any() or np.isposinf(z).any():
        raise ValueError("Logits contain NaN or +inf; check the scores (log of a negative?).")
    top = z.max(axis=axis, keepdims=True)
    if np.isneginf(top).any():
        raise ValueError(
            "A row has every entry masked (-inf), so it has nothing to attend to: "
            "unmask at least one key per query (a causal mask always keeps the diagonal)."
        )
    e = np.exp(z - top)
    return e / e.sum(axis=axis, keepdims=True)


@dataclass(frozen=True)
class Stages:
    """The stages of one attention computation, each (..., n_q, n_kv).

    raw: scores before scaling; scaled: raw * scale; masked: scaled + additive mask;
    weights: softmax of masked along the last axis (rows sum to 1).
    """

    raw: np.ndarray
    scaled: np.ndarray
    masked: np.ndarray
    weights: np.ndarray


def additive_mask(mask, shape):
    """An additive mask of `shape`: a boolean mask (True = may attend) becomes 0 / -inf.

    A float mask must already hold 0 and -inf (or any finite log-prior) and is returned as is.
    Integer masks, and float masks holding only 0s and 1s, are refused with a ValueError:
    added to the scores they would shift logits by 1 instead of masking. Use mask.astype(bool)
    or np.log(mask). The mask has the scores' shape or their last two axes' shape (n_q, n_kv).
    """
    return validate.additive_mask(mask, "mask", shape)


def attention_stages(scores, scale=1.0, mask=None):
    """Every stage of softmax attention from raw `scores` (..., n_q, n_kv).

    Introduced in 03_projection.
    """
    raw = real_array(scores, "scores", neg_inf=True)
    if raw.ndim < 2:
        raise ValueError(f"scores must be at least 2-D (n_q, n_kv), got shape {raw.shape}.")
    scaled = raw * number(scale, "scale")
    masked = scaled if mask is None else scaled + additive_mask(mask, raw.shape)
    return Stages(raw, scaled, masked, softmax(masked, axis=-1))


def causal_mask(n):
    """The additive causal mask (n, n): log of the lower-triangular 0/1 matrix, 0 or -inf.

    Position i may attend to positions j <= i only. Introduced in 05_positions.
    """
    whole_number(n, "n")
    with np.errstate(divide="ignore"):
        return np.log(np.tril(np.ones((n, n))))


def scaled_dot_product_attention(Q, K, V, mask=None, scale=None):
    """softmax(Q Kᵀ · scale + mask) V with scale = 1/√d_k by default.

    Q (n_q, d_k), K (n_kv, d_k), V (n_kv, d_v); returns (output (n_q, d_v), weights (n_q, n_kv)).
    For every stage call `attention_stages(Q @ K.T, scale, mask)`. Introduced in 04_qkv.
    """
    Q, K, V = (real_array(a, name, 2, shape="(n, d), rows are tokens")
               for a, name in ((Q, "Q"), (K, "K"), (V, "V")))
    if Q.shape[1] != K.shape[1]:
        raise ValueError(f"Queries Q and keys K need the same width d_k: {Q.shape[1]} != "
                         f"{K.shape[1]}.")
    if K.shape[0] != V.shape[0]:
        raise ValueError(f"Keys K and values V need one row per token: {K.shape[0]} != "
                         f"{V.shape[0]}.")
    scale = 1.0 / np.sqrt(Q.shape[1]) if scale is None else number(scale, "scale")
    weights = attention_stages(Q @ K.T, scale, mask).weights  # (n_q, n_kv)
    return weights @ V, weights


@dataclass(frozen=True)
class MultiHead:
    """Every stage of multi-head attention with h heads of width d_k = d_model / h.

    queries (h, n_q, d_k), keys and values (h, n_kv, d_k), stages (each (h, n_q, n_kv)),
    heads (h, n_q, d_k), concat (n_q, d_model) and output = concat @ W_o (n_q, d_model).
    """

    queries: np.ndarray
    keys: np.ndarray
    values: np.ndarray
    stages: Stages
    heads: np.ndarray
    concat: np.ndarray
    output: np.ndarray


def multi_head_stages(X_q, X_kv, W_q, W_k, W_v, W_o, n_heads, mask=None):
    """Multi-head attention with row vectors, every stage kept (see `MultiHead`).

    X_q (n_q, d_model), X_kv (n_kv, d_model); each W is (d_model, d_model) and is split into
    heads along its columns. Self-attention passes X_q = X_kv; cross-attention takes keys and
    values from another sequence. Introduced in 06_heads.
    """
    X_q = real_array(X_q, "X_q", 2, shape="(n_q, d_model)")
    X_kv = real_array(X_kv, "X_kv", 2, shape="(n_kv, d_model)")
    if X_q.shape[1] != X_kv.shape[1]:
        raise ValueError(
            f"X_q and X_kv must be (n, d_model) with the same d_model; got {X_q.shape}, "
            f"{X_kv.shape}."
        )
    d_model = X_q.shape[1]
    W_q, W_k, W_v, W_o = (real_array(W, name, 2, shape="(d_model, d_model)") for W, name in
                          ((W_q, "W_q"), (W_k, "W_k"), (W_v, "W_v"), (W_o, "W_o")))
    for name, W in (("W_q", W_q), ("W_k", W_k), ("W_v", W_v), ("W_o", W_o)):
        if np.shape(W) != (d_model, d_model):
            raise ValueError(f"{name} must be ({d_model}, {d_model}), got {np.shape(W)}.")
    whole_number(n_heads, "n_heads")
    if d_model % n_heads:
        raise ValueError(f"d_model={d_model} must be divisible by n_heads={n_heads}.")
    d_k = d_model // n_heads

    def split(Y):  # (n, d_model) -> (h, n, d_k)
        return Y.reshape(Y.shape[0], n_heads, d_k).transpose(1, 0, 2)

    queries, keys, values = split(X_q @ W_q), split(X_kv @ W_k), split(X_kv @ W_v)
    stages = attention_stages(queries @ keys.transpose(0, 2, 1), 1.0 / np.sqrt(d_k), mask)
    heads = stages.weights @ values  # (h, n_q, d_k)
    concat = heads.transpose(1, 0, 2).reshape(X_q.shape[0], d_model)  # (n_q, d_model)
    return MultiHead(queries, keys, values, stages, heads, concat, concat @ W_o)



def multi_head_attention(X_q, X_kv, W_q, W_k, W_v, W_o, n_heads, mask=None):
    """Multi-head attention: returns (output (n_q, d_model), weights (h, n_q, n_kv)).

    Introduced in 06_heads; see `multi_head_stages` for every intermediate.
    """
    mh = multi_head_stages(X_q, X_kv, W_q, W_k, W_v, W_o, n_heads, mask)
    return mh.output, mh.stages.weights
