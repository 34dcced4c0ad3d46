"""The mathematics of C7's proof links (docs/claims.md C7): the Monte-Carlo Rademacher complexity of the kernel
ball, the grid radius, ``ε(m)`` (the linearization error) and the kernel drift; and the end-to-end record's
counting rules (only experiments that can fail count) and what the baseline watches."""

import json
import math

import pytest
import torch

from checks.claims import Measurement, get
from checks.claims.c07_generalization import counted_rows, violation_rate
from checks.claims.c07_links import on_grid
from checks.harness.baseline import compare
from checks.harness.ledger import Ledger
from checks.model.rnn import init_params, output
from checks.theory.bounds import KHINTCHINE_KAHANE, generalization_bound_terms, rademacher_ball_mc
from checks.theory.linearization import kernel_drift, linearization_error, linearized_change


def _mc(H, R=1.0, samples=4000, seed=0):
    return rademacher_ball_mc(torch.as_tensor(H, dtype=torch.float64), R, samples=samples,
                              generator=torch.Generator().manual_seed(seed))


def test_orthonormal_features_meet_jensen_exactly():
    """``H = I``: ``σᵀσ = n`` for every sign vector, so the Monte-Carlo value is ``R√n/n`` with no spread (up to the
    round-off of a mean of 4000 equal numbers, 4000·eps relative)."""
    r = _mc(torch.eye(9), R=4.0)
    assert r["mean"] == pytest.approx(4.0 * 3 / 9, rel=1e-12) and r["se"] < 1e-15 and r["jensen"] == pytest.approx(r["mean"])


def test_two_equal_features_meet_khintchine_kahane_exactly():
    """``φ_1 = φ_2``: ``|σ_1 + σ_2| ∈ {0, 2}`` with equal chance, so ``E‖Σσφ‖ = 1 = (1/√2)√(tr H)`` — the extremal
    case of the constant 1/√2; the Monte-Carlo mean is within 4 standard errors of it, and ``1/2`` is not."""
    r = _mc(torch.ones(2, 2), samples=20000, seed=1)
    assert abs(r["mean"] - KHINTCHINE_KAHANE * r["jensen"]) <= 4 * r["se"]
    assert abs(r["mean"] - 0.5 * r["jensen"]) > 20 * r["se"]


def test_a_random_kernel_lies_between_the_two_sides():
    g = torch.Generator().manual_seed(3)
    F = torch.randn(50, 7, generator=g, dtype=torch.float64)
    r = _mc(F @ F.T, R=2.0, seed=4)
    assert KHINTCHINE_KAHANE * r["jensen"] - 4 * r["se"] <= r["mean"] <= r["jensen"] + 4 * r["se"]


def test_the_monte_carlo_error_is_stated_and_shrinks_like_one_over_root_samples():
    g = torch.Generator().manual_seed(5)
    F = torch.randn(40, 3, generator=g, dtype=torch.float64)
    small, large = _mc(F @ F.T, samples=400), _mc(F @ F.T, samples=6400)
    assert 2 < small["se"] / large["se"] < 8  # √16 = 4 up to the spread of the sample standard deviation


def test_grid_radius_of_the_bound_is_on_the_grid_and_a_raw_or_doubled_radius_is_not():
    terms = {"n": 1000}
    assert on_grid(terms | {"grid_radius": 4.0, "raw_radius": 2.5})
    assert on_grid(terms | {"grid_radius": 1.0, "raw_radius": 0.3})
    assert not on_grid(terms | {"grid_radius": 2.5, "raw_radius": 2.5})  # the raw radius: off the grid
    assert not on_grid(terms | {"grid_radius": 8.0, "raw_radius": 2.5})  # on the grid, but not the smallest cover
    assert not on_grid(terms | {"grid_radius": 2.0**12, "raw_radius": 3000.0})  # beyond 2^⌈log₂ n⌉
    H = torch.eye(5, dtype=torch.float64) * 2
    t = generalization_bound_terms(H, torch.tensor([3.0, 1, 1, 1, 1], dtype=torch.float64), delta=0.1)
    assert on_grid(t)


def test_epsilon_m_is_zero_without_training_and_second_order_in_the_step():
    """``ε(m)`` of ``W_0 + tΔ``: exactly 0 at ``t = 0``; the linearization's error is ``O(t²)`` for a small step."""
    p0 = init_params(64, 3, seed=0, dtype=torch.float64)
    X = torch.randn(20, 4, 3, generator=torch.Generator().manual_seed(1), dtype=torch.float64)
    direction = torch.randn(64, 64, generator=torch.Generator().manual_seed(2), dtype=torch.float64) / 64
    assert linearization_error(p0, p0, X) == 0.0
    errs = [linearization_error(p0, p0.with_W(p0.W + t * direction), X) for t in (1e-2, 5e-3)]
    assert 3.0 < errs[0] / errs[1] < 5.0
    step = p0.with_W(p0.W + 1e-6 * direction)  # the linearized change is the directional derivative
    fd = (output(step, X) - output(p0, X)) / 1e-6
    assert torch.allclose(linearized_change(p0, p0.W + direction, X), fd, rtol=1e-4, atol=1e-8)


def test_kernel_drift_is_the_change_in_units_of_lambda_min():
    H0 = torch.diag(torch.tensor([0.5, 2.0, 3.0], dtype=torch.float64))
    assert kernel_drift(H0, H0) == 0
    assert kernel_drift(H0, H0 + 0.1 * torch.eye(3, dtype=torch.float64)) == pytest.approx(0.2)


def _row(test, bound, seed, predictor="kernel", L=2, n=1000, capped=False, confidence=0.1):
    return Measurement(lhs=test, rhs=bound, details={"predictor": predictor, "L": L, "n": n, "seed": seed, "target": "t",
                                                     "test_loss": test, "bound": bound, "capped": capped,
                                                     "confidence": confidence, "by_width": {}})


def test_only_experiments_that_can_fail_are_counted():
    rows = [_row(0.1, 0.5, 1), _row(0.1, 0.5, 1), _row(0.2, 1.3, 2), _row(0.1, 0.4, 3, capped=True), _row(0.05, 0.2, 4)]
    counted, left = counted_rows(rows)
    assert [t["seed"] for t in counted] == [1, 4]
    assert left["repeats"] == 1 and len(left["vacuous"]) == 1 and len(left["capped"]) == 1


def test_zero_violations_certify_from_29_counted_and_the_detectable_factor_is_one_over_max_tightness():
    holds = violation_rate([_row(0.05, 0.5, s) for s in range(28)] + [_row(0.2, 0.8, 99)])
    assert holds.holds and holds.details["counted"] == 29
    assert holds.details["detectable_factor"] == pytest.approx(4.0)
    assert not violation_rate([_row(0.05, 0.5, s) for s in range(28)]).holds  # 28: the limit 0.101 > δ
    nothing = violation_rate([_row(0.5, 1.2, s) for s in range(5)])  # every bound ≥ 1: nothing could fail, no crash
    assert nothing.vacuous is not None and nothing.details["counted"] == 0 and nothing.details["vacuous"] == 5
    led = Ledger("ci")
    led.collector(get("C7")).add({"experiments": []}, nothing)
    assert led.as_dict()["records"]["C7"]["status"] == "vacuous"  # not "holds", and not a violation rate of 1
    vacuous = violation_rate([_row(0.05, 0.5, s) for s in range(29)] + [_row(0.5, 1.2, 100 + s) for s in range(10)])
    assert vacuous.details["counted"] == 29 and vacuous.details["vacuous"] == 10


def test_a_25_percent_change_in_the_test_losses_is_a_baseline_diff():
    """The ledger compares C7's max tightness, counted N and per-cell mean test loss and bound (10% tolerance)."""
    rows = [_row(0.05 + 0.001 * s, 0.5, s, L=2 + 2 * (s % 2)) for s in range(30)]

    def ledger_of(scale):
        led = Ledger("ci")
        led.collector(get("C7")).add({"experiments": []}, violation_rate([
            _row(m.lhs * scale, m.rhs, m.details["seed"], L=m.details["L"]) for m in rows]))
        return json.loads(json.dumps(led.as_dict()))

    base = ledger_of(1.0)
    assert compare(base, base) == []
    fields = {d.field for d in compare(ledger_of(1.25), base)}
    assert {"compared.mean test loss kernel L=2 n=1000", "compared.mean test loss kernel L=4 n=1000",
            "compared.max_tightness"} <= fields
    assert not {f for f in fields if "mean bound" in f or "counted_N" in f}
    assert not {d.field for d in compare(ledger_of(1.05), base) if d.field.startswith("compared.")}
    assert math.isfinite(base["records"]["C7"]["compared"]["counted_N"])
