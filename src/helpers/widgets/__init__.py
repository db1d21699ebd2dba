"""Interactive explorers, one module per session; the shared machinery is in `base` (the
`Explorer` panel, PNG encoding) and `canvas` (reusable figures, frozen labels, colour bars).

Each explorer wires controls to a plain drawing function that returns a matplotlib Figure,
so the same picture can be drawn without a kernel and tested without a browser.
"""
