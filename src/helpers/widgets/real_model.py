"""Explorer for 08_real_model: a head browser for all-MiniLM-L6-v2 beside co-occurrence.

`draw_head` shows one head's real attention on a sentence (renormalised over content tokens)
next to what co-occurrence counted on the Lee background corpus predicts for the same word
pieces. torch is imported only when an explorer is built, so this module imports without the
real-model extra; `explorers()` then returns {}. Introduced in 08_real_model.
"""

import ipywidgets as widgets
import numpy as np

from .. import real_model as rm
from ..plots import heatmap, new_figure
from .base import Explorer

PREDICTIONS = ("PMI, window 10", "PMI, window 2", "offset PMI (|δ| <= 5)")
MAX_PIECES = 40
N_EXAMPLES = 12


def prediction(stats, ids, kind):
    """What counts predict a head attends to, (n, n) rows summing to 1 (nan if undefined).

    softmax over keys of the chosen statistic between the sentence's word pieces (ids (n,)),
    the query itself left out. "offset PMI" reads PMI^(j-i)[t_i, t_j] (the order-aware
    projection of session 05) and gives keys farther than 5 zero weight. A row whose piece
    never co-occurs with the others is nan (the counts predict nothing there).
    """
    if kind not in PREDICTIONS:
        raise ValueError(f"prediction must be one of {PREDICTIONS}, got {kind!r}.")
    n = len(ids)
    t = stats.compact[ids]
    i, j = np.meshgrid(np.arange(n), np.arange(n), indexing="ij")
    L = np.full((n, n), -np.inf)
    known = (t[i] >= 0) & (t[j] >= 0) & (i != j)
    if kind.startswith("offset"):
        for d, X in stats.offsets.items():
            for sel, (u, w) in (((j - i == d) & known, (i, j)), ((i - j == d) & known, (j, i))):
                L[sel] = rm.sparse_pmi(X, t[u[sel]], t[w[sel]])
    else:
        X = stats.windows[int(kind.rsplit(" ", 1)[1])]
        L[known] = rm.sparse_pmi(X, t[i[known]], t[j[known]])
    top = L.max(axis=1, keepdims=True)
    with np.errstate(invalid="ignore"):
        E = np.exp(L - top)
        return E / E.sum(axis=1, keepdims=True)


def _head_figure(labels, A, P, predict):
    """The two-panel figure for one sentence: (Figure, attention image, attention axes)."""
    fig, axes = new_figure(8.4, 4.0, ncols=2)
    left, right = axes[0]
    fig.set_layout_engine("none")  # a fixed layout redraws much faster
    left.set_position([0.11, 0.25, 0.4, 0.68])
    right.set_position([0.56, 0.25, 0.4, 0.68])
    image = heatmap(left, A, labels, labels, annotate=False, cmap="magma")
    heatmap(right, P, labels, labels, annotate=False, cmap="magma",
            title=f"counts predict: softmax({predict})")
    left.set_ylabel("query")
    left.set_xlabel("key")
    right.set_xlabel("key")
    right.tick_params(labelleft=False)
    return fig, image, left


def make_draw_head(model, tokenizer, stats):
    """A drawing function (sentence, layer, head, predict) -> (Figure, caption)."""
    cache, predicted, figures = {}, {}, {}
    n_layers, n_heads = model.config.num_hidden_layers, model.config.num_attention_heads

    def draw_head(sentence="", layer=0, head=2, predict=PREDICTIONS[0]):
        """Real content attention of (layer, head) on `sentence` beside the counts' prediction."""
        sentence = sentence.strip()
        if not sentence:
            raise ValueError("Type a sentence (or pick one of the Lee sentences in the list).")
        if not (0 <= layer < n_layers and 0 <= head < n_heads):
            raise ValueError(f"layer must lie in 0..{n_layers - 1} and head in 0..{n_heads - 1}.")
        if sentence not in cache:
            pieces = tokenizer.tokenize(sentence)
            if len(pieces) > MAX_PIECES:
                raise ValueError(f"That is {len(pieces)} word pieces; keep the sentence under "
                                 f"{MAX_PIECES} so that the heatmaps stay readable.")
            ends = [not nxt.startswith("##") for nxt in pieces[1:]] + [True]
            whole = [p for p, end in zip(pieces, ends, strict=True) if end and p.isalpha()
                     and stats.compact[tokenizer.convert_tokens_to_ids(p)] >= 0]
            if len(whole) < 2:
                raise ValueError("Fewer than two of these words are whole word pieces that the "
                                 "Lee corpus contains, so counts predict nothing: use everyday "
                                 "English news words.")
            cache[sentence] = rm.extract(model, tokenizer, sentence)
        e = cache[sentence]
        content = np.flatnonzero(~e.special)
        A = rm.content_attention(e)[layer, head][np.ix_(content, content)]  # (n, n)
        if (sentence, predict) not in predicted:
            predicted[sentence, predict] = prediction(stats, e.ids[content], predict)
        P = predicted[sentence, predict]  # (n, n)
        if (sentence, predict) not in figures:  # labels drawn once; a head change swaps data
            figures[sentence, predict] = _head_figure([e.tokens[k] for k in content], A, P,
                                                      predict)
        fig, image, left = figures[sentence, predict]
        image.set_data(A)
        image.set_clim(A.min(), A.max())
        left.set_title(f"layer {layer}, head {head}: attention", fontsize=10)
        off = ~np.eye(len(content), dtype=bool) & np.isfinite(P)
        rho = rm.spearman(A[off], P[off])[0] if off.sum() > 2 and np.ptp(P[off]) > 0 else np.nan
        profile = rm.offset_profile([e])[layer, head]  # (11,), δ = -5..5
        caption = (f"Spearman(attention, prediction) on this sentence's {off.sum()} defined "
                   f"pairs: {rho:.2f}.  Mass at δ = -1: {profile[4]:.2f}, δ = +1: "
                   f"{profile[6]:.2f}.  Blank rows: pieces the counts never saw.")
        return fig, caption

    return draw_head


def head_browser_explorer(model=None, tokenizer=None, stats=None) -> Explorer:
    """Sentence, layer, head and prediction controls redrawing `draw_head`."""
    if model is None:
        model, tokenizer = rm.load()
    stats = rm.piece_counts(tokenizer) if stats is None else stats
    sentences, _ = rm.lee_sentences(min_pieces=8, max_pieces=24, tokenizer=tokenizer)
    examples = sentences[:N_EXAMPLES]
    controls = {
        "sentence": widgets.Combobox(value=examples[0], options=examples, ensure_option=False,
                                     continuous_update=False, description="sentence",
                                     layout=widgets.Layout(width="95%")),
        "layer": widgets.IntSlider(value=0, min=0, max=model.config.num_hidden_layers - 1,
                                   description="layer"),
        "head": widgets.IntSlider(value=2, min=0, max=model.config.num_attention_heads - 1,
                                  description="head"),
        "predict": widgets.Dropdown(options=list(PREDICTIONS), value=PREDICTIONS[0],
                                    description="prediction"),
    }
    return Explorer(make_draw_head(model, tokenizer, stats), controls,
                    "Head browser: all-MiniLM-L6-v2 attention beside co-occurrence")


def explorers() -> dict[str, Explorer]:
    """Every explorer of 08_real_model; {} when the real-model extra is not installed."""
    if rm.missing_extra() is not None:
        return {}
    return {"head_browser": head_browser_explorer()}
