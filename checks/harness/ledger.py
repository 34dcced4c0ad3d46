"""The claim ledger: one record per claim (CLAIMS.md "What every check reports").

A :class:`Collector` gathers the measurements of one claim over the instances a run tries;
its record holds the instance count, the worst margin and ratio, the fitted rate and implied
constant, the instance that reproduces the worst case, and the status.  ``write_json``
replaces the file atomically (temporary file + ``os.replace``), so an interrupted run never
leaves a broken ledger.  :func:`compare` diffs a ledger against the committed baseline.
"""

from __future__ import annotations

import json
import math
import os
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from checks.claims import Claim, Measurement

__all__ = [
    "TOLERANCES",
    "Collector",
    "Diff",
    "Ledger",
    "attach_mutation_scores",
    "compare",
    "counterexample_path",
    "read_json",
    "record_key",
    "save_counterexample",
    "write_json",
]

LEDGER_PATH = Path("results/ledger.json")
BASELINE_PATH = Path("ledger-baseline.json")
COUNTEREXAMPLE_DIR = Path("results/counterexamples")
MUTATION_PATH = Path("results/mutation.json")

TOLERANCES = {
    # Why each: the ci profile is derandomized, so on one machine every number repeats
    # exactly; these allowances absorb BLAS and platform round-off differences and small
    # strategy changes, and still catch a bound or rate that really moved.
    "worst_margin": (0.05, 0.10),  # (absolute, relative): margins are scale-free by convention
    "rate_slope": (0.10, 0.0),  # log-log slope, absolute
    "implied_constant": (0.0, 0.25),  # implied constants, relative
}


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

    def add(self, instance: dict, measurement: Measurement) -> None:
        """Count one evaluated instance; keep it if it is the worst so far."""
        self.instances += 1
        self.failures += not measurement.holds
        if self.worst is None or _worse(measurement, self.worst):
            self.worst, self.worst_instance = measurement, instance
        if measurement.constant is not None:
            self.max_constant = max(self.max_constant or -math.inf, measurement.constant)
        if measurement.rate is not None:
            self.slopes.append(measurement.rate["slope"])

    @property
    def status(self) -> str:
        """``holds``, ``fails``, ``expected-fail`` (a failing recorded finding) or ``not-run``."""
        if self.instances == 0:
            return "not-run"
        if self.failures == 0:
            return "holds"
        return "expected-fail" if self.claim.expected_fail else "fails"

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
            "instances": self.instances,
            "failures": self.failures,
            "worst_margin": None if w is None else _num(w.margin),
            "worst_ratio": None if w is None else _num(w.ratio),
            "lhs": None if w is None else _num(w.lhs),
            "rhs": None if w is None else _num(w.rhs),
            "lhs_name": self.claim.lhs_name,
            "rhs_name": self.claim.rhs_name,
            "tolerance": None if w is None else w.tol,
            "tolerance_reason": self.claim.tolerance_reason,
            "rate": None if w is None else w.rate,
            "slopes": _summary(self.slopes),
            "implied_constant": self.max_constant,
            "details": {} if w is None else w.details,
            "reproduce": self.worst_instance,
            "expected_fail": self.claim.expected_fail,
            "twin": {"kind": self.claim.twin.kind, "description": self.claim.twin.description},
            "seconds": round(time.perf_counter() - self.started, 3),
        }


def _worse(a: Measurement, b: Measurement) -> bool:
    """``a`` is worse than ``b``: it fails where ``b`` holds, or has the smaller margin."""
    if a.holds != b.holds:
        return not a.holds
    return a.margin < b.margin


def _num(x: float) -> float | None:
    return float(x) if math.isfinite(x) else None


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
        """The ledger as JSON-able data: profile, records by key, notes."""
        return {
            "profile": self.profile,
            "records": {k: c.record() for k, c in sorted(self.collectors.items())},
            "notes": self.notes,
        }


def attach_mutation_scores(ledger: dict, mutation: dict) -> dict:
    """Copy each record's mutation score (killed / in scope, survivors, equivalents) into the ledger data."""
    for key, record in ledger.get("records", {}).items():
        score = mutation.get("scores", {}).get(key)
        if score is not None:
            record["mutation"] = {**score, "profile": mutation.get("profile")}
    return ledger


def write_json(path: Path | str, data: dict) -> None:
    """Write ``data`` as JSON to ``path`` atomically: a reader sees the old file or the new one."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=path.name + ".", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w") as f:
            json.dump(data, f, indent=1, sort_keys=True, allow_nan=False, default=_jsonable)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _jsonable(x):
    if hasattr(x, "tolist"):
        return x.tolist()
    if isinstance(x, float) and not math.isfinite(x):
        return None
    raise TypeError(f"not JSON-serializable: {type(x).__name__}")


def read_json(path: Path | str) -> dict:
    """Parse a JSON file; a missing or malformed file is a clear error naming it."""
    path = Path(path)
    try:
        return json.loads(path.read_text())
    except FileNotFoundError:
        raise FileNotFoundError(f"no ledger at {path}: run `rnn-theorems verify` (or pytest theorems/) first") from None
    except json.JSONDecodeError as e:
        raise ValueError(f"{path} is not valid JSON: {e}") from None


def counterexample_path(claim_id: str, scenario: str | None = None, directory=COUNTEREXAMPLE_DIR) -> Path:
    """Where a failing instance of ``claim_id`` in ``scenario`` is kept (``C3b_minus_A3.json``): one place."""
    suffix = "" if scenario is None else scenario.replace("+", "_plus_").replace("-", "_minus_")
    return Path(directory) / f"{claim_id}{suffix}.json"


def save_counterexample(claim: Claim, scenario: str | None, instance: dict, measurement: Measurement, directory=COUNTEREXAMPLE_DIR) -> Path:
    """Keep a failing instance at :func:`counterexample_path`; ``rnn-theorems replay`` re-runs it."""
    path = counterexample_path(claim.id, scenario, directory)
    write_json(
        path,
        {
            "claim": claim.id,
            "scenario": scenario,
            "statement": claim.statement,
            "instance": instance,
            "lhs": _num(measurement.lhs),
            "error": measurement.details.get("error"),
            "rhs": _num(measurement.rhs),
            "tol": measurement.tol,
            "margin": _num(measurement.margin),
            "lhs_name": claim.lhs_name,
            "rhs_name": claim.rhs_name,
        },
    )
    return path


@dataclass(frozen=True)
class Diff:
    """One difference between a run's ledger and the baseline."""

    key: str
    field: str
    baseline: object
    current: object
    allowed: str

    def row(self) -> list[str]:
        """The diff as table cells."""
        return [self.key, self.field, _fmt(self.baseline), _fmt(self.current), self.allowed]


def _fmt(x) -> str:
    return f"{x:.4g}" if isinstance(x, float) else str(x)


def _moved(base, cur, abs_tol, rel_tol) -> bool:
    if base is None or cur is None:
        return base is not cur
    return abs(cur - base) > abs_tol + rel_tol * abs(base)


def compare(current: dict, baseline: dict, claims: set[str] | None = None) -> list[Diff]:
    """Differences that matter between two ledgers: a status flip, a missing record, or a
    margin, slope or implied constant that moved beyond ``TOLERANCES``."""
    diffs = []
    cur_records, base_records = current.get("records", {}), baseline.get("records", {})
    keys = set(base_records) | set(cur_records)
    if claims is not None:
        keys = {k for k in keys if k.split()[0] in claims}
    for key in sorted(keys):
        b, c = base_records.get(key), cur_records.get(key)
        if b is None or c is None:
            diffs.append(Diff(key, "record", "present" if b else "missing", "present" if c else "missing", "must exist in both"))
            continue
        if b["status"] != c["status"]:
            diffs.append(Diff(key, "status", b["status"], c["status"], "no flip"))
        checks = [
            ("worst_margin", b.get("worst_margin"), c.get("worst_margin")),
            ("rate_slope", (b.get("rate") or {}).get("slope"), (c.get("rate") or {}).get("slope")),
            ("implied_constant", b.get("implied_constant"), c.get("implied_constant")),
        ]
        for name, bv, cv in checks:
            a_tol, r_tol = TOLERANCES[name]
            if (bv is not None or cv is not None) and _moved(bv, cv, a_tol, r_tol):
                diffs.append(Diff(key, name, bv, cv, f"±({a_tol:g} + {r_tol:.0%})"))
    return diffs
