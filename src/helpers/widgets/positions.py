"""Explorers for 05_positions: offset-resolved counts, sinusoidal kernels, causal generation.

`draw_offsets` shows X^(δ) (or PMI^(δ)) for chosen Lee words at one offset δ beside the
corpus-wide decay of information over δ. `draw_kernel` shows the sinusoidal Gram matrix P Pᵀ
for a frequency base and a dimension, with its profile over δ against the measured decay.
`draw_generation` steps through a sentence one token at a time with or without the causal
mask and reports which earlier rows changed. Introduced in 05_positions.
"""

from dataclasses import dataclass

import ipywidgets as widgets
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.ticker import MaxNLocator
from matplotlib.transforms import Bbox

from .. import data, positions
from ..attention import softmax
from ..corpus import sentence_ids, tokenize
from ..plots import fast_heatmap, new_figure
from .base import Explorer

DETERMINERS = ("the", "a", "an", "this", "that", "these", "those",
               "his", "her", "its", "their", "our", "my", "your")
PREPOSITIONS = ("of", "in", "on", "at", "to", "for", "with", "from", "by", "about",
                "into", "over", "after", "under", "between", "against", "during")
OFFSET_WORDS = "the a of in police fire government said people new south wales"
GENERATION_SENTENCE = "the police said the fire was burning near the city"
MAX_OFFSET = 20


@dataclass(frozen=True)
class OffsetData:
    """What the explorers precompute from a corpus (all δ = 1..K).

    X_offsets: the K offset-resolved count matrices; shuffled: the same counts after shuffling
    each document's words (seed 0: topic kept, order destroyed); information (K,): bits between
    a word and the word δ later; baseline (K,): the same on the shuffled counts;
    determiner_bits (K,): what a determiner tells about the word δ later, in bits.
    """

    counted: data.CountedCorpus
    X_offsets: tuple
    shuffled: tuple
    information: np.ndarray
    baseline: np.ndarray
    determiner_bits: np.ndarray


def offset_data(counted=None, K=MAX_OFFSET, seed=0) -> OffsetData:
    """Offset-resolved counts of `counted` (default: Lee) and their information profiles."""
    counted = data.lee() if counted is None else counted
    V = len(counted.vocab)
    X_offsets = positions.offset_stack(list(counted.docs), V, K)
    rng = np.random.default_rng(seed)
    shuffled = positions.offset_stack([rng.permutation(d) for d in counted.docs], V, K)
    dets = counted.vocab.encode([w for w in DETERMINERS if w in counted.vocab])
    return OffsetData(
        counted, X_offsets, shuffled,
        np.array([positions.mutual_information(X) for X in X_offsets]),
        np.array([positions.mutual_information(X) for X in shuffled]),
        np.array([positions.class_information(X, dets) for X in X_offsets]),
    )


def _words(text, vocab, limit=12):
    words = list(dict.fromkeys(tokenize(text)))
    if not 2 <= len(words) <= limit:
        raise ValueError(f"Type between 2 and {limit} different words, separated by spaces "
                         f"(got {len(words)}).")
    missing = [w for w in words if w not in vocab]
    if missing:
        raise ValueError(f"Not in the Lee vocabulary: {', '.join(missing)}. Try frequent words "
                         f"such as: {OFFSET_WORDS}.")
    return words


def _superscript(delta):
    """δ written as a Unicode superscript, e.g. -3 -> ⁽⁻³⁾ (no mathtext in widget figures)."""
    return "⁽" + str(delta).translate(str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")) + "⁾"


def _plain_ticks(ax, xs, ys, xlabel, ylabel="", yfmt="{:.1f}"):
    """Label a few x and y values as plain text beside the frame, with light grid lines.

    Replaces matplotlib's tick machinery (most of a line plot's redraw). The limits must be
    set before: the labels sit at the given data values.
    """
    ax.xaxis.set_visible(False)
    ax.yaxis.set_visible(False)
    for x in xs:
        ax.text(x, -0.02, f"{x:g}", transform=ax.get_xaxis_transform(), ha="center", va="top",
                fontsize=8)
    for y in ys:
        ax.axhline(y, color="0.85", lw=0.5, zorder=0)
        ax.text(-0.015, y, yfmt.format(y), transform=ax.get_yaxis_transform(), ha="right",
                va="center", fontsize=8)
    ax.text(0.5, -0.09, xlabel, transform=ax.transAxes, ha="center", va="top", fontsize=9)
    if ylabel:
        ax.text(-0.1, 0.5, ylabel, transform=ax.transAxes, rotation=90, ha="right",
                va="center", fontsize=9)


def _title(ax, text, fontsize=9):
    """A title as plain text (set_title re-measures the axes on every draw)."""
    return ax.text(0.5, 1.02, text, transform=ax.transAxes, ha="center", va="bottom",
                   fontsize=fontsize)


def _cached(figures, key, build, keep=8):
    """`figures[key]`, built by `build()` if missing; only the `keep` newest are kept."""
    if key not in figures:
        if len(figures) >= keep:
            figures.pop(next(iter(figures)))
        figures[key] = build()
    return figures[key]


def _paste_texts(fig, texts):
    """Replace static `texts` of `fig` by pictures of them, drawn once; returns nothing.

    Drawing text is most of a redraw, so labels that never change (until the figure is rebuilt)
    are rendered once, alone on a transparent canvas, and pasted back as a few small RGBA
    pictures (one per side of each axes: left, below, above), which redraw in a fraction of
    the time.
    """
    renderer = FigureCanvasAgg(fig).get_renderer()
    renderer.clear()  # transparent
    boxes = {}
    for text in texts:
        text.draw(renderer)
        box, axes = text.get_window_extent(renderer), text.axes.get_window_extent()
        side = "left" if box.x1 <= axes.x0 + 1 else "below" if box.y1 <= axes.y0 + 1 else "above"
        boxes.setdefault((id(text.axes), side), []).append(box)
        text.remove()
    pixels = np.asarray(renderer.buffer_rgba())  # (height, width, 4), top row first
    height, width = pixels.shape[:2]
    for group in boxes.values():
        box = Bbox.union(group)
        x0, x1 = max(int(box.x0) - 1, 0), min(int(np.ceil(box.x1)) + 1, width)
        top = max(height - int(np.ceil(box.y1)) - 1, 0)
        bottom = min(height - int(box.y0) + 1, height)
        fig.figimage(pixels[top:bottom, x0:x1].copy(), x0, height - bottom, origin="upper",
                     zorder=3)


def _offsets_figure(od, chosen):
    """The offsets figure for one list of words: (fig, image, title, marker).

    Built once per word list; a δ or operator change only swaps the image's data and the texts.
    """
    K = len(od.X_offsets)
    grid = np.arange(1, K + 1)
    fig, axes = new_figure(9.0, 3.8, ncols=2, layout=None)
    fig.subplots_adjust(left=0.11, right=0.98, bottom=0.27, top=0.9, wspace=0.28)
    left, right = axes[0]
    k = len(chosen)
    image = fast_heatmap(left, np.zeros((k, k)), chosen, chosen, "")
    title = left.texts[-1]
    left.text(-0.6, k - 0.4, "u ↓  w →", ha="right", va="top", fontsize=8, color="gray")
    right.plot(grid, od.information, "o-", ms=3)
    right.plot(grid, od.baseline, ":", color="gray")
    right.plot(grid, od.determiner_bits, "s-", ms=3, color="C3")
    marker = right.axvline(1, color="black", lw=0.8)
    curves = np.concatenate([od.information, od.baseline, od.determiner_bits])
    low, high = curves.min(), curves.max()
    right.set_ylim(low - 0.05 * (high - low), high + 0.05 * (high - low))
    right.set_xlim(0.5, K + 0.5)
    ys = [y for y in MaxNLocator(3).tick_values(low, high) if low <= y <= high]
    _plain_ticks(right, [1, 5, 10, 15, 20][:1 + K // 5], ys,
                 "|δ|", "bits about the word |δ| away")
    _title(right, "blue: any word · gray: shuffled · red: after a determiner")
    _paste_texts(fig, [t for ax in (left, right) for t in ax.texts if t is not title])
    return fig, image, title, marker


def make_draw_offsets(od: OffsetData):
    """A drawing function (delta, words, operator) -> (Figure, caption) over `od`."""
    vocab = od.counted.vocab
    built = {}  # figures of the last few word lists: a new list of words builds one

    def draw_offsets(delta=1, words=OFFSET_WORDS, operator="counts"):
        """X^(δ) or PMI^(δ) on the chosen words (left), information against |δ| (right)."""
        if operator not in ("counts", "PMI"):
            raise ValueError(f"operator must be 'counts' or 'PMI', got {operator!r}.")
        chosen = _words(words, vocab)
        X = positions.at_offset(od.X_offsets, delta)
        t = vocab.encode(chosen)
        kind = "count" if operator == "counts" else "pmi"
        block = positions.operator_entries(X, t[:, None], t[None, :], kind)  # (k, k)
        with np.errstate(divide="ignore"):
            shown = np.ma.masked_invalid(np.log10(block) if kind == "count" else block)
        fig, image, title, marker = _cached(built, tuple(chosen),
                                            lambda: _offsets_figure(od, chosen))
        image.set_data(shown)
        if kind == "pmi":
            bound = float(np.abs(shown).max()) if shown.count() else 1.0
            image.set_cmap("RdBu_r")
            image.set_clim(-bound or -1.0, bound or 1.0)
        else:
            image.set_cmap("viridis")
            image.set_clim(*((shown.min(), shown.max()) if shown.count() else (0.0, 1.0)))
        where = "after" if delta > 0 else "before"
        title.set_text(f"{'log10 X' if kind == 'count' else 'PMI'}{_superscript(delta)}[u, w]: "
                       f"w exactly {abs(delta)} {where} u; blank = never")
        marker.set_xdata([abs(delta), abs(delta)])
        total = X[t][:, t].sum()
        caption = (f"δ = {delta}: {X.nnz} distinct (u, w) pairs in the corpus, "
                   f"{X.sum():.0f} pairs counted; {total:.0f} among the chosen words. "
                   f"I(δ) = {od.information[abs(delta) - 1]:.3f} bits "
                   f"(shuffled: {od.baseline[abs(delta) - 1]:.3f}).")
        return fig, caption

    return draw_offsets


def offsets_explorer(od: OffsetData | None = None) -> Explorer:
    """A δ slider over X^(δ) heatmaps of chosen Lee words."""
    od = offset_data() if od is None else od
    K = len(od.X_offsets)
    controls = {
        "delta": widgets.IntSlider(value=1, min=-min(K, 10), max=min(K, 10),
                                   description="offset δ"),
        "words": widgets.Text(value=OFFSET_WORDS, continuous_update=False, description="words",
                              layout=widgets.Layout(width="420px")),
        "operator": widgets.ToggleButtons(options=["counts", "PMI"], value="counts",
                                          description="show"),
    }
    return Explorer(make_draw_offsets(od), controls, "Offset-resolved co-occurrence X^(δ)")


def make_draw_kernel(od: OffsetData, n=64):
    """A drawing function (base, d) -> (Figure, caption): P Pᵀ and its profile over δ.

    The figure is built once; a change of base or d only swaps the image and the blue line.
    """
    K = len(od.X_offsets)
    measured = od.information - od.baseline
    measured = measured / measured[0]
    grid = np.arange(1, K + 1)
    fig, axes = new_figure(9.0, 3.8, ncols=2, layout=None)
    fig.subplots_adjust(left=0.03, right=0.98, bottom=0.14, top=0.9, wspace=0.12)
    left, right = axes[0]
    image = left.imshow(np.zeros((n, n)), cmap="RdBu_r", vmin=-1, vmax=1,
                        interpolation="nearest")
    left.set_axis_off()
    title = _title(left, "", fontsize=10)
    left.text(0.5, -0.02, f"position q → (0..{n - 1}); rows: position p ↓", ha="center",
              va="top", transform=left.transAxes, fontsize=8)
    (line,) = right.plot(grid, np.zeros(K), "o-", ms=3)
    right.plot(grid, measured, "s-", ms=3, color="C3")
    right.axhline(0, color="gray", lw=0.5)
    right.set_ylim(-1.05, 1.05)
    right.set_xlim(0.5, K + 0.5)
    _plain_ticks(right, [1, 5, 10, 15, 20][:1 + K // 5], [-1.0, -0.5, 0.0, 0.5, 1.0],
                 "offset δ")
    _title(right, "blue: k(δ)/k(0) · red: Lee I(δ) above shuffled, 1 at δ=1")
    _paste_texts(fig, [t for ax in (left, right) for t in ax.texts if t is not title])

    def draw_kernel(base=10000.0, d=32):
        """Heatmap of the sinusoidal Gram matrix P Pᵀ / (d/2) (left), profile vs data (right)."""
        P = positions.sinusoidal(n, d, base)  # (n, d)
        G = P @ P.T / (d // 2)  # (n, n), diagonal 1
        profile = positions.sinusoidal_kernel(grid, d, base) / (d // 2)
        image.set_data(G)
        title.set_text(f"P Pᵀ / (d/2): red +1, blue −1; d = {d}, base = {base:.4g}")
        line.set_ydata(profile)
        caption = (f"Toeplitz (depends on q − p only): {positions.is_toeplitz(P @ P.T)}. "
                   f"Wavelengths from 2π to {2 * np.pi / positions.frequencies(d, base)[-1]:.3g} "
                   f"positions. "
                   f"k(1)/k(0) = {profile[0]:.3f}, k({K})/k(0) = {profile[-1]:.3f}.")
        return fig, caption

    return draw_kernel


def kernel_explorer(od: OffsetData | None = None) -> Explorer:
    """Frequency-base and dimension controls for the sinusoidal Gram matrix P Pᵀ."""
    od = offset_data() if od is None else od
    controls = {
        "base": widgets.FloatLogSlider(value=10000.0, base=10, min=0.5, max=5, step=0.25,
                                       description="base"),
        "d": widgets.IntSlider(value=32, min=2, max=128, step=2, description="dimension d"),
    }
    return Explorer(make_draw_kernel(od), controls, "Sinusoidal encodings: P Pᵀ")


def generation_logits(ids, counted):
    """Order-blind Lee logits L_ij = log(1 + X[t_i, t_j]) for a sentence, shape (n, n)."""
    X = counted.X
    return positions.operator_entries(X, ids[:, None], ids[None, :], "log1p")


def _generation_figure(words):
    """The generation figure for one sentence: (fig, image, title, bars, labels, bar_title).

    Built once per sentence; a step or mask change only updates the image, bars and texts.
    """
    n = len(words)
    fig, axes = new_figure(9.0, 3.8, ncols=2, layout=None)
    fig.subplots_adjust(left=0.1, right=0.98, bottom=0.22, top=0.9, wspace=0.38)
    left, right = axes[0]
    image = fast_heatmap(left, np.full((n, n), np.nan), words, words, "", cmap="magma_r")
    title = left.texts[-1]
    _paste_texts(fig, left.texts[:-1])
    row_points = right.get_position().height * fig.get_figheight() * 72 / n
    bars = right.hlines(np.arange(n), 0, np.zeros(n), linewidth=0.8 * row_points)
    right.set_ylim(n - 0.5, -0.5)
    right.set_axis_off()
    labels = [right.text(-0.02, i, f"{i}: {w}", ha="right", va="center", fontsize=8,
                         transform=right.get_yaxis_transform()) for i, w in enumerate(words)]
    bar_title = _title(right, "")
    return fig, image, title, bars, labels, bar_title


def make_draw_generation(counted):
    """A drawing function (sentence, step, mask) -> (Figure, caption) of causal generation."""
    vocab = counted.vocab
    built = {}  # figures of the last few sentences: a new sentence builds one

    def draw_generation(sentence=GENERATION_SENTENCE, step=4, mask=True):
        """Attention weights after `step` tokens have arrived; bars: how much each earlier
        row moved since it was first computed (zero with the mask: rows freeze)."""
        t = sentence_ids(sentence, vocab, max_tokens=16)
        n = len(t)
        if not 1 <= step <= n:
            raise ValueError(f"step must lie in 1..{n} (the sentence has {n} words); slide "
                             f"back or type a longer sentence.")
        L = generation_logits(t, counted)[:step, :step]  # (step, step)
        A = positions.causal_weights(L) if mask else softmax(L)
        moved = positions.prefix_leak(L, np.eye(step), masked=mask)  # (step,)
        grid = np.full((n, n), np.nan)
        grid[:step, :step] = np.where(A > 0, A, np.nan)
        words = vocab.decode(t)
        fig, image, title, bars, labels, bar_title = _cached(
            built, tuple(words), lambda: _generation_figure(words))
        shown = np.ma.masked_invalid(grid)
        image.set_data(shown)
        image.set_clim(shown.min(), shown.max())
        title.set_text(f"weights (row: query i) after {step} of {n} tokens, "
                       f"{'causal mask' if mask else 'NO mask'}")
        bars.set_segments([[(0, i), (v, i)] for i, v in enumerate(moved)])
        bars.set_color("C2" if mask else "C3")
        bars.axes.set_xlim(0, max(0.05, 1.1 * moved.max()))
        for i, label in enumerate(labels):
            label.set_visible(i < step)
        top = moved.max()
        bar_title.set_text("change of row i since first computed: "
                           + (f"top {top:.3g}" if top > 1e-12 else "all 0 (frozen)"))
        changed = int((moved > 1e-12).sum())
        caption = (f"{changed} of {step - 1} earlier rows changed when later tokens arrived "
                   f"(largest change {moved.max():.3f}). "
                   + ("Rows freeze: appending never changes earlier outputs."
                      if mask else "Without the mask earlier rows read the future: a leak."))
        return fig, caption

    return draw_generation


def generation_explorer(counted=None) -> Explorer:
    """A token-by-token generation stepper with a causal-mask toggle."""
    counted = data.lee() if counted is None else counted
    controls = {
        "sentence": widgets.Text(value=GENERATION_SENTENCE, continuous_update=False,
                                 description="sentence", layout=widgets.Layout(width="420px")),
        "step": widgets.IntSlider(value=4, min=1, max=16, description="tokens so far"),
        "mask": widgets.Checkbox(value=True, description="causal mask"),
    }
    explorer = Explorer(make_draw_generation(counted), controls,
                        "Causal generation: one token at a time")

    def fit_slider(change):
        """Let the step slider reach exactly the typed sentence's last token."""
        n = len(tokenize(change["new"]))
        if 1 <= n <= 16:
            controls["step"].max = n

    controls["sentence"].observe(fit_slider, names="value")
    fit_slider({"new": GENERATION_SENTENCE})
    return explorer


def explorers() -> dict[str, Explorer]:
    """Every explorer of 05_positions, built with the notebook's default data (Lee)."""
    od = offset_data()
    return {"offsets": offsets_explorer(od), "kernel": kernel_explorer(od),
            "generation": generation_explorer(od.counted)}
