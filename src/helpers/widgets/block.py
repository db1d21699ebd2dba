"""Explorers for 07_transformer_block: the ladder of refinements, and the capstone's attention.

`draw_ladder` shows, for one sentence, the attention matrix after each refinement of the course
(counts, projection, softmax, embeddings, asymmetry, positions, mask, heads), each one switched
on or off. `draw_capstone` shows the trained layer's causal attention beside the one read off
the co-occurrence counts. Introduced in 07_transformer_block.
"""

from dataclasses import dataclass

import ipywidgets as widgets
import numpy as np

from .. import bilinear, block, data, heads, positions
from ..attention import causal_mask, softmax
from ..corpus import sentence_ids
from .base import Explorer
from .heads import HeatmapPanels

SENTENCE = "the police said the fire near the town was under control"
RUNGS = ("counts", "projection", "softmax", "embeddings", "asymmetry", "positions", "mask",
         "heads")


@dataclass(frozen=True)
class LadderTables:
    """Everything the ladder reads, precomputed on Lee: counts X (dense), row totals, the local
    relation, embeddings H and the embedding-space forms B (symmetric counts) and B_left
    (keys before queries)."""

    vocab: object
    X: np.ndarray
    row_total: np.ndarray
    S_local: np.ndarray
    H: np.ndarray
    B_sym: np.ndarray
    B_left: np.ndarray


def lee_tables(counted=None):
    """Build `LadderTables` on the Lee corpus (cached GloVe vectors; about a second)."""
    counted = data.lee() if counted is None else counted
    H = data.lee_glove().W
    X = counted.X.toarray()
    fits = {d: bilinear.EmbeddingFit.fit(bilinear.directional_operator(data.lee_counts(d)), H)
            for d in ("both", "left")}
    local = heads.local_operator(counted.docs, len(counted.vocab)).toarray()
    return LadderTables(counted.vocab, X, X.sum(axis=1), local, H, fits["both"].B(),
                        fits["left"].B())


def ladder(tables, ids, on):
    """[(rung, weights (n, n))] for the rungs switched on, each applied on top of the earlier.

    Logits start as log(Q (X + 1) Qᵀ); "embeddings" replaces them by H B Hᵀ (B fitted to the
    symmetric PPMI), "asymmetry" by H B_left Hᵀ (fitted to the left-direction PPMI); "positions"
    adds −log(1 + |i − j|) (the 1/d weighting of the counts, as a log-prior); "mask" adds the
    causal mask; "heads" averages this head with a second one on the local (δ = 1) relation.
    Introduced in 07_transformer_block.
    """
    n = len(ids)
    index = np.ix_(ids, ids)
    L = np.log(tables.X[index] + 1.0)
    extra = np.zeros((n, n))  # the position and mask terms, shared by every head
    out = []
    for rung in (r for r in RUNGS if r in on):
        if rung == "counts":
            out.append((rung, tables.X[index] / tables.row_total[ids, None]))
        elif rung == "projection":
            out.append((rung, tables.X[index] / tables.X[index].sum(axis=1, keepdims=True)))
        elif rung == "heads":
            second = np.log(tables.S_local[index] + 1.0) + extra
            out.append((rung, (softmax(L + extra) + softmax(second)) / 2))
        else:
            if rung == "embeddings":
                L = tables.H[ids] @ tables.B_sym @ tables.H[ids].T
            elif rung == "asymmetry":
                L = tables.H[ids] @ tables.B_left @ tables.H[ids].T
            elif rung == "positions":
                extra = extra + positions.relative_offset_matrix(
                    lambda D: -np.log1p(np.abs(D)), n)
            elif rung == "mask":
                extra = extra + causal_mask(n)
            out.append((rung, softmax(L + extra)))
    return out


def make_draw_ladder(tables):
    """A drawing function (sentence, **rungs) -> (Figure, caption) for the ladder."""
    panels = HeatmapPanels(9.0, 5.6, nrows=2, ncols=4, fontsize=7, cache_labels=True,
                           left_columns_only=True, left=0.09, right=0.99, bottom=0.12,
                           top=0.95, wspace=0.06, hspace=0.32)

    def draw_ladder(sentence=SENTENCE, **switches):
        """One heatmap per rung switched on, left to right, top to bottom."""
        unknown = set(switches) - set(RUNGS)
        if unknown:
            raise ValueError(f"Unknown rungs {sorted(unknown)}; choose from {RUNGS}.")
        on = [r for r in RUNGS if switches.get(r, True)]
        if not on:
            raise ValueError("Switch at least one rung on.")
        ids = sentence_ids(sentence, tables.vocab, max_tokens=12)
        if len(ids) < 2:
            raise ValueError("Type at least two words: attention needs something to compare.")
        steps = ladder(tables, ids, on)
        words = tables.vocab.decode(ids)
        fig = panels.draw([W for _, W in steps], words, words,
                          [f"{k + 1}. {rung}" for k, (rung, _) in enumerate(steps)])
        last = steps[-1][1]
        caption = (f"{len(steps)} rungs; last map: rows sum to {last.sum(axis=1).min():.3f}, "
                   f"weight above the diagonal {np.triu(last, 1).sum():.3f}")
        return fig, caption

    return draw_ladder


def ladder_explorer(tables=None) -> Explorer:
    """A sentence box and one checkbox per rung redrawing `draw_ladder`."""
    tables = lee_tables() if tables is None else tables
    controls = {"sentence": widgets.Text(value=SENTENCE, continuous_update=False,
                                         description="sentence",
                                         layout=widgets.Layout(width="520px"))}
    for rung in RUNGS:
        controls[rung] = widgets.Checkbox(value=True, description=rung, indent=False,
                                          layout=widgets.Layout(width="110px"))
    return Explorer(make_draw_ladder(tables), controls, "The ladder: one refinement at a time")


def make_draw_capstone(tables, model):
    """A drawing function (sentence) -> (Figure, caption): learned vs co-occurrence attention."""
    panels = HeatmapPanels(8.0, 3.7, ncols=2, left_columns_only=True, left=0.1, right=0.99,
                           bottom=0.2, top=0.92, wspace=0.05)

    def draw_capstone(sentence=SENTENCE):
        """Causal attention of the trained layer beside softmax(H B_left Hᵀ / √d + mask)."""
        ids = sentence_ids(sentence, tables.vocab, max_tokens=14)
        if len(ids) < 2:
            raise ValueError("Type at least two words: attention needs something to compare.")
        A_learned, _ = block.capstone_forward(model, tables.H, ids[None, :])
        H_x = tables.H[ids]
        d = tables.H.shape[1]
        A_cooc = softmax(H_x @ tables.B_left @ H_x.T / np.sqrt(d) + causal_mask(len(ids)))
        words = tables.vocab.decode(ids)
        fig = panels.draw((A_learned[0], A_cooc), words, words,
                          ("trained layer (next-word loss)", "co-occurrence form B_left"))
        low = np.tril_indices(len(ids), -1)
        r = block.correlation(A_learned[0][low], A_cooc[low]) if len(ids) > 2 else float("nan")
        return fig, f"correlation of the below-diagonal weights: {r:.3f}"

    return draw_capstone


def capstone_explorer(tables=None, model=None) -> Explorer:
    """A sentence box redrawing `draw_capstone` (the cached trained layer by default)."""
    tables = lee_tables() if tables is None else tables
    model = block.lee_capstone()[0] if model is None else model
    controls = {"sentence": widgets.Text(value=SENTENCE, continuous_update=False,
                                         description="sentence",
                                         layout=widgets.Layout(width="520px"))}
    return Explorer(make_draw_capstone(tables, model), controls,
                    "Learned attention against co-occurrence attention")


def explorers() -> dict[str, Explorer]:
    """Every explorer of 07_transformer_block with the notebook's default data."""
    tables = lee_tables()
    return {"ladder": ladder_explorer(tables), "capstone": capstone_explorer(tables)}
