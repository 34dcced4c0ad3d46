"""Training sweeps on a real engine: a grid of (width × L × n × seed) cells through dask.distributed.

Each cell trains one centered RNN by gradient descent at the A4 step on a fresh sample (C7's
inputs, loss and δ from ``checks.experiments.generalization``) and records the quantities of
C5–C7 (C5's bound from ``checks.theory.bounds.linear_convergence_bound``).  Cells are independent and fully seeded (and run with one
torch thread), so the same seeds give the same numbers serially and on any cluster.
Results are appended to ``results.jsonl`` as cells finish; a rerun skips finished cells.
"""

from __future__ import annotations

import json
import time
from dataclasses import asdict, dataclass
from itertools import product
from pathlib import Path

import torch

from checks.experiments.fanout import SCHEDULER_TIMEOUT, map_tasks, use_fixed_threads
from checks.experiments.generalization import D, draw_inputs
from checks.experiments.strategies import derive_seed
from checks.model.ntk import empirical_ntk, infinite_ntk
from checks.model.rnn import init_params, output
from checks.model.train import a4_step_size, train_gd
from checks.numerics.constants import DELTA
from checks.numerics.linalg import spectrum_edges
from checks.theory.bounds import clipped_loss, generalization_bound, linear_convergence_bound, minimum_norm_radius

__all__ = ["Cell", "grid", "load_results", "run_cell", "run_sweep"]

N_TEST = 2000
"""Test points per cell: standard error of the test loss ≤ 0.011 (loss in [0, 1])."""


@dataclass(frozen=True)
class Cell:
    m: int
    L: int
    n: int
    seed: int
    steps: int

    @property
    def key(self) -> str:
        return f"m{self.m}-L{self.L}-n{self.n}-s{self.seed}-t{self.steps}"


def grid(widths, lengths, sizes, seeds: int, steps: int) -> list[Cell]:
    for name, values in (("widths", widths), ("lengths", lengths), ("sizes", sizes)):
        if not values or any(int(v) < 1 for v in values):
            raise ValueError(f"{name} must be positive integers, got {values}")
    if any(int(v) < 2 for v in lengths):
        raise ValueError("lengths must be >= 2 (for L = 1 the NTK is zero: h_0 = 0)")
    if seeds < 1 or steps < 1:
        raise ValueError("seeds and steps must be >= 1")
    return [Cell(int(m), int(L), int(n), s, steps) for m, L, n, s in product(widths, lengths, sizes, range(seeds))]


def run_cell(cell: Cell) -> dict:
    """Train one cell; everything is derived from ``cell.seed`` (and one torch thread)."""
    use_fixed_threads()
    started = time.perf_counter()
    gen = torch.Generator().manual_seed(derive_seed(cell.seed, cell.n, cell.L))
    X, Xt = draw_inputs(cell.n, gen, cell.L), draw_inputs(N_TEST, gen, cell.L)
    y, yt = X[:, -1, 0], Xt[:, -1, 0]  # linear target at the last step, |y| ≤ 1
    params = init_params(cell.m, D, seed=cell.seed)
    H0 = empirical_ntk(params, X)  # serves the A4 step and the C6 radius
    hist = train_gd(params, X, y, steps=cell.steps, lr=a4_step_size(params, X, H0))
    H_inf = infinite_ntk(X)
    lam0 = spectrum_edges(H_inf)[0]
    radius = minimum_norm_radius(H0, -y, cell.m)
    u_test = output(hist.params, Xt) - output(params, Xt)
    u_train = output(hist.params, X) - output(params, X)
    train_loss = float(clipped_loss(u_train, y).mean())
    return {
        **asdict(cell),
        "key": cell.key,
        "lambda_0": lam0,
        "lr": float(hist.lr),
        "residual_sq": hist.residual_sq.tolist(),
        "c5_bound": linear_convergence_bound(hist.lr, cell.m, lam0, hist.residual_sq[0], cell.steps).tolist(),
        "radius": radius,
        "dist_fro_max": float(hist.dist_fro.max()),
        "dist_fro_final": float(hist.dist_fro[-1]),
        "dist_spec_final": float(hist.dist_spec[-1]),
        "train_loss": train_loss,
        "test_loss": float(clipped_loss(u_test, yt).mean()),
        "bound": train_loss + generalization_bound(H_inf, y, delta=DELTA),
        "seconds": round(time.perf_counter() - started, 3),
    }


def load_results(out: Path) -> dict[str, dict]:
    """Finished cells of a sweep folder (a torn last line from an interrupted run is ignored).  A file with any
    other line is not a sweep's: a one-line ``ValueError`` naming it (it is rewritten on resume, so never taken)."""
    path = Path(out) / "results.jsonl"
    done = {}
    if path.exists():
        try:
            lines = path.read_text().splitlines()
        except (OSError, UnicodeDecodeError) as e:
            raise ValueError(f"sweep results {path} cannot be read ({e}): move it away or pass another --out") from None
        for i, line in enumerate(lines):
            try:
                rec = json.loads(line)
            except (json.JSONDecodeError, RecursionError):
                if i == len(lines) - 1:
                    continue
                rec = None
            if not isinstance(rec, dict) or not isinstance(rec.get("key"), str):
                raise ValueError(f"{path} line {i + 1} is not a sweep cell's result: not a sweep's results file; move it away or pass another --out")
            done[rec["key"]] = rec
    return done


def run_sweep(
    cells: list[Cell], out, *, scheduler: str | None = None, workers: int = 2, serial: bool = False, progress: bool = True, timeout: str = SCHEDULER_TIMEOUT
) -> dict[str, dict]:
    """Run the cells not yet in ``out/results.jsonl``; append each result as it finishes.  Connecting to
    ``scheduler`` gives up after ``timeout`` (a dask duration such as ``"20s"``) with an ``OSError``."""
    from tqdm import tqdm

    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    done = load_results(out)
    if done:  # rewrite without a torn last line, so appended records start on a fresh line
        tmp = out / "results.jsonl.tmp"
        tmp.write_text("".join(json.dumps(r) + "\n" for r in done.values()))
        tmp.replace(out / "results.jsonl")
    todo = [c for c in cells if c.key not in done]
    bar = tqdm(total=len(cells), initial=len(cells) - len(todo), desc="sweep cells", disable=not progress, unit="cell")
    with open(out / "results.jsonl", "a") as sink:

        def keep(rec: dict) -> None:
            sink.write(json.dumps(rec) + "\n")
            sink.flush()
            done[rec["key"]] = rec
            bar.update(1)

        here = serial or not todo  # nothing to distribute: no cluster is started
        map_tasks(run_cell, todo, scheduler=None if here else scheduler, workers=0 if here else workers, progress=keep, timeout=timeout)
    bar.close()
    return {c.key: done[c.key] for c in cells}
