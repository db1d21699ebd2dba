"""Each session's quiz: 3 to 5 questions whose right answers are accepted (and agree with the
helpers where they are numbers), whose wrong choices are rejected with the explanation, and
whose text form is one deterministic line."""

import importlib

import numpy as np
import pytest

from helpers import cooccurrence, glove, positions, projection
from helpers.exercises import base

SESSIONS = {"01": "cooccurrence", "02": "glove", "03": "projection", "04": "qkv",
            "05": "positions", "06": "heads", "07": "block", "08": "real_model"}


def questions(session):
    return importlib.import_module(f"helpers.exercises.{SESSIONS[session]}").QUESTIONS


@pytest.mark.parametrize("session", SESSIONS)
def test_quiz_widget_text_is_one_deterministic_line(session):
    module = importlib.import_module(f"helpers.exercises.{SESSIONS[session]}")
    quiz = module.quiz()
    n = len(module.QUESTIONS)
    assert 3 <= n <= 5 and isinstance(quiz, base.Quiz)
    assert repr(quiz) == f"[quiz] Session {session}: {n} questions"
    bundle = quiz._repr_mimebundle_()
    assert bundle["text/plain"] == repr(quiz) == repr(module.quiz())
    assert set(bundle) <= {"text/plain", "text/html", "application/vnd.jupyter.widget-view+json"}
    html = bundle["text/html"]  # the static view: every question, no answer, the same each time
    assert html == module.quiz()._repr_mimebundle_()["text/html"]
    assert html.count("<li>") >= n and "answer" not in html.replace("to answer", "")


@pytest.mark.parametrize("session", SESSIONS)
def test_right_answers_are_accepted(session):
    for question in questions(session):
        right = question.choices[question.answer] if question.choices else question.answer
        feedback = question.check(right)
        assert feedback and question.explanation in feedback.message
        if question.choices:
            assert question.check(question.answer)  # the index works too
        else:
            assert question.check(float(f"{question.answer:.3g}"))  # to 3 significant digits
            assert question.check(str(question.answer))  # as typed in the box


@pytest.mark.parametrize("session", SESSIONS)
def test_wrong_answers_are_rejected_with_the_explanation(session):
    for question in questions(session):
        if question.choices:
            assert len(set(question.choices)) == len(question.choices) >= 3
            wrong = [c for i, c in enumerate(question.choices) if i != question.answer]
        else:
            wrong = [question.answer * 2 + 1, question.answer * 0.9]
        for answer in wrong:
            feedback = question.check(answer)
            assert not feedback and question.explanation in feedback.message
        assert not question.check(None) and not question.check("")
        if question.choices:
            assert "choose one" in question.check("none of these").message


@pytest.mark.parametrize("session", SESSIONS)
def test_answering_in_the_widget_shows_the_feedback(session):
    quiz = importlib.import_module(f"helpers.exercises.{SESSIONS[session]}").quiz()
    for index, question in enumerate(quiz.questions):
        control = quiz.controls[index]
        assert quiz.feedback[index].value == ""
        if question.choices:
            control.value = question.choices[(question.answer + 1) % len(question.choices)]
            assert "Not yet" in quiz.feedback[index].value
            control.value = question.choices[question.answer]
        else:
            control.value = "not a number"
            assert "type a number" in quiz.feedback[index].value
            control.value = f"{question.answer:.6g}"
        assert "Correct" in quiz.feedback[index].value


def test_numeric_answers_agree_with_the_helpers():
    answers = {session: [q.answer for q in questions(session) if not q.choices]
               for session in SESSIONS}
    ids = np.array([0, 1, 0, 0, 0, 2])  # "a" and "c" four positions apart
    X = cooccurrence.count([ids], 3, window=4, weighting="harmonic", direction="right")
    assert answers["01"] == [X[1, 2]] == [0.25]
    assert answers["02"] == [float(glove.weighting(np.array([2.5]), x_max=10.0, alpha=0.5)[0])]
    counts = np.array([[2.0, 6, 2], [1, 1, 1], [1, 1, 1]])  # row 0: the first word's counts
    assert np.isclose(answers["03"][0], projection.restricted_conditional(counts, [0, 1, 2])[0, 1])
    assert answers["04"] == [1 / np.sqrt(16)]
    assert np.isclose(answers["05"][0], positions.causal_weights(np.zeros((4, 4)))[2, 0])
    assert answers["06"] == [2 * 10 * 4]
    assert answers["07"] == [len(range(6, 10))]
    assert answers["08"] == []
