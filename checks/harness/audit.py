"""The assumption audit: rerun claims on instances that violate one assumption (or add A6).

For each claim × scenario the verdict is ``holds`` (no failure in the searched instances),
``breaks`` (a shrunk counterexample, kept under ``results/counterexamples/``) or ``n/a``
(the claim has no instances for that scenario, e.g. dropping A4 from a kernel identity).
"""

from __future__ import annotations

import math
import time
from dataclasses import asdict, dataclass

from checks.claims import SCENARIOS, Profile, load_all, sort_key
from checks.harness.ledger import save_counterexample
from checks.harness.search import find_failure
from checks.harness.tables import format_markdown_table, format_table

__all__ = ["AuditRow", "audit_markdown", "audit_table", "audit_text", "run_audit", "scenario_name"]


@dataclass(frozen=True)
class AuditRow:
    """One claim × scenario verdict of the audit."""

    claim: str
    scenario: str
    verdict: str
    instances: int
    seconds: float
    lhs: float | None = None
    rhs: float | None = None
    counterexample: str | None = None

    def as_dict(self) -> dict:
        """The row as JSON-able data."""
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


def run_audit(claim_ids, scenario: str, profile: Profile, *, max_examples: int = 20, progress=print) -> list[AuditRow]:
    """Search each claim for a failure on instances of ``scenario`` (widths and seeds from ``profile``)."""
    registry = load_all()
    rows = []
    for cid in claim_ids:
        claim = registry[cid]
        started = time.perf_counter()
        if claim.instances(scenario, profile) is None:
            rows.append(AuditRow(cid, scenario, "n/a", 0, 0.0))
            progress(f"  {cid:<5} {scenario}: n/a")
            continue
        found = find_failure(claim, scenario, profile, max_examples=max_examples, shrink=True)
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


def audit_table(rows: list[dict]) -> tuple[list[str], list[list[str]]]:
    """Claim × scenario verdicts as a header and rows."""
    scenarios = sorted({r["scenario"] for r in rows})
    claims = sorted({r["claim"] for r in rows}, key=sort_key)
    verdict = {(r["claim"], r["scenario"]): r["verdict"] for r in rows}
    return ["claim"] + scenarios, [[c] + [verdict.get((c, s), "") for s in scenarios] for c in claims]


def audit_markdown(rows: list[dict]) -> str:
    """The audit table in Markdown."""
    return format_markdown_table(*audit_table(rows))


def audit_text(rows: list[dict]) -> str:
    """The audit table for a terminal."""
    return format_table(*audit_table(rows))
