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
from checks.harness.ledger import BASELINE_PATH, LEDGER_PATH, MUTATION_PATH, attach_mutation_scores, read_json, write_json
from checks.harness.tables import format_table

EXAMPLES = {
    "verify": "rnn-theorems verify --claims C1,C3a --profile ci",
    "report": "rnn-theorems report --out reports",
    "audit": "rnn-theorems audit --drop A3 --claims C3",
    "replay": "rnn-theorems replay results/counterexamples/C3b_minus_A3.json",
    "scaling": "rnn-theorems scaling --max-length 1024 --small-inputs 1/L --out reports",
    "sweep": "rnn-theorems sweep --widths 256,1024 --lengths 3 --sizes 50 --seeds 2 --out sweeps/demo",
    "mutate": "rnn-theorems mutate --claims C2,C8 --mutants hinf-scaled-1.2,init-W-var-1.25 --json out.json",
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


def cmd_verify(args) -> int:
    """Run the selected claim records through pytest; compare with (or rewrite) the baseline."""
    import pytest

    root = _theorems_dir(args.theorems)
    chosen = select(args.claims) if args.claims is not None else None
    argv = [str(root), "--suite-profile", args.profile, "--ledger", args.ledger, "-q", "-p", "checks.harness.pytest_plugin"]
    if chosen is not None:
        argv += ["--claims", ",".join(chosen)]
    if not args.update_baseline:
        if not Path(args.baseline).exists():
            raise ValueError(f"no baseline at {args.baseline}; create one with --update-baseline")
        argv += ["--baseline", args.baseline]
    what = "every claim" if chosen is None else f"{len(chosen)} record(s): {', '.join(chosen)}"
    print(f"verify: {what}, profile {args.profile}", flush=True)
    code = int(pytest.main(argv))
    if args.update_baseline:
        if code not in (0, 1):
            print(f"verify: pytest exited {code}; baseline left unchanged", file=sys.stderr)
            return code
        new = read_json(args.ledger)
        if chosen is not None and Path(args.baseline).exists():  # refresh only the records that ran
            old = read_json(args.baseline)
            old["records"] = {k: v for k, v in old["records"].items() if k not in new["records"]}
            old["records"].update(new["records"])
            old["notes"] = {**old.get("notes", {}), **new.get("notes", {})}
            new = old
        write_json(args.baseline, new)
        print(f"verify: baseline {args.baseline} rewritten from {args.ledger}")
        return 0
    return code


def cmd_report(args) -> int:
    """Render the report from the ledger (and the audit, if recorded)."""
    from checks.tools.report import render_report

    path = render_report(args.ledger, args.out, args.audit)
    print(f"report written to {path} (and {path.with_suffix('.html')})")
    return 0


def cmd_audit(args) -> int:
    """Rerun the selected records with one assumption dropped (or A6 added)."""
    from checks.harness.audit import audit_text, run_audit, scenario_name

    claims = select(args.claims)
    scenarios = [scenario_name(drop=a) for a in args.drop or []] + [scenario_name(add=a) for a in args.add or []]
    if not scenarios:
        raise ValueError("give --drop A1..A5 and/or --add A6")
    if args.examples < 1:
        raise ValueError(f"--examples must be >= 1, got {args.examples}")
    profile = get_profile(args.profile)
    rows = []
    t0 = time.perf_counter()
    for sc in scenarios:
        print(f"audit {sc}: {len(claims)} record(s), up to {args.examples} instances each", flush=True)
        rows += [r.as_dict() for r in run_audit(claims, sc, profile, max_examples=args.examples)]
    path = Path(args.out)
    old = read_json(path)["rows"] if path.exists() else []
    keep = [r for r in old if (r["claim"], r["scenario"]) not in {(x["claim"], x["scenario"]) for x in rows}]
    write_json(path, {"rows": keep + rows})
    print(audit_text(keep + rows))
    print(f"audit recorded in {path} ({time.perf_counter() - t0:.1f} s)")
    return 0


def cmd_replay(args) -> int:
    """Recompute both sides of a saved counterexample; exit 1 when the claim fails on it."""
    data = read_json(args.file)
    claim = get(data["claim"])
    m = claim.evaluate(data["instance"])
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
    from checks.experiments.learning_curves import parse_small_inputs
    from checks.experiments.scaling import CASES, measure
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


def cmd_mutate(args) -> int:
    """Run each selected record's check under each mutant in its scope; JSON rows, scores in the ledger."""
    from tqdm import tqdm

    from checks.harness.mutants import MUTANTS, mutation_pairs, mutation_scores, run_pairs

    if args.list:
        print(format_table(["mutant", "what it changes", "must kill"], [[m.id, m.description, ", ".join(m.kills) or "–"] for m in MUTANTS.values()]))
        return 0
    if args.workers < 0:
        raise ValueError(f"--workers must be >= 0 (0: serial), got {args.workers}")
    profile = get_profile(args.profile)
    pairs = mutation_pairs(args.claims, args.mutants)
    if not pairs:
        raise ValueError("no (claim, mutant) pair in scope for this selection; see `rnn-theorems mutate --list`")
    engine = args.scheduler or (f"LocalCluster({args.workers} workers)" if args.workers else "serial")
    print(f"mutate: {len(pairs)} (claim, mutant) pairs, profile {profile.name}, {engine}", flush=True)
    started = time.perf_counter()
    bar = tqdm(total=len(pairs), unit="pair", desc="mutate")
    rows = run_pairs(pairs, profile, scheduler=args.scheduler, workers=args.workers, progress=lambda row: bar.update(1))
    bar.close()
    scores = mutation_scores(rows)
    data = {"profile": profile.name, "rows": rows, "scores": scores, "wall_seconds": round(time.perf_counter() - started, 1)}
    write_json(args.json, data)
    if Path(args.ledger).exists():
        ledger = read_json(args.ledger)
        attach_mutation_scores(ledger, data)
        write_json(args.ledger, ledger)
    print(format_table(["claim", "mutant", "status", "reason"], [[r["claim"], r["mutant"], r["status"], r["reason"][:80]] for r in rows]))
    killable = [r for r in rows if r["status"] != "equivalent"]
    killed = sum(r["status"] == "killed" for r in killable)
    print(f"mutate: {killed}/{len(killable)} non-equivalent pairs killed ({killed / max(1, len(killable)):.0%}); "
          f"{len(rows) - len(killable)} equivalent; rows in {args.json} ({data['wall_seconds']} s)")
    return 0


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
    v.add_argument("--theorems", default=str(DEFAULT_THEOREMS), help="folder of theorem modules (default theorems)")

    r = add("report", "render reports/index.md (+ index.html, PNG plots) from the ledger", cmd_report)
    r.add_argument("--ledger", default=str(LEDGER_PATH))
    r.add_argument("--audit", default=str(AUDIT_PATH), help="audit results to include if present")
    r.add_argument("--out", default="reports")

    a = add("audit", "rerun claims with one assumption dropped (or A6 added): holds / breaks table", cmd_audit)
    a.add_argument("--drop", action="append", choices=["A1", "A2", "A3", "A4", "A5"], help="assumption to violate (repeatable)")
    a.add_argument("--add", action="append", choices=["A6"], help="assumption to add (A6: small inputs)")
    a.add_argument("--claims", help="claim selectors (default: all), e.g. C3 or C3a,C5")
    a.add_argument("--examples", type=int, default=20, help="instances searched per claim (default 20)")
    a.add_argument("--profile", choices=sorted(PROFILES), default="ci", help="width grids and seeds (default ci)")
    a.add_argument("--out", default=str(AUDIT_PATH))

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

    u = add("mutate", "run claim checks under plausible wrong implementations: killed / survived / equivalent", cmd_mutate)
    u.add_argument("--claims", help="claim selectors (default: all records in some mutant's scope)")
    u.add_argument("--mutants", help="comma-separated mutant ids (default: all; see --list)")
    u.add_argument("--profile", choices=sorted(PROFILES), default="ci", help="instances per check (default ci)")
    u.add_argument("--json", default=str(MUTATION_PATH), help=f"where the rows go (default {MUTATION_PATH})")
    u.add_argument("--ledger", default=str(LEDGER_PATH), help="ledger whose records get the mutation scores, if it exists")
    u.add_argument("--scheduler", help="address of a dask scheduler: one (claim, mutant) pair per task")
    u.add_argument("--workers", type=int, default=0, help="LocalCluster worker processes (default 0: serial in this process)")
    u.add_argument("--list", action="store_true", help="list the mutants and what each must kill, then exit")
    return parser


def main(argv=None) -> int:
    """Entry point of ``rnn-theorems``: a one-line ``error: …`` and exit 2 for bad input."""
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except (FileNotFoundError, ValueError, KeyError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
