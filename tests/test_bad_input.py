"""Bad input gets a message, never a traceback: every explorer, and the helpers' examples.

The first part is a battery for every explorer of every session. The second part checks, one
by one, the silent wrong answers that helpers once gave (each example of the bad-input
contract in the package docstring of `helpers`), and the degenerate but valid inputs whose
results the docstrings document. tests/test_contract.py walks the whole public API.

Every module `helpers.widgets.<topic>` with an `explorers()` function is found with pkgutil, so
a new session's explorers are covered as soon as they exist. Each text control gets empty text,
only unknown words, very long text, non-ASCII and punctuation only; each numeric control its
extremes; each choice control every option; each checkbox both states. No exception may escape,
a refused value must leave a readable `explorer.error` and keep the last figure, and going back
to the default value must clear the message.
"""

import functools
import importlib

import ipywidgets as widgets
import numpy as np
import pytest
import scipy.sparse as sp
from widget_steps import EXPLORER_MODULES

from helpers import (
    attention,
    block,
    cooccurrence,
    corpus,
    data,
    evaluate,
    glove,
    heads,
    positions,
    projection,
)

TEXT_BATTERY = {
    "empty": "",
    "only unknown words": "qzxv wqpl blorptang",
    "very long": "the bank of the river was muddy " * 400,
    "non-ASCII": "Größe café naïve 東京 🙂 — «déjà vu»",
    "punctuation only": "!!! ... ??? ;;; --- ,,,",
}
MUST_REFUSE = ("only unknown words", "punctuation only")
TEXT_TYPES = (widgets.Text, widgets.Textarea)  # Combobox is a Text
NUMBER_TYPES = (widgets.IntText, widgets.FloatText, widgets.BoundedIntText,
                widgets.BoundedFloatText)
SLIDER_TYPES = (widgets.IntSlider, widgets.FloatSlider, widgets.FloatLogSlider)
RANGE_TYPES = (widgets.IntRangeSlider, widgets.FloatRangeSlider)
CHOICE_TYPES = (widgets.Dropdown, widgets.ToggleButtons, widgets.RadioButtons,
                widgets.Select, widgets.SelectionSlider)


@functools.cache
def explorers_of(name):
    """The explorers of one session, built once for both tests."""
    module = importlib.import_module(f"helpers.widgets.{name}")
    if not hasattr(module, "explorers"):
        pytest.fail(f"helpers.widgets.{name} has no explorers() function (see the conventions)")
    return module.explorers()


def assert_readable(message, context):
    assert isinstance(message, str), f"{context}: error is {message!r}, not a message"
    shown = message if len(message) < 300 else f"{message[:150]} ... {message[-100:]}"
    assert 10 <= len(message) <= 600, (
        f"{context}: a message of {len(message)} characters is not readable (echo at most a "
        f"short prefix of what was typed): {shown!r}"
    )
    for sign in ("Traceback", 'File "', "Error(", "<function", "0x"):
        assert sign not in message, f"{context}: message looks like a traceback: {shown!r}"


def set_and_check(explorer, control, value, context, must_refuse=False):
    """Set one control; assert nothing escaped and the panel is either redrawn or explains."""
    before = explorer.image.value
    try:
        control.value = value
    except Exception as exc:  # the point of the test: report any escape readably
        pytest.fail(f"{context}: {type(exc).__name__} escaped: {exc}")
    if explorer.error is None:
        assert not must_refuse, f"{context}: accepted, but should have shown a message"
        assert explorer.image.value, f"{context}: no figure after a successful update"
    else:
        assert_readable(explorer.error, context)
        assert explorer.image.value == before, f"{context}: the last good figure was replaced"


def numeric_values(control):
    if isinstance(control, widgets.FloatLogSlider):
        return [control.base ** control.min, control.base ** control.max]
    if isinstance(control, RANGE_TYPES):
        return [(control.min, control.min), (control.max, control.max),
                (control.min, control.max)]
    if hasattr(control, "min"):
        return [control.min, control.max]
    return [0, -1, 10**6]


def battery(explorer, control_name, control):
    """(value, context, must_refuse) triples to try on one control, or [] if none apply."""
    where = f"{explorer.title!r} / {control_name}"
    if isinstance(control, TEXT_TYPES):
        return [(text, f"{where} = {label}", label in MUST_REFUSE)
                for label, text in TEXT_BATTERY.items()]
    if isinstance(control, SLIDER_TYPES + RANGE_TYPES + NUMBER_TYPES):
        return [(value, f"{where} = {value!r}", False) for value in numeric_values(control)]
    if isinstance(control, CHOICE_TYPES):
        values = [option[1] if isinstance(option, tuple) else option
                  for option in control.options]
        return [(value, f"{where} = {value!r}", False) for value in values]
    if isinstance(control, widgets.Checkbox | widgets.ToggleButton):
        return [(not control.value, f"{where} toggled", False)]
    return []


@pytest.mark.parametrize("module_name", EXPLORER_MODULES)
def test_every_control_survives_bad_input(module_name):
    explorers = explorers_of(module_name)
    if not explorers and module_name == "real_model":
        pytest.skip("notebook 08's explorer needs the extra: python3 course.py real-model")
    assert explorers, f"helpers.widgets.{module_name}.explorers() returned no explorer"
    for explorer in explorers.values():
        assert explorer.error is None, f"{explorer.title!r} starts with an error: {explorer.error}"
        assert explorer.image.value, f"{explorer.title!r} starts without a figure"
        for control_name, control in explorer.controls.items():
            default = control.value
            for value, context, must_refuse in battery(explorer, control_name, control):
                set_and_check(explorer, control, value, context, must_refuse)
            control.value = default
            assert explorer.error is None, (
                f"{explorer.title!r} / {control_name}: back at the default value the message "
                f"{explorer.error!r} stays"
            )


@pytest.mark.parametrize("module_name", EXPLORER_MODULES)
def test_every_control_is_covered(module_name):
    """Each control is a type the battery knows, so no control escapes the checks above."""
    for explorer in explorers_of(module_name).values():
        for control_name, control in explorer.controls.items():
            assert battery(explorer, control_name, control), (
                f"{explorer.title!r} / {control_name}: {type(control).__name__} is not covered "
                f"by tests/test_bad_input.py; add it to the battery"
            )


# --- helpers: the examples that once gave a silent wrong answer ------------------------------


def raises_naming(error, name, function, *args, **kwargs):
    """Assert that the call raises `error` with `name` in its message."""
    with pytest.raises(error) as caught:
        function(*args, **kwargs)
    assert name in str(caught.value), f"{name!r} not in the message: {caught.value}"
    return str(caught.value)


def test_integer_or_float_01_masks_are_refused_not_added_as_logits():
    scores = np.arange(9.0).reshape(3, 3)
    pattern = np.tril(np.ones((3, 3)))
    for mask in (pattern.astype(int), pattern):
        message = raises_naming(ValueError, "mask", attention.attention_stages, scores,
                                mask=mask)
        assert "astype(bool)" in message and "np.log" in message
    boolean = attention.attention_stages(scores, mask=pattern.astype(bool)).weights
    additive = attention.attention_stages(scores, mask=np.where(pattern > 0, 0.0, -np.inf)).weights
    np.testing.assert_allclose(boolean, additive)
    assert boolean[0, 1] == 0.0


@pytest.mark.parametrize("f", [cooccurrence.pmi, cooccurrence.ppmi, cooccurrence.conditional])
def test_nan_counts_are_refused_by_every_operator(f):
    X = np.ones((3, 3))
    X[1, 2] = np.nan
    raises_naming(ValueError, "X", f, X)
    raises_naming(ValueError, "X", f, sp.csr_matrix(X))


def test_glove_refuses_nan_counts_instead_of_reading_zeros():
    X = data.toy().X.toarray()
    X[0, 1] = np.nan
    raises_naming(ValueError, "X", glove.train, X, dim=2, epochs=1)


@pytest.mark.parametrize("call, name", [
    (lambda: positions.sinusoidal(4, 6, base=np.nan), "base"),
    (lambda: positions.sinusoidal(4, 6, base=np.inf), "base"),
    (lambda: glove.weighting(np.ones(3), x_max=np.nan), "x_max"),
    (lambda: glove.weighting(np.ones(3), alpha=np.nan), "alpha"),
    (lambda: positions.rotary(np.ones((3, 4)), positions=[0.0, np.nan, 2.0]), "positions"),
    (lambda: block.layer_norm(np.ones((2, 4)), eps=-1e-5), "eps"),
    (lambda: block.layer_norm(np.ones((2, 4)), gamma=np.ones(3)), "gamma"),
    (lambda: attention.attention_stages(np.ones((2, 2)), scale=np.nan), "scale"),
    (lambda: glove.train(data.toy().X, epochs=1, learning_rate=np.inf), "learning_rate"),
])
def test_non_finite_or_negative_parameters_are_refused(call, name):
    with pytest.raises(ValueError) as caught:
        call()
    assert name in str(caught.value)


def test_alignment_posterior_refuses_zero_over_zero():
    T = np.array([[0.5, 0.5], [0.0, 0.0]])
    raises_naming(ValueError, "target_ids", heads.alignment_posterior, T, [0, 1], [0, 1])
    np.testing.assert_allclose(heads.alignment_posterior(T, [0], [0, 1]), [[0.5, 0.5]])


def test_string_scores_are_refused_not_ranked_as_text():
    counted = data.toy()
    vectors = np.random.default_rng(0).standard_normal((len(counted.vocab), 4))
    words = counted.vocab.words
    pairs = [(words[i], words[i + 1], str(i)) for i in range(6)]
    raises_naming(ValueError, "pairs", evaluate.similarity, vectors, counted.vocab, pairs)


def test_analogy_chunk_must_be_a_whole_number_of_at_least_one():
    counted = data.toy()
    vectors = np.random.default_rng(0).standard_normal((len(counted.vocab), 4))
    questions = [("river", "bank", "loan", "money")]
    for chunk in (-1, 0, 2.5):
        raises_naming(ValueError, "chunk", evaluate.analogy, vectors, counted.vocab,
                      questions, chunk=chunk)
    ok = evaluate.analogy(vectors, counted.vocab, questions, chunk=np.int64(1))
    assert ok.covered == 1


def test_empty_keys_are_refused_with_a_message():
    raises_naming(ValueError, "K", attention.scaled_dot_product_attention,
                  np.ones((2, 3)), np.ones((0, 3)), np.ones((0, 3)))
    raises_naming(ValueError, "logits", attention.softmax, np.ones((2, 0)))


def test_gelu_accepts_a_list_and_refuses_text():
    np.testing.assert_allclose(block.gelu([0.0, 1.0]), block.gelu(np.array([0.0, 1.0])))
    raises_naming(ValueError, "X", block.gelu, ["a", "b"])


def test_wrong_shapes_name_both_parameters():
    X = np.ones((3, 4))
    message = raises_naming(ValueError, "gamma", block.layer_norm, X, gamma=np.ones(5))
    assert "X" in message
    W = [np.eye(4)] * 3 + [np.ones((4, 3))]
    raises_naming(ValueError, "W_o", attention.multi_head_attention, X, X, *W, n_heads=2)
    message = raises_naming(ValueError, "W_1", block.mlp, X, np.ones((3, 6)), np.zeros(6),
                            np.ones((6, 4)), np.zeros(4))
    assert "X" in message


def test_complex_input_is_refused_not_cast_with_a_warning():
    raises_naming(ValueError, "logits", attention.softmax, np.array([1 + 1j, 2.0]))
    raises_naming(ValueError, "X", block.layer_norm, np.ones((2, 3)) * (1 + 1j))
    raises_naming(ValueError, "X", cooccurrence.pmi, np.ones((2, 2)) * (1 + 1j))


def test_counts_accept_numpy_integers_and_refuse_values_below_their_minimum():
    ids = np.array([0, 1, 0, 1])
    assert np.allclose(cooccurrence.count(ids, 2, window=np.int64(2)).toarray(),
                       cooccurrence.count(ids, 2, window=2).toarray())
    raises_naming(ValueError, "window", cooccurrence.count, ids, 2, window=0)
    raises_naming(ValueError, "iterations", heads.ibm_model1, heads.parallel_corpus(),
                  iterations=-1)
    assert heads.ibm_model1(heads.parallel_corpus(), iterations=np.int64(1)).shape[0] > 0


def test_objects_of_the_wrong_kind_are_refused_by_name():
    raises_naming(TypeError, "vocab", evaluate.nearest, np.ones((3, 2)), ["a", "b", "c"], "a")
    raises_naming(TypeError, "causal", block.transformer_block, np.ones((2, 4)),
                  block.init_block(4, 8), 2, causal="False")


# --- degenerate but valid input: documented results ------------------------------------------


def test_a_single_token():
    X = cooccurrence.count(np.array([0]), 1, window=10)
    assert X.shape == (1, 1) and X.nnz == 0  # nothing to pair with: an all-zero X
    S = np.array([[2.0]])
    assert projection.project(S, [0]).shape == (1, 1)
    np.testing.assert_allclose(attention.softmax([[3.0]]), [[1.0]])
    np.testing.assert_allclose(positions.causal_weights([[0.5]]), [[1.0]])


def test_a_window_longer_than_the_document_counts_every_pair_inside_it():
    ids = np.array([0, 1, 0])
    long = cooccurrence.count(ids, 2, window=50).toarray()
    np.testing.assert_allclose(long, cooccurrence.count(ids, 2, window=2).toarray())
    np.testing.assert_allclose(long, [[1.0, 2.0], [2.0, 0.0]])  # (0, 0) at d = 2: 1/2 twice


def test_a_vocabulary_of_one_word():
    vocab = corpus.Vocabulary.build(["a", "a", "a"])
    assert len(vocab) == 1
    X = cooccurrence.count(vocab.encode(["a", "a", "a"]), 1, window=2)
    np.testing.assert_allclose(cooccurrence.pmi(X), [[0.0]])
    np.testing.assert_allclose(cooccurrence.conditional(X).toarray(), [[1.0]])


def test_all_zero_counts_give_minus_infinity_pmi_not_nan():
    P = cooccurrence.pmi(np.zeros((2, 2)))
    assert np.isneginf(P).all()
    assert cooccurrence.ppmi(np.zeros((2, 2))).nnz == 0


def test_empty_vocabulary_calls_have_documented_results():
    vocab = corpus.Vocabulary.build(["a", "b"])
    assert vocab.encode([]).shape == (0,)
    assert vocab.decode([]) == []
