"""The self-checks teach: precision stated, known traps named, hints as a ladder, and a
`Feedback` that is true only when the answer is correct (so nbgrader can assert it)."""

import numpy as np
import pytest

from helpers import data, projection
from helpers.exercises import base
from helpers.exercises import projection as ex


def toy_counts():
    toy = data.toy()
    return toy, toy.X.toarray()


def test_feedback_is_true_only_when_correct():
    assert base.Feedback(True, "ok") and not base.Feedback(False, "no")
    good, bad = ex.check_4(ex.expected_4()), ex.check_4(0.0)
    assert good and not bad
    with pytest.raises(AssertionError, match="Not yet|hint|trap"):
        assert bad, repr(bad)


@pytest.mark.parametrize("decimals", [3, 4])
def test_rounded_numbers_are_accepted_and_the_precision_is_said(decimals):
    expected = ex.expected_4()
    feedback = ex.check_4(round(expected, decimals))
    assert feedback, feedback.message
    assert "3 significant digits" in feedback.message


def test_early_rounding_is_called_close_not_a_mistake():
    feedback = base.compare_number(0.89, 0.8882, "a hint about a mistake")
    assert not feedback and "close" in feedback.message and "3" in feedback.message


def test_whole_numbers_stay_exact():
    assert base.compare_number(56832, 56832, "h")
    assert not base.compare_number(56800, 56832, "h")


def test_arrays_to_three_significant_digits():
    expected = ex.expected_2()
    assert ex.check_2(np.round(expected, 3))
    assert not ex.check_2(np.round(expected, 1))


def test_trap_counting_the_once():
    toy, X = toy_counts()
    ids = toy.vocab.encode(ex.EXERCISE_4_SENTENCE.split())
    u, the = toy.vocab.index["bank"], toy.vocab.index["the"]
    once = X[u, the] / X[u, np.unique(ids)].sum()
    for answer in (once, round(once, 3)):
        message = ex.check_4(answer).message
        assert "trap" in message and "counting 'the' once" in message


def test_trap_smoothed_x_from_an_earlier_cell():
    toy, X = toy_counts()
    ids = toy.vocab.encode(ex.EXERCISE_4_SENTENCE.split())
    u, the = toy.vocab.index["bank"], toy.vocab.index["the"]
    Xs = X + ex.SMOOTHING                          # the notebook's smoothed X
    message = ex.check_4(2 * Xs[u, the] / Xs[u, ids].sum()).message
    assert "smoothed X" in message and "toy.X" in message
    ids2 = toy.vocab.encode(ex.EXERCISE_2_SENTENCE.split())
    row = Xs[u, ids2]
    assert "smoothed X" in ex.check_2(row / row.sum()).message


def test_trap_normalising_over_the_whole_vocabulary():
    toy, X = toy_counts()
    ids = toy.vocab.encode(ex.EXERCISE_2_SENTENCE.split())
    row = X[toy.vocab.index["bank"]]
    message = ex.check_2(row[ids] / row.sum()).message
    assert "normalising over the whole vocabulary" in message


def test_hints_are_a_ladder_whose_first_rung_is_not_the_solution():
    toy = data.toy()
    wrong = np.zeros((5, 5))
    first, second, third, fourth = (ex.check_1(wrong).message for _ in range(4))
    assert first.startswith("hint 1 of 3") and "np.ix_" not in first and "S[" not in first
    assert second.startswith("hint 2 of 3") and third.startswith("hint 3 of 3")
    assert "np.ix_" in third and fourth.startswith("hint 3 of 3")
    ids = toy.vocab.encode(ex.EXERCISE_1_SENTENCE.split())
    assert ex.check_1(projection.project(data.toy().X, ids) * 0 + ex.expected_1())
