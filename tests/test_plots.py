"""`plots.cell_image`, the explorers' heatmap image, draws what matplotlib's imshow draws:
pixel for pixel with matplotlib 3.11, and up to cell edges placed one pixel over with 3.8."""

import matplotlib
import numpy as np
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from packaging.version import Version

from helpers import plots


def _picture(draw):
    fig, ax = plots.new_figure(4.3, 3.1, layout=None)
    fig.set_dpi(160)
    agg = FigureCanvasAgg(fig)
    ax.set_axis_off()  # as in every heatmap of the explorers: no frame drawn over the edges
    draw(ax)
    agg.draw()
    return np.asarray(agg.buffer_rgba()).copy()


@pytest.mark.parametrize("origin", ["upper", "lower"])
@pytest.mark.parametrize("aspect", ["auto", "equal"])
def test_cell_image_draws_what_imshow_nearest_draws(origin, aspect):
    values = np.random.default_rng(0).random((7, 9))
    values[2, 3] = np.nan  # blank in both
    expected = _picture(lambda ax: ax.imshow(np.ma.masked_invalid(values), aspect=aspect,
                                             origin=origin, interpolation="nearest"))
    drawn = _picture(lambda ax: plots.cell_image(ax, values, origin=origin, aspect=aspect))
    if Version(matplotlib.__version__) >= Version("3.11"):
        assert np.array_equal(drawn, expected)
    # older resamplers put some cell edges one pixel over: every other pixel must agree, and a
    # pixel that differs must take the colour of a neighbour across that edge (or two edges)
    rows, cols = np.nonzero((drawn != expected).any(axis=2))
    assert len(rows) < 0.02 * drawn.shape[0] * drawn.shape[1]
    for y, x in zip(rows, cols, strict=True):
        around = expected[y - 1:y + 2, x - 1:x + 2].reshape(-1, 4)
        assert (around == drawn[y, x]).all(axis=1).any(), (y, x)


def test_cell_image_colour_limits_default_to_the_finite_range():
    fig, ax = plots.new_figure(layout=None)
    image = plots.cell_image(ax, np.array([[1.0, np.inf], [3.0, np.nan]]))
    assert image.get_clim() == (1.0, 3.0)
    assert plots.cell_image(ax, np.eye(2), vmin=-1.0).get_clim() == (-1.0, 1.0)
