"""Explorers for 02_glove: the weighting f, a GloVe fit you can watch, neighbours by W, W̃, W + W̃.

`draw_weighting` plots f(x) = min((x / x_max)^α, 1) over the range of the Lee counts and says
how much of the corpus each setting caps. `draw_toy_fit` trains 2-D GloVe on the toy corpus
(milliseconds) and shows the loss curve beside every word vector. `make_draw_neighbours`
lists a word's cosine neighbours in a chosen vector set of a trained Lee model.
`progress_bar` gives `glove.train` a notebook progress bar. Introduced in 02_glove.
"""

import ipywidgets as widgets
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.ticker import FixedLocator, FuncFormatter, NullLocator

from .. import data, evaluate, glove
from ..plots import fast_bars
from .base import Explorer
from .canvas import Canvas

TOY_SHOWN = ("bank", "river", "water", "muddy", "fish", "loan", "money", "interest",
             "approved", "the", "of", "grassy")
VECTOR_SETS = ("W + W̃", "W", "W̃")
NEIGHBOUR_EXAMPLES = ("fire", "police", "government", "australia", "president", "afghanistan")


# label offsets tried in turn, in points from the dot: (dx, dy, ha, va), then farther out
LABEL_OFFSETS = ((4, 2, "left", "bottom"), (4, -2, "left", "top"), (-4, 2, "right", "bottom"),
                 (-4, -2, "right", "top"), (0, 5, "center", "bottom"), (0, -5, "center", "top"),
                 (5, 0, "left", "center"), (-5, 0, "right", "center"))


# how far along a label's width (ha) or height (va) its anchor sits
ANCHOR_SHARE = {"left": 0.0, "bottom": 0.0, "center": 0.5, "right": 1.0, "top": 1.0}


def place_labels(ax, texts, xy):
    """Move each Text of `texts` next to its point of `xy` (k, 2) so that no two labels overlap.

    Greedy, in the given order (put the labels that matter most first): each label takes the
    first offset of `LABEL_OFFSETS` (scaled 1, 2, 3, 4, 6 times) whose box lies inside the axes and
    meets no label placed before it; if none is free it takes the first offset. Each label's
    size is measured once and its boxes at the offsets follow from it. Call it after the axes'
    limits and aspect are final. Returns the number of labels with no free spot.
    """
    canvas = ax.figure.canvas
    if not hasattr(canvas, "get_renderer"):
        canvas = FigureCanvasAgg(ax.figure)
    renderer = canvas.get_renderer()
    ax.apply_aspect()
    inside = ax.get_window_extent(renderer).extents  # (x0, y0, x1, y1) in pixels
    to_data = ax.transData.inverted()
    points = ax.figure.dpi / 72  # pixels per point
    candidates = [(scale * dx * points, scale * dy * points, ha, va) for scale in (1, 2, 3, 4, 6)
                  for dx, dy, ha, va in LABEL_OFFSETS]
    placed, crowded = [], 0
    anchors = ax.transData.transform(np.asarray(xy, dtype=float).reshape(-1, 2))
    for text, (px, py) in zip(texts, anchors, strict=True):
        size = text.get_window_extent(renderer).size  # (width, height), whatever the anchor
        spots = [_label_box(px + dx, py + dy, ha, va, size) for dx, dy, ha, va in candidates]
        free = next((k for k, spot in enumerate(spots)
                     if spot[0] >= inside[0] and spot[1] >= inside[1] and spot[2] <= inside[2]
                     and spot[3] <= inside[3] and not any(_overlap(spot, b) for b in placed)),
                    None)
        crowded += free is None
        k = free or 0
        dx, dy, ha, va = candidates[k]
        text.set_position(to_data.transform((px + dx, py + dy)))
        text.set_horizontalalignment(ha)
        text.set_verticalalignment(va)
        placed.append(spots[k])
    return crowded


def _label_box(x, y, ha, va, size):
    """The box (x0, y0, x1, y1) in pixels of a label of `size` (width, height) anchored at
    pixel (x, y) with alignments `ha`, `va`."""
    x0, y0 = x - ANCHOR_SHARE[ha] * size[0], y - ANCHOR_SHARE[va] * size[1]
    return x0, y0, x0 + size[0], y0 + size[1]


def _overlap(a, b):
    """Whether boxes (x0, y0, x1, y1) `a` and `b` share an area."""
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def equal_limits(ax, low, high, pad=0.12):
    """Axis limits ((x0, x1), (y0, y1)) that hold the box `low`..`high` (2,) with a margin of
    `pad` of its size and give one data unit the same length on both axes of `ax`."""
    position = ax.get_position()
    box = position.width * ax.figure.get_figwidth() / (position.height * ax.figure.get_figheight())
    centre = (np.asarray(low, dtype=float) + high) / 2
    size = (1 + 2 * pad) * (np.asarray(high, dtype=float) - low) + 1e-9
    size = np.maximum(size, [size[1] * box, size[0] / box])  # widen the short side
    return tuple(zip(centre - size / 2, centre + size / 2, strict=True))


def label_points(ax, xy, labels, fontsize=8, **style):
    """Write `labels` beside the points `xy` (k, 2) of `ax` without overlaps (`place_labels`).

    Returns the list of Text artists. Introduced in 02_glove.
    """
    texts = [ax.text(0, 0, label, fontsize=fontsize, **style) for label in labels]
    place_labels(ax, texts, xy)
    return texts


def progress_bar(total, description="epoch"):
    """A notebook progress bar and the `progress(epoch, cost)` callback that advances it.

    Returns (IntProgress, callback); display the bar, then pass the callback to
    `glove.train(..., progress=callback)`.
    """
    bar = widgets.IntProgress(value=0, min=0, max=total, description=description)

    def callback(epoch, cost):
        bar.value = epoch + 1
        bar.description = f"cost {cost:.4f}"

    return bar, callback


def count_histogram(counts, bins=40):
    """Histogram of nonzero counts on log-spaced bins: (edges (bins + 1,), heights (bins,))."""
    counts = np.asarray(counts, dtype=float)
    edges = np.geomspace(counts.min(), counts.max() * 1.001, bins + 1)
    return edges, np.histogram(counts, bins=edges)[0]


WEIGHTING_LAYOUT = {"left": 0.1, "right": 0.98, "bottom": 0.16, "top": 0.9}


def distinct_counts(counts):
    """The distinct nonzero counts (m,) and how often each occurs (m,): `np.unique`."""
    return np.unique(np.asarray(counts, dtype=float), return_counts=True)


def draw_weighting(x_max=100.0, alpha=0.75, counts=None, histogram=None, canvas=None,
                   distinct=None):
    """f(x) on a log-x axis over the histogram of `counts` (default: Lee's nonzero X).

    Returns (Figure, caption): the caption says what share of the nonzero counts reach the cap
    f = 1 and what share of the total weight Σf they carry. `histogram` is
    `count_histogram(counts)`, computed here when not given; `canvas` (a `Canvas`) is redrawn
    in place, by default a new one; `distinct` is `distinct_counts(counts)`, so the caption's
    sums run over the few distinct values. Few plain ticks and a fixed layout keep a redraw fast.
    """
    counts = data.lee().X.data if counts is None else np.asarray(counts, dtype=float)
    values, times = distinct_counts(counts) if distinct is None else distinct  # (m,), (m,)
    f_values = glove.weighting(values, x_max, alpha)  # raises ValueError on bad settings
    edges, heights = count_histogram(counts) if histogram is None else histogram
    x = np.geomspace(edges[0], max(edges[-1], 2 * x_max), 120)
    canvas = Canvas(6.4, 3.4, **WEIGHTING_LAYOUT) if canvas is None else canvas
    fig, (ax,) = canvas.clear()
    ax.stairs(heights / heights.max(), edges, fill=True, color="0.88")
    ax.plot(x, glove.weighting(x, x_max, alpha), color="C0", lw=2)
    ax.axvline(x_max, color="C3", ls="--", lw=1)
    if ax.get_xscale() != "log":
        ax.set_xscale("log")
        ax.xaxis.set_minor_locator(NullLocator())
        ax.xaxis.set_major_formatter(FuncFormatter(lambda value, _: f"{value:g}"))
        ax.yaxis.set_major_locator(FixedLocator([0.0, 0.5, 1.0]))
        ax.set_xlabel("co-occurrence count x (log scale)")
        ax.set_ylabel("f(x)")
    decades = 10.0 ** np.arange(np.ceil(np.log10(x[0])), np.floor(np.log10(x[-1])) + 1)
    ax.xaxis.set_major_locator(FixedLocator(decades))
    ax.set_xlim(x[0], x[-1])
    ax.set_ylim(0, 1.05)
    ax.text(0.01, 0.98, "blue: f(x)   red dashed: x_max   grey: histogram of the nonzero counts"
            " (peak = 1)", transform=ax.transAxes, ha="left", va="top", fontsize=7)
    ax.text(0.5, 1.02, f"f(x) = min((x / {x_max:g})^{alpha:g}, 1) over the Lee counts",
            transform=ax.transAxes, ha="center", va="bottom", fontsize=10)
    capped = values >= x_max
    n, n_capped = times.sum(), times[capped].sum()
    f_total = f_values * times
    # f is nondecreasing, so the median of f(x) is f at the median count(s)
    middle = np.searchsorted(np.cumsum(times), [(n - 1) // 2 + 1, n // 2 + 1])
    caption = (f"{n_capped:,} of {n:,} nonzero counts ({n_capped / n:.2%}) reach "
               f"f = 1; they carry {f_total[capped].sum() / f_total.sum():.1%} of Σf. "
               f"Median f = {f_values[middle].mean():.4f}.")
    return fig, caption


def weighting_explorer(counts=None) -> Explorer:
    """x_max and α sliders redrawing `draw_weighting` over the Lee counts."""
    counts = data.lee().X.data if counts is None else np.asarray(counts, dtype=float)
    histogram = count_histogram(counts)
    distinct = distinct_counts(counts)
    canvas = Canvas(6.4, 3.4, **WEIGHTING_LAYOUT)

    def draw(x_max, alpha):
        return draw_weighting(x_max, alpha, counts, histogram, canvas, distinct)

    controls = {
        "x_max": widgets.FloatLogSlider(value=100, base=10, min=0, max=3, step=0.1,
                                        description="x_max"),
        "alpha": widgets.FloatSlider(value=0.75, min=0.0, max=1.5, step=0.05,
                                     description="α"),
    }
    return Explorer(draw, controls, "GloVe's weighting f(x) over the Lee counts")


TOY_FIT_LAYOUT = {"left": 0.08, "right": 0.98, "bottom": 0.15, "top": 0.9, "wspace": 0.12}


def toy_fit_frame(canvas):
    """Draw the toy fit's fixed parts once (both frames, axis names, the cost panel's title)
    and make the artists an update changes; returns them by name."""
    left, right = canvas.axes
    for ax in (left, right):
        ax.set_xticks([])
        ax.set_yticks([])
    left.text(0.5, -0.1, "epoch", transform=left.transAxes, ha="center", va="top", fontsize=8)
    left.text(-0.13, 0.5, "cost", transform=left.transAxes, ha="center", va="center",
              rotation=90, fontsize=8)
    left.text(0.5, 1.02, "cost (mean ½·f·error²) per epoch", transform=left.transAxes,
              ha="center", va="bottom", fontsize=10)
    tick = {"fontsize": 7, "transform": left.transAxes}
    return {
        "curve": left.plot([], [], color="C0")[0],
        "x ticks": [left.text(x, -0.03, "", ha=ha, va="top", **tick)
                    for x, ha in ((0.0, "left"), (0.5, "center"), (1.0, "right"))],
        "y ticks": [left.text(-0.02, y, "", ha="right", va=va, **tick)
                    for y, va in ((0.0, "bottom"), (0.5, "center"), (1.0, "top"))],
        "axes lines": [right.axhline(0, color="0.85", lw=0.8), right.axvline(0, color="0.85",
                                                                            lw=0.8)],
        "title": right.text(0.5, 1.02, "", transform=right.transAxes, ha="center",
                            va="bottom", fontsize=10),
    }


def draw_toy_fit(x_max=10.0, alpha=0.75, learning_rate=0.05, epochs=200, vectors="W + W̃",
                 seed=0, words=TOY_SHOWN, canvas=None):
    """Train 2-D GloVe on the toy counts and plot its cost per epoch beside the word vectors.

    Returns (Figure, caption). Training takes milliseconds, so every control change refits.
    `canvas` (a `Canvas` with two axes) is redrawn in place, by default a new one; its fixed
    parts are drawn once and frozen (`toy_fit_frame`), and the cost panel's three ticks per
    axis are plain texts.
    """
    toy = data.toy()
    if vectors not in VECTOR_SETS:
        raise ValueError(f"vectors must be one of {VECTOR_SETS}, got {vectors!r}.")
    fit = glove.train(toy.X, dim=2, x_max=x_max, alpha=alpha, learning_rate=learning_rate,
                      epochs=epochs, seed=seed)
    chosen = {"W + W̃": fit.vectors, "W": fit.W, "W̃": fit.W_context}[vectors]
    ids = toy.vocab.encode(words)
    points = chosen[ids]  # (k, 2)
    canvas = Canvas(9.0, 3.2, ncols=2, **TOY_FIT_LAYOUT) if canvas is None else canvas
    fig, (left, right) = canvas.fig, canvas.axes
    if "frame" not in canvas.reused:
        canvas.reused["frame"] = toy_fit_frame(canvas)
    live = canvas.relabel(tuple(words), lambda: {**canvas.reused["frame"],
                                                 **toy_points(canvas, words)})
    top = 1.05 * float(np.max(fit.costs)) or 1.0
    live["curve"].set_data(np.arange(1, epochs + 1), fit.costs)
    left.set_xlim(1, max(epochs, 2))
    left.set_ylim(0, top)
    for text, value in zip(live["x ticks"], (1, max(epochs, 2) // 2, max(epochs, 2)),
                           strict=True):
        text.set_text(f"{value}")
    for text, value in zip(live["y ticks"], (0.0, top / 2, top), strict=True):
        text.set_text(f"{value:.2g}")
    live["dots"].set_offsets(points)
    live["title"].set_text(f"toy words, {vectors} (d = 2; equal axes through 0)")
    low, high = np.minimum(points.min(axis=0), 0), np.maximum(points.max(axis=0), 0)
    (x0, x1), (y0, y1) = equal_limits(right, low, high)
    right.set_xlim(x0, x1)
    right.set_ylim(y0, y1)
    place_labels(right, live["labels"], points)
    caption = (f"cost {fit.costs[0]:.4f} after epoch 1, {fit.costs[-1]:.4f} after epoch "
               f"{epochs}; max X on the toy corpus = {toy.X.max():.2f}, so f <= "
               f"{glove.weighting(toy.X.max(), x_max, alpha):.2f}.")
    return fig, caption


def toy_points(canvas, words):
    """The word dots and their labels on the toy fit's right panel, by name (the ones made for
    other words before are removed)."""
    right = canvas.axes[1]
    for artist in canvas.reused.pop("points", []):
        artist.remove()
    made = {"dots": right.scatter(np.zeros(len(words)), np.zeros(len(words)), s=12,
                                  color="C1"),
            "labels": [right.text(0, 0, word, fontsize=8) for word in words]}
    canvas.reused["points"] = [made["dots"], *made["labels"]]
    return made


def toy_fit_explorer() -> Explorer:
    """Sliders for x_max, α, learning rate and epochs refitting 2-D GloVe on the toy corpus."""
    controls = {
        "x_max": widgets.FloatLogSlider(value=10, base=10, min=0, max=2, step=0.1,
                                        description="x_max"),
        "alpha": widgets.FloatSlider(value=0.75, min=0.0, max=1.5, step=0.05,
                                     description="α"),
        "learning_rate": widgets.FloatLogSlider(value=0.05, base=10, min=-3, max=0, step=0.1,
                                                description="learning rate"),
        "epochs": widgets.IntSlider(value=200, min=10, max=500, step=10, description="epochs"),
        "vectors": widgets.ToggleButtons(options=list(VECTOR_SETS), value="W + W̃",
                                         description="vectors"),
    }
    canvas = Canvas(9.0, 3.2, ncols=2, **TOY_FIT_LAYOUT)

    def draw(x_max, alpha, learning_rate, epochs, vectors):
        return draw_toy_fit(x_max, alpha, learning_rate, epochs, vectors, canvas=canvas)

    return Explorer(draw, controls, "2-D GloVe on the toy corpus")


def vector_sets(fit) -> dict[str, np.ndarray]:
    """The three embeddings of a fit, by name: W + W̃, W and W̃, each (|V|, d)."""
    return {"W + W̃": fit.vectors, "W": fit.W, "W̃": fit.W_context}


def make_draw_neighbours(vocab, models):
    """A drawing function (word, model, vectors, k) -> (Figure, caption) over trained models.

    `models` maps a name to a `GloVe` fit on `vocab`. Unit vectors are precomputed, so a
    redraw is one matrix-vector product.
    """
    unit = {(name, which): evaluate.normalise(v)
            for name, fit in models.items() for which, v in vector_sets(fit).items()}
    canvas = Canvas(5.0, 3.0, left=0.25, right=0.97)

    def draw_neighbours(word="fire", model=None, vectors="W + W̃", k=10):
        """Top-k cosine neighbours of `word` in the chosen vector set of the chosen model."""
        word = word.strip().lower()
        model = next(iter(models)) if model is None else model
        if word not in vocab:
            examples = ", ".join(w for w in NEIGHBOUR_EXAMPLES if w in vocab)
            raise ValueError(
                f"'{word[:40]}{'...' if len(word) > 40 else ''}' is not in the Lee vocabulary "
                f"({len(vocab)} words seen at least 5 times). Try e.g. {examples}."
            )
        if (model, vectors) not in unit:
            raise ValueError(f"Choose a model from {list(models)} and vectors from "
                             f"{list(VECTOR_SETS)}.")
        u = vocab.index[word]
        cosines = unit[model, vectors] @ unit[model, vectors][u]  # (|V|,)
        cosines[u] = -np.inf
        top = np.argsort(-cosines, kind="stable")[:k]
        height = 0.22 * k + 1.0
        fig, (ax,) = canvas.clear(height, bottom=0.1 / height, top=1 - 0.35 / height)
        fast_bars(ax, vocab.decode(top), np.maximum(cosines[top], 0.0),
                  f"{vectors}: cosine neighbours of '{word}'", "C0")
        own = float(unit[model, "W"][u] @ unit[model, "W̃"][u])
        caption = (f"{model}: cos(w, w̃) for '{word}' itself = {own:.3f}; "
                   f"'{word}' occurs {vocab.count(word)} times.")
        return fig, caption

    return draw_neighbours


def lee_models() -> dict:
    """The cached Lee fits the neighbour explorer offers, by display name."""
    return {
        "x_max 10, both sides": data.lee_glove(x_max=10.0),
        "x_max 100, both sides": data.lee_glove(x_max=100.0),
        "x_max 100, right only": data.lee_glove(x_max=100.0, direction="right"),
    }


def neighbours_explorer(models=None) -> Explorer:
    """Type a word, choose a model and W, W̃ or W + W̃: its cosine neighbours on Lee."""
    vocab = data.lee().vocab
    models = lee_models() if models is None else models
    draw = make_draw_neighbours(vocab, models)
    controls = {
        "word": widgets.Combobox(value="fire", options=sorted(vocab.words), ensure_option=False,
                                 continuous_update=False, description="word",
                                 placeholder="type a word"),
        "model": widgets.Dropdown(options=list(models), value=next(iter(models)),
                                  description="model"),
        "vectors": widgets.ToggleButtons(options=list(VECTOR_SETS), value="W + W̃",
                                         description="vectors"),
        "k": widgets.IntSlider(value=10, min=3, max=20, description="top k"),
    }
    return Explorer(draw, controls, "GloVe neighbours on the Lee corpus")


def explorers() -> dict[str, Explorer]:
    """Every explorer of 02_glove, built with the notebook's default data."""
    return {"weighting": weighting_explorer(), "toy_fit": toy_fit_explorer(),
            "neighbours": neighbours_explorer()}
