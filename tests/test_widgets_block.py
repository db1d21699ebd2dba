"""Headless tests of the 07_transformer_block explorers and exercise checks."""

import numpy as np
import pytest

from helpers import block, ladder
from helpers.exercises import block as ex
from helpers.widgets import block as wb


@pytest.fixture(scope="module")
def tables():
    return ladder.lee_tables()


@pytest.fixture
def explorers(tables):
    V, d = tables.W.shape
    layer = block.Capstone(np.sqrt(d) * tables.B_left, np.zeros((d, V)), np.zeros(V))
    scores = {rung: 5.0 + k / 10 for k, rung in enumerate(ladder.RUNGS)}
    return {"ladder": wb.ladder_explorer(tables, scores),
            "capstone": wb.capstone_explorer(tables, layer)}


def test_explorers_build_with_a_figure(explorers):
    for explorer in explorers.values():
        assert explorer.image.value and explorer.error is None


def test_ladder_titles_carry_the_scores(tables):
    draw = wb.make_draw_ladder(tables, {rung: 5.0 + k / 10
                                        for k, rung in enumerate(ladder.RUNGS)})
    fig, caption = draw(wb.SENTENCE)
    titles = [text.get_text() for ax in fig.axes for text in ax.texts if ": 5." in text.get_text()]
    assert "3. softmax: 5.200" in titles and len(titles) == len(ladder.RUNGS)
    assert "held-out" in caption
    assert "mask 0.00, heads 0.00" in caption  # masked maps leave the later keys empty
    assert "positions 0.00" not in caption
    switches = dict.fromkeys(ladder.RUNGS, True) | {"positions": False}
    fig, _ = draw(wb.SENTENCE, **switches)  # later maps are not the table's: no score
    titles = [text.get_text() for ax in fig.axes if ax.get_visible() for text in ax.texts]
    assert "5. asymmetry: 5.400" in titles and "6. mask: –" in titles


@pytest.mark.parametrize("rung", ladder.RUNGS)
def test_each_rung_toggles(explorers, rung):
    explorer = explorers["ladder"]
    before = explorer.image.value
    explorer.controls[rung].value = False
    assert explorer.error is None and explorer.image.value != before


def test_ladder_rejects_bad_input(explorers):
    explorer = explorers["ladder"]
    explorer.controls["sentence"].value = "zebra"
    assert "Not in the vocabulary" in explorer.error
    explorer.controls["sentence"].value = wb.SENTENCE
    for rung in ladder.RUNGS:
        explorer.controls[rung].value = False
    assert "at least one rung" in explorer.error


def test_capstone_explorer_redraws(explorers):
    explorer = explorers["capstone"]
    before = explorer.image.value
    explorer.controls["sentence"].value = "the government said the talks would continue"
    assert explorer.error is None and explorer.image.value != before
    explorer.controls["sentence"].value = "fire"
    assert "at least two words" in explorer.error


def test_exercise_checks():
    assert not ex.check_1(None)
    assert ex.check_1(block.layer_norm(ex.EXERCISE_1_X[None, :])[0])
    x = ex.EXERCISE_1_X
    assert "population" in repr(ex.check_1((x - x.mean()) / x.std(ddof=1)))
    assert "attention only" in repr(ex.check_2(4 * 50 * 50))
    assert ex.check_2(4 * 2500 + 200 + 50 * 200 + 200 + 200 * 50 + 50)
    assert "causal" in repr(ex.check_3(8))
    assert ex.check_3(5)


def _forward(H, W_q, W_k, W_v, causal=True):
    Q, K, V = H @ W_q, H @ W_k, H @ W_v
    Z = Q @ K.T / np.sqrt(W_q.shape[1])
    if causal:
        Z = np.where(np.tril(np.ones(Z.shape, dtype=bool)), Z, -np.inf)
    A = np.exp(Z - Z.max(axis=1, keepdims=True))
    return A / A.sum(axis=1, keepdims=True), Q, K, V


def forward(H, W_q, W_k, W_v):
    A, _, _, V = _forward(H, W_q, W_k, W_v)
    return A @ V


def backward(H, W_q, W_k, W_v, dY):
    A, Q, K, V = _forward(H, W_q, W_k, W_v)
    dA = dY @ V.T
    dZ = A * (dA - (dA * A).sum(axis=1, keepdims=True)) / np.sqrt(W_q.shape[1])
    return H.T @ dZ @ K, H.T @ dZ.T @ Q, H.T @ A.T @ dY


def test_exercise_4_checks_a_layer_by_finite_differences():
    assert not ex.check_4(None)
    assert ex.check_4((forward, backward))
    unmasked = (lambda *w: _forward(*w, causal=False)[0] @ (w[0] @ w[3]), backward)
    assert "causal mask" in repr(ex.check_4(unmasked))
    wrong_q = (forward, lambda *args: (2 * backward(*args)[0], *backward(*args)[1:]))
    assert "dW_q differs" in repr(ex.check_4(wrong_q))
    no_scale = (forward, lambda H, W_q, W_k, W_v, dY: (*(g * np.sqrt(3) for g in
                backward(H, W_q, W_k, W_v, dY)[:2]), backward(H, W_q, W_k, W_v, dY)[2]))
    assert "dW_q differs" in repr(ex.check_4(no_scale))
    assert "raised ZeroDivisionError" in repr(ex.check_4((lambda *w: 1 / 0, backward)))
    assert "(forward, backward)" in repr(ex.check_4(forward))
    X, W_q, W_k, W_v, dY = ex.exercise_4_data()
    numeric = ex.finite_differences(forward, (X, W_q, W_k, W_v), dY)
    assert all(np.allclose(g, n, atol=1e-6)
               for g, n in zip(backward(X, W_q, W_k, W_v, dY), numeric, strict=True))
