"""Benchmarks (pytest-benchmark): run with ``pytest benchmarks/ --benchmark-only``.

Groups compare our implementation with the named baseline measured in the same run:
* ``empirical-ntk``: ``checks.model.ntk.empirical_ntk`` (structured, exact) vs the PyTorch NTK-tutorial
  recipe ``torch.func`` ``vmap(jacrev)`` Jacobian contraction (``checks.testing.reference.jacobian_ntk``),
  float32, n=64, L=16, d=8, m=512.
* ``infinite-ntk``: ``infinite_ntk`` scaling in n and L (float64).
* ``training m=…``: one batched gradient-descent run over 8 seeds vs a Python loop over the seeds.

And three ratios, each against its baseline in the same run, on one torch thread (the CI policy), in CPU seconds
(``time.process_time``: robust on a loaded machine), printed at the end of the run (``benchmarks/conftest.py``):
* ``H∞ passes per step``: ``infinite_ntk`` at n = 1536, L = 16, d = 4 (fused and torch forms) in units of one
  float64 multiply pass ``torch.mul(A, B, out=C)`` over the same n × n array, per step (goal ≤ 6; the torch form: 32.5);
* ``training step / its matmuls``: the marginal gradient-descent step of C7's configuration (n = 1000, L = 4,
  m = 2048, float32) against the ``3(L − 1)`` batched products of those shapes that a step needs (goal ≤ 1.15), the
  one-off costs (the A4 step's NTK and ``eigvalsh``, the last step's SVD) reported apart;
* ``torch.func / empirical_ntk``: how many times faster the structured exact NTK is (kept ≥ 20).
Speed is measured here, never asserted.
"""

import math
import time

import pytest
import torch

from checks.experiments.fanout import fixed_threads
from checks.model import ntk_fused
from checks.model.ntk import empirical_ntk, infinite_ntk
from checks.model.rnn import Params, init_params
from checks.model.train import a4_step_size, train_gd
from checks.testing.reference import jacobian_ntk


def _best(fn, repeats: int) -> float:
    """Least of ``repeats`` CPU times of ``fn()`` (seconds of this process, ``time.process_time``): every ratio runs on
    one thread, so its CPU time is the work's, and a ratio of CPU times holds on a loaded machine, where wall times
    of the numerator and the denominator are preempted unevenly (measured: a multiply pass from 2.4 to 21 ms wall)."""
    times = []
    for _ in range(repeats):
        started = time.process_time()
        fn()
        times.append(time.process_time() - started)
    return min(times)

N, L, D, M = 64, 16, 8, 512
X32 = torch.randn((N, L, D), generator=torch.Generator().manual_seed(0))
P32 = init_params(M, D, seed=0, dtype=torch.float32)


@pytest.mark.benchmark(group="empirical-ntk")
def test_empirical_ntk_structured(benchmark):
    H = benchmark(empirical_ntk, P32, X32)
    assert H.shape == (N, N)


@pytest.mark.benchmark(group="empirical-ntk")
def test_empirical_ntk_torch_func_baseline(benchmark):
    H = benchmark.pedantic(jacobian_ntk, args=(P32, X32), rounds=3, iterations=1)
    assert torch.allclose(H, empirical_ntk(P32, X32), rtol=1e-4, atol=1e-4 * float(H.abs().max()))


@pytest.mark.benchmark(group="infinite-ntk")
@pytest.mark.parametrize("n, length", [(256, 16), (1024, 16), (512, 16), (512, 64)])
def test_infinite_ntk_scaling(benchmark, n, length):
    X = torch.randn((n, length, 8), generator=torch.Generator().manual_seed(1), dtype=torch.float64)
    H = benchmark.pedantic(infinite_ntk, args=(X,), rounds=2, iterations=1)
    assert H.shape == (n, n)


XT = torch.randn((16, 4, 4), generator=torch.Generator().manual_seed(2), dtype=torch.float64)
YT = torch.linspace(-1, 1, 16, dtype=torch.float64)
TRAIN_WIDTHS = [128, 512]


@pytest.mark.parametrize("m", TRAIN_WIDTHS)
def test_training_batched_seeds(benchmark, m):
    benchmark.group = f"training m={m}"
    params = init_params(m, 4, seed=3, batch=(8,))
    benchmark.pedantic(train_gd, args=(params, XT, YT), kwargs={"steps": 20, "lr": 1e-4}, rounds=3, iterations=1)


@pytest.mark.parametrize("m", TRAIN_WIDTHS)
def test_training_loop_over_seeds_baseline(benchmark, m):
    benchmark.group = f"training m={m}"
    params = init_params(m, 4, seed=3, batch=(8,))

    def loop():
        return [train_gd(Params(params.W[s], params.A[s], params.B[s]), XT, YT, steps=20, lr=1e-4) for s in range(8)]

    benchmark.pedantic(loop, rounds=3, iterations=1)


# The C7 trained-network configuration (n = 1000, L = 4, m = 2048), float32 weights (every side
# of the check in float64) against today's float64 training, 10 A4 steps each, same run.
N7, L7, M7, STEPS7 = 1000, 4, 2048, 10
X7 = torch.nn.functional.normalize(torch.randn((N7, L7, 4), generator=torch.Generator().manual_seed(4), dtype=torch.float64), dim=-1)
Y7 = X7[:, -1, 0]


@pytest.mark.parametrize("dtype", [torch.float64, torch.float32], ids=["float64-baseline", "float32"])
def test_training_c7_configuration(benchmark, dtype):
    benchmark.group = f"training C7 n={N7} L={L7} m={M7}"
    params = init_params(M7, 4, seed=5, dtype=dtype)
    benchmark.pedantic(train_gd, args=(params, X7.to(dtype), Y7.to(dtype)), kwargs={"steps": STEPS7}, rounds=2, iterations=1)


# ----------------------------------------------------------------------------------------------- ratios


NH, LH = 1536, 16
XH = torch.randn((NH, LH, 4), generator=torch.Generator().manual_seed(6), dtype=torch.float64)


@pytest.mark.parametrize("fused", [pytest.param(True, id="fused"), pytest.param(False, id="torch-form")])
def test_infinite_ntk_passes_per_step(benchmark, ratios, fused):
    """``infinite_ntk`` (n = 1536, L = 16) in float64 multiply passes over the n × n array per step, both measured here."""
    if fused and not ntk_fused.available():
        pytest.skip("numba missing")
    benchmark.group = f"H∞ n={NH} L={LH}: passes per step"
    A, B = torch.rand(NH, NH, dtype=torch.float64), torch.rand(NH, NH, dtype=torch.float64)
    with fixed_threads():
        infinite_ntk(XH[:8], fused=fused)  # compiled (or loaded from numba's cache) before timing
        benchmark.pedantic(infinite_ntk, args=(XH,), kwargs={"fused": fused}, rounds=2, iterations=1)
        kernel, multiply = math.inf, math.inf
        for _ in range(3):  # interleaved, the least of each: contention spikes hit both alike
            kernel = min(kernel, _best(lambda: infinite_ntk(XH, fused=fused), 1))
            multiply = min(multiply, _multiply_pass(A, B))
    ratio = kernel / (LH * multiply)
    benchmark.extra_info["passes_per_step"] = ratio
    ratios[f"H∞ passes per step ({'fused' if fused else 'torch form'}, n={NH}, L={LH})"] = (
        ratio, f"{kernel:.3f} CPU s over {LH} steps, one multiply pass {multiply * 1e3:.2f} CPU ms",
        "≤ 6" if fused else "the unfused baseline (32.5 in the issue)")


def _multiply_pass(A: torch.Tensor, B: torch.Tensor) -> float:
    """The unit of the H∞ ratio: one float64 product ``torch.mul(A, B, out=C)`` over the n × n array into a
    preallocated ``C`` (an out-of-place ``A * B`` costs 2.5 to 8 ms here depending on whether the allocator page-faults
    a fresh output, i.e. on what ran before; the issue's 32.5 passes were in its 2.5 ms regime, which this matches),
    the least CPU time of 10 after 3 warm-ups (a memory-bound pass slows with other processes' memory traffic)."""
    C = torch.empty_like(A)
    for _ in range(3):
        torch.mul(A, B, out=C)
    return _best(lambda: torch.mul(A, B, out=C), 10)


N7R, L7R, M7R = 1000, 4, 2048


def _step_matmuls(n: int, L: int, m: int) -> float:
    """Seconds of the ``3(L − 1)`` products one gradient-descent step needs (float32, batch 1): ``L − 1`` forward
    ``h_{l−1} Wᵀ``, ``L − 1`` backward ``δ_l W`` and the weight gradient ``(m × n(L−1)) (n(L−1) × m)``."""
    g = torch.Generator().manual_seed(7)
    W = torch.randn((1, m, m), generator=g)
    h = torch.randn((1, L - 1, n, m), generator=g)
    out = torch.empty((1, n, m))
    grad = torch.empty((1, m, m))

    def products():
        for l in range(L - 1):
            torch.bmm(h[:, l], W.transpose(-1, -2), out=out)
        for l in range(L - 1):
            torch.bmm(h[:, l], W, out=out)
        torch.bmm(h.reshape(1, (L - 1) * n, m).transpose(-1, -2), h.reshape(1, (L - 1) * n, m), out=grad)

    products()
    return _best(products, 3)  # CPU seconds, as every ratio here


def test_training_step_over_its_matmuls(benchmark, ratios):
    """C7's network (n = 1000, L = 4, m = 2048, float32): the marginal step ``(t(1 + K) − t(1)) / K`` of ``train_gd``
    with a given step size (the one-off costs cancel) against the products it needs; the one-off costs apart."""
    benchmark.group = f"training step n={N7R} L={L7R} m={M7R}: step / its matmuls"
    X = torch.nn.functional.normalize(torch.randn((N7R, L7R, 4), generator=torch.Generator().manual_seed(8)), dim=-1)
    y = X[:, -1, 0]
    params = init_params(M7R, 4, seed=9, dtype=torch.float32)
    K = 3
    with fixed_threads():
        benchmark.pedantic(train_gd, args=(params, X, y), kwargs={"steps": 1 + K, "lr": 1e-4}, rounds=1, iterations=1)
        one = _best(lambda: train_gd(params, X, y, steps=1, lr=1e-4), 2)
        more = _best(lambda: train_gd(params, X, y, steps=1 + K, lr=1e-4), 2)
        matmuls = _step_matmuls(N7R, L7R, M7R)
        a4 = _best(lambda: a4_step_size(params, X), 1)
        svd = _best(lambda: torch.linalg.matrix_norm(params.W, ord=2), 1)
    step = (more - one) / K
    benchmark.extra_info.update({"marginal_step_s": step, "matmuls_s": matmuls, "a4_step_s": a4, "final_svd_s": svd})
    ratios[f"training step / its matmuls (n={N7R}, L={L7R}, m={M7R}, float32)"] = (
        step / matmuls, f"marginal step {step:.2f} s, its {3 * (L7R - 1)} products {matmuls:.2f} s; one-off: A4 step "
        f"(NTK + eigvalsh) {a4:.2f} s, final SVD {svd:.2f} s", "≤ 1.15")


def test_exact_ntk_over_torch_func(benchmark, ratios):
    """How many times faster ``empirical_ntk`` is than the ``torch.func`` Jacobian contraction (same run)."""
    benchmark.group = "empirical-ntk: torch.func / structured"
    with fixed_threads():
        benchmark.pedantic(empirical_ntk, args=(P32, X32), rounds=5, iterations=1)
        jacobian_ntk(P32, X32)  # torch.func's first call traces
        baseline, structured = math.inf, math.inf
        for _ in range(3):  # interleaved, the least of each
            baseline = min(baseline, _best(lambda: jacobian_ntk(P32, X32), 1))
            structured = min(structured, _best(lambda: empirical_ntk(P32, X32), 3))
    ratio = baseline / structured
    ratios[f"torch.func / empirical_ntk (n={N}, L={L}, m={M}, float32)"] = (
        ratio, f"torch.func {baseline:.3f} CPU s, structured {structured:.4f} CPU s", "≥ 20")
