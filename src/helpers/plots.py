"""Plain plotting functions shared by the notebooks and the widgets.

Each function draws on a matplotlib Axes and returns it; nothing here touches pyplot's global
state, so the same function serves a static notebook figure and a widget's redraw.
Introduced in 01_cooccurrence. `fast_heatmap` and `fast_bars` skip matplotlib's tick machinery
(most of a redraw's cost) and are the ones widgets use; `cell_image` draws a matrix as blocks
of colour with numpy instead of matplotlib's resampler.
"""

import numpy as np
from matplotlib import colormaps
from matplotlib.axes import Axes
from matplotlib.colors import is_color_like
from matplotlib.figure import Figure
from matplotlib.image import AxesImage
from matplotlib.transforms import IdentityTransform

from . import validate

LAYOUTS = ("constrained", "compressed", "tight", None)


def new_figure(width=6.0, height=4.0, ncols=1, nrows=1, layout="constrained"):
    """A pyplot-free Figure with a grid of axes: returns (fig, axes).

    `layout=None` skips the constrained layout (about half of a redraw's time); place the axes
    with `fig.subplots_adjust(...)` instead.
    """
    width, height = validate.positive(width, "width"), validate.positive(height, "height")
    ncols, nrows = validate.whole_number(ncols, "ncols"), validate.whole_number(nrows, "nrows")
    if layout not in LAYOUTS:
        raise ValueError(f"layout must be one of {LAYOUTS}, got {validate.describe(layout)}.")
    fig = Figure(figsize=(width, height), dpi=80, layout=layout)
    axes = fig.subplots(nrows, ncols, squeeze=False)
    return fig, axes[0, 0] if nrows * ncols == 1 else axes


def heatmap(ax, values, row_labels, col_labels, title="", cmap="viridis", annotate=None,
            center=False, fmt="{:.2f}"):
    """Draw `values` (n_rows, n_cols) as a labelled heatmap on `ax`; returns the image.

    `annotate` writes each value in its cell (default: when the matrix has at most 12x12
    cells); `center` uses a diverging map symmetric around zero. NaN and ±inf cells are drawn
    blank.
    """
    values = _check_drawing(ax, values, title, finite=False)
    _check_labels(row_labels, "row_labels", values.shape[0])
    _check_labels(col_labels, "col_labels", values.shape[1])
    _check_cmap(cmap)
    center = validate.flag(center, "center")
    if annotate is not None:
        annotate = validate.flag(annotate, "annotate")
    if not isinstance(fmt, str) or "{" not in fmt:
        raise TypeError(f'fmt must be a format string such as "{{:.2f}}", got '
                        f"{validate.describe(fmt)}.")
    shown = np.ma.masked_invalid(values)
    kwargs = {"cmap": cmap}
    if center:
        bound = float(np.abs(shown).max()) if shown.count() else 1.0
        kwargs = {"cmap": "RdBu_r", "vmin": -bound or -1.0, "vmax": bound or 1.0}
    image = ax.imshow(shown, aspect="auto", interpolation="nearest", **kwargs)
    ax.set_xticks(range(len(col_labels)), col_labels, rotation=60, ha="right", fontsize=8)
    ax.set_yticks(range(len(row_labels)), row_labels, fontsize=8)
    ax.set_title(title, fontsize=10)
    if annotate is None:
        annotate = values.shape[0] <= 12 and values.shape[1] <= 12
    if annotate:
        finite = values[np.isfinite(values)]
        middle = (finite.max() + finite.min()) / 2 if finite.size else 0.0
        for (i, j), v in np.ndenumerate(values):
            if np.isfinite(v):
                color = "black" if (center or v > middle) else "white"
                ax.text(j, i, fmt.format(v), ha="center", va="center", fontsize=7, color=color)
    return image


def bars(ax, labels, values, title="", color="C0"):
    """Horizontal bar chart, first label on top; returns `ax`."""
    values = _check_drawing(ax, values, title, ndim=1)
    _check_labels(labels, "labels", len(values))
    _check_color(color)
    y = np.arange(len(labels))
    ax.barh(y, values, color=color)
    ax.set_yticks(y, labels, fontsize=8)
    ax.invert_yaxis()
    ax.set_title(title, fontsize=10)
    return ax


class CellImage(AxesImage):
    """An image drawn as blocks of colour, one per matrix cell (nearest neighbour).

    Matplotlib resamples an image for every draw, whatever its interpolation; a heatmap only
    needs each screen pixel to take the colour of the cell its centre falls in. `make_image`
    does that with two numpy gathers (rows, then columns; each RGBA pixel moved as one 32-bit
    word), several times faster and pixel for pixel what `imshow(..., interpolation="nearest")`
    draws with matplotlib 3.11 (3.8's resampler puts some cell edges one pixel over).
    """

    def make_image(self, renderer, magnification=1.0, unsampled=False):
        """The RGBA pixels (height, width, 4) of the image inside the axes, bottom row first,
        and their lower-left corner in display pixels (the contract of `AxesImage`)."""
        x1, x2, y1, y2 = self.get_extent()
        (px1, py1), (px2, py2) = self.get_transform().transform([(x1, y1), (x2, y2)])
        left, bottom, right, top = (self.axes.bbox.extents * magnification + 0.5).astype(int)
        left, right = max(left, int(min(px1, px2) + 0.5)), min(right, int(max(px1, px2) + 0.5))
        bottom, top = max(bottom, int(min(py1, py2) + 0.5)), min(top, int(max(py1, py2) + 0.5))
        if right <= left or top <= bottom:
            return None, 0, 0, None
        n_rows, n_cols = self._A.shape[:2]
        # the cell under each pixel centre: fractions 0..1 of the way from (x1, y1) to (x2, y2)
        cols = ((np.arange(left, right) + 0.5 - px1) / (px2 - px1) * n_cols).astype(int)
        rows = ((np.arange(bottom, top) + 0.5 - py1) / (py2 - py1) * n_rows).astype(int)
        cols, rows = np.clip(cols, 0, n_cols - 1), np.clip(rows, 0, n_rows - 1)
        if self.origin == "upper":
            rows = n_rows - 1 - rows
        colours = np.ascontiguousarray(self.to_rgba(self._A, bytes=True))  # (n_rows, n_cols, 4)
        pixels = colours.view(np.uint32).reshape(n_rows, n_cols).take(rows, 0).take(cols, 1)
        return pixels.view(np.uint8).reshape(len(rows), len(cols), 4), left, bottom, \
            IdentityTransform()


def cell_image(ax, values, cmap="viridis", vmin=None, vmax=None, origin="upper", extent=None,
               aspect="auto"):
    """`ax.imshow(values, interpolation="nearest", ...)` as a `CellImage`; returns the image.

    `values` (n_rows, n_cols): NaN and ±inf cells are blank. `vmin`/`vmax` default to the
    finite values' range, `extent` (left, right, bottom, top) to one unit per cell; `aspect`
    "auto" fills the axes, "equal" makes the cells square.
    """
    validate.instance(ax, "ax", Axes, "Make one with new_figure().")
    values = validate.real_array(values, "values", 2, shape="(n_rows, n_cols)", finite=False)
    _check_cmap(cmap)
    limits = [None if v is None else validate.number(v, name) for v, name in
              ((vmin, "vmin"), (vmax, "vmax"))]
    origin = validate.choice(origin, "origin", ("upper", "lower"))
    if extent is not None:
        extent = tuple(validate.real_array(extent, "extent", 1, shape="(4,)"))
        validate.sizes_agree(len(extent), "extent's length", 4, "(left, right, bottom, top)")
    aspect = validate.choice(aspect, "aspect", ("auto", "equal"))
    image = CellImage(ax, cmap=cmap, interpolation="nearest", origin=origin, extent=extent)
    image.set_data(np.ma.masked_invalid(values))
    image.set_clim(*limits)
    image.autoscale_None()  # the limits not given: from the finite values, as imshow does
    image.set_extent(image.get_extent())
    ax.add_image(image)
    ax.set_aspect(aspect)
    return image


def fast_heatmap(ax, values, row_labels, col_labels, title, row_names=True, **style):
    """`values` as an image with word labels drawn as plain text, the axis machinery off.

    Matplotlib's tick objects cost most of a redraw; plain text labels halve an update's time.
    `row_names` False leaves the rows unlabelled (when a panel to the left already names them).
    NaN and ±inf cells are blank; empty `row_labels` or `col_labels` draw no labels. Returns
    the image.
    """
    values = _check_drawing(ax, values, title, finite=False)
    row_names = validate.flag(row_names, "row_names")
    _check_labels(row_labels, "row_labels", values.shape[0], optional=True)
    _check_labels(col_labels, "col_labels", values.shape[1], optional=True)
    n_rows, n_cols = values.shape
    image = cell_image(ax, values, **style)
    ax.set_axis_off()
    if row_names:
        for i, word in enumerate(row_labels):
            ax.text(-0.6, i, word, ha="right", va="center", fontsize=8)
    for j, word in enumerate(col_labels):
        if word:
            ax.text(j, n_rows - 0.4, word, rotation=60, ha="right", va="top", fontsize=8,
                    rotation_mode="anchor")
    ax.text(0.5, 1.02, title, transform=ax.transAxes, ha="center", va="bottom", fontsize=10)
    return image


def fast_bars(ax, labels, values, title, color):
    """Horizontal bars (one line collection), largest on top, word labels as plain text."""
    values = _check_drawing(ax, values, title, ndim=1)
    _check_labels(labels, "labels", len(values))
    _check_color(color)
    k = max(len(labels), 1)
    top = float(values[0]) if len(values) else 1.0
    row_points = ax.get_position().height * ax.figure.get_figheight() * 72 / k
    ax.hlines(np.arange(len(labels)), 0, values, color=color, linewidth=0.8 * row_points)
    ax.set_ylim(k - 0.5, -0.5)
    ax.set_xlim(0, top * 1.05 or 1.0)
    ax.set_axis_off()
    for i, word in enumerate(labels):
        ax.text(-0.02 * top, i, word, ha="right", va="center", fontsize=8)
    ax.text(0.5, 1.01, f"{title} (top value {top:.3g})", transform=ax.transAxes,
            ha="center", va="bottom", fontsize=10)


def _check_drawing(ax, values, title, ndim=2, finite=True):
    """Check the arguments every drawing function shares; returns values as a float array."""
    validate.instance(ax, "ax", Axes, "Make one with new_figure().")
    validate.text(title, "title")
    shape = "(n_rows, n_cols)" if ndim == 2 else "(n,)"
    return validate.real_array(values, "values", ndim, shape=shape, finite=finite)


def _check_cmap(cmap):
    """A colormap is given by its matplotlib name."""
    if not isinstance(cmap, str) or cmap not in colormaps:
        raise ValueError(f"cmap must be a matplotlib colormap name such as 'viridis', got "
                         f"{validate.describe(cmap)}.")


def _check_labels(labels, name, n, optional=False):
    """Labels are strings, one per row or column (or none at all when `optional`)."""
    if isinstance(labels, str) or not all(isinstance(label, str) for label in labels):
        raise TypeError(f"{name} must be a list of strings, got {validate.describe(labels)}.")
    if not (optional and len(labels) == 0):
        validate.sizes_agree(len(labels), f"The number of {name}", n,
                             "the matching size of values")


def _check_color(color):
    if not is_color_like(color):
        raise ValueError(f"color must be a matplotlib color such as 'C0' or 'tab:red', got "
                         f"{validate.describe(color)}.")


def _text_corners(text, renderer) -> np.ndarray:
    """The four corners (4, 2) of a drawn text's own (rotated) rectangle, in pixels.

    matplotlib reports the axis-aligned box of a rotated text; the rectangle inside it is
    recovered from that box's size and the angle (its centre is the box's centre).
    """
    box = text.get_window_extent(renderer)
    angle = np.deg2rad(text.get_rotation())
    c, s = abs(np.cos(angle)), abs(np.sin(angle))
    if abs(c - s) < 1e-3:  # 45°: the box does not determine the sides; use the box itself
        w, h, angle = box.width, box.height, 0.0
    else:
        w, h = np.linalg.solve([[c, s], [s, c]], [box.width, box.height])
    half = np.array([[-w, -h], [w, -h], [w, h], [-w, h]]) / 2
    turn = np.array([[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]])
    centre = np.array([(box.x0 + box.x1) / 2, (box.y0 + box.y1) / 2])
    return centre + half @ turn.T


def _rectangles_overlap(a, b, margin=1.0) -> bool:
    """Whether two convex quadrilaterals (4, 2) overlap by more than `margin` pixels."""
    for corners in (a, b):
        for k in range(2):
            edge = corners[k + 1] - corners[k]
            axis = np.array([-edge[1], edge[0]]) / (np.hypot(*edge) or 1.0)
            pa, pb = a @ axis, b @ axis
            if pa.max() - margin <= pb.min() or pb.max() - margin <= pa.min():
                return False
    return True


def text_overlaps(fig) -> list[tuple[str, str]]:
    """Pairs of visible, non-empty texts of `fig` whose rectangles overlap, after a draw.

    Each text is taken as its own rotated rectangle (so slanted tick labels side by side do not
    count); a 1-pixel margin ignores texts that merely touch. Introduced in 01_cooccurrence
    (used by the tests on every figure and explorer).
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.text import Text

    validate.instance(fig, "fig", Figure, "Make one with new_figure().")
    canvas = fig.canvas if isinstance(fig.canvas, FigureCanvasAgg) else FigureCanvasAgg(fig)
    drawn, draw = [], Text.draw

    def record(text, renderer):  # only the texts a draw really renders (no hidden tick labels)
        draw(text, renderer)
        drawn.append(text)

    Text.draw = record
    try:
        canvas.draw()
    finally:
        Text.draw = draw
    renderer = canvas.get_renderer()
    texts = list({id(t): t for t in drawn if t.get_visible() and t.get_text().strip()}.values())
    rects = np.array([_text_corners(t, renderer) for t in texts]).reshape(-1, 4, 2)
    low, high = rects.min(axis=1), rects.max(axis=1)  # (T, 2) boxes around the rectangles
    near = np.all((low[:, None] < high[None] - 1) & (low[None] < high[:, None] - 1), axis=-1)
    return [(texts[i].get_text(), texts[j].get_text())
            for i, j in zip(*np.nonzero(np.triu(near, 1)), strict=True)
            if _rectangles_overlap(rects[i], rects[j])]
