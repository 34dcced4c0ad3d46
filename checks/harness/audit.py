"""The assumption audit: rerun claims on instances that violate one assumption (or add A6).

For each claim × scenario the verdict is ``holds`` (no failure in the searched instances),
``breaks`` (a shrunk counterexample, kept under ``results/counterexamples/``) or ``n/a``
(the claim has no instances for that scenario, e.g. dropping A4 from a kernel identity).

The A6 contrast: ``--add A6`` runs every A6 normalization of
``checks.claims.scenarios.A6_SCENARIOS`` (``+A6``: ``ε = 0.1``; ``+A6:1/L``; ``+A6:1/sqrt(L)``), and
``--add A6:1/L`` one of them.  For a growth record (C9b, C10b, C11: its measurement names the
``selected`` growth class) the row also records that class and ``c`` (the record's lhs: the
stretched-exponential exponent when that class is selected with ``b > 0``, else 0), so
:func:`a6_contrast_table` says which growth class holds under which normalization, beside the
ledger's record without A6.
"""

from __future__ import annotations

import math
import time
from dataclasses import asdict, dataclass

from checks.claims import SCENARIOS, Measurement, Profile, load_all, sort_key
from checks.claims.scenarios import A6_SCENARIOS
from checks.harness.counterexamples import save_counterexample
from checks.harness.search import find_failure
from checks.harness.tables import format_markdown_table, format_table
from checks.theory.small_inputs import parse_small_inputs

__all__ = [
    "AuditRow",
    "a6_contrast_markdown",
    "a6_contrast_table",
    "a6_contrast_text",
    "audit_markdown",
    "audit_table",
    "audit_text",
    "growth_of",
    "run_audit",
    "scenario_name",
    "scenario_names",
]

GROWTH_NAMES = {"power_law": "L^p", "quasi_polynomial": "L^p exp(q ln²L)", "offset_power_law": "(L+L₀)^q L^p", "stretched_exponential": "L^p exp(b L^c)"}
"""Short names of the growth classes of ``checks.inference.growth.fit_growth_classes`` for the tables."""


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
    growth: str | None = None  # growth records: the selected growth class (or why none was fitted)
    c: float | None = None  # growth records: the record's lhs, the super-polynomial exponent c

    def as_dict(self) -> dict:
        """The row as JSON-able data (``growth`` and ``c`` only for growth records)."""
        row = asdict(self)
        if self.growth is None:
            del row["growth"], row["c"]
        return row


def scenario_name(drop: str | None = None, add: str | None = None) -> str:
    """``--drop A3`` → ``-A3``; ``--add A6`` → ``+A6``; validated against ``SCENARIOS``."""
    if (drop is None) == (add is None):
        raise ValueError("give exactly one of --drop or --add")
    name = f"-{drop}" if drop else f"+{add}"
    if name not in SCENARIOS:
        known = ", ".join(s for s in SCENARIOS if s)
        raise ValueError(f"no audit scenario {name!r}; known: {known}")
    return name


def scenario_names(drop=(), add=()) -> list[str]:
    """The scenarios of ``--drop``/``--add`` options: ``A3`` → ``-A3``; ``A6`` → every A6 normalization
    (``+A6``, ``+A6:1/L``, ``+A6:1/sqrt(L)``); ``A6:<ε>`` → the one whose ``ε(L)`` it names (``A6:1/L``,
    ``A6:1/sqrt(L)``, ``A6:0.1`` → ``+A6``), read by ``parse_small_inputs``.  In order, without repeats."""
    names = [scenario_name(drop=a) for a in drop or ()]
    by_spec = {parse_small_inputs(spec).spec: name for name, spec in A6_SCENARIOS.items()}
    for a in add or ():
        if a == "A6":
            names += list(A6_SCENARIOS)
        elif a.startswith("A6:"):
            small = parse_small_inputs(a[3:])
            if small is None or small.spec not in by_spec:
                known = ", ".join("A6:" + A6_SCENARIOS[n] for n in A6_SCENARIOS)
                raise ValueError(f"no A6 normalization {a!r} in the audit; known: A6 (all), {known}")
            names.append(by_spec[small.spec])
        else:
            names.append(scenario_name(add=a))
    return list(dict.fromkeys(names))


def growth_of(details: dict, lhs) -> tuple[str | None, float | None]:
    """``(growth class, c)`` of a growth record's measurement or ledger record (``details`` and ``lhs``):
    the ``selected`` class, or the reason none was fitted (C11: ``n*`` left the grid); ``(None, None)`` for
    any other record."""
    if "selected" in details:
        growth = details["selected"]
    elif "censored_above_grid" in details:  # C11 without a fit: n* left the grid, or too few n*
        growth = "none fitted: " + str(details.get("note", "no growth class selected"))
    else:
        return None, None
    c = details.get("c", lhs)  # the growth records state c in their details; older records carried it as lhs
    return growth, None if c is None else _finite(c)


def run_audit(claim_ids, scenario: str, profile: Profile, *, max_examples: int = 20, progress=print) -> list[AuditRow]:
    """Search each claim for a failure on instances of ``scenario`` (widths and seeds from ``profile``);
    a growth record's row also carries its selected growth class and ``c`` (:func:`growth_of`)."""
    registry = load_all()
    rows = []
    for cid in claim_ids:
        claim = registry[cid]
        started = time.perf_counter()
        if claim.instances(scenario, profile) is None:
            rows.append(AuditRow(cid, scenario, "n/a", 0, 0.0))
            progress(f"  {cid:<5} {scenario}: n/a")
            continue
        seen: list[Measurement] = []

        def evaluate(instance, claim=claim, seen=seen):
            m = claim.evaluate(instance)
            seen.append(m)
            return m

        found = find_failure(claim, scenario, profile, evaluate, max_examples=max_examples, shrink=True)
        elapsed = round(time.perf_counter() - started, 2)
        if found is None:
            # growth records have one deterministic instance; otherwise the tightest one searched
            worst = min(seen, key=lambda m: m.margin if math.isfinite(m.margin) else -math.inf, default=None)
            growth, c = growth_of(worst.details, worst.lhs) if worst is not None else (None, None)
            rows.append(AuditRow(cid, scenario, "holds", max_examples, elapsed, growth=growth, c=c))
        else:
            instance, m = found
            path = save_counterexample(claim, scenario, instance, m)
            growth, c = growth_of(m.details, m.lhs)
            rows.append(AuditRow(cid, scenario, "breaks", max_examples, elapsed, _finite(m.lhs), _finite(m.rhs), str(path), growth, c))
        progress(f"  {cid:<5} {scenario}: {_cell(rows[-1].as_dict())} ({elapsed:.1f} s)")
    return rows


def _finite(x: float) -> float | None:
    """JSON has no infinity: an unevaluable side (e.g. a singular kernel) is recorded as null."""
    return float(x) if math.isfinite(x) else None


def _growth_cell(growth: str | None, c: float | None) -> str:
    """``exp(b L^c), c = 0.63``; ``L^p``; the reason when no class was fitted."""
    if growth is None:
        return "–"
    name = GROWTH_NAMES.get(growth, growth)
    return f"{name}, c = {c:.2f}" if growth == "stretched_exponential" and c else name


def _cell(row: dict) -> str:
    return f"{row['verdict']}: {_growth_cell(row['growth'], row.get('c'))}" if row.get("growth") else row["verdict"]


def audit_table(rows: list[dict]) -> tuple[list[str], list[list[str]]]:
    """Claim × scenario verdicts as a header and rows (a growth record's cell adds its growth class)."""
    scenarios = sorted({r["scenario"] for r in rows})
    claims = sorted({r["claim"] for r in rows}, key=sort_key)
    verdict = {(r["claim"], r["scenario"]): _cell(r) for r in rows}
    return ["claim"] + scenarios, [[c] + [verdict.get((c, s), "") for s in scenarios] for c in claims]


def a6_contrast_table(rows: list[dict], records: dict | None = None) -> tuple[list[str], list[list[str]]] | None:
    """The A6 contrast: for each growth record audited under an A6 normalization, the growth
    class and ``c`` selected without A6 (from the ledger ``records``, if given) and under ``ε = 0.1``, ``1/L``,
    ``1/√L``, with the verdict (holds: almost-polynomial).  ``None`` when no audit row carries a growth class."""
    grown = [r for r in rows if r.get("growth") and r["scenario"] in A6_SCENARIOS]
    if not grown:
        return None
    claims = sorted({r["claim"] for r in grown}, key=sort_key)
    cell = {(r["claim"], r["scenario"]): _cell(r) for r in grown}
    header = ["claim", "no A6 (ledger)"] + [f"ε = {A6_SCENARIOS[s]} ({s})" for s in A6_SCENARIOS]
    body = []
    for cid in claims:
        rec = (records or {}).get(cid)
        if rec is None:
            base = "–"
        else:
            growth, c = growth_of(rec.get("details") or {}, rec.get("lhs"))
            base = _cell({"verdict": rec["status"], "growth": growth, "c": c})
        body.append([cid, base] + [cell.get((cid, s), "") for s in A6_SCENARIOS])
    return header, body


def a6_contrast_markdown(rows: list[dict], records: dict | None = None) -> str | None:
    """:func:`a6_contrast_table` in Markdown (``None`` without growth rows)."""
    table = a6_contrast_table(rows, records)
    return None if table is None else format_markdown_table(*table)


def a6_contrast_text(rows: list[dict], records: dict | None = None) -> str | None:
    """:func:`a6_contrast_table` for a terminal (``None`` without growth rows)."""
    table = a6_contrast_table(rows, records)
    return None if table is None else format_table(*table)


def audit_markdown(rows: list[dict]) -> str:
    """The audit table in Markdown."""
    return format_markdown_table(*audit_table(rows))


def audit_text(rows: list[dict]) -> str:
    """The audit table for a terminal."""
    return format_table(*audit_table(rows))
