"""Shared helpers for the widget tests."""


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
