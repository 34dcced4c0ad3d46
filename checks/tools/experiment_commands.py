"""The measurement commands of ``rnn-theorems``: ``data`` (a real data set's table and plot), ``learning-curve``
(C11), ``scaling`` (C9b, C10b) and ``sweep`` (training cells on dask).  ``checks.tools.cli`` wires them up."""

from __future__ import annotations

import os
import time
from pathlib import Path

from checks.harness.jsonio import check_writable, write_json, write_text
from checks.harness.tables import format_table
from checks.tools.cli_common import (
    MAX_LENGTH,
    MAX_SCALING_LENGTH,
    MAX_SCHEDULER_TIMEOUT,
    MAX_SEED,
    MAX_SEEDS,
    MAX_STEPS,
    bounded,
    given_as,
    ints,
    scheduler_errors,
    workers,
)

__all__ = ["check_sweep_memory", "cmd_data", "cmd_learning_curve", "cmd_scaling", "cmd_sweep", "scaling_text", "sweep_cell_bytes"]


def cmd_data(args) -> int:
    """List the real data sets, or measure one: a table, ``<out>/data-<name>.json`` and a plot of the C7 bound and
    the test losses against ``n`` (its verdicts are claim records: ``rnn-theorems verify --data NAME``)."""
    from checks.experiments.data import data_set, format_list
    from checks.experiments.real_data import real_data_rows
    from checks.tools.plots import plot_real_data

    if args.list or not args.name:
        print(format_list())
        return 0
    name, out = data_set(args.name).name, Path(args.out)  # a known name: nothing of it reaches the filesystem unchecked
    sizes = None if args.sizes is None else ints(args.sizes, "sizes", low=2, high=1 << 20, why="a training set of 2 or more sequences")
    bounded(args.seed, "--seed", 0, MAX_SEED, "the range numpy's and torch's generators take")
    check_writable(out / f"data-{name}.json", "data-set table", kind="data")  # before minutes of computing
    check_writable(out / f"data-{name}.png", "plot", kind="plot")
    rows = real_data_rows(name, sizes, seed=args.seed, progress=lambda msg: print(f"  {msg}", flush=True))
    print(f"data {name}: n = {', '.join(str(r['n']) for r in rows)} (kernel predictor and a trained network)", flush=True)
    table = [
        [r["n"], f"{r['lambda_0']:.3g}", f"{r.get('kernel_test_error', float('nan')):.3f}", f"{r.get('kernel_test_loss', float('nan')):.3f}",
         f"{r.get('net_test_error', float('nan')):.3f}", f"{r.get('bound_true', float('nan')):.3f}", f"{r.get('bound_random', float('nan')):.3f}"]
        for r in rows
    ]
    print(format_table(["n", "λ_0", "kernel 0-1 err", "kernel loss", "net 0-1 err", "bound true", "bound random"], table))
    print(f"  verdicts (C3, C7, C7-labels on {name}) are claim records: rnn-theorems verify --data {name}")
    write_json(out / f"data-{name}.json", {"name": name, "sizes": [r["n"] for r in rows], "seed": args.seed, "rows": rows}, kind="data")
    plot_real_data(name, rows, out / f"data-{name}.png")
    print(f"written: {out / f'data-{name}.json'}, {out / f'data-{name}.png'}")
    return 0


def cmd_learning_curve(args) -> int:
    """C11: learning curves of the kernel predictor, n*(L), iterations, the certificate beside them; JSON and plots."""
    from tqdm import tqdm

    from checks.experiments.learning_curves import run_learning_curves
    from checks.theory.small_inputs import parse_small_inputs
    from checks.tools.learning_plots import plot_certificate_vs_measured, plot_learning_curves

    targets = [t.strip() for t in args.targets.split(",") if t.strip()]
    small = parse_small_inputs(args.small_inputs)
    lengths = ints(args.lengths, "lengths", low=2, high=MAX_LENGTH, why="the kernel's cost grows like n²·L")
    sizes = ints(args.sizes, "sizes")
    bounded(args.seeds, "--seeds", 1, MAX_SEEDS, "every seed repeats the grid")
    if not str(args.out).strip():
        raise ValueError(f"{given_as(args, 'out')}: empty path")
    out = Path(args.out).with_suffix("")
    pngs = [out.with_name(out.name + "-curves.png"), out.with_name(out.name + "-certificate.png")]
    check_writable(args.out, "learning-curve table", kind="learning-curves")  # before the curves are computed
    for png in pngs:
        check_writable(png, "plot", kind="plot")
    bars = []  # the progress bar starts with the first curve: an argument refused before that prints one line only

    def progress(done, total, label):
        if not bars:
            bars.append(tqdm(unit="(L, seed)", desc="learning curves"))
        bar = bars[0]
        bar.total = total
        bar.n = done
        bar.set_postfix_str(label)
        bar.refresh()

    try:
        result = run_learning_curves(targets, lengths, sizes, dim=args.dim, seeds=args.seeds, eps=args.eps, small_inputs=small,
                                     n_test=args.n_test, progress=progress)
    finally:
        for bar in bars:
            bar.close()
    write_json(args.out, result, kind="learning-curves")
    plot_learning_curves(result, pngs[0])
    plot_certificate_vs_measured(result, pngs[1])
    rows = [[s["target"], s["L"], "–" if s["n_star"] is None else f"{s['n_star']:.0f}", s["n_star_status"],
             "–" if s["iterations"] is None else f"{s['iterations']:.0f}", f"{s['phi_kappa']:.3g}",
             "–" if s["ratio_rel"] is None else f"{s['ratio_rel']:.2f}"] for s in result["summary"]]
    print(format_table(["target", "L", "n*", "status", "iterations", "Φ·κ̄", "Φκ̄/var y ÷ n*"], rows))
    for target, fits in result["fits"].items():
        growth = fits["n_star"]
        print(f"{target}: n*(L) {'– (fewer than 4 measured n*)' if growth is None else growth['selected'] + ', ' + growth['verdict']}")
    print(f"written: {args.out} and its -curves.png, -certificate.png")
    return 0


def cmd_scaling(args) -> int:
    """Φ·κ̄ against L for every scaling case: table, JSON and plot."""
    from checks.experiments.scaling import CASES, measure
    from checks.theory.small_inputs import parse_small_inputs
    from checks.tools.plots import plot_scaling

    if args.max_length < 128 or args.max_length & (args.max_length - 1):
        raise ValueError(f"--max-length must be a power of two >= 128 (L = 8 … 128: the five lengths the growth-class fit needs), got {args.max_length}")
    bounded(args.max_length, "--max-length", 128, MAX_SCALING_LENGTH, "the certificate's cost grows about linearly in L: about 6 min here")
    small = parse_small_inputs(args.small_inputs)
    lengths = [2**k for k in range(3, args.max_length.bit_length())]
    out = Path(args.out)
    stem = "scaling" if small is None else f"scaling-a6-{small.spec.replace('/', '_')}"
    for suffix, kind in ((".json", "scaling"), (".md", "scaling-page"), (".png", "plot")):  # before the work
        check_writable(out / f"{stem}{suffix}", f"scaling {suffix[1:]}", kind=kind)
    results = []
    t0 = time.perf_counter()
    for i, case in enumerate(CASES, 1):
        results.append(measure(case, lengths, small))
        print(f"[{i}/{len(CASES)}] {case.name}: {results[-1]['verdict']} ({time.perf_counter() - t0:.1f} s)", flush=True)
    write_json(out / f"{stem}.json", {"lengths": lengths, "small_inputs": None if small is None else small.spec, "cases": results}, kind="scaling")
    table = scaling_text(results, lengths)
    title = "Φ·κ̄ against L" + ("" if small is None else f" under A6, ε = {small.spec}")
    write_text(out / f"{stem}.md", f"# {title}\n\n```\n{table}\n```\n\n![scaling]({stem}.png)\n", kind="scaling-page")
    plot_scaling(results, out / f"{stem}.png", title=title)
    print(table)
    print(f"written: {out / f'{stem}.md'}, {out / f'{stem}.png'}, {out / f'{stem}.json'}")
    return 0


def scaling_text(results: list[dict], lengths) -> str:
    """The scaling table (Φ·κ̄ per case and L) and the fits per case."""
    header = ["L"] + [r["case"] for r in results]
    rows = [[str(L)] + [f"{r['rows'][i]['phi_kappa']:.3e}" for r in results] for i, L in enumerate(lengths)]
    fits = format_table(
        ["case", "power-law exponent", "AICc selects", "stretched b·L^c: c", "last local slope", "verdict"],
        [
            [
                r["case"],
                f"{r['power_law']['exponent']:.3f}",
                r["selected"],
                f"{r['stretched_exponential']['c']:.3f}",
                f"{r['last_slope']:.2f}",
                r["verdict"],
            ]
            for r in results
        ],
    )
    return format_table(header, rows) + "\n\n" + fits


def cmd_sweep(args) -> int:
    """A training grid through dask.distributed; resumable; plots and a table."""
    from checks.experiments.sweep import grid, run_sweep
    from checks.tools.plots import plot_radius_ratio, plot_residuals

    workers(args.workers, given_as(args, "workers"))
    serial = args.workers == 0 and not args.scheduler  # --workers 0 (formerly --serial): in this process, no dask
    if not args.scheduler_timeout > 0:
        raise ValueError(f"--scheduler-timeout must be > 0 seconds, got {args.scheduler_timeout}")
    bounded(args.scheduler_timeout, "--scheduler-timeout", 0.0, MAX_SCHEDULER_TIMEOUT, "a scheduler that does not answer in an hour is not there")
    bounded(args.seeds, "--seeds", 1, MAX_SEEDS, "every seed repeats the grid")
    bounded(args.steps, "--steps", 1, MAX_STEPS, "500× the default; the A4 step converges in hundreds")
    cells = grid(ints(args.widths, "widths"), ints(args.lengths, "lengths"), ints(args.sizes, "sizes"), args.seeds, args.steps)
    concurrent = 1 if serial else args.workers
    check_sweep_memory(cells, concurrent, remote=bool(args.scheduler))
    check_writable(Path(args.out) / "results.jsonl", "sweep results")
    for png in ("residuals.png", "radius_ratio.png"):
        check_writable(Path(args.out) / png, "plot", kind="plot")
    engine = "serial" if serial else (args.scheduler or f"LocalCluster({args.workers} workers)")
    print(f"sweep: {len(cells)} cells on {engine}, results in {args.out}/results.jsonl", flush=True)
    with scheduler_errors(args.scheduler, args.scheduler_timeout):
        results = list(
            run_sweep(cells, args.out, scheduler=args.scheduler, workers=args.workers, serial=serial, timeout=f"{args.scheduler_timeout:g}s").values()
        )
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


SWEEP_MEMORY_FRACTION = 0.8
"""Share of the machine's available memory the concurrent sweep cells may take (the rest: Python, torch, dask)."""
REMOTE_CELL_LIMIT = 1 << 40
"""Largest cell sent to a remote scheduler (1 TiB): its workers' memory is unknown here, no worker has more."""


def sweep_cell_bytes(m: int, L: int, n: int, steps: int) -> int:
    """Estimated peak bytes of one sweep cell (float64), before anything is allocated: W, its gradient and
    the trained copy (3 m²), the forward states of the N_TEST test sequences and of the training sample
    (h, g, activation pattern: 3 per step, twice for the trained network), the blocked empirical NTK's
    per-step Jacobian blocks (2 n·L·m), both kernels (n², n²·L for the infinite-width recursion), and the
    training history (steps × a few scalars)."""
    from checks.experiments.generalization import D
    from checks.experiments.sweep import N_TEST

    floats = 3 * m * m + 6 * (N_TEST + n) * L * m + 2 * n * L * m + (N_TEST + n) * L * D + n * n * (L + 2) + 8 * steps
    return 8 * floats


def _available_memory() -> int:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemAvailable:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass

    return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")


def check_sweep_memory(cells, concurrent: int, *, remote: bool = False) -> None:
    """A one-line error, before anything is allocated, when the largest cell (times the cells that run at
    once) cannot fit: this machine's available memory, or ``REMOTE_CELL_LIMIT`` per cell on a remote scheduler."""
    big = max(cells, key=lambda c: sweep_cell_bytes(c.m, c.L, c.n, c.steps))
    need = sweep_cell_bytes(big.m, big.L, big.n, big.steps)
    if remote:
        if need > REMOTE_CELL_LIMIT:
            raise ValueError(
                f"sweep cell m={big.m}, L={big.L}, n={big.n} needs about {_bytes(need)} (float64), "
                f"over {_bytes(REMOTE_CELL_LIMIT)} per worker: use smaller --widths/--lengths/--sizes"
            )
        return
    have = int(_available_memory() * SWEEP_MEMORY_FRACTION)
    total = need * min(concurrent, len(cells))
    if total > have:
        per = f"{_bytes(need)} per cell × {min(concurrent, len(cells))} at once" if concurrent > 1 else _bytes(need)
        raise ValueError(
            f"sweep cell m={big.m}, L={big.L}, n={big.n} needs about {per} (float64: 3·m² for W, (N_TEST + n)·L·m per forward state), "
            f"this machine has {_bytes(have)} to spare: use smaller --widths/--lengths/--sizes or fewer --workers"
        )


def _bytes(n: float) -> str:
    for unit in ("B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"):
        if n < 1024 or unit == "EiB":
            return f"{n:.3g} {unit}"
        n /= 1024
    return f"{n:.3g} EiB"
