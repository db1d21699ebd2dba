"""Speed of co-occurrence counting and of the 01_cooccurrence explorers, on one core.

Run: .venv/bin/python benchmarks/counting.py
Targets (issue 2): the Lee corpus in < 0.2 s, a 10x concatenation in < 2 s, the Lee documents
repeated 300 times (about 15M kept tokens, window 10) in < 60 s with < 4 GB peak memory;
explorer updates median < 50 ms, p95 < 100 ms. Timings on a shared machine are noisy: each
figure is the median of several runs, with the fastest and slowest run beside it, and explorer
updates also report CPU time, which other processes disturb less than wall time.
"""

import os

for _name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS", "NUMBA_NUM_THREADS"):
    os.environ[_name] = "1"

import resource  # noqa: E402
import statistics  # noqa: E402
import time  # noqa: E402
import tracemalloc  # noqa: E402

import numpy as np  # noqa: E402
from timing import timed_update  # noqa: E402

from helpers import cooccurrence, data  # noqa: E402
from helpers.widgets import cooccurrence as widgets_01  # noqa: E402


def timed(function, repeats):
    """Run `function` `repeats` times; return (median, min, max) wall seconds."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return statistics.median(times), min(times), max(times)


def count_benchmark(name, docs, vocab_size, repeats, target):
    tokens = sum(len(d) for d in docs)
    median, fastest, slowest = timed(lambda: cooccurrence.count(docs, vocab_size), repeats)
    verdict = "ok" if median < target else "MISSED"
    print(f"{name:28} {tokens:>11,} tokens  median {median:7.3f} s "
          f"(min {fastest:.3f}, max {slowest:.3f}, {repeats} runs)  "
          f"{tokens / median / 1e6:6.2f} M tokens/s  target < {target:g} s: {verdict}")


def big_stream_benchmark(docs, vocab_size, repeat=300, target_s=60.0, target_gb=4.0):
    big = docs * repeat
    tokens = sum(len(d) for d in big)
    tracemalloc.start()
    start = time.perf_counter()
    X = cooccurrence.count(big, vocab_size, window=10)
    seconds = time.perf_counter() - start
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    peak_gb = peak / 1e9
    ok = seconds < target_s and peak_gb < target_gb
    print(f"{f'Lee x {repeat} (window 10)':28} {tokens:>11,} tokens  {seconds:7.2f} s (1 run)  "
          f"{tokens / seconds / 1e6:6.2f} M tokens/s  peak traced memory {peak_gb:.2f} GB  "
          f"target < {target_s:g} s, < {target_gb:g} GB: {'ok' if ok else 'MISSED'}")
    return X


def widget_values(control):
    """A cycle of values for a control: every option, or a spread over a slider's range."""
    if hasattr(control, "options") and control.options and not hasattr(control, "ensure_option"):
        return [option if isinstance(option, str) else option[1] for option in control.options]
    if isinstance(control.value, bool):
        return [True, False]
    if hasattr(control, "ensure_option"):
        return ["money", "police", "fire", "government", "bank", "president", "the", "year"]
    return sorted({int(v) for v in np.linspace(control.min, control.max, 6)})


def widget_benchmark(updates=40):
    for name, explorer in widgets_01.explorers().items():
        times, cpu = [], []
        for control in explorer.controls.values():
            values = widget_values(control)
            for k in range(updates // len(explorer.controls)):
                value = values[k % len(values)]
                if value == control.value:
                    value = values[(k + 1) % len(values)]
                wall_ms, cpu_ms = timed_update(control, value)
                times.append(wall_ms)
                cpu.append(cpu_ms)
                assert explorer.error is None, explorer.error
        median, p95 = np.median(times), np.percentile(times, 95)
        ok = median < 50 and p95 < 100
        print(f"explorer {name:12} {len(times)} updates  wall median {median:6.1f} ms  "
              f"p95 {p95:6.1f} ms  (CPU median {np.median(cpu):5.1f} ms, p95 "
              f"{np.percentile(cpu, 95):5.1f} ms)  target median < 50, p95 < 100: "
              f"{'ok' if ok else 'MISSED'}")


def main():
    lee = data.lee()
    docs, V = list(lee.docs), len(lee.vocab)
    print(f"Lee corpus: {len(docs)} documents, |V| = {V}, one thread\n")
    count_benchmark("Lee (window 10, 1/d, both)", docs, V, repeats=15, target=0.2)
    count_benchmark("Lee x 10", docs * 10, V, repeats=5, target=2.0)
    X = big_stream_benchmark(docs, V)
    assert np.allclose(X.data.sum(), 300 * lee.X.data.sum())
    print()
    widget_benchmark()
    peak_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e6
    print(f"\nprocess peak resident memory: {peak_rss:.2f} GB")


if __name__ == "__main__":
    main()
