"""Console script ``rnn-theorems``: verify, report, audit, replay, scaling, sweep.

Run from the repository root (the theorem modules live in ``theorems/``).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

from checks.ledger import BASELINE_PATH, LEDGER_PATH, read_json, write_json
from checks.profiles import ENV_VAR, PROFILES

EXAMPLES = {
    "verify": "rnn-theorems verify --claims C1,C3 --profile ci",
    "report": "rnn-theorems report --out reports",
    "audit": "rnn-theorems audit --drop A3 --claims C3a,C3b",
    "replay": "rnn-theorems replay results/counterexamples/C3b_minus_A3.json",
    "scaling": "rnn-theorems scaling --max-length 1024 --out reports",
    "sweep": "rnn-theorems sweep --widths 256,1024 --lengths 3 --sizes 50 --seeds 2 --out sweeps/demo",
}


def _theorem_files(claims: list[str] | None) -> list[str]:
    root = Path("theorems")
    if not root.is_dir():
        raise ValueError("no theorems/ folder here; run rnn-theorems from the repository root")
    files = sorted(root.glob("test_c*.py"))
    if claims is None:
        return [str(f) for f in files]
    chosen = []
    for cid in claims:
        digits = "".join(ch for ch in cid if ch.isdigit())
        if not cid.upper().startswith("C") or not digits:
            raise ValueError(f"{cid!r} is not a claim id (C1 … C10)")
        match = [f for f in files if f.name.startswith(f"test_c{int(digits):02d}_")]
        if not match:
            raise ValueError(f"no theorem module for claim {cid}")
        chosen += [str(f) for f in match]
    return sorted(set(chosen))


def _claims_arg(text: str | None) -> list[str] | None:
    return None if text is None else [c.strip() for c in text.split(",") if c.strip()]


def cmd_verify(args) -> int:
    import pytest

    files = _theorem_files(_claims_arg(args.claims))
    argv = [*files, "--suite-profile", args.profile, "--ledger", args.ledger, "-q"]
    if not args.update_baseline:
        if not Path(args.baseline).exists():
            raise ValueError(f"no baseline at {args.baseline}; create one with --update-baseline")
        argv += ["--baseline", args.baseline]
    print(f"verify: {len(files)} theorem module(s), profile {args.profile}", flush=True)
    code = int(pytest.main(argv))
    if args.update_baseline:
        if code not in (0, 1):
            print(f"verify: pytest exited {code}; baseline left unchanged", file=sys.stderr)
            return code
        new = read_json(args.ledger)
        if args.claims and Path(args.baseline).exists():  # refresh only the claims that ran
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
    from checks.report import render_report

    path = render_report(args.ledger, args.out, args.audit)
    print(f"report written to {path} (and {path.with_suffix('.html')})")
    return 0


def cmd_audit(args) -> int:
    from checks.audit import run_audit, scenario_name
    from checks.claims import load_all
    from checks.report import audit_text

    registry = load_all()
    claims = _claims_arg(args.claims) or sorted(registry)
    unknown = [c for c in claims if c not in registry]
    if unknown:
        raise ValueError(f"unknown claim(s) {unknown}; known: {', '.join(sorted(registry))}")
    scenarios = [scenario_name(drop=a) for a in args.drop or []] + [scenario_name(add=a) for a in args.add or []]
    if not scenarios:
        raise ValueError("give --drop A1..A5 and/or --add A6")
    os.environ[ENV_VAR] = args.profile
    rows = []
    t0 = time.perf_counter()
    for sc in scenarios:
        print(f"audit {sc}: {len(claims)} claim(s), up to {args.examples} instances each", flush=True)
        rows += [r.as_dict() for r in run_audit(claims, sc, max_examples=args.examples)]
    path = Path(args.out)
    old = json.loads(path.read_text())["rows"] if path.exists() else []
    keep = [r for r in old if (r["claim"], r["scenario"]) not in {(x["claim"], x["scenario"]) for x in rows}]
    write_json(path, {"rows": keep + rows})
    print(audit_text(keep + rows))
    print(f"audit recorded in {path} ({time.perf_counter() - t0:.1f} s)")
    return 0


def cmd_replay(args) -> int:
    from checks.claims import get

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


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="rnn-theorems",
        description="Property-based checks of the claims C1–C10 (see README.md and CLAIMS.md).",
    )
    sub = parser.add_subparsers(dest="command", required=True)

    def add(name, help_text, func):
        description = f"{help_text}\n\nexample:\n  {EXAMPLES[name]}"
        p = sub.add_parser(name, help=help_text, description=description, formatter_class=argparse.RawDescriptionHelpFormatter)
        p.set_defaults(func=func)
        return p

    v = add("verify", "run the claim checks and compare the ledger with the committed baseline", cmd_verify)
    v.add_argument("--claims", help="comma-separated claim ids (default: all), e.g. C1,C3")
    v.add_argument("--profile", choices=sorted(PROFILES), default="ci", help="search profile (default ci)")
    v.add_argument("--ledger", default=str(LEDGER_PATH), help="where to write the run's ledger")
    v.add_argument("--baseline", default=str(BASELINE_PATH), help="baseline ledger (default ledger-baseline.json)")
    v.add_argument("--update-baseline", action="store_true", help="rewrite the baseline from this run instead of comparing")

    r = add("report", "render reports/index.md (+ index.html, PNG plots) from the ledger", cmd_report)
    r.add_argument("--ledger", default=str(LEDGER_PATH))
    r.add_argument("--audit", default="results/audit.json", help="audit results to include if present")
    r.add_argument("--out", default="reports")

    a = add("audit", "rerun claims with one assumption dropped (or A6 added): holds / breaks table", cmd_audit)
    a.add_argument("--drop", action="append", choices=["A1", "A2", "A3", "A4", "A5"], help="assumption to violate (repeatable)")
    a.add_argument("--add", action="append", choices=["A6"], help="assumption to add (A6: small inputs)")
    a.add_argument("--claims", help="comma-separated claim ids (default: all)")
    a.add_argument("--examples", type=int, default=20, help="instances searched per claim (default 20)")
    a.add_argument("--profile", choices=sorted(PROFILES), default="ci", help="width grids and seeds (default ci)")
    a.add_argument("--out", default="results/audit.json")

    p = add("replay", "recompute both sides of a saved counterexample", cmd_replay)
    p.add_argument("file", help="a JSON file under results/counterexamples/")

    from checks import scaling_cli, sweep_cli

    scaling_cli.add_parser(add)
    sweep_cli.add_parser(add)
    return parser


def main(argv=None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except (FileNotFoundError, ValueError, KeyError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
