"""Speed of the 06_heads and 07_transformer_block explorers, and of the capstone training.

Run: OPENBLAS_NUM_THREADS=1 .venv/bin/python benchmarks/heads.py. Wall times depend on the
machine and its load, so CPU time per update is printed too; the targets are a widget update
median < 50 ms and p95 < 100 ms, and capstone training < 20 s. The capstone rows type new
sentences, so every update there rebuilds the word labels (the slowest kind of update).
"""

import itertools
import json
import time
from pathlib import Path

import numpy as np
from timing import timed_update

from helpers import block, data, ladder
from helpers.widgets import block as wb
from helpers.widgets import heads as wh

ROOT = Path(__file__).resolve().parents[1]
UPDATES = {
    "mixing": ("alpha", [0.1, 0.3, 0.5, 0.7, 0.9]),
    "heads": ("k", [2, 4, 8, 16]),
    "alignment": ("noise", [0.0, 0.5, 1.0, 2.0]),
    "ladder": ("mask", [False, True]),
    "capstone": ("sentence", [wb.SENTENCE, "the government said the talks would continue"]),
}


def time_updates(explorer, control, values, repeats=20):
    """(wall ms, CPU ms) per update: CPU time stays close to the idle-machine wall time."""
    times, cpu = [], []
    for value in itertools.islice(itertools.cycle(values), repeats):
        if explorer.controls[control].value == value:
            continue
        wall_ms, cpu_ms = timed_update(explorer.controls[control], value)
        times.append(wall_ms)
        cpu.append(cpu_ms)
    return np.array(times), np.array(cpu)


def main():
    start = time.perf_counter()
    explorers = {**wh.explorers(), **wb.explorers()}
    print(f"building the explorers: {time.perf_counter() - start:.2f} s")
    for name, (control, values) in UPDATES.items():
        ms, cpu = time_updates(explorers[name], control, values)
        print(f"{name:>10}: median {np.median(ms):6.1f} ms, p95 {np.percentile(ms, 95):6.1f} ms"
              f" (CPU {np.median(cpu):5.1f} / {np.percentile(cpu, 95):5.1f} ms;"
              f" {len(ms)} updates of {control!r})")
    lee = data.lee()
    W = ladder.lee_train_glove().W
    x, y = block.next_word_batches(list(lee.docs)[:ladder.N_TRAIN_DOCS], 16)
    train_layer = notebook_function("notebooks/07_transformer_block.ipynb", "train_layer")
    start, cpu = time.perf_counter(), time.process_time()
    train_layer(W, x, y, np.zeros((W.shape[1],) * 2), True, False, seed=0)
    print(f"capstone training (the notebook's train_layer, uncached): "
          f"{time.perf_counter() - start:.2f} s (CPU {time.process_time() - cpu:.2f} s)")


def notebook_function(path, name):
    """The function `name` as defined in a code cell of the notebook at `path` (run alone)."""
    cells = json.loads((ROOT / path).read_text())["cells"]
    source = next("".join(c["source"]) for c in cells
                  if c["cell_type"] == "code" and f"def {name}(" in "".join(c["source"]))
    scope = {"np": np, "block": block}
    exec(source, scope)
    return scope[name]


if __name__ == "__main__":
    main()
