"""pytest plugin: suite profiles, claim selection, the claim ledger, and the ``check_claim`` fixture.

Loaded by the repository's ``conftest.py``.  Options:

* ``--suite-profile {dev,ci,thorough}`` (default ``$RNN_THEOREMS_PROFILE``, else ``dev``): how
  hard claims are searched; passed to every claim as a :class:`~checks.claims.Profile`.
* ``--claims SELECTORS``: run only these claim records (``C3``, ``C3a``, ``C9b``; see
  :func:`checks.claims.select`); other claim tests are deselected.
* ``--ledger PATH``: where the run's claim records go (default ``results/ledger.json``);
  ``--ledger none`` writes nothing.
* ``--baseline PATH``: compare the run's records with a committed baseline
  (``ledger-baseline.json``); a status flip or a margin, slope or implied constant moved
  beyond ``checks.harness.ledger.TOLERANCES`` fails the session with a diff table.  Across
  profiles only statuses are compared (more instances move margins legitimately).
"""

from __future__ import annotations

import os
import time

import pytest
from hypothesis import HealthCheck, settings

from checks.claims import PROFILES, get_profile, select, sort_key
from checks.claims.profiles import ENV_VAR
from checks.harness.ledger import (
    LEDGER_PATH,
    MUTATION_PATH,
    Ledger,
    attach_mutation_scores,
    compare,
    read_json,
    save_counterexample,
    write_json,
)
from checks.harness.tables import fmt, format_table
from checks.strategies import freeze_example_constants


for _p in PROFILES.values():
    # The library's own property tests (tests/) follow the profile too: derandomized where the profile fixes seeds.
    settings.register_profile(
        _p.name,
        max_examples=_p.max_examples,
        derandomize=_p.fixed_seed,
        database=None if _p.fixed_seed else settings.default.database,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture, HealthCheck.filter_too_much],
        print_blob=True,
    )


def pytest_addoption(parser):
    group = parser.getgroup("rnn-theorems")
    group.addoption("--suite-profile", choices=sorted(PROFILES), default=None, help="claim-search profile (default: $RNN_THEOREMS_PROFILE or dev)")
    group.addoption("--claims", default=None, help="comma-separated claim selectors: families (C3), records (C3a), prefixes (C9b)")
    group.addoption("--ledger", default=str(LEDGER_PATH), help="claim ledger output path, or 'none'")
    group.addoption("--baseline", default=None, help="baseline ledger to compare with (e.g. ledger-baseline.json)")


def pytest_configure(config):
    config.addinivalue_line("markers", "claim(id): the claim record a test checks (used by --claims)")
    name = config.getoption("--suite-profile") or os.environ.get(ENV_VAR, "dev")
    try:
        config._rnn_profile = get_profile(name)
        selectors = config.getoption("--claims")
        config._rnn_selected = None if selectors is None else set(select(selectors))
    except ValueError as e:
        raise pytest.UsageError(str(e)) from None
    settings.load_profile(name)
    config._rnn_ledger = Ledger(name)
    config._rnn_started = time.perf_counter()


def pytest_collection_modifyitems(config, items):
    """With ``--claims``, keep only the claim tests of the selected records."""
    selected = config._rnn_selected
    if selected is None:
        return
    keep, drop = [], []
    for item in items:
        mark = item.get_closest_marker("claim")
        (keep if mark is not None and mark.args[0] in selected else drop).append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep


@pytest.fixture(scope="session", autouse=True)
def _reproducible_instances():
    """Before any test generates: fix Hypothesis's literal pool (see ``freeze_example_constants``)."""
    freeze_example_constants()


@pytest.fixture(scope="session")
def suite_profile(pytestconfig):
    """The run's :class:`~checks.claims.Profile`."""
    return pytestconfig._rnn_profile


@pytest.fixture(scope="session")
def ledger(pytestconfig) -> Ledger:
    """The run's claim ledger."""
    return pytestconfig._rnn_ledger


class ClaimChecker:
    """``check_claim(claim, instance, scenario=None)``: evaluate, record in the ledger, assert."""

    def __init__(self, ledger: Ledger):
        self.ledger = ledger

    def __call__(self, claim, instance, scenario=None):
        m = claim.evaluate(instance)
        self.ledger.collector(claim, scenario).add(instance, m)
        if not m.holds:
            path = save_counterexample(claim, scenario, instance, m)
            raise AssertionError(
                f"{claim.id} fails: {claim.lhs_name} = {m.lhs:.6g} > {claim.rhs_name} = {m.rhs:.6g} "
                f"+ tol {m.tol:.3g} (margin {m.margin:.4g}); counterexample kept at {path}"
            )
        return m

    def note(self, claim, note: dict) -> None:
        """Keep a record's extra table (its ``note``) in the ledger."""
        self.ledger.note(note.get("title", claim.id), note)


@pytest.fixture(scope="session")
def check_claim(ledger):
    """The :class:`ClaimChecker` of the run."""
    return ClaimChecker(ledger)


def pytest_sessionfinish(session, exitstatus):
    ledger = getattr(session.config, "_rnn_ledger", None)
    target = session.config.getoption("--ledger")
    if ledger is None or not (ledger.collectors or ledger.notes) or target == "none":
        return
    data = ledger.as_dict()
    if MUTATION_PATH.exists():  # the last `rnn-theorems mutate` run's scores travel with the records
        attach_mutation_scores(data, read_json(MUTATION_PATH))
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
    for key in sorted(ledger.collectors, key=sort_key):
        r = ledger.collectors[key].record()
        slope = r["rate"]["slope"] if r["rate"] else None
        rows.append([key, r["status"], r["instances"], fmt(r["worst_margin"]), fmt(slope), fmt(r["implied_constant"])])
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
