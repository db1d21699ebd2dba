"""Explorers for 07_transformer_block: the ladder of refinements, and the capstone's attention.

Drawing only: the rungs come from `helpers.ladder`, the layer from `helpers.block`, and the
scores shown in the titles are computed by the notebook and passed in. `draw_ladder` shows, for
one sentence, the attention after each refinement switched on, each panel titled with its
held-out score and the keys after each query (which the score never reads) paled;
`draw_capstone` shows a trained layer's causal attention beside the co-occurrence form's.
Introduced in 07_transformer_block.
"""

import ipywidgets as widgets
import numpy as np

from .. import block, ladder
from ..attention import causal_mask, softmax
from ..corpus import sentence_ids
from .base import Explorer
from .canvas import HeatmapPanels

SENTENCE = ladder.SENTENCE


def _sentence_box():
    return widgets.Text(value=SENTENCE, continuous_update=False, description="sentence",
                        layout=widgets.Layout(width="520px"))


def make_draw_ladder(tables, scores):
    """A drawing function (sentence, **rungs) -> (Figure, caption) for the ladder.

    `scores` maps each rung to its held-out score (nats), written in the panel's title.
    """
    panels = HeatmapPanels(9.0, 5.6, nrows=2, ncols=4, fontsize=7, cache_labels=True,
                           colorbar=True, colorbar_label="weight",
                           shade_upper=True, vmax=0.5, left=0.09, right=0.93, bottom=0.12,
                           top=0.93, wspace=0.06, hspace=0.32)

    def draw_ladder(sentence=SENTENCE, **switches):
        """One heatmap per rung switched on, left to right, top to bottom, on one colour scale
        0..0.5 (a weight above 0.5 takes the top colour)."""
        unknown = set(switches) - set(ladder.RUNGS)
        if unknown:
            raise ValueError(f"Unknown rungs {sorted(unknown)}; choose from {ladder.RUNGS}.")
        on = [r for r in ladder.RUNGS if switches.get(r, True)]
        if not on:
            raise ValueError("Switch at least one rung on.")
        ids = sentence_ids(sentence, tables.vocab, max_tokens=12)
        if len(ids) < 2:
            raise ValueError("Type at least two words: attention needs something to compare.")
        steps = ladder.ladder(tables, ids, on)
        words = tables.vocab.decode(ids)
        in_table = [tuple(on[:k + 1]) == ladder.RUNGS[:k + 1] for k in range(len(on))]
        titles = [f"{k + 1}. {rung}: " + (f"{scores[rung]:.3f}" if in_table[k] else "–")
                  for k, (rung, _) in enumerate(steps)]  # the table's map: every earlier rung on
        fig = panels.draw([A for _, A in steps], words, words, titles)
        later = ", ".join(f"{rung} {np.triu(A, 1).sum() / A.sum():.2f}" for rung, A in steps)
        caption = (f"Rows: query i; columns: key j. Titles: the rung's held-out next-word loss "
                   f"(nats) over all test pieces, as in the table (– when an earlier rung is "
                   f"off: not in the table).\nPale cells: keys after the query (j > i), which "
                   f"the score never reads. Share of each map's weight on them: {later}.")
        return fig, caption

    return draw_ladder


def ladder_explorer(tables, scores) -> Explorer:
    """A sentence box and one checkbox per rung redrawing `draw_ladder`."""
    controls = {"sentence": _sentence_box()}
    for rung in ladder.RUNGS:
        controls[rung] = widgets.Checkbox(value=True, description=rung, indent=False,
                                          layout=widgets.Layout(width="110px"))
    return Explorer(make_draw_ladder(tables, scores), controls,
                    "The ladder: one refinement at a time")


def make_draw_capstone(tables, model, name="trained layer"):
    """A drawing function (sentence) -> (Figure, caption): trained vs co-occurrence attention.

    `name` titles the trained layer's panel (say which fit it is)."""
    panels = HeatmapPanels(8.4, 3.7, ncols=2, left_columns_only=True, colorbar=True,
                           colorbar_label="weight", cache_labels=True, left=0.1,
                           right=0.9, bottom=0.2, top=0.9, wspace=0.05)

    def draw_capstone(sentence=SENTENCE):
        """Causal attention of the trained layer beside softmax(H B_left Hᵀ + mask), H = W[ids]."""
        ids = sentence_ids(sentence, tables.vocab, max_tokens=14)
        if len(ids) < 2:
            raise ValueError("Type at least two words: attention needs something to compare.")
        A_trained, _ = block.capstone_forward(model, tables.W, ids[None, :])
        H_x = tables.W[ids]
        A_cooc = softmax(H_x @ tables.B_left @ H_x.T + causal_mask(len(ids)))
        words = tables.vocab.decode(ids)
        fig = panels.draw((A_trained[0], A_cooc), words, words,
                          (name, "co-occurrence form (logit scale)"))
        # the first position can only attend to itself: the mean starts at the second
        current = np.diag(A_trained[0])[1:].mean(), np.diag(A_cooc)[1:].mean()
        return fig, (f"mean weight on the current word (positions 2 on): {name} "
                     f"{current[0]:.3f}, co-occurrence form {current[1]:.3f}")

    return draw_capstone


def capstone_explorer(tables, model, name="trained layer") -> Explorer:
    """A sentence box redrawing `draw_capstone` for a trained `block.Capstone` titled `name`."""
    return Explorer(make_draw_capstone(tables, model, name), {"sentence": _sentence_box()},
                    "Trained attention against co-occurrence attention")


def explorers() -> dict[str, Explorer]:
    """Every explorer of 07_transformer_block on stand-in inputs (for tests and benchmarks):
    the Lee tables, scores 0, and the co-occurrence form itself as the layer."""
    tables = ladder.lee_tables()
    V, d = tables.W.shape
    layer = block.Capstone(np.sqrt(d) * tables.B_left, np.zeros((d, V)), np.zeros(V))
    return {"ladder": ladder_explorer(tables, dict.fromkeys(ladder.RUNGS, 0.0)),
            "capstone": capstone_explorer(tables, layer)}
