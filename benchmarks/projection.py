"""Speed of the 03_projection explorers on the Lee vocabulary (1776 words).

Run: .venv/bin/python benchmarks/projection.py
Prints the build time of each explorer (operators, cached GloVe fits) and the median and 95th
percentile of one update (draw + PNG) while cycling through realistic control values, as wall
time and as this process's CPU time (which other programs on a busy machine inflate less).
Target per update: median < 50 ms, p95 < 100 ms. Timings on a shared 2-core machine are noisy:
run it twice and read the median.
"""

import itertools
import os
import time

import numpy as np
from timing import timed_update

from helpers.widgets import projection as wp

SENTENCES = ("the reserve bank cut interest rates again", "israeli troops in the west bank",
             "police said the fire was burning near the city",
             "the government will meet the union over pay and jobs")
UPDATES = {
    "attention": [("sentence_text", s) for s in SENTENCES]
    + [("S", s) for s in wp.S_VARIANTS] + [("logits", v) for v in wp.LOGIT_VARIANTS]
    + [("smooth", True), ("smooth", False)],
    "predictions": [("k", k) for k in (5, 10, 20)] + [("S", s) for s in wp.PREDICTION_VARIANTS]
    + [("focus", "west"), ("focus", "bank")] + [("hide_sentence", b) for b in (False, True)],
    "glove_kl": [("d", d) for d in wp.KL_DIMS] + [("sentence_text", s) for s in SENTENCES],
    "uniqueness": [("noise", x) for x in (0.01, 0.1, 1.0)] + [("repeat", b) for b in (True, False)]
    + [("sentence_text", s) for s in ("the river bank was muddy", wp.UNIQUENESS_SENTENCE)],
}


def main(rounds=3):
    start = time.perf_counter()
    explorers = wp.explorers()
    print(f"build all explorers: {time.perf_counter() - start:.2f} s   "
          f"(load average now {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)")
    for name, explorer in explorers.items():
        times, cpu = [], []
        for control, value in itertools.islice(itertools.cycle(UPDATES[name]),
                                               rounds * len(UPDATES[name])):
            wall_ms, cpu_ms = timed_update(explorer.controls[control], value)
            times.append(wall_ms)
            cpu.append(cpu_ms)
            assert explorer.error is None, explorer.error
        times, cpu = np.array(times), np.array(cpu)
        print(f"{name:12s} updates: {len(times):3d}  wall median {np.median(times):6.1f} ms, "
              f"p95 {np.percentile(times, 95):6.1f} ms;  CPU median {np.median(cpu):6.1f} ms, "
              f"p95 {np.percentile(cpu, 95):6.1f} ms  (target: median < 50, p95 < 100)")


if __name__ == "__main__":
    main()
