"""Benchmarks (pytest-benchmark): run with ``pytest benchmarks/ --benchmark-only``.

Groups compare our implementation with the named baseline measured in the same run:
* ``empirical-ntk``: ``checks.model.ntk.empirical_ntk`` (structured, exact) vs the PyTorch NTK-tutorial
  recipe ``torch.func`` ``vmap(jacrev)`` Jacobian contraction (``checks.testing.reference.jacobian_ntk``),
  float32, n=64, L=16, d=8, m=512.
* ``infinite-ntk``: ``infinite_ntk`` scaling in n and L (float64).
* ``training m=…``: one batched gradient-descent run over 8 seeds vs a Python loop over the seeds.
Speed is measured here, never asserted.
"""

import pytest
import torch

from checks.model.ntk import empirical_ntk, infinite_ntk
from checks.model.rnn import Params, init_params
from checks.model.train import train_gd
from checks.testing.reference import jacobian_ntk

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
