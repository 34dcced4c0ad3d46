"""The kernel power series and the concept classes against independent evaluations of H∞."""

import math

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from checks.claims.c08_kernel_series import pair_with_inner_products
from checks.model.arccos import local_taylor
from checks.model.ntk import infinite_ntk
from checks.model.series import TruncatedKernel, kernel_coefficient, kernel_series
from checks.theory.targets import Additive, NVariable, taylor_coefficients


def h_pair(G, r):
    """H∞(x, x') for a pair built to have ‖X_l‖ = r_l and ⟨X_l, X'_l⟩ = G_l."""
    r = np.asarray(r, float)
    return float(infinite_ntk(pair_with_inner_products(r, np.asarray(G, float) / r**2))[0, 1])


@pytest.mark.parametrize("r", [[1.0, 1.0, 1.0], [0.3, 4.0, 1.5], [8.0, 0.1, 2.0]])
def test_coefficients_match_central_finite_differences(r):
    """c_{e_l} = ∂H/∂G_l and c_{2e_l} = ½ ∂²H/∂G_l², c_{e_1+e_3} = ∂²H/∂G_1∂G_3 at G = 0.

    Step h = 1e-3·r²: truncation error O(h²) of the central differences; tolerances 1e-5
    (first derivative) and 1e-4 (second) relative to the derivative scale.
    """
    L = 3
    for l in range(L):
        h = 1e-3 * r[l] ** 2
        e = np.zeros(L)
        e[l] = h
        f0, fp, fm = h_pair(np.zeros(L), r), h_pair(e, r), h_pair(-e, r)
        d1, d2 = (fp - fm) / (2 * h), (fp - 2 * f0 + fm) / h**2
        c1 = kernel_coefficient(L, {l + 1: 1}, r)
        c2 = kernel_coefficient(L, {l + 1: 2}, r)
        assert c1 == pytest.approx(d1, rel=1e-5)
        assert c2 == pytest.approx(d2 / 2, rel=1e-4, abs=1e-4 * abs(c1) / r[l] ** 2)
    h1, h3 = 1e-3 * r[0] ** 2, 1e-3 * r[2] ** 2
    mixed = (h_pair([h1, 0, h3], r) - h_pair([h1, 0, -h3], r) - h_pair([-h1, 0, h3], r) + h_pair([-h1, 0, -h3], r)) / (
        4 * h1 * h3
    )
    assert kernel_coefficient(L, {1: 1, 3: 1}, r) == pytest.approx(mixed, rel=1e-4)
    assert kernel_coefficient(L, {}, r) == pytest.approx(h_pair(np.zeros(L), r), rel=1e-14)


@given(
    r=st.lists(st.floats(0.1, 5.0), min_size=2, max_size=2),
    cos=st.lists(st.floats(-0.9, 0.9), min_size=2, max_size=2),
)
@settings(max_examples=15)
def test_truncated_series_converge(r, cos):
    """Away from the diagonal (|cos| ≤ 0.9) degree 14 is within 1e-3 of H∞ and errors shrink."""
    r = np.asarray(r)
    G = np.asarray(cos) * r**2
    exact = h_pair(G, r)
    series = TruncatedKernel.build(2, 14, r)
    scale = h_pair(r**2, r)
    errs = [abs(series(G, D) - exact) / scale for D in (2, 6, 14)]
    assert errs[-1] < 1e-3
    assert errs[-1] <= errs[0] + 1e-15


def test_local_taylor_matches_series_at_zero():
    """At c → 0 the local expansion is the global one: κ_0 = ½ + ρ/π + ρ³/(6π) + …"""
    k0, k1 = local_taylor(1.0, 4)
    assert k0 == pytest.approx([0.5, 1 / math.pi, 0.0, 1 / (6 * math.pi), 0.0], abs=1e-15)
    assert k1 == pytest.approx([1 / math.pi, 0.5, 1 / (2 * math.pi), 0.0, 1 / (24 * math.pi)], abs=1e-15)


def test_local_taylor_matches_finite_differences_near_one():
    """Near ρ = 1 (gap 1e-3) the local coefficients are derivatives of κ_0 = 1 − arccos(ρ)/π."""
    gap = 1e-3
    k0, _ = local_taylor(gap, 2)
    h = 1e-7
    f = lambda t: 1 - math.acos(1 - gap + t) / math.pi
    assert k0[1] == pytest.approx((f(h) - f(-h)) / (2 * h), rel=1e-6)


def test_long_sequences_are_fast_and_positive():
    steps, c = kernel_series(1024, {1: 3, 512: 3, 1000: 3, 1024: 3})
    assert steps == (1, 512, 1000, 1024) and np.all(c >= 0) and c[3, 3, 3, 3] > 0


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: kernel_coefficient(0, {}), "L must be"),
        (lambda: kernel_coefficient(3, {4: 1}), "steps in 1..3"),
        (lambda: kernel_coefficient(3, {1: -1}), "exponents"),
        (lambda: kernel_coefficient(2, {1: 1}, norms=[1.0]), "length L"),
        (lambda: kernel_coefficient(2, {1: 1}, norms=[1.0, 0.0]), "> 0"),
        (lambda: Additive.of((4, [1.0], [0, 1])).certificate(3), "step 4"),
        (lambda: NVariable.of([1, 1], [[1.0], [1.0]], [0, 1]), "distinct"),
        (lambda: taylor_coefficients("tan", 3), "unknown function"),
    ],
)
def test_bad_input(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def test_targets_evaluate_and_single_monomial_certificate():
    X = torch.tensor([[[1.0, 0.0], [0.0, 2.0]], [[0.0, 1.0], [2.0, 0.0]]], dtype=torch.float64)
    add = Additive.of((2, [1.0, 1.0], [0.5, 0.0, 1.0]))
    assert torch.allclose(add(X), torch.tensor([0.5 + 4.0, 0.5 + 4.0], dtype=torch.float64))
    nv = NVariable.of([1, 2], [[1.0, 0.0], [0.0, 1.0]], [0.0, 1.0])
    assert torch.allclose(nv(X), torch.tensor([3.0, 0.0], dtype=torch.float64))
    # One monomial (βᵀX_l)^k: Φ = ‖β‖^{2k} / c_{k e_l}.
    single = Additive.of((2, [3.0, 4.0], [0.0, 0.0, 1.0]))
    assert single.certificate(3) == pytest.approx(5.0**4 / kernel_coefficient(3, {2: 2}), rel=1e-14)
    # N = 1 N-variable target is the same monomial.
    assert NVariable.of([2], [[3.0, 4.0]], [0.0, 0.0, 1.0]).certificate(3) == pytest.approx(
        single.certificate(3), rel=1e-14
    )


def test_truncated_sin_tail_bound_holds():
    r = np.array([1.0, 1.5])
    target = Additive.truncated("sin", [(2, [0.6, 0.8])], degree=7)
    bound = target.tail_bound("sin", r)
    z = np.linspace(-1.5, 1.5, 101)
    poly = sum(a * z**k for k, a in enumerate(taylor_coefficients("sin", 7)[0]))
    assert np.max(np.abs(np.sin(z) - poly)) <= bound
