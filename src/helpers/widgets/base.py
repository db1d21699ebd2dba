"""The `Explorer`: controls wired to a pure drawing function, its figure shown as a PNG.

Introduced in 01_cooccurrence. Bad input never produces a traceback: the drawing function
raises a ValueError and the explorer shows its message above the last good figure.
"""

import base64
import html
import struct
import zlib

import ipywidgets as widgets
import numpy as np
from isal import isal_zlib
from matplotlib.backends.backend_agg import FigureCanvasAgg

from .canvas import SCREEN_DPI


def png_bytes(rgba) -> bytes:
    """PNG bytes of an RGBA picture (height, width, 4) of uint8: no row filter, ISA-L level 1.

    Agg's RGBA buffer is taken as it is (one contiguous copy to prefix each row with its filter
    byte) and compressed by ISA-L (`isal`), which writes the same zlib stream format about ten
    times faster than `zlib` level 1 (about 1 ms instead of 11 for a 1440 × 900 picture, and
    a smaller file): a widget redraws on every slider step.
    """
    height, width, _ = rgba.shape
    rows = np.empty((height, 1 + 4 * width), np.uint8)
    rows[:, 0] = 0  # filter "none"
    rows[:, 1:] = rgba.reshape(height, -1)

    def chunk(kind, data):
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data)))

    header = struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)  # 8-bit RGBA
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", isal_zlib.compress(rows, 1)) + chunk(b"IEND", b""))


def figure_png(fig) -> bytes:
    """Render a matplotlib Figure to PNG bytes (Agg, at the figure's own dpi; `png_bytes`).

    A figure that is redrawn in place keeps its Agg canvas, so matplotlib's text-layout cache
    carries over between updates.
    """
    canvas = fig.canvas if isinstance(fig.canvas, FigureCanvasAgg) else FigureCanvasAgg(fig)
    canvas.draw()
    return png_bytes(np.asarray(canvas.buffer_rgba()))


class Explorer(widgets.VBox):
    """A titled panel: controls, a message line, a caption and the figure `draw(**values)`.

    `draw` takes the controls' values as keyword arguments and returns a Figure or a pair
    (Figure, caption text). Any control change redraws. In a notebook saved with outputs, the
    panel also carries its current figure as a static PNG, so readers without a running kernel
    (GitHub, nbviewer, print) still see the picture, and its text form (title, caption or
    message) is what a saved notebook's text comparison checks. The picture is shown at
    `SCREEN_DPI` pixels per inch of the figure, whatever its own dpi (`canvas.DPI` for
    explorers, which makes it sharp on a projector).
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
        self.image.layout.width = f"{round(fig.get_figwidth() * SCREEN_DPI)}px"
        return True

    def _repr_mimebundle_(self, **kwargs):
        bundle = super()._repr_mimebundle_(**kwargs)
        shown = self.error or self.caption_text
        bundle["text/plain"] = f"[interactive] {self.title}" + (f"\n{shown}" if shown else "")
        if not self.image.value:
            return bundle
        bundle["image/png"] = base64.b64encode(self.image.value).decode("ascii")
        return bundle, {"image/png": {"width": int(self.image.layout.width[:-2])}}
