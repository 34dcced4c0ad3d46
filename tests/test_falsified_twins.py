"""Every claim check can fail: its falsified twin (tightened bound, wrong rate, or the claim
without its assumption) is caught by the same check on generated instances (docs/design.md)."""

import pytest

from checks.claims import load_all, sort_key
from checks.harness.search import TWIN_EXAMPLES, falsified_twin_failure

CLAIMS = load_all()


@pytest.mark.parametrize("claim_id", [pytest.param(cid, marks=pytest.mark.twin(cid), id=cid) for cid in sorted(CLAIMS, key=sort_key)])
def test_falsified_twin_is_caught(claim_id, suite_profile):
    claim = CLAIMS[claim_id]
    found = falsified_twin_failure(claim, suite_profile)
    assert found is not None, f"{claim_id}: twin ({claim.twin.description}) was not caught in {TWIN_EXAMPLES} instances"
    _, measurement = found
    assert not measurement.holds


def test_random_labels_twin_is_strict_and_reads_every_size():
    """C7-labels' twin ("random labels get the smaller bound") fails at an exact tie, as the claim does, and reads every
    size: the digits record ties at n = 100 (same dyadic radius) to the last bit on some machines (issue 23)."""
    from checks.claims.c07_generalization import random_labels_smaller
    from checks.claims.record import Measurement
    from checks.numerics.constants import SEPARATION_FLOOR

    tie = Measurement(lhs=1.0, rhs=1 - SEPARATION_FLOOR, details={"ratio": {"100": 1.0}})
    assert not random_labels_smaller(tie).holds
    mixed = Measurement(lhs=1.0, rhs=1 - SEPARATION_FLOOR, details={"ratio": {"100": 1.0, "316": 0.54}})
    assert random_labels_smaller(mixed).lhs == 1 / 0.54
    assert random_labels_smaller(Measurement(lhs=2.0, rhs=1.0)).holds  # random labels really smaller: the twin holds
