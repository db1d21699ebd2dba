"""The measurement every widget benchmark makes: the time of one control change.

Setting a control's value runs the explorer's whole redraw synchronously (figure to PNG), so
timing the assignment times the update a learner waits for.
"""

import time


def timed_update(control, value) -> tuple[float, float]:
    """Set `control.value = value`; return (wall ms, CPU ms) of the redraw.

    CPU time counts this process only: on a busy machine it stays close to what an idle
    machine's wall clock would show, while the wall clock also counts waiting for a core.
    """
    start, start_cpu = time.perf_counter(), time.process_time()
    control.value = value
    return 1000 * (time.perf_counter() - start), 1000 * (time.process_time() - start_cpu)
