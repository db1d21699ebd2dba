"""IPython startup file for the notebook tests: every figure a notebook shows is checked for
overlapping text labels, and every explorer picture too (helpers.plots.text_overlaps).

conftest.py copies this file into a temporary IPYTHONDIR's startup folder for the test session,
so it runs in every kernel nbval starts and never in a learner's kernel. A figure with
overlapping labels prints one line to stderr, which the committed notebook does not contain:
the cell's outputs then differ and nbval fails with that line in its report.
"""

import sys


def _report(fig, where):
    from helpers.plots import text_overlaps

    pairs = text_overlaps(fig)
    if pairs:
        shown = "; ".join(f"{a!r} / {b!r}" for a, b in pairs[:4])
        print(f"overlapping labels in {where}: {shown}", file=sys.stderr)


def _install():
    import matplotlib_inline.backend_inline as inline
    from matplotlib.figure import Figure

    import helpers.widgets.base as base

    display = inline.display

    def checked_display(*objects, **kwargs):
        for obj in objects:
            if isinstance(obj, Figure):
                _report(obj, "a figure")
        return display(*objects, **kwargs)

    inline.display = checked_display
    figure_png = base.figure_png

    def checked_png(fig):
        _report(fig, "an explorer picture")
        return figure_png(fig)

    base.figure_png = checked_png


_install()
