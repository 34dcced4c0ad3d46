"""Run profiles: how hard each claim is searched (examples, width grids, seeds).

Selected by ``--suite-profile NAME`` (pytest), ``--profile NAME`` (CLI) or the environment
variable ``RNN_THEOREMS_PROFILE``; default ``dev``.  The Hypothesis profile of the same name
is loaded by ``conftest.py``.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

__all__ = ["ENV_VAR", "PROFILES", "Profile", "active"]

ENV_VAR = "RNN_THEOREMS_PROFILE"


@dataclass(frozen=True)
class Profile:
    name: str
    max_examples: int  # Hypothesis examples per claim
    derandomize: bool  # deterministic example generation (CI)
    rate_widths: tuple[int, ...]  # width grid for the O(m^-1/2) rate claims C1, C2
    rate_seeds: int  # initializations per width in a rate fit
    large_width: int  # "A1 holds" width for C3c
    train_widths: tuple[int, ...]  # widths for the training claims C5, C6
    train_seeds: int  # initializations per width (one batched run)
    train_steps: int  # gradient-descent steps
    train_examples: int  # Hypothesis examples for the training claims (each trains every width)
    c7_sizes: tuple[int, ...]  # sample sizes n for C7
    c7_repeats: int  # fresh samples per n for C7


PROFILES = {
    "dev": Profile("dev", 8, False, (64, 128, 256, 512, 1024), 3, 2048, (128, 512), 2, 150, 2, (250, 500), 15),
    "ci": Profile("ci", 12, True, (64, 128, 256, 512, 1024), 4, 4096, (256, 1024), 2, 200, 3, (250, 500, 1000), 10),
    "thorough": Profile(
        "thorough", 100, False, (64, 128, 256, 512, 1024, 2048, 4096), 6, 8192, (256, 1024, 4096), 4, 400, 20, (250, 500, 1000, 2000, 4000), 30
    ),
}


def active() -> Profile:
    """The profile named by ``RNN_THEOREMS_PROFILE`` (default ``dev``)."""
    name = os.environ.get(ENV_VAR, "dev")
    if name not in PROFILES:
        raise ValueError(f"unknown profile {name!r}; choose one of {sorted(PROFILES)}")
    return PROFILES[name]
