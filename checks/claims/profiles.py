"""Run profiles: how hard each claim is searched (examples, width grids, seeds, training length).

A profile is *passed* to a claim (``claim.instances(scenario, profile)``); nothing reads it
from the environment at import.  The pytest plugin takes ``--suite-profile NAME`` (default:
the environment variable ``RNN_THEOREMS_PROFILE``, else ``dev``); the CLI takes ``--profile``.

``fixed_seed``: every claim's examples come from a seed derived from its id and the profile
name only (``checks.harness.factory.seed_for``), so the ci instance set depends on nothing else —
not on the theorem module's source, its docstring, or which other tests ran.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["ENV_VAR", "HEALTH_CHECKS_OFF", "PROFILES", "Profile", "get_profile", "hypothesis_settings"]

ENV_VAR = "RNN_THEOREMS_PROFILE"

HEALTH_CHECKS_OFF = ("too_slow", "filter_too_much", "data_too_large", "function_scoped_fixture")
"""Claim checks run linear algebra of varying size and filter to assumptions. ``filter_too_much`` is off but not
unseen: a record that tries markedly fewer instances than its baseline is a baseline diff with the reason printed
(``checks.harness.baseline.INSTANCE_FRACTION``)."""
"""Hypothesis health checks the suite turns off: checks are slow by nature (training, large kernels), the A3 filter
rejects samples by design, instances are large arrays, and the library's property tests use function-scoped
fixtures that hold no per-example state."""


def hypothesis_settings(max_examples: int, *, derandomize: bool = False, database=None, phases=None, all_health_checks_off: bool = False):
    """The suite's Hypothesis settings, in one place (the pytest profiles, the claim tests, the instance search):
    ``max_examples``, no deadline (a check's time is measured by benchmarks, never asserted), the health checks of
    :data:`HEALTH_CHECKS_OFF` off (every one with ``all_health_checks_off``), the reproduction blob printed."""
    from hypothesis import HealthCheck, settings

    off = list(HealthCheck) if all_health_checks_off else [getattr(HealthCheck, name) for name in HEALTH_CHECKS_OFF]
    extra = {} if phases is None else {"phases": phases}
    return settings(max_examples=max_examples, derandomize=derandomize, database=database, deadline=None,
                    suppress_health_check=off, print_blob=True, **extra)


@dataclass(frozen=True)
class Profile:
    """The sizes of one run; each field's unit is stated beside it."""

    name: str
    max_examples: int  # Hypothesis examples per claim record
    fixed_seed: bool  # examples from a seed derived from (claim id, profile): CI repeats exactly
    rate_widths: tuple[int, ...]  # width grid for the O(m^-1/2) rate claims C1, C2
    rate_seeds: int  # initializations per width in a rate fit
    large_width: int  # "A1 holds" width for C3c
    train_widths: tuple[int, ...]  # widths for the training claims C5, C6
    train_seeds: int  # initializations per width (one batched run)
    train_steps: int  # gradient-descent steps
    train_examples: int  # Hypothesis examples for the training claims (each trains every width)
    c7_cells: tuple[tuple[int, int], ...]  # C7 kernel experiments: (L, n) cells, drawn uniformly (repeat = weight)
    c7_network: tuple[tuple[int, ...], tuple[int, ...], tuple[int, ...], int]  # C7 networks: (Ls, ns, widths m, step cap)
    c7_experiments: int  # C7 experiments per run (kernel and network together)


CI_CELLS = ((2, 500), (2, 1000), (2, 2000), (4, 1000), (4, 1000), (4, 2000), (8, 1000), (8, 2000), (8, 2000),
            (16, 2000), (8, 4000))
"""C7's kernel cells at ci: each ``L`` at sizes where the bound is mostly below 1 (the loss is clipped to [0, 1], so
a bound ≥ 1 cannot be violated and is not counted), from n = 500 to 4000 (at L = 16, n = 4000 is vacuous for the first-step and quadratic targets); the costly
n = 4000 once in eleven."""

PROFILES = {
    "dev": Profile("dev", 8, False, (64, 128, 256, 512, 1024), 3, 2048, (128, 512), 2, 150, 2,
                   ((2, 1000), (4, 1000), (8, 2000), (16, 4000)), ((2,), (250,), (128, 512), 3000), 12),
    "ci": Profile(
        "ci", 12, True, (32, 64, 128, 256, 512, 1024, 2048), 4, 4096, (256, 1024), 2, 200, 3, CI_CELLS, ((3,), (300, 400), (128, 512), 4000), 64
    ),
    "thorough": Profile(
        "thorough", 100, False, (64, 128, 256, 512, 1024, 2048, 4096), 6, 8192, (256, 1024, 4096), 4, 400, 20,
        CI_CELLS + ((16, 4000), (16, 8000), (32, 8000)), ((2, 4), (300, 400, 1000), (128, 512, 2048), 20000), 200,
    ),
}


def get_profile(name: str) -> Profile:
    """The profile called ``name``; a clear error naming the choices otherwise."""
    if name not in PROFILES:
        raise ValueError(f"unknown profile {name!r}; choose one of {sorted(PROFILES)}")
    return PROFILES[name]
