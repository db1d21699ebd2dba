"""The shared explorer machinery: sharp pictures shown at the old size, frozen labels, PNGs.

An explorer's frozen labels are pictures, not texts: here they are drawn as texts again
and checked for overlaps as in tests/test_figures.py.
"""

import io

import numpy as np
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from PIL import Image
from widget_steps import EXPLORER_MODULES, default_figures

from helpers.plots import fast_heatmap, text_overlaps
from helpers.widgets import base, canvas


@pytest.mark.parametrize("module", EXPLORER_MODULES)
def test_every_explorer_picture_has_twice_the_pixel_density(module):
    for name, explorer, fig in default_figures(module):
        width_px = Image.open(io.BytesIO(explorer.image.value)).size[0]
        inches = fig.get_figwidth()
        assert width_px >= 2 * inches * 80, f"{module}.{name}: {width_px} px for {inches} in"
        assert explorer.image.layout.width == f"{round(inches * 80)}px", f"{module}.{name}"
        fig.canvas.thaw()  # the frozen labels are texts again
        assert text_overlaps(fig) == [], f"{module}.{name}: overlapping labels"


def test_png_bytes_round_trip():
    rgba = np.random.default_rng(0).integers(0, 256, (7, 5, 4), dtype=np.uint8)
    assert np.array_equal(np.asarray(Image.open(io.BytesIO(base.png_bytes(rgba)))), rgba)


def _pixels(fig):
    fig.canvas.draw()
    return np.asarray(fig.canvas.buffer_rgba()).copy()


def test_frozen_labels_draw_the_same_picture_and_come_back_by_key():
    c = canvas.Canvas(4.0, 3.0, left=0.3, bottom=0.3)
    image = fast_heatmap(c.axes[0], np.eye(3), list("abc"), list("xyz"), "title")
    bar = canvas.ColourBar.beside(c.axes[0])
    bar.show(0.0, 1.0)
    live = _pixels(c.fig)
    c.freeze([image], key="abc")
    assert not c.axes[0].texts[0].get_visible()
    assert np.array_equal(_pixels(c.fig), live)
    c.thaw()
    c.axes[0].texts[0].set_text("changed")
    c.freeze([image], key="abc")  # the kept picture: the change is not drawn
    assert np.array_equal(_pixels(c.fig), live)
    c.thaw()
    assert c.axes[0].texts[0].get_visible()


def test_relabel_calls_the_labeller_for_new_keys_only():
    c = canvas.Canvas(4.0, 3.0)
    calls = []

    def label():
        calls.append(1)
        return {"title": c.axes[0].text(0.5, 0.5, "t")}

    first = c.relabel("a", label)
    assert c.relabel("a", label) is first and len(calls) == 1
    c.relabel("b", label)
    assert len(calls) == 2


TEXTS = [dict(s="a title 0.123 (gy)", fontsize=10),
         dict(s="rotated word", rotation=60, ha="right", va="top", rotation_mode="anchor"),
         dict(s="0.25", ha="center", va="center", fontsize=7, color="C3"),
         dict(s=r"$\alpha^2$ math", fontsize=9, alpha=0.6)]


def _ink(text, cached):
    """Darkness (1 - grey level) of `text` drawn alone at (0.37, 0.41) of a white figure."""
    fig = Figure(figsize=(3, 2), dpi=canvas.DPI)
    agg = canvas._FrozenAgg(fig) if cached else FigureCanvasAgg(fig)
    fig.text(0.37, 0.41, **text)
    agg.draw()
    return 1 - np.asarray(agg.buffer_rgba())[..., :3].mean(axis=2) / 255


@pytest.mark.parametrize("text", TEXTS, ids=[t["s"] for t in TEXTS])
def test_text_cache_pastes_what_agg_draws_within_half_a_pixel(text):
    canvas.TextCache.texts.clear()
    direct, first, again = _ink(text, False), _ink(text, True), _ink(text, True)
    assert np.array_equal(first, again)  # rendered once, then pasted
    assert again.sum() == pytest.approx(direct.sum(), rel=0.02)
    assert direct.sum() > 20  # something was drawn
    rows, cols = np.indices(direct.shape)
    shift = [((again * axis).sum() / again.sum()) - ((direct * axis).sum() / direct.sum())
             for axis in (rows, cols)]
    assert np.abs(shift).max() <= 0.5
