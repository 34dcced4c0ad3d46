"""Every claim check can fail: its falsified twin (tightened bound, wrong rate, or the claim
without its assumption) is caught by the same check on generated instances (DESIGN.md)."""

import pytest

from checks.claims import load_all
from checks.search import falsified_twin_failure

CLAIMS = load_all()


@pytest.mark.parametrize("claim_id", sorted(CLAIMS))
def test_falsified_twin_is_caught(claim_id):
    claim = CLAIMS[claim_id]
    assert claim.twin or claim.twin_violates or claim.twin_evaluate, f"{claim_id} has no falsified twin"
    found = falsified_twin_failure(claim)
    assert found is not None, f"{claim_id}: twin ({claim.twin_description}) was not caught in 100 instances"
    _, measurement = found
    assert not measurement.holds
