"""The held-out guard (``checks.theory.held_out``; docs/claims.md, "Held-out guard"): leave-one-out in closed form
against refits, train and test draws from disjoint streams, and each way a test sample can reuse training data —
all of it, half of it, noisy copies — failing the leave-one-out comparison on its own (the copy check aside)."""

import math

import numpy as np
import pytest
import torch

from checks.experiments import generalization as g
from checks.experiments.learning_curves import TEST_STREAM, TRAIN_STREAM, sample_inputs
from checks.experiments.real_data import data_sizes, training_split
from checks.experiments.strategies import derive_seed
from checks.model.ntk import infinite_ntk
from checks.numerics.linalg import solve_psd
from checks.theory.bounds import clipped_loss
from checks.theory.held_out import (
    COPY_DISTANCE,
    comparison,
    guard,
    inverse_diagonal,
    loo_residuals,
    nearest_distance,
    nested_comparisons,
    nested_loo_residuals,
)
from checks.theory.kernel_regression import ridgeless_predictor


def _kernel(n=60, L=3, seed=0):
    X = g.draw_inputs(n, torch.Generator().manual_seed(seed), L)
    y = torch.sin(3 * X[:, -1, 0]) + X[:, 0, 1]
    return X, y, infinite_ntk(X)


def test_inverse_diagonal_is_the_diagonal_of_the_solves():
    """``diag(H⁻¹)`` from column norms of ``L⁻¹`` (blocks smaller than n) equals ``e_iᵀ H⁻¹ e_i`` by Cholesky solves."""
    _, _, H = _kernel()
    d = inverse_diagonal(H, block=16)
    solves = torch.stack([solve_psd(H, torch.eye(H.shape[0], dtype=H.dtype)[:, i])[i] for i in range(H.shape[0])])
    assert torch.all(d > 0)
    assert float(((d - solves) / solves).abs().max()) < 1e-10


def test_loo_residuals_are_those_of_refits():
    """``e_i = (H⁻¹y)_i/(H⁻¹)_ii`` is ``y_i`` minus the interpolant refitted without point ``i`` (checked at 5 points)."""
    X, y, H = _kernel()
    e = loo_residuals(H, y)
    for i in (0, 7, 31, 45, 59):
        keep = torch.arange(len(y)) != i
        refit = ridgeless_predictor(H[keep][:, keep], H[i, keep][None], y[keep])[0]
        assert math.isclose(float(e[i]), float(y[i] - refit), rel_tol=1e-8, abs_tol=1e-10)


def test_nested_residuals_equal_each_prefix_on_its_own():
    """One Cholesky factor of the largest sample serves every leading sample (C11's nested sizes)."""
    _, y, H = _kernel(n=80)
    Y = torch.stack([y, -2 * y], dim=1)
    for n, (alpha, residuals) in nested_loo_residuals(H, Y, [10, 33, 80], block=16).items():
        assert torch.allclose(residuals[:, 0], loo_residuals(H[:n, :n], y[:n]), rtol=1e-9, atol=1e-12)
        assert torch.allclose(alpha[:, 0], solve_psd(H[:n, :n], y[:n]), rtol=1e-9, atol=1e-12)
        assert torch.allclose(residuals[:, 1], -2 * residuals[:, 0], rtol=1e-12, atol=1e-12)


def test_c7_train_and_test_come_from_disjoint_streams():
    """C7: the training inputs, test inputs and labels of a trial come from distinct derived seeds, and no test sequence
    is (or nearly is) a training sequence — also where a test stream drawn from the training seed would copy them."""
    assert len({g.TEST_STREAM, g.LABEL_STREAM, g.INIT_STREAM}) == 3 and 0 not in (g.TEST_STREAM, g.LABEL_STREAM, g.INIT_STREAM)
    for seed in (0, 1, 12345, 2**31 - 1):
        assert derive_seed(seed, g.TEST_STREAM) not in (seed, derive_seed(seed, g.LABEL_STREAM), derive_seed(seed, g.INIT_STREAM))
        X, _, Xt, _ = g._sample("last-linear", 3, 300, seed, False, False)
        assert nearest_distance(Xt, X) > 1e3 * COPY_DISTANCE
        same_seed = g.draw_inputs(g.N_TEST, torch.Generator().manual_seed(seed), 3)
        assert nearest_distance(same_seed, X) == 0.0  # what a forgotten stream would give: the first n rows copied


def test_c11_train_and_test_come_from_disjoint_streams():
    assert TRAIN_STREAM != TEST_STREAM
    for seed in (0, 5):
        X = sample_inputs(256, 8, 4, seed, stream=TRAIN_STREAM)
        Xt = sample_inputs(500, 8, 4, seed, stream=TEST_STREAM)
        assert nearest_distance(Xt, X) > 1e3 * COPY_DISTANCE


@pytest.mark.parametrize("pool", [80, 200, 1797])
def test_real_data_test_set_is_disjoint_from_every_training_set(pool):
    sizes, n_test = data_sizes(pool)
    perm = training_split(pool, seed=0)
    test = set(perm[:n_test].tolist())
    for n in sizes:
        assert not test & set(perm[n_test : n_test + n].tolist())


def _c7_guard(n=400, L=3, seed=7, reuse=0.0, noise=0.0) -> dict:
    """The guard on one C7-like kernel trial whose test set has its first ``reuse`` fraction replaced by training
    sequences (plus ``noise``), the copy check left out (distance ∞) so that the comparison decides alone."""
    X, y, Xt, yt = g._sample("last-linear", L, n, derive_seed(seed, L, n), False, False)
    k = int(reuse * len(Xt))
    if k:
        copies = X[torch.arange(k) % n]
        if noise:
            copies = copies + noise * torch.randn(copies.shape, generator=torch.Generator().manual_seed(1), dtype=copies.dtype) / 2
            copies = copies / copies.norm(dim=-1, keepdim=True)
        Xt = torch.cat([copies, Xt[k:]])
        yt = g.make_target("last-linear", L, g.D, seed=0)(Xt)
    H = infinite_ntk(X)
    u = ridgeless_predictor(H, infinite_ntk(Xt, X), y)
    check = comparison(clipped_loss(u, yt), clipped_loss(y - loo_residuals(H, y), y))
    return guard([check], [check], math.inf)


def test_a_held_out_test_set_passes():
    assert _c7_guard()["lhs"] < 1


@pytest.mark.parametrize("reuse, noise", [(1.0, 0.0), (0.5, 0.0), (1.0, 0.05)], ids=["full", "half", "noisy-copies"])
def test_reuse_fails_the_comparison_alone(reuse, noise):
    """All of the test set, half of it, or noisy copies (5% per step: not copies to the copy check) from the training
    set: the leave-one-out comparison fails by itself (its part of the guard is > 1)."""
    out = _c7_guard(reuse=reuse, noise=noise)
    assert out["details"]["parts"]["largest |z|"] > 1 and out["lhs"] > 1
    assert out["details"]["worst"]["z"] < 0  # the test loss is too small for what the training sample predicts


@pytest.mark.parametrize("mutant", ["c7-test-noisy-copies", "c11-test-noisy-copies"])
def test_the_noisy_copy_mutants_make_noisy_copies_not_exact_ones(mutant):
    """The catalog's noisy-copy mutants stand for augmented copies that the copy check cannot see (5% noise: ≥ 10³ ×
    ``COPY_DISTANCE`` from every training sequence), so that the comparison is what kills them.  C7's drew its noise
    from the training inputs' own seed: the noise of row k was the unnormalized training row k, and after
    renormalization 183 of 2000 test sequences were training sequences to round-off (distance 0 or 2e-8)."""
    from checks.harness.mutants import MUTANTS

    with MUTANTS[mutant].applied():
        if mutant.startswith("c7"):
            X, _, Xt, _ = g._sample("last-linear", 3, 300, 12345, False, False)
        else:
            X, Xt = sample_inputs(300, 4, 4, 0, stream=TRAIN_STREAM), sample_inputs(300, 4, 4, 0, stream=TEST_STREAM)
    assert nearest_distance(Xt, X) > 1e3 * COPY_DISTANCE


def test_a_copy_fails_the_guard_whatever_the_comparison():
    check = {"z": 0.0}
    assert guard([check], [check], 0.0)["lhs"] == math.inf
    assert guard([check], [check], 0.5 * COPY_DISTANCE)["lhs"] > 1 and guard([check], [check], 2 * COPY_DISTANCE)["lhs"] < 1


def test_nested_comparisons_see_a_test_set_from_the_training_stream():
    """C11's shape: nested prefixes; a test set that is the training sample's first 100 sequences reads far too small at
    every prefix that contains them (z ≈ −5 and −6.5 here), and the guard fails on the comparisons alone."""
    X = sample_inputs(200, 4, 4, 0, stream=TRAIN_STREAM)
    y = X[:, -1, 0] * 2
    for Xt, leak in ((sample_inputs(100, 4, 4, 0, stream=TEST_STREAM), False), (X[:100], True)):
        out = nested_comparisons(infinite_ntk(X), infinite_ntk(Xt, X), y, Xt[:, -1, 0] * 2, [100, 200], lambda u, t: (u - t) ** 2)
        checks = [c[0] for c in out.values()]
        z = np.array([c["z"] for c in checks])
        assert (z < -4).all() if leak else (np.abs(z) < 3).all()
        assert (guard(checks, checks[-1:], math.inf)["lhs"] > 1) == leak


@pytest.mark.parametrize("args, message", [
    (["data", "--runs", str(10**11)], "--runs must be between 1 and 1000"),
    (["data", "--first-salt", str(2**40)], "--first-salt must be between 1 and 4294967295"),
])
def test_held_out_alarms_bounds_its_options_up_front(args, message, capsys):
    """``python -m checks.harness.held_out_alarms data --runs 10**11`` ran on (a run at a time, for ever); a salt beyond
    the generators' seed range reached them.  Refused at once, exit 2, naming the option and its bounds."""
    from checks.harness.held_out_alarms import main

    with pytest.raises(SystemExit) as e:
        main(args)
    assert e.value.code == 2 and message in capsys.readouterr().err
