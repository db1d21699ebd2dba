"""Speed of 08_real_model: loading, one forward pass per sentence, the notebook's computations
and the head browser's updates. Needs the real-model extra (python3 course.py real-model).

    .venv/bin/python benchmarks/real_model.py

Targets: the notebook executes in < 20 s (course budget, kernel start included); head browser
updates median < 50 ms, p95 < 100 ms (CPU time, steadier than the wall clock on a shared
machine). The model runs in numpy (helpers.minilm); torch is never imported. Timings
on a shared 2-core machine are noisy: the load average is printed, and each stage is the
median of several runs with the fastest and slowest beside it.
"""

import os
import statistics
import sys
import time

import numpy as np
from timing import timed_update

from helpers import real_model as rm


def timed(function, repeats):
    """(median, min, max) wall seconds of `repeats` calls, and the last result."""
    times, result = [], None
    for _ in range(repeats):
        start = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - start)
    return (statistics.median(times), min(times), max(times)), result


def report(name, stats, unit=1.0, suffix="s"):
    median, fastest, slowest = (x * unit for x in stats)
    print(f"{name:46s} {median:8.3f} {suffix}  (min {fastest:.3f}, max {slowest:.3f})")


def main():
    if rm.missing_extra() is not None:
        sys.exit(f"{rm.missing_extra()} is missing: {rm.EXTRA_HINT}")
    print(f"load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores")
    t, (model, tokenizer) = timed(rm.load, 3)
    report("load model + tokenizer", t)
    t, rand = timed(lambda: rm.random_like(model), 3)
    report("random twin (init)", t)
    sentences, _ = rm.lee_sentences(tokenizer=tokenizer)
    per_sentence = []
    for s in sentences:
        begin = time.perf_counter()
        rm.extract(model, tokenizer, s)
        per_sentence.append(time.perf_counter() - begin)
    ms = np.array(per_sentence) * 1000
    lengths = [len(tokenizer(s)["input_ids"]) for s in sentences]
    print(f"{'forward + extraction per sentence':46s} median {np.median(ms):.1f} ms, "
          f"p95 {np.percentile(ms, 95):.1f} ms over {len(ms)} sentences "
          f"({np.median(lengths):.0f} word pieces median)")
    t, runs = timed(lambda: {name: [rm.extract(m, tokenizer, s) for s in sentences]
                             for name, m in (("trained", model), ("random", rand))}, 3)
    report("extract all sentences, both models", t)
    t, stats = timed(lambda: rm.piece_counts(tokenizer), 3)
    report("count the background corpus in word pieces", t)

    def analysis():
        pairs = rm.token_pairs(runs["trained"], stats)
        Y = {name: rm.pair_attention(run, pairs) for name, run in runs.items()}
        P = rm.pair_predictors(stats, pairs)
        controls = np.stack([P["log f(key)"], np.abs(pairs.delta), np.sign(pairs.delta)])
        names = ("PMI 2", "PMI 5", "PMI 10", "offset PMI")
        return {name: rm.agreement(Y[name], {k: P[k] for k in names}, controls, pairs.delta)
                for name in Y}

    t, _ = timed(analysis, 3)
    report("pairs + agreement table (4 statistics x 2)", t)
    t, _ = timed(lambda: (rm.head_energies(model), rm.head_energies(rand)), 3)
    report("symmetric energies, both models", t)
    t, _ = timed(lambda: rm.offset_profile(runs["trained"]), 3)
    report("offset profile", t)

    from helpers.widgets.real_model import head_browser_explorer

    begin = time.perf_counter()
    explorer = head_browser_explorer(model, tokenizer, stats)
    print(f"{'head browser (12 listed sentences preloaded)':46s} "
          f"{time.perf_counter() - begin:8.3f} s")
    controls = explorer.controls
    typed = ["The police said the fire was burning near the city.",
             "The government said the minister was in Sydney today.",
             "People in New South Wales were told to leave their homes.",
             "The bank lent money to the small firm."]
    updates = {"layer or head": [], "prediction": [], "listed sentence (cached)": [],
               "typed sentence, first look": [], "typed sentence, again": []}
    for name, values, kind in (("layer", range(6), "layer or head"),
                               ("head", range(12), "layer or head"),
                               ("predict", controls["predict"].options[1:], "prediction"),
                               ("sentence", controls["sentence"].options[1:],
                                "listed sentence (cached)"),
                               ("sentence", typed, "typed sentence, first look"),
                               ("sentence", typed, "typed sentence, again")):
        for value in values:
            updates[kind].append(timed_update(controls[name], value))
            assert explorer.error is None, explorer.error
    print("head browser updates, wall and CPU ms (target median < 50 ms, p95 < 100 ms; a "
          "typed sentence's first look pays one forward pass):")
    for kind, times in updates.items():
        wall, cpu = (np.array(t) for t in zip(*times, strict=True))
        verdict = "ok" if np.median(cpu) < 50 and np.percentile(cpu, 95) < 100 else "MISSED"
        print(f"  {kind:28s} wall median {np.median(wall):6.1f}, p95 "
              f"{np.percentile(wall, 95):6.1f}; CPU median {np.median(cpu):6.1f}, p95 "
              f"{np.percentile(cpu, 95):6.1f} over {len(wall)} updates  {verdict}")

if __name__ == "__main__":
    main()
