"""The figure machinery every explorer shares: one reusable figure, frozen labels, one colour bar.

`Canvas` is an explorer's figure, built once and redrawn in place at `DPI`, twice a screen
figure's 80 dpi so that text stays sharp on a projector (`Explorer` shows the picture at the
80-dpi size). Its `freeze` draws the static artists (word labels, ticks, fixed curves, colour
bars) once into a picture behind the live ones, so an update renders a few images and texts
instead of dozens of labels. `ColourBar` is the one colour bar (plain-text values, no tick
machinery), and `HeatmapPanels` a grid of heatmaps on one colour scale 0..1 with one colour
bar. Every canvas draws text through `TextCache`, so a label drawn before is pasted, not set
again glyph by glyph. Introduced in 01_cooccurrence.
"""

import math
from collections import OrderedDict

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg, RendererAgg
from matplotlib.figure import Figure

from ..plots import cell_image, fast_heatmap

DPI = 160  # pixels per inch of an explorer picture
SCREEN_DPI = 80  # pixels per inch it is shown at (CSS pixels): the layout of an 80-dpi figure
KEEP = 4  # frozen pictures a canvas keeps, newest first
TEXTS_KEPT = 4096  # rendered texts `TextCache` keeps, least recently used dropped first
_MARGIN = 3  # pixels around a text rendered on its own


class TextCache(RendererAgg):
    """An Agg renderer that renders each distinct text once and pastes it afterwards.

    Setting a text in type means laying out and rasterising every glyph (about 1 ms for a
    short label), the largest part of an explorer's redraw. A text is drawn once on a
    transparent scratch buffer with its anchor on a whole pixel; the pixels it covers (height,
    width, 4) are kept under its string, font, angle and colour, and every later draw pastes
    them at the anchor rounded to a whole pixel, as matplotlib 3.8 places text. So a
    label that moves (a word beside a moving point) is still rendered only once, and sits at
    most half a pixel from where matplotlib 3.11 puts it (a quarter of a screen pixel).
    """

    texts = OrderedDict()  # key -> (pixels bottom row first or None, left, top offset)

    def draw_text(self, gc, x, y, s, prop, angle, ismath=False, mtext=None):
        """Draw string `s` with its baseline's left end at (x, y), y counted from the top."""
        key = (s, prop, angle, ismath, tuple(gc.get_rgb()), gc.get_alpha(),
               gc.get_forced_alpha(), gc.get_antialiased(), self.dpi)
        entry = self.texts.get(key)
        if entry is None:  # kept under a copy of the font: a Text may change its own later
            entry = self._render(gc, s, prop, angle, ismath, mtext)
            self.texts[(s, prop.copy(), *key[2:])] = entry
            if len(self.texts) > TEXTS_KEPT:
                self.texts.popitem(last=False)
        else:
            self.texts.move_to_end(key)
        pixels, left, top = entry
        if pixels is not None:
            self._renderer.draw_image(gc, round(x) + left,
                                      self.height - (round(y) + top + pixels.shape[0]), pixels)

    def _render(self, gc, s, prop, angle, ismath, mtext):
        """(pixels bottom row first, left, top) of `s` drawn with its anchor on a whole pixel;
        left and top are counted from that pixel."""
        if ismath:  # mathtext may stack above and below the line: measure it
            width, height, _ = self.get_text_width_height_descent(s, prop, ismath)
            em = height
        else:  # a plain glyph is at most 1 em wide and stays within 1.3 em of the baseline
            em = prop.get_size_in_points() * self.dpi / 72
            width = em * len(s)
        if angle == 0:
            size = (math.ceil(width + 2 * em) + 2 * _MARGIN, math.ceil(3 * em) + 2 * _MARGIN)
            anchor = (_MARGIN + math.ceil(em), _MARGIN + math.ceil(1.7 * em))
        else:  # any rotation fits a square around the anchor
            side = 2 * math.ceil(width + 3 * em) + 2 * _MARGIN
            size, anchor = (side, side), (side // 2, side // 2)
        scratch = RendererAgg(*size, self.dpi)
        RendererAgg.draw_text(scratch, gc, *anchor, s, prop, angle, ismath, mtext)
        rgba = np.asarray(scratch.buffer_rgba())  # (height, width, 4)
        rows = np.flatnonzero(rgba[..., 3].any(axis=1))
        cols = np.flatnonzero(rgba[..., 3].any(axis=0))
        if rows.size == 0:
            return None, 0, 0
        pixels = rgba[rows[0]:rows[-1] + 1, cols[0]:cols[-1] + 1]
        return pixels[::-1].copy(), cols[0] - anchor[0], rows[0] - anchor[1]


class _FrozenAgg(FigureCanvasAgg):
    """An Agg canvas that draws text through `TextCache` and, while `frozen` holds (picture,
    moving artists), draws by copying the picture into its buffer and drawing only the moving
    artists over it (matplotlib's blitting), instead of walking the whole figure."""

    frozen = None
    _text_key = None  # (width, height, dpi) of the current `TextCache`

    def get_renderer(self):
        """The canvas's `TextCache`, made again when the figure's size or dpi changed."""
        key = (*self.get_width_height(physical=True), self.figure.dpi)
        if self._text_key != key:
            self.renderer, self._text_key = TextCache(*key), key
        return self.renderer

    def draw(self):
        if self.frozen is None:
            return super().draw()
        picture, moving = self.frozen
        self.get_renderer()  # the renderer the picture was copied from (same size and dpi)
        self.restore_region(picture)
        for artist in moving:
            if artist.get_visible() and (artist.axes is None or artist.axes.get_visible()):
                self.figure.draw_artist(artist)


class Canvas:
    """A fixed-layout Figure with a grid of axes, built once and redrawn in place.

    Creating axes costs about a third of an update; an explorer keeps one Canvas. `clear()`
    gives (fig, axes) to draw on again, `heatmap()` only swaps the image data when the word
    labels did not change, `freeze()` / `relabel()` turn the static artists into one picture.
    `reused` holds artists a draw function keeps between updates, by its own names. `adjust`
    goes to `Figure.subplots_adjust`.
    """

    def __init__(self, width, height, ncols=1, nrows=1, **adjust):
        self.fig = Figure(figsize=(width, height), dpi=DPI)
        _FrozenAgg(self.fig).thaw = self.thaw  # a test can draw every label again
        self.fig.subplots_adjust(**adjust)
        self.axes = list(np.ravel(self.fig.subplots(nrows, ncols, squeeze=False)))
        self.reused = {}
        self._heatmaps = {}  # axes index -> (labels key, image, title text, label texts)
        self._hidden, self._pictures, self._label_key, self._moving = [], {}, None, {}

    def clear(self, height=None, axes=None, **adjust):
        """Remove the drawn artists of `axes` (indices, default all), optionally resize and
        re-place the axes; returns (fig, axes list)."""
        if height is not None:
            self.fig.set_figheight(height)
        if adjust:
            self.fig.subplots_adjust(**adjust)
        for i in range(len(self.axes)) if axes is None else axes:
            ax = self.axes[i]
            for artist in (*ax.images, *ax.texts, *ax.lines, *ax.collections, *ax.patches):
                artist.remove()
            if ax.legend_ is not None:
                ax.legend_.remove()
            ax.relim()
            self._heatmaps.pop(i, None)
        return self.fig, self.axes

    def heatmap(self, i, values, row_labels, col_labels, title, row_names=True, **style):
        """`plots.fast_heatmap` on axes `i`; with the same labels as last time, only the image
        data, colour limits and title change (other texts on the axes are removed)."""
        values = np.asarray(values, dtype=float)
        key = (tuple(row_labels), tuple(col_labels), row_names, style.get("cmap"))
        cached = self._heatmaps.get(i)
        if cached is None or cached[0] != key:
            self.clear(axes=[i])
            image = fast_heatmap(self.axes[i], values, row_labels, col_labels, title, row_names,
                                 **style)
            texts = list(self.axes[i].texts)
            self._heatmaps[i] = (key, image, texts[-1], set(texts))
            return image
        _, image, title_text, labels = cached
        for artist in [t for t in self.axes[i].texts if t not in labels]:
            artist.remove()
        image.set_data(np.ma.masked_invalid(values))
        finite = values[np.isfinite(values)]
        low, high = (finite.min(), finite.max()) if finite.size else (0.0, 1.0)
        image.set_clim(style.get("vmin", low), style.get("vmax", high))
        title_text.set_text(title)
        return image

    def freeze(self, moving, key=None):
        """Draw every visible artist except `moving` once into a picture; hide them.

        Until `thaw()`, drawing the figure copies the picture and draws only the `moving`
        artists (the ones an update changes; an Axes among them stays live as a whole) over it.
        `key` names the static state: its picture is kept (the `KEEP` newest) and used again
        when the key comes back, so a key must change whenever a static artist does.
        """
        moving = sorted(dict.fromkeys(moving), key=lambda artist: artist.get_zorder())
        picture = self._pictures.pop(key, None) if key is not None else None
        if picture is None:
            self.thaw()
            picture = self._render(moving)
        static = [artist for artist in self._static(moving) if artist.get_visible()]
        if key is not None:
            self._pictures[key] = picture
            while len(self._pictures) > KEEP:
                self._pictures.pop(next(iter(self._pictures)))
        for artist in static:
            artist.set_visible(False)
        self._hidden.extend(static)
        self.fig.canvas.frozen = (picture, moving)

    def freeze_labels(self, key, *moving):
        """`freeze` all but the images and titles of the `heatmap`s and `moving`: the word
        labels, colour bars and fixed panels. `key` must change whenever one of them does."""
        live = [a for _, image, title, _ in self._heatmaps.values() for a in (image, title)]
        self.freeze([*live, *moving], key=key)

    def thaw(self):
        """Show the artists `freeze` hid and draw the whole figure again from now on."""
        for artist in self._hidden:
            artist.set_visible(True)
        self._hidden = []
        self.fig.canvas.frozen = None

    def relabel(self, key, label):
        """The artists a draw updates, by name, for the static labels named `key`.

        Only a new `key` does work: thaw, `label()` (draws the labels and returns the moving
        artists by name: an artist or a list of them), freeze. The same key again returns the
        same artists at no cost.
        """
        if key != self._label_key:
            self.thaw()
            self._moving = label()
            self.freeze([artist for value in self._moving.values()
                         for artist in (value if isinstance(value, list) else [value])], key=key)
            self._label_key = key
        return self._moving

    def _static(self, moving):
        """Artists of the figure that `freeze` may draw into its picture (visible or not)."""
        fig, moving = self.fig, set(moving)
        artists = [*fig.texts, *fig.images, *fig.lines, *fig.patches, *fig.artists]
        for ax in fig.axes:
            if ax not in moving:
                artists.extend(ax.get_children())
        return [artist for artist in artists if artist not in moving]

    def _render(self, moving):
        """The figure drawn without `moving`, as a region of the Agg buffer to restore."""
        shown = [artist for artist in moving if artist.get_visible()]
        for artist in shown:
            artist.set_visible(False)
        self.fig.canvas.draw()
        for artist in shown:
            artist.set_visible(True)
        return self.fig.canvas.copy_from_bbox(self.fig.bbox)


class ColourBar:
    """A thin colour strip at `rect` (figure fractions) with its low, middle and high values
    written as plain text beside it (no tick machinery, so a redraw stays fast).

    `show(low, high)` writes the values; `texts` are the three Text artists, which a draw that
    changes the scale keeps live (a fixed scale can be frozen with the labels). `label` (what
    the colours measure) is written above the strip.
    """

    def __init__(self, fig, rect, cmap="viridis", fmt="{:.2g}", label=""):
        self.axes = fig.add_axes(rect)
        self.strip = cell_image(self.axes, np.linspace(0, 1, 64)[:, None], cmap, origin="lower",
                                extent=(0, 1, 0, 1))
        self.axes.set_axis_off()
        self.fmt = fmt
        self.texts = [self.axes.text(1.3, y, "", va=va, ha="left", fontsize=7,
                                     transform=self.axes.transAxes)
                      for y, va in ((0.0, "bottom"), (0.5, "center"), (1.0, "top"))]
        if label:  # what the colours measure, written above the strip
            self.axes.text(0.5, 1.03, label, va="bottom", ha="center", fontsize=7,
                           transform=self.axes.transAxes)

    @classmethod
    def beside(cls, ax, cmap="viridis", fmt="{:.2g}", gap=0.006, width=0.01):
        """A colour bar just right of `ax` (gap and width in figure fractions), its height."""
        box = ax.get_position()
        return cls(ax.figure, [box.x1 + gap, box.y0, width, box.height], cmap, fmt)

    def show(self, low, high, cmap=None):
        """Write low, the middle and high beside the strip (and recolour it); the texts."""
        if cmap is not None:
            self.strip.set_cmap(cmap)
        for text, value in zip(self.texts, (low, (low + high) / 2, high), strict=True):
            text.set_text(self.fmt.format(value))
        return self.texts


class HeatmapPanels:
    """A grid of heatmaps of values in [0, 1] on one colour scale, sharing word labels, redrawn
    in place.

    The labels are plain text, made once per label set on one `Canvas`; an update with the
    same words only swaps image data, titles and cell numbers and shows as many panels as
    matrices given. Row words label the left column; a panel's column words show when no
    shown panel lies below it (`left_columns_only`: in the left column only). `annotate`
    writes each value in its cell. `cache_labels` freezes the labels per label set and panel
    count (worth it when the words change rarely, as under a slider). `colorbar` adds one
    `ColourBar` for the shared scale 0..1 at the right edge (leave room with `right`), titled
    `colorbar_label`. `shade_upper` pales the cells above the diagonal (a key after its query,
    j > i) under a white veil. `vmax` below 1 stretches the colours over 0..vmax (larger
    weights take the top colour, and the colour bar says "≥ vmax"), for maps whose weights are
    spread thin. `adjust` goes to `Figure.subplots_adjust`. Introduced in 06_heads.
    """

    def __init__(self, width, height, nrows=1, ncols=1, annotate=False, fontsize=8,
                 left_columns_only=False, cache_labels=False, colorbar=False,
                 colorbar_label="", shade_upper=False, vmax=1.0, **adjust):
        self.canvas = Canvas(width, height, ncols=ncols, nrows=nrows, **adjust)
        self.fig, self.axes, self.ncols = self.canvas.fig, self.canvas.axes, ncols
        self.annotate, self.fontsize = annotate, fontsize
        self.left_only, self.cache_labels = left_columns_only, cache_labels
        self.shade_upper, self.vmax = shade_upper, vmax
        self.key, self.panels, self.colour_bar = None, [], None
        if colorbar:
            box = self.fig.subplotpars
            self.colour_bar = ColourBar(self.fig, (box.right + 0.012, box.bottom, 0.012,
                                                   box.top - box.bottom), fmt="{:g}",
                                         label=colorbar_label)
            self.colour_bar.show(0.0, vmax)
            if vmax < 1:
                self.colour_bar.texts[-1].set_text(f"≥ {vmax:g}")

    def _build(self, row_labels, col_labels):
        """Label the panels with these words (the figure and its axes are made only once)."""
        self.canvas.thaw()
        for artist in [a for ax in self.axes for a in (*ax.texts, *ax.images)]:
            artist.remove()
        blank = np.zeros((len(row_labels), len(col_labels)))
        self.panels = []
        for k, ax in enumerate(self.axes):
            row_names = k % self.ncols == 0
            words = col_labels if row_names or not self.left_only else []
            image = fast_heatmap(ax, blank, row_labels, words, "", row_names=row_names,
                                 cmap="viridis", vmin=0.0, vmax=self.vmax)
            *labels, title = ax.texts
            for text in labels:
                text.set_fontsize(self.fontsize)
            cells = [ax.text(j, i, "", ha="center", va="center", fontsize=7)
                     for i, j in np.ndindex(blank.shape)] if self.annotate else []
            veils = [_veil(ax, blank.shape)] if self.shade_upper else []
            self.panels.append((image, labels, len(row_labels) if row_names else 0, title,
                                cells, veils))
        self.key = (tuple(row_labels), tuple(col_labels))

    def _show_labels(self, n):
        """Label visibility for `n` panels shown; returns the artists a draw updates."""
        for k, (_, labels, n_row, _, _, _) in enumerate(self.panels):
            for i, text in enumerate(labels):
                text.set_visible(i < n_row or k + self.ncols >= n)
        return {id(a): a for image, _, _, title, cells, veils in self.panels
                for a in (image, *veils, title, *cells)}

    def draw(self, matrices, row_labels, col_labels, titles):
        """Show `matrices` (each (len(row_labels), len(col_labels))) titled `titles`; the Figure."""
        n = len(matrices)
        if n > len(self.axes):
            raise ValueError(f"At most {len(self.axes)} panels, got {n}.")
        if self.key != (tuple(row_labels), tuple(col_labels)):
            self._build(row_labels, col_labels)
        for k, (image, _, _, title, cells, _) in enumerate(self.panels):
            self.axes[k].set_visible(k < n)
            if k >= n:
                continue
            image.set_data(matrices[k])
            title.set_text(titles[k])
            for text, v in zip(cells, np.ravel(matrices[k]) if cells else [], strict=True):
                text.set_text(f"{v:.2f}")
                text.set_color("black" if v > 0.5 else "white")
        if self.cache_labels:
            self.canvas.relabel((self.key, n), lambda: self._show_labels(n))
        else:
            self._show_labels(n)
        return self.fig


def _veil(ax, shape):
    """A white veil, 60 % opaque, over the cells above the diagonal of a heatmap of `shape`
    on `ax` (drawn over its image, so one of the live artists)."""
    veil = cell_image(ax, np.zeros(shape))
    pale = np.zeros((*shape, 4))
    pale[np.triu(np.ones(shape, dtype=bool), 1)] = (1.0, 1.0, 1.0, 0.6)
    veil.set_data(pale)  # RGBA cells: the colour map is not used
    return veil
