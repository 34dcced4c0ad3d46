"""What the commands of ``rnn-theorems`` share: integer lists from the command line, dask connection errors."""

from __future__ import annotations

import sys

__all__ = ["ints", "scheduler_errors"]


def ints(text: str, name: str) -> list[int]:
    """``--name 1,2,3`` as integers; a one-line ``ValueError`` naming the option otherwise."""
    try:
        values = [int(v) for v in text.split(",") if v.strip()]
    except ValueError:
        raise ValueError(f"--{name}: expected comma-separated integers, got {text!r}") from None
    if not values:
        raise ValueError(f"--{name}: empty list")
    return values


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
