"""Headless tests of the 05_positions explorers: controls redraw, bad input gives a message."""

import html

import pytest
from widget_steps import change

from helpers.widgets import positions as wp


@pytest.fixture(scope="module")
def explorers():
    return wp.explorers()


def test_explorers_build_with_a_figure(explorers):
    assert set(explorers) == {"offsets", "kernel", "generation"}
    for explorer in explorers.values():
        assert explorer.image.value and explorer.error is None


@pytest.mark.parametrize("name, control, value", [
    ("offsets", "delta", 3), ("offsets", "delta", -2), ("offsets", "operator", "PMI"),
    ("offsets", "words", "the of police fire"),
    ("kernel", "d", 8), ("kernel", "base", 100.0),
    ("generation", "step", 7), ("generation", "mask", False),
    ("generation", "sentence", "the government said the minister was in sydney"),
])
def test_controls_redraw(explorers, name, control, value):
    explorer = explorers[name]
    before = change(explorer, control, value)
    assert explorer.error is None and explorer.image.value != before


@pytest.mark.parametrize("name, control, bad, message", [
    ("offsets", "delta", 0, "without 0"),
    ("offsets", "words", "the loan", "loan"),
    ("offsets", "words", "the", "between 2 and 12"),
    ("generation", "sentence", "the approved loan", "approved"),
    ("generation", "sentence", "", "at least one word"),
])
def test_bad_input_gives_a_message(explorers, name, control, bad, message):
    explorer = explorers[name]
    image = explorer.image.value
    good = explorer.controls[control].value
    explorer.controls[control].value = bad
    assert explorer.error is not None and message in explorer.error
    assert explorer.image.value == image
    explorer.controls[control].value = good
    assert explorer.error is None


def test_step_slider_follows_the_sentence(explorers):
    explorer = explorers["generation"]
    explorer.controls["sentence"].value = "the police said"
    assert explorer.controls["step"].max == 3 and explorer.error is None
    explorer.controls["sentence"].value = wp.GENERATION_SENTENCE
    assert explorer.controls["step"].max == 10


def test_generation_caption_shows_freeze_and_leak(explorers):
    explorer = explorers["generation"]
    explorer.controls["sentence"].value = wp.GENERATION_SENTENCE
    explorer.controls["step"].value = 6
    explorer.controls["mask"].value = True
    assert "0 of 5 earlier rows changed" in html.unescape(explorer.caption.value)
    explorer.controls["mask"].value = False
    assert "5 of 5 earlier rows changed" in html.unescape(explorer.caption.value)
    explorer.controls["mask"].value = True


def test_kernel_caption_reports_toeplitz(explorers):
    explorer = explorers["kernel"]
    explorer.controls["d"].value = 16
    assert "Toeplitz (depends on q − p only): True" in html.unescape(explorer.caption.value)
