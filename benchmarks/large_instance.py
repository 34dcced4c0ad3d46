"""The large exact-NTK instance of the performance goals (run as a script, not under pytest).

    python benchmarks/large_instance.py [--n 1024 --L 32 --d 8 --m 2048]
    python benchmarks/large_instance.py --infinite [--n 4096 --L 64 --d 8]

Computes ``empirical_ntk`` in float32 (exact structured form, all L² time pairs, blocked
under the default 1 GiB budget), reports wall time, peak resident memory of the process, the
achieved GFLOP/s of the two Gram products, and a plain ``torch.matmul`` of the same shapes
(one ``(bL × m) @ (m × bL)`` block) measured in the same run as the reference.
With ``--infinite``: ``infinite_ntk`` in float64, wall time and peak memory.
"""

from __future__ import annotations

import argparse
import json
import resource
import time

import torch

from checks.model.ntk import DEFAULT_MEMORY_BUDGET, block_size_for, empirical_ntk, infinite_ntk
from checks.model.rnn import init_params


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=1024)
    ap.add_argument("--L", type=int, default=32)
    ap.add_argument("--d", type=int, default=8)
    ap.add_argument("--m", type=int, default=2048)
    ap.add_argument("--infinite", action="store_true", help="time infinite_ntk (float64) instead")
    a = ap.parse_args()
    if a.infinite:
        X = torch.randn((a.n, a.L, a.d), generator=torch.Generator().manual_seed(0), dtype=torch.float64)
        t0 = time.perf_counter()
        H = infinite_ntk(X)
        seconds = time.perf_counter() - t0
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20
        print(
            json.dumps(
                {
                    "n": a.n,
                    "L": a.L,
                    "d": a.d,
                    "dtype": "float64",
                    "seconds": round(seconds, 1),
                    "peak_rss_gib": round(peak, 2),
                    "output_gib": round(a.n * a.n * 8 / 2**30, 3),
                    "finite": bool(torch.isfinite(H).all()),
                },
                indent=1,
            )
        )
        return
    X = torch.randn((a.n, a.L, a.d), generator=torch.Generator().manual_seed(0))
    params = init_params(a.m, a.d, seed=0, dtype=torch.float32)
    t0 = time.perf_counter()
    H = empirical_ntk(params, X)
    seconds = time.perf_counter() - t0
    peak_gib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20
    nL = a.n * a.L
    b = block_size_for(a.L, 4, DEFAULT_MEMORY_BUDGET)
    blocks = -(-a.n // b)
    pairs = blocks * (blocks + 1) // 2
    flops = pairs * 2 * (2 * (b * a.L) ** 2 * a.m)  # two Gram products per block pair
    A = torch.randn(b * a.L, a.m)
    torch.matmul(A, A.T)
    t1 = time.perf_counter()
    torch.matmul(A, A.T)
    mm_seconds = time.perf_counter() - t1
    mm_gflops = 2 * (b * a.L) ** 2 * a.m / mm_seconds / 1e9
    out = {
        "n": a.n,
        "L": a.L,
        "d": a.d,
        "m": a.m,
        "dtype": "float32",
        "seconds": round(seconds, 1),
        "peak_rss_gib": round(peak_gib, 2),
        "block_samples": b,
        "gflops_achieved": round(flops / seconds / 1e9, 1),
        "matmul_gflops_same_shape": round(mm_gflops, 1),
        "fraction_of_matmul": round(flops / seconds / 1e9 / mm_gflops, 2),
        "jacobian_would_be_gib": round(a.n * a.m * a.m * 4 / 2**30, 1),
        "finite": bool(torch.isfinite(H).all()),
        "nL": nL,
    }
    print(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()
