"""Explorers for 02_glove: the weighting f, a GloVe fit you can watch, neighbours by W, W̃, W + W̃.

`draw_weighting` plots f(x) = min((x / x_max)^α, 1) over the range of the Lee counts and says
how much of the corpus each setting caps. `draw_toy_fit` trains 2-D GloVe on the toy corpus
(milliseconds) and shows the loss curve beside every word vector. `make_draw_neighbours`
lists a word's cosine neighbours in a chosen vector set of a trained Lee model.
`progress_bar` gives `glove.train` a notebook progress bar. Introduced in 02_glove.
"""

import ipywidgets as widgets
import numpy as np
from matplotlib.ticker import FuncFormatter, NullLocator

from .. import data, evaluate, glove
from ..plots import bars, new_figure
from .base import Explorer

TOY_SHOWN = ("bank", "river", "water", "muddy", "fish", "loan", "money", "interest",
             "approved", "the", "of", "grassy")
VECTOR_SETS = ("W + W̃", "W", "W̃")
NEIGHBOUR_EXAMPLES = ("fire", "police", "government", "australia", "president", "afghanistan")


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


def draw_weighting(x_max=100.0, alpha=0.75, counts=None, histogram=None):
    """f(x) on a log-x axis over the histogram of `counts` (default: Lee's nonzero X).

    Returns (Figure, caption): the caption says what share of the nonzero counts reach the cap
    f = 1 and what share of the total weight Σf they carry. `histogram` is
    `count_histogram(counts)`, computed here when not given.
    """
    counts = data.lee().X.data if counts is None else np.asarray(counts, dtype=float)
    f_counts = glove.weighting(counts, x_max, alpha)  # raises ValueError on bad settings
    edges, heights = count_histogram(counts) if histogram is None else histogram
    x = np.geomspace(edges[0], max(edges[-1], 2 * x_max), 120)
    fig, ax = new_figure(6.4, 3.4)
    ax.stairs(heights / heights.max(), edges, fill=True, color="0.88",
              label="nonzero counts (histogram, peak = 1)")
    ax.plot(x, glove.weighting(x, x_max, alpha), color="C0", lw=2, label="f(x)")
    ax.axvline(x_max, color="C3", ls="--", lw=1, label="x_max")
    ax.set_xscale("log")
    ax.xaxis.set_minor_locator(NullLocator())  # plain labels: mathtext ticks are slow to draw
    ax.xaxis.set_major_formatter(FuncFormatter(lambda value, _: f"{value:g}"))
    ax.set_ylim(0, 1.05)
    ax.set_xlabel("co-occurrence count x (log scale)")
    ax.set_ylabel("f(x)")
    ax.legend(fontsize=7, loc="upper left")
    ax.set_title(f"f(x) = min((x / {x_max:g})^{alpha:g}, 1) over the Lee counts", fontsize=10)
    capped = counts >= x_max
    caption = (f"{capped.sum():,} of {counts.size:,} nonzero counts ({capped.mean():.2%}) reach "
               f"f = 1; they carry {f_counts[capped].sum() / f_counts.sum():.1%} of Σf. "
               f"Median f = {np.median(f_counts):.4f}.")
    return fig, caption


def weighting_explorer(counts=None) -> Explorer:
    """x_max and α sliders redrawing `draw_weighting` over the Lee counts."""
    counts = data.lee().X.data if counts is None else np.asarray(counts, dtype=float)
    histogram = count_histogram(counts)

    def draw(x_max, alpha):
        return draw_weighting(x_max, alpha, counts, histogram)

    controls = {
        "x_max": widgets.FloatLogSlider(value=100, base=10, min=0, max=3, step=0.1,
                                        description="x_max"),
        "alpha": widgets.FloatSlider(value=0.75, min=0.0, max=1.5, step=0.05,
                                     description="α"),
    }
    return Explorer(draw, controls, "GloVe's weighting f(x) over the Lee counts")


def draw_toy_fit(x_max=10.0, alpha=0.75, learning_rate=0.05, epochs=200, vectors="W + W̃",
                 seed=0, words=TOY_SHOWN):
    """Train 2-D GloVe on the toy counts and plot its cost per epoch beside the word vectors.

    Returns (Figure, caption). Training takes milliseconds, so every control change refits.
    """
    toy = data.toy()
    if vectors not in VECTOR_SETS:
        raise ValueError(f"vectors must be one of {VECTOR_SETS}, got {vectors!r}.")
    fit = glove.train(toy.X, dim=2, x_max=x_max, alpha=alpha, learning_rate=learning_rate,
                      epochs=epochs, seed=seed)
    chosen = {"W + W̃": fit.vectors, "W": fit.W, "W̃": fit.W_context}[vectors]
    ids = toy.vocab.encode(words)
    points = chosen[ids]  # (k, 2)
    fig, axes = new_figure(9.0, 3.6, ncols=2)
    left, right = axes[0]
    left.plot(np.arange(1, epochs + 1), fit.costs, color="C0")
    left.set_ylim(0, None)
    left.set_xlabel("epoch")
    left.set_ylabel("cost (mean ½·f·error²)")
    left.set_title("training cost", fontsize=10)
    right.scatter(points[:, 0], points[:, 1], s=12, color="C1")
    for word, (px, py) in zip(words, points, strict=True):
        right.annotate(word, (px, py), fontsize=8, xytext=(2, 2), textcoords="offset points")
    right.axhline(0, color="0.85", lw=0.8)
    right.axvline(0, color="0.85", lw=0.8)
    right.set_title(f"toy words, {vectors} (d = 2)", fontsize=10)
    caption = (f"cost {fit.costs[0]:.4f} after epoch 1, {fit.costs[-1]:.4f} after epoch "
               f"{epochs}; max X on the toy corpus = {toy.X.max():.2f}, so f <= "
               f"{glove.weighting(toy.X.max(), x_max, alpha):.2f}.")
    return fig, caption


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
    return Explorer(draw_toy_fit, controls, "2-D GloVe on the toy corpus")


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
        fig, ax = new_figure(5.0, 0.25 * k + 1.2)
        bars(ax, vocab.decode(top), cosines[top], title=f"{vectors}: neighbours of '{word}'")
        ax.set_xlabel("cosine")
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
