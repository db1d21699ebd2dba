"""Explorers for 01_cooccurrence: windowed counts on the toy corpus, neighbours on Lee.

`draw_counts` redraws the toy corpus's counts X for a window, a weighting and a direction,
beside the asymmetry X_right - X_rightᵀ. `draw_neighbours` lists a Lee word's top neighbours
under raw counts and under PPMI side by side. Introduced in 01_cooccurrence.
"""

import ipywidgets as widgets
import numpy as np
from matplotlib.figure import Figure

from .. import cooccurrence, data
from ..corpus import TOY_WORDS
from ..plots import fast_bars, fast_heatmap
from .base import Explorer

NEIGHBOUR_EXAMPLES = ("bank", "money", "fire", "police", "government", "president")


class Canvas:
    """A fixed-layout Figure with a row of axes, built once and redrawn in place on each update.

    Creating axes costs about a third of an update; an explorer keeps one Canvas, and its draw
    function calls `clear()` for a (fig, axes) to draw on (the same Figure every time), or
    `heatmap()`, which only swaps the image data when the word labels did not change.
    Introduced in 01_cooccurrence.
    """

    def __init__(self, width, height, ncols=1, **adjust):
        self.fig = Figure(figsize=(width, height), dpi=80)
        self.fig.subplots_adjust(**adjust)
        self.axes = list(self.fig.subplots(1, ncols, squeeze=False)[0])
        self._heatmaps = {}  # axes index -> (labels key, image, title text, label texts)
        self.reused = {}  # artists a draw function keeps between updates, by its own names

    def clear(self, height=None, axes=None, **adjust):
        """Remove the drawn artists of `axes` (indices, default all), optionally resize and
        re-place the axes; returns (fig, axes list)."""
        if height is not None:
            self.fig.set_figheight(height)
        if adjust:
            self.fig.subplots_adjust(**adjust)
        for i in range(len(self.axes)) if axes is None else axes:
            ax = self.axes[i]
            for artist in (*ax.images, *ax.texts, *ax.lines, *ax.collections, *ax.patches):
                artist.remove()
            if ax.legend_ is not None:
                ax.legend_.remove()
            ax.relim()
            self._heatmaps.pop(i, None)
        return self.fig, self.axes

    def heatmap(self, i, values, row_labels, col_labels, title, row_names=True, **style):
        """`plots.fast_heatmap` on axes `i`; with the same labels as last time, only the image
        data, colour limits and title change (other texts on the axes are removed)."""
        values = np.asarray(values, dtype=float)
        key = (tuple(row_labels), tuple(col_labels), row_names, style.get("cmap"))
        cached = self._heatmaps.get(i)
        if cached is None or cached[0] != key:
            self.clear(axes=[i])
            image = fast_heatmap(self.axes[i], values, row_labels, col_labels, title, row_names,
                                 **style)
            texts = list(self.axes[i].texts)
            self._heatmaps[i] = (key, image, texts[-1], set(texts))
            return image
        _, image, title_text, labels = cached
        for artist in [t for t in self.axes[i].texts if t not in labels]:
            artist.remove()
        image.set_data(np.ma.masked_invalid(values))
        finite = values[np.isfinite(values)]
        low, high = (finite.min(), finite.max()) if finite.size else (0.0, 1.0)
        image.set_clim(style.get("vmin", low), style.get("vmax", high))
        title_text.set_text(title)
        return image


COUNTS_LAYOUT = {"left": 0.1, "right": 0.94, "bottom": 0.17, "top": 0.88, "wspace": 0.22}


def colour_bar(canvas, i, image):
    """A colour bar beside heatmap `image` on axes `i`: a gradient strip with its low, middle
    and high values written as text (plain text, no tick machinery, so a redraw stays fast).

    The strip is made once per axes; each call rewrites the three values from the image's
    current colour limits. Returns the three Text artists (low, middle, high).
    """
    kept = canvas.reused.get(f"colour bar {i}")
    if kept is None:
        cax = canvas.axes[i].inset_axes([1.02, 0.0, 0.035, 1.0])
        strip = cax.imshow(np.linspace(0, 1, 64)[:, None], aspect="auto", origin="lower",
                           extent=(0, 1, 0, 1))
        cax.set_axis_off()
        texts = [cax.text(1.3, y, "", va=va, ha="left", fontsize=7, transform=cax.transAxes)
                 for y, va in ((0.0, "bottom"), (0.5, "center"), (1.0, "top"))]
        kept = canvas.reused[f"colour bar {i}"] = (strip, texts)
    strip, texts = kept
    strip.set_cmap(image.get_cmap())
    low, high = image.get_clim()
    for text, value in zip(texts, (low, (low + high) / 2, high), strict=True):
        text.set_text(f"{value:.2g}")
    return texts


def draw_counts(window=4, weighting="harmonic", direction="both", numbers=False,
                words=TOY_WORDS, canvas=None):
    """Heatmaps of the toy counts X (direction as chosen) and of X_right - X_rightᵀ.

    Both panels show the rows and columns of `words` only (at most 12 words of the toy
    vocabulary); each panel has a colour bar, and `numbers` also writes each value in its
    cell, in both panels. `canvas` (a `Canvas`) is redrawn
    in place; by default a new one. Returns (Figure, caption). Introduced in 01_cooccurrence.
    """
    toy = data.toy()
    words = tuple(words)
    if not 1 <= len(words) <= 12:
        raise ValueError(f"Pick between 1 and 12 words to show, got {len(words)}.")
    rows = toy.vocab.encode(words)
    docs, V = list(toy.docs), len(toy.vocab)
    X = cooccurrence.count(docs, V, window, weighting, direction)
    X_right = cooccurrence.count(docs, V, window, weighting, "right")
    shown = X[rows][:, rows].toarray()  # (k, k)
    asymmetry = (X_right - X_right.T)[rows][:, rows].toarray()  # (k, k)
    canvas = Canvas(9.0, 4.4, ncols=2, **COUNTS_LAYOUT) if canvas is None else canvas
    fig, (left, right) = canvas.fig, canvas.axes
    image = canvas.heatmap(0, np.where(shown > 0, shown, np.nan), words, words,
                           f"X ({direction}, window {window}, {weighting}); blank = 0")
    colour_bar(canvas, 0, image)
    bound = float(np.abs(asymmetry).max()) or 1.0
    image = canvas.heatmap(1, asymmetry, words, [""] * len(words),
                           "X_right − X_rightᵀ: red = w follows u more often", row_names=False,
                           cmap="RdBu_r", vmin=-bound, vmax=bound)
    colour_bar(canvas, 1, image)
    if numbers:
        middle = (shown.max() + shown[shown > 0].min()) / 2
        for (i, j), v in np.ndenumerate(shown):
            if v > 0:
                left.text(j, i, f"{v:.2g}", ha="center", va="center", fontsize=7,
                          color="black" if v > middle else "white")
        for (i, j), v in np.ndenumerate(asymmetry):
            if v != 0:
                right.text(j, i, f"{v:.2g}", ha="center", va="center", fontsize=7)
    u, w = toy.vocab.index["bank"], toy.vocab.index["river"]
    caption = ("rows: u (centre word), columns: w (context word).   "
               f"X[bank, river] = {X[u, w]:.3f}   X[river, bank] = {X[w, u]:.3f}   "
               f"sum of all counts = {X.sum():.2f}   symmetric: {abs(X - X.T).max() < 1e-12}")
    return fig, caption


def counts_explorer() -> Explorer:
    """Window, weighting and direction controls redrawing `draw_counts`."""
    controls = {
        "window": widgets.IntSlider(value=4, min=1, max=10, description="window K"),
        "weighting": widgets.ToggleButtons(options=list(cooccurrence.WEIGHTINGS),
                                           value="harmonic", description="weighting"),
        "direction": widgets.ToggleButtons(options=list(cooccurrence.DIRECTIONS),
                                           value="both", description="direction"),
        "numbers": widgets.Checkbox(value=False, description="show the numbers"),
    }
    canvas = Canvas(9.0, 4.4, ncols=2, **COUNTS_LAYOUT)

    def draw(window, weighting, direction, numbers):
        return draw_counts(window, weighting, direction, numbers, canvas=canvas)

    return Explorer(draw, controls, "Co-occurrence counts on the toy corpus")


def neighbour_tables(counted):
    """Per-word scores for the neighbour lists: raw counts X and PPMI (plain and cds 0.75).

    Returns a dict of dense (|V|, |V|) arrays with each word's own entry set to -inf.
    """
    tables = {
        "raw counts X": counted.X.toarray(),
        "PPMI": cooccurrence.ppmi(counted.X).toarray(),
        "PPMI, cds 0.75": cooccurrence.ppmi(counted.X, cds=0.75).toarray(),
    }
    for table in tables.values():
        np.fill_diagonal(table, -np.inf)
    return tables


def make_draw_neighbours(counted, tables):
    """A drawing function (word, k, operator) -> (Figure, caption) for the Lee neighbours."""
    vocab = counted.vocab
    canvas = Canvas(9.0, 3.2, ncols=2, left=0.14, right=0.98, wspace=0.4)

    def draw_neighbours(word="bank", k=10, operator="PPMI"):
        """Top-k neighbours of `word` by raw counts (left) and by `operator` (right)."""
        word = word.strip().lower()
        if word not in vocab:
            examples = ", ".join(w for w in NEIGHBOUR_EXAMPLES if w in vocab)
            raise ValueError(
                f"'{word[:40]}{'...' if len(word) > 40 else ''}' is not in the Lee vocabulary "
                f"({len(vocab)} words seen at least 5 "
                f"times). Pick a word from the list, e.g. {examples}."
            )
        if operator not in tables or operator == "raw counts X":
            raise ValueError(f"operator must be 'PPMI' or 'PPMI, cds 0.75', got {operator!r}.")
        u = vocab.index[word]
        height = 0.22 * k + 1.0
        fig, axes = canvas.clear(height, bottom=0.1 / height, top=1 - 0.35 / height)
        for ax, name, color in zip(axes, ("raw counts X", operator), ("C0", "C2"), strict=True):
            scores = tables[name][u]  # (|V|,)
            top = np.argsort(-scores, kind="stable")[:k]
            top = top[scores[top] > 0]
            fast_bars(ax, vocab.decode(top), scores[top], f"{name}: top {k}", color)
        caption = (f"'{word}' occurs {vocab.count(word)} times; it co-occurs with "
                   f"{counted.X[u].nnz} different words.")
        return fig, caption

    return draw_neighbours


def neighbours_explorer(counted=None) -> Explorer:
    """A word picker on the Lee vocabulary showing neighbours by counts against PPMI."""
    counted = data.lee() if counted is None else counted
    draw = make_draw_neighbours(counted, neighbour_tables(counted))
    controls = {
        "word": widgets.Combobox(value="bank", options=sorted(counted.vocab.words),
                                 ensure_option=False, continuous_update=False,
                                 description="word", placeholder="type a word"),
        "k": widgets.IntSlider(value=10, min=3, max=20, description="top k"),
        "operator": widgets.Dropdown(options=["PPMI", "PPMI, cds 0.75"], value="PPMI",
                                     description="compare with"),
    }
    return Explorer(draw, controls, "Nearest neighbours on the Lee corpus: counts vs PPMI")


def explorers() -> dict[str, Explorer]:
    """Every explorer of 01_cooccurrence, built with the notebook's default data."""
    return {"counts": counts_explorer(), "neighbours": neighbours_explorer()}
