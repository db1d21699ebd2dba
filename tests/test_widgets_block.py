"""Headless tests of the 07_transformer_block explorers and exercise checks."""

import numpy as np
import pytest

from helpers import block
from helpers.exercises import block as ex
from helpers.widgets import block as wb


@pytest.fixture(scope="module")
def explorers():
    return wb.explorers()


def test_explorers_build_with_a_figure(explorers):
    assert set(explorers) == {"ladder", "capstone"}
    for explorer in explorers.values():
        assert explorer.image.value and explorer.error is None


@pytest.mark.parametrize("rung", wb.RUNGS)
def test_each_rung_toggles(explorers, rung):
    explorer = explorers["ladder"]
    before = explorer.image.value
    explorer.controls[rung].value = False
    assert explorer.error is None and explorer.image.value != before
    explorer.controls[rung].value = True


def test_ladder_rejects_bad_input(explorers):
    explorer = explorers["ladder"]
    explorer.controls["sentence"].value = "zebra"
    assert "Not in the vocabulary" in explorer.error
    explorer.controls["sentence"].value = wb.SENTENCE
    for rung in wb.RUNGS:
        explorer.controls[rung].value = False
    assert "at least one rung" in explorer.error
    for rung in wb.RUNGS:
        explorer.controls[rung].value = True
    assert explorer.error is None


def test_ladder_mask_rung_is_causal_and_projection_is_softmax_of_log():
    tables = wb.lee_tables()
    ids = tables.vocab.encode("the police said the fire".split())
    steps = dict(wb.ladder(tables, ids, ["projection", "mask"]))
    assert np.allclose(np.triu(steps["mask"], 1), 0)
    M = tables.X[np.ix_(ids, ids)]
    assert np.allclose(steps["projection"], M / M.sum(1, keepdims=True))


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
