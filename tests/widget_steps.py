"""Shared helpers for the widget tests."""

import importlib
import pkgutil

import helpers.widgets

# Every module of explorers: helpers.widgets minus its shared machinery.
EXPLORER_MODULES = sorted(m.name for m in pkgutil.iter_modules(helpers.widgets.__path__)
                          if m.name not in ("base", "canvas"))


def default_figures(module):
    """(name, explorer, Figure) for each explorer of helpers.widgets.<module>, drawn in its
    default state."""
    explorers = importlib.import_module(f"helpers.widgets.{module}").explorers()
    for name, explorer in explorers.items():
        result = explorer.draw(**explorer.values())
        yield name, explorer, result[0] if isinstance(result, tuple) else result


def _other(control, value):
    """A valid value of `control` different from `value`."""
    if isinstance(value, bool):
        return not value
    options = getattr(control, "options", None)
    if options:
        values = [o[1] if isinstance(o, tuple) else o for o in options]
        return next(v for v in values if v != value)
    if isinstance(value, str):
        return " ".join(value.split()[:-1]) or "the"
    return control.min if value != control.min else control.max


def change(explorer, name, value):
    """Set control `name` to `value`; return the picture shown just before the change.

    A control that already holds `value` (left there by an earlier test, in any order) is first
    moved to another value, so the change always redraws.
    """
    control = explorer.controls[name]
    if control.value == value:
        control.value = _other(control, value)
    before = explorer.image.value
    control.value = value
    return before
