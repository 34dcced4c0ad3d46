"""pytest plugin: suite profiles, the claim ledger, and the ``check_claim`` fixture.

Loaded by the repository's ``conftest.py``.  Options:

* ``--suite-profile {dev,ci,thorough}`` (or ``RNN_THEOREMS_PROFILE``): how hard claims are
  searched; loads the Hypothesis profile of the same name.
* ``--ledger PATH``: where the run's claim records go (default ``results/ledger.json``);
  ``--ledger none`` writes nothing.
* ``--baseline PATH``: compare the run's records with a committed baseline
  (``ledger-baseline.json``); a status flip or a margin, slope or implied constant moved
  beyond ``checks.ledger.TOLERANCES`` fails the session with a diff table.  Across
  profiles only statuses are compared (more instances move margins legitimately).
"""

from __future__ import annotations

import os
import time

import pytest
from hypothesis import HealthCheck, settings

from checks.claims import claim_sort_key
from checks.ledger import LEDGER_PATH, Ledger, compare, format_table, read_json, save_counterexample, write_json
from checks.profiles import ENV_VAR, PROFILES
from checks.strategies import freeze_example_constants

for _p in PROFILES.values():
    settings.register_profile(
        _p.name,
        max_examples=_p.max_examples,
        derandomize=_p.derandomize,
        database=None if _p.derandomize else settings.default.database,
        deadline=None,  # claim checks run linear algebra of varying size; speed is benchmarked, not timed
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture, HealthCheck.filter_too_much],
        print_blob=True,
    )


def pytest_addoption(parser):
    group = parser.getgroup("rnn-theorems")
    group.addoption("--suite-profile", choices=sorted(PROFILES), default=None, help="claim-search profile (default: $RNN_THEOREMS_PROFILE or dev)")
    group.addoption("--ledger", default=str(LEDGER_PATH), help="claim ledger output path, or 'none'")
    group.addoption("--baseline", default=None, help="baseline ledger to compare with (e.g. ledger-baseline.json)")


def pytest_configure(config):
    name = config.getoption("--suite-profile") or os.environ.get(ENV_VAR, "dev")
    if name not in PROFILES:
        raise pytest.UsageError(f"unknown profile {name!r}; choose one of {sorted(PROFILES)}")
    os.environ[ENV_VAR] = name
    settings.load_profile(name)
    config._rnn_ledger = Ledger(name)
    config._rnn_started = time.perf_counter()


@pytest.fixture(scope="session", autouse=True)
def _reproducible_instances():
    """Before any test generates: fix Hypothesis's literal pool (see ``freeze_example_constants``)."""
    freeze_example_constants()


@pytest.fixture(scope="session")
def ledger(pytestconfig) -> Ledger:
    return pytestconfig._rnn_ledger


@pytest.fixture(scope="session")
def check_claim(ledger):
    """``check_claim(claim, instance, scenario=None)``: evaluate, record in the ledger, assert."""

    def check(claim, instance, scenario=None):
        m = claim.evaluate(instance)
        ledger.collector(claim, scenario).add(instance, m)
        if not m.holds:
            path = save_counterexample(claim, scenario, instance, m)
            raise AssertionError(
                f"{claim.id} fails: {claim.lhs_name} = {m.lhs:.6g} > {claim.rhs_name} = {m.rhs:.6g} "
                f"+ tol {m.tol:.3g} (margin {m.margin:.4g}); counterexample kept at {path}"
            )
        return m

    return check


def pytest_sessionfinish(session, exitstatus):
    ledger = getattr(session.config, "_rnn_ledger", None)
    target = session.config.getoption("--ledger")
    if ledger is None or not (ledger.collectors or ledger.notes) or target == "none":
        return
    data = ledger.as_dict()
    data["wall_seconds"] = round(time.perf_counter() - session.config._rnn_started, 1)
    write_json(target, data)
    baseline = session.config.getoption("--baseline")
    if baseline:
        diffs = baseline_diffs(data, read_json(baseline))
        session.config._rnn_diffs = diffs
        if diffs and session.exitstatus == 0:
            session.exitstatus = 1


def baseline_diffs(current: dict, baseline: dict):
    """Diffs of the claims that ran; statuses only when the profiles differ."""
    ran = {key.split()[0] for key in current["records"]}
    diffs = compare(current, baseline, claims=ran)
    if current.get("profile") != baseline.get("profile"):
        diffs = [d for d in diffs if d.field in ("status", "record")]
    return diffs


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    ledger = getattr(config, "_rnn_ledger", None)
    if ledger is None or not ledger.collectors:
        return
    tr = terminalreporter
    tr.section(f"claim ledger (profile {ledger.profile}, {time.perf_counter() - config._rnn_started:.1f} s)")
    rows = []
    for key in sorted(ledger.collectors, key=claim_sort_key):
        r = ledger.collectors[key].record()
        slope = r["rate"]["slope"] if r["rate"] else None
        rows.append([key, r["status"], r["instances"], _f(r["worst_margin"]), _f(slope), _f(r["implied_constant"])])
    tr.write_line(format_table(["claim", "status", "instances", "worst margin", "slope", "implied constant"], rows))
    target = config.getoption("--ledger")
    if target != "none":
        tr.write_line(f"ledger written to {target}")
    diffs = getattr(config, "_rnn_diffs", None)
    if diffs is not None:
        baseline = config.getoption("--baseline")
        if not diffs:
            tr.write_line(f"baseline {baseline}: no claim moved beyond its tolerance")
        else:
            advice = "update deliberately with `rnn-theorems verify --update-baseline`"
            tr.write_line(f"baseline {baseline}: {len(diffs)} change(s) beyond tolerance ({advice})", red=True)
            tr.write_line(format_table(["record", "field", "baseline", "current", "allowed"], [d.row() for d in diffs]))


def _f(x) -> str:
    return "-" if x is None else f"{x:.4g}"
