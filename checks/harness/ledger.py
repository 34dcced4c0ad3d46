"""In-run collection of claim records (docs/design.md, "The claim record").

A :class:`Collector` gathers the measurements of one claim over the instances a run tries; its
record holds the instance count, the worst margin and ratio, the fitted rate and implied constant,
the instance that reproduces the worst case, and the status.  A :class:`Ledger` holds the
collectors of one run.  The store across runs is :mod:`checks.harness.store`, the files' schemas
:mod:`checks.harness.schemas`, the baseline comparison :mod:`checks.harness.baseline`.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field

from checks.claims import Claim, Measurement
from checks.harness.jsonio import finite_or_none

__all__ = ["Collector", "Ledger", "record_key"]


@dataclass
class Collector:
    """Accumulates one claim's measurements in one scenario (``None``: all assumptions hold)."""

    claim: Claim
    scenario: str | None = None
    instances: int = 0
    failures: int = 0
    worst: Measurement | None = None
    worst_instance: dict | None = None
    max_constant: float | None = None
    slopes: list = field(default_factory=list)
    started: float = field(default_factory=time.perf_counter)
    error: str | None = None  # the check itself raised (not an inequality failure)
    duration: float | None = None  # the record's test call, in seconds, once it has finished

    def add(self, instance: dict, measurement: Measurement) -> None:
        """Count one evaluated instance; keep it if it is the worst so far."""
        self.instances += 1
        self.failures += not measurement.holds
        if self.worst is None or _worse(measurement, self.worst):
            self.worst, self.worst_instance = measurement, instance
        if measurement.constant is not None:
            self.max_constant = max(self.max_constant or -math.inf, measurement.constant)
        if measurement.rate is not None and measurement.rate.get("slope") is not None:
            self.slopes.append(measurement.rate["slope"])

    @property
    def status(self) -> str:
        """``holds``, ``fails``, ``expected-fail`` (a failing recorded finding), ``error`` (the check raised
        before any instance failed) or ``not-run``."""
        if self.failures:
            return "expected-fail" if self.claim.expected_fail else "fails"
        if self.error is not None:
            return "error"
        return "holds" if self.instances else "not-run"

    def record(self) -> dict:
        """The ledger record of this claim (docs/design.md lists its fields)."""
        w = self.worst
        return {
            "claim": self.claim.id,
            "family": self.claim.family,
            "title": self.claim.title,
            "statement": self.claim.statement,
            "assumptions": list(self.claim.assumptions),
            "scenario": self.scenario,
            "status": self.status,
            "error": self.error,
            "instances": self.instances,
            "failures": self.failures,
            "worst_margin": None if w is None else finite_or_none(w.margin),
            "worst_ratio": None if w is None else finite_or_none(w.ratio),
            "lhs": None if w is None else finite_or_none(w.lhs),
            "rhs": None if w is None else finite_or_none(w.rhs),
            "lhs_name": self.claim.lhs_name,
            "rhs_name": self.claim.rhs_name,
            "tolerance": None if w is None else w.tol,
            "tolerance_reason": self.claim.tolerance_reason,
            "rate": None if w is None else w.rate,
            "slopes": _summary(self.slopes),
            "implied_constant": self.max_constant,
            "details": {} if w is None else w.details,
            "compared": None if w is None or w.compared is None else {k: finite_or_none(float(v)) for k, v in w.compared.items()},
            "reproduce": self.worst_instance,
            "expected_fail": self.claim.expected_fail,
            "twin": {"kind": self.claim.twin.kind, "description": self.claim.twin.description},
            "seconds": round(self.duration if self.duration is not None else time.perf_counter() - self.started, 3),
        }


def _worse(a: Measurement, b: Measurement) -> bool:
    """``a`` is worse than ``b``: it fails where ``b`` holds, or has the smaller margin."""
    if a.holds != b.holds:
        return not a.holds
    return a.margin < b.margin


def _summary(values: list) -> dict | None:
    if not values:
        return None
    v = sorted(values)
    return {"min": v[0], "median": v[len(v) // 2], "max": v[-1]}


def record_key(claim_id: str, scenario: str | None = None) -> str:
    """The ledger key of a record: its id, and the scenario for audit rows (``"C3b -A3"``)."""
    return claim_id if scenario is None else f"{claim_id} {scenario}"


class Ledger:
    """All records of one run, keyed by :func:`record_key`."""

    def __init__(self, profile: str):
        self.profile = profile
        self.collectors: dict[str, Collector] = {}
        self.notes: dict[str, dict] = {}  # extra reports (e.g. K_2 against L, scaling tables)

    def collector(self, claim: Claim, scenario: str | None = None) -> Collector:
        """The collector of ``claim`` in ``scenario`` (created on first use)."""
        key = record_key(claim.id, scenario)
        if key not in self.collectors:
            self.collectors[key] = Collector(claim, scenario)
        return self.collectors[key]

    def note(self, key: str, value: dict) -> None:
        """Keep an extra table (``value`` with ``rows``, optional ``plot``) under ``key``."""
        self.notes[key] = value

    def as_dict(self) -> dict:
        """The run's records as JSON-able data: profile, records by key, notes."""
        return {
            "profile": self.profile,
            "records": {k: c.record() for k, c in sorted(self.collectors.items())},
            "notes": self.notes,
        }
