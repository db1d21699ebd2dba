"""Headless tests of the 02_glove explorers: controls redraw, bad input gives a message."""

import html

import numpy as np
import pytest
from widget_steps import change

from helpers import data, glove
from helpers.widgets import glove as wg


@pytest.fixture(scope="module")
def explorers():
    return wg.explorers()


def test_explorers_build_with_a_figure(explorers):
    assert set(explorers) == {"weighting", "toy_fit", "neighbours"}
    for explorer in explorers.values():
        assert explorer.image.value and explorer.error is None


@pytest.mark.parametrize("name, value", [("x_max", 10.0), ("alpha", 0.5), ("x_max", 1000.0)])
def test_weighting_controls_redraw(explorers, name, value):
    explorer = explorers["weighting"]
    before = change(explorer, name, value)
    assert explorer.error is None and explorer.image.value != before


def test_weighting_caption_reports_the_share_capped(explorers):
    explorer = explorers["weighting"]
    explorer.controls["x_max"].value = 10.0
    explorer.controls["alpha"].value = 0.75
    counts = data.lee().X.data
    assert f"{np.sum(counts >= 10.0):,} of {counts.size:,}" in explorer.caption.value
    f = glove.weighting(counts, 10.0)
    assert f"Median f = {np.median(f):.4f}" in explorer.caption.value


def test_draw_weighting_rejects_bad_settings():
    with pytest.raises(ValueError, match="x_max"):
        wg.draw_weighting(x_max=0.0, counts=[1.0, 2.0])


@pytest.mark.parametrize("name, value", [("x_max", 3.0), ("alpha", 1.0), ("learning_rate", 0.2),
                                         ("epochs", 50), ("vectors", "W̃"), ("vectors", "W")])
def test_toy_fit_controls_redraw(explorers, name, value):
    explorer = explorers["toy_fit"]
    before = change(explorer, name, value)
    assert explorer.error is None and explorer.image.value != before


def test_toy_fit_caption_matches_a_fit():
    _, caption = wg.draw_toy_fit(x_max=10.0, epochs=40)
    fit = glove.train(data.toy().X, dim=2, x_max=10.0, epochs=40)
    assert f"{fit.costs[-1]:.4f} after epoch 40" in caption


def test_draw_toy_fit_rejects_bad_input():
    with pytest.raises(ValueError, match="vectors"):
        wg.draw_toy_fit(vectors="Q")
    with pytest.raises(ValueError, match="zebra"):
        wg.draw_toy_fit(words=("bank", "zebra"))


def test_neighbours_controls_redraw(explorers):
    explorer = explorers["neighbours"]
    for name, value in (("word", "police"), ("vectors", "W"), ("vectors", "W̃"),
                        ("model", "x_max 100, right only"), ("k", 5), ("word", "  Fire ")):
        before = change(explorer, name, value)
        assert explorer.error is None and explorer.image.value != before
    assert "'fire' occurs" in html.unescape(explorer.caption.value)


def test_neighbours_bad_word_keeps_the_figure(explorers):
    explorer = explorers["neighbours"]
    before = explorer.image.value
    explorer.controls["word"].value = "loan"
    assert "not in the Lee vocabulary" in explorer.error
    assert explorer.image.value == before
    explorer.controls["word"].value = "fire"
    assert explorer.error is None


def test_neighbour_bars_are_the_cosine_neighbours():
    fits = wg.lee_models()
    vocab = data.lee().vocab
    draw = wg.make_draw_neighbours(vocab, fits)
    _, caption = draw("police", "x_max 10, both sides", "W", 5)
    fit = fits["x_max 10, both sides"]
    u = vocab.index["police"]
    unit_W = fit.W / np.linalg.norm(fit.W, axis=1, keepdims=True)
    unit_C = fit.W_context / np.linalg.norm(fit.W_context, axis=1, keepdims=True)
    assert f"= {unit_W[u] @ unit_C[u]:.3f}" in caption
    with pytest.raises(ValueError, match="Choose a model"):
        draw("police", "no such model", "W", 5)


def test_progress_bar_follows_training():
    bar, callback = wg.progress_bar(6)
    glove.train(data.toy().X, dim=2, epochs=6, progress=callback)
    assert bar.value == bar.max == 6 and bar.description.startswith("cost ")


def test_toy_fit_labels_do_not_overlap_and_axes_are_equal():
    fig, _ = wg.draw_toy_fit()
    right = fig.axes[1]
    renderer = fig.canvas.get_renderer()
    boxes = [t.get_window_extent(renderer) for t in right.texts if t.get_text() in wg.TOY_SHOWN]
    assert len(boxes) == len(wg.TOY_SHOWN)
    assert not any(a.overlaps(b) for k, a in enumerate(boxes) for b in boxes[k + 1:])
    (x0, x1), (y0, y1) = right.get_xlim(), right.get_ylim()
    box = right.get_window_extent(renderer)
    assert np.isclose((x1 - x0) / box.width, (y1 - y0) / box.height, rtol=1e-6)


def test_label_points_places_crowded_labels_apart():
    from matplotlib.figure import Figure
    fig = Figure(figsize=(4, 3))
    ax = fig.subplots()
    xy = np.array([[0.0, 0.0], [0.01, 0.0], [0.0, 0.01], [0.02, 0.02], [1.0, 1.0]])
    ax.set(xlim=(-0.5, 1.5), ylim=(-0.5, 1.5))
    texts = wg.label_points(ax, xy, ["alpha", "beta", "gamma", "delta", "far"])
    renderer = fig.canvas.get_renderer()
    boxes = [t.get_window_extent(renderer) for t in texts]
    assert not any(a.overlaps(b) for k, a in enumerate(boxes) for b in boxes[k + 1:])
    assert wg.place_labels(ax, texts, xy) == 0


def test_equal_limits_give_one_scale():
    from matplotlib.figure import Figure
    fig = Figure(figsize=(6, 3))
    ax = fig.subplots()
    (x0, x1), (y0, y1) = wg.equal_limits(ax, np.array([0.0, 0.0]), np.array([1.0, 1.0]))
    position = ax.get_position()
    width, height = position.width * 6, position.height * 3
    assert np.isclose((x1 - x0) / width, (y1 - y0) / height)
    assert x0 <= 0 and x1 >= 1 and y0 <= 0 and y1 >= 1
