"""`plots.cell_image`, the explorers' heatmap image, draws what matplotlib's imshow draws."""

import numpy as np
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg

from helpers import plots


def _picture(draw):
    fig, ax = plots.new_figure(4.3, 3.1, layout=None)
    fig.set_dpi(160)
    agg = FigureCanvasAgg(fig)
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
    assert np.array_equal(drawn, expected)


def test_cell_image_colour_limits_default_to_the_finite_range():
    fig, ax = plots.new_figure(layout=None)
    image = plots.cell_image(ax, np.array([[1.0, np.inf], [3.0, np.nan]]))
    assert image.get_clim() == (1.0, 3.0)
    assert plots.cell_image(ax, np.eye(2), vmin=-1.0).get_clim() == (-1.0, 1.0)
