"""Checks at the helpers' boundary that many modules share. Introduced in 01_cooccurrence."""

import numpy as np


def whole_number(value, name: str, minimum: int = 1) -> int:
    """`value` as an int when it is a whole number >= `minimum` (bools are not); else ValueError."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < minimum:
        raise ValueError(f"{name} must be a whole number >= {minimum}, got {value!r}.")
    return int(value)
