"""Console script ``rnn-theorems``: verify, report, audit, replay, scaling, sweep — one module, one handler each.

Run from the repository root (the theorem modules live in ``theorems/``; ``--theorems`` names
another folder).  Every command takes claim selectors the same way (``checks.claims.select``).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from checks.claims import PROFILES, get, get_profile, select
from checks.harness.baseline import BASELINE_PATH, baseline_from, check_profiles
from checks.harness.counterexamples import COUNTEREXAMPLE_DIR
from checks.harness.jsonio import check_writable, new_run_id, read_json, write_json
from checks.harness.schemas import check_instance, load
from checks.harness.store import LEDGER_PATH, MUTATION_PATH, ResultsStore, attach_mutation_scores
from checks.harness.tables import format_table

EXAMPLES = {
    "verify": "rnn-theorems verify --claims C1,C3a --profile ci\n  rnn-theorems verify --profile thorough --workers 2   # one record per task",
    "report": "rnn-theorems report --out reports",
    "audit": "rnn-theorems audit --drop A3 --claims C3",
    "replay": "rnn-theorems replay results/counterexamples/C3b_minus_A3.json",
    "scaling": "rnn-theorems scaling --max-length 1024 --small-inputs 1/L --out reports",
    "sweep": "rnn-theorems sweep --widths 256,1024 --lengths 3 --sizes 50 --seeds 2 --out sweeps/demo",
    "learning-curve": "rnn-theorems learning-curve --targets first-linear,last-linear --lengths 4,8,16,32 "
    "--sizes 128,512,2048 --dim 4 --json out.json",
    "data": "rnn-theorems data --list; rnn-theorems data digits --sizes 100,300,1000",
    "mutate": "rnn-theorems mutate --claims C2,C8 --mutants hinf-scaled-1.2,init-W-var-1.25 --json out.json",
    "false-alarms": "rnn-theorems false-alarms --claims C1,C4 --runs 10,C4a=5 --json results/false-alarms.json",
}
DEFAULT_THEOREMS = Path("theorems")
AUDIT_PATH = Path("results/audit.json")


def _theorems_dir(path) -> Path:
    root = Path(path)
    if not root.is_dir():
        raise ValueError(f"no theorem folder at {root}; run rnn-theorems from the repository root or pass --theorems")
    return root


def _ints(text: str, name: str) -> list[int]:
    try:
        values = [int(v) for v in text.split(",") if v.strip()]
    except ValueError:
        raise ValueError(f"--{name}: expected comma-separated integers, got {text!r}") from None
    if not values:
        raise ValueError(f"--{name}: empty list")
    return values


DATA_SIZES = "100,300,1000"


def cmd_data(args) -> int:
    """List the real data sets, or run the data-set claims on one (the same as ``verify --data NAME``)."""
    from checks.experiments.data import format_list

    if args.list or not args.name:
        print(format_list())
        return 0
    return run_data_claims(args.name, _ints(args.sizes, "sizes"), args.seed, Path(args.out))


def run_data_claims(name: str, sizes: list[int], seed: int, out: Path) -> int:
    """C3 (λ_0 > 0), C7 (test loss ≤ bound) and C7-labels (bound_true ≤ bound_random) on a real data set:
    a table, the rows in ``<out>/data-<name>.json`` and a plot of bound and test loss against n."""
    from checks.experiments.data import real_data_rows
    from checks.tools.plots import plot_real_data

    print(f"data {name}: n = {', '.join(map(str, sizes))} (kernel predictor and a trained network)", flush=True)
    rows = real_data_rows(name, sizes, seed=seed, progress=lambda msg: print(f"  {msg}", flush=True))
    table = [
        [r["n"], f"{r['lambda_0']:.3g}", f"{r['kernel_test_error']:.3f}", f"{r['kernel_test_loss']:.3f}",
         f"{r.get('net_test_error', float('nan')):.3f}", f"{r['bound_true']:.3f}", f"{r['bound_random']:.3f}",
         f"{r['complexity_true_per_n']:.4f}", f"{r['complexity_random_per_n']:.4f}"]
        for r in rows
    ]
    print(format_table(["n", "λ_0", "kernel 0-1 err", "kernel loss", "net 0-1 err", "bound true", "bound random",
                        "yᵀH⁻¹y/n true", "yᵀH⁻¹y/n random"], table))
    verdicts = {
        "C3 (λ_0 > 0)": all(r["lambda_0"] > 0 for r in rows),
        "C7 (test loss ≤ bound)": all(r["kernel_test_loss"] <= r["bound_true"] for r in rows),
        "C7-labels (bound true ≤ bound random)": all(r["bound_true"] <= r["bound_random"] for r in rows),
    }
    for claim, ok in verdicts.items():
        print(f"  {claim}: {'holds' if ok else 'FAILS'}")
    vacuous = all(r["bound_true"] >= 1 for r in rows)
    if vacuous:
        print("  finding: the C7 bound is ≥ 1 at every n — vacuous for a loss in [0, 1] on this data set")
    out.mkdir(parents=True, exist_ok=True)
    write_json(out / f"data-{name}.json", {"name": name, "sizes": sizes, "seed": seed, "rows": rows, "verdicts": verdicts,
                                          "vacuous": vacuous})
    plot_real_data(name, rows, out / f"data-{name}.png")
    print(f"written: {out / f'data-{name}.json'}, {out / f'data-{name}.png'}")
    return 0 if all(verdicts.values()) else 1


def cmd_learning_curve(args) -> int:
    """C11: learning curves of the kernel predictor, n*(L), iterations, the certificate beside them; JSON and plots."""
    from tqdm import tqdm

    from checks.experiments.learning_curves import run_learning_curves
    from checks.small_inputs import parse_small_inputs
    from checks.tools.learning_plots import plot_certificate_vs_measured, plot_learning_curves

    targets = [t.strip() for t in args.targets.split(",") if t.strip()]
    small = parse_small_inputs(args.small_inputs)
    bar = tqdm(unit="(L, seed)", desc="learning curves")

    def progress(done, total, label):
        bar.total = total
        bar.n = done
        bar.set_postfix_str(label)
        bar.refresh()

    result = run_learning_curves(targets, _ints(args.lengths, "lengths"), _ints(args.sizes, "sizes"), dim=args.dim,
                                 seeds=args.seeds, eps=args.eps, small_inputs=small, n_test=args.n_test, progress=progress)
    bar.close()
    write_json(args.json, result)
    out = Path(args.json).with_suffix("")
    plot_learning_curves(result, out.with_name(out.name + "-curves.png"))
    plot_certificate_vs_measured(result, out.with_name(out.name + "-certificate.png"))
    rows = [[s["target"], s["L"], "–" if s["n_star"] is None else f"{s['n_star']:.0f}", s["n_star_status"],
             "–" if s["iterations"] is None else f"{s['iterations']:.0f}", f"{s['phi_kappa']:.3g}",
             "–" if s["ratio_rel"] is None else f"{s['ratio_rel']:.2f}"] for s in result["summary"]]
    print(format_table(["target", "L", "n*", "status", "iterations", "Φ·κ̄", "Φκ̄/var y ÷ n*"], rows))
    for target, fits in result["fits"].items():
        growth = fits["n_star"]
        print(f"{target}: n*(L) {'– (fewer than 4 measured n*)' if growth is None else growth['selected'] + ', ' + growth['verdict']}")
    print(f"written: {args.json} and its -curves.png, -certificate.png")
    return 0


def cmd_verify(args) -> int:
    """Run the selected claim records through pytest; compare with (or rewrite) the baseline.

    Everything that could stop the run from being recorded — the ledger's folder, an existing ledger,
    the baseline, its profile — is checked before the first claim runs."""
    import pytest

    if args.data:
        return run_data_claims(args.data, _ints(DATA_SIZES, "sizes"), 0, Path("results"))
    root = _theorems_dir(args.theorems)
    chosen = select(args.claims) if args.claims is not None else None
    profile = get_profile(args.profile).name
    if args.ledger != "none":
        ResultsStore(args.ledger).preflight()
    elif args.update_baseline:
        raise ValueError("--update-baseline needs the run's ledger: drop --ledger none")
    baseline = Path(args.baseline)
    old = load(baseline, "baseline") if baseline.exists() else None
    if args.update_baseline:
        check_writable(baseline, "baseline")
        if chosen is not None and old is not None and old.get("profile") != profile:
            raise ValueError(
                f"baseline {baseline} holds profile {old.get('profile')!r} records; refreshing {len(chosen)} of them under {profile!r} "
                f"would mix profiles: use --profile {old.get('profile')}, or run every claim to replace the baseline"
            )
    elif old is None:
        raise ValueError(f"no baseline at {baseline}; create one with --update-baseline")
    else:
        check_profiles(old, profile, baseline, args.allow_profile_mismatch)
    run_id = new_run_id()
    argv = [str(root), "--suite-profile", profile, "--ledger", args.ledger, "--run-id", run_id, "-q", "-p", "checks.harness.pytest_plugin"]
    argv += ["-W", "ignore::pytest.PytestAssertRewriteWarning"]  # the plugin and Hypothesis are imported already
    if chosen is not None:
        argv += ["--claims", ",".join(chosen)]
    if not args.update_baseline:
        argv += ["--baseline", str(baseline)]
        if args.allow_profile_mismatch:
            argv.append("--allow-profile-mismatch")
    what = "every claim" if chosen is None else f"{len(chosen)} record(s): {', '.join(chosen)}"
    if args.workers < 0:
        raise ValueError(f"--workers must be >= 0 (0: one pytest run in this process), got {args.workers}")
    if args.scheduler or args.workers:
        from checks.fanout import SCHEDULER_TIMEOUT
        from checks.harness.distributed import planned_records, verify_distributed

        records = planned_records(root, profile, None if chosen is None else ",".join(chosen))
        if not records:
            raise ValueError(f"no claim test under {root} runs {what}")
        engine = args.scheduler or f"LocalCluster({args.workers} workers)"
        print(f"verify: {what}, profile {profile}, run {run_id}: {len(records)} record(s), one per task on {engine}", flush=True)
        with _scheduler_errors(args.scheduler, SCHEDULER_TIMEOUT.rstrip("s")):
            code = verify_distributed(
                records, profile, root, ledger=args.ledger, baseline=None if args.update_baseline else old, run_id=run_id,
                scheduler=args.scheduler, workers=args.workers, baseline_path=str(baseline),
            )
    else:
        print(f"verify: {what}, profile {profile}, run {run_id}", flush=True)
        code = int(pytest.main(argv))
    if not args.update_baseline:
        return code
    if code not in (0, 1):
        print(f"verify: pytest exited {code}; baseline left unchanged", file=sys.stderr)
        return code
    data = ResultsStore(args.ledger).read()
    run = next((r for r in data["runs"] if r["id"] == run_id), None)
    if run is None or not run.get("completed"):
        print(f"verify: run {run_id} did not complete; baseline left unchanged", file=sys.stderr)
        return code or 1
    records = {k: v for k, v in data["records"].items() if v.get("run") == run_id}
    notes = {k: v for k, v in data["notes"].items() if v.get("run") == run_id}
    if chosen is not None and old is not None:  # refresh only the records that ran
        records = {**old["records"], **records}
        notes = {**old.get("notes", {}), **notes}
    write_json(baseline, baseline_from(dict(sorted(records.items())), profile, notes))
    print(f"verify: baseline {baseline} rewritten from run {run_id} ({len(records)} records, profile {profile})")
    return 0


def cmd_report(args) -> int:
    """Render the report from the ledger (and the audit, if recorded)."""
    from checks.tools.report import render_report

    path = render_report(args.ledger, args.out, args.audit, baseline_path=args.baseline, mutation_path=args.mutation)
    print(f"report written to {path} (and {path.with_suffix('.html')})")
    return 0


def cmd_audit(args) -> int:
    """Rerun the selected records with one assumption dropped (or A6 added: every normalization, or one)."""
    from checks.harness.audit import a6_contrast_text, audit_text, run_audit, scenario_names

    claims = select(args.claims)
    scenarios = scenario_names(args.drop, args.add)
    if not scenarios:
        raise ValueError("give --drop A1..A5 and/or --add A6")
    if args.examples < 1:
        raise ValueError(f"--examples must be >= 1, got {args.examples}")
    profile = get_profile(args.profile)
    path = Path(args.out)
    old = load(path, "audit")["rows"] if path.exists() else []  # a malformed audit file stops us before the search
    check_writable(path, "audit")
    check_writable(COUNTEREXAMPLE_DIR / "C0.json", "counterexample")
    rows = []
    t0 = time.perf_counter()
    for sc in scenarios:
        print(f"audit {sc}: {len(claims)} record(s), up to {args.examples} instances each", flush=True)
        rows += [r.as_dict() for r in run_audit(claims, sc, profile, max_examples=args.examples)]
    keep = [r for r in old if (r["claim"], r["scenario"]) not in {(x["claim"], x["scenario"]) for x in rows}]
    write_json(path, {"rows": keep + rows})
    print(audit_text(keep + rows))
    ledger = Path(args.ledger)
    contrast = a6_contrast_text(keep + rows, load(ledger, "ledger")["records"] if ledger.exists() else None)
    if contrast:
        print(f"A6 contrast: growth class per normalization (no A6: {ledger if ledger.exists() else 'no ledger'})")
        print(contrast)
    print(f"audit recorded in {path} ({time.perf_counter() - t0:.1f} s)")
    return 0


def cmd_replay(args) -> int:
    """Recompute both sides of a saved counterexample; exit 1 when the claim fails on it."""
    data = load(args.file, "counterexample")
    claim = get(data["claim"])
    where = f"counterexample {args.file}"
    check_instance(data["instance"], where)
    try:
        m = claim.measure(data["instance"])
    except (ArithmeticError, IndexError, KeyError, RuntimeError, TypeError, ValueError) as e:  # LinAlgError is a ValueError
        detail = f"field {e.args[0]!r} is missing" if isinstance(e, KeyError) and e.args else f"{type(e).__name__}: {e}"
        raise ValueError(f"{where}: the instance of {claim.id} cannot be evaluated ({detail})") from None
    print(f"{claim.id} ({claim.title}) — {claim.statement}")
    print(f"scenario: {data.get('scenario') or 'all assumptions hold'}")
    print(f"  {claim.lhs_name} = {m.lhs:.10g}")
    print(f"  {claim.rhs_name} = {m.rhs:.10g}  (+ tol {m.tol:.3g})")
    print(f"  margin = {m.margin:.6g}: the claim {'holds' if m.holds else 'FAILS'} on this instance")
    if data.get("lhs") is not None and abs(data["lhs"] - m.lhs) > 1e-9 * max(1.0, abs(m.lhs)):
        print(f"  note: saved lhs was {data['lhs']:.10g}")
    return 0 if m.holds else 1


def cmd_scaling(args) -> int:
    """Φ·κ̄ against L for every scaling case: table, JSON and plot."""
    from checks.experiments.scaling import CASES, measure
    from checks.small_inputs import parse_small_inputs
    from checks.tools.plots import plot_scaling

    if args.max_length < 64 or args.max_length & (args.max_length - 1):
        raise ValueError(f"--max-length must be a power of two >= 64 (six lengths for the growth-class fit), got {args.max_length}")
    small = parse_small_inputs(args.small_inputs)
    lengths = [2**k for k in range(3, args.max_length.bit_length())]
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    results = []
    t0 = time.perf_counter()
    for i, case in enumerate(CASES, 1):
        results.append(measure(case, lengths, small))
        print(f"[{i}/{len(CASES)}] {case.name}: {results[-1]['verdict']} ({time.perf_counter() - t0:.1f} s)", flush=True)
    stem = "scaling" if small is None else f"scaling-a6-{small.spec.replace('/', '_')}"
    write_json(out / f"{stem}.json", {"lengths": lengths, "small_inputs": None if small is None else small.spec, "cases": results})
    table = scaling_text(results, lengths)
    title = "Φ·κ̄ against L" + ("" if small is None else f" under A6, ε = {small.spec}")
    (out / f"{stem}.md").write_text(f"# {title}\n\n```\n{table}\n```\n\n![scaling]({stem}.png)\n")
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

    cells = grid(_ints(args.widths, "widths"), _ints(args.lengths, "lengths"), _ints(args.sizes, "sizes"), args.seeds, args.steps)
    if args.workers < 1:
        raise ValueError(f"--workers must be >= 1, got {args.workers}")
    if not args.scheduler_timeout > 0:
        raise ValueError(f"--scheduler-timeout must be > 0 seconds, got {args.scheduler_timeout}")
    concurrent = 1 if args.serial else args.workers
    check_sweep_memory(cells, concurrent, remote=bool(args.scheduler) and not args.serial)
    check_writable(Path(args.out) / "results.jsonl", "sweep results")
    engine = "serial" if args.serial else (args.scheduler or f"LocalCluster({args.workers} workers)")
    print(f"sweep: {len(cells)} cells on {engine}, results in {args.out}/results.jsonl", flush=True)
    with _scheduler_errors(None if args.serial else args.scheduler, args.scheduler_timeout):
        results = list(
            run_sweep(cells, args.out, scheduler=args.scheduler, workers=args.workers, serial=args.serial, timeout=f"{args.scheduler_timeout:g}s").values()
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
    import os

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


class _scheduler_errors:
    """Turn a dask connection failure into a one-line error naming the scheduler and the timeout."""

    def __init__(self, scheduler: str | None, timeout: float | str):
        self.scheduler, self.timeout = scheduler, timeout

    def __enter__(self):
        return self

    def __exit__(self, kind, exc, tb):
        if self.scheduler is None or exc is None or not isinstance(exc, (OSError, TimeoutError)):
            return False
        first = str(exc).splitlines()[0] if str(exc) else "no answer"
        print(file=sys.stderr)  # end the progress bar's line: the error is a line of its own
        raise ValueError(f"cannot reach the dask scheduler at {self.scheduler} within {float(self.timeout):g} s ({type(exc).__name__}: {first})") from None


def cmd_mutate(args) -> int:
    """Run each selected record's check under each mutant in its scope; JSON rows, scores in the ledger."""
    from tqdm import tqdm

    from checks.harness.mutants import MUTANTS
    from checks.harness.mutation import mutation_pairs, mutation_scores, run_pairs

    if args.list:
        print(format_table(["mutant", "what it changes", "must kill"], [[m.id, m.description, ", ".join(m.kills) or "–"] for m in MUTANTS.values()]))
        return 0
    if args.workers < 0:
        raise ValueError(f"--workers must be >= 0 (0: serial), got {args.workers}")
    profile = get_profile(args.profile)
    check_writable(args.json, "mutation results")
    if Path(args.ledger).exists():
        ResultsStore(args.ledger).preflight()
    pairs = mutation_pairs(args.claims, args.mutants)
    if not pairs:
        raise ValueError("no (claim, mutant) pair in scope for this selection; see `rnn-theorems mutate --list`")
    engine = args.scheduler or (f"LocalCluster({args.workers} workers)" if args.workers else "serial")
    print(f"mutate: {len(pairs)} (claim, mutant) pairs, profile {profile.name}, {engine}", flush=True)
    started = time.perf_counter()
    bar = tqdm(total=len(pairs), unit="pair", desc="mutate")
    from checks.fanout import SCHEDULER_TIMEOUT

    with _scheduler_errors(args.scheduler, SCHEDULER_TIMEOUT.rstrip("s")):
        rows = run_pairs(pairs, profile, scheduler=args.scheduler, workers=args.workers, progress=lambda row: bar.update(1))
    bar.close()
    scores = mutation_scores(rows)
    data = {"profile": profile.name, "rows": rows, "scores": scores, "wall_seconds": round(time.perf_counter() - started, 1)}
    write_json(args.json, data)
    if Path(args.ledger).exists():  # under the store's lock: a concurrent verify loses nothing
        ResultsStore(args.ledger).update(lambda ledger: attach_mutation_scores(ledger, data))
    print(format_table(["claim", "mutant", "status", "reason"], [[r["claim"], r["mutant"], r["status"], r["reason"][:80]] for r in rows]))
    killable = [r for r in rows if r["status"] != "equivalent"]
    killed = sum(r["status"] == "killed" for r in killable)
    print(f"mutate: {killed}/{len(killable)} non-equivalent pairs killed ({killed / max(1, len(killable)):.0%}); "
          f"{len(rows) - len(killable)} equivalent; rows in {args.json} ({data['wall_seconds']} s)")
    return 0


def cmd_false_alarms(args) -> int:
    """Rerun the statistical records with fresh seeds on the correct implementation: observed false alarms
    beside the stated rate; exit 1 when a record's false-alarm rate is shown to exceed it."""
    from checks.harness.false_alarms import CONFIDENCE, measure_false_alarms, merged, report, run_counts, stated_records

    profile = get_profile(args.profile)
    ids = stated_records(args.claims)
    runs = run_counts(args.runs, ids)
    check_writable(args.json, "false-alarm results")
    old = read_json(args.json, "false-alarm results") if Path(args.json).exists() else None  # runs are added to it
    if old is not None and not isinstance(old.get("rows"), list):
        raise ValueError(f"{args.json}: not a false-alarm report (no 'rows' list); move it away or pass another --json")
    print(f"false-alarms: {', '.join(f'{i} × {runs[i]}' for i in ids)} runs, profile {profile.name}, fresh seeds", flush=True)

    def progress(e):
        outcome = f"FALSE ALARM: {e['reason'][:100]}" if e["failed"] else "holds"
        print(f"  {e['claim']} run {e['run']}/{e['of']} (salt {e['salt']}): {outcome} ({e['seconds']:.1f} s)", flush=True)

    started = time.perf_counter()
    results = measure_false_alarms(ids, profile, runs, first_salt=args.first_salt, progress=progress)
    data = report(merged(old, results, profile), profile, time.perf_counter() - started)
    write_json(args.json, data)
    rows = [[r["claim"], r["runs"], r["failures"], f"{r['observed']:.3g}", f"{r['stated']:.3g}", f"{r['cp_upper']:.3g}",
             r["verdict"], r["seconds_per_run"]] for r in data["rows"]]
    print(format_table(["record", "runs", "false alarms", "observed", "stated", f"CP upper ({CONFIDENCE:.0%})", "verdict",
                        "s / run"], rows))
    exceeds = [r["claim"] for r in data["rows"] if r["verdict"] == "exceeds"]
    print(f"false-alarms: {'above the stated rate: ' + ', '.join(exceeds) if exceeds else 'every record consistent with its stated rate'}"
          f"; rows in {args.json} ({data['wall_seconds']} s)")
    return 1 if exceeds else 0


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of every subcommand, each with an example in its ``--help``."""
    parser = argparse.ArgumentParser(
        prog="rnn-theorems",
        description="Property-based checks of the claims C1–C11 (docs/claims.md). Claim selectors: a family (C3), "
        "a record (C3a) or an id prefix (C9b), comma-separated.",
    )
    sub = parser.add_subparsers(dest="command", required=True)

    def add(name, help_text, func):
        description = f"{help_text}\n\nexample:\n  {EXAMPLES[name]}"
        p = sub.add_parser(name, help=help_text, description=description, formatter_class=argparse.RawDescriptionHelpFormatter)
        p.set_defaults(func=func)
        return p

    v = add("verify", "run the claim checks and compare the ledger with the committed baseline", cmd_verify)
    v.add_argument("--claims", help="claim selectors (default: all), e.g. C1,C3a,C9b")
    v.add_argument("--profile", choices=sorted(PROFILES), default="ci", help="search profile (default ci)")
    v.add_argument("--ledger", default=str(LEDGER_PATH), help="where to write the run's ledger")
    v.add_argument("--baseline", default=str(BASELINE_PATH), help="baseline ledger (default ledger-baseline.json)")
    v.add_argument("--update-baseline", action="store_true", help="rewrite the baseline from this run instead of comparing")
    v.add_argument("--allow-profile-mismatch", action="store_true", help="compare with a baseline of another profile (statuses only)")
    v.add_argument("--theorems", default=str(DEFAULT_THEOREMS), help="folder of theorem modules (default theorems)")
    v.add_argument("--workers", type=int, default=0, help="run one claim record per task on a LocalCluster of this many "
                   "processes (default 0: one pytest run in this process); the records are those of a serial run")
    v.add_argument("--scheduler", help="address of a dask scheduler: one claim record per task (its workers need this "
                   "checkout at the same path)")

    v.add_argument("--data", help="run the data-set claims (C3, C7, C7-labels) on a real data set instead; see `data --list`")

    lc = add("learning-curve", "C11: measured n*(L) and iterations of the kernel predictor beside the certificate", cmd_learning_curve)
    lc.add_argument("--targets", default="first-linear,last-linear", help="comma-separated targets: {first,middle,last}-"
                    "{linear,quadratic}, nvar2-start, nvar2-end (default first-linear,last-linear)")
    lc.add_argument("--lengths", default="4,8,16,32", help="sequence lengths L (default 4,8,16,32)")
    lc.add_argument("--sizes", default="128,512,2048", help="sample sizes n, a doubling grid works best (default 128,512,2048)")
    lc.add_argument("--dim", type=int, default=4, help="input dimension d (default 4)")
    lc.add_argument("--seeds", type=int, default=3, help="seeds per (L, n) for the confidence band (default 3)")
    lc.add_argument("--eps", type=float, default=0.5, help="relative test error that defines n* (default 0.5)")
    lc.add_argument("--n-test", type=int, default=500, help="fresh test points per curve (default 500)")
    lc.add_argument("--small-inputs", help="A6 contrast: ‖X_l‖ ≤ ε for l ≥ 2, ε = 1/L, 1/sqrt(L) or a number in (0, 1]")
    lc.add_argument("--json", default="results/learning-curves.json", help="output JSON (plots beside it)")

    dt = add("data", "list the real data sets, or run the data-set claims on one", cmd_data)
    dt.add_argument("name", nargs="?", help="data set name (default: list them)")
    dt.add_argument("--list", action="store_true", help="list the data sets, their shapes and whether installed")
    dt.add_argument("--sizes", default=DATA_SIZES, help=f"training-set sizes (default {DATA_SIZES})")
    dt.add_argument("--seed", type=int, default=0, help="seed of the subsets, random labels and networks")
    dt.add_argument("--out", default="results", help="folder for data-<name>.json and .png")

    r = add("report", "render reports/index.md (+ index.html, PNG plots) from the ledger", cmd_report)
    r.add_argument("--ledger", default=str(LEDGER_PATH))
    r.add_argument("--audit", default=str(AUDIT_PATH), help="audit results to include if present")
    r.add_argument("--baseline", default=str(BASELINE_PATH), help="baseline that stale records are judged against, if present")
    r.add_argument("--mutation", default=str(MUTATION_PATH), help="mutation scores to include if present")
    r.add_argument("--out", default="reports")

    a = add("audit", "rerun claims with one assumption dropped (or A6 added): holds / breaks table", cmd_audit)
    a.add_argument("--drop", action="append", choices=["A1", "A2", "A3", "A4", "A5"], help="assumption to violate (repeatable)")
    a.add_argument("--add", action="append", choices=["A6", "A6:0.1", "A6:1/L", "A6:1/sqrt(L)"],
                   help="assumption to add: A6 (small inputs ‖X_l‖ ≤ ε, l ≥ 2) under every normalization "
                   "ε = 0.1, 1/L, 1/sqrt(L), or A6:ε for one (ε(L) normalizations: growth records C9b, C10b, C11)")
    a.add_argument("--claims", help="claim selectors (default: all), e.g. C3 or C3a,C5")
    a.add_argument("--examples", type=int, default=20, help="instances searched per claim (default 20)")
    a.add_argument("--profile", choices=sorted(PROFILES), default="ci", help="width grids and seeds (default ci)")
    a.add_argument("--out", default=str(AUDIT_PATH))
    a.add_argument("--ledger", default=str(LEDGER_PATH), help="ledger whose records give the A6 contrast's no-A6 column, if present")

    p = add("replay", "recompute both sides of a saved counterexample", cmd_replay)
    p.add_argument("file", help="a JSON file under results/counterexamples/")

    s = add("scaling", "table and plot of Φ·κ̄ against L for additive and N-variable targets (C9b, C10b)", cmd_scaling)
    s.add_argument("--max-length", type=int, default=1024, help="largest L, a power of two (default 1024); L runs 8, 16, …")
    s.add_argument("--out", default="reports", help="output folder for scaling.md / .png / .json")
    s.add_argument("--small-inputs", help="A6 contrast: ‖X_l‖ = ε for l ≥ 2 with ε = 1/L, 1/sqrt(L) or a number in (0, 1]")

    w = add("sweep", "train a grid (widths × L × n × seeds) through dask.distributed; resumable; plots", cmd_sweep)
    w.add_argument("--widths", default="256,1024", help="comma-separated widths m (default 256,1024)")
    w.add_argument("--lengths", default="3", help="comma-separated sequence lengths L >= 2 (default 3)")
    w.add_argument("--sizes", default="50", help="comma-separated sample sizes n (default 50)")
    w.add_argument("--seeds", type=int, default=2, help="initializations (and samples) per cell (default 2)")
    w.add_argument("--steps", type=int, default=200, help="gradient-descent steps at the A4 step size (default 200)")
    w.add_argument("--out", default="sweeps/default", help="folder for results.jsonl and plots (resumes if present)")
    w.add_argument("--scheduler", help="address of an existing dask scheduler (default: start a LocalCluster)")
    w.add_argument("--workers", type=int, default=2, help="LocalCluster workers (default 2)")
    w.add_argument("--serial", action="store_true", help="run in this process, no dask")
    w.add_argument("--scheduler-timeout", type=float, default=20.0, help="seconds to reach --scheduler before giving up (default 20)")

    u = add("mutate", "run claim checks under plausible wrong implementations: killed / survived / equivalent", cmd_mutate)
    u.add_argument("--claims", help="claim selectors (default: all records in some mutant's scope)")
    u.add_argument("--mutants", help="comma-separated mutant ids (default: all; see --list)")
    u.add_argument("--profile", choices=sorted(PROFILES), default="ci", help="instances per check (default ci)")
    u.add_argument("--json", default=str(MUTATION_PATH), help=f"where the rows go (default {MUTATION_PATH})")
    u.add_argument("--ledger", default=str(LEDGER_PATH), help="ledger whose records get the mutation scores, if it exists")
    u.add_argument("--scheduler", help="address of a dask scheduler: one (claim, mutant) pair per task")
    u.add_argument("--workers", type=int, default=0, help="LocalCluster worker processes (default 0: serial in this process)")
    u.add_argument("--list", action="store_true", help="list the mutants and what each must kill, then exit")
    fa = add("false-alarms", "rerun the statistical checks with fresh seeds: observed false alarms beside the stated rate",
             cmd_false_alarms)
    fa.add_argument("--claims", help="claim selectors (default: every record with a stated false-alarm rate)")
    fa.add_argument("--runs", default="10", help="runs per record: K, or K with SELECTOR=K overrides, e.g. 10,C4a=5 (default 10)")
    fa.add_argument("--first-salt", type=int, default=1, help="seed salt of the first run (default 1); later runs take the next")
    fa.add_argument("--profile", choices=sorted(PROFILES), default="ci", help="instances per run (default ci)")
    fa.add_argument("--json", default="results/false-alarms.json", help="where the rows go (default results/false-alarms.json); runs of "
                    "the same profile already there are kept and counted (new salts extend them)")
    return parser


def main(argv=None) -> int:
    """Entry point of ``rnn-theorems``: a one-line ``error: …`` and exit 2 for bad input."""
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except KeyError as e:  # str(KeyError) is the quoted key: print the message itself
        print(f"error: {e.args[0] if e.args else e}", file=sys.stderr)
        return 2
    except (FileNotFoundError, ValueError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    except (OSError, TimeoutError) as e:  # a file or network problem: name it, no traceback
        where = f" ({e.filename})" if getattr(e, "filename", None) else ""
        print(f"error: {e.strerror or e}{where}" if isinstance(e, OSError) else f"error: {e}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
