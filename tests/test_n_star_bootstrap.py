"""C11's verdict rule on n*(L): its false-alarm rate on almost-polynomial n* at the measured noise, and what it sees."""

import numpy as np

from checks.claims.c11_learning_curves import LENGTHS
from checks.experiments.n_star_bootstrap import SIGMA_FLOOR, verdict

STATED_FALSE_ALARM = 0.01
"""The rule's stated false-alarm rate on almost-polynomial n*: the jump test is one-sided 3σ over ≤ 4 lengths
(≤ 0.6%), the classifier's Δ > 9 about 0.3%; measured below: 0.3% (power law) and 0.8% (quasi-polynomial), 1000 draws each."""
NOISE = np.array([0.116, 0.05, 0.064, 0.05, 0.05, 0.05, 0.05])
"""The seed-bootstrap noise of log n* measured for the last-step target at ci (6 seeds; floor SIGMA_FLOOR)."""


def _draws(law, reps=1000, seed=0):
    rng = np.random.default_rng(seed)
    L = np.array(LENGTHS, float)
    return L, [np.exp(law(L) + NOISE * rng.standard_normal(L.size)) for _ in range(reps)]


def test_false_alarm_rate_on_almost_polynomial_n_star_is_at_most_the_stated_rate():
    assert NOISE.min() >= SIGMA_FLOOR and len(NOISE) == len(LENGTHS)
    for law in (lambda L: np.log(10.6) + 1.07 * np.log(L), lambda L: np.log(8.0) + 0.8 * np.log(L) + 0.08 * np.log(L) ** 2):
        L, draws = _draws(law)
        alarms = sum(verdict(L, y, [False] * L.size, NOISE, 1024)["verdict"] != "almost-polynomial" for y in draws)
        assert alarms / len(draws) <= STATED_FALSE_ALARM


def test_a_jump_reads_super_polynomial_and_leaving_the_grid_alone_does_not():
    L = np.array(LENGTHS, float)
    jump = 10.0 * L ** 1.1 * np.where(L >= 12, 3.0, 1.0)  # n* triples at L = 12: a jump, not a power law
    v = verdict(L, jump, [False] * L.size, NOISE, 1024)
    assert v["verdict"] == "super-polynomial" and "L = 12" in v["reason"]
    steep = np.minimum(0.5 * L ** 2.6, 1024.0)  # a steep power law that leaves the grid at L = 24
    v = verdict(L, steep, list(steep >= 1024), NOISE, 1024)
    assert v["verdict"] == "undecided"
