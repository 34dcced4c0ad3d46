"""Instances shared by the claim records: samples for each audit scenario, and their helpers.

A scenario (``checks.claims.record.SCENARIOS``) is "all assumptions hold" (``None``), one
assumption dropped (``"-A3"``) or A6 added (``"+A6"``: ``ε = 0.1``; the growth records C9b, C10b
and C11 also take ``"+A6:1/L"`` and ``"+A6:1/sqrt(L)"``, :data:`A6_SCENARIOS`).  The records
declare which scenarios they support; the strategies here build the samples that realize each one.
"""

from __future__ import annotations

import numpy as np
import torch
from hypothesis import strategies as st

from checks.experiments.strategies import degenerate_samples, samples
from checks.model.ntk import infinite_ntk
from checks.numerics.linalg import spectrum_edges
from checks.theory.small_inputs import clip_steps, parse_small_inputs

__all__ = [
    "A6_SCENARIOS",
    "GROWTH_SCENARIOS",
    "NORM_RANGES",
    "SMALL_INPUT",
    "instance_sample",
    "inverse_condition",
    "sample_strategy",
    "small_after_first",
    "small_inputs_of",
    "with_small_inputs",
    "step_norm_lists",
]

NORM_RANGES = {None: (0.05, 10.0), "-A2": (100.0, 1e4), "+A6": (0.01, 0.1)}
"""Per-step input norms by scenario: any size (default), growing (drop A2), small (add A6)."""

SMALL_INPUT = 0.1
"""The ``ε`` of the ``+A6`` scenario: ``‖X_l‖ ≤ 0.1`` for ``l ≥ 2``."""

A6_SCENARIOS = {"+A6": repr(SMALL_INPUT), "+A6:1/L": "1/L", "+A6:1/sqrt(L)": "1/sqrt(L)"}
"""The A6 normalizations of the audit: scenario → ``ε(L)`` as
``checks.theory.small_inputs.parse_small_inputs`` reads it (a fixed ``ε = 0.1``, ``ε = 1/L``,
``ε = 1/√L``).  The growth records (C9b, C10b, C11) carry it in their instance as ``small_inputs``."""
GROWTH_SCENARIOS = (None, *A6_SCENARIOS)
"""The scenarios of the growth records (C9b, C10b, C11): no A6, and the three A6 normalizations of the contrast."""


def small_inputs_of(scenario: str | None) -> str | None:
    """The canonical ``ε(L)`` spec of an A6 scenario (``"0.1"``, ``"1/L"``, ``"1/sqrt(L)"``); ``None`` for
    ``None`` (no A6).  Parsed by ``parse_small_inputs``, the one place that reads an ``ε(L)``."""
    if scenario is None:
        return None
    if scenario not in A6_SCENARIOS:
        raise ValueError(f"{scenario!r} is not an A6 scenario; known: {', '.join(A6_SCENARIOS)}")
    return parse_small_inputs(A6_SCENARIOS[scenario]).spec


def with_small_inputs(instance: dict, scenario: str | None) -> dict:
    """A growth record's instance under ``scenario``: unchanged without A6, else with ``small_inputs`` (its ``ε(L)``)."""
    small = small_inputs_of(scenario)
    return instance if small is None else {**instance, "small_inputs": small}


def instance_sample(instance: dict) -> torch.Tensor:
    """The sample ``X (n, L, d)`` of a JSON-able instance, as a float64 tensor."""
    return torch.as_tensor(np.asarray(instance["X"]), dtype=torch.float64)


def inverse_condition(instance: dict) -> float:
    """``λ_min(H∞) / λ_max(H∞)`` on the instance's sample (used to filter ill-posed instances)."""
    lam_min, lam_max = spectrum_edges(infinite_ntk(instance_sample(instance)))
    return lam_min / lam_max


def step_norm_lists(scenario: str | None, L: int) -> st.SearchStrategy:
    """Fixed per-step norms ``r_1..r_L`` for the series claims (C8–C10)."""
    lo, hi = NORM_RANGES[scenario]
    return st.lists(st.floats(lo, hi, allow_nan=False, width=64), min_size=L, max_size=L)


def sample_strategy(scenario: str | None, **kwargs) -> st.SearchStrategy:
    """Samples ``X (n, L, d)`` realizing a scenario; ``kwargs`` go to :func:`checks.experiments.strategies.samples`."""
    if scenario == "-A2":
        return samples(norm_range=NORM_RANGES["-A2"], **kwargs)
    if scenario == "-A3":
        kwargs.pop("a3", None)
        return degenerate_samples(**kwargs)
    if scenario == "+A6":
        return samples(**kwargs).map(small_after_first)
    return samples(**kwargs)


def small_after_first(X: np.ndarray) -> np.ndarray:
    """The ``+A6`` scenario's sample: steps ``l ≥ 2`` clipped to ``‖X_l‖ ≤ SMALL_INPUT`` (``checks.theory.small_inputs.clip_steps``)."""
    return clip_steps(X, SMALL_INPUT)
