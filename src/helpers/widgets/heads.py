"""Explorers for 06_heads: mixing two relations into one head, head-by-head maps, alignment.

`draw_mixing` blends the local and the topical relation into a single head and shows what the
blend loses against each relation's own restricted conditional. `draw_heads` shows a sentence's
two low-rank heads beside one head of twice the rank on the summed operator. `draw_alignment`
shows IBM Model 1's cross-attention for one English–German pair, with noise added to the
translation table. Introduced in 06_heads.
"""

import ipywidgets as widgets
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.cm import ScalarMappable
from matplotlib.colors import Normalize

from .. import heads
from ..attention import softmax
from ..corpus import sentence_ids
from ..plots import fast_heatmap, new_figure
from .base import Explorer

SENTENCE = "the fire near sydney forced hundreds of people from their homes"
RANKS = (2, 4, 8, 16, 32)  # the last is the largest rank precomputed
EPS = 1.0


class HeatmapPanels:
    """A grid of heatmaps of values in [0, 1] sharing word labels, redrawn in place.

    The figure is built once per label set (labels as plain text, no tick machinery, a fixed
    layout); an update with the same words only swaps image data, titles and cell numbers and
    shows as many panels as matrices given. Row words label the left column; a panel's column
    words show when no shown panel lies below it (`left_columns_only`: in the left column
    only). `annotate` writes each value in its cell. `cache_labels` renders the word labels once
    per label set and panel count into a background picture, so an update draws a few images
    and titles instead of dozens of texts (worth it when the words change rarely, as under a
    slider). `colorbar` adds one colour bar for the shared scale 0..1 at the right edge (leave
    room with `right`). `adjust` goes to `Figure.subplots_adjust`. Introduced in 06_heads.
    """

    def __init__(self, width, height, nrows=1, ncols=1, annotate=False, fontsize=8,
                 left_columns_only=False, cache_labels=False, colorbar=False, **adjust):
        self.size, self.shape, self.annotate = (width, height), (nrows, ncols), annotate
        self.fontsize, self.left_only, self.cache_labels = fontsize, left_columns_only, cache_labels
        self.adjust, self.colorbar, self.colorbar_axes = adjust, colorbar, None
        self.key, self.fig, self.axes, self.panels, self.backgrounds = None, None, [], [], {}
        self.background = None

    def _build(self, row_labels, col_labels):
        """Label the panels with these words (the figure and its axes are made only once)."""
        nrows, ncols = self.shape
        if self.fig is None:
            self.fig, axes = new_figure(*self.size, ncols=ncols, nrows=nrows, layout=None)
            self.fig.subplots_adjust(**self.adjust)
            self.axes = list(np.ravel(axes))
            self.background = self.fig.figimage(np.ones((1, 1, 4)), zorder=-1)
            if self.colorbar:
                self._add_colorbar()
        for artist in [a for ax in self.axes for a in (*ax.texts, *ax.images)]:
            artist.remove()
        self.background.set_visible(False)
        blank = np.zeros((len(row_labels), len(col_labels)))
        self.panels, self.backgrounds = [], {}
        for k, ax in enumerate(self.axes):
            row_names = k % ncols == 0
            words = col_labels if row_names or not self.left_only else []
            image = fast_heatmap(ax, blank, row_labels, words, "", row_names=row_names,
                                 cmap="viridis", vmin=0.0, vmax=1.0)
            *labels, title = ax.texts
            for text in labels:
                text.set_fontsize(self.fontsize)
            cells = [ax.text(j, i, "", ha="center", va="center", fontsize=7)
                     for i, j in np.ndindex(blank.shape)] if self.annotate else []
            self.panels.append((ax, image, labels, len(row_labels) if row_names else 0, title,
                                cells))
        self.key = (tuple(row_labels), tuple(col_labels))

    def _add_colorbar(self):
        """One colour bar beside the grid for the shared viridis scale 0..1."""
        bottom, top = self.fig.subplotpars.bottom, self.fig.subplotpars.top
        right = self.fig.subplotpars.right
        self.colorbar_axes = self.fig.add_axes((right + 0.012, bottom, 0.012, top - bottom))
        scale = ScalarMappable(Normalize(0.0, 1.0), "viridis")
        bar = self.fig.colorbar(scale, cax=self.colorbar_axes)
        bar.ax.tick_params(labelsize=7)

    def _show_labels(self, n, shown):
        """Label visibility for `n` panels shown; `shown` False hides every label."""
        ncols = self.shape[1]
        for k, (_, _, labels, n_row, _, _) in enumerate(self.panels):
            for i, text in enumerate(labels):
                text.set_visible(shown and (i < n_row or k + ncols >= n))
        if self.colorbar_axes is not None:
            self.colorbar_axes.set_visible(shown)

    def _labels_picture(self, n):
        """(RGBA array, x, y): the pixels holding the word labels of `n` panels, cropped to the
        box around the labels, and where that box sits (pixels from the figure's bottom left)."""
        hidden = [self.background] + [artist for _, image, _, _, title, cells in self.panels
                                      for artist in (image, title, *cells)]
        for artist in hidden:
            artist.set_visible(False)
        self._show_labels(n, True)
        canvas = FigureCanvasAgg(self.fig)
        canvas.draw()
        pixels = np.asarray(canvas.buffer_rgba())
        rows, cols = np.nonzero(pixels[..., :3].min(axis=2) < 255)
        top, bottom, left, right = rows.min(), rows.max() + 1, cols.min(), cols.max() + 1
        picture = (pixels[top:bottom, left:right].copy(), left, pixels.shape[0] - bottom)
        for artist in hidden:
            artist.set_visible(True)
        self._show_labels(n, False)
        return picture

    def draw(self, matrices, row_labels, col_labels, titles):
        """Show `matrices` (each (len(row_labels), len(col_labels))) titled `titles`; the Figure."""
        n = len(matrices)
        if n > self.shape[0] * self.shape[1]:
            raise ValueError(f"At most {self.shape[0] * self.shape[1]} panels, got {n}.")
        if self.key != (tuple(row_labels), tuple(col_labels)):
            self._build(row_labels, col_labels)
        for k, (ax, image, _, _, title, cells) in enumerate(self.panels):
            ax.set_visible(k < n)
            if k >= n:
                continue
            image.set_data(matrices[k])
            title.set_text(titles[k])
            for text, v in zip(cells, np.ravel(matrices[k]) if cells else [], strict=True):
                text.set_text(f"{v:.2f}")
                text.set_color("black" if v > 0.5 else "white")
        if self.cache_labels:
            if n not in self.backgrounds:
                self.backgrounds[n] = self._labels_picture(n)
            picture, self.background.ox, self.background.oy = self.backgrounds[n]
            self.background.set_data(picture)
            self.background.set_visible(True)
        else:
            self._show_labels(n, True)
        return self.fig


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
