"""The one way the benchmarks time a call: best of N, so a run's noise (another process, a
cold cache) costs the reading nothing. bench/ is on ``sys.path`` when a script here runs, so
each script imports it as ``timing``."""

from __future__ import annotations

import time


def best(fn, repeat: int) -> float:
    """The fastest of ``repeat`` calls of ``fn``, in seconds."""
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return min(times)
