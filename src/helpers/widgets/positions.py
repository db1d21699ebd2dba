"""Explorers for 05_positions: offset-resolved counts, sinusoidal kernels, causal generation.

`draw_offsets` shows X^(δ) (or PMI^(δ)) for chosen Lee words at one offset δ beside the
corpus-wide decay of information over δ. `draw_kernel` shows the sinusoidal Gram matrix P Pᵀ
for a frequency base and a dimension, with its profile over δ against the measured decay.
`draw_generation` steps through a sentence one token at a time with or without the causal
mask and reports which earlier rows changed. Everything drawn is computed in `helpers.positions`
(`offset_profiles`, `operator_entries`, `causal_weights`, `prefix_leak`); this module only wires
controls to figures. Introduced in 05_positions.
"""

import ipywidgets as widgets
import numpy as np
from matplotlib.ticker import MaxNLocator

from .. import data, positions
from ..attention import softmax
from ..corpus import sentence_ids, tokenize
from ..plots import cell_image, fast_heatmap
from ..positions import DETERMINERS, PREPOSITIONS
from .base import Explorer
from .canvas import Canvas, ColourBar

OFFSET_WORDS = "the a of in police fire government said people new south wales"
GENERATION_SENTENCE = "the police said the fire was burning near the city"
MAX_OFFSET = 20
__all__ = ["DETERMINERS", "PREPOSITIONS", "OFFSET_WORDS", "GENERATION_SENTENCE", "MAX_OFFSET",
           "offsets_explorer", "kernel_explorer", "generation_explorer", "explorers"]


def lee_profiles(K=MAX_OFFSET):
    """(profiles, vocab): `positions.offset_profiles` of Lee (determiners as the class), δ = 1..K.

    What the explorers draw when a notebook does not pass its own.
    """
    lee = data.lee()
    dets = lee.vocab.encode([w for w in DETERMINERS if w in lee.vocab])
    return positions.offset_profiles(lee.docs, len(lee.vocab), K, dets), lee.vocab


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


def _offsets_figure(profiles, chosen):
    """The offsets figure for one list of words: (fig, image, title, marker, colour bar).

    Built once per word list; a δ or operator change only swaps the image's data and the texts.
    """
    K = len(profiles.X_offsets)
    grid = np.arange(1, K + 1)
    canvas = Canvas(9.0, 3.8, ncols=2, left=0.11, right=0.98, bottom=0.27, top=0.9,
                    wspace=0.36)
    fig, (left, right) = canvas.fig, canvas.axes
    k = len(chosen)
    image = fast_heatmap(left, np.zeros((k, k)), chosen, chosen, "")
    title = left.texts[-1]
    left.text(-0.6, k - 0.4, "u ↓  w →", ha="right", va="top", fontsize=8, color="gray")
    bar = ColourBar.beside(left, gap=0.008, width=0.012)
    right.plot(grid, profiles.information, "o-", ms=3)
    right.plot(grid, profiles.baseline, ":", color="gray")
    right.plot(grid, profiles.class_bits, "s-", ms=3, color="C3")
    marker = right.axvline(1, color="black", lw=0.8)
    curves = np.concatenate([profiles.information, profiles.baseline, profiles.class_bits])
    low, high = curves.min(), curves.max()
    right.set_ylim(low - 0.05 * (high - low), high + 0.05 * (high - low))
    right.set_xlim(0.5, K + 0.5)
    ys = [y for y in MaxNLocator(3).tick_values(low, high) if low <= y <= high]
    _plain_ticks(right, [1, 5, 10, 15, 20][:1 + K // 5], ys,
                 "|δ|", "bits about the word |δ| away")
    _title(right, "blue: any word · gray: shuffled · red: after a determiner")
    canvas.freeze([image, title, marker, bar.strip, *bar.texts])
    return fig, image, title, marker, bar


def _scale(X_offsets, t, kind):
    """One colour range for every offset −K..K on the words `t`: (low, high).

    Counts are shown as log10 X (0 = one pair); PMI symmetric around 0. Fixed per word list, so
    two offsets compare on one scale.
    """
    blocks = [positions.operator_entries(X, t[:, None], t[None, :], kind) for X in X_offsets]
    values = np.concatenate([b.ravel() for b in blocks])
    if kind == "count":
        top = values.max()
        return 0.0, float(np.log10(top)) if top > 1 else 1.0
    finite = np.abs(values[np.isfinite(values)])
    bound = float(finite.max()) if finite.size and finite.max() > 0 else 1.0
    return -bound, bound


def make_draw_offsets(profiles, vocab):
    """A drawing function (delta, words, operator) -> (Figure, caption) over `profiles`.

    `profiles` is a `positions.OffsetProfiles` of the corpus whose vocabulary is `vocab`.
    """
    built = {}  # figures of the last few word lists: a new list of words builds one
    scales = {}

    def draw_offsets(delta=1, words=OFFSET_WORDS, operator="counts"):
        """X^(δ) or PMI^(δ) on the chosen words (left), information against |δ| (right)."""
        if operator not in ("counts", "PMI"):
            raise ValueError(f"operator must be 'counts' or 'PMI', got {operator!r}.")
        chosen = _words(words, vocab)
        X = positions.at_offset(profiles.X_offsets, delta)
        t = vocab.encode(chosen)
        kind = "count" if operator == "counts" else "pmi"
        block = positions.operator_entries(X, t[:, None], t[None, :], kind)  # (k, k)
        with np.errstate(divide="ignore"):
            shown = np.ma.masked_invalid(np.log10(block) if kind == "count" else block)
        fig, image, title, marker, bar = _cached(
            built, tuple(chosen), lambda: _offsets_figure(profiles, chosen))
        low, high = _cached(scales, (tuple(chosen), kind),
                            lambda: _scale(profiles.X_offsets, t, kind))
        image.set_data(shown)
        image.set_cmap("RdBu_r" if kind == "pmi" else "viridis")
        image.set_clim(low, high)
        bar.strip.set_cmap(image.get_cmap())
        for label, value in zip(bar.texts, (low, (low + high) / 2, high), strict=True):
            label.set_text(f"{value:.2g}" if kind == "pmi" else f"{10 ** value:.3g}")
        where = "after" if delta > 0 else "before"
        title.set_text(f"{'X' if kind == 'count' else 'PMI'}{_superscript(delta)}[u, w]: "
                       f"w exactly {abs(delta)} {where} u; blank = never")
        marker.set_xdata([abs(delta), abs(delta)])
        total = X[t][:, t].sum()
        caption = (f"δ = {delta}: {X.nnz} distinct (u, w) pairs in the corpus, "
                   f"{X.sum():.0f} pairs counted; {total:.0f} among the chosen words. "
                   f"I(δ) = {profiles.information[abs(delta) - 1]:.3f} bits "
                   f"(shuffled: {profiles.baseline[abs(delta) - 1]:.3f}). "
                   f"Colour scale fixed for these words over δ = −{len(profiles.X_offsets)}.."
                   f"{len(profiles.X_offsets)}" + (" (log scale)." if kind == "count" else "."))
        return fig, caption

    return draw_offsets


def offsets_explorer(profiles=None, vocab=None) -> Explorer:
    """A δ slider over X^(δ) heatmaps of chosen words (default: Lee, δ up to MAX_OFFSET)."""
    if profiles is None or vocab is None:
        profiles, vocab = lee_profiles()
    K = len(profiles.X_offsets)
    controls = {
        "delta": widgets.IntSlider(value=1, min=-min(K, 10), max=min(K, 10),
                                   description="offset δ"),
        "words": widgets.Text(value=OFFSET_WORDS, continuous_update=False, description="words",
                              layout=widgets.Layout(width="420px")),
        "operator": widgets.ToggleButtons(options=["counts", "PMI"], value="counts",
                                          description="show"),
    }
    return Explorer(make_draw_offsets(profiles, vocab), controls,
                    "Offset-resolved co-occurrence X^(δ)")


def make_draw_kernel(profiles, n=64):
    """A drawing function (base, d) -> (Figure, caption): P Pᵀ and its profile over δ.

    The figure is built once; a change of base or d only swaps the image and the blue line.
    """
    K = len(profiles.X_offsets)
    measured = profiles.information - profiles.baseline
    measured = measured / measured[0]
    grid = np.arange(1, K + 1)
    canvas = Canvas(9.0, 3.8, ncols=2, left=0.03, right=0.98, bottom=0.14, top=0.9,
                    wspace=0.2)
    fig, (left, right) = canvas.fig, canvas.axes
    image = cell_image(left, np.zeros((n, n)), cmap="RdBu_r", vmin=-1, vmax=1, aspect="equal")
    left.set_axis_off()
    left.apply_aspect()  # the square image's own box
    ColourBar.beside(left, "RdBu_r", "{:g}", gap=0.01, width=0.012).show(-1, 1)
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
    canvas.freeze([image, title, line])

    def draw_kernel(base=10000.0, d=32):
        """Heatmap of the sinusoidal Gram matrix P Pᵀ / (d/2) (left), profile vs data (right)."""
        P = positions.sinusoidal(n, d, base)  # (n, d)
        G = P @ P.T / (d // 2)  # (n, n), diagonal 1
        profile = positions.sinusoidal_kernel(grid, d, base) / (d // 2)
        image.set_data(G)
        title.set_text(f"P Pᵀ / (d/2), d = {d}, base = {base:.4g}")
        line.set_ydata(profile)
        caption = (f"Toeplitz (depends on q − p only): {positions.is_toeplitz(P @ P.T)}. "
                   f"Wavelengths from 2π to {2 * np.pi / positions.frequencies(d, base)[-1]:.3g} "
                   f"positions. "
                   f"k(1)/k(0) = {profile[0]:.3f}, k({K})/k(0) = {profile[-1]:.3f}.")
        return fig, caption

    return draw_kernel


def kernel_explorer(profiles=None) -> Explorer:
    """Frequency-base and dimension controls for the sinusoidal Gram matrix P Pᵀ."""
    profiles = lee_profiles()[0] if profiles is None else profiles
    controls = {
        "base": widgets.FloatLogSlider(value=10000.0, base=10, min=0.5, max=5, step=0.25,
                                       description="base"),
        "d": widgets.IntSlider(value=32, min=2, max=128, step=2, description="dimension d"),
    }
    return Explorer(make_draw_kernel(profiles), controls, "Sinusoidal encodings: P Pᵀ")


def _generation_figure(words):
    """The generation figure for one sentence: (fig, image, title, bars, reference, labels,
    bar_title). Built once per sentence; a step or mask change only updates data and texts.
    The grey reference bars show each row's change without the mask, so the panel is never
    blank when the mask holds every row still.
    """
    n = len(words)
    canvas = Canvas(9.0, 3.8, ncols=2, left=0.1, right=0.98, bottom=0.22, top=0.9, wspace=0.45)
    fig, (left, right) = canvas.fig, canvas.axes
    image = fast_heatmap(left, np.full((n, n), np.nan), words, words, "", cmap="magma_r",
                         vmin=0.0, vmax=1.0)
    title = left.texts[-1]
    ColourBar.beside(left, "magma_r", "{:g}", gap=0.008, width=0.012).show(0, 1)
    row_points = right.get_position().height * fig.get_figheight() * 72 / n
    reference = right.hlines(np.arange(n), 0, np.zeros(n), linewidth=0.8 * row_points,
                             color="0.85")
    bars = right.hlines(np.arange(n), 0, np.zeros(n), linewidth=0.4 * row_points)
    right.set_ylim(n - 0.5, -0.5)
    right.set_axis_off()
    labels = [right.text(-0.02, i, f"{i}: {w}", ha="right", va="center", fontsize=8,
                         transform=right.get_yaxis_transform()) for i, w in enumerate(words)]
    bar_title = _title(right, "")
    canvas.freeze([image, title, right])
    return fig, image, title, bars, reference, labels, bar_title


def make_draw_generation(vocab, X_left):
    """A drawing function (sentence, step, mask) -> (Figure, caption) of causal generation.

    Logits L_ij = log(1 + X^L[t_i, t_j]) from left-only counts `X_left` (|V|, |V|): a query
    scores the words that came before it, the direction a causal model can use.
    """
    built = {}  # figures of the last few sentences: a new sentence builds one

    def draw_generation(sentence=GENERATION_SENTENCE, step=4, mask=True):
        """Attention weights after `step` tokens have arrived; bars: how much each earlier
        row moved since it was first computed (zero with the mask: rows freeze)."""
        t = sentence_ids(sentence, vocab, max_tokens=16)
        n = len(t)
        if not 1 <= step <= n:
            raise ValueError(f"step must lie in 1..{n} (the sentence has {n} words); slide "
                             f"back or type a longer sentence.")
        L = positions.operator_entries(X_left, t[:step, None], t[None, :step], "log1p")
        A = positions.causal_weights(L) if mask else softmax(L)
        moved = positions.prefix_leak(L, np.eye(step), masked=mask)  # (step,)
        unmasked = moved if not mask else positions.prefix_leak(L, np.eye(step), masked=False)
        grid = np.full((n, n), np.nan)
        grid[:step, :step] = np.where(A > 0, A, np.nan)
        words = vocab.decode(t)
        fig, image, title, bars, reference, labels, bar_title = _cached(
            built, tuple(words), lambda: _generation_figure(words))
        image.set_data(np.ma.masked_invalid(grid))
        title.set_text(f"weights (row: query i) after {step} of {n} tokens, "
                       f"{'causal mask' if mask else 'NO mask'}")
        reference.set_segments([[(0, i), (v, i)] for i, v in enumerate(unmasked)])
        bars.set_segments([[(0, i), (v, i)] for i, v in enumerate(moved)])
        bars.set_color("C2" if mask else "C3")
        bars.axes.set_xlim(0, max(0.05, 1.25 * unmasked.max()))
        for i, label in enumerate(labels):
            label.set_visible(i < step)
        top = moved.max()
        bar_title.set_text("change of row i since first computed: "
                           + (f"top {top:.3g}" if top > 1e-12 else "all 0")
                           + " (grey: no mask)")
        changed = int((moved > 1e-12).sum())
        caption = (f"{changed} of {step - 1} earlier rows changed when later tokens arrived "
                   f"(largest change {moved.max():.3f}; without the mask "
                   f"{unmasked.max():.3f}). "
                   + ("Rows freeze: appending never changes earlier outputs."
                      if mask else "Without the mask earlier rows read the future: a leak."))
        return fig, caption

    return draw_generation


def generation_explorer(vocab=None, X_left=None) -> Explorer:
    """A token-by-token generation stepper with a causal-mask toggle (default: Lee, X^L)."""
    vocab = data.lee().vocab if vocab is None else vocab
    X_left = data.lee_counts("left") if X_left is None else X_left
    controls = {
        "sentence": widgets.Text(value=GENERATION_SENTENCE, continuous_update=False,
                                 description="sentence", layout=widgets.Layout(width="420px")),
        "step": widgets.IntSlider(value=4, min=1, max=16, description="tokens so far"),
        "mask": widgets.Checkbox(value=True, description="causal mask"),
    }
    explorer = Explorer(make_draw_generation(vocab, X_left), controls,
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
    profiles, vocab = lee_profiles()
    return {"offsets": offsets_explorer(profiles, vocab), "kernel": kernel_explorer(profiles),
            "generation": generation_explorer(vocab)}
