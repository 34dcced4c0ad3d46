"""``rnn-theorems sweep``: a training grid through dask.distributed, with plots."""

from __future__ import annotations

from pathlib import Path

from checks.ledger import format_table


def _ints(text: str) -> list[int]:
    try:
        return [int(v) for v in text.split(",") if v.strip()]
    except ValueError:
        raise ValueError(f"expected comma-separated integers, got {text!r}") from None


def add_parser(add) -> None:
    p = add("sweep", "train a grid (widths × L × n × seeds) through dask.distributed; resumable; plots", cmd_sweep)
    p.add_argument("--widths", default="256,1024", help="comma-separated widths m (default 256,1024)")
    p.add_argument("--lengths", default="3", help="comma-separated sequence lengths L >= 2 (default 3)")
    p.add_argument("--sizes", default="50", help="comma-separated sample sizes n (default 50)")
    p.add_argument("--seeds", type=int, default=2, help="initializations (and samples) per cell (default 2)")
    p.add_argument("--steps", type=int, default=200, help="gradient-descent steps at the A4 step size (default 200)")
    p.add_argument("--out", default="sweeps/default", help="folder for results.jsonl and plots (resumes if present)")
    p.add_argument("--scheduler", help="address of an existing dask scheduler (default: start a LocalCluster)")
    p.add_argument("--workers", type=int, default=2, help="LocalCluster workers (default 2)")
    p.add_argument("--serial", action="store_true", help="run in this process, no dask")


def cmd_sweep(args) -> int:
    from checks.plots import plot_radius_ratio, plot_residuals
    from checks.sweep import grid, run_sweep

    cells = grid(_ints(args.widths), _ints(args.lengths), _ints(args.sizes), args.seeds, args.steps)
    engine = "serial" if args.serial else (args.scheduler or f"LocalCluster({args.workers} workers)")
    print(f"sweep: {len(cells)} cells on {engine}, results in {args.out}/results.jsonl", flush=True)
    results = list(run_sweep(cells, args.out, scheduler=args.scheduler, workers=args.workers, serial=args.serial).values())
    out = Path(args.out)
    plot_residuals(results, out / "residuals.png")
    plot_radius_ratio(results, out / "radius_ratio.png")
    rows = [
        [
            r["m"],
            r["L"],
            r["n"],
            r["seed"],
            f"{r['residual_sq'][-1]:.2e}",
            f"{max(a / b for a, b in zip(r['residual_sq'][1:], r['c5_bound'][1:])):.3f}",
            f"{r['dist_fro_max'] / r['radius']:.4f}",
            f"{r['dist_spec_final']:.4f}",
            f"{r['test_loss']:.4f}",
            f"{r['bound']:.3f}",
        ]
        for r in sorted(results, key=lambda r: (r["m"], r["L"], r["n"], r["seed"]))
    ]
    print(format_table(["m", "L", "n", "seed", "‖r_T‖²", "C5 ratio", "max‖ΔW‖_F/R_m", "‖ΔW_T‖_2", "test loss", "C7 bound"], rows))
    print(f"plots: {out / 'residuals.png'}, {out / 'radius_ratio.png'}")
    return 0
