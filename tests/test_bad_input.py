"""Bad input gets a message, never a traceback: a battery for every explorer of every session.

Every module `helpers.widgets.<topic>` with an `explorers()` function is found with pkgutil, so
a new session's explorers are covered as soon as they exist. Each text control gets empty text,
only unknown words, very long text, non-ASCII and punctuation only; each numeric control its
extremes; each choice control every option; each checkbox both states. No exception may escape,
a refused value must leave a readable `explorer.error` and keep the last figure, and going back
to the default value must clear the message.
"""

import functools
import importlib
import pkgutil

import ipywidgets as widgets
import pytest

import helpers.widgets

MODULES = sorted(
    info.name for info in pkgutil.iter_modules(helpers.widgets.__path__) if info.name != "base"
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


@pytest.mark.parametrize("module_name", MODULES)
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


@pytest.mark.parametrize("module_name", MODULES)
def test_every_control_is_covered(module_name):
    """Each control is a type the battery knows, so no control escapes the checks above."""
    for explorer in explorers_of(module_name).values():
        for control_name, control in explorer.controls.items():
            assert battery(explorer, control_name, control), (
                f"{explorer.title!r} / {control_name}: {type(control).__name__} is not covered "
                f"by tests/test_bad_input.py; add it to the battery"
            )
