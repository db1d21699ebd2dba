"""Every exercise's hints come as a ladder of 2 or 3 rungs, from where to look to nearly the
code, and the first rung never gives the solution: no code, no answer."""

import importlib

import numpy as np
import pytest

from helpers import real_model as rm

MODULES = ("cooccurrence", "glove", "projection", "qkv", "positions", "heads", "block",
           "real_model")
CODE = ("np.", "@", "ex.", ".sum(", "softmax(", "**", "[:", "sqrt(", "toarray", "lee.",
        "toy.")


def module(name):
    return importlib.import_module(f"helpers.exercises.{name}")


def wrong_forward(H, W_q, W_k, W_v):
    return H @ W_v


def no_backward(*_):
    return ()


# (module, exercise): an answer that is wrong without matching any named trap
WRONG = {
    ("cooccurrence", 1): 0.7, ("cooccurrence", 2): np.ones((43, 43)),
    ("cooccurrence", 3): np.ones((43, 43)), ("cooccurrence", 4): 0.5,
    ("glove", 1): 1.0, ("glove", 2): np.zeros(4), ("glove", 3): 123.0, ("glove", 4): 0.9,
    ("projection", 1): np.zeros((5, 5)), ("projection", 2): np.full(5, 0.2),
    ("projection", 3): {"d"}, ("projection", 4): 0.0,
    ("qkv", 1): 0.9, ("qkv", 2): 0.5, ("qkv", 3): (np.eye(43), 2 * np.eye(43)), ("qkv", 4): 0.5,
    ("positions", 1): np.zeros((3, 3)), ("positions", 2): 0.0, ("positions", 3): 0.0,
    ("positions", 4): np.eye(4), ("positions", 5): np.full((5, 5), 0.2),
    ("heads", 1): np.zeros((4, 4)), ("heads", 2): np.ones((3, 3)), ("heads", 3): 7,
    ("heads", 4): np.eye(2), ("heads", 5): np.zeros((2, 2)),
    ("block", 1): np.zeros(4), ("block", 2): 7, ("block", 3): 6,
    ("block", 4): (wrong_forward, no_backward),
    ("real_model", 1): 0.123, ("real_model", 2): (9, 9), ("real_model", 3): 1e-7,
}
NEEDS_MODEL = pytest.mark.skipif(rm.missing_extra() is not None,
                                 reason=f"{rm.missing_extra()} missing; {rm.EXTRA_HINT}")


def cases():
    for (name, number), answer in WRONG.items():
        marks = [NEEDS_MODEL] if name == "real_model" else []
        yield pytest.param(name, number, answer, marks=marks, id=f"{name}-{number}")


def test_every_exercise_has_a_ladder():
    for name in MODULES:
        checks = {int(attr[6:]) for attr in dir(module(name))
                  if attr.startswith("check_") and attr[6:].isdigit()}
        assert set(module(name).HINTS) == checks, name
        assert {n for m, n in WRONG if m == name} == checks, name


@pytest.mark.parametrize("name", MODULES)
def test_first_rung_points_the_way_without_the_solution(name):
    for number, ladder in module(name).HINTS.items():
        assert isinstance(ladder, tuple) and 2 <= len(ladder) <= 3, (name, number)
        first, last = ladder[0], ladder[-1]
        assert first != last and len(set(ladder)) == len(ladder)
        leaked = [marker for marker in CODE if marker in first]
        assert not leaked, f"{name} exercise {number}: first hint shows code {leaked}"


@pytest.mark.parametrize("name, number, answer", list(cases()))
def test_wrong_answers_climb_the_ladder(name, number, answer):
    check, ladder = getattr(module(name), f"check_{number}"), module(name).HINTS[number]
    messages = [check(answer).message for _ in range(len(ladder) + 1)]
    for rung, message in enumerate(messages[:-1]):
        assert message.startswith(f"hint {rung + 1} of {len(ladder)}: {ladder[rung]}"), message
    assert messages[-1] == messages[-2]  # the last rung repeats


@pytest.mark.parametrize("name, number, expected", [
    ("cooccurrence", 1, 1.5), ("glove", 1, None), ("qkv", 4, 1 / 32), ("positions", 3, None),
    ("heads", 3, 56832), ("block", 2, 30450), ("block", 3, 5)])
def test_first_rung_does_not_give_a_numeric_answer(name, number, expected):
    if expected is None:
        expected = getattr(module(name), f"expected_{number}")()
    first = module(name).HINTS[number][0]
    for text in {f"{expected:.3g}", f"{expected:g}", str(expected)}:
        assert text not in first, f"{name} exercise {number}: the first hint says {text}"
