"""Headless tests of the 08_real_model head browser (skipped without the real-model extra)."""

import numpy as np
import pytest
from widget_steps import change

from helpers import real_model as rm

pytestmark = pytest.mark.skipif(rm.missing_extra() is not None,
                                reason=f"{rm.missing_extra()} missing; {rm.EXTRA_HINT}")


@pytest.fixture(scope="module")
def browser():
    from helpers.widgets.real_model import explorers

    return explorers()["head_browser"]


def test_controls_redraw(browser):
    for name, value in (("layer", 3), ("head", 7), ("predict", "offset PMI (|δ| <= 5)")):
        before = change(browser, name, value)
        assert browser.error is None
        assert browser.image.value != before
    browser.controls["sentence"].value = "The bank lent money to the small firm."
    assert browser.error is None and "Spearman" in browser.caption.value


def test_bad_sentences_give_messages(browser):
    default = browser.controls["sentence"].value
    try:
        for text, words in (("", "Type a sentence"), ("qzxv wqpl blorptang", "Fewer than two"),
                            ("the bank of the river " * 20, "word pieces")):
            browser.controls["sentence"].value = text
            assert browser.error is not None and words in browser.error
    finally:  # the browser is shared by the module's tests, which run in any order
        browser.controls["sentence"].value = default
    assert browser.error is None


def test_prediction_rows_are_distributions():
    from helpers.real_model import PREDICTIONS
    from helpers.real_model import predicted_attention as prediction

    _, tokenizer = rm.load()
    stats = rm.piece_counts(tokenizer)
    ids = np.array(tokenizer("the police said the fire was near the river")["input_ids"][1:-1])
    for kind in PREDICTIONS:
        P = prediction(stats, ids, kind)
        defined = ~np.isnan(P).any(axis=1)
        assert P.shape == (len(ids), len(ids)) and defined.sum() >= len(ids) - 1
        assert np.allclose(np.diag(P)[defined], 0) and np.allclose(P[defined].sum(axis=1), 1)
    with pytest.raises(ValueError, match="kind must be"):
        prediction(stats, ids, "GloVe")


def test_explorers_is_empty_without_the_extra(monkeypatch):
    from helpers.widgets import real_model as module

    monkeypatch.setattr(module.rm, "missing_extra", lambda: "torch")
    assert module.explorers() == {}
