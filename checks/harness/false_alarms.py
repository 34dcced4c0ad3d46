"""False alarms, measured: rerun the statistical checks on the correct implementation with fresh seeds.

A check that decides with a confidence limit states how often it fails on a correct implementation:
``Claim.false_alarm``, the family-wise rate of one run of the record at a profile (C1, C1-limit, C2,
C2-limit, C4a, C4b: 1% with Bonferroni over the profile's examples).  That rate rests on the model
behind the limit (normal residuals of a log-log fit, independent seeds), so it is measured: the record
runs ``K`` times, run ``k`` drawing its instances from the salted seed ``seed_for(id, profile, k)``
(``run_claim(..., seed_salt=k)``; the committed, unsalted instances are not among them), and a run that
fails — a failing measurement or a crash, the same detection as the mutation analysis
(``checks.harness.mutation``) — is a false alarm.

Per record: failures out of ``K``, the observed fraction, the stated rate, the exact one-sided
Clopper–Pearson limits (``CONFIDENCE``) of the true rate, and the verdict: ``exceeds`` when the
*lower* limit is above the stated rate (the data show a false-alarm rate above the stated one),
``consistent`` otherwise.  ``K`` runs can only show a rate above ``1 − (1 − CONFIDENCE)^{1/K}``
(K = 5: 45%), so a small ``K`` guards against gross miscalibration only; the upper limit says how
much the runs exclude.

Caveat: Hypothesis's generate phase tries its all-zero ("simplest") example first whatever the seed,
so one instance of every run is the same; the others are fresh draws.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from checks.claims import Profile, get, select, sort_key
from checks.claims.record import match_selector
from checks.experiments.fanout import fixed_threads
from checks.experiments.strategies import freeze_example_constants
from checks.harness.mutation import check_failure
from checks.inference.stats import clopper_pearson_lower, clopper_pearson_upper

__all__ = [
    "CONFIDENCE",
    "FalseAlarmResult",
    "measure_false_alarms",
    "report",
    "run_counts",
    "run_once",
    "stated_records",
    "verdict",
]

CONFIDENCE = 0.95
"""Confidence of the one-sided Clopper–Pearson limits on a record's true false-alarm rate."""


def verdict(failures: int, runs: int, stated: float, *, confidence: float = CONFIDENCE) -> str:
    """``exceeds`` when the lower limit of the false-alarm rate is above ``stated``, else ``consistent``."""
    return "exceeds" if clopper_pearson_lower(failures, runs, confidence=confidence) > stated else "consistent"


@dataclass(frozen=True)
class FalseAlarmResult:
    """One record's measured false alarms (a row of ``rnn-theorems false-alarms --out``)."""

    claim: str
    runs: int
    failures: int
    stated: float
    seconds: float  # wall time of all the runs
    salts: tuple[int, ...]
    failed_runs: tuple[dict, ...] = field(default_factory=tuple)  # {"salt", "reason"} of each false alarm
    statement: str = ""  # the record's statement when it ran: the check these runs measured ("" if unknown)

    @property
    def observed(self) -> float:
        return self.failures / self.runs

    @property
    def upper(self) -> float:
        return clopper_pearson_upper(self.failures, self.runs, confidence=CONFIDENCE)

    @property
    def lower(self) -> float:
        return clopper_pearson_lower(self.failures, self.runs, confidence=CONFIDENCE)

    @property
    def verdict(self) -> str:
        return verdict(self.failures, self.runs, self.stated)

    @classmethod
    def from_row(cls, row: dict) -> FalseAlarmResult:
        """A row of an earlier report (:meth:`as_dict`) back as a result."""
        return cls(row["claim"], row["runs"], row["failures"], row["stated"], row["seconds"], tuple(row["salts"]),
                   tuple(row["failed_runs"]), row.get("statement", ""))

    def as_dict(self) -> dict:
        return {
            "claim": self.claim,
            "runs": self.runs,
            "failures": self.failures,
            "observed": self.observed,
            "stated": self.stated,
            "cp_lower": self.lower,
            "cp_upper": self.upper,
            "verdict": self.verdict,
            "seconds": round(self.seconds, 2),
            "seconds_per_run": round(self.seconds / self.runs, 2),
            "salts": list(self.salts),
            "failed_runs": list(self.failed_runs),
            "statement": self.statement,
        }


def stated_records(selectors: str | None = None) -> list[str]:
    """The records with a stated false-alarm rate (``selectors``: ``None`` for all of them).

    A selection that names a record without a stated rate is a ``ValueError`` naming it."""
    ids = select(selectors)
    if selectors is None:
        return [i for i in ids if get(i).false_alarm is not None]
    unstated = [i for i in ids if get(i).false_alarm is None]
    if unstated:
        with_rate = ", ".join(i for i in select(None) if get(i).false_alarm is not None)
        raise ValueError(f"no stated false-alarm rate for {', '.join(unstated)} (nothing to measure against); records with one: {with_rate}")
    return ids


def run_counts(text: str, ids: list[str]) -> dict[str, int]:
    """``--runs``: ``K`` for every record, optionally ``SELECTOR=K`` overrides (``10,C4a=5``)."""
    default, counts = None, {}
    for token in (t.strip() for t in text.split(",")):
        if not token:
            continue
        selector, _, value = token.rpartition("=")
        try:
            k = int(value)
        except ValueError:
            raise ValueError(f"--runs: expected K or SELECTOR=K (e.g. 10,C4a=5), got {token!r}") from None
        if k < 1:
            raise ValueError(f"--runs: a record needs at least 1 run, got {token!r}")
        if not selector:
            default = k
            continue
        chosen = match_selector(selector, ids)
        if not chosen:
            raise ValueError(f"--runs: {selector!r} names none of the measured records ({', '.join(ids)})")
        counts.update(dict.fromkeys(chosen, k))
    missing = [i for i in ids if i not in counts and default is None]
    if missing:
        raise ValueError(f"--runs: no run count for {', '.join(missing)} (give a plain K as the default)")
    return {i: counts.get(i, default) for i in ids}


def run_once(claim_id: str, profile: Profile, salt: int) -> tuple[bool, str, float]:
    """One run of a record's check on the instances of ``salt``: ``(failed, reason, seconds)``.

    Failed when a measurement fails or the check crashes (``checks.harness.mutation.check_failure``)."""
    started = time.perf_counter()
    why = check_failure(get(claim_id), profile, seed_salt=salt)
    failed, reason = why is not None, why or ""
    return failed, reason, time.perf_counter() - started


def measure_false_alarms(
    claim_ids,
    profile: Profile,
    runs: int | Mapping[str, int],
    *,
    first_salt: int = 1,
    progress: Callable[[dict], None] | None = None,
) -> list[FalseAlarmResult]:
    """Run each record ``runs`` times (an int, or one count per record id) with the salts
    ``first_salt, first_salt + 1, …`` and count its false alarms.

    ``progress(event)`` is called after every run with ``{"claim", "run", "of", "salt", "failed", "reason",
    "seconds"}``.  Records without a stated rate, or with a recorded finding (they are meant to fail),
    are a ``ValueError`` before anything runs.
    """
    claim_ids = list(claim_ids)
    counts = {cid: int(runs[cid] if isinstance(runs, Mapping) else runs) for cid in claim_ids}
    for cid in claim_ids:
        claim = get(cid)
        if claim.false_alarm is None:
            raise ValueError(f"{cid} states no false-alarm rate (Claim.false_alarm is None)")
        if claim.expected_fail:
            raise ValueError(f"{cid} carries a recorded finding (it is meant to fail): no false alarm to measure")
        if counts[cid] < 1:
            raise ValueError(f"runs for {cid} must be >= 1, got {counts[cid]}")
    freeze_example_constants()  # the same generation as a verify run
    results = []
    with fixed_threads(profile.fixed_seed):  # as the pytest plugin under ci: the summation order of a verify run
        for cid in claim_ids:
            salts = tuple(range(first_salt, first_salt + counts[cid]))
            failed_runs, total = [], 0.0
            for k, salt in enumerate(salts, 1):
                failed, reason, seconds = run_once(cid, profile, salt)
                total += seconds
                if failed:
                    failed_runs.append({"salt": salt, "reason": reason})
                if progress:
                    progress({"claim": cid, "run": k, "of": len(salts), "salt": salt, "failed": failed, "reason": reason, "seconds": seconds})
            claim = get(cid)
            results.append(FalseAlarmResult(cid, len(salts), len(failed_runs), claim.false_alarm, total, salts, tuple(failed_runs),
                                            claim.statement))
    return results


def merged(old: dict | None, results: list[FalseAlarmResult], profile: Profile) -> list[FalseAlarmResult]:
    """``results`` with the runs of the same records and profile already in ``old`` (an earlier report) added,
    so reruns with new salts (``--first-salt``) extend a measurement; a salt measured twice counts once (the new run).

    Earlier runs count only if they measured the same check: when the record's statement has changed since
    (a redesigned check), its earlier row is replaced, not extended.  Rows without a statement (written
    before it was kept) cannot be told apart and are extended."""
    if old is None or old.get("profile") != profile.name:
        return results
    out = []
    earlier = {r["claim"]: FalseAlarmResult.from_row(r) for r in old["rows"]}
    for r in results:
        e = earlier.pop(r.claim, None)
        if e is not None and not (e.statement and r.statement and e.statement != r.statement):
            keep = [s for s in e.salts if s not in r.salts]
            failed = tuple(f for f in e.failed_runs if f["salt"] in keep) + r.failed_runs
            per_run = e.seconds / max(1, e.runs)
            r = FalseAlarmResult(r.claim, r.runs + len(keep), len(failed), r.stated, r.seconds + per_run * len(keep),
                                 tuple(sorted(keep + list(r.salts))), failed, r.statement)
        out.append(r)
    out += earlier.values()  # records of the earlier report not rerun now
    return sorted(out, key=lambda r: sort_key(r.claim))


def report(results: list[FalseAlarmResult], profile: Profile, wall_seconds: float) -> dict:
    """The JSON of ``rnn-theorems false-alarms``: one row per record, the profile and the confidence."""
    return {
        "profile": profile.name,
        "confidence": CONFIDENCE,
        "rule": f"exceeds when the one-sided {CONFIDENCE:.0%} Clopper–Pearson lower limit of the false-alarm rate is above the stated rate",
        "rows": [r.as_dict() for r in results],
        "wall_seconds": round(wall_seconds, 1),
    }
