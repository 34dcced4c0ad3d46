"""Every claim check can fail: its falsified twin (tightened bound, wrong rate, or the claim
without its assumption) is caught by the same check on generated instances (docs/design.md)."""

import pytest

from checks.claims import load_all, sort_key
from checks.harness.search import TWIN_EXAMPLES, falsified_twin_failure

CLAIMS = load_all()


@pytest.mark.parametrize("claim_id", sorted(CLAIMS, key=sort_key))
def test_falsified_twin_is_caught(claim_id, suite_profile):
    claim = CLAIMS[claim_id]
    found = falsified_twin_failure(claim, suite_profile)
    assert found is not None, f"{claim_id}: twin ({claim.twin.description}) was not caught in {TWIN_EXAMPLES} instances"
    _, measurement = found
    assert not measurement.holds
