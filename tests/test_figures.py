"""No figure of the course prints text over text.

`helpers.plots.text_overlaps` finds pairs of drawn texts whose (rotated) rectangles overlap.
Here it is checked on made-up figures and on the default state of every explorer; the static
figures of every notebook are checked while nbval runs them (tests/kernel/check_figures.py).
"""

import numpy as np
import pytest
from widget_steps import EXPLORER_MODULES, default_figures

from helpers import plots


def test_overlapping_and_separate_texts():
    fig, ax = plots.new_figure(4, 3)
    ax.text(0.1, 0.5, "hello world")
    ax.text(0.12, 0.5, "overlap here")
    ax.text(0.1, 0.1, "far away")
    assert plots.text_overlaps(fig) == [("hello world", "overlap here")]


def test_slanted_labels_side_by_side_do_not_count():
    fig, ax = plots.new_figure(4, 3)
    plots.fast_heatmap(ax, np.eye(8), list("abcdefgh"), [f"word{i}" for i in range(8)], "t")
    assert plots.text_overlaps(fig) == []
    fig, ax = plots.new_figure(1.2, 3)
    plots.fast_heatmap(ax, np.eye(8), list("abcdefgh"), [f"longerword{i}" for i in range(8)],
                       "t")
    assert plots.text_overlaps(fig), "eight slanted long labels in 1.2 inches must collide"


@pytest.mark.parametrize("module", EXPLORER_MODULES)
def test_explorer_default_states_have_no_overlapping_text(module):
    for name, _, fig in default_figures(module):
        assert plots.text_overlaps(fig) == [], f"{module}.{name}: overlapping labels"
