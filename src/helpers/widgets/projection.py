"""Explorers for 03_projection: M = O S Oᵀ and softmax attention, E = M (O S), GloVe's KL.

`draw_attention` shows, for a typed sentence, the projection M = O S Oᵀ, the softmax of a
choice of logits and the exact restricted conditional side by side. `draw_predictions` puts
a focus word's sentence-restricted predictions E[i] beside its context-free row of S and the
full two-hop row O S². `draw_glove_kl` compares GloVe attention of width d with the exact
restricted conditional. The explorers draw what `helpers.projection` computes: the operators
come in as a `projection.Operators`, the KL sweep as numbers. Introduced in 03_projection.
"""

import functools

import ipywidgets as widgets
import numpy as np
from matplotlib.ticker import MaxNLocator

from .. import cooccurrence, corpus, data, plots, projection
from ..attention import softmax
from .base import Explorer
from .canvas import Canvas, ColourBar

ATTENTION_SENTENCE = "the reserve bank cut interest rates again"
PREDICTION_SENTENCE = "israeli troops in the west bank"
S_VARIANTS = ("log(1 + X)", "PPMI", "GloVe W W̃ᵀ")
LOGIT_VARIANTS = ("log X", "PMI", "GloVe w·w̃ + b̃", "M itself")
PREDICTION_VARIANTS = ("PPMI", "log(1 + X)")
KL_DIMS = (2, 5, 10, 25, 50, 100)
KL_SAMPLE = {"length": 12, "count": 300, "seed": 0}
SMOOTHING = 1.0  # the pseudo-count ε of "smooth": log(X + 1) = log(1 + X)


def lee_operators() -> projection.Operators:
    """The Lee operators with the d = 50 GloVe fit (from the disk cache), for the default builds."""
    return projection.operators(data.lee(), data.lee_glove(dim=50))


def panels(width, height, ncols, wspace=0.12, left=0.09, bottom=0.24):
    """A `Canvas` with `ncols` axes in a row and a fixed layout, built once per explorer.

    A fixed layout draws once per PNG, where a constrained layout draws twice; reusing the axes
    saves building them on every update.
    """
    return Canvas(width, height, ncols, left=left, right=0.99, bottom=bottom, top=0.9,
                  wspace=wspace)


def side_by_side(canvas, i, left, right, words, left_title, right_title, row_names=False):
    """Two (n, n) row-stochastic matrices in one image on one colour scale [0, 1], a gap between.

    One Axes instead of two keeps an update fast; the shared scale makes them comparable. Only
    the left half's columns are labelled (the right half has the same columns): fewer labels,
    faster redraws. Drawn on axes `i` of `canvas` (a `Canvas`), in place when the words repeat.
    """
    gap = np.full((len(words), 1), np.nan)
    return canvas.heatmap(i, np.hstack([left, gap, right]), words,
                          list(words) + [""] * (len(words) + 1),
                          f"{left_title}   |   {right_title} (same columns)",
                          row_names=row_names, cmap="magma", vmin=0.0, vmax=1.0)


def sentence(text, vocab, max_tokens=20, corpus_name="Lee",
             examples="bank, west, israeli, reserve, interest, fire, police, government"):
    """Ids of a typed sentence, or a ValueError that lists the unknown words in plain words."""
    tokens = corpus.tokenize(text if isinstance(text, str) else "")
    unknown = list(dict.fromkeys(t for t in tokens if t not in vocab))
    if tokens and len(tokens) <= max_tokens and unknown:
        shown = ", ".join(f"'{w[:20]}'" for w in unknown[:6]) + (" ..." if len(unknown) > 6 else "")
        raise ValueError(
            f"Not in the {corpus_name} vocabulary: {shown}. Try other words, e.g. {examples}."
        )
    return corpus.sentence_ids(text, vocab, max_tokens=max_tokens)


def _logits(ops, ids, variant, S_variant, smoothing):
    """The (n, n) logits of the softmax panel for `variant`."""
    if variant == "log X":
        return projection.log_counts(ops.X, ids, smoothing)
    if variant == "PMI":
        return projection.project(ops.pmi, ids)
    if variant == "GloVe w·w̃ + b̃":
        return projection.glove_logits(ops.fit, ids)
    if variant == "M itself":
        return _operator_block(ops, ids, S_variant)
    raise ValueError(f"logits must be one of {LOGIT_VARIANTS}, got {variant!r}.")


def _operator_block(ops, ids, variant):
    """M = O S Oᵀ (n, n) for the S variant named `variant`."""
    if variant == "log(1 + X)":
        return projection.project(ops.log1p, ids)
    if variant == "PPMI":
        return projection.project(ops.ppmi, ids)
    if variant == "GloVe W W̃ᵀ":
        return projection.glove_logits(ops.fit, ids, key_bias=False)
    raise ValueError(f"S must be one of {S_VARIANTS}, got {variant!r}.")


def make_draw_attention(ops):
    """A drawing function (sentence, S, logits, smooth) -> (Figure, caption) on `ops`."""
    canvas = panels(12.0, 4.2, ncols=2)
    canvas.axes[0].set_position([0.07, 0.24, 0.27, 0.66])
    canvas.axes[1].set_position([0.385, 0.24, 0.565, 0.66])
    m_bar = ColourBar(canvas.fig, [0.348, 0.3, 0.008, 0.5], "viridis")
    ColourBar(canvas.fig, [0.965, 0.3, 0.008, 0.5], "magma", fmt="{:g}").show(0, 1)

    def draw_attention(sentence_text=ATTENTION_SENTENCE, S="PPMI", logits="log X",
                       smooth=False):
        """M = O S Oᵀ, softmax(logits) and the exact restricted conditional R, side by side."""
        ids = sentence(sentence_text, ops.vocab)
        eps = SMOOTHING if smooth else 0.0
        words = ops.vocab.decode(ids)
        M = _operator_block(ops, ids, S)  # (n, n)
        try:
            R = projection.restricted_conditional(ops.X, ids, eps)  # (n, n)
        except ValueError:
            lonely = np.flatnonzero(projection.project(ops.X, ids).sum(axis=1) == 0)
            raise ValueError(
                f"{', '.join(repr(words[i]) for i in lonely[:5])} co-occurs with no word of "
                "this sentence in the Lee corpus, so P(t_j | t_i) restricted to the sentence "
                "is undefined: tick 'smooth' or add a related word."
            ) from None
        A = softmax(_logits(ops, ids, logits, S, eps))  # (n, n)
        canvas.heatmap(0, M, words, [""] * len(words),
                       f"M = O S Oᵀ, S = {S} (columns: the same words)")
        finite = M[np.isfinite(M)]
        m_bar.show(*(finite.min(), finite.max()) if finite.size else (0.0, 0.0))
        side_by_side(canvas, 1, A, R, words, f"softmax({logits})", "restricted P(t_j | t_i)")
        canvas.freeze_labels(tuple(words), *m_bar.texts)
        kl = projection.kl_rows(R, A)
        fig = canvas.fig
        caption = (f"max |softmax - R| = {np.abs(A - R).max():.2e}   mean KL(R || softmax) = "
                   f"{kl.mean():.4f} nats   M symmetric: {np.allclose(M, M.T)}"
                   + (f"   counts smoothed by +{SMOOTHING}" if smooth else ""))
        return fig, caption

    return draw_attention


def attention_explorer(ops=None) -> Explorer:
    """Sentence box, S dropdown, logits dropdown and smoothing toggle for `draw_attention`."""
    ops = lee_operators() if ops is None else ops
    controls = {
        "sentence_text": widgets.Text(value=ATTENTION_SENTENCE, continuous_update=False,
                                      description="sentence",
                                      layout=widgets.Layout(width="420px")),
        "S": widgets.Dropdown(options=list(S_VARIANTS), value="PPMI", description="S for M"),
        "logits": widgets.Dropdown(options=list(LOGIT_VARIANTS), value="log X",
                                   description="logits"),
        "smooth": widgets.Checkbox(value=False, description=f"smooth (X + {SMOOTHING})"),
    }
    return Explorer(make_draw_attention(ops), controls,
                    "Projection, softmax attention and the restricted conditional (Lee)")


def make_draw_predictions(ops):
    """A drawing function (sentence, focus, S, k, hide) -> (Figure, caption) on `ops`."""
    operators = {"PPMI": ops.ppmi, "log(1 + X)": ops.log1p}
    canvas = panels(10.0, 3.6, ncols=2, wspace=0.45, left=0.1, bottom=0.06)

    @functools.lru_cache(maxsize=1)  # k and hide_sentence only change what is shown
    def score_rows(ids, i, S):
        """E[i], S[t_i] and (O S²)[i], each (|V|,), for the sentence `ids` (a tuple)."""
        ids, S_op = np.array(ids), operators[S]
        return (projection.predictions(S_op, ids)[i], projection.profiles(S_op, ids[i:i + 1])[0],
                projection.two_hop(S_op, ids[i:i + 1])[0])

    def draw_predictions(sentence_text=PREDICTION_SENTENCE, focus="bank", S="PPMI", k=10,
                         hide_sentence=True):
        """Top-k of E[i] (in this sentence) beside S[t_i] (no context); O S² in the caption."""
        ids = sentence(sentence_text, ops.vocab)
        words = ops.vocab.decode(ids)
        focus = focus.strip().lower() if isinstance(focus, str) else ""
        if focus not in words:
            raise ValueError(
                f"The focus word '{focus[:20]}' is not in the sentence; pick one of: "
                f"{', '.join(dict.fromkeys(words))}."
            )
        if S not in operators:
            raise ValueError(f"S must be one of {PREDICTION_VARIANTS}, got {S!r}.")
        i = words.index(focus)
        E, row, full = score_rows(tuple(ids), i, S)
        hidden = np.unique(ids) if hide_sentence else np.array([], dtype=np.int64)
        height = 0.22 * k + 1.4
        fig, axes = canvas.clear(height, bottom=0.06, top=1 - 0.4 / height)
        tops = []
        for scores, title, color, ax in ((E, f"E[{focus}]: paths through the sentence", "C2",
                                          axes[0]),
                                         (row, f"S[{focus}, :]: no context", "C0", axes[1]),
                                         (full, "", "", None)):
            shown = scores.copy()
            shown[hidden] = -np.inf
            top = np.argsort(-shown, kind="stable")[:k]
            top = top[shown[top] > 0]
            tops.append(set(top.tolist()))
            if ax is not None:
                plots.fast_bars(ax, ops.vocab.decode(top), shown[top], title, color)
        caption = (f"E[{focus}] shares {len(tops[0] & tops[1])} of its top {k} words with the "
                   f"context-free row S[{focus}] and {len(tops[0] & tops[2])} with the full "
                   f"two-hop row (O S²)[{focus}], whose paths may pass through any word."
                   + ("  The sentence's own words are left out." if hide_sentence else ""))
        return fig, caption

    return draw_predictions


def predictions_explorer(ops=None) -> Explorer:
    """Sentence box, focus word, S and k controls for `draw_predictions`."""
    ops = lee_operators() if ops is None else ops
    controls = {
        "sentence_text": widgets.Text(value=PREDICTION_SENTENCE, continuous_update=False,
                                      description="sentence",
                                      layout=widgets.Layout(width="420px")),
        "focus": widgets.Text(value="bank", continuous_update=False, description="focus"),
        "S": widgets.Dropdown(options=list(PREDICTION_VARIANTS), value="PPMI", description="S"),
        "k": widgets.IntSlider(value=10, min=3, max=20, description="top k"),
        "hide_sentence": widgets.Checkbox(value=True, description="leave out sentence words"),
    }
    return Explorer(make_draw_predictions(ops), controls,
                    "Predictions E = M (O S) against the context-free row of S (Lee)")


def default_sweep(dims=KL_DIMS):
    """(dims, means, fits) of `projection.glove_kl_sweep` on the KL_SAMPLE Lee windows.

    For building the explorer outside the notebook (tests, benchmarks); the notebook computes
    the same sweep in view and passes it in.
    """
    lee = data.lee()
    fits = {d: data.lee_glove(dim=d) for d in dims}
    windows = projection.sample_sentences(lee.docs, **KL_SAMPLE)
    per_window = projection.glove_kl_sweep(lee.X, windows, fits)
    return tuple(dims), np.array([per_window[d].mean() for d in dims]), fits


def kl_panel(ax, dims, means):
    """The mean-KL-against-d curve with axes and ticks, drawn once; returns the marker line."""
    x = np.log(dims)
    ax.plot(x, means, "o-", color="C0")
    (marker,) = ax.plot([], [], "s", color="C3")
    ax.set_xlim(x[0] - 0.3, x[-1] + 0.3)
    ax.set_ylim(0, 1.3 * max(means))
    ax.set_xticks(x, [str(d) for d in dims], fontsize=8)
    ax.yaxis.set_major_locator(MaxNLocator(3))
    ax.tick_params(axis="y", labelsize=8)
    ax.set_xlabel("GloVe width d (log scale)", fontsize=9)
    ax.set_ylabel("mean KL(R ‖ A), nats", fontsize=9)
    ax.set_title("blue: over the windows, red: this sentence", fontsize=9)
    return marker


def make_draw_glove_kl(ops, dims, means, fits):
    """A drawing function (sentence, d) -> (Figure, caption) over precomputed fits."""
    means = np.asarray(means, dtype=float)
    canvas = panels(12.0, 4.0, ncols=2)
    canvas.axes[0].set_position([0.07, 0.24, 0.52, 0.66])
    canvas.axes[1].set_position([0.71, 0.24, 0.27, 0.62])
    ColourBar(canvas.fig, [0.6, 0.3, 0.008, 0.5], "magma", fmt="{:g}").show(0, 1)
    marker = kl_panel(canvas.axes[1], dims, means)

    @functools.lru_cache(maxsize=1)  # the slider moves d, the sentence stays
    def sentence_kls(ids):
        """{d: KL(R ‖ A) per row (n,)} for the sentence `ids` (a tuple) at every width."""
        ids = np.array(ids)
        return {dim: projection.restricted_kl(ops.X, ids, projection.glove_logits(fit, ids))
                for dim, fit in fits.items()}

    def draw_glove_kl(sentence_text=ATTENTION_SENTENCE, d=50):
        """Exact restricted conditional, GloVe attention of width d, and mean KL against d."""
        if d not in fits:
            raise ValueError(f"d must be one of {list(fits)}, got {d!r}.")
        ids = sentence(sentence_text, ops.vocab)
        words = ops.vocab.decode(ids)
        kls = sentence_kls(tuple(ids))
        if np.isnan(kls[d]).all():
            raise ValueError("No word of this sentence co-occurs with another one in the Lee "
                             "corpus: type a sentence of related words.")
        counts = projection.project(ops.X, ids)
        total = counts.sum(axis=1, keepdims=True)
        R = np.divide(counts, total, out=np.full_like(counts, np.nan), where=total > 0)
        A = softmax(projection.glove_logits(fits[d], ids))
        side_by_side(canvas, 0, R, A, words, "exact restricted P(t_j | t_i)",
                     f"softmax(w·w̃ + b̃), d = {d}", row_names=True)
        here = float(np.nanmean(kls[d]))
        marker.set_data([np.log(d)], [here])
        ax = canvas.axes[1]
        # one scale per sentence, for every d
        top = 1.3 * max(means.max(), *(float(np.nanmean(kl)) for kl in kls.values()))
        if ax.get_ylim()[1] != top:
            ax.set_ylim(0, top)
        canvas.freeze_labels((tuple(words), top), marker)
        sweep = ", ".join(f"d={dim}: {mean:.3f}" for dim, mean in zip(dims, means, strict=True))
        caption = (f"d = {d}: mean KL on this sentence {here:.4f} nats, over the "
                   f"sampled Lee windows {means[list(dims).index(d)]:.4f} nats.\n"
                   f"Right: blue = mean over the sampled Lee windows ({sweep}); red = this "
                   "sentence at the chosen d.")
        return canvas.fig, caption

    return draw_glove_kl


def glove_kl_explorer(ops=None, sweep=None) -> Explorer:
    """A d slider and a sentence box for `draw_glove_kl`.

    `sweep` is (dims, mean KL per d, {d: GloVe fit}), as the notebook computes it; by default
    `default_sweep()`.
    """
    ops = lee_operators() if ops is None else ops
    dims, means, fits = default_sweep() if sweep is None else sweep
    controls = {
        "sentence_text": widgets.Text(value=ATTENTION_SENTENCE, continuous_update=False,
                                      description="sentence",
                                      layout=widgets.Layout(width="420px")),
        "d": widgets.SelectionSlider(options=list(dims), value=50, description="GloVe d"),
    }
    return Explorer(make_draw_glove_kl(ops, tuple(dims), means, fits), controls,
                    "GloVe attention against the exact restricted conditional (Lee)")


UNIQUENESS_SENTENCE = "fish swim near the muddy bank"


def draw_uniqueness(sentence_text=UNIQUENESS_SENTENCE, noise=0.1, repeat=False, canvas=None):
    """Errors ‖S − Oᵀ B O‖² of perturbed B around M on the toy corpus (S = PPMI).

    40 random perturbations M + noise·Z are always worse than M when tokens are distinct. With
    `repeat`, the first word is appended again: the lift Oᵀ M O then counts that word's entries
    several times, so some random perturbations beat M, and perturbations that only move weight
    between the two copies leave the error unchanged: no B is singled out.
    `canvas` (from `panels`) is redrawn in place, by default a new one. Returns (Figure, caption).
    Introduced in 03_projection.
    """
    toy = data.toy()
    ids = sentence(sentence_text, toy.vocab, max_tokens=12, corpus_name="toy",
                   examples="river, bank, water, fish, loan, money")
    if repeat:
        ids = np.append(ids, ids[0])
    S = cooccurrence.ppmi(toy.X).toarray()  # (|V|, |V|), small
    n = ids.size
    O = projection.selector(ids, S.shape[0])  # (n, |V|)
    M = projection.project(S, ids)

    def error(B):  # ‖S − Oᵀ B O‖², = projection.approximation_error(S, ids, B)
        return float(np.sum((S - O.T @ B @ O) ** 2))

    best = error(M)
    rng = np.random.default_rng(0)
    random_gaps = [error(M + noise * rng.standard_normal((n, n))) - best for _ in range(40)]
    same = np.flatnonzero(ids == ids[0])
    canvas = uniqueness_panel() if canvas is None else canvas
    fig, (ax,) = canvas.clear()
    ax.plot(random_gaps, "o", color="C0", ms=4)
    legend = "blue: M + noise·Z (random)"
    if same.size > 1:
        swap = np.zeros((n, n))
        swap[same[0], same[0]] = swap[same[1], same[1]] = 1.0
        swap[same[0], same[1]] = swap[same[1], same[0]] = -1.0
        null_gaps = [error(M + noise * z * swap) - best for z in rng.standard_normal(40)]
        ax.plot(null_gaps, "s", color="C3", ms=4)
        legend += "\nred: M + noise·z·(swap between copies)"
    ax.axhline(0.0, color="black", lw=0.8)
    ax.text(0.0, 1.02, legend, transform=ax.transAxes, ha="left", va="bottom", fontsize=8)
    lifting = projection.solve_lifting(S, ids)
    words = " ".join(toy.vocab.decode(ids))
    formula = " = ||S||² − ||M||²" if same.size == 1 else ""
    caption = (f"'{words}': error(M){formula} = {best:.3f};  lifting system rank "
               f"{lifting.rank} of {lifting.unknowns} unknowns -> "
               + ("unique" if lifting.rank == lifting.unknowns else "NOT unique"))
    return fig, caption


def uniqueness_panel() -> Canvas:
    """The one-axes canvas of `draw_uniqueness`: few ticks, labels set once."""
    canvas = panels(7.0, 3.2, ncols=1, left=0.12, bottom=0.16)
    canvas.fig.subplots_adjust(top=0.86)
    (ax,) = canvas.axes
    ax.xaxis.set_major_locator(MaxNLocator(4, integer=True))
    ax.yaxis.set_major_locator(MaxNLocator(3))
    ax.set_xlabel("perturbation")
    ax.set_ylabel("error − error(M)")
    return canvas


def uniqueness_explorer() -> Explorer:
    """Noise scale and a repeated-token toggle for `draw_uniqueness` (toy corpus)."""
    controls = {
        "sentence_text": widgets.Text(value=UNIQUENESS_SENTENCE, continuous_update=False,
                                      description="sentence"),
        "noise": widgets.FloatLogSlider(value=0.1, base=10, min=-3, max=0, description="noise"),
        "repeat": widgets.Checkbox(value=False, description="repeat the first word"),
    }
    canvas = uniqueness_panel()

    def draw(sentence_text, noise, repeat):
        return draw_uniqueness(sentence_text, noise, repeat, canvas=canvas)

    return Explorer(draw, controls, "Uniqueness of M as the best approximation (toy)")


def explorers() -> dict[str, Explorer]:
    """Every explorer of 03_projection, built with the notebook's default data."""
    ops = lee_operators()
    return {"attention": attention_explorer(ops), "predictions": predictions_explorer(ops),
            "glove_kl": glove_kl_explorer(ops), "uniqueness": uniqueness_explorer()}
