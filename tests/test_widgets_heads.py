"""Headless tests of the 06_heads explorers and exercise checks."""

import numpy as np
import pytest
from widget_steps import change

from helpers import heads
from helpers.exercises import heads as ex
from helpers.widgets import heads as wh


@pytest.fixture(scope="module")
def explorers():
    return wh.explorers()


def test_explorers_build_with_a_figure(explorers):
    assert set(explorers) == {"mixing", "heads", "alignment"}
    for explorer in explorers.values():
        assert explorer.image.value and explorer.error is None


@pytest.mark.parametrize("name, control, value", [
    ("mixing", "alpha", 0.0), ("mixing", "alpha", 1.0),
    ("mixing", "sentence", "the police said the fire was near the town"),
    ("heads", "k", 2), ("heads", "k", 16),
    ("heads", "sentence", "the government said the talks would continue"),
    ("alignment", "pair", 0), ("alignment", "noise", 2.0),
])
def test_controls_redraw(explorers, name, control, value):
    explorer = explorers[name]
    before = change(explorer, control, value)
    assert explorer.error is None and explorer.image.value != before


@pytest.mark.parametrize("name", ["mixing", "heads"])
@pytest.mark.parametrize("text, message", [
    ("zebra crossing", "Not in the vocabulary"), ("", "at least one word"),
    ("fire", "at least two words"),
])
def test_bad_sentences_give_a_message(explorers, name, text, message):
    explorer = explorers[name]
    explorer.controls["sentence"].value = text
    assert explorer.error is not None and message in explorer.error
    explorer.controls["sentence"].value = wh.SENTENCE
    assert explorer.error is None


def test_mixing_at_alpha_zero_is_the_local_head(explorers):
    explorer = explorers["mixing"]
    explorer.controls["sentence"].value = wh.SENTENCE
    explorer.controls["alpha"].value = 0.0
    text = explorer.caption.value
    local = text.split("mean KL(local ‖ one head) = ")[1][:5]
    own = text.split("own head ")[1][:5]
    assert local == own


def test_draw_functions_reject_bad_values():
    par = heads.parallel_corpus()
    draw = wh.make_draw_alignment(par, heads.ibm_model1(par, 2))
    with pytest.raises(ValueError, match="pair must lie"):
        draw(pair=99)
    with pytest.raises(ValueError, match="noise"):
        draw(noise=-1.0)


def test_exercise_checks_accept_the_answers_and_hint_otherwise():
    D = heads.doc_term(ex.EXERCISE_1_DOCS, ex.EXERCISE_1_V)
    assert not ex.check_1(None)
    assert "diagonal" in repr(ex.check_1((D.T @ D).toarray()))
    assert ex.check_1(heads.topical_operator(ex.EXERCISE_1_DOCS, ex.EXERCISE_1_V))
    assert "not linear" in repr(ex.check_2(np.zeros((3, 3))))
    assert ex.check_2(ex.expected_2())
    assert "one head" in repr(ex.check_3(2 * 1776 * 8))
    assert ex.check_3(4 * 1776 * 8)
    assert "uniform" in repr(ex.check_4(np.full((2, 2), 0.5)))
    assert ex.check_4(ex.expected_4())
    fitted = (ex.EXERCISE_5_Z[:, :, None] * ex.EXERCISE_5_PHI[None]).sum(axis=2)
    assert "fitted log counts" in repr(ex.check_5(fitted))
    assert ex.check_5(heads.component_counts(ex.EXERCISE_5_G, ex.EXERCISE_5_Z, ex.EXERCISE_5_PHI))
    assert not ex.check_5(None)


def test_panels_can_stretch_the_colours_and_pale_the_later_keys():
    panels = wh.HeatmapPanels(6.0, 2.5, ncols=2, colorbar=True, colorbar_label="weight",
                              shade_upper=True, vmax=0.5, right=0.9)
    words = ["a", "b", "c"]
    panels.draw([np.full((3, 3), 1 / 3), np.eye(3)], words, words, ["one", "two"])
    assert [t.get_text() for t in panels.colour_bar.texts] == ["0", "0.25", "≥ 0.5"]
    assert "weight" in [t.get_text() for t in panels.colour_bar.axes.texts]
    image, _, _, _, _, (veil,) = panels.panels[0]
    assert image.get_clim() == (0.0, 0.5)
    alpha = veil.get_array()[..., 3]
    assert np.array_equal(alpha > 0, np.triu(np.ones((3, 3), dtype=bool), 1))


def test_panels_share_one_colour_bar_drawn_once():
    panels = wh.HeatmapPanels(6.0, 2.5, ncols=3, cache_labels=True, colorbar=True, right=0.9)
    words = ["a", "b", "c"]
    fig = panels.draw([np.eye(3), np.full((3, 3), 1 / 3), np.eye(3)[::-1]], words, words,
                      ["one", "two", "three"])
    assert len(fig.axes) == 4 and [t.get_text() for t in panels.colour_bar.texts] == [
        "0", "0.5", "1"]
    assert not panels.colour_bar.texts[0].get_visible()  # drawn into the frozen picture
    assert len(panels.canvas._pictures) == 1 and fig.canvas.frozen is not None
