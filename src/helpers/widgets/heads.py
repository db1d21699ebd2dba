"""Explorers for 06_heads: mixing two relations into one head, head-by-head maps, alignment.

`draw_mixing` blends the local and the topical relation into a single head and shows what the
blend loses against each relation's own restricted conditional. `draw_heads` shows a sentence's
two low-rank heads beside one head of twice the rank on the summed operator. `draw_alignment`
shows IBM Model 1's cross-attention for one English–German pair, with noise added to the
translation table. Introduced in 06_heads.
"""

from dataclasses import dataclass

import ipywidgets as widgets
import numpy as np

from .. import data, heads
from ..attention import softmax
from ..corpus import sentence_ids
from ..plots import heatmap, new_figure
from .base import Explorer

SENTENCE = "the fire near sydney forced hundreds of people from their homes"
RANKS = (2, 4, 8, 16, 32)  # the last is the largest rank precomputed
EPS = 1.0


@dataclass(frozen=True)
class Relations:
    """The two Lee relations as dense arrays, the topical one rescaled to the local mass,
    and rank-32 factors (W_q, W_k) of the centred logits of local, topical and their sum."""

    vocab: object
    local: np.ndarray
    topical: np.ndarray
    factors: dict


def lee_relations(counted=None, max_rank=32):
    """Build `Relations` for the Lee corpus (about a second: three randomised SVDs)."""
    counted = data.lee() if counted is None else counted
    V = len(counted.vocab)
    local = heads.local_operator(counted.docs, V).toarray()
    topical = heads.topical_operator(counted.docs, V)
    topical = topical * (local.sum() / topical.sum())
    factors = {
        name: heads.low_rank(heads.centred_log(S, EPS), max_rank)
        for name, S in (("local", local), ("topical", topical), ("sum", local + topical))
    }
    return Relations(counted.vocab, local, topical, factors)


def _three_panels():
    """A figure with three heatmap axes placed by hand (a fixed layout redraws faster)."""
    fig, axes = new_figure(11.0, 3.9, ncols=3)
    fig.set_layout_engine("none")
    for ax, left in zip(axes[0], (0.09, 0.395, 0.70), strict=True):
        ax.set_position([left, 0.22, 0.285, 0.70])
    return fig, axes


def _restricted(S, ids, name):
    M = S[np.ix_(ids, ids)]
    if np.any(M.sum(axis=1) == 0):
        raise ValueError(f"A word of this sentence has no {name} partner among the others: "
                         "type a longer sentence.")
    return M / M.sum(axis=1, keepdims=True)


def make_draw_mixing(rel):
    """A drawing function (sentence, alpha) -> (Figure, caption) for the mixing slider."""

    def draw_mixing(sentence=SENTENCE, alpha=0.5):
        """Targets of both relations beside one head on (1 − α) S_local + α S_topic."""
        ids = sentence_ids(sentence, rel.vocab, max_tokens=14)
        if len(ids) < 2:
            raise ValueError("Type at least two words: attention needs something to compare.")
        P_local = _restricted(rel.local, ids, "local (adjacent)")
        P_topic = _restricted(rel.topical, ids, "topical")
        blend = (1 - alpha) * rel.local[np.ix_(ids, ids)] + alpha * rel.topical[np.ix_(ids, ids)]
        A = softmax(np.log(blend + EPS))  # (n, n)
        words = rel.vocab.decode(ids)
        fig, axes = _three_panels()
        for ax, M, title in zip(axes[0], (P_local, P_topic, A), (
                "head 1: local target", "head 2: topical target", f"one head, α = {alpha:.2f}"),
                strict=True):
            heatmap(ax, M, words, words, title=title, annotate=False)
            ax.images[0].set_clim(0, 1)
        for ax in axes[0][1:]:
            ax.tick_params(labelleft=False)
        own = [heads.kl_rows(P, softmax(np.log(S[np.ix_(ids, ids)] + EPS))).mean()
               for P, S in ((P_local, rel.local), (P_topic, rel.topical))]
        kl_local = heads.kl_rows(P_local, A).mean()
        kl_topic = heads.kl_rows(P_topic, A).mean()
        caption = (f"mean KL(local ‖ one head) = {kl_local:.3f}, own head {own[0]:.3f}   "
                   f"mean KL(topical ‖ one head) = {kl_topic:.3f}, own head {own[1]:.3f}   "
                   f"(nats; own heads differ from 0 only by the smoothing ε = {EPS:g})")
        return fig, caption

    return draw_mixing


def mixing_explorer(rel=None) -> Explorer:
    """A sentence box and a mixing slider α redrawing `draw_mixing`."""
    rel = lee_relations() if rel is None else rel
    controls = {
        "sentence": widgets.Text(value=SENTENCE, continuous_update=False,
                                 description="sentence", layout=widgets.Layout(width="520px")),
        "alpha": widgets.FloatSlider(value=0.5, min=0.0, max=1.0, step=0.05,
                                     description="α (topical)"),
    }
    return Explorer(make_draw_mixing(rel), controls, "Two relations squeezed into one head")


def make_draw_heads(rel):
    """A drawing function (sentence, k) -> (Figure, caption) for head-by-head heatmaps."""

    def draw_heads(sentence=SENTENCE, k=8):
        """Head 1 (local, rank k), head 2 (topical, rank k), one head (sum, rank 2k)."""
        if k not in RANKS[:-1]:
            raise ValueError(f"k must be one of {RANKS[:-1]}, got {k!r}.")
        ids = sentence_ids(sentence, rel.vocab, max_tokens=14)
        if len(ids) < 2:
            raise ValueError("Type at least two words: attention needs something to compare.")
        targets = {"local": _restricted(rel.local, ids, "local (adjacent)"),
                   "topical": _restricted(rel.topical, ids, "topical")}
        weights = {}
        for name, rank in (("local", k), ("topical", k), ("sum", 2 * k)):
            W_q, W_k = rel.factors[name]
            weights[name] = softmax(W_q[ids, :rank] @ W_k[ids, :rank].T)  # (n, n)
        words = rel.vocab.decode(ids)
        fig, axes = _three_panels()
        titles = (f"head 1 (local), rank {k}", f"head 2 (topical), rank {k}",
                  f"one head (sum), rank {2 * k}")
        for ax, name, title in zip(axes[0], ("local", "topical", "sum"), titles, strict=True):
            heatmap(ax, weights[name], words, words, title=title, annotate=False)
            ax.images[0].set_clim(0, 1)
        for ax in axes[0][1:]:
            ax.tick_params(labelleft=False)
        kl = {r: heads.kl_rows(targets[r], weights[r]).mean() for r in targets}
        kl_one = {r: heads.kl_rows(targets[r], weights["sum"]).mean() for r in targets}
        caption = (f"KL to local: own head {kl['local']:.3f}, one head {kl_one['local']:.3f}   "
                   f"KL to topical: own head {kl['topical']:.3f}, "
                   f"one head {kl_one['topical']:.3f}   (nats, this sentence)")
        return fig, caption

    return draw_heads


def heads_explorer(rel=None) -> Explorer:
    """A sentence box and a rank selector redrawing `draw_heads`."""
    rel = lee_relations() if rel is None else rel
    controls = {
        "sentence": widgets.Text(value=SENTENCE, continuous_update=False,
                                 description="sentence", layout=widgets.Layout(width="520px")),
        "k": widgets.SelectionSlider(options=list(RANKS[:-1]), value=8,
                                     description="rank k / head"),
    }
    return Explorer(make_draw_heads(rel), controls, "Head by head at an equal budget")


def make_draw_alignment(par, T):
    """A drawing function (pair, noise) -> (Figure, caption) for cross-attention."""
    rng = np.random.default_rng(0)
    G = rng.standard_normal(T.shape)  # one fixed noise pattern, scaled by the slider

    def draw_alignment(pair=0, noise=0.0):
        """Cross-attention softmax(log T restricted to the pair) for pair `pair`."""
        if not 0 <= pair < len(par.source):
            raise ValueError(f"pair must lie in 0..{len(par.source) - 1}, got {pair!r}.")
        if noise < 0:
            raise ValueError(f"noise must be >= 0, got {noise!r}.")
        T_noisy = T * np.exp(noise * G)
        T_noisy = T_noisy / T_noisy.sum(axis=0, keepdims=True)
        tgt, src = par.target[pair], par.source[pair]
        A = softmax(np.log(T_noisy[np.ix_(tgt, src)]))  # (J, I)
        fig, ax = new_figure(4.8, 3.6)
        fig.set_layout_engine("none")
        ax.set_position([0.22, 0.22, 0.74, 0.70])
        heatmap(ax, A, par.target_vocab.decode(tgt), par.source_vocab.decode(src),
                title=f"cross-attention, noise {noise:.1f}")
        ax.set_ylabel("German (queries)")
        ax.set_xlabel("English (keys)")
        best = A.argmax(axis=1)
        links = ", ".join(f"{f}→{e}" for f, e in zip(
            par.target_vocab.decode(tgt), par.source_vocab.decode(src[best]), strict=True))
        return fig, f"most attended: {links}"

    return draw_alignment


def alignment_explorer(par=None, iterations=10) -> Explorer:
    """A pair picker and a noise slider redrawing `draw_alignment` (IBM Model 1 table)."""
    par = heads.parallel_corpus() if par is None else par
    T = heads.ibm_model1(par, iterations)
    options = [(f"{i}: {' '.join(par.source_vocab.decode(s))}", i)
               for i, s in enumerate(par.source)]
    controls = {
        "pair": widgets.Dropdown(options=options, value=5, description="pair"),
        "noise": widgets.FloatSlider(value=0.0, min=0.0, max=3.0, step=0.1,
                                     description="noise on T"),
    }
    return Explorer(make_draw_alignment(par, T), controls, "Cross-attention = IBM 1 alignment")


def explorers() -> dict[str, Explorer]:
    """Every explorer of 06_heads with the notebook's default data."""
    rel = lee_relations()
    return {"mixing": mixing_explorer(rel), "heads": heads_explorer(rel),
            "alignment": alignment_explorer()}
