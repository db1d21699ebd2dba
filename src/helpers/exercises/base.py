"""`Feedback` and the comparisons every exercise check uses. Introduced in 01_cooccurrence.

Three habits of the checks live here:
- numbers are accepted to `DIGITS` significant digits (and the message says so), so an answer
  rounded by hand or printed with `:.3g` counts;
- a known mistake (a trap) is recognised and named: `trap("counting 'the' once", why)`;
- hints come as a ladder: a tuple of hints, from a nudge to nearly the answer; each wrong
  attempt at the same exercise gets the next rung, and the first never gives the solution.

It also holds `Quiz`, the short self-checked quiz that ends each notebook.
"""

import html
from collections import Counter
from dataclasses import dataclass

import ipywidgets as widgets
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


def trap(name: str, explanation: str) -> Feedback:
    """A wrong answer that matches a known mistake, named so the learner can look for it."""
    return Feedback(False, f"that is the known trap '{name}': {explanation}")


def matches(got, expected, atol=1e-8) -> bool:
    """Whether arrays of one shape agree: the same non-finite entries, and finite entries to half
    a unit in the `DIGITS`-th significant digit of `expected`'s largest finite entry."""
    finite = np.isfinite(expected)
    scale = np.abs(expected[finite]).max(initial=0.0)
    return bool(np.array_equal(np.isfinite(got), finite)
                and np.all(np.abs(got[finite] - expected[finite])
                           <= tolerance(scale, atol) * 1.000001)
                and np.array_equal(got[~finite], expected[~finite], equal_nan=True))


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
    if not matches(got, expected, atol):
        return Feedback(False, hint(hint_ladder))
    finite = np.isfinite(expected)
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


def _as_float_array(answer):
    """`answer` (array-like or sparse) as a float array, or None when it is not numbers."""
    try:
        return np.asarray(answer.toarray() if hasattr(answer, "toarray") else answer, dtype=float)
    except (TypeError, ValueError):
        return None


def check_number(answer, expected, hint_ladder, traps=(), atol=1e-6, what="answer") -> Feedback:
    """`compare_number`, except that a wrong answer equal to a known mistake's value (to `DIGITS`
    significant digits) gets that trap's Feedback. `traps`: pairs (wrong value, trap Feedback)."""
    value = _as_float_array(answer) if answer is not None else None
    if value is not None and value.ndim == 0 and not close(value, expected, atol=atol):
        for wrong, feedback in traps:
            if close(value, wrong, atol=atol):
                return feedback
    return compare_number(answer, expected, hint_ladder, atol=atol, what=what)


def check_array(answer, expected, hint_ladder, traps=(), atol=1e-8, what="answer") -> Feedback:
    """`compare_arrays`, except that a wrong answer of the right shape that matches a known
    mistake gets that trap's Feedback. `traps`: pairs (the wrong array, or a test on the answer
    array, trap Feedback)."""
    got = _as_float_array(answer) if answer is not None else None
    expected = np.asarray(expected, dtype=float)
    if got is not None and got.shape == expected.shape and not matches(got, expected, atol):
        for wrong, feedback in traps:
            if wrong(got) if callable(wrong) else matches(got, np.asarray(wrong, float), atol):
                return feedback
    return compare_arrays(answer, expected, hint_ladder, atol=atol, what=what)


@dataclass(frozen=True)
class Question:
    """One quiz question. With `choices` it is multiple choice and `answer` is the index of the
    right choice; without, `answer` is a number accepted to `DIGITS` significant digits.
    `explanation` is shown after any answer, right or wrong."""

    prompt: str
    answer: float
    explanation: str
    choices: tuple[str, ...] = ()

    def check(self, answer) -> Feedback:
        """Feedback on `answer`: a choice (its index or its text) or a number."""
        if answer is None or isinstance(answer, str) and not answer.strip():
            return Feedback(False, "choose or type an answer.")
        if self.choices:
            index = self.choices.index(answer) if answer in self.choices else answer
            if isinstance(index, str):
                return Feedback(False, "choose one of the answers offered.")
            if index == self.answer:
                return Feedback(True, self.explanation)
            return Feedback(False, f"the answer is “{self.choices[self.answer]}”: "
                                   f"{self.explanation}")
        try:
            value = float(answer)
        except (TypeError, ValueError):
            return Feedback(False, "type a number.")
        if close(value, self.answer, atol=1e-9):
            return Feedback(True, f"{self.explanation} (Checked to {DIGITS} significant "
                                  "digits.)")
        return Feedback(False, f"{value:.6g} is not it. {self.explanation}")


class Quiz(widgets.VBox):
    """A few `Question`s, each with its control and a feedback line that shows the explanation
    once answered. Its text form (what a saved notebook's text comparison checks) is one line:
    "[quiz] <title>: <n> questions"."""

    def __init__(self, title: str, questions):
        self.title, self.questions = title, tuple(questions)
        self.controls, self.feedback = [], []
        rows = [widgets.HTML(f"<b>{html.escape(title)}: check yourself</b>")]
        for number, question in enumerate(self.questions, start=1):
            if question.choices:
                control = widgets.RadioButtons(options=question.choices, value=None,
                                               layout=widgets.Layout(width="auto"))
            else:
                control = widgets.Text(placeholder="a number, then Enter",
                                       continuous_update=False)
            line = widgets.HTML()
            control.observe(lambda change, i=number - 1: self.answer(i, change.new),
                            names="value")
            self.controls.append(control)
            self.feedback.append(line)
            rows += [widgets.HTML(f"{number}. {html.escape(question.prompt)}"), control, line]
        super().__init__(rows)

    def answer(self, index: int, value) -> Feedback:
        """Check `value` against question `index` and show the feedback under it."""
        feedback = self.questions[index].check(value)
        colour = "#006000" if feedback else "#a00000"
        self.feedback[index].value = (f'<div style="color:{colour}">{html.escape(repr(feedback))}'
                                      "</div>")
        return feedback

    def __repr__(self) -> str:
        return f"[quiz] {self.title}: {len(self.questions)} questions"

    def static_html(self) -> str:
        """The questions and their choices as plain HTML, without answers: what a reader of the
        saved notebook sees where no kernel runs the widget (GitHub, nbviewer, the website)."""
        items = []
        for question in self.questions:
            choices = "".join(f"<li>{html.escape(str(c))}</li>" for c in question.choices)
            items.append(f"<li>{html.escape(question.prompt)}"
                         + (f"<ul>{choices}</ul>" if choices else "") + "</li>")
        return (f"<p><b>{html.escape(self.title)}: check yourself</b> (run the notebook to "
                f"answer)</p><ol>{''.join(items)}</ol>")

    def _repr_mimebundle_(self, **kwargs):
        bundle = super()._repr_mimebundle_(**kwargs)
        bundle["text/plain"] = repr(self)
        bundle["text/html"] = self.static_html()
        return bundle
