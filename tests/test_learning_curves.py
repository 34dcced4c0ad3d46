"""Measured learning curves (docs/claims.md C11) and the growth-class fits (checks.inference.growth.fit_growth_classes)."""

import json
import math

import numpy as np
import pytest
import torch

from checks.experiments.learning_curves import certificate, compare_n_star, n_star, run_learning_curves, sample_inputs
from checks.experiments.network_agreement import network_agreement
from checks.inference.growth import GROWTH_CLASSES, fit_growth_classes
from checks.inference.stats import mean_band
from checks.model.ntk import infinite_ntk
from checks.theory.kernel_regression import kernel_gd_iterations, kernel_gd_predictor
from checks.theory.small_inputs import expected_norms, parse_small_inputs
from checks.theory.target_families import TARGETS, make_target

SMALL = {"dim": 2, "seeds": 2, "eps": 0.5}
"""A grid small enough for a unit test (d = 2 keeps the kernels cheap; 2 seeds give a band)."""


@pytest.fixture(scope="module")
def small_run():
    calls = []
    record = lambda *a: calls.append(a)  # noqa: E731
    result = run_learning_curves(["first-linear", "last-quadratic"], [3, 5], [8, 16, 32], progress=record, **SMALL)
    return result, calls


def test_rows_summary_and_fits_have_their_fields(small_run):
    result, calls = small_run
    rows, summary = result["rows"], result["summary"]
    assert len(rows) == 2 * 2 * 3 * 2  # targets × lengths × sizes × seeds
    assert {tuple(sorted(r)) for r in rows} == {("L", "held_out", "n", "seed", "target", "test_rel_mse")}
    assert all(r["test_rel_mse"] > 0 for r in rows)
    assert len(summary) == 4  # targets × lengths
    for s in summary:
        assert [c["n"] for c in s["curve"]] == [8, 16, 32]
        assert all(c["seeds"] == 2 and c["low"] <= c["mean"] <= c["high"] for c in s["curve"])
        assert s["n_star_status"] in ("interpolated", "at_grid_minimum", "above_grid")
        assert (s["n_star"] is None) == (s["n_star_status"] == "above_grid")
        assert len(s["iterations_per_seed"]) == 2 and s["iteration_n"] == 32
        assert s["phi_kappa"] == pytest.approx(s["phi"] * s["kappa_bar"])
        if s["n_star_status"] == "interpolated":
            assert s["ratio"] == pytest.approx(s["phi_kappa"] / s["n_star"])
        else:
            assert s["ratio"] is None
    assert set(result["fits"]) == {"first-linear", "last-quadratic"}
    assert result["fits"]["first-linear"]["n_star"] is None  # two lengths: too few for a growth fit
    assert [c[:2] for c in calls] == [(0, 4), (1, 4), (2, 4), (3, 4), (4, 4)]
    json.dumps(result, allow_nan=False)  # JSON-able as it stands


def test_same_seed_same_numbers_and_nested_samples(small_run):
    result, _ = small_run
    same = run_learning_curves(["first-linear", "last-quadratic"], [3, 5], [8, 16, 32], **SMALL)
    assert same == result  # the same call reproduces every number exactly
    again = run_learning_curves(["first-linear"], [3], [8, 16, 32], **{**SMALL, "seeds": 1})
    old = {(r["L"], r["n"], r["seed"]): r["test_rel_mse"] for r in result["rows"] if r["target"] == "first-linear"}
    for r in again["rows"]:  # seed 0 gives the same numbers whatever the other targets, lengths and seeds;
        # rel 1e-12: one solve serves all targets of a seed, and BLAS sums a 1- and a 2-column solve in different orders
        assert r["test_rel_mse"] == pytest.approx(old[(r["L"], r["n"], r["seed"])], rel=1e-12)
    big, small = sample_inputs(32, 5, 2, 7), sample_inputs(8, 5, 2, 7)
    assert torch.equal(big[:8], small)  # nested in n
    assert not torch.equal(sample_inputs(8, 5, 2, 8), small)


def test_n_star_interpolates_in_log_log_and_flags_the_grid_edges():
    curve = [(n, 10.0 / n) for n in (8, 16, 32, 64, 128)]  # a power law: log-log interpolation is exact
    ns = n_star(curve, 0.2)
    assert ns.status == "interpolated" and ns.value == pytest.approx(50.0, rel=1e-12)
    assert n_star(list(reversed(curve)), 0.2).value == pytest.approx(50.0, rel=1e-12)  # order does not matter
    low = n_star([(8, 0.5), (16, 0.1)], 0.9)  # reached at the smallest n: an upper bound, flagged
    assert (low.value, low.status, low.n_max) == (8.0, "at_grid_minimum", 16)
    high = n_star(curve, 0.01)
    assert high.value is None and high.status == "above_grid" and high.n_max == 128 and not high.reached
    bumpy = [(8, 0.9), (16, 0.3), (32, 0.6), (64, 0.1)]  # the first crossing counts
    assert n_star(bumpy, 0.5).value < 16


def test_iteration_count_equals_an_explicit_loop_of_kernel_gradient_descent():
    X = sample_inputs(12, 3, 2, 0)
    H = infinite_ntk(X)
    y = make_target("last-quadratic", 3, 2, 0)(X)
    eta = 1.0 / float(torch.linalg.eigvalsh(H)[-1])  # A4 in kernel units
    for eps in (0.5, 0.1, 0.01):
        u, t = torch.zeros_like(y), 0
        while float(((u - y) ** 2).sum()) > eps * float((y**2).sum()):
            u = u - eta * H @ (u - y)
            t += 1
        assert kernel_gd_iterations(H, y, eps) == t
    # the closed form of kernel GD after T steps against the same loop, on the training points themselves
    u = torch.zeros_like(y)
    for _ in range(7):
        u = u - eta * H @ (u - y)
    assert torch.allclose(kernel_gd_predictor(H, H, y, 7), u, rtol=0, atol=1e-10)


@pytest.mark.parametrize("truth", GROWTH_CLASSES)
def test_growth_class_recovered_from_synthetic_data(truth):
    L = 2.0 ** np.arange(2, 10)
    u = np.log(L)
    law = {
        "power_law": 1 + 2 * u,  # y = e L²
        "quasi_polynomial": 0.5 * u + 0.4 * u**2,  # y = L^0.5 exp(0.4 ln² L)
        "offset_power_law": 3 * np.log(L + 40),  # y = (L + 40)³
        "stretched_exponential": 1 + 2 * u + np.sqrt(L),  # y = e L² exp(L^0.5)
    }[truth]
    noise = 0.02 * np.random.default_rng(0).standard_normal(L.size)  # 2% scatter in y
    fit = fit_growth_classes(L, np.exp(law + noise), sigma=0.02)
    assert fit.selected == truth
    assert fit.verdict == ("super-polynomial" if truth == "stretched_exponential" else "almost-polynomial")
    assert (fit.c > 0.4) == (truth == "stretched_exponential")
    assert set(fit.as_dict()["fits"]) == set(GROWTH_CLASSES)
    assert len(fit.fits[truth].residuals) == L.size


def test_growth_fit_rejects_too_few_points_and_bad_values():
    with pytest.raises(ValueError, match="5 distinct"):
        fit_growth_classes([4, 8, 16, 32], [1, 2, 3, 4], sigma=0.1)
    with pytest.raises(ValueError, match="positive"):
        fit_growth_classes([4, 8, 16, 32, 64], [1, 2, 0, 3, 4], sigma=0.1)
    with pytest.raises(ValueError, match="sigma"):
        fit_growth_classes([4, 8, 16, 32, 64], [1, 2, 3, 4, 5], sigma=0.0)
    mean, low, high = mean_band([1.0, 2.0, 3.0])
    assert mean == 2.0 and low < 2.0 < high and mean_band([1.0])[1:] == (None, None)


@pytest.mark.parametrize(
    "change, message",
    [
        ({"targets": ["first-cubic"]}, "known targets: first-linear"),
        ({"targets": []}, "targets is empty"),
        ({"sizes": [1, 8]}, "sizes"),
        ({"sizes": [8, 8]}, "repeated"),
        ({"lengths": [1, 4]}, "lengths"),
        ({"eps": 0.0}, "eps"),
        ({"eps": 1.0}, "eps"),
        ({"dim": 0}, "dim"),
        ({"seeds": 0}, "seeds"),
        ({"n_test": 10}, "n_test"),
        ({"small_inputs": "1/x"}, "1/sqrt"),
        ({"small_inputs": "2.0"}, r"\(0, 1\]"),
        ({"sizes": [8, 10**6]}, "GiB"),
    ],
)
def test_bad_input_is_refused_before_any_computation(change, message):
    calls = []
    args = {"targets": ["first-linear"], "lengths": [4], "sizes": [8, 16], **SMALL, **change}
    with pytest.raises(ValueError, match=message):
        targets, lengths, sizes = args.pop("targets"), args.pop("lengths"), args.pop("sizes")
        run_learning_curves(targets, lengths, sizes, progress=lambda *a: calls.append(a), **args)
    assert calls == []  # progress(0, …) comes before the first kernel: it was never reached


def test_small_inputs_parse_and_clip_steps_after_the_first():
    assert parse_small_inputs(None) is None and parse_small_inputs("none") is None
    assert parse_small_inputs(" 1/sqrt( L ) ").epsilon(16) == 0.25
    assert parse_small_inputs("1/L").epsilon(8) == 0.125
    assert parse_small_inputs("0.1").epsilon(99) == parse_small_inputs(0.1).epsilon(3) == 0.1
    for bad in ("1/L2", "-0.1", "nan", True, [0.1]):
        with pytest.raises(ValueError, match="small_inputs"):
            parse_small_inputs(bad)
    plain, small = sample_inputs(64, 4, 3, 0), sample_inputs(64, 4, 3, 0, small_inputs="1/L")
    assert torch.equal(plain[:, 0], small[:, 0])  # the first step is untouched
    norms = small[:, 1:].norm(dim=-1)
    assert float(norms.max()) <= 0.25 * (1 + 1e-12)
    cos = (plain[:, 1:] * small[:, 1:]).sum(-1) / (plain[:, 1:].norm(dim=-1) * norms)
    assert torch.allclose(cos, torch.ones_like(cos))  # directions kept: only the norm is clipped
    assert np.array_equal(expected_norms(4, "1/L"), [1.0, 0.25, 0.25, 0.25])


def test_certificate_uses_the_expected_norms():
    for L in (3, 6):
        assert certificate("last-linear", L, 4)["kappa_bar"] == pytest.approx(L * (L - 1) / 4)  # unit norms
    a6 = certificate("first-linear", 6, 4, "0.1")
    assert a6["kappa_bar"] == pytest.approx(0.5 * sum(1 + 0.01 * (l - 1) for l in range(1, 6)))
    # var y by Monte Carlo against the Gaussian values 1/d and 2/d² (βᵀX ~ N(0, 1/d)); 5%: a few standard errors
    assert certificate("last-linear", 5, 4)["label_variance"] == pytest.approx(1 / 4, rel=0.05)
    quad = certificate("middle-quadratic", 5, 4)
    assert quad["label_variance"] == pytest.approx(2 / 16, rel=0.05)
    assert quad["phi_kappa_rel"] == pytest.approx(quad["phi_kappa"] / quad["label_variance"])
    clipped = certificate("last-linear", 5, 4, "0.1")["label_variance"]  # A6 clips X_5 to norm 0.1
    assert clipped == pytest.approx(0.01 / 4, rel=0.05)
    target = make_target("nvar2-end", 6, 4, 3)
    assert target.steps == (5, 6) and sum(float(np.sum(b**2)) for b in target.betas) == pytest.approx(1.0)
    assert set(TARGETS) >= {"first-linear", "middle-quadratic", "nvar2-start", "nvar2-end"}


def test_a_falsified_difficulty_ordering_is_caught():
    """The expected ordering is measured, not assumed: at L = 4 the last-step quadratic needs more samples than the
    middle-step linear target (its curve does not reach ε on this grid), and the reversed expectation fails."""
    result = run_learning_curves(["middle-linear", "last-quadratic"], [4], [16, 32, 64, 128], dim=4, seeds=2, eps=0.5)
    assert all(c["holds"] for c in compare_n_star(result, harder="last-quadratic", easier="middle-linear"))
    falsified = compare_n_star(result, harder="middle-linear", easier="last-quadratic")
    assert [c["holds"] for c in falsified] == [False]
    with pytest.raises(ValueError, match="not in this result"):
        compare_n_star(result, "first-linear", "middle-linear")


def test_network_agreement_reports_counts_errors_and_bands():
    out = network_agreement("last-linear", 3, 12, dim=2, seeds=2, eps=0.5, width=128, max_steps=40)
    assert len(out["records"]) == 2
    for r in out["records"]:
        assert r["iterations_kernel"] >= 1 and r["steps"] <= 40
        assert r["iterations_network"] is None or r["iterations_network"] <= r["steps"]
        assert all(r[k] > 0 for k in ("network_rel_mse", "kernel_gd_rel_mse", "kernel_w0_rel_mse", "ridgeless_rel_mse"))
    assert out["within_band"] in (True, False) and isinstance(out["iterations_agree"], bool)
    assert out["disagreements"] == [r["seed"] for r in out["records"] if not r["iterations_agree"]]
    assert math.isfinite(out["network_mean"])
