"""False alarms of the held-out guard, measured: the guard of C7, C7-data-<set> and C11 rerun on the correct code with
fresh seeds (docs/claims.md, "Held-out guard").

The records' instances cannot be salted the way ``rnn-theorems false-alarms`` salts a record (C7-data and C11 have one
deterministic instance; a C7 run trains networks for minutes), so each run here rebuilds what the guard reads with
fresh seeds and applies the records' own guard (``held_out_guard_of`` of each claim module):

* ``c7``: one run = ``C7_EXPERIMENTS`` experiments drawn like the ci profile's (cells, targets, one in
  ``NETWORK_SHARE`` on a network cell, where the guard reads the ``H∞`` interpolant of the network's own sample — what
  ``network_trial`` computes), seeds from ``derive_seed(SALT_KEY, salt, k)``;
* ``data``: one run = the data set's split with seed ``salt`` (the records use seed 0);
* ``c11``: one run = the ci grid of C11 with seeds ``6·salt … 6·salt + 5`` (the records use 0 … 5), both targets.

``python -m checks.harness.held_out_alarms c7 --runs 20`` prints failures / runs and the exact one-sided 95%
Clopper–Pearson upper limit of the false-alarm rate (stated: ``checks.theory.held_out.FALSE_ALARM`` = 1%).
``--reuse F`` measures the guard's resolution instead: the first fraction ``F`` of every test set is taken from the
training set (the reuse mutants of ``checks.harness.mutants`` at fraction ``F``), and the failures are detections.
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from checks.claims.c03_c07_real_data import held_out_guard_of as data_guard_of
from checks.claims.c07_generalization import held_out_guard_of as c7_guard_of
from checks.claims.c11_learning_curves import DIM, EPS, FAMILIES, LENGTHS, SEEDS, SIZES
from checks.claims.c11_learning_curves import held_out_guard_of as c11_guard_of
from checks.claims.profiles import CI_CELLS
from checks.experiments.fanout import use_fixed_threads
from checks.experiments.generalization import TARGETS, kernel_trial
from checks.experiments.learning_curves import run_learning_curves
from checks.experiments.real_data import real_data_rows
from checks.experiments.strategies import derive_seed
from checks.harness.mutants import _c7_test_reuses_training, _c11_test_reuses_training, _data_test_reuses_training
from checks.harness.patching import Mutant
from checks.inference.stats import clopper_pearson_upper
from checks.theory.held_out import FALSE_ALARM

__all__ = ["C7_EXPERIMENTS", "c11_run", "c7_run", "data_run", "measure"]

C7_EXPERIMENTS = 64
"""Experiments per C7 run: the ci profile's ``c7_experiments`` (the guard reads every distinct one)."""
NETWORK_SHARE = 4
NETWORK_CELLS = ((3, 300), (3, 400))
NETWORK_TARGETS = ("first-linear", "middle-linear", "last-linear")
MAX_RUNS = 1000
"""``--runs``: the bound of ``rnn-theorems false-alarms --runs`` (one C7 or C11 run takes minutes)."""
MAX_SALT = 2**32 - 1
"""``--first-salt``: the range numpy's and torch's generators take a seed from (a data run seeds its split with it)."""
SALT_KEY = 23
"""Seeds of the runs: ``derive_seed(SALT_KEY, salt, k)``, a stream no record draws from."""


def c7_run(salt: int, cells) -> dict:
    """One C7-like run of the guard on fresh experiments (module docstring)."""
    rng = np.random.default_rng([SALT_KEY, salt])
    rows = []
    for k in range(C7_EXPERIMENTS):
        network = rng.integers(NETWORK_SHARE) == 0
        L, n = (NETWORK_CELLS if network else cells)[rng.integers(len(NETWORK_CELLS if network else cells))]
        target = (NETWORK_TARGETS if network else TARGETS)[rng.integers(len(NETWORK_TARGETS if network else TARGETS))]
        rows.append(kernel_trial(str(target), int(L), int(n), derive_seed(SALT_KEY, salt, k)))
    kernel_trial.cache_clear()
    return _as_dict(c7_guard_of(rows))


def data_run(salt: int, name: str = "digits") -> dict:
    """The guard of ``C7-data-<name>`` on the split with seed ``salt``."""
    return _as_dict(data_guard_of(real_data_rows(name, None, seed=salt, network_max_n=0)))


def c11_run(salt: int) -> dict[str, dict]:
    """The guard of each C11 record on the ci grid with fresh seeds ``6·salt …``."""
    result = run_learning_curves(list(FAMILIES), list(LENGTHS), list(SIZES), dim=DIM, seeds=SEEDS, eps=EPS,
                                 seed_offset=SEEDS * salt)
    return {f"C11-{t}": _as_dict(c11_guard_of([r for r in result["rows"] if r["target"] == t], SIZES[-1])) for t in FAMILIES}


def _as_dict(g) -> dict:
    return {"lhs": g.lhs, "rhs": g.rhs, "details": g.details}


def probe(kind: str, fraction: float) -> Mutant:
    """The reuse of the first ``fraction`` of every test set, for ``kind``'s records (a mutant of the catalog's form)."""
    if kind == "c7":
        return Mutant("probe", "probe", "checks.experiments.generalization:_sample", _c7_test_reuses_training("part", fraction=fraction), kills=())
    if kind == "data":
        return Mutant("probe", "probe", "checks.experiments.real_data:training_split", _data_test_reuses_training(fraction), kills=())
    return Mutant("probe", "probe", "checks.experiments.learning_curves:sample_inputs", _c11_test_reuses_training("part", fraction=fraction), kills=())


def measure(kind: str, runs: int, first_salt: int = 1, progress=print, reuse: float = 0.0) -> dict:
    """``runs`` guard runs of ``kind`` (``c7``, ``data``, ``c11``) on the correct code (``reuse``: with the first
    ``reuse`` of every test set taken from the training set): per record, failures, runs, the largest guard
    statistic and the Clopper–Pearson upper limit of the failure rate."""
    if kind not in ("c7", "data", "c11"):
        raise ValueError(f"kind must be c7, data or c11, got {kind!r}")
    tally: dict[str, list[float]] = {}
    started = time.perf_counter()
    for salt in range(first_salt, first_salt + runs):
        if reuse:
            with probe(kind, reuse).applied():
                got = _run(kind, salt)
        else:
            got = _run(kind, salt)
        for record, g in got.items():
            tally.setdefault(record, []).append((g["lhs"], _comparison(g)))
        progress(f"{kind} salt {salt}: " + ", ".join(f"{r} {g['lhs']:.3f} (comparison {_comparison(g):.3f})" for r, g in got.items())
                 + f" ({time.perf_counter() - started:.0f} s)")
    out = {}
    for record, pairs in tally.items():
        values = [v for v, _ in pairs]
        failures = sum(not (v <= 1) for v in values)
        out[record] = {"runs": len(values), "failures": failures, "stated": FALSE_ALARM, "max_statistic": max(values),
                       "comparison_failures": sum(not (c <= 1) for _, c in pairs), "min_comparison": min(c for _, c in pairs),
                       "cp_upper_95": clopper_pearson_upper(failures, len(values), confidence=0.95),
                       "salts": [first_salt, first_salt + runs - 1], "seconds": round(time.perf_counter() - started, 1)}
    return out


def _comparison(g: dict) -> float:
    """The guard's statistic without its copy check: the leave-one-out comparison alone (fails above 1)."""
    parts = g["details"]["parts"]
    return max(parts["largest |z|"], parts["pooled |Z|"])


def _run(kind: str, salt: int) -> dict[str, dict]:
    if kind == "c7":
        return {"C7": c7_run(salt, CI_CELLS)}
    if kind == "data":
        return {"C7-data-digits": data_run(salt)}
    return c11_run(salt)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="False alarms of the held-out guard on the correct code, fresh seeds.")
    parser.add_argument("kind", choices=("c7", "data", "c11"))
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--first-salt", type=int, default=1)
    parser.add_argument("--reuse", type=float, default=0.0, help="fraction of every test set taken from the training set")
    args = parser.parse_args(argv)
    if not 1 <= args.runs <= MAX_RUNS:
        parser.error(f"--runs must be between 1 and {MAX_RUNS} (a C7 or C11 run takes minutes), got {args.runs}")
    if not 1 <= args.first_salt <= MAX_SALT:
        parser.error(f"--first-salt must be between 1 and {MAX_SALT} (salt 0 is the records' own seeds; the generators "
                     f"take seeds below 2**32), got {args.first_salt}")
    if not 0 <= args.reuse <= 1:
        parser.error("--reuse is a fraction in [0, 1]")
    use_fixed_threads()
    for record, r in measure(args.kind, args.runs, args.first_salt, reuse=args.reuse).items():
        what = f"detections at reuse {args.reuse:g}" if args.reuse else f"false alarms (stated {r['stated']:.0%})"
        print(f"{record}: {r['failures']}/{r['runs']} {what}, CP upper (95%) "
              f"{r['cp_upper_95']:.3f}, largest statistic {r['max_statistic']:.3f} (fails above 1); the comparison alone "
              f"(copies aside): {r['comparison_failures']}/{r['runs']}, smallest {r['min_comparison']:.3f}; salts "
              f"{r['salts'][0]}–{r['salts'][1]}, {r['seconds']} s")
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
