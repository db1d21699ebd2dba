"""Time to execute every notebook of the course, each in a fresh kernel, as a learner would.

    .venv/bin/python benchmarks/notebooks.py [--solutions] [--timeout 120]

Each notebook in notebooks/ (and, with --solutions, solutions/) runs top to bottom with nbclient
in a new python3 kernel started from this interpreter; the time includes starting the kernel.
Nothing is written back. Targets: the whole course under 90 s, no notebook over 20 s (solutions
notebooks under 8 s). Wall-clock time on a shared machine is inflated by other work, so the
kernel's CPU time (user + system, read when the kernel has exited) is printed beside it, with
the load average. Trained vectors are cached in .cache/: the table says whether it was warm.
"""

import argparse
import os
import resource
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError, CellTimeoutError

ROOT = Path(__file__).resolve().parents[1]
TARGET_TOTAL_S, TARGET_EACH_S, TARGET_SOLUTION_S = 90.0, 20.0, 8.0


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def execute(path: Path, timeout: int) -> tuple[float, float, str]:
    """(wall s, kernel CPU s, status) for one notebook run in a fresh kernel."""
    notebook = nbformat.read(path, as_version=4)
    client = NotebookClient(notebook, timeout=timeout, kernel_name="python3",
                            record_timing=False, resources={"metadata": {"path": str(path.parent)}})
    cpu, start = children_cpu(), time.perf_counter()
    try:
        client.execute()
        status = "ok"
    except CellTimeoutError:
        status = f"**cell timed out after {timeout} s**"
    except CellExecutionError as exc:
        status = f"**error: {str(exc).strip().splitlines()[-1][:80]}**"
    wall = time.perf_counter() - start
    return wall, children_cpu() - cpu, status


def table(paths, timeout, each_target) -> tuple[list[str], float, bool]:
    rows, total, ok = [], 0.0, True
    for path in paths:
        wall, cpu, status = execute(path, timeout)
        total += wall
        within = status == "ok" and wall < each_target
        ok &= within
        verdict = status if status != "ok" else ("ok" if within else "**over target**")
        rows.append(f"| {path.name} | {wall:.1f} | {cpu:.1f} | {verdict} |")
        print(rows[-1], file=sys.stderr, flush=True)
    return rows, total, ok


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--solutions", action="store_true", help="also time solutions/")
    parser.add_argument("--timeout", type=int, default=120, help="seconds per cell")
    args = parser.parse_args()
    os.environ.pop("MPLBACKEND", None)  # it would reach the kernel and disable inline figures
    warm = (ROOT / ".cache").is_dir() and any((ROOT / ".cache").iterdir())
    notebooks = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    rows, total, ok = table(notebooks, args.timeout, TARGET_EACH_S)
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"Notebook execution, fresh kernel each (s); cache {'warm' if warm else 'cold'}; "
          f"load average {load} on {os.cpu_count()} cores. Target: each < {TARGET_EACH_S:.0f} s, "
          f"all < {TARGET_TOTAL_S:.0f} s.\n")
    print("| notebook | wall | kernel CPU | vs target |")
    print("|---|---:|---:|---|")
    print("\n".join(rows))
    within = ok and total < TARGET_TOTAL_S
    print(f"| **all {len(notebooks)}** | **{total:.1f}** | | "
          f"{'ok' if within else '**over target**'} |")
    if args.solutions:
        solutions = sorted((ROOT / "solutions").glob("*.ipynb"))
        rows, total, ok = table(solutions, args.timeout, TARGET_SOLUTION_S)
        print(f"\nSolutions (target: each < {TARGET_SOLUTION_S:.0f} s):\n")
        print("| notebook | wall | kernel CPU | vs target |")
        print("|---|---:|---:|---|")
        print("\n".join(rows))
        print(f"| **all {len(solutions)}** | **{total:.1f}** | | |")


if __name__ == "__main__":
    main()
