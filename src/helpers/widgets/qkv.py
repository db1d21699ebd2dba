"""Explorers for 04_qkv: direction (β), rank (d_k), the 1/√d_k scale and the temperature τ.

`draw_direction` blends the symmetric and antisymmetric parts of GloVe-on-X^R logits;
`draw_rank` factors the directional operator log(1 + X^R) at rank d_k (two maps or one shared
map); `draw_scaling` shows logits and softmax entropies of random queries and keys with and
without 1/√d_k (`bilinear.random_logits`); `draw_temperature` tempers log-count attention.
Every number drawn comes from `helpers.bilinear` and `helpers.attention`; this module only wires
controls to figures. Attention heatmaps have a colour bar, and panels that are compared share
one colour scale. Each drawing function keeps its figure while the words stay the same, so an
update only slices, swaps image data and texts, and renders. Introduced in 04_qkv.
"""

import ipywidgets as widgets
import numpy as np
from matplotlib.ticker import MaxNLocator

from .. import bilinear, corpus, data
from ..attention import softmax
from ..plots import fast_heatmap
from .base import Explorer
from .canvas import Canvas, ColourBar

SENTENCE = "the prime minister said the united states will be more than ready"
DIMENSIONS = tuple(2**p for p in range(11))  # d_k = 1 .. 1024
SMOOTHING = 0.1  # ε: X + ε keeps log X finite for the temperature view
SKEW_RANGE = 0.5  # colour range ±0.5 of the A − Aᵀ panel (larger values are clipped)


def _canvas(width, height, note, ncols=1, **margins):
    """A `Canvas` with fixed margins and `note` (how to read it) at the bottom left."""
    canvas = Canvas(width, height, ncols=ncols, **margins)
    canvas.fig.text(0.01, 0.01, note, fontsize=8)
    return canvas


def _word_heatmap(ax, words, title="", row_names=True, col_names=True, **style):
    """A blank heatmap labelled with `words` on `ax`, replacing the previous one.

    Returns (image, title text); the draw fills the image with `_show`.
    """
    for artist in [*ax.images, *ax.texts]:
        artist.remove()
    n = len(words)
    image = fast_heatmap(ax, np.zeros((n, n)), words, words if col_names else [""] * n, title,
                         row_names=row_names, **style)
    return image, ax.texts[-1]


def _show(image, values, low, high):
    """Put `values` in `image` on the colour range low..high."""
    image.set_data(values)
    image.set_clim(low, high if high > low else low + 1e-12)


def _few_ticks(ax, x=None, y=None):
    """Sparse ticks, no minor ticks, no top/right spines.

    `x`, `y`: fixed tick positions, labelled as plain numbers (a log axis would otherwise
    typeset 10^k as mathtext on every redraw); None lets matplotlib choose at most 4 / 3.
    """
    for axis, ticks, n in ((ax.xaxis, x, 4), (ax.yaxis, y, 3)):
        if ticks is None:
            axis.set_major_locator(MaxNLocator(n))
        else:
            axis.set_ticks(ticks, [f"{t:.4g}" for t in ticks])
    ax.minorticks_off()
    ax.tick_params(labelsize=8)
    ax.spines[["top", "right"]].set_visible(False)


def make_draw_direction(vocab, W, W_context):
    """Drawing function (sentence, beta) for logits L = O W (O W̃)ᵀ split into sym + β·skew.

    L_ij ≈ log X^R[t_i, t_j] scores the words that *follow* t_i: the queries look forward, the
    direction a causal model masks out (it would use the transpose, X^L).
    """
    canvas = _canvas(9.0, 3.8, "rows: query word i   columns: key word j   (L from X^R: "
                     "queries look forward, at words after them)", ncols=2, left=0.11,
                     right=0.93, bottom=0.2, top=0.91, wspace=0.12)
    fig, (left, right) = canvas.fig, canvas.axes
    bar = ColourBar.beside(left, "viridis", "{:.2f}")
    ColourBar.beside(right, "RdBu_r", "{:.2f}").show(-SKEW_RANGE, SKEW_RANGE)

    def label(words):
        image, title = _word_heatmap(left, words, cmap="viridis")
        skew, _ = _word_heatmap(right, words, "A − Aᵀ (red: i attends to j more than j to i)",
                                row_names=False, col_names=False, cmap="RdBu_r")
        return {"image": image, "skew": skew, "title": title,
                **{f"bar{k}": text for k, text in enumerate(bar.texts)}}

    def draw_direction(sentence=SENTENCE, beta=1.0):
        """Attention softmax(L_sym + β L_skew) on the sentence and its asymmetry A − Aᵀ."""
        ids = corpus.sentence_ids(sentence, vocab)
        words = vocab.decode(ids)
        L = W[ids] @ W_context[ids].T  # (n, n) = H B Hᵀ with H = Q[W | W̃], B = [[0, I], [0, 0]]
        L_sym, L_skew = bilinear.sym_skew(L)
        A = softmax(L_sym + beta * L_skew)  # (n, n)
        p = canvas.relabel(tuple(words), lambda: label(words))
        _show(p["image"], A, 0.0, float(A.max()))
        bar.show(0.0, float(A.max()))
        _show(p["skew"], A - A.T, -SKEW_RANGE, SKEW_RANGE)
        p["title"].set_text(f"attention softmax(L_sym + {beta:.2f}·L_skew)")
        share = bilinear.energy_fractions(L)[1] if np.any(L) else 0.0
        caption = (f"skew share of the sentence's logits: {share:.3f}   "
                   f"mean |A_ij − A_ji| = {np.abs(A - A.T).mean():.4f}   (β = 0: symmetric logits)"
                   f"   max |A_ij − A_ji| = {np.abs(A - A.T).max():.3f} (colours clipped at "
                   f"±{SKEW_RANGE})")
        return fig, caption

    return draw_direction


def direction_explorer(vocab=None, fit=None) -> Explorer:
    """A sentence box and a β slider on GloVe trained on right-only Lee counts."""
    vocab = data.lee().vocab if vocab is None else vocab
    fit = data.lee_glove(direction="right") if fit is None else fit
    controls = {
        "sentence": widgets.Text(value=SENTENCE, continuous_update=False, description="sentence",
                                 layout=widgets.Layout(width="520px")),
        "beta": widgets.FloatSlider(value=1.0, min=0.0, max=1.0, step=0.05, description="β"),
    }
    draw = make_draw_direction(vocab, fit.W, fit.W_context)
    return Explorer(draw, controls, "B_sym + β·B_skew: attention turns directional "
                    "(queries look forward)")


def _error_curves(curve, two_maps, one_map):
    """The rank panel's error curves on `curve`; they do not depend on the sentence."""
    ranks = np.arange(len(two_maps))
    curve.plot(ranks, two_maps, label="U_Q ≠ U_K (SVD)")
    curve.plot(ranks, one_map, label="U_Q = U_K (PSD)")
    curve.set_xscale("symlog", linthresh=10)
    curve.set_xlim(0, len(two_maps) - 1)
    curve.set_ylim(0, 1.02 * max(two_maps.max(), one_map.max()))
    _few_ticks(curve, x=[0, 10, 100, 1000], y=[0, 0.5, 1])
    curve.set_xlabel("d_k", fontsize=8, labelpad=1)
    curve.legend(fontsize=7, loc="lower left")
    curve.set_title("‖S − U_Q U_Kᵀ‖ / ‖S‖, vocabulary", fontsize=9)


def make_draw_rank(vocab, S, spectra=None):
    """Drawing function (sentence, d_k, shared) for rank-d_k fits of the operator S.

    `spectra` (bilinear.Spectra of S) is computed here when not given.
    """
    spectra = bilinear.Spectra.of(S) if spectra is None else spectra
    svd, vecs = spectra.svd, spectra.vecs
    root = np.sqrt(np.maximum(spectra.lam, 0.0))
    two_maps, one_map = spectra.errors(), spectra.shared_errors()

    canvas = _canvas(9.0, 3.6, "S = log(1 + X^R)   rows: query word i   columns: key word j"
                     "   both panels: one colour scale", ncols=2, left=0.11, right=0.655,
                     bottom=0.25, top=0.89, wspace=0.06)
    fig, (exact, approx) = canvas.fig, canvas.axes
    bar = ColourBar.beside(approx, "viridis", "{:.2f}")
    curve = fig.add_axes((0.77, 0.25, 0.215, 0.64))
    _error_curves(curve, two_maps, one_map)
    line = curve.axvline(0, color="0.5", lw=0.8)

    def label(words):
        exact_image, _ = _word_heatmap(exact, words, "softmax(M), M = O S Oᵀ", cmap="viridis")
        image, title = _word_heatmap(approx, words, row_names=False, col_names=False,
                                     cmap="viridis")
        return {"exact": exact_image, "image": image, "title": title, "line": line,
                **{f"bar{k}": text for k, text in enumerate(bar.texts)}}

    def draw_rank(sentence=SENTENCE, d_k=50, shared=False):
        """Attention from M = O S Oᵀ and from its rank-d_k fit L, beside the error curves."""
        ids = corpus.sentence_ids(sentence, vocab)
        if not 1 <= d_k <= len(svd.s):
            raise ValueError(f"d_k must lie in 1..{len(svd.s)}, got {d_k}.")
        words = vocab.decode(ids)
        M = S[np.ix_(ids, ids)]  # (n, n)
        if shared:
            U = vecs[ids, :d_k] * root[:d_k]  # (n, d_k) rows of U_Q = U_K
            L = U @ U.T
        else:
            r = np.sqrt(svd.s[:d_k])
            L = (svd.U[ids, :d_k] * r) @ (svd.Vt[:d_k, ids].T * r).T  # (O U_Q)(O U_K)ᵀ
        A_exact, A = softmax(M), softmax(L)  # (n, n) each
        p = canvas.relabel(tuple(words), lambda: label(words))
        top = float(max(A_exact.max(), A.max()))
        _show(p["exact"], A_exact, 0.0, top)
        _show(p["image"], A, 0.0, top)
        bar.show(0.0, top)
        line.set_xdata([d_k, d_k])
        p["title"].set_text(f"softmax((O U_Q)(O U_K)ᵀ), d_k = {d_k}"
                            + (", U_Q = U_K" if shared else ""))
        err = np.linalg.norm(M - L) / max(np.linalg.norm(M), 1e-12)
        gap = 0.5 * np.abs(A - A_exact).sum(1).mean()
        caption = (f"vocabulary error {(one_map if shared else two_maps)[d_k]:.3f}   "
                   f"sentence error ‖M − L‖/‖M‖ = {err:.3f}   "
                   f"mean total-variation gap between attention rows {gap:.3f}\n"
                   f"(two maps at d_k: {two_maps[d_k]:.3f}, one shared map: {one_map[d_k]:.3f})")
        return fig, caption

    return draw_rank


def rank_explorer(vocab=None, S=None, spectra=None) -> Explorer:
    """A sentence box, a d_k slider and a shared-map toggle on log(1 + X^R) of the Lee counts."""
    vocab = data.lee().vocab if vocab is None else vocab
    S = bilinear.directional_operator(data.lee_counts("right"), "log1p") if S is None else S
    controls = {
        "sentence": widgets.Text(value=SENTENCE, continuous_update=False, description="sentence",
                                 layout=widgets.Layout(width="520px")),
        "d_k": widgets.IntSlider(value=50, min=1, max=len(vocab), description="d_k",
                                 continuous_update=False),
        "shared": widgets.Checkbox(value=False, description="shared map U_Q = U_K"),
    }
    return Explorer(make_draw_rank(vocab, S, spectra), controls,
                    "Rank-d_k bilinear forms for log(1 + X^R)")


def make_draw_scaling(logits):
    """Drawing function (d_k, scaled) over `bilinear.random_logits(DIMENSIONS)`."""
    n_keys = next(iter(logits.values())).shape[1]
    entropy_bins = np.linspace(0, np.log(n_keys), 33)
    canvas = Canvas(9.0, 3.2, ncols=2, left=0.05, right=0.98, bottom=0.1, top=0.89,
                    wspace=0.15)
    fig, (left, right) = canvas.fig, canvas.axes
    logit_bars = left.stairs(np.zeros(50), np.arange(51.0), fill=True, color="C0")
    entropy_bars = right.stairs(np.zeros(32), entropy_bins, fill=True, color="C2")
    right.axvline(np.log(n_keys), color="0.4", lw=0.8)
    right.set_xlim(0, np.log(n_keys) * 1.02)
    _few_ticks(left, y=[])
    _few_ticks(right, x=[0, 1, 2, np.log(n_keys)], y=[])
    right.set_xlabel("nats", fontsize=8, labelpad=1)
    right.set_title(f"row entropy of softmax (max log {n_keys} = {np.log(n_keys):.2f})",
                    fontsize=10)
    canvas.freeze([left, entropy_bars])

    def draw_scaling(d_k=64, scaled=True):
        """Histograms of the logits and of the softmax row entropies for one d_k."""
        if d_k not in logits:
            raise ValueError(f"d_k must be one of {sorted(logits)}, got {d_k!r}.")
        raw = logits[d_k]  # (n_q, n_k)
        L = raw / np.sqrt(d_k) if scaled else raw
        H = bilinear.row_entropy(softmax(L))
        counts, edges = np.histogram(L, bins=50)
        logit_bars.set_data(counts, edges)
        left.set_xlim(edges[0], edges[-1])
        left.set_ylim(0, counts.max() * 1.05)
        left.set_title(f"logits {'q·k/√d_k' if scaled else 'q·k'}, d_k = {d_k}", fontsize=10)
        counts = np.histogram(H, bins=entropy_bins)[0]
        entropy_bars.set_data(counts)
        right.set_ylim(0, counts.max() * 1.05)
        caption = (f"logit variance {L.var():.2f} (d_k = {d_k})   mean entropy {H.mean():.3f} "
                   f"nats   rows with max weight > 0.99: {np.mean(softmax(L).max(1) > 0.99):.1%}")
        return fig, caption

    return draw_scaling


def scaling_explorer(logits=None) -> Explorer:
    """A d_k slider (1..1024) and a 1/√d_k toggle on random queries and keys (seeded)."""
    logits = bilinear.random_logits(DIMENSIONS) if logits is None else logits
    controls = {
        "d_k": widgets.SelectionSlider(options=list(DIMENSIONS), value=64, description="d_k"),
        "scaled": widgets.Checkbox(value=True, description="divide by √d_k"),
    }
    return Explorer(make_draw_scaling(logits), controls, "Why 1/√d_k: logits and entropies")


def make_draw_temperature(vocab, X):
    """Drawing function (sentence, tau) for softmax(log(X + ε) / τ) on a sentence."""
    canvas = _canvas(5.6, 4.2, "rows: query word i   columns: key word j", left=0.2,
                     right=0.88, bottom=0.19, top=0.93)
    fig, (ax,) = canvas.fig, canvas.axes
    bar = ColourBar.beside(ax, "viridis", "{:.2f}")

    def label(words):
        image, title = _word_heatmap(ax, words, cmap="viridis")
        return {"image": image, "title": title,
                **{f"bar{k}": text for k, text in enumerate(bar.texts)}}

    def draw_temperature(sentence=SENTENCE, tau=1.0):
        """Tempered log-count attention, proportional to (X + ε)^{1/τ} along each row."""
        ids = corpus.sentence_ids(sentence, vocab)
        if tau <= 0:
            raise ValueError(f"τ must be positive, got {tau}.")
        words = vocab.decode(ids)
        A = softmax(np.log(X[ids][:, ids].toarray() + SMOOTHING) / tau)  # (n, n)
        p = canvas.relabel(tuple(words), lambda: label(words))
        _show(p["image"], A, 0.0, float(A.max()))
        bar.show(0.0, float(A.max()))
        p["title"].set_text(f"softmax(log(X + {SMOOTHING}) / {tau:.2f})")
        caption = (f"mean row entropy {bilinear.row_entropy(A).mean():.3f} nats "
                   f"(uniform: {np.log(len(ids)):.3f})   "
                   "τ < 1 sharpens toward the largest count, τ > 1 flattens")
        return fig, caption

    return draw_temperature


def temperature_explorer(counted=None) -> Explorer:
    """A sentence box and a τ slider on the Lee counts (both directions)."""
    counted = data.lee() if counted is None else counted
    controls = {
        "sentence": widgets.Text(value=SENTENCE, continuous_update=False, description="sentence",
                                 layout=widgets.Layout(width="520px")),
        "tau": widgets.FloatLogSlider(value=1.0, base=10, min=-1, max=1, step=0.05,
                                      description="τ"),
    }
    return Explorer(make_draw_temperature(counted.vocab, counted.X), controls,
                    "Temperature: softmax(log X / τ) ∝ X^(1/τ)")


def explorers() -> dict[str, Explorer]:
    """Every explorer of 04_qkv, built with the notebook's default data."""
    return {"direction": direction_explorer(), "rank": rank_explorer(),
            "scaling": scaling_explorer(), "temperature": temperature_explorer()}
