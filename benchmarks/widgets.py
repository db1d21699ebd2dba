"""Update time of every explorer of every session: median and p95 over value changes.

    .venv/bin/python benchmarks/widgets.py [--rounds 2] [--dpi 160]

Every `helpers.widgets.<module>.explorers()` is found with pkgutil. Each control is swept over
its range (sliders: six values from min to max; choices: every option; checkboxes: both states;
text: the default and the default with a trailing space, which redraws with the same meaning),
and each `control.value = v` is timed: that is the whole synchronous redraw, figure to PNG. One
untimed change per explorer warms it up. Targets: median < 50 ms, p95 < 100 ms. Prints a
markdown table for README. Wall-clock times on a shared machine are inflated by other work, so
the process's CPU time per update is printed too (close to the wall time on an idle machine),
with the load average. `--dpi` sets the pixel density of the explorer pictures
(`helpers.widgets.canvas.DPI`, 160 by default; 80 gives the cost of the old density under the
same load).
"""

import argparse
import importlib
import os
import pkgutil
import time

import ipywidgets as widgets
import numpy as np
from timing import timed_update

import helpers.widgets
import helpers.widgets.canvas

TARGET_MEDIAN_MS, TARGET_P95_MS = 50.0, 100.0


def sweep(control) -> list:
    """Values to visit for one control, ending at its default."""
    default = control.value
    if isinstance(control, widgets.FloatLogSlider):
        values = list(control.base ** np.linspace(control.min, control.max, 6))
    elif isinstance(control, (widgets.IntRangeSlider, widgets.FloatRangeSlider)):
        values = [(control.min, control.max), (control.min, control.min)]
    elif isinstance(control, (widgets.IntSlider, widgets.BoundedIntText)):
        values = sorted({int(v) for v in np.linspace(control.min, control.max, 6)})
    elif isinstance(control, (widgets.FloatSlider, widgets.BoundedFloatText)):
        values = list(np.linspace(control.min, control.max, 6))
    elif isinstance(control, (widgets.Dropdown, widgets.ToggleButtons, widgets.RadioButtons,
                              widgets.Select, widgets.SelectionSlider)):
        values = [o[1] if isinstance(o, tuple) else o for o in control.options]
    elif isinstance(control, (widgets.Checkbox, widgets.ToggleButton)):
        values = [not default]
    elif isinstance(control, (widgets.Text, widgets.Textarea)):
        values = [f"{default} "]
    else:
        values = []
    return [v for v in values if v != default] + [default]


def time_explorer(explorer, rounds) -> tuple[list[float], list[float], int]:
    """(wall ms, CPU ms per update, number of updates that showed an error message)."""
    controls = list(explorer.controls.values())
    first = next((c for c in controls if len(sweep(c)) > 1), None)
    if first is not None:  # warm-up: caches, first PNG encoder call
        for value in sweep(first):
            first.value = value
    times, cpu, errors = [], [], 0
    for _ in range(rounds):
        for control in controls:
            for value in sweep(control):
                wall_ms, cpu_ms = timed_update(control, value)
                times.append(wall_ms)
                cpu.append(cpu_ms)
                errors += explorer.error is not None
    return times, cpu, errors


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=2, help="sweeps over every control")
    parser.add_argument("--dpi", type=int, default=helpers.widgets.canvas.DPI,
                        help="pixels per inch of the explorer pictures")
    args = parser.parse_args()
    helpers.widgets.canvas.DPI = args.dpi
    names = sorted(m.name for m in pkgutil.iter_modules(helpers.widgets.__path__)
                   if m.name not in ("base", "canvas"))
    rows, all_ok = [], True
    for name in names:
        module = importlib.import_module(f"helpers.widgets.{name}")
        if not hasattr(module, "explorers"):
            continue
        start = time.perf_counter()
        explorers = module.explorers()
        build_s = time.perf_counter() - start
        if not explorers:
            rows.append(f"| {name} | (no explorers here: optional extra missing) |||||||")
            continue
        for key, explorer in explorers.items():
            times, cpu, errors = time_explorer(explorer, args.rounds)
            median, p95 = np.median(times), np.percentile(times, 95)
            cpu_median, cpu_p95 = np.median(cpu), np.percentile(cpu, 95)
            ok = median < TARGET_MEDIAN_MS and p95 < TARGET_P95_MS
            cpu_ok = cpu_median < TARGET_MEDIAN_MS and cpu_p95 < TARGET_P95_MS
            all_ok &= ok
            note = "ok" if ok else ("CPU ok, wall over" if cpu_ok else "**over target**")
            if errors:
                note += f" ({errors} updates showed a message)"
            rows.append(f"| {name} | {key} | {len(times)} | {median:.0f} | {p95:.0f} | "
                        f"{cpu_median:.0f} | {cpu_p95:.0f} | {note} |")
        rows.append(f"| {name} | *(building all {len(explorers)}, once)* | | {1000 * build_s:.0f} "
                    f"|||||")
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"Widget update time (ms), {args.rounds} sweeps per control, pictures at {args.dpi} "
          f"dpi; load average {load} "
          f"on {os.cpu_count()} cores. Target: median < {TARGET_MEDIAN_MS:.0f} ms, "
          f"p95 < {TARGET_P95_MS:.0f} ms.\n")
    print("| module | explorer | updates | median | p95 | CPU median | CPU p95 | vs target |")
    print("|---|---|---:|---:|---:|---:|---:|---|")
    print("\n".join(rows))
    print("\nAll explorers within target." if all_ok else "\nSome explorers are over target.")


if __name__ == "__main__":
    main()
