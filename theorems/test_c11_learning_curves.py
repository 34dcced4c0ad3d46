"""C11 measured complexity in L (the abstract's headline, on actual learning): the number of samples ``n*(L, ε)``
that the kernel predictor — the limit of the trained centered network — needs to reach relative test error ``ε``
grows almost-polynomially in ``L``; targets whose ``n*`` explodes are strict expected failures (recorded findings)."""

from checks.harness.factory import claim_test

test_c11 = claim_test("C11")
