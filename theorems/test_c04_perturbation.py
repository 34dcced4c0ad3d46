"""C4 stability in a perturbation radius ``‖W − W_0‖_2 ≤ ω``: (a) ``‖h_l(W) − h_l(W_0)‖ ≤ K_4 ω poly(l) √Q_l``;
(b) ``‖H(W) − H(W_0)‖_2 / ‖H(W_0)‖_2 ≤ K_4' ω^{1/3}``; checked as fitted exponents in ``ω``."""

from checks.harness.factory import claim_test

test_c4 = claim_test("C4")
