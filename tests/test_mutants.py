"""Mutation analysis: the catalog is well formed, a fast subset of (claim, mutant) pairs is killed at the ci
profile, equivalent pairs are reported with their reason, mutants are undone, and a distributed run equals a serial one.

The full table (every claim × every mutant in its scope) is `rnn-theorems mutate`; the pairs here are the cheap ones.
"""

import pytest
import torch

from checks.claims import get_profile, load_all
from checks.harness.mutants import MUTANTS
from checks.harness.mutation import mutation_pairs, run_pair, run_pairs
from checks.model.ntk import infinite_ntk

CI = get_profile("ci")
FAST_KILLS = [
    ("C3b-converse", "hinf-jitter"),
    ("C4b", "entk-frozen"),
    ("C9b-add-last", "certificate-steps-reversed"),
    ("C9b-add-first", "certificate-steps-reversed"),  # a recorded finding killed by no longer reproducing
    ("C9", "certificate-halved"),
    ("C8c", "hinf-drop-last-step"),  # fails at L = 2, 3 with finite margins, not only where H∞ vanishes (L = 1)
    ("C6b", "train-step-4x"),  # ‖W_T − W_0‖_2 grows with m when the step is 4× the A4 step
    ("C7-rademacher", "c7-leading-halved"),  # Monte Carlo / (leading/2) ≈ 0.99 → ≈ 1.98
    ("C7-rademacher-lower", "c7-trace-not-root"),  # (1/√2)·R·tr H/n far above R√(tr H)/n
]


def test_catalog_scopes_name_registered_records():
    """Every mutant describes itself, names only registered records, and every record of every family (C1 … C11,
    the C9b/C10b growth records included) is in some mutant's kill scope (tests/test_registry.py checks the rule)."""
    registry = load_all()
    for mutant in MUTANTS.values():
        assert mutant.description
        for claim_id in mutant.scope():
            assert claim_id in registry, (mutant.id, claim_id)
    killable = {c for m in MUTANTS.values() for c, kind in m.scope().items() if kind == "kill"}
    assert set(registry) <= killable, f"records no mutant must kill: {sorted(set(registry) - killable)}"


@pytest.mark.parametrize("claim_id, mutant_id", FAST_KILLS)
def test_fast_subset_is_killed(claim_id, mutant_id):
    result = run_pair(claim_id, mutant_id, CI)
    assert result.status == "killed", result


def test_equivalent_pairs_carry_their_reason():
    result = run_pair("C2", "entk-no-cross-time", CI)
    assert result.status == "equivalent" and "m → ∞" in result.reason


def test_a_mutant_is_undone_after_its_block():
    X = torch.randn((3, 3, 2), generator=torch.Generator().manual_seed(0), dtype=torch.float64)
    before = infinite_ntk(X)
    with MUTANTS["hinf-scaled-1.2"].applied():
        from checks.model import ntk

        assert torch.allclose(ntk.infinite_ntk(X), 1.2 * before)
    assert torch.equal(infinite_ntk(X), before)


def test_selection_of_pairs():
    pairs = mutation_pairs("C3", "hinf-jitter,hinf-plain-arccos")
    assert {(c, m) for c, m, _ in pairs} == {("C3b-converse", "hinf-jitter"), ("C3a", "hinf-plain-arccos"), ("C3b", "hinf-plain-arccos")}
    with pytest.raises(ValueError, match="unknown"):
        mutation_pairs(None, "no-such-mutant")


def test_distributed_run_equals_serial():
    pairs = [("C9b-add-last", "certificate-steps-reversed", "kill"), ("C2", "entk-no-cross-time", "equivalent")]
    strip = lambda rows: [{k: v for k, v in r.items() if k != "seconds"} for r in rows]  # noqa: E731
    assert strip(run_pairs(pairs, CI)) == strip(run_pairs(pairs, CI, workers=2))


def test_target_steps_reversed_exchanges_first_and_last():
    """The C11 mutant (its pairs take minutes: `rnn-theorems mutate --claims C11`) reads step L + 1 − l."""
    from checks.theory.target_families import FAMILIES

    with MUTANTS["target-steps-reversed"].applied():
        assert FAMILIES["first-linear"].steps(8) == (8,)
        assert FAMILIES["nvar2-end"].steps(8) == (1, 2)
    assert FAMILIES["first-linear"].steps(8) == (1,)
