"""Headless tests of the 04_qkv explorers: controls redraw, bad input gives a message."""

import html

import numpy as np
import pytest
from widget_steps import change

from helpers import bilinear, data
from helpers.attention import softmax
from helpers.widgets import qkv


@pytest.fixture(scope="module")
def explorers():
    return qkv.explorers()


def test_explorers_build_with_a_figure(explorers):
    assert set(explorers) == {"direction", "rank", "scaling", "temperature"}
    for explorer in explorers.values():
        assert explorer.image.value and explorer.error is None


@pytest.mark.parametrize("name, control, value", [
    ("direction", "beta", 0.0), ("direction", "sentence", "the police said the fire was out"),
    ("rank", "d_k", 3), ("rank", "shared", True), ("rank", "sentence", "the new south wales fire"),
    ("scaling", "d_k", 1024), ("scaling", "scaled", False),
    ("temperature", "tau", 0.2), ("temperature", "sentence", "the police said the fire"),
])
def test_controls_redraw(explorers, name, control, value):
    explorer = explorers[name]
    before = change(explorer, control, value)
    assert explorer.error is None and explorer.image.value != before


@pytest.mark.parametrize("name", ["direction", "rank", "temperature"])
@pytest.mark.parametrize("bad, message", [
    ("the loan was approved", "Not in the vocabulary"), ("", "at least one word"),
    ("the " * 31, "at most 30"),
])
def test_bad_sentences_give_a_message(explorers, name, bad, message):
    explorer = explorers[name]
    explorer.controls["sentence"].value = qkv.SENTENCE
    image = explorer.image.value
    explorer.controls["sentence"].value = bad
    assert message in explorer.error and explorer.image.value == image
    explorer.controls["sentence"].value = qkv.SENTENCE
    assert explorer.error is None


def test_beta_zero_gives_symmetric_logits():
    lee, fit = data.lee(), data.lee_glove(direction="right")
    _, caption = qkv.make_draw_direction(lee.vocab, fit.W, fit.W_context)(beta=1.0)
    ids = lee.vocab.encode(qkv.SENTENCE.split())
    L = fit.W[ids] @ fit.W_context[ids].T
    A = softmax(L)
    assert f"mean |A_ij − A_ji| = {np.abs(A - A.T).mean():.4f}" in caption
    L_sym = bilinear.sym_skew(L)[0]
    assert np.allclose(L_sym, L_sym.T)


def test_rank_caption_reports_the_error_curves(explorers):
    explorer = explorers["rank"]
    explorer.controls["sentence"].value = qkv.SENTENCE
    explorer.controls["shared"].value = False
    explorer.controls["d_k"].value = 20
    S = bilinear.directional_operator(data.lee_counts("right"), "log1p")
    errors = bilinear.low_rank_errors(S)
    caption = html.unescape(explorer.caption.value)
    assert f"vocabulary error {errors[20]:.3f}" in caption
    explorer.controls["shared"].value = True
    shared = bilinear.psd_errors(S)
    assert f"vocabulary error {shared[20]:.3f}" in html.unescape(explorer.caption.value)


def test_scaling_keeps_variance_near_one():
    draw = qkv.make_draw_scaling(bilinear.random_logits(qkv.DIMENSIONS))
    for d_k in (4, 256):
        _, caption = draw(d_k=d_k, scaled=True)
        variance = float(caption.split("logit variance ")[1].split()[0])
        assert abs(variance - 1) < 0.25
    _, caption = draw(d_k=1024, scaled=False)
    assert float(caption.split("logit variance ")[1].split()[0]) > 500
    with pytest.raises(ValueError, match="d_k must be one of"):
        draw(d_k=3)


def test_temperature_rejects_non_positive_tau():
    lee = data.lee()
    draw = qkv.make_draw_temperature(lee.vocab, lee.X)
    with pytest.raises(ValueError, match="positive"):
        draw(tau=0.0)


@pytest.mark.parametrize("name", ["direction", "rank", "temperature"])
def test_reused_figure_redraws_a_sentence_exactly(explorers, name):
    explorer = explorers[name]
    explorer.controls["sentence"].value = qkv.SENTENCE
    image = explorer.image.value
    explorer.controls["sentence"].value = "the police said the fire was out"
    assert explorer.image.value != image
    explorer.controls["sentence"].value = qkv.SENTENCE
    assert explorer.image.value == image
