"""Explorers for 06_heads: mixing two relations into one head, head-by-head maps, alignment.

`draw_mixing` blends the local and the topical relation into a single head and shows what the
blend loses against each relation's own restricted conditional. `draw_heads` shows a sentence's
two low-rank heads beside one head of twice the rank on the summed operator. `draw_alignment`
shows IBM Model 1's cross-attention for one English–German pair, with noise added to the
translation table. Introduced in 06_heads.
"""

import ipywidgets as widgets
import numpy as np

from .. import heads
from ..attention import softmax
from ..corpus import sentence_ids
from .base import Explorer
from .canvas import HeatmapPanels

SENTENCE = "the fire near sydney forced hundreds of people from their homes"
RANKS = (2, 4, 8, 16, 32)  # the last is the largest rank precomputed
EPS = 1.0


def _three_panels():
    """Three side-by-side panels, words on the left one only."""
    return HeatmapPanels(9.0, 3.4, ncols=3, cache_labels=True, colorbar=True, left=0.1,
                         right=0.935, bottom=0.2, top=0.91, wspace=0.05)


def make_draw_mixing(rel):
    """A drawing function (sentence, alpha) -> (Figure, caption) for the mixing slider."""
    panels = _three_panels()
    scale = rel.local.sum() / rel.topical.sum()  # topical counts at the local total

    def draw_mixing(sentence=SENTENCE, alpha=0.5):
        """Targets of both relations beside one head on `heads.mix(S_local, S_topic, α)`."""
        ids = sentence_ids(sentence, rel.vocab, max_tokens=14)
        if len(ids) < 2:
            raise ValueError("Type at least two words: attention needs something to compare.")
        P_local = heads.restricted_conditional(rel.local, ids)  # (n, n)
        P_topic = heads.restricted_conditional(rel.topical, ids)
        blend = ((1 - alpha) * rel.local[np.ix_(ids, ids)]
                 + alpha * scale * rel.topical[np.ix_(ids, ids)])  # heads.mix, read at ids
        A = softmax(np.log(blend + EPS))  # (n, n)
        own = [heads.kl_rows(P, softmax(np.log(S[np.ix_(ids, ids)] + EPS))).mean()
               for P, S in ((P_local, rel.local), (P_topic, rel.topical))]
        kl_local = heads.kl_rows(P_local, A).mean()
        kl_topic = heads.kl_rows(P_topic, A).mean()
        caption = (f"mean KL(local ‖ one head) = {kl_local:.3f}, own head {own[0]:.3f}   "
                   f"mean KL(topical ‖ one head) = {kl_topic:.3f}, own head {own[1]:.3f}   "
                   f"(nats; own heads differ from 0 only by the smoothing ε = {EPS:g})")
        words = rel.vocab.decode(ids)
        fig = panels.draw((P_local, P_topic, A), words, words, (
            "head 1: local target", "head 2: topical target", f"one head, α = {alpha:.2f}"))
        return fig, caption

    return draw_mixing


def mixing_explorer(rel=None) -> Explorer:
    """A sentence box and a mixing slider α redrawing `draw_mixing`."""
    rel = heads.lee_relations() if rel is None else rel
    controls = {
        "sentence": widgets.Text(value=SENTENCE, continuous_update=False,
                                 description="sentence", layout=widgets.Layout(width="520px")),
        "alpha": widgets.FloatSlider(value=0.5, min=0.0, max=1.0, step=0.05,
                                     description="α (topical)"),
    }
    return Explorer(make_draw_mixing(rel), controls, "Two relations squeezed into one head")


def make_draw_heads(rel):
    """A drawing function (sentence, k) -> (Figure, caption) for head-by-head heatmaps."""
    panels = _three_panels()

    def draw_heads(sentence=SENTENCE, k=8):
        """Head 1 (local, rank k), head 2 (topical, rank k), one head (sum, rank 2k)."""
        if k not in RANKS[:-1]:
            raise ValueError(f"k must be one of {RANKS[:-1]}, got {k!r}.")
        ids = sentence_ids(sentence, rel.vocab, max_tokens=14)
        if len(ids) < 2:
            raise ValueError("Type at least two words: attention needs something to compare.")
        targets = {"local": heads.restricted_conditional(rel.local, ids),
                   "topical": heads.restricted_conditional(rel.topical, ids)}
        weights = {}
        for name, rank in (("local", k), ("topical", k), ("sum", 2 * k)):
            U_q, U_k = rel.factors[name]
            weights[name] = softmax(U_q[ids, :rank] @ U_k[ids, :rank].T)  # (n, n)
        kl = {r: heads.kl_rows(targets[r], weights[r]).mean() for r in targets}
        kl_one = {r: heads.kl_rows(targets[r], weights["sum"]).mean() for r in targets}
        caption = (f"KL to local: own head {kl['local']:.3f}, one head {kl_one['local']:.3f}   "
                   f"KL to topical: own head {kl['topical']:.3f}, "
                   f"one head {kl_one['topical']:.3f}   (nats, this sentence)")
        words = rel.vocab.decode(ids)
        fig = panels.draw([weights[name] for name in ("local", "topical", "sum")], words, words,
                          (f"head 1 (local), rank {k}", f"head 2 (topical), rank {k}",
                           f"one head (sum), rank {2 * k}"))
        return fig, caption

    return draw_heads


def heads_explorer(rel=None) -> Explorer:
    """A sentence box and a rank selector redrawing `draw_heads`."""
    rel = heads.lee_relations() if rel is None else rel
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
    panels = HeatmapPanels(4.8, 3.6, annotate=True, left=0.24, right=0.97, bottom=0.24,
                           top=0.91)

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
        fig = panels.draw([A], par.target_vocab.decode(tgt), par.source_vocab.decode(src),
                          [f"cross-attention, noise {noise:.1f}"])
        if not fig.texts:  # a new figure: name the axes once
            fig.text(0.015, 0.575, "German (queries)", rotation=90, va="center", fontsize=9)
            fig.text(0.605, 0.015, "English (keys)", ha="center", va="bottom", fontsize=9)
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
    rel = heads.lee_relations()
    return {"mixing": mixing_explorer(rel), "heads": heads_explorer(rel),
            "alignment": alignment_explorer()}
