"""Plain plotting functions shared by the notebooks and the widgets.

Each function draws on a matplotlib Axes and returns it; nothing here touches pyplot's global
state, so the same function serves a static notebook figure and a widget's redraw.
Introduced in 01_cooccurrence. `fast_heatmap` and `fast_bars` skip matplotlib's tick machinery
(most of a redraw's cost) and are the ones widgets use.
"""

import numpy as np
from matplotlib.figure import Figure


def new_figure(width=6.0, height=4.0, ncols=1, nrows=1, layout="constrained"):
    """A pyplot-free Figure with a grid of axes: returns (fig, axes).

    `layout=None` skips the constrained layout (about half of a redraw's time); place the axes
    with `fig.subplots_adjust(...)` instead.
    """
    fig = Figure(figsize=(width, height), dpi=80, layout=layout)
    axes = fig.subplots(nrows, ncols, squeeze=False)
    return fig, axes[0, 0] if nrows * ncols == 1 else axes


def heatmap(ax, values, row_labels, col_labels, title="", cmap="viridis", annotate=None,
            center=False, fmt="{:.2f}"):
    """Draw `values` (n_rows, n_cols) as a labelled heatmap on `ax`; returns the image.

    `annotate` writes each value in its cell (default: when the matrix has at most 12x12
    cells); `center` uses a diverging map symmetric around zero. -inf cells are drawn blank.
    """
    values = np.asarray(values, dtype=float)
    if values.shape != (len(row_labels), len(col_labels)):
        raise ValueError(
            f"values has shape {values.shape} but there are {len(row_labels)} row labels and "
            f"{len(col_labels)} column labels."
        )
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
    y = np.arange(len(labels))
    ax.barh(y, values, color=color)
    ax.set_yticks(y, labels, fontsize=8)
    ax.invert_yaxis()
    ax.set_title(title, fontsize=10)
    return ax


def fast_heatmap(ax, values, row_labels, col_labels, title, row_names=True, **style):
    """`values` as an image with word labels drawn as plain text, the axis machinery off.

    Matplotlib's tick objects cost most of a redraw; plain text labels halve an update's time.
    `row_names` False leaves the rows unlabelled (when a panel to the left already names them).
    NaN cells are blank. Returns the image.
    """
    values = np.asarray(values, dtype=float)
    n_rows, n_cols = values.shape
    image = ax.imshow(np.ma.masked_invalid(values), aspect="auto", interpolation="nearest",
                      **style)
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
