"""Fixtures shared by the tests in this folder."""

import pytest

from helpers.exercises import base


@pytest.fixture(autouse=True)
def fresh_ladders():
    """Each test starts every hint ladder of the self-checks at its first rung."""
    base._attempts.clear()
    yield
    base._attempts.clear()
