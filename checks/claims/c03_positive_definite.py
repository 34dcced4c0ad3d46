"""C3 positive definiteness of ``H∞`` (a: PSD always; b: ``λ_0 > 0`` under A3; c: ``λ_min(H(W_0)) ≥ λ_0/2``)."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import torch
from hypothesis import strategies as st

from checks.bounds import numerical_zero, spectrum_edges
from checks.claims import Claim, Measurement, inflate_lhs, register
from checks.claims._common import instance_sample, sample_strategy
from checks.ntk import empirical_ntk, infinite_ntk
from checks.profiles import active
from checks.rnn import init_params
from checks.strategies import degenerate_samples, samples, seeds

ZERO_REASON = "n·eps·λ_max: backward error of the symmetric eigensolver (Golub & Van Loan §8.1)"


def _spectrum(H: torch.Tensor) -> tuple[float, float, float]:
    lam_min, lam_max = spectrum_edges(H)
    return lam_min, lam_max, numerical_zero(H.shape[0], max(abs(lam_min), abs(lam_max)))


# Sides are scale-free (divided by λ_max or λ_0) so margins compare across instances.


# (a) PSD for every sample, degenerate ones included: −λ_min / λ_max ≤ 0 up to n·eps.
def evaluate_psd(instance: dict) -> Measurement:
    lam_min, lam_max, zero = _spectrum(infinite_ntk(instance_sample(instance)))
    return Measurement(lhs=-lam_min / lam_max, rhs=0.0, tol=zero / lam_max, details={"lambda_min": lam_min, "lambda_max": lam_max})


def psd_instances(scenario: str | None):
    if scenario not in (None, "-A2", "-A3", "+A6"):
        return None
    base = st.one_of(samples(a3=False), degenerate_samples()) if scenario is None else sample_strategy(scenario, a3=False)
    return st.fixed_dictionaries({"X": base.map(np.ndarray.tolist)})


# (b) λ_0 > 0 under A3: the numerical zero n·eps ≤ λ_0 / λ_max.
def evaluate_pd(instance: dict) -> Measurement:
    lam_min, lam_max, zero = _spectrum(infinite_ntk(instance_sample(instance)))
    return Measurement(lhs=zero / lam_max, rhs=lam_min / lam_max, details={"lambda_0": lam_min, "lambda_max": lam_max})


def pd_instances(scenario: str | None):
    if scenario not in (None, "-A2", "-A3", "+A6"):
        return None
    return st.fixed_dictionaries({"X": sample_strategy(scenario).map(np.ndarray.tolist)})


# (c) λ_min(H(W_0)) ≥ λ_0 / 2 at a width where A1 holds.
def evaluate_init(instance: dict) -> Measurement:
    X = instance_sample(instance)
    lam0 = spectrum_edges(infinite_ntk(X))[0]
    H0 = empirical_ntk(init_params(instance["m"], X.shape[2], seed=instance["seed"]), X)
    lam_init = spectrum_edges(H0)[0]
    return Measurement(lhs=0.5, rhs=lam_init / lam0, details={"lambda_0": lam0, "lambda_min_H0": lam_init, "m": instance["m"]})


def init_instances(scenario: str | None):
    if scenario not in (None, "-A1", "-A2", "+A6"):
        return None
    m = 16 if scenario == "-A1" else active().large_width
    return st.fixed_dictionaries({"X": sample_strategy(None if scenario == "-A1" else scenario).map(np.ndarray.tolist), "seed": seeds(), "m": st.just(m)})


register(
    Claim(
        id="C3a",
        title="H∞ is positive semi-definite",
        statement="λ_min(H∞) ≥ 0 on every sample (degenerate ones included)",
        assumptions=(),
        instances=psd_instances,
        evaluate=evaluate_psd,
        twin=lambda m: replace(m, rhs=-1e-3),
        twin_description="λ_min(H∞) ≥ 10⁻³ λ_max on every sample (strict definiteness without A3)",
        lhs_name="−λ_min(H∞) / λ_max",
        rhs_name="0",
        tolerance_reason=ZERO_REASON,
    )
)

register(
    Claim(
        id="C3b",
        title="H∞ is positive definite under A3",
        statement="A3 ⇒ λ_0 = λ_min(H∞) > 0 (above the numerical zero n·eps·λ_max)",
        assumptions=("A3",),
        instances=pd_instances,
        evaluate=evaluate_pd,
        twin_violates="-A3",
        twin_description="λ_0 > 0 on duplicated or parallel sequences",
        lhs_name="n·eps",
        rhs_name="λ_0 / λ_max",
        tolerance_reason="the numerical zero is itself the tolerance: " + ZERO_REASON,
    )
)

register(
    Claim(
        id="C3c",
        title="Empirical NTK stays positive definite at initialization",
        statement="A1, A3 ⇒ λ_min(H(W_0)) ≥ λ_0 / 2",
        assumptions=("A1", "A3"),
        instances=init_instances,
        evaluate=evaluate_init,
        twin=inflate_lhs(4.0),
        twin_description="λ_min(H(W_0)) ≥ 2 λ_0",
        lhs_name="1/2",
        rhs_name="λ_min(H(W_0)) / λ_0",
        tolerance_reason="none needed: the sides differ by O(λ_0), far above round-off",
    )
)
