"""helpers.validate: the checks every public helper runs at its entry."""

import numpy as np
import pytest

from helpers import validate


def test_labels_accept_whole_numbers_of_any_sign_and_whole_floats():
    assert validate.labels([3, -2, 3], "strata").tolist() == [3, -2, 3]
    assert validate.labels(np.zeros(4), "strata", 4).dtype == np.int64
    for bad, message in ((np.array([0.5, 1.0]), "whole-number"), ([], "empty"),
                         (["a", "b"], "whole-number"), (np.zeros((2, 2), dtype=int), "1-D"),
                         ([1, 2], "one label per item")):
        with pytest.raises(ValueError, match=message):
            validate.labels(bad, "strata", 3)
    with pytest.raises(TypeError, match="strata"):
        validate.labels("oops", "strata")


def test_function_refuses_what_cannot_be_called():
    assert validate.function(len, "logits_of", "of ids") is len
    with pytest.raises(TypeError, match="logits_of must be a function of ids"):
        validate.function("oops", "logits_of", "of ids")


def test_real_array_reports_the_first_non_finite_entry():
    with pytest.raises(ValueError, match=r"got nan at index 1"):
        validate.real_array([1.0, np.nan, np.inf], "x")
    assert validate.real_array([0.0, -np.inf], "L", neg_inf=True)[1] == -np.inf
    with pytest.raises(ValueError, match=r"-inf is allowed.*got inf"):
        validate.real_array([0.0, np.inf], "L", neg_inf=True)
