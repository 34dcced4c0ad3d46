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

from checks.claims import PROFILES, get, get_profile, resolve, select, sort_key
from checks.experiments.fanout import interrupts_kept
from checks.harness.baseline import BASELINE_PATH, baseline_from, check_profiles, unexpected_failures
from checks.harness.counterexamples import COUNTEREXAMPLE_DIR
from checks.harness.jsonio import check_writable, new_run_id, now, write_json
from checks.harness.schemas import check_instance, load, update
from checks.harness.store import LEDGER_PATH, MUTATION_PATH, ResultsStore, attach_mutation_scores, code_fingerprint
from checks.harness.tables import format_table
from checks.tools.cli_common import (
    EXIT_FAILED,
    EXIT_INTERRUPTED,
    EXIT_USAGE,
    MAX_EXAMPLES,
    MAX_FALSE_ALARM_RUNS,
    MAX_LENGTH,
    MAX_SCALING_LENGTH,
    MAX_SCHEDULER_TIMEOUT,
    MAX_SEED,
    MAX_SEEDS,
    MAX_STEPS,
    Parser,
    add_deprecated,
    bounded,
    exit_code,
    given_as,
    scheduler_errors,
    workers,
    workers_help,
)
from checks.tools.experiment_commands import cmd_data, cmd_learning_curve, cmd_scaling, cmd_sweep

EXAMPLES = {
    "verify": "rnn-theorems verify --claims C1,C3a --profile ci\n  rnn-theorems verify --profile thorough --workers 2   # one record per task",
    "report": "rnn-theorems report --out reports",
    "audit": "rnn-theorems audit --drop A3 --claims C3",
    "replay": "rnn-theorems replay results/counterexamples/C3b_minus_A3.json",
    "scaling": "rnn-theorems scaling --max-length 1024 --small-inputs 1/L --out reports",
    "sweep": "rnn-theorems sweep --widths 256,1024 --lengths 3 --sizes 50 --seeds 2 --out sweeps/demo",
    "learning-curve": "rnn-theorems learning-curve --targets first-linear,last-linear --lengths 4,8,16,32 "
    "--sizes 128,512,2048 --dim 4 --out out.json",
    "data": "rnn-theorems data --list; rnn-theorems data digits --sizes 100,300,1000",
    "mutate": "rnn-theorems mutate --claims C2,C8 --mutants hinf-scaled-1.2,init-W-var-1.25 --out out.json",
    "false-alarms": "rnn-theorems false-alarms --claims C1,C4 --runs 10,C4a=5 --out results/false-alarms.json",
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

    workers(args.workers)
    if args.accept_failures and not args.update_baseline:
        raise ValueError("--accept-failures only applies with --update-baseline (it records failures in the baseline)")
    root = _theorems_dir(args.theorems)
    chosen = _data_selection(args) if args.data else (select(args.claims) if args.claims is not None else None)
    profile = get_profile(args.profile).name
    if args.ledger != "none":
        ResultsStore(args.ledger).preflight()
    elif args.update_baseline:
        raise ValueError("--update-baseline needs the run's ledger: drop --ledger none")
    if not args.baseline.strip():
        raise ValueError("--baseline: empty path")
    baseline = Path(args.baseline)
    old = load(baseline, "baseline") if baseline.exists() else None
    if old is not None and chosen is None:
        resolve(old["records"])  # the data-set records it holds are registered again: every claim includes them
    if args.update_baseline:
        check_writable(baseline, "baseline", kind="baseline")
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
        code = exit_code(pytest.main(argv))
    if not args.update_baseline:
        return code
    return _update_baseline(args, baseline, chosen, profile, run_id, code)


def _update_baseline(args, baseline: Path, chosen, profile: str, run_id: str, code: int) -> int:
    """``verify --update-baseline``: write the run's records into the baseline — only from a complete run with no
    unexpected failure (``unexpected_failures``), unless ``--accept-failures`` names that choice, which the
    baseline then records (``accepted_failures``: which records, when, by which run).  Under the baseline's lock,
    merged into the baseline as it is at that moment, so concurrent refreshes of other records are kept."""
    if code not in (0, EXIT_FAILED):
        print(f"verify: the run stopped (exit {code}); baseline {baseline} left unchanged", file=sys.stderr)
        return code
    data = ResultsStore(args.ledger).read()
    run = next((r for r in data["runs"] if r["id"] == run_id), None)
    if run is None or not run.get("completed"):
        print(f"verify: run {run_id} did not complete; baseline {baseline} left unchanged", file=sys.stderr)
        return code or EXIT_FAILED
    records = {k: v for k, v in data["records"].items() if v.get("run") == run_id}
    notes = {k: v for k, v in data["notes"].items() if v.get("run") == run_id}
    failures = unexpected_failures(records)
    if code and not failures:
        print(f"verify: the run failed (exit {code}) outside the claim records (see the test output above); "
              f"baseline {baseline} left unchanged", file=sys.stderr)
        return code
    if failures and not args.accept_failures:
        listed = ", ".join(f"{k} ({why})" for k, why in sorted(failures.items()))
        print(f"verify: baseline {baseline} left unchanged: unexpected in this run: {listed}; to record them as the "
              "expected state, rerun with --update-baseline --accept-failures", file=sys.stderr)
        return EXIT_FAILED
    stamp = now()
    accepted = {k: {"status": why, "run": run_id, "accepted_at": stamp, "argv": list(getattr(args, "argv", sys.argv))} for k, why in failures.items()}

    kept_keys: list[str] = []

    def refresh(current):
        current = current or None
        if chosen is not None and current is not None and current.get("profile") != profile:
            raise ValueError(f"baseline {baseline} now holds profile {current.get('profile')!r} records (changed during this "
                             f"run); refreshing them under {profile!r} would mix profiles: baseline left unchanged")
        partial = chosen is not None and current is not None  # refresh only the records that ran
        kept = {k: v for k, v in (current.get("accepted_failures", {}) if partial else {}).items() if k not in records}
        kept_keys[:] = sorted(set(current["records"]) - set(records), key=sort_key) if partial else []
        return baseline_from(
            dict(sorted({**(current["records"] if partial else {}), **records}.items())),
            profile,
            {**(current.get("notes", {}) if partial else {}), **notes},
            {**kept, **accepted},
        )

    written = update(baseline, "baseline", refresh, empty=dict)
    print(f"verify: baseline {baseline} rewritten from run {run_id} ({len(written['records'])} records, profile {profile}): "
          f"{len(records)} refreshed{_kept_phrase(kept_keys)}")
    if accepted:
        print(f"verify: failures accepted into baseline {baseline} (recorded under accepted_failures): "
              f"{', '.join(f'{k} ({why})' for k, why in sorted(failures.items()))}", file=sys.stderr)
    return code


KEPT_LISTED = 10
"""Up to this many kept records are named in ``--update-baseline``'s message; more are counted."""


def _kept_phrase(kept: list[str]) -> str:
    """What a partial ``--update-baseline`` left as it was: the records it did not run, named (or counted)."""
    if not kept:
        return ""
    if len(kept) <= KEPT_LISTED:
        return f", {len(kept)} other record(s) kept unchanged: {', '.join(kept)}"
    return f", {len(kept)} other records kept unchanged (not in this run)"


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
    bounded(args.examples, "--examples", 1, MAX_EXAMPLES, "100× the thorough profile's instances per record")
    profile = get_profile(args.profile)
    path = Path(args.out)
    check_writable(path, "audit", kind="audit")
    if path.exists() and path.stat().st_size:
        load(path, "audit")  # a malformed audit file stops us before the search
    check_writable(COUNTEREXAMPLE_DIR / "C0.json", "counterexample", kind="counterexample")
    rows = []
    t0 = time.perf_counter()
    for sc in scenarios:
        print(f"audit {sc}: {len(claims)} record(s), up to {args.examples} instances each", flush=True)
        rows += [r.as_dict() for r in run_audit(claims, sc, profile, max_examples=args.examples)]

    def merge(data):  # under the file's lock: rows of a concurrent audit of other cells are kept
        new = {(x["claim"], x["scenario"]) for x in rows}
        return {"rows": [r for r in data.get("rows", []) if (r["claim"], r["scenario"]) not in new] + rows}

    merged = update(path, "audit", merge, what="audit")["rows"]
    print(audit_text(merged))
    ledger = Path(args.ledger)
    contrast = a6_contrast_text(merged, load(ledger, "ledger")["records"] if ledger.exists() else None)
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
    workers(args.workers)
    profile = get_profile(args.profile)
    check_writable(args.out, "mutation table", kind="mutation")
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
    write_json(args.out, data, kind="mutation", what="mutation table")
    if Path(args.ledger).exists():  # under the store's lock: a concurrent verify loses nothing
        ResultsStore(args.ledger).update(lambda ledger: attach_mutation_scores(ledger, data))
    print(format_table(["claim", "mutant", "status", "reason"], [[r["claim"], r["mutant"], r["status"], r["reason"][:80]] for r in rows]))
    killable = [r for r in rows if r["status"] != "equivalent"]
    killed = sum(r["status"] == "killed" for r in killable)
    crashed = sum(r["status"] == "crash-killed" for r in killable)
    print(f"mutate: {killed}/{len(killable)} non-equivalent pairs killed by a failing check ({killed / max(1, len(killable)):.0%}), "
          f"{crashed} crash-killed (the check raised); {len(rows) - len(killable)} equivalent; rows in {args.out} ({data['wall_seconds']} s)")
    return 0


def cmd_false_alarms(args) -> int:
    """Rerun the statistical records with fresh seeds on the correct implementation: observed false alarms
    beside the stated rate; exit 1 when a record's false-alarm rate is shown to exceed it."""
    from checks.harness.false_alarms import CONFIDENCE, measure_false_alarms, merged, report, run_counts, stated_records

    profile = get_profile(args.profile)
    ids = stated_records(args.claims)
    runs = run_counts(args.runs, ids)
    for cid, k in runs.items():
        bounded(k, f"--runs ({cid})", 1, MAX_FALSE_ALARM_RUNS, "they resolve a rate below 0.3%, under every stated rate")
    bounded(args.first_salt, "--first-salt", 0, 2**62, "a seed salt")
    check_writable(args.out, "false-alarm table", kind="false-alarms")
    if Path(args.out).exists() and Path(args.out).stat().st_size:
        load(args.out, "false-alarms")  # runs are added to it: a malformed table stops us before the runs
    print(f"false-alarms: {', '.join(f'{i} × {runs[i]}' for i in ids)} runs, profile {profile.name}, fresh seeds", flush=True)

    def progress(e):
        outcome = f"FALSE ALARM: {e['reason'][:100]}" if e["failed"] else "holds"
        print(f"  {e['claim']} run {e['run']}/{e['of']} (salt {e['salt']}): {outcome} ({e['seconds']:.1f} s)", flush=True)

    started = time.perf_counter()
    results = measure_false_alarms(ids, profile, runs, first_salt=args.first_salt, progress=progress)
    seconds = time.perf_counter() - started
    # under the file's lock, merged with the table as it is now: a concurrent measurement of other records is kept
    data = update(args.out, "false-alarms", lambda old: report(merged(old or None, results, profile), profile, seconds),
                       what="false-alarm table")
    rows = [[r["claim"], r["runs"], r["failures"], f"{r['observed']:.3g}", f"{r['stated']:.3g}", f"{r['cp_upper']:.3g}",
             r["verdict"], r["seconds_per_run"]] for r in data["rows"]]
    print(format_table(["record", "runs", "false alarms", "observed", "stated", f"CP upper ({CONFIDENCE:.0%})", "verdict",
                        "s / run"], rows))
    exceeds = [r["claim"] for r in data["rows"] if r["verdict"] == "exceeds"]
    print(f"false-alarms: {'above the stated rate: ' + ', '.join(exceeds) if exceeds else 'every record consistent with its stated rate'}"
          f"; rows in {args.out} ({data['wall_seconds']} s)")
    return 1 if exceeds else 0


class _Parser(Parser):
    """The top-level parser: its help names the registry's families (``checks.claims.family_range``), read only when the
    help is printed (loading every claim module costs seconds that no other command should pay)."""

    def format_help(self) -> str:
        text = super().format_help()
        if "{families}" not in text:  # a subcommand's help (argparse makes subparsers of this class too)
            return text
        from checks.claims import family_range

        return text.replace("{families}", family_range())


def _profile_option(p: argparse.ArgumentParser, what: str) -> None:
    """``--profile`` (also ``--suite-profile``, the pytest plugin's name: ``checks.tools.cli_common.VOCABULARY``)."""
    p.add_argument("--profile", "--suite-profile", dest="profile", choices=sorted(PROFILES), default="ci",
                   help=f"claim-search profile: {what} (default ci; --suite-profile is the same option, pytest's name for it)")


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
    _profile_option(v, "instances per claim and width grids")
    v.add_argument("--ledger", default=str(LEDGER_PATH), help=f"claim ledger the run is added to (default {LEDGER_PATH}; none: no ledger)")
    v.add_argument("--baseline", default=str(BASELINE_PATH), help="baseline ledger (default ledger-baseline.json)")
    v.add_argument("--update-baseline", action="store_true", help="rewrite the baseline from this run instead of comparing; "
                   "refused (exit 1, baseline unchanged) when a record fails, errs or stops failing as recorded")
    v.add_argument("--accept-failures", action="store_true", help="with --update-baseline: write the baseline even though "
                   "records failed unexpectedly, recording them (status, run, time) under the baseline's accepted_failures")
    v.add_argument("--allow-profile-mismatch", action="store_true", help="compare with a baseline of another profile (statuses only)")
    v.add_argument("--theorems", default=str(DEFAULT_THEOREMS), help="folder of theorem modules (default theorems)")
    v.add_argument("--workers", type=int, default=0, help=workers_help("run one claim record per task on a LocalCluster of this "
                   "many processes (default 0: one pytest run in this process); the records are those of a serial run"))
    v.add_argument("--scheduler", help="address of a dask scheduler: one claim record per task (its workers need this "
                   "checkout at the same path)")

    v.add_argument("--data", help="run the data-set records (C3, C7, C7-labels) of a real data set instead, at sizes from "
                   "the data set; see `data --list` (--claims, --workers, --scheduler do not apply)")

    lc = add("learning-curve", "C11: measured n*(L) and iterations of the kernel predictor beside the certificate", cmd_learning_curve)
    lc.add_argument("--targets", default="first-linear,last-linear", help="comma-separated targets: {first,middle,last}-"
                    "{linear,quadratic}, nvar2-start, nvar2-end (default first-linear,last-linear)")
    lc.add_argument("--lengths", default="4,8,16,32", help=f"sequence lengths L (default 4,8,16,32; each at most {MAX_LENGTH}: "
                    "the kernel's cost grows like n²·L)")
    lc.add_argument("--sizes", default="128,512,2048", help="sample sizes n, a doubling grid works best (default 128,512,2048; "
                    "the largest n with --lengths, --dim and --n-test must fit the run's 8 GiB memory budget, checked first)")
    lc.add_argument("--dim", type=int, default=4, help="input dimension d (default 4; within the same memory budget)")
    lc.add_argument("--seeds", type=int, default=3, help=f"seeds per (L, n) for the confidence band (default 3; at most {MAX_SEEDS}: "
                    "every seed repeats the grid)")
    lc.add_argument("--eps", type=float, default=0.5, help="relative test error that defines n* (default 0.5)")
    lc.add_argument("--n-test", type=int, default=500, help="fresh test points per curve (default 500)")
    lc.add_argument("--small-inputs", help="A6 contrast: ‖X_l‖ ≤ ε for l ≥ 2, ε = 1/L, 1/sqrt(L) or a number in (0, 1]")
    lc.add_argument("--out", default="results/learning-curves.json", help="output JSON file, plots beside it (default "
                    "results/learning-curves.json)")
    add_deprecated(lc, "--json", "out")

    dt = add("data", "list the real data sets, or run the data-set claims on one", cmd_data)
    dt.add_argument("name", nargs="?", help="data set name (default: list them)")
    dt.add_argument("--list", action="store_true", help="list the data sets, their shapes and whether installed")
    dt.add_argument("--sizes", default=None, help="training-set sizes (default: a decade up to what the data set holds)")
    dt.add_argument("--seed", type=int, default=0, help=f"seed of the subsets, random labels and networks (0 … {MAX_SEED}: the range "
                    "numpy's and torch's generators take)")
    dt.add_argument("--out", default="results", help="folder for data-<name>.json and .png")

    r = add("report", "render reports/index.md (+ index.html, PNG plots) from the ledger", cmd_report)
    r.add_argument("--ledger", default=str(LEDGER_PATH), help=f"claim ledger to render (default {LEDGER_PATH})")
    r.add_argument("--audit", default=str(AUDIT_PATH), help="audit results to include if present")
    r.add_argument("--baseline", default=str(BASELINE_PATH), help="baseline that stale records are judged against, if present")
    r.add_argument("--mutation", default=str(MUTATION_PATH), help="mutation scores to include if present")
    r.add_argument("--out", default="reports", help="folder for index.md, index.html and plots/ (default reports)")

    a = add("audit", "rerun claims with one assumption dropped (or A6 added): holds / breaks table", cmd_audit)
    a.add_argument("--drop", action="append", choices=["A1", "A2", "A3", "A4", "A5"], help="assumption to violate (repeatable)")
    a.add_argument("--add", action="append", choices=["A6", "A6:0.1", "A6:1/L", "A6:1/sqrt(L)"],
                   help="assumption to add: A6 (small inputs ‖X_l‖ ≤ ε, l ≥ 2) under every normalization "
                   "ε = 0.1, 1/L, 1/sqrt(L), or A6:ε for one (ε(L) normalizations: growth records C9b, C10b, C11)")
    a.add_argument("--claims", help="claim selectors (default: all), e.g. C3 or C3a,C5")
    a.add_argument("--examples", type=int, default=20, help=f"instances searched per claim (default 20; at most {MAX_EXAMPLES}: "
                   "100× the thorough profile's, a claim instance takes up to seconds)")
    _profile_option(a, "width grids and seeds")
    a.add_argument("--out", default=str(AUDIT_PATH), help=f"audit table JSON file (default {AUDIT_PATH})")
    a.add_argument("--ledger", default=str(LEDGER_PATH), help="ledger whose records give the A6 contrast's no-A6 column, if present")

    p = add("replay", "recompute both sides of a saved counterexample", cmd_replay)
    p.add_argument("file", help="a JSON file under results/counterexamples/")

    s = add("scaling", "table and plot of Φ·κ̄ against L for additive and N-variable targets (C9b, C10b)", cmd_scaling)
    s.add_argument("--max-length", type=int, default=1024, help=f"largest L, a power of two from 128 (default 1024; at most "
                   f"{MAX_SCALING_LENGTH}: the certificate's cost grows about linearly in L, about 6 min at the bound); L runs 8, 16, …")
    s.add_argument("--out", default="reports", help="output folder for scaling.md / .png / .json")
    s.add_argument("--small-inputs", help="A6 contrast: ‖X_l‖ = ε for l ≥ 2 with ε = 1/L, 1/sqrt(L) or a number in (0, 1]")

    w = add("sweep", "train a grid (widths × L × n × seeds) through dask.distributed; resumable; plots", cmd_sweep)
    w.add_argument("--widths", default="256,1024", help="comma-separated widths m (default 256,1024)")
    w.add_argument("--lengths", default="3", help="comma-separated sequence lengths L >= 2 (default 3)")
    w.add_argument("--sizes", default="50", help="comma-separated sample sizes n (default 50)")
    w.add_argument("--seeds", type=int, default=2, help=f"initializations (and samples) per cell (default 2; at most {MAX_SEEDS})")
    w.add_argument("--steps", type=int, default=200, help=f"gradient-descent steps at the A4 step size (default 200; at most {MAX_STEPS}: "
                   "500× the default, the A4 step converges in hundreds)")
    w.add_argument("--out", default="sweeps/default", help="folder for results.jsonl and plots (resumes if present)")
    w.add_argument("--scheduler", help="address of an existing dask scheduler (default: start a LocalCluster)")
    w.add_argument("--workers", type=int, default=2, help=workers_help("LocalCluster workers (default 2; 0: in this process, "
                   "no dask)"))
    add_deprecated(w, "--serial", "workers", const=0)
    w.add_argument("--scheduler-timeout", type=float, default=20.0, help=f"seconds to reach --scheduler before giving up (default 20; "
                   f"at most {MAX_SCHEDULER_TIMEOUT:g})")

    u = add("mutate", "run claim checks under plausible wrong implementations: killed / survived / equivalent", cmd_mutate)
    u.add_argument("--claims", help="claim selectors (default: all records in some mutant's scope)")
    u.add_argument("--mutants", help="comma-separated mutant ids (default: all; see --list)")
    _profile_option(u, "instances per check")
    u.add_argument("--out", default=str(MUTATION_PATH), help=f"mutation table JSON file (default {MUTATION_PATH})")
    add_deprecated(u, "--json", "out")
    u.add_argument("--ledger", default=str(LEDGER_PATH), help="ledger whose records get the mutation scores, if it exists")
    u.add_argument("--scheduler", help="address of a dask scheduler: one (claim, mutant) pair per task")
    u.add_argument("--workers", type=int, default=0, help=workers_help("LocalCluster worker processes (default 0: serial in this process)"))
    u.add_argument("--list", action="store_true", help="list the mutants and what each must kill, then exit")
    fa = add("false-alarms", "rerun the statistical checks with fresh seeds: observed false alarms beside the stated rate",
             cmd_false_alarms)
    fa.add_argument("--claims", help="claim selectors (default: every record with a stated false-alarm rate)")
    fa.add_argument("--runs", default="10", help=f"runs per record: K, or K with SELECTOR=K overrides, e.g. 10,C4a=5 (default 10; "
                    f"at most {MAX_FALSE_ALARM_RUNS}: they resolve a false-alarm rate below 0.3%%, under every stated rate)")
    fa.add_argument("--first-salt", type=int, default=1, help="seed salt of the first run (default 1); later runs take the next")
    _profile_option(fa, "instances per run")
    fa.add_argument("--out", default="results/false-alarms.json", help="false-alarm table JSON file (default results/false-alarms.json); "
                    "runs of the same profile already there are kept and counted (new salts extend them)")
    add_deprecated(fa, "--json", "out")
    return parser


def main(argv=None) -> int:
    """Entry point of ``rnn-theorems``: exit 0 done, 1 a check failed, 2 a usage error (one line ``error: …``
    naming the option, file or field), 130 interrupted (``checks.tools.cli_common``)."""
    try:
        args = build_parser().parse_args(argv)
        args.argv = ["rnn-theorems", *(sys.argv[1:] if argv is None else argv)]  # the command, as a baseline records it
    except SystemExit as e:  # --help, or a malformed option (one line, see cli_common.Parser)
        return e.code if isinstance(e.code, int) else EXIT_USAGE
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    try:
        with _terminate_as_interrupt(), interrupts_kept():
            _no_empty_paths(args)
            return args.func(args)
    except KeyError as e:  # str(KeyError) is the quoted key: print the message itself
        print(f"error: {e.args[0] if e.args else e}", file=sys.stderr)
        return EXIT_USAGE
    except (FileNotFoundError, ValueError) as e:
        print(f"error: {_one_line(e)}", file=sys.stderr)
        return EXIT_USAGE
    except (OSError, TimeoutError) as e:  # a file or network problem: name it, no traceback
        where = f" ({e.filename})" if getattr(e, "filename", None) else ""
        print(f"error: {e.strerror or e}{where}" if isinstance(e, OSError) else f"error: {_one_line(e)}", file=sys.stderr)
        return EXIT_USAGE
    except MemoryError:
        print(f"error: rnn-theorems {args.command}: out of memory (ask for less: smaller sizes, lengths or fewer workers)", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED


class _terminate_as_interrupt:
    """SIGTERM (``kill``, ``timeout``, a CI job cancelled) stops a command as Ctrl-C does: the run is stored as
    incomplete, workers and temporary folders are removed, exit 130 — instead of dying where it stands."""

    def __enter__(self):
        import signal
        import threading

        self.previous = None
        if threading.current_thread() is threading.main_thread() and signal.getsignal(signal.SIGTERM) == signal.SIG_DFL:
            self.previous = signal.signal(signal.SIGTERM, self._raise)
        return self

    @staticmethod
    def _raise(signum, frame):
        raise KeyboardInterrupt(f"signal {signum}")

    def __exit__(self, *exc):
        import signal

        if self.previous is not None:
            signal.signal(signal.SIGTERM, self.previous)
        return False


PATH_OPTIONS = ("ledger", "baseline", "out", "audit", "mutation", "theorems", "file")
"""Options that name a file or folder: an empty one is an error (``Path("")`` is the current folder: ``--out ""`` would
write the report there)."""


def _no_empty_paths(args) -> None:
    for dest in PATH_OPTIONS:
        value = getattr(args, dest, None)
        if isinstance(value, str) and not value.strip():
            raise ValueError(f"{'FILE' if dest == 'file' else given_as(args, dest)}: empty path")


def _one_line(e: BaseException) -> str:
    text = str(e).strip()
    return text.splitlines()[0] if text else type(e).__name__


def console() -> None:
    """The console script: :func:`main`, then the process exits with its code, Ctrl-C and SIGTERM ignored once the
    outcome is decided (an interrupt that landed in the interpreter's shutdown, after every output was written, made
    the process die by the signal — exit −2 — instead of reporting the run's own status: hostile rerun, 2026-12-06).
    Only here, never inside :func:`main`: tests call ``main`` in their own process."""
    import signal

    code = main()
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    sys.exit(code)


if __name__ == "__main__":
    console()
