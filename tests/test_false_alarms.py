"""False alarms, measured (``checks.harness.false_alarms``, ``rnn-theorems false-alarms``): salted seeds,
the observed rate of a toy statistical check against its stated rate, and the command's errors."""

from __future__ import annotations

import hashlib

import numpy as np
import pytest
from hypothesis import strategies as st

from checks.claims import Claim, Measurement, Twin, get, get_profile, register, unregister
from checks.harness.factory import run_claim, seed_for
from checks.harness.false_alarms import measure_false_alarms, run_counts, stated_records, verdict
from checks.harness.jsonio import read_json
from checks.inference.stats import clopper_pearson_lower
from checks.tools.cli import main

EXPERIMENTS = 8
"""Experiments per run of the toy statistical claims."""


def _toy(claim_id: str, fail_rate: float, stated: float) -> Claim:
    """A statistical toy: each run pools ``EXPERIMENTS`` seeds and fails with probability ``fail_rate``
    (a uniform number hashed from all the run's seeds), stating ``stated`` as its false-alarm rate."""

    def aggregate(measurements):
        seeds = [int(m.details["seed"]) for m in measurements]
        u = float(np.random.default_rng(np.random.SeedSequence(seeds)).random())
        return Measurement(lhs=float(u < fail_rate), rhs=0.0, details={"u": u})

    return Claim(
        id=claim_id,
        title="Toy statistical claim",
        statement=f"a check that fails with probability {fail_rate}",
        assumptions=(),
        strategy=lambda scenario, profile: st.fixed_dictionaries({"seed": st.integers(0, 2**31 - 1)}),
        evaluate=lambda inst: Measurement(lhs=0.0, rhs=0.0, details={"seed": inst["seed"]}),
        aggregate=aggregate,
        budget=lambda profile: EXPERIMENTS,
        twin=Twin.tightened(0.5, "unused"),
        tolerance_reason="none",
        false_alarm=stated,
    )


@pytest.fixture
def toys():
    """C97a fails 20% of the time and states 20%; C97b (its falsified twin) fails 50% and states 1%."""
    register(_toy("C97a", 0.2, 0.2))
    register(_toy("C97b", 0.5, 0.01))
    yield
    unregister("C97a")
    unregister("C97b")


def _instances(claim, profile, salt=None) -> list[dict]:
    seen = []
    run_claim(claim, profile, lambda c, inst: seen.append(inst), shrink=False, seed_salt=salt)
    return seen[0]["experiments"]


def test_unsalted_seed_is_the_committed_one():
    """``seed_for`` without a salt is the hash of ``(id, profile)`` that the committed baseline was drawn with."""
    for claim_id, profile in [("C3a", "ci"), ("C1-limit", "ci"), ("C10b-nvar-N2-l1", "thorough")]:
        pinned = int.from_bytes(hashlib.sha256(f"{claim_id}|{profile}".encode()).digest()[:8], "big")
        assert seed_for(claim_id, profile) == seed_for(claim_id, profile, None) == pinned
        assert len({pinned, seed_for(claim_id, profile, 1), seed_for(claim_id, profile, 2)}) == 3


def test_a_salt_draws_fresh_instances_and_no_salt_the_committed_ones(toys):
    claim, ci = get("C97a"), get_profile("ci")
    unsalted = _instances(claim, ci)
    assert _instances(claim, ci) == unsalted  # the fixed-seed ci profile repeats exactly
    one, two = _instances(claim, ci, 1), _instances(claim, ci, 2)
    assert _instances(claim, ci, 1) == one  # a salt is reproducible
    # Hypothesis tries its all-zero example first whatever the seed; every other instance is a fresh draw
    assert one[0] == two[0] == unsalted[0]
    for a, b in [(one, unsalted), (two, unsalted), (one, two)]:
        assert not {x["seed"] for x in a[1:]} & {x["seed"] for x in b[1:]}


def test_clopper_pearson_limits_and_verdict():
    assert clopper_pearson_lower(0, 10) == 0.0
    assert clopper_pearson_lower(10, 10) == pytest.approx(0.05 ** (1 / 10))
    assert verdict(0, 5, 0.01) == "consistent" and verdict(1, 6, 0.01) == "consistent"  # 1 of 6: lower limit 0.0085
    assert verdict(1, 5, 0.01) == "exceeds"  # 1 of 5: lower limit 1 − 0.95^{1/5} = 0.0102 > 1%
    assert verdict(2, 100, 0.01) == "consistent" and verdict(5, 100, 0.01) == "exceeds"


def test_observed_fraction_matches_a_known_rate_and_a_falsified_twin_exceeds(toys):
    runs = 60
    calibrated, twin = measure_false_alarms(["C97a", "C97b"], get_profile("ci"), runs)
    assert calibrated.runs == twin.runs == runs and calibrated.salts == tuple(range(1, runs + 1))
    assert abs(calibrated.observed - 0.2) < 0.12 and calibrated.lower <= 0.2 <= calibrated.upper
    assert calibrated.verdict == "consistent"
    assert 0.3 < twin.observed < 0.7 and twin.lower > 0.01 and twin.verdict == "exceeds"
    assert len(twin.failed_runs) == twin.failures and all(r["reason"] for r in twin.failed_runs)


def test_the_command_writes_rows_and_exits_1_when_a_rate_is_exceeded(toys, tmp_path, capsys):
    out = tmp_path / "fa.json"
    assert main(["false-alarms", "--claims", "C97a", "--runs", "12", "--json", str(out)]) == 0
    row = read_json(out)["rows"][0]
    assert row["claim"] == "C97a" and row["runs"] == 12 and row["stated"] == 0.2 and row["verdict"] == "consistent"
    assert "C97a run 12/12 (salt 12)" in capsys.readouterr().out
    assert main(["false-alarms", "--claims", "C97", "--runs", "12,C97b=30", "--json", str(out)]) == 1
    rows = {r["claim"]: r for r in read_json(out)["rows"]}
    assert rows["C97a"]["runs"] == 12 and rows["C97b"]["runs"] == 30 and rows["C97b"]["verdict"] == "exceeds"
    assert "above the stated rate: C97b" in capsys.readouterr().out


@pytest.mark.parametrize(
    "argv, message",
    [
        (["--runs", "0"], "at least 1 run"),
        (["--runs", "ten"], "expected K or SELECTOR=K"),
        (["--claims", "C1", "--runs", "C2=3"], "'C2' names none of the measured records"),
        (["--claims", "C1", "--runs", "C1-limit=3"], "no run count for C1 "),
        (["--claims", "C7-labels"], "no stated false-alarm rate for C7-labels"),
        (["--claims", "C3a,C4a"], "no stated false-alarm rate for C3a"),
        (["--claims", "C42"], "no claim record matches 'C42'"),
    ],
)
def test_bad_input_is_a_one_line_error(argv, message, capsys, tmp_path):
    assert main(["false-alarms", *argv, "--json", str(tmp_path / "fa.json")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and message in err and err.count("\n") == 1
    assert not (tmp_path / "fa.json").exists()


def test_every_statistical_record_states_its_rate():
    """The records that decide with a confidence limit state the rate the limit was built for."""
    from checks.claims.c07_links import RADEMACHER_FALSE_ALARM
    from checks.claims.width_rate import FAMILY_FALSE_ALARM

    assert stated_records() == ["C1", "C1-limit", "C2", "C2-limit", "C4a", "C4b", "C7-rademacher", "C7-rademacher-lower"]
    assert all(get(i).false_alarm == FAMILY_FALSE_ALARM for i in stated_records() if not i.startswith("C7"))
    assert get("C7-rademacher").false_alarm == get("C7-rademacher-lower").false_alarm == RADEMACHER_FALSE_ALARM
    assert run_counts("5,C4=2", ["C1", "C4a", "C4b"]) == {"C1": 5, "C4a": 2, "C4b": 2}
    with pytest.raises(ValueError, match="probability"):
        _toy("C97c", 0.1, 1.5)


def test_reruns_with_new_salts_extend_an_earlier_report():
    """``--first-salt``: the new runs are added to the file's runs of the same profile; a salt run twice counts once."""
    from checks.harness.false_alarms import FalseAlarmResult, merged, report

    ci = get_profile("ci")
    first = report([FalseAlarmResult("C2", 2, 1, 0.01, 4.0, (1, 2), ({"salt": 2, "reason": "x"},))], ci, 4.0)
    again = [FalseAlarmResult("C2", 2, 0, 0.01, 4.0, (2, 3), ())]
    (row,) = merged(first, again, ci)
    assert (row.runs, row.failures, row.salts) == (3, 0, (1, 2, 3))  # salt 2 was rerun and held
    other = report([FalseAlarmResult("C4b", 1, 0, 0.01, 1.0, (1,), ())], get_profile("dev"), 1.0)
    assert merged(other, again, ci) == again  # another profile's runs are not mixed in


def test_runs_of_a_redesigned_check_are_replaced_not_extended():
    """A record whose statement changed since the earlier report (a redesigned check) starts afresh: the old
    design's false alarms are not counted against the new one; the same statement extends as before."""
    from checks.harness.false_alarms import FalseAlarmResult, merged, report

    ci = get_profile("ci")
    old = report([FalseAlarmResult("C2", 2, 1, 0.01, 4.0, (1, 2), ({"salt": 2, "reason": "x"},), "old check")], ci, 4.0)
    new = [FalseAlarmResult("C2", 2, 0, 0.01, 4.0, (3, 4), (), "new check")]
    assert merged(old, new, ci) == new
    (row,) = merged(old, [FalseAlarmResult("C2", 2, 0, 0.01, 4.0, (3, 4), (), "old check")], ci)
    assert (row.runs, row.failures, row.salts) == (4, 1, (1, 2, 3, 4))
