"""Progress inside a long record (issue 26, item 7): the instances drawn so far and an evaluation's own steps
(``checks.claims.record.progress``) reach the terminal while the record runs, at most one line per
``PROGRESS_SECONDS``; with no sink they go nowhere."""

import hypothesis.strategies as st

from checks.claims import Claim, Measurement, Twin, get_profile
from checks.claims.record import progress
from checks.harness import pytest_plugin
from checks.harness.factory import run_claim
from checks.harness.ledger import Ledger


def _slow(instance):
    progress(f"step of instance {instance['k']}")  # a long evaluation reports its own steps
    return Measurement(lhs=0.0, rhs=1.0)


TOY = Claim(id="C0-progress", title="toy", statement="0 ≤ 1", assumptions=(), evaluate=_slow,
            strategy=lambda scenario, profile: st.integers(0, 10**6).map(lambda k: {"k": k}),
            twin=Twin.tightened(0.5, "x"), budget=lambda profile: 5)  # fmt: skip


def test_a_long_record_prints_progress_through_the_checker(monkeypatch):
    lines = []
    checker = pytest_plugin.ClaimChecker(Ledger("ci"), say=lines.append)
    monkeypatch.setattr(pytest_plugin, "PROGRESS_SECONDS", 0.0)  # every message (the throttle is the only difference)
    with checker.reporting(TOY):
        run_claim(TOY, get_profile("ci"), checker)
    assert any("C0-progress: step of instance" in line for line in lines)
    assert any("C0-progress: 5 of 5 instance(s) drawn" in line for line in lines), lines
    progress("after the record")  # outside its block: nowhere
    assert not any("after the record" in line for line in lines)


def test_progress_is_throttled_to_one_line_per_interval():
    lines = []
    checker = pytest_plugin.ClaimChecker(Ledger("ci"), say=lines.append)
    with checker.reporting(TOY):
        run_claim(TOY, get_profile("ci"), checker)  # well under PROGRESS_SECONDS: nothing to say
    assert lines == []
