"""Mutation analysis: run claim records' checks with a mutant of :mod:`checks.harness.mutants` applied,
and score each record (killed / in scope)."""

from __future__ import annotations

import time
from dataclasses import dataclass

from checks.claims import Profile, get, select
from checks.experiments.fanout import fixed_threads, map_tasks, use_fixed_threads
from checks.harness.factory import run_claim
from checks.harness.mutants import MUTANTS
from checks.harness.patching import scope_records

__all__ = ["PairResult", "check_failure", "check_outcome", "mutation_pairs", "mutation_scores", "run_pair", "run_pairs"]


@dataclass(frozen=True)
class PairResult:
    """The outcome of one claim record under one mutant: ``killed`` (the check failed), ``crash-killed`` (the check
    raised: the mutant is caught, but not by the inequality), ``survived`` or ``equivalent``."""

    claim: str
    mutant: str
    status: str
    reason: str = ""
    seconds: float = 0.0

    def as_dict(self) -> dict:
        """The row of ``rnn-theorems mutate --out``."""
        return {"claim": self.claim, "mutant": self.mutant, "status": self.status, "reason": self.reason, "seconds": self.seconds}


def mutation_pairs(claims=None, mutants=None) -> list[tuple[str, str, str]]:
    """``(record id, mutant id, "kill" | "equivalent")`` for every record in a mutant's scope, filtered by
    record selectors ``claims`` and mutant ids ``mutants`` (``None``: all)."""
    chosen_claims = None if claims is None else set(select(claims))
    if mutants is None:
        chosen = list(MUTANTS)
    else:
        chosen = [m.strip() for m in (mutants.split(",") if isinstance(mutants, str) else mutants) if m.strip()]
        unknown = [m for m in chosen if m not in MUTANTS]
        if unknown or not chosen:
            raise ValueError(f"unknown or empty mutant selection {unknown or chosen}; known: {', '.join(MUTANTS)}")
    pairs = []
    for mid in chosen:
        for cid, kind in sorted(MUTANTS[mid].scope().items()):
            if chosen_claims is None or cid in chosen_claims:
                pairs.append((cid, mid, kind))
    return pairs


class _Failed(AssertionError):
    pass


class _Invalid(AssertionError):
    pass


def _raise_on_failure(claim, instance, scenario=None):
    m = claim.measure(instance)
    if m.failed_guards:
        g = m.failed_guards[0]
        raise _Invalid(f"guard {g.describe()}: the measured data are no evidence")
    if not m.satisfied:
        raise _Failed(f"{claim.lhs_name} = {m.lhs:.4g} > {claim.rhs_name} = {m.rhs:.4g} (margin {m.margin:.3g})")
    return m


def check_outcome(claim, profile: Profile, *, seed_salt: int | None = None) -> tuple[str, str]:
    """Run a record's check on its instances (``seed_salt``: fresh ones, see ``run_claim``): ``("held", …)``,
    ``("failed", why)`` (a measurement broke the inequality), ``("invalid", why)`` (a measurement's guard failed:
    ``checks.claims.record.Guard``) or ``("crashed", why)`` (the check raised)."""
    try:
        run_claim(claim, profile, _raise_on_failure, shrink=False, seed_salt=seed_salt)
    except _Invalid as e:
        return "invalid", str(e).splitlines()[0]
    except _Failed as e:
        return "failed", str(e).splitlines()[0]
    except Exception as e:
        return "crashed", f"check crashed: {type(e).__name__}: {str(e).splitlines()[0] if str(e) else ''}"
    return "held", "the check held on every instance"


def check_failure(claim, profile: Profile, *, seed_salt: int | None = None) -> str | None:
    """The first line of why a record's check failed or crashed (:func:`check_outcome`), ``None`` when it held:
    the false-alarm measurement counts both as a failure on the correct implementation."""
    outcome, why = check_outcome(claim, profile, seed_salt=seed_salt)
    return None if outcome == "held" else why


def run_pair(claim_id: str, mutant_id: str, profile: Profile) -> PairResult:
    """Run one record's check on its own instances under ``profile`` with the mutant applied.

    Killed when the check fails; for a record with a recorded finding, killed when its check stops failing; killed
    whatever the record when a guard of its measurement fails (the mutant made the measured data invalid).
    Crash-killed when the check raises (a wrong implementation that cannot even run is caught, but not by the
    claim's inequality: counted apart).
    """
    claim, mutant = get(claim_id), MUTANTS[mutant_id]
    if mutant.scope().get(claim_id) == "equivalent":
        reason = next(r for sel, r in mutant.equivalent.items() if claim_id in scope_records(sel))
        return PairResult(claim_id, mutant_id, "equivalent", reason)
    started = time.perf_counter()
    with mutant.applied():
        outcome, reason = check_outcome(claim, profile)
    seconds = round(time.perf_counter() - started, 2)
    if outcome == "crashed":  # caught, whatever the record claims, but shown apart from a failing inequality
        return PairResult(claim_id, mutant_id, "crash-killed", reason, seconds)
    failed = outcome == "failed"
    killed = outcome == "invalid" or failed != bool(claim.expected_fail)
    if claim.expected_fail and outcome == "held":
        reason = "the recorded finding no longer reproduces"
    return PairResult(claim_id, mutant_id, "killed" if killed else "survived", reason, seconds)


def _run_pair_task(args) -> dict:
    """A dask task: one ``(record, mutant)`` pair in a worker process (one torch thread, like the sweep)."""
    claim_id, mutant_id, profile_name = args
    from checks.claims import get_profile, load_all

    use_fixed_threads()
    load_all()
    return run_pair(claim_id, mutant_id, get_profile(profile_name)).as_dict()


def run_pairs(pairs, profile: Profile, *, scheduler: str | None = None, workers: int = 0, progress=None) -> list[dict]:
    """Run ``(record, mutant)`` pairs serially (``workers == 0`` and no ``scheduler``) or one pair per task on
    dask.distributed (:func:`checks.experiments.fanout.map_tasks`).

    Rows come back in the order of ``pairs`` whatever the engine, so a serial and a distributed run give
    the same table (each pair's instances derive from the record id and the profile only).
    """
    tasks = [(cid, mid, profile.name) for cid, mid, _ in pairs]
    if scheduler is None and workers == 0:  # in this process, on the workers' one torch thread (restored after)
        with fixed_threads():
            return map_tasks(lambda t: run_pair(t[0], t[1], profile).as_dict(), tasks, progress=progress)
    return map_tasks(_run_pair_task, tasks, scheduler=scheduler, workers=workers, progress=progress)


def mutation_scores(rows: list[dict]) -> dict[str, dict]:
    """Per record: killed / in scope (non-equivalent pairs; ``score`` counts check failures only), the crash-kills
    apart (``crash_killed``, ``crashes`` with their reasons), the survivors with their reasons, the equivalents."""
    out: dict[str, dict] = {}
    for r in rows:
        s = out.setdefault(r["claim"], {"killed": 0, "crash_killed": 0, "in_scope": 0, "survivors": [], "crashes": [], "equivalent": []})
        if r["status"] == "equivalent":
            s["equivalent"].append({"mutant": r["mutant"], "reason": r["reason"]})
            continue
        s["in_scope"] += 1
        if r["status"] == "killed":
            s["killed"] += 1
        elif r["status"] == "crash-killed":
            s["crash_killed"] += 1
            s["crashes"].append({"mutant": r["mutant"], "reason": r["reason"]})
        else:
            s["survivors"].append({"mutant": r["mutant"], "reason": r["reason"]})
    for s in out.values():
        s["score"] = s["killed"] / s["in_scope"] if s["in_scope"] else None
    return out
