"""The ratios of ``pytest benchmarks/``: each measured against its baseline in the same run, printed at the end.

A benchmark records ``ratios[name] = (value, what it is, the goal)`` (the ``ratios`` fixture); the terminal summary prints them with the
machine's load average (a ratio is trustworthy on a loaded machine, an absolute time is not)."""

import os

import pytest

RATIOS: dict[str, tuple[float, str, str]] = {}


@pytest.fixture
def ratios() -> dict:
    """Where a benchmark records its ratio: ``ratios[name] = (value, what it is, the goal)``."""
    return RATIOS


def pytest_terminal_summary(terminalreporter):
    if not RATIOS:
        return
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    terminalreporter.section(f"ratios against their baselines, measured in this run (load average {load})")
    for name, (value, what, goal) in RATIOS.items():
        terminalreporter.write_line(f"{name}: {value:.2f} — {what} (goal: {goal})")
