"""The real-data experiment of the data-set claims (C3, C7, C7-labels on a data set of
``checks.experiments.data``): per training-set size, ``λ_0`` of ``H∞``, the kernel predictor's test loss, the
C7 bound for true and random labels, and optionally a trained network.

Sizes come from the data set (:func:`data_sizes`): three training-set sizes up to what its pool holds beside a
test set.  Layer rule: imports only the mathematics and ``checks.experiments``.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence

import numpy as np
import torch

from checks.experiments.data import data_set, prepared_pool
from checks.experiments.generalization import held_out, train_centered
from checks.model.ntk import infinite_ntk, kappa_bar
from checks.model.rnn import init_params
from checks.numerics.constants import DELTA
from checks.numerics.linalg import SingularKernelError, spectrum_edges
from checks.theory.bounds import clipped_loss, complexity, generalization_bound
from checks.theory.kernel_regression import kernel_gd_predictor, ridgeless_predictor
from checks.theory.linearization import linearization_error

__all__ = [
    "DEFAULT_NETWORK_MAX_N",
    "DEFAULT_NETWORK_STEPS",
    "DEFAULT_NETWORK_WIDTH",
    "DEFAULT_TEST_SIZE",
    "MAX_TRAIN_SIZE",
    "MIN_TEST_SIZE",
    "data_sizes",
    "random_labels",
    "real_data_rows",
    "training_split",
]

DEFAULT_TEST_SIZE = 500
"""Test sequences per experiment, when the pool allows: the 0-1 error's standard error is then
at most ``√(0.25 / 500) ≈ 0.022``; fewer when the pool is smaller (the remainder is used)."""

MIN_TEST_SIZE = 20
"""Fewest test sequences the real-data experiment accepts: below 20 the test error's standard
error (up to 0.11) is as large as the effects to be seen."""

DEFAULT_NETWORK_WIDTH = 256
"""Width ``m`` of the trained network: the largest power of two at which ``n = 1000``, ``L = 8``
trains in about a minute on 2 cores in float64 (measured; see ``checks.experiments.real_data``)."""

DEFAULT_NETWORK_STEPS = 200
"""Gradient-descent steps of the trained network at the A4 step: a fixed budget (an early-stopped
predictor, its training loss recorded), not training to interpolation, which at A4's step takes
``O(λ_max / λ_0)`` steps, far beyond the budget on real data."""

DEFAULT_NETWORK_MAX_N = 1000
"""Training sets larger than this skip the network (its cost grows as ``n L m²`` per step and the
A4 step's empirical-NTK Gram as ``(nL)² m``); the kernel-side numbers are still recorded."""

MAX_TRAIN_SIZE = 1000
"""Largest training set the data-set claims use: ``H∞`` at ``n = 1000`` and its Cholesky solve take a second or
two; a trained network there (when asked for) takes minutes."""

RANDOM_LABEL_STREAM = 1
"""The random stream of the random ``±1`` labels: ``np.random.default_rng([seed, n, RANDOM_LABEL_STREAM])``."""


def data_sizes(pool: int) -> tuple[list[int], int]:
    """Training-set sizes and the test-set size for a data set of ``pool`` usable sequences.

    The test set takes ``n_test = min(DEFAULT_TEST_SIZE, max(MIN_TEST_SIZE, pool // 4))`` sequences; the largest
    training set the rest, up to ``MAX_TRAIN_SIZE``; the sizes are ``n_max / 10``, ``n_max / √10`` and ``n_max``
    (rounded, at least 2, repeats dropped): a decade of ``n`` where the pool allows it.  Raises ``ValueError``
    when the pool cannot hold a test set and two training sequences."""
    n_test = min(DEFAULT_TEST_SIZE, max(MIN_TEST_SIZE, pool // 4))
    n_max = min(MAX_TRAIN_SIZE, pool - n_test)
    if n_max < 2:
        raise ValueError(f"a pool of {pool} sequences cannot hold {n_test} test sequences and a training set of 2")
    sizes = sorted({max(2, round(n_max / 10)), max(2, round(n_max / math.sqrt(10))), n_max})
    return sizes, n_test


def training_split(pool: int, seed: int) -> torch.Tensor:
    """One seeded permutation of the pool: the test set is its head, the nested training sets follow (disjoint)."""
    return torch.from_numpy(np.random.default_rng([seed, 0]).permutation(pool))


def random_labels(n: int, seed: int) -> torch.Tensor:
    """Uniform random ``±1`` labels for the training set of size ``n`` (C7-labels), from their own stream."""
    return torch.from_numpy(np.random.default_rng([seed, n, RANDOM_LABEL_STREAM]).choice([-1.0, 1.0], size=n))


def real_data_rows(
    name: str,
    sizes: Sequence[int] | None = None,
    *,
    seed: int = 0,
    n_test: int | None = None,
    network_width: int = DEFAULT_NETWORK_WIDTH,
    network_steps: int = DEFAULT_NETWORK_STEPS,
    network_max_n: int = DEFAULT_NETWORK_MAX_N,
    delta: float = DELTA,
    progress: Callable[[str], None] | None = None,
) -> list[dict]:
    """C3, C7 and C7-labels on a real data set: one JSON-able row per training-set size ``n``.

    One seeded permutation of the pool gives a test set (its first ``n_test`` sequences; default
    ``min(DEFAULT_TEST_SIZE, pool − max(sizes))``) and nested training sets (the next ``n``), so
    train and test are disjoint.  Per ``n`` the row records:

    - ``lambda_0``, ``lambda_max`` of ``H∞`` on the training set (C3: ``λ_0 > 0``), ``kappa_bar``;
    - ``complexity_true_per_n`` / ``complexity_random_per_n``: ``yᵀH∞⁻¹y / n`` for the true
      labels and for random ``±1`` labels (seeded by ``(seed, n)``);
    - the kernel predictor ``u = H∞(X_test, X) H∞⁻¹ y`` (ridgeless, interpolates the training
      set): ``kernel_test_error`` (0-1 of ``sign u``; ``u = 0`` counts as an error),
      ``kernel_test_loss`` (mean ``min(|u − y|, 1)``), ``kernel_train_loss``;
    - ``bound_true`` / ``bound_random``: C7's right-hand side for the kernel predictor, its
      training loss plus ``generalization_bound(H∞, y, delta)`` (``ε(m) = 0`` at infinite width);
    - ``held_out``: the kernel predictor's clipped test loss against its closed-form leave-one-out loss on the training
      set, and the nearest test-to-training distance (``checks.experiments.generalization.held_out``: the guard of
      ``C7-data-<set>`` that the test set was not seen);
    - the trained network (``init_params(m, d, seed)``, ``train_gd`` for ``network_steps`` steps
      at the A4 step, centered predictor ``F = f(W_T) − f(W_0)``) when ``n ≤ network_max_n``:
      ``net_test_error``, ``net_test_loss``, ``net_train_loss`` (clipped), ``net_train_mse``,
      ``net_bound`` (its training loss plus the generalization term), ``net_lr``, ``net_seconds``,
      ``net_epsilon_m``: the finite-width term ``ε(m)`` on the test set by the project's one definition
      (``checks.theory.linearization.linearization_error``: mean ``|F(x; W_T) − ⟨∇f(x; W_0), W_T − W_0⟩|``), and
      ``kernel_gd_test_error``, the 0-1 error of kernel gradient descent with ``H∞`` at the same step ``η m``
      and step count;
    - ``pool_n``, ``pool_dropped`` (sequences removed for A3), ``a3_step_condition`` (whether A3's
      pairwise non-parallel step holds on the whole pool; reported, not required: ``λ_0`` is measured);
    - ``seconds``, ``cpu_seconds``: wall and CPU time of the row (CPU time of all threads; the wall
      time depends on what else runs on the machine).

    Every requested size is checked against the pool before anything is computed.
    """
    ds = data_set(name)
    X_all, y_all, info = prepared_pool(name)
    pool = X_all.shape[0]
    if sizes is None:
        sizes, default_test = data_sizes(pool)
        n_test = default_test if n_test is None else n_test
    if not sizes:
        raise ValueError("sizes is empty: give at least one training-set size")
    for n in sizes:
        if isinstance(n, bool) or not isinstance(n, int) or n < 1:
            raise ValueError(f"every size must be an integer >= 1, got {n!r}")
    for label, value in (
        ("network_width", network_width),
        ("network_steps", network_steps),
        ("network_max_n", network_max_n),
    ):
        least = 0 if label == "network_max_n" else 1  # network_max_n = 0: the kernel side only
        if isinstance(value, bool) or not isinstance(value, int) or value < least:
            raise ValueError(f"{label} must be an integer >= {least}, got {value!r}")
    largest = max(sizes)
    if n_test is None:
        n_test = min(DEFAULT_TEST_SIZE, pool - largest)
    elif isinstance(n_test, bool) or not isinstance(n_test, int):
        raise ValueError(f"n_test must be an integer, got {n_test!r}")
    if n_test < MIN_TEST_SIZE or largest + n_test > pool:
        raise ValueError(
            f"data set {name!r} has {pool} usable sequences: the largest training set n = {largest} plus "
            f"n_test = {n_test} test sequences (at least {MIN_TEST_SIZE}) must fit; the maximum is "
            f"n <= {pool - max(n_test, MIN_TEST_SIZE)} with this n_test, "
            f"n <= {pool - MIN_TEST_SIZE} at the least n_test"
        )
    say = progress or (lambda message: None)
    perm = training_split(pool, seed)
    test = perm[:n_test]
    Xt, yt = X_all[test], y_all[test]
    rows = []
    for n in sizes:
        start, cpu_start = time.perf_counter(), time.process_time()
        train = perm[n_test : n_test + n]
        X, y = X_all[train], y_all[train]
        y_rand = random_labels(n, seed)
        say(f"{name} n={n}: kernel")
        row = {
            "dataset": name,
            "n": n,
            "n_test": n_test,
            "L": ds.L,
            "d": ds.d,
            "seed": seed,
            "delta": delta,
            "test_positive_rate": float((yt > 0).double().mean()),
            "pool_n": pool,
            "pool_dropped": info["n_before"] - info["n"],
            "a3_step_condition": info["a3_holds"],
        }
        try:
            kernel, H, K_test = _kernel_side(X, y, y_rand, Xt, yt, delta)
        except SingularKernelError as e:  # duplicated sequences (A3 broken): λ_0 is the finding, no predictor
            lam_min, lam_max = spectrum_edges(infinite_ntk(X))
            row.update(lambda_0=lam_min, lambda_max=lam_max, kernel_singular=str(e).splitlines()[0])
            rows.append(row)
            continue
        row.update(kernel)
        if n <= network_max_n:
            say(f"{name} n={n}: network m={network_width}, {network_steps} steps")
            net, step = _network_side(X, y, Xt, yt, network_width, network_steps, seed)
            net["net_bound"] = net["net_train_loss"] + row["generalization_true"]
            u_gd = kernel_gd_predictor(H, K_test, y, network_steps, lr=step)
            net["kernel_gd_test_error"] = _zero_one(u_gd, yt)
            row.update(net)
        else:
            row["network_skipped"] = f"n = {n} > network_max_n = {network_max_n} (cost)"
        row["seconds"] = time.perf_counter() - start
        row["cpu_seconds"] = time.process_time() - cpu_start  # all threads: wall time misleads on a shared machine
        rows.append(row)
    return rows


def _kernel_side(X, y, y_rand, Xt, yt, delta) -> tuple[dict, torch.Tensor, torch.Tensor]:
    H = infinite_ntk(X)
    lam_min, lam_max = spectrum_edges(H)
    K_test = infinite_ntk(Xt, X)
    U = ridgeless_predictor(H, torch.cat([K_test, H]), torch.stack([y, y_rand], dim=1))  # test rows, then train rows
    u_test, u_train = U[: K_test.shape[0], 0], U[K_test.shape[0]:]
    n = X.shape[0]
    train_true = float(clipped_loss(u_train[:, 0], y).mean())
    train_rand = float(clipped_loss(u_train[:, 1], y_rand).mean())
    gb_true = generalization_bound(H, y, delta=delta)
    gb_rand = generalization_bound(H, y_rand, delta=delta)
    return (
        {
            "lambda_0": lam_min,
            "lambda_max": lam_max,
            "kappa_bar": kappa_bar(X),
            "trace_per_n": float(torch.diagonal(H).sum()) / n,
            "complexity_true_per_n": complexity(H, y) / n,
            "complexity_random_per_n": complexity(H, y_rand) / n,
            "kernel_test_error": _zero_one(u_test, yt),
            "kernel_test_loss": float(clipped_loss(u_test, yt).mean()),
            "kernel_train_loss": train_true,
            "generalization_true": gb_true,
            "generalization_random": gb_rand,
            "bound_true": train_true + gb_true,
            "bound_random": train_rand + gb_rand,
            "held_out": held_out(H, y, X, Xt, u_test, yt),
        },
        H,
        K_test,
    )


def _network_side(X, y, Xt, yt, m, steps, seed) -> tuple[dict, float]:
    start = time.perf_counter()
    u_train, u_test, hist = train_centered(X, y, Xt, m=m, steps=steps, seed=seed, dtype=torch.float64)
    init = init_params(m, X.shape[2], seed=seed, dtype=torch.float64)
    lr = float(hist.lr)
    row = {
        "net_width": m,
        "net_steps": steps,
        "net_lr": lr,
        "net_train_loss": float(clipped_loss(u_train, y).mean()),
        "net_train_mse": float(hist.residual_sq[-1]) / X.shape[0],
        "net_test_error": _zero_one(u_test, yt),
        "net_test_loss": float(clipped_loss(u_test, yt).mean()),
        "net_epsilon_m": linearization_error(init, hist.params, Xt),
        "net_seconds": time.perf_counter() - start,
    }
    return row, lr * m


def _zero_one(u: torch.Tensor, y: torch.Tensor) -> float:
    return float((torch.sign(u) != y).double().mean())
