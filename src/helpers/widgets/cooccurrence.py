"""Explorers for 01_cooccurrence: windowed counts on the toy corpus, neighbours on Lee.

`draw_counts` redraws the toy corpus's counts X for a window, a weighting and a direction,
beside the asymmetry X_right - X_rightᵀ. `draw_neighbours` lists a Lee word's top neighbours
under raw counts and under PPMI side by side. Introduced in 01_cooccurrence.
"""

import ipywidgets as widgets
import numpy as np
from matplotlib.text import Text

from .. import cooccurrence, data
from ..corpus import TOY_WORDS
from ..plots import fast_bars
from .base import Explorer
from .canvas import Canvas, ColourBar

NEIGHBOUR_EXAMPLES = ("bank", "money", "fire", "police", "government", "president")


COUNTS_LAYOUT = {"left": 0.1, "right": 0.94, "bottom": 0.17, "top": 0.88, "wspace": 0.22}


def colour_bars(canvas):
    """The two panels' colour bars, made once per canvas (`ColourBar` beside each axes)."""
    if "colour bars" not in canvas.reused:
        canvas.reused["colour bars"] = [
            ColourBar.beside(ax, gap=0.02 * ax.get_position().width,
                             width=0.035 * ax.get_position().width) for ax in canvas.axes]
    return canvas.reused["colour bars"]


def cell_numbers(canvas, words):
    """Per panel, the cell Texts (k², row by row) for the numbers, made once per word list.

    `Canvas.heatmap` removes an axes' other texts on every update, so they are added back.
    """
    made = canvas.reused.get("cell numbers")
    if made is None or made[0] != words:
        k = len(words)
        made = canvas.reused["cell numbers"] = (words, [
            [Text(j, i, "", ha="center", va="center", fontsize=7) for i, j in np.ndindex(k, k)]
            for _ in canvas.axes])
    for ax, texts in zip(canvas.axes, made[1], strict=True):
        for text in texts:
            ax.add_artist(text)
    return made[1]


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
    fig = canvas.fig
    image = canvas.heatmap(0, np.where(shown > 0, shown, np.nan), words, words,
                           f"X ({direction}, window {window}, {weighting}); blank = 0")
    left_bar, right_bar = colour_bars(canvas)
    left_bar.show(*image.get_clim(), cmap=image.get_cmap())
    bound = float(np.abs(asymmetry).max()) or 1.0
    image = canvas.heatmap(1, asymmetry, words, [""] * len(words),
                           "X_right − X_rightᵀ: red = w follows u more often", row_names=False,
                           cmap="RdBu_r", vmin=-bound, vmax=bound)
    right_bar.show(*image.get_clim(), cmap=image.get_cmap())
    cells = ([], [])
    if numbers:
        cells = cell_numbers(canvas, words)
        middle = (shown.max() + shown[shown > 0].min()) / 2
        for text, v in zip(cells[0], shown.ravel(), strict=True):
            text.set_text(f"{v:.2g}" if v > 0 else "")
            text.set_color("black" if v > middle else "white")
        for text, v in zip(cells[1], asymmetry.ravel(), strict=True):
            text.set_text(f"{v:.2g}" if v != 0 else "")
    canvas.freeze_labels(words, *left_bar.texts, *right_bar.texts, *cells[0], *cells[1])
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
