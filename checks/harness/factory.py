"""The theorem-test factory: a claim record becomes its pytest test.

A theorem module is a docstring stating the claims and one line per claim family::

    test_c5 = claim_test("C5")

:func:`claim_test` returns a test parametrized over the family's records (``test_c6[C6b]``);
each record runs its instances under the run's profile with Hypothesis — budget, strict xfail
for a recorded finding, and the seed all come from the record: the seed is derived from the
record id and the profile name only (:func:`seed_for`), so editing a theorem module (or any
other code) never moves the instances a fixed-seed profile generates.
"""

from __future__ import annotations

import hashlib

import pytest
from hypothesis import Phase, given, seed, settings, target

from checks.claims import Claim, ClaimFailure, Profile, get, select
from checks.claims.profiles import hypothesis_settings
from checks.claims.record import progress
from checks.experiments.strategies import freeze_example_constants

__all__ = ["claim_test", "run_claim", "seed_for"]


def seed_for(claim_id: str, profile_name: str, salt: int | None = None) -> int:
    """The Hypothesis seed of a record under a fixed-seed profile: a hash of ``(id, profile)`` only.

    ``salt`` (an integer) gives a fresh seed for ``(id, profile, salt)``: another, independent draw of
    the record's instances (the false-alarm measurement's reruns); ``None`` is the committed seed.
    """
    key = f"{claim_id}|{profile_name}" if salt is None else f"{claim_id}|{profile_name}|salt={int(salt)}"
    digest = hashlib.sha256(key.encode()).digest()
    return int.from_bytes(digest[:8], "big")


def run_claim(claim: Claim, profile: Profile, check, *, shrink: bool = True, seed_salt: int | None = None) -> None:
    """Run ``check(claim, instance)`` on the record's instances under ``profile`` (raises on a failure).

    ``shrink=False`` reports the first failing instance as found (the mutation analysis only needs
    to know that the check fails).  A statistical record (``claim.aggregate``) records every
    experiment and is checked once, on the pooled instance ``{"experiments": [...]}``; with a ``claim.score``
    each experiment is evaluated as it is drawn and Hypothesis targets the score.  A record's
    ``fixed_instances`` are checked in every run beside the drawn ones (pooled with them for a statistical record).

    ``seed_salt`` (an integer) draws the instances from ``seed_for(id, profile, seed_salt)`` instead,
    under any profile and without Hypothesis's example database: each salt is a fresh, independent
    run of the same check (``checks.harness.false_alarms``).  Without it nothing changes.

    Hypothesis's literal pool is frozen first (``freeze_example_constants``), so every caller — the pytest plugin,
    ``rnn-theorems mutate``, the false-alarm runs — draws the same instances for the same seed (``mutate`` drew others
    than ``verify`` before: a mutant's verdict was measured on instances the ledger never saw).
    """
    freeze_example_constants()
    strategy = claim.instances(None, profile)
    experiments: list[dict] = []

    drawn = [0]

    def body(instance):
        if claim.aggregate is None:
            check(claim, instance)
        else:
            experiments.append(instance)
            if claim.score is not None:  # steer the search (the experiment's result is cached for the aggregate)
                target(float(claim.score(claim.evaluate(instance))), label=f"{claim.id} score")
        drawn[0] += 1
        progress(f"{drawn[0]} of {claim.examples(profile)} instance(s) drawn")  # printed in a long record (throttled)

    body.__name__ = body.__qualname__ = f"claim_{claim.id.replace('-', '_')}"  # Hypothesis's database key
    test = given(instance=strategy)(body)
    test = hypothesis_settings(
        claim.examples(profile),
        database=None if profile.fixed_seed or seed_salt is not None else settings.default.database,
        phases=tuple(Phase) if shrink else (Phase.explicit, Phase.reuse, Phase.generate),
    )(test)
    if seed_salt is not None:
        test = seed(seed_for(claim.seed_id or claim.id, profile.name, seed_salt))(test)
    elif profile.fixed_seed:
        test = seed(seed_for(claim.seed_id or claim.id, profile.name))(test)
    test()
    fixed = claim.fixed_instances(profile)
    if claim.aggregate is not None:
        check(claim, {"experiments": experiments + fixed})
    else:
        for instance in fixed:
            check(claim, instance)


def claim_test(selector: str):
    """The pytest test of the records ``selector`` names (a family such as ``"C3"``, or one record id).

    Every generated item carries the mark ``claim(<record id>)`` (how ``--claims`` selects) and,
    for a recorded finding, a strict ``xfail`` with the finding as its reason that expects only
    :class:`~checks.claims.ClaimFailure` (a check that crashes is an error, not an expected failure).
    """
    params = []
    for claim_id in select(selector):
        claim = get(claim_id)
        marks = [pytest.mark.claim(claim_id)]
        if claim.expected_fail:
            # Expected is the recorded claim failure only: a crash (any other exception) stays an error.
            marks.append(pytest.mark.xfail(strict=True, raises=ClaimFailure, reason=claim.expected_fail))
        params.append(pytest.param(claim_id, marks=marks, id=claim_id))

    @pytest.mark.parametrize("claim_id", params)
    def test(claim_id, suite_profile, check_claim):
        claim = get(claim_id)
        with check_claim.reporting(claim):
            run_claim(claim, suite_profile, check_claim)
        if claim.note is not None:
            check_claim.note(claim, claim.note(suite_profile))

    test.__doc__ = f"Claim records {', '.join(p.values[0] for p in params)}: every instance satisfies the inequality."
    return test
