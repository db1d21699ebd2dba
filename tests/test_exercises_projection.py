"""The 03_projection self-checks accept the right answers and give targeted hints."""

import numpy as np

from helpers import cooccurrence, corpus, data
from helpers.exercises import projection as ex


def toy_ids(text):
    toy = data.toy()
    return toy, corpus.sentence_ids(text, toy.vocab)


def test_check_1():
    toy, ids = toy_ids(ex.EXERCISE_1_SENTENCE)
    S = cooccurrence.ppmi(toy.X).toarray()
    assert ex.check_1(S[np.ix_(ids, ids)]).correct
    assert "O S" in ex.check_1(S[ids]).message
    assert not ex.check_1(None).correct
    assert not ex.check_1(np.zeros((5, 5))).correct
    assert "'the counts, not PPMI'" in ex.check_1(toy.X.toarray()[np.ix_(ids, ids)]).message


def test_check_2():
    toy, ids = toy_ids(ex.EXERCISE_2_SENTENCE)
    row = toy.X[toy.vocab.index["bank"]].toarray().ravel()
    assert ex.check_2(row[ids] / row[ids].sum()).correct
    assert "Renormalise" in ex.check_2(row[ids] / row.sum()).message


def test_check_3():
    assert ex.check_3({"d", "e"}).correct
    assert ex.check_3(["E", "d"]).correct
    assert "'a row shift'" in ex.check_3({"a", "d", "e"}).message
    first = ex.check_3({"d"})
    assert not first and "hint 1 of 2" in first.message and "2z" not in first.message
    assert "(e^z)²" in ex.check_3({"d"}).message
    assert not ex.check_3({"z"}).correct


def test_check_4():
    toy, ids = toy_ids(ex.EXERCISE_4_SENTENCE)
    X = toy.X.toarray()
    u, the = toy.vocab.index["bank"], toy.vocab.index["the"]
    expected = 2 * X[u, the] / X[u, ids].sum()
    assert np.isclose(ex.expected_4(), expected)
    assert ex.check_4(expected).correct
    assert "one copy" in ex.check_4(X[u, the] / X[u, ids].sum()).message
    assert "once" in ex.check_4(X[u, the] / X[u, np.unique(ids)].sum()).message
