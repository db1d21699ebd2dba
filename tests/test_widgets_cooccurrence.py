"""Headless tests of the 01_cooccurrence explorers: controls redraw, bad input gives a message."""

import html

import numpy as np
import pytest
from widget_steps import change

from helpers import cooccurrence, data
from helpers.widgets import cooccurrence as wc


@pytest.fixture(scope="module")
def explorers():
    return wc.explorers()


def test_explorers_build_with_a_figure(explorers):
    assert set(explorers) == {"counts", "neighbours"}
    for explorer in explorers.values():
        assert explorer.image.value and explorer.error is None


@pytest.mark.parametrize("name, value", [
    ("window", 1), ("window", 10), ("weighting", "flat"), ("weighting", "linear"),
    ("direction", "right"), ("direction", "left"), ("numbers", True), ("numbers", False),
])
def test_counts_controls_redraw(explorers, name, value):
    explorer = explorers["counts"]
    before = change(explorer, name, value)
    assert explorer.error is None and explorer.image.value != before


def test_counts_caption_reports_the_numbers(explorers):
    explorer = explorers["counts"]
    explorer.controls["window"].value = 3
    explorer.controls["weighting"].value = "harmonic"
    explorer.controls["direction"].value = "right"
    toy = data.toy()
    X = cooccurrence.count(list(toy.docs), len(toy.vocab), 3, "harmonic", "right")
    u, w = toy.vocab.index["bank"], toy.vocab.index["river"]
    assert f"X[bank, river] = {X[u, w]:.3f}" in explorer.caption.value
    assert "symmetric: False" in explorer.caption.value


def test_draw_counts_rejects_bad_words():
    with pytest.raises(ValueError, match="zebra"):
        wc.draw_counts(words=("the", "zebra"))
    with pytest.raises(ValueError, match="between 1 and 12"):
        wc.draw_counts(words=())


def test_neighbours_controls_redraw(explorers):
    explorer = explorers["neighbours"]
    for name, value in (("word", "money"), ("k", 5), ("operator", "PPMI, cds 0.75"),
                        ("word", "  Police ")):
        before = change(explorer, name, value)
        assert explorer.error is None and explorer.image.value != before
    assert "'police' occurs" in html.unescape(explorer.caption.value)


@pytest.mark.parametrize("bad", ["loan", "", "zzz qqq"])
def test_neighbours_unknown_word_gives_a_message(explorers, bad):
    explorer = explorers["neighbours"]
    explorer.controls["word"].value = "bank"
    image = explorer.image.value
    explorer.controls["word"].value = bad
    assert "not in the Lee vocabulary" in explorer.error and "bank" in explorer.error
    assert explorer.image.value == image
    explorer.controls["word"].value = "bank"
    assert explorer.error is None


def test_neighbour_lists_are_the_top_rows():
    lee = data.lee()
    tables = wc.neighbour_tables(lee)
    u = lee.vocab.index["bank"]
    assert np.isneginf(tables["PPMI"][u, u])
    ppmi = cooccurrence.ppmi(lee.X).toarray()[u]
    ppmi[u] = -np.inf
    assert np.argmax(tables["PPMI"][u]) == np.argmax(ppmi)
    assert lee.vocab.words[np.argmax(tables["raw counts X"][lee.vocab.index["money"]])] == "the"


def test_counts_panels_have_colour_bars_with_their_limits():
    canvas = wc.Canvas(9.0, 4.4, ncols=2, **wc.COUNTS_LAYOUT)
    wc.draw_counts(window=3, direction="right", canvas=canvas)
    for ax, bar in zip(canvas.axes, wc.colour_bars(canvas), strict=True):
        low, high = ax.images[0].get_clim()
        texts = bar.texts
        assert [t.get_text() for t in texts] == [f"{v:.2g}" for v in (low, (low + high) / 2, high)]
    low, high = canvas.axes[1].images[0].get_clim()
    assert np.isclose(low, -high)  # the asymmetry panel is centred on 0
