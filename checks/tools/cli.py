"""Console script ``rnn-theorems``: verify, report, audit, replay, mutate, false-alarms here, and the measurement
commands data, learning-curve, scaling, sweep (``checks.tools.experiment_commands``) — one handler each.

Run from the repository root (the theorem modules live in ``theorems/``; ``--theorems`` names
another folder).  Every command takes claim selectors the same way (``checks.claims.select``).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from checks.claims import PROFILES, get, get_profile, resolve, select
from checks.harness.baseline import BASELINE_PATH, baseline_from, check_profiles
from checks.harness.counterexamples import COUNTEREXAMPLE_DIR
from checks.harness.jsonio import check_writable, new_run_id, read_json, write_json
from checks.harness.schemas import check_instance, load
from checks.harness.store import LEDGER_PATH, MUTATION_PATH, ResultsStore, attach_mutation_scores, code_fingerprint
from checks.harness.tables import format_table
from checks.tools.cli_common import scheduler_errors
from checks.tools.experiment_commands import cmd_data, cmd_learning_curve, cmd_scaling, cmd_sweep

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


def _data_selection(args) -> list[str]:
    """``verify --data NAME``: register the data set's records and select them; every option this mode does not
    honour is an error (the records of a data set are the selection; they run in this process)."""
    from checks.claims.c03_c07_real_data import register_data_set
    from checks.experiments.data import prepared_pool

    unhonoured = [flag for flag, given in (("--claims", args.claims is not None), ("--workers", bool(args.workers)),
                                           ("--scheduler", bool(args.scheduler))) if given]
    if unhonoured:
        raise ValueError(f"verify --data selects the records of one data set and runs them here: drop {', '.join(unhonoured)}")
    ids = register_data_set(args.data)
    try:
        prepared_pool(args.data)  # before pytest starts: a missing package names the install command
    except ImportError as e:
        raise ValueError(str(e)) from None
    return ids


def cmd_verify(args) -> int:
    """Run the selected claim records through pytest; compare with (or rewrite) the baseline.

    Everything that could stop the run from being recorded — the ledger's folder, an existing ledger,
    the baseline, its profile — is checked before the first claim runs."""
    import pytest

    root = _theorems_dir(args.theorems)
    chosen = _data_selection(args) if args.data else (select(args.claims) if args.claims is not None else None)
    profile = get_profile(args.profile).name
    if args.ledger != "none":
        ResultsStore(args.ledger).preflight()
    elif args.update_baseline:
        raise ValueError("--update-baseline needs the run's ledger: drop --ledger none")
    baseline = Path(args.baseline)
    old = load(baseline, "baseline") if baseline.exists() else None
    if old is not None and chosen is None:
        resolve(old["records"])  # the data-set records it holds are registered again: every claim includes them
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
    compare = args.update_baseline or not args.data or bool(set(chosen) & set(old["records"]))
    if not compare:  # nothing of this data set to compare with: the run is recorded, not judged against the baseline
        print(f"verify: baseline {baseline} holds no record of data set {args.data!r}; not compared "
              f"(`rnn-theorems verify --data {args.data} --update-baseline` records them)")
    run_id = new_run_id()
    argv = [str(root), "--suite-profile", profile, "--ledger", args.ledger, "--run-id", run_id, "-q", "-p", "checks.harness.pytest_plugin"]
    argv += ["-W", "ignore::pytest.PytestAssertRewriteWarning"]  # the plugin and Hypothesis are imported already
    if chosen is not None:  # the selectors as given: the baseline comparison covers the baseline records they name too
        argv += ["--claims", ",".join(chosen) if args.data else args.claims]
    if not args.update_baseline and compare:
        argv += ["--baseline", str(baseline)]
        if args.allow_profile_mismatch:
            argv.append("--allow-profile-mismatch")
    what = "every claim" if chosen is None else f"{len(chosen)} record(s): {', '.join(chosen)}"
    if args.workers < 0:
        raise ValueError(f"--workers must be >= 0 (0: one pytest run in this process), got {args.workers}")
    if args.scheduler or args.workers:
        from checks.experiments.fanout import SCHEDULER_TIMEOUT
        from checks.harness.distributed import planned_records, verify_distributed

        records = planned_records(root, profile, None if chosen is None else ",".join(chosen))
        if not records:
            raise ValueError(f"no claim test under {root} runs {what}")
        engine = args.scheduler or f"LocalCluster({args.workers} workers)"
        print(f"verify: {what}, profile {profile}, run {run_id}: {len(records)} record(s), one per task on {engine}", flush=True)
        with scheduler_errors(args.scheduler, SCHEDULER_TIMEOUT.rstrip("s")):
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
    from checks.experiments.fanout import SCHEDULER_TIMEOUT

    with scheduler_errors(args.scheduler, SCHEDULER_TIMEOUT.rstrip("s")):
        rows = run_pairs(pairs, profile, scheduler=args.scheduler, workers=args.workers, progress=lambda row: bar.update(1))
    bar.close()
    scores = mutation_scores(rows)
    data = {"profile": profile.name, "code": code_fingerprint(), "rows": rows, "scores": scores,
            "wall_seconds": round(time.perf_counter() - started, 1)}
    write_json(args.json, data)
    if Path(args.ledger).exists():  # under the store's lock: a concurrent verify loses nothing
        ResultsStore(args.ledger).update(lambda ledger: attach_mutation_scores(ledger, data))
    print(format_table(["claim", "mutant", "status", "reason"], [[r["claim"], r["mutant"], r["status"], r["reason"][:80]] for r in rows]))
    killable = [r for r in rows if r["status"] != "equivalent"]
    killed = sum(r["status"] == "killed" for r in killable)
    crashed = sum(r["status"] == "crash-killed" for r in killable)
    print(f"mutate: {killed}/{len(killable)} non-equivalent pairs killed by a failing check ({killed / max(1, len(killable)):.0%}), "
          f"{crashed} crash-killed (the check raised); {len(rows) - len(killable)} equivalent; rows in {args.json} ({data['wall_seconds']} s)")
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


class _Parser(argparse.ArgumentParser):
    """The top-level parser: its help names the registry's families (``checks.claims.family_range``), read only when the
    help is printed (loading every claim module costs seconds that no other command should pay)."""

    def format_help(self) -> str:
        text = super().format_help()
        if "{families}" not in text:  # a subcommand's help (argparse makes subparsers of this class too)
            return text
        from checks.claims import family_range

        return text.replace("{families}", family_range())


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of every subcommand, each with an example in its ``--help``."""
    parser = _Parser(
        prog="rnn-theorems",
        description="Property-based checks of the claims {families} (docs/claims.md). Claim selectors: a family (C3), "
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

    v.add_argument("--data", help="run the data-set records (C3, C7, C7-labels) of a real data set instead, at sizes from "
                   "the data set; see `data --list` (--claims, --workers, --scheduler do not apply)")

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
    dt.add_argument("--sizes", default=None, help="training-set sizes (default: a decade up to what the data set holds)")
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
