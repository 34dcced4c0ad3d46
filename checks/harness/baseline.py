"""The baseline comparison: a run's records against the committed ``ledger-baseline.json``.

:func:`compare` diffs two ledgers with tolerances relative to each quantity's own size
(:data:`TOLERANCES`, :data:`ROUNDOFF_FLOOR`); :func:`baseline_from` writes a baseline's data.

A baseline holds of each record what the comparison and the report's freshness check read — status, instances, the
sides and their names, margin, ratio, rate, slopes, implied constant, compared headlines, resolution, the run that
recorded it — and its reproducing instance (``reproduce``: seeds and specs, or the worst instance's arrays); the
rest of a ledger record (:data:`NOT_KEPT`: the details, texts the registry holds) stays in the ledger.  It is written
in the compact layout (``checks.harness.jsonio.COMPACT_LAYOUT``: one line a field), so a record's change is a few
lines of diff.  A baseline of the earlier layout (every ledger field, a number a line) loads and compares as it is;
``python -m checks.harness.baseline PATH`` converts it without rerunning a claim.
"""

from __future__ import annotations

import argparse
import math
import sys
from dataclasses import dataclass
from pathlib import Path

from checks.claims.record import sort_key
from checks.harness.jsonio import now
from checks.harness.schemas import load, update
from checks.harness.store import SCHEMA_VERSION

__all__ = [
    "BASELINE_PATH",
    "INSTANCE_FRACTION",
    "NOT_KEPT",
    "RESOLUTION_KEPT",
    "ROUNDOFF_FLOOR",
    "TOLERANCES",
    "Diff",
    "allowance",
    "baseline_from",
    "check_profiles",
    "comparable_ratio",
    "compare",
    "compact",
    "convert",
    "new_records",
    "unexpected_failures",
]

BASELINE_PATH = Path("ledger-baseline.json")

# Baseline tolerances.  A quantity moved when
#     |current − baseline| > relative · |baseline| + ROUNDOFF_FLOOR · scale
# where scale is the size of the numbers the quantity is computed from: the larger of |lhs|, |rhs|
# and 1 for a margin (sides are scale-free by convention, so 1 is their natural size), and the
# larger of |value| and 1 for a ratio, a slope or an implied constant.  Relative tolerances catch a
# 10× change in any quantity above the floor (a 10× change is a move of 90 % or 900 %); the floor
# keeps round-off from being reported: the ci profile repeats bit for bit on one machine (one torch
# thread, see checks.harness.pytest_plugin), while a different thread count, BLAS or CPU reorders sums
# and moves results by ~1e-12 of their scale (measured: the former C4a exponent fit gave margins
# 1.77418e-11 with two threads and 1.77389e-11 with one, each repeating exactly at its thread count).
TOLERANCES = {
    "worst_margin": 0.25,  # relative
    "worst_ratio": 0.25,  # relative (the comparable ratio, see comparable_ratio)
    "rate_slope": 0.10,  # relative: a fitted exponent is a statement about a size
    "implied_constant": 0.25,  # relative
    "compared": 0.10,  # relative: a headline quantity (Measurement.compared); a 25% move must be a diff
}
INSTANCE_FRACTION = 0.5
"""A record that tries fewer than this fraction of its baseline's instances is a diff: its strategy silently
yields far fewer instances (Hypothesis's ``filter_too_much`` health check is off for claim checks, see
``checks.claims.profiles.HEALTH_CHECKS_OFF``), so the verdict rests on less evidence than the baseline's."""
ROUNDOFF_FLOOR = 1e-11
"""Absolute floor of every baseline tolerance, in units of the quantity's scale (see above)."""


def comparable_ratio(record: dict) -> float | None:
    """The worst instance's sides as one number comparable across records: ``lhs / rhs`` when ``rhs > 0``,
    ``rhs / lhs`` when both sides are negative (exponents such as −½, where ``lhs ≤ rhs`` means
    ``|lhs| ≥ |rhs|``).  ``≤ 1`` exactly when ``lhs ≤ rhs``; ``None`` when ``rhs = 0`` or a side is missing
    (the margin is the measure there)."""
    lhs, rhs = record.get("lhs"), record.get("rhs")
    if lhs is None or rhs is None:
        return None
    if rhs > 0:
        return lhs / rhs
    if rhs < 0 and lhs < 0:
        return rhs / lhs
    return None


def check_profiles(baseline: dict, profile: str, path, allowed: bool) -> None:
    """A run is compared only with a baseline of its own profile, unless explicitly allowed (then statuses only)."""
    if baseline.get("profile") != profile and not allowed:
        raise ValueError(
            f"baseline {path} was recorded under profile {baseline.get('profile')!r}, this run uses {profile!r}: "
            "margins are not comparable across profiles; run with the baseline's profile, or pass --allow-profile-mismatch "
            "to compare statuses only"
        )


NOT_KEPT = ("details", "title", "statement", "tolerance_reason", "twin", "assumptions", "mutation", "points")
"""Ledger fields a baseline does not keep: no comparison (:func:`compare`), no freshness check
(``checks.harness.store.freshness``) reads them from a baseline.  ``details`` are the measurement's working (tables,
fits: 58 % of the records' bytes), the texts and the twin are the registry's (``checks.claims``), and mutation
scores belong to the code that measured them (``results/mutation.json``, stamped with
``checks.harness.store.code_fingerprint``): a committed baseline outlives that code.  ``seconds`` is kept (one
line): the pytest plugin starts the claim tests longest first by it (``pytest_plugin._longest_first``).  ``points``
(a record's per-instance curve, ``Claim.report.point``) are the report's: nothing compares them."""


RESOLUTION_KEPT = ("value", "unit", "direction")
"""What a baseline keeps of a record's resolution: the number, its unit and which way it flips the verdict (how it
is measured is the registry's, ``checks.claims.Resolution``)."""


def compact(record: dict) -> dict:
    """A ledger record as a baseline keeps it: every field but :data:`NOT_KEPT`, values unchanged (bit for bit), the
    resolution as :data:`RESOLUTION_KEPT` and each guard's verdict and sides without its working (``details``)."""
    out = {k: v for k, v in record.items() if k not in NOT_KEPT}
    if isinstance(out.get("resolution"), dict):
        out["resolution"] = {k: out["resolution"][k] for k in RESOLUTION_KEPT if k in out["resolution"]}
    if isinstance(out.get("guards"), dict):
        out["guards"] = {name: {k: v for k, v in g.items() if k != "details"} if isinstance(g, dict) else g
                         for name, g in out["guards"].items()}
    return out


def baseline_from(records: dict, profile: str, notes: dict | None = None, accepted: dict | None = None) -> dict:
    """A baseline file's data: the profile, the records (with their run tags) and notes, and when it was written.

    ``accepted``: the failures accepted into the baseline (``verify --update-baseline --accept-failures``), by
    record key: ``{"status", "run", "accepted_at", "argv"}``; kept only for records the baseline holds.
    Each record is :func:`compact` (the fields of :data:`NOT_KEPT` left out)."""
    kept = {key: compact(rec) for key, rec in records.items()}
    data = {"schema": SCHEMA_VERSION, "profile": profile, "records": kept, "notes": notes or {}, "updated_at": now()}
    accepted = {k: v for k, v in (accepted or {}).items() if k in kept}
    if accepted:
        data["accepted_failures"] = dict(sorted(accepted.items()))
    return data


def unexpected_failures(records: dict) -> dict[str, str]:
    """The records of a run that a baseline may not take in silently, with why: a failing check (``fails``), a
    check that raised (``error``), one that never ran (``not-run``), or a recorded finding that stopped failing."""
    out = {}
    for key, rec in records.items():
        status = rec.get("status")
        if status in ("fails", "error", "not-run"):
            out[key] = status
        elif rec.get("expected_fail") and status == "holds":
            out[key] = "holds, but its recorded finding (an expected failure) no longer reproduces"
    return out


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


def allowance(name: str, base: float, scale: float = 1.0) -> float:
    """How far quantity ``name`` may move from ``base``: ``TOLERANCES[name]·|base| + ROUNDOFF_FLOOR·max(1, scale, |base|)``."""
    return TOLERANCES[name] * abs(base) + ROUNDOFF_FLOOR * max(1.0, abs(scale), abs(base))


def _moved(name: str, base, cur, scale: float = 1.0) -> bool:
    """Moved beyond the tolerance; one side missing, or a side that is not a finite number, always counts as moved
    (a NaN compares false with everything: it would switch the comparison off)."""
    if base is None or cur is None:
        return base is not cur
    if not (math.isfinite(base) and math.isfinite(cur) and math.isfinite(scale)):
        return True
    return abs(cur - base) > allowance(name, base, scale)


def compare(current: dict, baseline: dict, claims: set[str] | None = None) -> list[Diff]:
    """Differences that matter between two ledgers: a status flip, a resolution that appears or disappears (a record
    that no change up to its limit flips any more, or one that became flippable), a baseline record missing from the run, markedly
    fewer instances (:data:`INSTANCE_FRACTION`), or a margin, ratio, slope, implied constant or compared headline that
    moved beyond its tolerance (:data:`TOLERANCES`, relative to its own size, with the :data:`ROUNDOFF_FLOOR`).

    A record of the run that the baseline does not hold is no diff: it is new (:func:`new_records`), judged by its own
    check alone until ``verify --update-baseline`` records it; every baseline record is compared all the same, so a
    new record never stands in for an old one (a renamed record is its old id missing)."""
    diffs = []
    cur_records, base_records = current.get("records", {}), baseline.get("records", {})
    keys = set(base_records)
    if claims is not None:
        keys = {k for k in keys if k.split()[0] in claims}
    for key in sorted(keys):
        b, c = base_records[key], cur_records.get(key)
        if c is None:
            diffs.append(Diff(key, "record", "present", "missing", "every baseline record in the run"))
            continue
        if b["status"] != c["status"]:
            diffs.append(Diff(key, "status", b["status"], c["status"], "no flip"))
        bi, ci = b.get("instances"), c.get("instances")
        if bi is not None and ci is not None and not ci >= INSTANCE_FRACTION * bi:
            diffs.append(Diff(key, "instances", bi, ci, f">= {INSTANCE_FRACTION:.0%} of baseline (the strategy yields far "
                                                        "fewer instances: filtered by assumptions or a changed strategy)"))
        b_res, c_res = b.get("resolution"), c.get("resolution")
        if b_res and c_res and b_res.get("direction") == c_res.get("direction") and (b_res.get("value") is None) != (c_res.get("value") is None):
            diffs.append(Diff(key, "resolution", b_res.get("value"), c_res.get("value"),
                              "a resolution on both sides or on neither (none: no change up to the limit flips the verdict)"))
        b_sides, c_sides = (b.get("lhs"), b.get("rhs")), (c.get("lhs"), c.get("rhs"))
        if not all(math.isfinite(v) for v in (*b_sides, *c_sides) if v is not None):  # never compared away
            diffs.append(Diff(key, "lhs, rhs", b_sides, c_sides, "finite numbers"))
        sides = max([1.0, *(abs(v) for v in b_sides if v is not None and math.isfinite(v))])
        checks = [
            ("worst_margin", b.get("worst_margin"), c.get("worst_margin"), sides),
            ("worst_ratio", comparable_ratio(b), comparable_ratio(c), 1.0),
            ("rate_slope", (b.get("rate") or {}).get("slope"), (c.get("rate") or {}).get("slope"), 1.0),
            ("implied_constant", b.get("implied_constant"), c.get("implied_constant"), 1.0),
        ]
        b_cmp, c_cmp = b.get("compared") or {}, c.get("compared") or {}
        for q in sorted(set(b_cmp) | set(c_cmp)):
            bv, cv = b_cmp.get(q), c_cmp.get(q)
            if _moved("compared", bv, cv):
                allowed = "both present" if bv is None or cv is None else f"±{allowance('compared', bv):.3g} ({TOLERANCES['compared']:.0%} + round-off)"
                diffs.append(Diff(key, f"compared.{q}", bv, cv, allowed))
        for name, bv, cv, scale in checks:
            if (bv is not None or cv is not None) and _moved(name, bv, cv, scale):
                allowed = "both present" if bv is None or cv is None else f"±{allowance(name, bv, scale):.3g} ({TOLERANCES[name]:.0%} + round-off)"
                diffs.append(Diff(key, name, bv, cv, allowed))
    return diffs


def new_records(current: dict, baseline: dict) -> list[str]:
    """The run's record keys the baseline does not hold (new records: reported apart, never a diff), natural order."""
    return sorted(set(current.get("records", {})) - set(baseline.get("records", {})), key=sort_key)


def convert(path: Path | str) -> tuple[int, int]:
    """Rewrite the baseline at ``path`` in the current layout, in place (under its lock, atomically): each record
    :func:`compact`, every other value as it was — no claim reruns, ``updated_at`` kept.  Returns the file's line
    counts before and after."""
    path = Path(path)
    before = len(path.read_text().splitlines())

    def change(data):
        data["records"] = {key: compact(rec) for key, rec in data["records"].items()}

    update(path, "baseline", change)
    return before, len(path.read_text().splitlines())


def main(argv: list[str] | None = None) -> int:
    """``python -m checks.harness.baseline PATH …``: convert baselines of the earlier layout (see :func:`convert`)."""
    parser = argparse.ArgumentParser(prog="python -m checks.harness.baseline", description=convert.__doc__.split("\n\n")[0])
    parser.add_argument("paths", nargs="+", metavar="PATH", help="baseline file to rewrite in place (e.g. ledger-baseline.json)")
    args = parser.parse_args(argv)
    for p in args.paths:
        try:
            if not Path(p).exists():
                raise ValueError(f"no baseline at {p}")
            load(p, "baseline")
            before, after = convert(p)
        except (OSError, ValueError) as e:
            print(f"error: {e}", file=sys.stderr)
            return 2
        n = len(load(p, "baseline")["records"])
        print(f"baseline {p}: {before} → {after} lines ({n} records, {after / max(n, 1):.1f} lines a record)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
