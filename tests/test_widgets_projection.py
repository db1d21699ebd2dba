"""Headless tests of the 03_projection explorers: controls redraw, bad input gives a message."""

import html

import numpy as np
import pytest
from widget_steps import change

from helpers import cooccurrence, corpus, data, projection
from helpers.widgets import projection as wp


@pytest.fixture(scope="module")
def ops():
    return wp.lee_operators()


@pytest.fixture(scope="module")
def explorers():
    return wp.explorers()


def test_explorers_build_with_a_figure(explorers):
    assert set(explorers) == {"attention", "predictions", "glove_kl", "uniqueness"}
    for explorer in explorers.values():
        assert explorer.image.value and explorer.error is None


@pytest.mark.parametrize("name, value", [
    ("sentence_text", "israeli troops in the west bank"), ("S", "log(1 + X)"),
    ("S", "GloVe W W̃ᵀ"), ("logits", "PMI"), ("logits", "GloVe w·w̃ + b̃"),
    ("logits", "M itself"), ("smooth", True),
])
def test_attention_controls_redraw(explorers, name, value):
    explorer = explorers["attention"]
    before = change(explorer, name, value)
    assert explorer.error is None and explorer.image.value != before


def test_attention_caption_shows_the_exact_identity(explorers, ops):
    explorer = explorers["attention"]
    explorer.controls["smooth"].value = False
    explorer.controls["logits"].value = "log X"
    explorer.controls["sentence_text"].value = wp.ATTENTION_SENTENCE
    caption = html.unescape(explorer.caption.value)
    difference = float(caption.split("max |softmax - R| = ")[1].split()[0])
    assert difference < 1e-12
    assert "mean KL(R || softmax) = 0.0000" in caption


@pytest.mark.parametrize("bad, words", [
    ("the bank approved the loan", ["'approved'", "'loan'"]),
    ("zzz bank qqq", ["'zzz'", "'qqq'"]),
])
def test_unknown_words_are_listed(explorers, bad, words):
    for name in ("attention", "predictions", "glove_kl"):
        explorer = explorers[name]
        image = explorer.image.value
        explorer.controls["sentence_text"].value = bad
        assert "Not in the Lee vocabulary" in explorer.error
        assert all(w in explorer.error for w in words)
        assert explorer.image.value == image
        default = wp.PREDICTION_SENTENCE if name == "predictions" else wp.ATTENTION_SENTENCE
        explorer.controls["sentence_text"].value = default
        assert explorer.error is None


def test_lonely_word_message_suggests_smoothing(ops):
    draw = wp.make_draw_attention(ops)
    X = ops.X
    lonely = [w for w in ("antarctic", "rafter", "harrison") if w in ops.vocab]
    for w in lonely:
        ids = corpus.sentence_ids(f"{w} bank", ops.vocab)
        if (projection.project(X, ids).sum(1) == 0).any():
            with pytest.raises(ValueError, match="smooth"):
                draw(sentence_text=f"{w} bank")
            draw(sentence_text=f"{w} bank", smooth=True)
            return
    pytest.skip("no lonely word among the candidates")


def test_predictions_controls_and_focus(explorers):
    explorer = explorers["predictions"]
    for name, value in (("k", 5), ("S", "log(1 + X)"), ("hide_sentence", False),
                        ("focus", "west")):
        before = change(explorer, name, value)
        assert explorer.error is None and explorer.image.value != before
    explorer.controls["focus"].value = "gaza"
    assert "not in the sentence" in explorer.error and "israeli" in explorer.error
    explorer.controls["focus"].value = "bank"
    assert explorer.error is None


def test_predictions_differ_by_context(ops):
    S = cooccurrence.ppmi(data.lee().X)
    tops = []
    for text in ("israeli troops in the west bank", "the reserve bank cut interest rates"):
        ids = corpus.sentence_ids(text, ops.vocab)
        i = ops.vocab.decode(ids).index("bank")
        E = projection.predictions(S, ids)[i]
        E[ids] = -np.inf
        tops.append(set(ops.vocab.decode(np.argsort(-E)[:10])))
    assert not tops[0] & tops[1]


def test_glove_kl_slider_and_sweep(explorers):
    explorer = explorers["glove_kl"]
    for d in (2, 100, 50):
        before = explorer.image.value
        explorer.controls["d"].value = d
        assert explorer.error is None and explorer.image.value != before
        assert f"d = {d}:" in explorer.caption.value


def test_sweep_means_shrink_from_small_d():
    lee = data.lee()
    windows = projection.sample_sentences(lee.docs, length=12, count=60)
    fits = {d: data.lee_glove(dim=d) for d in (2, 10, 50)}
    sweep = projection.glove_kl_sweep(lee.X, windows, fits)
    means = [sweep[d].mean() for d in (2, 10, 50)]
    assert means[0] > means[1] > means[2] > 0


def test_default_sweep_is_the_notebook_loop():
    dims, means, fits = wp.default_sweep(dims=(5, 50))
    lee = data.lee()
    windows = projection.sample_sentences(lee.docs, **wp.KL_SAMPLE)
    for d, mean in zip(dims, means, strict=True):
        loop = projection.window_kl(lee.X, windows,
                                    lambda w, d=d: projection.glove_logits(fits[d], w))
        assert np.isclose(loop.mean(), mean)


def test_kl_panel_has_axes_and_ticks():
    fig = wp.make_draw_glove_kl(wp.lee_operators(), (2, 50), np.array([0.2, 0.1]),
                                {2: data.lee_glove(dim=2), 50: data.lee_glove(dim=50)})()[0]
    panel = fig.axes[1]
    assert panel.axison and [t.get_text() for t in panel.get_xticklabels()] == ["2", "50"]
    assert panel.get_ylabel().startswith("mean KL") and len(panel.get_yticks()) >= 3


def test_uniqueness_explorer_shows_the_failure_with_a_repeat(explorers):
    explorer = explorers["uniqueness"]
    assert "unique" in explorer.caption.value and "NOT" not in explorer.caption.value
    for name, value in (("noise", 0.5), ("repeat", True)):
        before = change(explorer, name, value)
        assert explorer.error is None and explorer.image.value != before
    assert "NOT unique" in explorer.caption.value
    explorer.controls["sentence_text"].value = "the bank approved the zebra"
    assert "Not in the toy vocabulary" in explorer.error and "'zebra'" in explorer.error
    explorer.controls["sentence_text"].value = wp.UNIQUENESS_SENTENCE
    explorer.controls["repeat"].value = False
    assert explorer.error is None


def test_random_perturbations_beat_m_only_with_a_repeat():
    toy = data.toy()
    S = cooccurrence.ppmi(toy.X)
    rng = np.random.default_rng(0)
    for text, repeated in (("fish swim near the bank", False), ("the bank the river", True)):
        ids = corpus.sentence_ids(text, toy.vocab)
        M = projection.project(S, ids)
        best = projection.approximation_error(S, ids, M)
        gaps = [projection.approximation_error(S, ids, M + 0.1 * rng.standard_normal(M.shape))
                - best for _ in range(30)]
        assert (min(gaps) < 0) == repeated
