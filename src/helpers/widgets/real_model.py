"""Explorer for 08_real_model: a head browser for all-MiniLM-L6-v2 beside co-occurrence.

`draw_head` shows one head's real attention on a sentence (renormalised over content tokens)
next to what co-occurrence counted on the Lee background corpus predicts for the same word
pieces. torch is imported only when an explorer is built, so this module imports without the
real-model extra; `explorers()` then returns {}. Introduced in 08_real_model.
"""

import ipywidgets as widgets
import numpy as np

from .. import real_model as rm
from ..plots import new_figure
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


def _head_figure(labels, P, predict):
    """One axes showing [attention | gap | prediction] for one sentence's word pieces.

    Each half is scaled to its own maximum (only the pattern is compared). One axes with one
    set of labels redraws much faster than two panels. Returns (fig, image, panel, title).
    """
    n = len(labels)
    fig, ax = new_figure(8.4, 4.0)
    fig.set_layout_engine("none")  # a fixed layout redraws much faster
    ax.set_position([0.13, 0.2, 0.85, 0.66])
    panel = np.full((n, 2 * n + 1), np.nan)
    with np.errstate(invalid="ignore"):
        panel[:, n + 1:] = P / np.nanmax(P) if np.isfinite(P).any() else P
    image = ax.imshow(np.ma.masked_invalid(panel), aspect="auto", interpolation="nearest",
                      cmap="magma", vmin=0, vmax=1)
    ax.set_yticks(range(n), labels, fontsize=8)
    ax.set_xticks(range(n), labels, rotation=60, ha="right", fontsize=8)
    ax.set_ylabel("query")
    title = ax.text((n - 1) / 2, -1.2, "", ha="center", fontsize=10)
    ax.text(n + 1 + (n - 1) / 2, -1.2, f"counts predict: softmax({predict})", ha="center",
            fontsize=10)
    ax.text(n + 1 + (n - 1) / 2, n + 0.2, "keys in the same order as on the left",
            ha="center", va="top", fontsize=8)
    return fig, image, panel, title


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
            figures[sentence, predict] = _head_figure([e.tokens[k] for k in content], P,
                                                      predict)
        fig, image, panel, title = figures[sentence, predict]
        panel[:, :len(content)] = A / A.max()
        image.set_data(np.ma.masked_invalid(panel))
        title.set_text(f"layer {layer}, head {head}: attention")
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
