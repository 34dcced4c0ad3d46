"""What the commands of ``rnn-theorems`` share: integer lists and bounded numbers from the command line, the exit
codes, a parser whose errors are one line, dask connection errors.

Exit codes, every command: 0 done (every check held), 1 a check failed (or a run did not complete), 2 a usage
error (an option, a file, a field: one line naming it, before any work), 130 interrupted (Ctrl-C).

Every numeric option is bounded up front by what a machine can do; each bound is stated here with its reason
and shown in the option's ``--help``.
"""

from __future__ import annotations

import argparse
import os
import sys

__all__ = [
    "EXIT_FAILED",
    "EXIT_INTERRUPTED",
    "EXIT_OK",
    "EXIT_USAGE",
    "MAX_EXAMPLES",
    "MAX_FALSE_ALARM_RUNS",
    "MAX_LENGTH",
    "MAX_SCALING_LENGTH",
    "MAX_SCHEDULER_TIMEOUT",
    "MAX_SEED",
    "MAX_SEEDS",
    "MAX_STEPS",
    "WORKERS_PER_CORE",
    "Parser",
    "bounded",
    "exit_code",
    "ints",
    "max_workers",
    "scheduler_errors",
    "workers",
]

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130

WORKERS_PER_CORE = 4
"""Worker processes per core at most: each is a Python process with its own torch (0.3–0.5 GiB) running one torch
thread; beyond a few per core they only queue for the same cores (100000 workers never start)."""
MAX_EXAMPLES = 10_000
"""``audit --examples``: 100× the thorough profile's 100 instances per record (a claim instance takes 0.01–10 s)."""
MAX_FALSE_ALARM_RUNS = 1000
"""``false-alarms --runs``: 1000 runs without a false alarm put the rate below 0.3% (Clopper–Pearson, 95%), under every
stated rate (1%); more runs cannot change a verdict that matters, and each run takes seconds to minutes."""
MAX_SCALING_LENGTH = 1 << 16
"""``scaling --max-length``: the certificate's cost grows about linearly in L (7.7 s per case at L = 16384 on one
core here, 10 cases): 65536 takes about 6 minutes; 2**50 would never finish."""
MAX_LENGTH = 4096
"""``learning-curve --lengths``: 32× the thorough grid's largest L (128); the kernel's cost grows like n²·L."""
MAX_SEEDS = 1000
"""``learning-curve --seeds``, ``sweep --seeds``: every seed is a full repetition of the grid."""
MAX_STEPS = 100_000
"""``sweep --steps``: 500× the default 200 full-batch gradient steps (the A4 step converges in hundreds)."""
MAX_SEED = 2**32 - 1
"""``data --seed``: the range numpy's and torch's generators take a seed from."""
MAX_SCHEDULER_TIMEOUT = 3600.0
"""``sweep --scheduler-timeout``: an hour; a scheduler that does not answer in that time is not there."""


def max_workers() -> int:
    """The most worker processes a command starts here: :data:`WORKERS_PER_CORE` × this machine's cores."""
    return WORKERS_PER_CORE * (os.cpu_count() or 1)


def workers_help(default: str) -> str:
    """The ``--workers`` help sentence about its bound."""
    return f"{default}; at most {WORKERS_PER_CORE} × the cores ({max_workers()} here: each worker is a process with its own torch)"


def bounded(value, option: str, low, high, why: str):
    """``value`` when ``low <= value <= high``, else a one-line ``ValueError`` naming the option, the bounds and why."""
    if not low <= value <= high:
        raise ValueError(f"{option} must be between {low:g} and {high:g} ({why}), got {value:g}" if isinstance(value, float)
                         else f"{option} must be between {low} and {high} ({why}), got {value}")
    return value


def workers(value: int, option: str = "--workers", low: int = 0) -> int:
    """A worker count between ``low`` and :func:`max_workers`."""
    return bounded(value, option, low, max_workers(), f"{WORKERS_PER_CORE} × the {os.cpu_count() or 1} cores here")


def ints(text: str, name: str, *, low: int | None = None, high: int | None = None, why: str = "") -> list[int]:
    """``--name 1,2,3`` as integers, each in ``[low, high]`` when given; a one-line ``ValueError`` naming the option otherwise."""
    try:
        values = [int(v) for v in text.split(",") if v.strip()]
    except ValueError:
        raise ValueError(f"--{name}: expected comma-separated integers, got {text[:60]!r}") from None
    if not values:
        raise ValueError(f"--{name}: empty list")
    for v in values:
        if (low is not None and v < low) or (high is not None and v > high):
            raise ValueError(f"--{name}: every value must be between {low} and {high}{f' ({why})' if why else ''}, got {v}")
    return values


def exit_code(pytest_status: int) -> int:
    """A pytest exit status as the console script's (module docstring): pytest says 2 for an interrupt, 4 for a
    usage error, 5 when nothing was collected (a selection that selects no test: usage), 3 for its internal error."""
    return {0: EXIT_OK, 1: EXIT_FAILED, 2: EXIT_INTERRUPTED, 3: EXIT_FAILED, 4: EXIT_USAGE, 5: EXIT_USAGE}.get(int(pytest_status), int(pytest_status))


class Parser(argparse.ArgumentParser):
    """An argument parser whose errors are one line (``rnn-theorems verify: error: …; see --help``), exit 2."""

    def error(self, message):
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


class scheduler_errors:
    """Turn a dask connection failure into a one-line error naming the scheduler and the timeout."""

    def __init__(self, scheduler: str | None, timeout: float | str):
        self.scheduler, self.timeout = scheduler, timeout

    def __enter__(self):
        return self

    def __exit__(self, kind, exc, tb):
        if self.scheduler is None or exc is None or not isinstance(exc, (OSError, TimeoutError)):
            return False
        first = str(exc).splitlines()[0] if str(exc) else "no answer"
        print(file=sys.stderr)  # end the progress bar's line: the error is a line of its own
        raise ValueError(f"cannot reach the dask scheduler at {self.scheduler} within {float(self.timeout):g} s ({type(exc).__name__}: {first})") from None
