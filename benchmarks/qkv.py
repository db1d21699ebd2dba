"""Speed of the 04_qkv explorers: build time and per-update median / p95 (target 50 / 100 ms).

Run: OPENBLAS_NUM_THREADS=1 .venv/bin/python benchmarks/qkv.py. Each control is moved through a
few values and every redraw is timed (PNG rendering included; a new sentence rebuilds the
figure, so those moves are the slow tail), as wall-clock time and as this process's CPU time;
on a shared, loaded machine the wall-clock figures are inflated and the CPU figures are the
closer estimate of an idle machine's latency.
"""

import time

import numpy as np
from timing import timed_update

from helpers.plots import new_figure
from helpers.widgets import qkv
from helpers.widgets.base import figure_png

MOVES = {
    "direction": [("beta", v) for v in (0.0, 0.25, 0.5, 0.75, 1.0)]
    + [("sentence", "the police said the fire was more than ready"), ("sentence", qkv.SENTENCE)],
    "rank": [("d_k", v) for v in (1, 5, 20, 100, 400, 1000)]
    + [("shared", True), ("d_k", 10), ("shared", False),
       ("sentence", "the police said the fire was more than ready"), ("sentence", qkv.SENTENCE)],
    "scaling": [("d_k", v) for v in (1, 16, 256, 1024)] + [("scaled", False), ("d_k", 4),
                                                         ("scaled", True)],
    "temperature": [("tau", v) for v in (0.1, 0.3, 1.0, 3.0, 10.0)]
    + [("sentence", "the police said the fire was more than ready"), ("sentence", qkv.SENTENCE)],
}


def baseline(repeats=10):
    """CPU ms of the smallest possible update: a one-line 6x4 figure rendered to PNG."""
    cpu = []
    for _ in range(repeats):
        c0 = time.process_time()
        fig, ax = new_figure(6.0, 4.0)
        ax.plot([1, 2, 3])
        figure_png(fig)
        cpu.append(time.process_time() - c0)
    return np.median(cpu) * 1000


def main(repeats=3):
    print(f"baseline (one-line figure to PNG): CPU median {baseline():.1f} ms")
    start = time.perf_counter()
    explorers = qkv.explorers()
    print(f"build all explorers: {time.perf_counter() - start:.2f} s")
    for name, explorer in explorers.items():
        wall, cpu = [], []
        for _ in range(repeats):
            for control, value in MOVES[name]:
                wall_ms, cpu_ms = timed_update(explorer.controls[control], value)
                wall.append(wall_ms)
                cpu.append(cpu_ms)
                assert explorer.error is None, explorer.error
        wall, cpu = np.array(wall), np.array(cpu)
        print(f"{name:12s} updates {len(wall):3d}  wall median {np.median(wall):6.1f} ms  "
              f"p95 {np.percentile(wall, 95):6.1f} ms   CPU median {np.median(cpu):6.1f} ms  "
              f"p95 {np.percentile(cpu, 95):6.1f} ms")


if __name__ == "__main__":
    main()
