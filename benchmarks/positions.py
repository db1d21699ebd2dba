"""Speed of 05_positions: widget updates (median / p95 per explorer) and the Lee computations.

Run: .venv/bin/python benchmarks/positions.py. Target per widget update: median < 50 ms,
p95 < 100 ms. Wall-clock timings on a shared 2-core machine vary by tens of percent between
runs (more when other jobs run: compare the load average with the number of cores); the CPU time
of this process is the steadier number.
"""

import time

import numpy as np
from timing import timed_update

from helpers import data, positions
from helpers.widgets import positions as wp

MOVES = {
    "offsets": [("delta", v) for v in (2, 3, 5, -1, -4, 8, 1)]
               + [("operator", "PMI"), ("delta", 2), ("operator", "counts"),
                  ("words", "the of in said police fire people"), ("words", wp.OFFSET_WORDS)],
    "kernel": [("d", v) for v in (4, 16, 64, 128, 32)]
              + [("base", v) for v in (10.0, 100.0, 1000.0, 1e5, 1e4)],
    "generation": [("step", v) for v in (1, 3, 6, 10, 8, 5)]
                  + [("mask", False), ("step", 9), ("mask", True), ("step", 5),
                     ("sentence", "the government said the minister was in sydney"),
                     ("sentence", wp.GENERATION_SENTENCE)],
}


def time_updates(explorer, moves, repeats=3):
    """Wall-clock and CPU seconds of each control change (each change redraws once).

    CPU time (this process only) is what an idle machine's wall clock would show; on a loaded
    machine the wall clock also counts waiting for a core.
    """
    wall, cpu = [], []
    for _ in range(repeats):
        for name, value in moves:
            wall_ms, cpu_ms = timed_update(explorer.controls[name], value)
            wall.append(wall_ms / 1000)
            cpu.append(cpu_ms / 1000)
            assert explorer.error is None, explorer.error
    return np.array(wall), np.array(cpu)


def main():
    start = time.perf_counter()
    explorers = wp.explorers()
    print(f"build all explorers (Lee, offsets 1..{wp.MAX_OFFSET}, shuffled baseline): "
          f"{time.perf_counter() - start:.2f} s")
    for name, explorer in explorers.items():
        wall, cpu = (t * 1000 for t in time_updates(explorer, MOVES[name]))
        print(f"{name:>10}: {len(wall)} updates, wall median {np.median(wall):.1f} ms, "
              f"p95 {np.percentile(wall, 95):.1f} ms; CPU median {np.median(cpu):.1f} ms, "
              f"p95 {np.percentile(cpu, 95):.1f} ms (target < 50 / < 100)")
    lee = data.lee()
    start = time.perf_counter()
    X_offsets = positions.offset_stack(list(lee.docs), len(lee.vocab), 5)
    counted = time.perf_counter() - start
    start = time.perf_counter()
    positions.fit_content_offset(X_offsets)
    print(f"Lee offset counts δ = 1..5: {counted:.2f} s; content + offset fit: "
          f"{time.perf_counter() - start:.2f} s")


if __name__ == "__main__":
    main()
