"""Wall time of the C7 trained-network configuration of issue 11 (n = 1000, L = 4, m = 2048), trained until the
training residual reaches the stopping value (``checks.experiments.generalization.STOP_BELOW``) or a step cap,
in float32 (the suite's choice) and float64 (the previous training), on the same machine in the same run.

    .venv/bin/python benchmarks/c7_training.py [--steps 2000] [--skip-float64]
"""

import argparse
import time

import torch

from checks.bounds import clipped_loss
from checks.experiments.generalization import STOP_BELOW, draw_inputs
from checks.experiments.learning_curves import make_target
from checks.rnn import init_params, output
from checks.train import train_gd


def run(dtype, steps: int, n=1000, L=4, m=2048) -> dict:
    X = draw_inputs(n, torch.Generator().manual_seed(0), L)
    y = make_target("last-linear", L, 4)(X)
    params = init_params(m, 4, seed=1, dtype=dtype)
    started = time.perf_counter()
    hist = train_gd(params, X.to(dtype), y.to(dtype), steps=steps, stop_below=STOP_BELOW)
    seconds = time.perf_counter() - started
    final = type(params)(*(t.double() for t in (hist.params.W, hist.params.A, hist.params.B)))
    start = type(params)(*(t.double() for t in (params.W, params.A, params.B)))
    train = float(clipped_loss(output(final, X) - output(start, X), y).mean())
    return {"dtype": str(dtype), "steps": hist.residual_sq.shape[-1] - 1, "seconds": round(seconds, 1),
            "seconds_per_step": round(seconds / max(1, hist.residual_sq.shape[-1] - 1), 3), "train_loss_float64": train,
            "relative_residual": float(hist.residual_sq[-1] / (y * y).sum())}


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--steps", type=int, default=2000, help="step cap (default 2000)")
    parser.add_argument("--skip-float64", action="store_true", help="time float32 only")
    args = parser.parse_args()
    rows = [run(torch.float32, args.steps)]
    if not args.skip_float64:
        rows.append(run(torch.float64, args.steps))
        rows.append({"ratio_float64_over_float32_per_step": round(rows[1]["seconds_per_step"] / rows[0]["seconds_per_step"], 2)})
    for r in rows:
        print(r)
