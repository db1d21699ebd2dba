"""`Feedback` and the comparisons every exercise check uses. Introduced in 01_cooccurrence."""

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Feedback:
    """The result of a self-check: `correct`, and a message that explains or hints."""

    correct: bool
    message: str

    def __repr__(self) -> str:
        return ("Correct: " if self.correct else "Not yet: ") + self.message

    def __bool__(self) -> bool:
        return self.correct


def unanswered(answer) -> Feedback | None:
    """Feedback for an answer left as None (the exercise placeholder), else None."""
    if answer is None:
        return Feedback(False, "replace None with your answer and run the cell again.")
    return None


def compare_arrays(answer, expected, hint, atol=1e-8, what="answer") -> Feedback:
    """Check an array answer against `expected`: shape first, then values (to `atol`)."""
    missing = unanswered(answer)
    if missing is not None:
        return missing
    try:
        got = np.asarray(answer.toarray() if hasattr(answer, "toarray") else answer, dtype=float)
    except (TypeError, ValueError):
        return Feedback(False, f"your {what} should be an array of numbers.")
    expected = np.asarray(expected, dtype=float)
    if got.shape != expected.shape:
        return Feedback(False, f"your {what} has shape {got.shape}; expected {expected.shape}.")
    if not np.allclose(got, expected, atol=atol, equal_nan=True):
        return Feedback(False, hint)
    return Feedback(True, f"your {what} matches.")


def compare_number(answer, expected, hint, atol=1e-6, what="answer") -> Feedback:
    """Check a scalar answer against `expected` to `atol`."""
    missing = unanswered(answer)
    if missing is not None:
        return missing
    try:
        value = float(answer)
    except (TypeError, ValueError):
        return Feedback(False, f"your {what} should be a number.")
    if not np.isclose(value, expected, atol=atol):
        return Feedback(False, hint)
    return Feedback(True, f"{value:.6g} is right.")
