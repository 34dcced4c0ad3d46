"""Trained finite networks against the kernel (docs/claims.md C11): iteration counts and test errors of a network
trained at the A4 step beside kernel gradient descent on ``H∞`` and on ``H(W_0)``, on the samples of
``checks.experiments.learning_curves``.
"""

from __future__ import annotations

import math

import numpy as np

from checks.experiments.learning_curves import (
    MIN_TEST_POINTS,
    TEST_STREAM,
    TRAIN_STREAM,
    check_error_and_test_set,
    curve_band,
    sample_inputs,
)
from checks.model.ntk import empirical_ntk, infinite_ntk
from checks.model.rnn import init_params, output
from checks.model.train import a4_step_size, train_gd
from checks.numerics.validate import is_integer
from checks.theory.kernel_regression import kernel_gd_iterations, kernel_gd_predictor, relative_mse, ridgeless_predictor
from checks.theory.target_families import family, make_target

__all__ = ["ITERATION_AGREEMENT", "ITERATION_SLACK", "network_agreement"]

ITERATION_SLACK = 2.0
""":func:`network_agreement` trains for this multiple of the kernel's iteration count (capped by ``max_steps``),
so a network count up to twice the kernel's is still observed rather than reported as "not reached"."""

ITERATION_AGREEMENT = 0.25
"""Network and kernel iteration counts agree when they differ by at most this fraction of the kernel count (plus
one step).  ``H(W_0)`` differs from ``H∞`` by O(1/√m) (C2: about 2% entrywise at m = 4096, 4% at 1024), and the count
scales like ``λ_max / λ`` of the eigendirections carrying ``y``, so kernel error moves it by a few percent; a quarter
leaves room for the O(1/√m) drift of the kernel during training (C4) and still catches a factor of 1.5."""


def network_agreement(
    target: str,
    L: int,
    n: int,
    *,
    dim: int,
    seeds: int,
    eps: float,
    width: int,
    max_steps: int = 2000,
    n_test: int = MIN_TEST_POINTS,
    small_inputs=None,
) -> dict:
    """Trained finite networks against the kernel (C11), at small scale
    (intended: ``width ≥ 1024``, ``n ≤ 512``, ``L ≤ 16``).

    Per seed, on the same nested sample :func:`run_learning_curves` uses at this ``n``: the kernel-GD iteration
    counts on ``H∞`` and on ``H(W_0)`` (step ``1/λ_max`` of each), then ``train_gd`` with the A4 step
    ``η = 1/(m λ_max(H(W_0)))`` (``W``-units; ``1/λ_max(H(W_0))`` in kernel units) for
    ``T = min(max_steps, ⌈ITERATION_SLACK · t_kernel⌉)`` steps; the network's count is the first ``t`` with
    ``‖r_t‖² ≤ ε ‖y‖²``.  Test errors (relative MSE) of the centered network ``F = f(W_T) − f(W_0)``, of kernel
    GD on ``H∞`` after the same ``T`` steps (:func:`kernel_gd_predictor`), of kernel GD on ``H(W_0)`` (the
    network linearized at its initialization: separates linearization error from width error) and of the
    ridgeless predictor.

    Returns per-seed records and: ``kernel_gd_band``/``ridgeless_band`` (mean and ``CONFIDENCE`` band over seeds),
    ``network_mean``, ``within_band`` (network mean inside the kernel-GD band; ``None`` with one seed),
    ``within_ridgeless_band`` and ``iterations_agree`` (every seed within ``ITERATION_AGREEMENT``), and
    ``disagreements``: the seeds where a count differs beyond the tolerance.
    """
    fam = family(target)
    limits = (("L", L, 2), ("n", n, 2), ("dim", dim, 1), ("seeds", seeds, 1), ("width", width, 1))
    limits += (("max_steps", max_steps, 1),)
    for name, v, lo in limits:
        if not is_integer(v) or v < lo:
            raise ValueError(f"{name} must be an integer >= {lo}, got {v!r}")
    small = check_error_and_test_set(eps, n_test, small_inputs)
    records = []
    for seed in range(seeds):
        X = sample_inputs(n, L, dim, seed, stream=TRAIN_STREAM, small_inputs=small)
        Xt = sample_inputs(n_test, L, dim, seed, stream=TEST_STREAM, small_inputs=small)
        tg = make_target(fam.name, L, dim, seed)
        y, yt = tg(X), tg(Xt)
        H, Hx = infinite_ntk(X), infinite_ntk(Xt, X)
        t_kernel = kernel_gd_iterations(H, y, eps)
        params = init_params(width, dim, seed=seed)
        H0 = empirical_ntk(params, X)
        t_kernel_w0 = kernel_gd_iterations(H0, y, eps)
        known = [t for t in (t_kernel, t_kernel_w0) if t is not None]
        steps = min(max_steps, math.ceil(ITERATION_SLACK * max(known))) if known else max_steps
        hist = train_gd(params, X, y, steps=steps, lr=a4_step_size(params, X, H0))
        loss = (hist.residual_sq / float(y @ y)).numpy()
        hit = np.nonzero(loss <= eps)[0]
        t_net = int(hit[0]) if hit.size else None
        F = output(hist.params, Xt) - output(params, Xt)
        rec = {
            "seed": seed,
            "steps": steps,
            "iterations_kernel": t_kernel,
            "iterations_kernel_w0": t_kernel_w0,
            "iterations_network": t_net,
            "network_rel_mse": relative_mse(F, yt),
            "kernel_gd_rel_mse": relative_mse(kernel_gd_predictor(H, Hx, y, steps), yt),
            # the same network linearized: kernel GD on H(W_0) with its A4 step, the network's own dynamics at m → ∞
            "kernel_w0_rel_mse": relative_mse(kernel_gd_predictor(H0, empirical_ntk(params, Xt, X), y, steps), yt),
            "ridgeless_rel_mse": relative_mse(ridgeless_predictor(H, Hx, y), yt),
            "final_train_loss_network": float(loss[-1]),
        }
        rec["iterations_agree"] = (
            t_kernel is not None and t_net is not None and abs(t_net - t_kernel) <= ITERATION_AGREEMENT * t_kernel + 1
        )
        records.append(rec)
    kernel_band = curve_band([r["kernel_gd_rel_mse"] for r in records])
    ridge_band = curve_band([r["ridgeless_rel_mse"] for r in records])
    net_mean = float(np.mean([r["network_rel_mse"] for r in records]))

    def inside(band):
        return None if band["low"] is None else bool(band["low"] <= net_mean <= band["high"])

    return {
        "target": target,
        "L": L,
        "n": n,
        "dim": dim,
        "width": width,
        "eps": eps,
        "small_inputs": None if small is None else small.spec,
        "records": records,
        "network_mean": net_mean,
        "kernel_gd_band": kernel_band,
        "ridgeless_band": ridge_band,
        "within_band": inside(kernel_band),
        "within_ridgeless_band": inside(ridge_band),
        "iterations_agree": all(r["iterations_agree"] for r in records),
        "disagreements": [r["seed"] for r in records if not r["iterations_agree"]],
        "iteration_tolerance": ITERATION_AGREEMENT,
    }
