"""In-run collection of claim records (docs/design.md, "The claim record").

A :class:`Collector` gathers the measurements of one claim over the instances a run tries; its
record holds the instance count (and how many could not fail: ``vacuous_instances``), the worst margin and ratio
over the instances that can fail, the fitted rate and implied constant, the instance that reproduces the worst case,
the measurement's guards, the record's resolution (``checks.claims.record.Resolution``) and the status.  A :class:`Ledger` holds the
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
    vacuous_instances: int = 0  # instances that cannot fail (Measurement.vacuous): counted apart, never the worst
    vacuous_reason: str | None = None
    invalid: int = 0  # instances whose measurement failed a guard (Measurement.guards): no evidence either way
    guards: dict = field(default_factory=dict)  # guard name → the worst (largest lhs − rhs) guard seen
    flips: list = field(default_factory=list)  # per-instance resolution flips (None: no flip up to the limit)
    flip_instances: str = "none"  # which instances the flips are of: "can fail", "failing" or "vacuous"
    points: list = field(default_factory=list)  # one row per instance when the record draws a curve (ReportSection.point)

    def add(self, instance: dict, measurement: Measurement) -> None:
        """Count one evaluated instance; keep it if it is the worst so far (an instance that can fail beats one that
        cannot, whatever their margins); record its guards and its resolution flip."""
        self.instances += 1
        self.failures += not measurement.satisfied
        self.invalid += bool(measurement.failed_guards)
        if measurement.vacuous is not None:
            self.vacuous_instances += 1
            self.vacuous_reason = self.vacuous_reason or measurement.vacuous
        if self.worst is None or _worse(measurement, self.worst):
            self.worst, self.worst_instance = measurement, instance
        if measurement.constant is not None:
            self.max_constant = max(self.max_constant or -math.inf, measurement.constant)
        if measurement.rate is not None and measurement.rate.get("slope") is not None:
            self.slopes.append(measurement.rate["slope"])
        for g in measurement.guards:
            seen = self.guards.get(g.name)
            if seen is None or (g.lhs - g.rhs) > (seen.lhs - seen.rhs) or not math.isfinite(g.lhs):
                self.guards[g.name] = g
        self._add_flip(measurement)
        if self.claim.report.point is not None:
            self.points.append(dict(self.claim.report.point(measurement)))

    def _add_flip(self, m: Measurement) -> None:
        """Keep the flip of the instances that decide the record's verdict: the failing ones once one fails (the
        record flips back when all of them hold), else those that can fail (the record flips when one does), else
        (a vacuous record) every instance."""
        kind = "failing" if not m.satisfied else ("can fail" if m.vacuous is None else "vacuous")
        rank = {"none": 0, "vacuous": 1, "can fail": 2, "failing": 3}
        if rank[kind] < rank[self.flip_instances]:
            return
        if rank[kind] > rank[self.flip_instances]:
            self.flips, self.flip_instances = [], kind
        self.flips.append(self.claim.resolution.flip(m))

    @property
    def counted(self) -> int:
        """Instances that can fail."""
        return self.instances - self.vacuous_instances

    def resolution(self) -> dict | None:
        """The record's resolution: the smallest change of the claim's resolved quantity that flips its verdict
        (:class:`checks.claims.record.Resolution`) — over the instances that can fail, the smallest flip (one failing
        instance flips a record that holds); over failing instances, the largest (all must hold again)."""
        if not self.flips:
            return None
        spec = self.claim.resolution
        found = [f for f in self.flips if f is not None]
        if self.flip_instances == "failing":
            value = None if len(found) < len(self.flips) else max(found)
        else:
            value = min(found, default=None)
        return {"value": value, "unit": spec.unit, "kind": spec.kind, "what": spec.what, "limit": spec.limit,
                "direction": "to hold" if self.flip_instances == "failing" else "to fail", "of": self.flip_instances}

    @property
    def status(self) -> str:
        """``holds``, ``vacuous`` (it holds, and no instance could have failed), ``fails``, ``expected-fail`` (a
        failing recorded finding), ``error`` (the check raised before any instance failed) or ``not-run``.  A failed
        guard is ``fails`` whatever the record: the data measured were no evidence (an expected finding included)."""
        if self.invalid:
            return "fails"
        if self.failures:
            return "expected-fail" if self.claim.expected_fail else "fails"
        if self.error is not None:
            return "error"
        if not self.instances:
            return "not-run"
        return "vacuous" if self.counted == 0 else "holds"

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
            "vacuous_instances": self.vacuous_instances,
            "vacuous_reason": self.vacuous_reason,
            "failures": self.failures,
            "invalid": self.invalid,
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
            "guards": {name: _guard_row(g) for name, g in sorted(self.guards.items())},
            "resolution": self.resolution(),
            "reproduce": self.worst_instance,
            "expected_fail": self.claim.expected_fail,
            "twin": {"kind": self.claim.twin.kind, "description": self.claim.twin.description},
            **({"points": self.points} if self.claim.report.point is not None else {}),
            "seconds": round(self.duration if self.duration is not None else time.perf_counter() - self.started, 3),
        }


def _worse(a: Measurement, b: Measurement) -> bool:
    """``a`` is worse than ``b``: it fails where ``b`` holds, or it can fail where ``b`` cannot (an instance whose
    sides are equal by construction is never the worst case), or it has the smaller margin."""
    if a.satisfied != b.satisfied:
        return not a.satisfied
    if (a.vacuous is None) != (b.vacuous is None):
        return a.vacuous is None
    return a.margin < b.margin


def _guard_row(g) -> dict:
    return {"holds": g.holds, "lhs": finite_or_none(g.lhs), "rhs": finite_or_none(g.rhs), "statement": g.statement,
            "details": g.details}


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
