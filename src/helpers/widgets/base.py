"""The `Explorer`: controls wired to a pure drawing function, its figure shown as a PNG.

Introduced in 01_cooccurrence. Bad input never produces a traceback: the drawing function
raises a ValueError and the explorer shows its message above the last good figure.
"""

import base64
import html
import io

import ipywidgets as widgets
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from PIL import Image


def figure_png(fig) -> bytes:
    """Render a matplotlib Figure to PNG bytes.

    Draws with Agg and encodes with light compression: about a third faster than savefig,
    which matters for a widget that redraws on every slider step. A figure that is redrawn in
    place keeps its Agg canvas, so matplotlib's text-layout cache carries over between updates.
    """
    canvas = fig.canvas if isinstance(fig.canvas, FigureCanvasAgg) else FigureCanvasAgg(fig)
    canvas.draw()
    buffer = io.BytesIO()
    Image.fromarray(np.asarray(canvas.buffer_rgba())[..., :3]).save(
        buffer, format="png", compress_level=1
    )
    return buffer.getvalue()


class Explorer(widgets.VBox):
    """A titled panel: controls, a message line, a caption and the figure `draw(**values)`.

    `draw` takes the controls' values as keyword arguments and returns a Figure or a pair
    (Figure, caption text). Any control change redraws. In a notebook saved with outputs, the
    panel also carries its current figure as a static PNG, so readers without a running kernel
    (GitHub, nbviewer, print) still see the picture, and its text form (title, caption or
    message) is what a saved notebook's text comparison checks.
    """

    def __init__(self, draw, controls, title):
        self.draw = draw
        self.controls = dict(controls)
        self.title = title
        self.image = widgets.Image(format="png")
        self.message = widgets.HTML()
        self.caption = widgets.HTML()
        self.error = None
        self.caption_text = ""
        for control in self.controls.values():
            control.observe(lambda _change: self.refresh(), names="value")
        header = widgets.HTML(f"<b>{html.escape(title)}</b>")
        row = widgets.HBox(
            list(self.controls.values()), layout=widgets.Layout(flex_flow="row wrap")
        )
        super().__init__([header, row, self.message, self.caption, self.image])
        self.refresh()

    def values(self) -> dict:
        """The current value of every control, by name."""
        return {name: control.value for name, control in self.controls.items()}

    def refresh(self) -> bool:
        """Redraw from the current values; on a ValueError show its message and keep the figure."""
        try:
            result = self.draw(**self.values())
        except ValueError as exc:
            self.error = str(exc)
            self.message.value = (
                f'<div style="color:#a00000;padding:4px 0">{html.escape(self.error)}</div>'
            )
            return False
        fig, caption = result if isinstance(result, tuple) else (result, "")
        self.error = None
        self.caption_text = caption
        self.message.value = ""
        self.caption.value = (
            f"<pre style='margin:0'>{html.escape(caption)}</pre>" if caption else ""
        )
        self.image.value = figure_png(fig)
        return True

    def _repr_mimebundle_(self, **kwargs):
        bundle = super()._repr_mimebundle_(**kwargs)
        shown = self.error or self.caption_text
        bundle["text/plain"] = f"[interactive] {self.title}" + (f"\n{shown}" if shown else "")
        if self.image.value:
            bundle["image/png"] = base64.b64encode(self.image.value).decode("ascii")
        return bundle
