"""Explorers for 04_qkv: direction (β), rank (d_k), the 1/√d_k scale and the temperature τ.

`draw_direction` blends the symmetric and antisymmetric parts of GloVe-on-X^R logits;
`draw_rank` factors the directional PPMI operator at rank d_k (two maps or one shared map);
`draw_scaling` shows logits and softmax entropies of random queries and keys with and without
1/√d_k; `draw_temperature` tempers log-count attention. Builders precompute every
decomposition so that an update only slices and draws. Introduced in 04_qkv.
"""

import ipywidgets as widgets
import numpy as np
from matplotlib.layout_engine import PlaceHolderLayoutEngine

from .. import bilinear, corpus, data
from ..attention import softmax
from ..plots import heatmap, new_figure
from .base import Explorer

SENTENCE = "the prime minister said the united states will be more than ready"
DIMENSIONS = tuple(2**p for p in range(11))  # d_k = 1 .. 1024
SMOOTHING = 0.1  # X + ε keeps log X finite for the temperature view


def _fixed_layout(fig, left, bottom, right=0.98, top=0.92, wspace=0.25):
    """Replace the figure's constrained layout by fixed margins (figure fractions).

    Constrained layout measures every tick label on every redraw, about half of an update's
    time; the explorers' panels have predictable labels, so fixed margins are enough.
    """
    fig.set_layout_engine(PlaceHolderLayoutEngine(adjust_compatible=True, colorbar_gridspec=True))
    fig.subplots_adjust(left=left, bottom=bottom, right=right, top=top, wspace=wspace)


def _entropy(A):
    """Row entropies (nats) of a row-stochastic A (n, m) -> (n,)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return -np.sum(np.where(A > 0, A * np.log(A), 0.0), axis=1)


def make_draw_direction(vocab, W, W_context):
    """Drawing function (sentence, beta) for logits L = Q W (Q W̃)ᵀ split into sym + β·skew."""

    def draw_direction(sentence=SENTENCE, beta=1.0):
        """Attention softmax(L_sym + β L_skew) on the sentence and its asymmetry A − Aᵀ."""
        ids = corpus.sentence_ids(sentence, vocab)
        words = vocab.decode(ids)
        L = W[ids] @ W_context[ids].T  # (n, n) = H B Hᵀ with H = Q[W | W̃], B = [[0, I], [0, 0]]
        L_sym, L_skew = bilinear.sym_skew(L)
        A = softmax(L_sym + beta * L_skew)  # (n, n)
        fig, axes = new_figure(10.5, 4.6, ncols=2)
        _fixed_layout(fig, left=0.1, bottom=0.24, wspace=0.3)
        left, right = axes[0]
        heatmap(left, A, words, words, annotate=False,
                title=f"attention softmax(L_sym + {beta:.2f}·L_skew)")
        heatmap(right, A - A.T, words, words, center=True, annotate=False,
                title="A − Aᵀ: red = row word attends more than it is attended")
        left.set_ylabel("query position i")
        left.set_xlabel("key position j")
        right.set_xlabel("key position j")
        share = bilinear.energy_fractions(L)[1] if np.any(L) else 0.0
        caption = (f"skew share of the sentence's logits: {share:.3f}   "
                   f"mean |A_ij − A_ji| = {np.abs(A - A.T).mean():.4f}   (β = 0: symmetric logits)")
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
    return Explorer(draw, controls, "B_sym + β·B_skew: attention turns directional")


def make_draw_rank(vocab, S, spectra=None):
    """Drawing function (sentence, d_k, shared) for rank-d_k fits of the operator S.

    `spectra` (bilinear.Spectra of S) is computed here when not given.
    """
    spectra = bilinear.Spectra.of(S) if spectra is None else spectra
    svd, vecs = spectra.svd, spectra.vecs
    root = np.sqrt(np.maximum(spectra.lam, 0.0))
    two_maps, one_map = spectra.errors(), spectra.shared_errors()

    def draw_rank(sentence=SENTENCE, d_k=50, shared=False):
        """Attention from M = Q S Qᵀ and from its rank-d_k fit L, beside the error curves."""
        ids = corpus.sentence_ids(sentence, vocab)
        if not 1 <= d_k <= len(svd.s):
            raise ValueError(f"d_k must lie in 1..{len(svd.s)}, got {d_k}.")
        words = vocab.decode(ids)
        M = S[np.ix_(ids, ids)]  # (n, n)
        if shared:
            H_W = vecs[ids, :d_k] * root[:d_k]  # (n, d_k), W_q = W_k
            L = H_W @ H_W.T
        else:
            r = np.sqrt(svd.s[:d_k])
            L = (svd.U[ids, :d_k] * r) @ (svd.Vt[:d_k, ids].T * r).T  # (Q W_q)(Q W_k)ᵀ
        A_exact, A = softmax(M), softmax(L)  # (n, n) each
        fig, axes = new_figure(12.0, 4.0, ncols=3)
        _fixed_layout(fig, left=0.08, bottom=0.26, wspace=0.15)
        exact, approx, curve = axes[0]
        heatmap(exact, A_exact, words, words, annotate=False,
                title="softmax(M), M = Q S Qᵀ, S = log(1 + X^R)")
        heatmap(approx, A, words, words, annotate=False,
                title=f"softmax((Q W_q)(Q W_k)ᵀ), d_k = {d_k}" + (", W_q = W_k" if shared else ""))
        approx.tick_params(labelleft=False)
        ranks = np.arange(len(two_maps))
        curve.plot(ranks, two_maps, label="W_q ≠ W_k (truncated SVD)")
        curve.plot(ranks, one_map, label="W_q = W_k (best PSD)")
        curve.axvline(d_k, color="0.5", lw=0.8)
        curve.set_xscale("symlog", linthresh=10)
        curve.set_xlim(0, len(two_maps) - 1)
        curve.set_xlabel("d_k")
        curve.legend(fontsize=8)
        curve.set_title("‖S − W_q W_kᵀ‖ / ‖S‖ over the vocabulary", fontsize=10)
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
        "shared": widgets.Checkbox(value=False, description="shared map W_q = W_k"),
    }
    return Explorer(make_draw_rank(vocab, S, spectra), controls,
                    "Rank-d_k bilinear forms for log(1 + X^R)")


def scaling_logits(n_queries=400, n_keys=16, seed=0):
    """Raw logits q·k for standard-normal q and k, one (n_queries, n_keys) array per d_k."""
    rng = np.random.default_rng(seed)
    return {d_k: rng.standard_normal((n_queries, d_k)) @ rng.standard_normal((n_keys, d_k)).T
            for d_k in DIMENSIONS}


def make_draw_scaling(logits):
    """Drawing function (d_k, scaled) over precomputed `scaling_logits`."""

    def draw_scaling(d_k=64, scaled=True):
        """Histograms of the logits and of the softmax row entropies for one d_k."""
        if d_k not in logits:
            raise ValueError(f"d_k must be one of {sorted(logits)}, got {d_k!r}.")
        raw = logits[d_k]  # (n_q, n_k)
        L = raw / np.sqrt(d_k) if scaled else raw
        H = _entropy(softmax(L))
        n_keys = raw.shape[1]
        fig, axes = new_figure(10.5, 3.6, ncols=2)
        _fixed_layout(fig, left=0.06, bottom=0.1, top=0.9, wspace=0.2)
        left, right = axes[0]
        left.stairs(*np.histogram(L, bins=50), fill=True, color="C0")
        left.set_title(f"logits {'q·k/√d_k' if scaled else 'q·k'}, d_k = {d_k}", fontsize=10)
        right.stairs(*np.histogram(H, bins=np.linspace(0, np.log(n_keys), 33)), fill=True,
                     color="C2")
        right.axvline(np.log(n_keys), color="0.4", lw=0.8)
        right.set_xlim(0, np.log(n_keys) * 1.02)
        right.set_title(f"row entropy of softmax (max log {n_keys} = {np.log(n_keys):.2f})",
                        fontsize=10)
        caption = (f"logit variance {L.var():.2f} (d_k = {d_k})   mean entropy {H.mean():.3f} "
                   f"nats   rows with max weight > 0.99: {np.mean(softmax(L).max(1) > 0.99):.1%}")
        return fig, caption

    return draw_scaling


def scaling_explorer(logits=None) -> Explorer:
    """A d_k slider (1..1024) and a 1/√d_k toggle on random queries and keys (seeded)."""
    logits = scaling_logits() if logits is None else logits
    controls = {
        "d_k": widgets.SelectionSlider(options=list(DIMENSIONS), value=64, description="d_k"),
        "scaled": widgets.Checkbox(value=True, description="divide by √d_k"),
    }
    return Explorer(make_draw_scaling(logits), controls, "Why 1/√d_k: logits and entropies")


def make_draw_temperature(vocab, X):
    """Drawing function (sentence, tau) for softmax(log(X + ε) / τ) on a sentence."""

    def draw_temperature(sentence=SENTENCE, tau=1.0):
        """Tempered log-count attention, proportional to (X + ε)^{1/τ} along each row."""
        ids = corpus.sentence_ids(sentence, vocab)
        if tau <= 0:
            raise ValueError(f"τ must be positive, got {tau}.")
        words = vocab.decode(ids)
        A = softmax(np.log(X[ids][:, ids].toarray() + SMOOTHING) / tau)  # (n, n)
        fig, ax = new_figure(6.0, 5.0)
        _fixed_layout(fig, left=0.2, bottom=0.22, top=0.93)
        heatmap(ax, A, words, words, annotate=False,
                title=f"softmax(log(X + {SMOOTHING}) / {tau:.2f})")
        ax.set_ylabel("query position i")
        ax.set_xlabel("key position j")
        caption = (f"mean row entropy {_entropy(A).mean():.3f} nats "
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
