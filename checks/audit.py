"""The assumption audit: rerun claims on instances that violate one assumption (or add A6).

For each claim × scenario the verdict is ``holds`` (no failure in the searched instances),
``breaks`` (a shrunk counterexample, kept under ``results/counterexamples/``) or ``n/a``
(the claim has no instances for that scenario, e.g. dropping A4 from a kernel identity).
"""

from __future__ import annotations

import math
import time
from dataclasses import asdict, dataclass

from checks.claims import load_all
from checks.claims._common import SCENARIOS
from checks.ledger import save_counterexample
from checks.search import find_failure

__all__ = ["AuditRow", "run_audit", "scenario_name"]


@dataclass(frozen=True)
class AuditRow:
    claim: str
    scenario: str
    verdict: str
    instances: int
    seconds: float
    lhs: float | None = None
    rhs: float | None = None
    counterexample: str | None = None

    def as_dict(self) -> dict:
        return asdict(self)


def scenario_name(drop: str | None = None, add: str | None = None) -> str:
    """``--drop A3`` → ``-A3``; ``--add A6`` → ``+A6``; validated against ``SCENARIOS``."""
    if (drop is None) == (add is None):
        raise ValueError("give exactly one of --drop or --add")
    name = f"-{drop}" if drop else f"+{add}"
    if name not in SCENARIOS:
        known = ", ".join(s for s in SCENARIOS if s)
        raise ValueError(f"no audit scenario {name!r}; known: {known}")
    return name


def run_audit(claim_ids, scenario: str, *, max_examples: int = 20, progress=print) -> list[AuditRow]:
    registry = load_all()
    rows = []
    for cid in claim_ids:
        claim = registry[cid]
        started = time.perf_counter()
        if claim.instances(scenario) is None:
            rows.append(AuditRow(cid, scenario, "n/a", 0, 0.0))
            progress(f"  {cid:<5} {scenario}: n/a")
            continue
        found = find_failure(claim, scenario, max_examples=max_examples, shrink=True)
        elapsed = round(time.perf_counter() - started, 2)
        if found is None:
            rows.append(AuditRow(cid, scenario, "holds", max_examples, elapsed))
        else:
            instance, m = found
            path = save_counterexample(claim, scenario, instance, m)
            rows.append(AuditRow(cid, scenario, "breaks", max_examples, elapsed, _finite(m.lhs), _finite(m.rhs), str(path)))
        progress(f"  {cid:<5} {scenario}: {rows[-1].verdict} ({elapsed:.1f} s)")
    return rows


def _finite(x: float) -> float | None:
    """JSON has no infinity: an unevaluable side (e.g. a singular kernel) is recorded as null."""
    return float(x) if math.isfinite(x) else None
