"""`Feedback` and the comparisons every exercise check uses. Introduced in 01_cooccurrence.

Three habits of the checks live here:
- numbers are accepted to `DIGITS` significant digits (and the message says so), so an answer
  rounded by hand or printed with `:.3g` counts;
- a known mistake (a trap) is recognised and named: `trap("counting 'the' once", why)`;
- hints come as a ladder: a tuple of hints, from a nudge to nearly the answer; each wrong
  attempt at the same exercise gets the next rung, and the first never gives the solution.
"""

from collections import Counter
from dataclasses import dataclass

import numpy as np

DIGITS = 3  # significant digits a numeric answer must match
_attempts: Counter = Counter()  # ladder (tuple of hints) → wrong attempts so far


@dataclass(frozen=True)
class Feedback:
    """The result of a self-check: `correct`, and a message that explains or hints.

    True only when the answer is correct, so `assert feedback, feedback.message` is a test.
    """

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


def tolerance(expected, atol=0.0, digits=DIGITS):
    """Half a unit in the `digits`-th significant digit of `expected` (elementwise), or `atol`
    where that is larger."""
    expected = np.abs(np.asarray(expected, dtype=float))
    with np.errstate(divide="ignore"):
        exponent = np.floor(np.log10(np.where(expected > 0, expected, 1.0)))
    return np.maximum(0.5 * 10.0 ** (exponent - digits + 1) * (expected > 0), atol)


def close(value, target, atol=1e-8, digits=DIGITS) -> bool:
    """Whether `value` equals `target` to `digits` significant digits (or within `atol`)."""
    try:
        value, target = np.asarray(value, dtype=float), np.asarray(target, dtype=float)
    except (TypeError, ValueError):
        return False
    if value.shape != target.shape:
        return False
    return bool(np.all(np.abs(value - target) <= tolerance(target, atol, digits) * (1 + 1e-9)))


def hint(ladder) -> str:
    """The next rung of `ladder` (a str is a one-rung ladder), counting wrong attempts."""
    if isinstance(ladder, str):
        return ladder
    ladder = tuple(ladder)
    rung = min(_attempts[ladder], len(ladder) - 1)
    _attempts[ladder] += 1
    more = " (Run the check again for a more specific hint.)" if rung < len(ladder) - 1 else ""
    return f"hint {rung + 1} of {len(ladder)}: {ladder[rung]}{more}"


def matching_hint(answer, hints: dict, default):
    """The hint of `hints` ({value a known mistake gives: hint}) that `answer` matches, else
    `default` (a hint or a hint ladder); a non-number matches nothing."""
    try:
        value = float(answer)
    except (TypeError, ValueError):
        return default
    return next((h for v, h in hints.items() if np.isclose(value, v, rtol=1e-6)), default)


def trap(name: str, explanation: str) -> Feedback:
    """A wrong answer that matches a known mistake, named so the learner can look for it."""
    return Feedback(False, f"that is the known trap '{name}': {explanation}")


def compare_arrays(answer, expected, hint_ladder, atol=1e-8, what="answer") -> Feedback:
    """Check an array answer against `expected`: shape first, then values, each to half a unit
    in the `DIGITS`-th significant digit of the largest entry (0.0005 for probabilities)."""
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
    finite = np.isfinite(expected)
    scale = np.abs(expected[finite]).max(initial=0.0)
    if not (np.array_equal(np.isfinite(got), finite)
            and np.all(np.abs(got[finite] - expected[finite]) <= tolerance(scale, atol) * 1.000001)
            and np.array_equal(got[~finite], expected[~finite], equal_nan=True)):
        return Feedback(False, hint(hint_ladder))
    if np.allclose(got[finite], expected[finite], rtol=1e-9, atol=atol):
        return Feedback(True, f"your {what} matches.")
    return Feedback(True, f"your {what} matches to {DIGITS} significant digits (of its largest "
                          "entry), the precision the checks use.")


def compare_number(answer, expected, hint_ladder, atol=1e-6, what="answer") -> Feedback:
    """Check a scalar answer against `expected`: whole numbers exactly, others to `DIGITS`
    significant digits (or `atol` near zero); a short, hand-rounded number that agrees to one
    digit less is told so instead of getting a hint about a mistake it did not make."""
    missing = unanswered(answer)
    if missing is not None:
        return missing
    try:
        value = float(answer)
    except (TypeError, ValueError):
        return Feedback(False, f"your {what} should be a number.")
    expected = float(expected)
    if expected.is_integer() and abs(expected) >= 1:
        if abs(value - expected) <= atol:
            return Feedback(True, f"{value:.10g} is right.")
        return Feedback(False, hint(hint_ladder))
    if abs(value - expected) <= max(atol, 1e-9 * abs(expected)):
        return Feedback(True, f"{value:.6g} is right.")
    if close(value, expected, atol=atol):
        return Feedback(True, f"{value:.6g} is right to {DIGITS} significant digits, the "
                              f"precision the checks use ({expected:.6g} unrounded).")
    if close(value, expected, atol=atol, digits=DIGITS - 1) and float(f"{value:.4g}") == value:
        return Feedback(False, f"close: {value:.6g} agrees to {DIGITS - 1} significant digits; "
                               f"the check wants {DIGITS} (round later, or print more digits).")
    return Feedback(False, hint(hint_ladder))
