"""C2 NTK at initialization: max_ij |H(W_0) − H∞| / κ̄ decays like m^{-1/2}; K_2 reported against L."""

import numpy as np
from hypothesis import given

from checks.claims import get
from checks.claims.c02_ntk_at_init import implied_constant_against_length

CLAIM = get("C2")


@given(instance=CLAIM.instances(None))
def test_c2_ntk_at_init(instance, check_claim):
    check_claim(CLAIM, instance)


def test_c2_constant_growth_in_L(ledger):
    """Report how the implied constant K_2 grows with L (CLAIMS.md C2) on a fixed family of samples."""
    rows = implied_constant_against_length(lengths=(2, 4, 8, 16, 32), seed=0)
    ledger.note("C2 K_2 vs L", {"rows": rows, "plot": {"x": "L", "y": ["K_2"], "ylabel": "implied constant K_2"}})
    assert all(np.isfinite(r["K_2"]) and r["K_2"] > 0 for r in rows)
