"""Explorer for 08_real_model: a head browser for all-MiniLM-L6-v2 beside co-occurrence.

`draw_head` shows one head's real attention on a sentence (renormalised over content tokens)
next to what co-occurrence counted on the Lee background corpus predicts for the same word
pieces (`helpers.real_model.predicted_attention`). The model is read only when an explorer is
built, so this module imports without the real-model extra; `explorers()` then returns {}.
Introduced in 08_real_model.
"""

import ipywidgets as widgets
import numpy as np

from .. import real_model as rm
from ..plots import cell_image
from .base import Explorer
from .canvas import Canvas

MAX_PIECES = 40
N_EXAMPLES = 12
MAX_CACHED = 64  # sentences whose forward pass is kept


FIGSIZE, AXES_BOX = (8.4, 4.0), (0.13, 0.2, 0.85, 0.66)


def _head_canvas():
    """The browser's one figure, reused for every update: one axes [attention | gap |
    prediction], no tick machinery. Returns (canvas, image, (attention title, prediction
    title))."""
    canvas = Canvas(*FIGSIZE)
    ax = canvas.axes[0]
    ax.set_position(AXES_BOX)
    ax.set_axis_off()
    image = cell_image(ax, np.zeros((1, 3)), cmap="magma", vmin=0, vmax=1)
    titles = tuple(ax.text(0, 0, "", ha="center", fontsize=10) for _ in range(2))
    return canvas, image, titles


def _label(image, titles, labels):
    """Write the word pieces `labels` beside and below the browser's axes (frozen by the
    caller) and place its image and titles for them; returns the artists a draw updates."""
    ax, n = image.axes, len(labels)
    for text in [t for t in ax.texts if t not in titles]:
        text.remove()
    for k, word in enumerate(labels):
        ax.text(-0.6, k, word, ha="right", va="center", fontsize=8)
        ax.text(k, n - 0.4, word, rotation=60, ha="right", va="top", rotation_mode="anchor",
                fontsize=8)
    ax.text(n + 1 + (n - 1) / 2, n + 0.2, "keys in the same order as on the left",
            ha="center", va="top", fontsize=8)
    titles[0].set_position(((n - 1) / 2, -1.2))
    titles[1].set_position((n + 1 + (n - 1) / 2, -1.2))
    image.set_extent((-0.5, 2 * n + 0.5, n - 0.5, -0.5))
    ax.set_xlim(-0.5, 2 * n + 0.5)
    ax.set_ylim(n - 0.5, -0.5)
    return {"image": image, "attention": titles[0], "prediction": titles[1]}


def make_draw_head(model, tokenizer, stats):
    """A drawing function (sentence, layer, head, predict) -> (Figure, caption).

    Each sentence's forward pass is cached (only the first look at a sentence pays for it), and
    so is each prediction; the figure is built once and updated in place. The function's
    `preload(sentences)` runs the forward passes ahead (the builder does it for its examples).
    """
    cache, predicted = {}, {}
    canvas, image, titles = _head_canvas()
    n_layers, n_heads = model.config.num_hidden_layers, model.config.num_attention_heads

    def look(sentence):
        """(labels, content attention (L, h, n, n), ids (n,), offset profile)."""
        if sentence in cache:
            return cache[sentence]
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
        e = rm.extract(model, tokenizer, sentence)
        content = np.flatnonzero(~e.special)
        A = rm.content_attention(e)[:, :, content][:, :, :, content]  # (L, h, n, n)
        if len(cache) >= MAX_CACHED:
            cache.pop(next(iter(cache)))
        labels = tuple(e.tokens[k] for k in content)
        cache[sentence] = (labels, A, e.ids[content], rm.offset_profile([e]))
        return cache[sentence]

    def draw_head(sentence="", layer=0, head=2, predict=rm.PREDICTIONS[0]):
        """Real content attention of (layer, head) on `sentence` beside the counts' prediction."""
        sentence = sentence.strip()
        if not sentence:
            raise ValueError("Type a sentence (or pick one of the Lee sentences in the list).")
        if not (0 <= layer < n_layers and 0 <= head < n_heads):
            raise ValueError(f"layer must lie in 0..{n_layers - 1} and head in 0..{n_heads - 1}.")
        labels, attention, ids, profiles = look(sentence)
        if (sentence, predict) not in predicted:
            predicted[sentence, predict] = rm.predicted_attention(stats, ids, predict)
        P = predicted[sentence, predict]  # (n, n)
        A = attention[layer, head]  # (n, n)
        canvas.relabel(labels, lambda: _label(image, titles, labels))
        n = len(labels)
        panel = np.full((n, 2 * n + 1), np.nan)  # nan: blank; each half scaled to its maximum
        panel[:, :n] = A / A.max()
        with np.errstate(invalid="ignore"):
            panel[:, n + 1:] = P / np.nanmax(P) if np.isfinite(P).any() else P
        image.set_data(panel)
        titles[0].set_text(f"layer {layer}, head {head}: attention (query ↓, key →)")
        titles[1].set_text(f"counts predict: softmax({predict})")
        off = ~np.eye(len(labels), dtype=bool) & np.isfinite(P)
        rho = rm.spearman(A[off], P[off])[0] if off.sum() > 2 and np.ptp(P[off]) > 0 else np.nan
        profile = profiles[layer, head]  # (11,), δ = -5..5
        caption = (f"Spearman(attention, prediction) on this sentence's {off.sum()} defined "
                   f"pairs: {rho:.2f}.  Mass at δ = -1: {profile[4]:.2f}, δ = +1: "
                   f"{profile[6]:.2f}.  Blank rows: pieces the counts never saw.")
        return canvas.fig, caption

    def preload(sentences):
        """Run (and cache) the forward passes of `sentences` ahead of any redraw."""
        for sentence in sentences:
            look(sentence)

    draw_head.preload = preload
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
        "predict": widgets.Dropdown(options=list(rm.PREDICTIONS), value=rm.PREDICTIONS[0],
                                    description="prediction"),
    }
    draw_head = make_draw_head(model, tokenizer, stats)
    draw_head.preload(examples)  # the listed sentences answer without a forward pass
    return Explorer(draw_head, controls,
                    "Head browser: all-MiniLM-L6-v2 attention beside co-occurrence")


def explorers() -> dict[str, Explorer]:
    """Every explorer of 08_real_model; {} when the real-model extra is not installed."""
    if rm.missing_extra() is not None:
        return {}
    return {"head_browser": head_browser_explorer()}
