"""Declarative claim records (one per claim, after PyTorch's OpInfo).

A :class:`Claim` states a claim of CLAIMS.md: its id, the assumptions it uses, a Hypothesis
strategy of instances satisfying them (or violating one, for the audit), and a function that
computes both sides of its inequality on an instance.  The same record drives

* its property test in ``theorems/`` (every instance: ``lhs ≤ rhs + tol``),
* its falsified twin in ``tests/`` (the tightened claim must be caught),
* its ledger entry (worst margin, rate, implied constant, reproducing instance),
* its audit row (rerun with one assumption dropped).

Rate claims (``O(m^{-1/2})``) are inequalities too: ``lhs`` is the lower one-sided
confidence limit of the fitted log-log slope, ``rhs`` the claimed exponent (a decay at
least as fast as claimed is consistent with the data).
"""

from __future__ import annotations

import importlib
import math
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

__all__ = ["ASSUMPTIONS", "REGISTRY", "Claim", "Measurement", "get", "register"]

ASSUMPTIONS = {
    "A1": "width m ≥ m*(n, L, 1/λ_0, log 1/δ)",
    "A2": "bounded inputs ‖X_l‖ ≤ R (any R)",
    "A3": "X_1 ≠ 0 and some step l ≥ 2 with pairwise non-parallel inputs",
    "A4": "step size η ≤ 1/(m λ_max(H(W_0)))",
    "A5": "i.i.d. samples, labels |y| ≤ 1",
    "A6": "small inputs ‖X_l‖ ≤ ε for l ≥ 2 (not assumed: the contrast)",
}


@dataclass(frozen=True)
class Measurement:
    """Both sides of a claim's inequality on one instance: the claim holds iff ``lhs ≤ rhs + tol``."""

    lhs: float
    rhs: float
    tol: float = 0.0  # round-off allowance; each claim states its reason
    rate: dict | None = None  # RateFit.as_dict() for O(·) claims
    constant: float | None = None  # implied constant of an O(·) claim
    details: dict = field(default_factory=dict)

    @property
    def holds(self) -> bool:
        return bool(self.lhs <= self.rhs + self.tol) and math.isfinite(self.lhs)

    @property
    def margin(self) -> float:
        """``rhs − lhs``: positive when the claim holds with room to spare."""
        return self.rhs - self.lhs

    @property
    def ratio(self) -> float:
        """``lhs / rhs`` (``≤ 1`` when the claim holds, for positive sides)."""
        return self.lhs / self.rhs if self.rhs != 0 else math.copysign(math.inf, self.lhs)


@dataclass(frozen=True)
class Claim:
    """One claim of CLAIMS.md as a record.

    ``instances(violate=None)`` returns a strategy of JSON-able instance dicts satisfying the
    claim's assumptions, or violating the named one (``None`` if the claim has no such
    violation).  ``evaluate(instance)`` returns a :class:`Measurement`.  ``twin`` turns a
    measurement into that of the falsified claim (tightened bound or wrong rate); a claim
    whose twin is "the same inequality without assumption X" sets ``twin_violates = "X"``.
    """

    id: str
    title: str
    statement: str
    assumptions: tuple[str, ...]
    instances: Callable[..., Any]
    evaluate: Callable[[dict], Measurement]
    twin: Callable[[Measurement], Measurement] | None = None
    twin_description: str = ""
    twin_violates: str | None = None
    twin_evaluate: Callable[[dict], Measurement] | None = None  # the falsified claim evaluated afresh
    lhs_name: str = "lhs"
    rhs_name: str = "rhs"
    tolerance_reason: str = ""
    expected_fail: str | None = None  # a recorded finding: the reason this claim fails

    def evaluate_twin(self, instance: dict) -> Measurement:
        """Both sides of the falsified claim on ``instance``."""
        if self.twin_evaluate is not None:
            return self.twin_evaluate(instance)
        if self.twin is None:
            raise ValueError(f"{self.id} has no measurement twin (its twin violates {self.twin_violates})")
        return self.twin(self.evaluate(instance))


def tighten(factor: float) -> Callable[[Measurement], Measurement]:
    """Twin: the bound multiplied by ``factor`` (< 1 tightens an upper bound)."""
    return lambda m: replace(m, rhs=m.rhs * factor)


def inflate_lhs(factor: float) -> Callable[[Measurement], Measurement]:
    """Twin: the bounded side multiplied by ``factor`` (for lower-bound claims ``lhs ≤ measured``)."""
    return lambda m: replace(m, lhs=m.lhs * factor)


def claimed_rate(exponent: float) -> Callable[[Measurement], Measurement]:
    """Twin: a rate claim with a wrong exponent."""
    return lambda m: replace(m, rhs=exponent)


REGISTRY: dict[str, Claim] = {}

_MODULES = [
    "c01_forward_stability",
    "c02_ntk_at_init",
    "c03_positive_definite",
    "c04_perturbation",
    "c05_c06_training",
    "c07_generalization",
    "c08_kernel_series",
    "c09_c10_concept_classes",
    "c09b_c10b_scaling",
]


def claim_sort_key(key: str):
    """Natural order of claim ids and ledger keys: C1, C2, C3a, …, C10, C10b-…"""
    head = key.split()[0]
    digits = "".join(ch for ch in head[1:].split("-")[0] if ch.isdigit())
    return (int(digits or 0), key)


def register(claim: Claim) -> Claim:
    if claim.id in REGISTRY:
        raise ValueError(f"claim {claim.id} registered twice")
    REGISTRY[claim.id] = claim
    return claim


def load_all() -> dict[str, Claim]:
    for name in _MODULES:
        importlib.import_module(f"checks.claims.{name}")
    return REGISTRY


def get(claim_id: str) -> Claim:
    load_all()
    if claim_id not in REGISTRY:
        raise KeyError(f"unknown claim {claim_id!r}; known: {', '.join(sorted(REGISTRY))}")
    return REGISTRY[claim_id]
