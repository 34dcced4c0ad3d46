"""The registry's couplings, each checked so that it fails when the coupling comes back.

* every registered claim record has a theorem test (``theorems/``: ``claim_test("SELECTOR")`` lines), so no
  record is registered and never verified;
* every selector of a mutant's scope names records by the rule of every command's ``--claims``
  (``checks.claims.record.match_selector``), names at least one, and no record is both killed and equivalent;
* every record of every family is in some mutant's kill scope;
* a mutant that makes the check raise is reported as ``crash-killed``, apart from a failing check.
"""

import ast
from pathlib import Path

import pytest

from checks.claims import get_profile, load_all, select
from checks.claims.record import match_selector
from checks.harness import mutants as catalog
from checks.harness.mutation import mutation_scores, run_pair
from checks.harness.patching import Mutant

THEOREMS = Path(__file__).resolve().parent.parent / "theorems"


def theorem_selectors() -> list[str]:
    """The selector of every ``claim_test("…")`` call in the theorem modules (read from the source, not run)."""
    found = []
    for path in sorted(THEOREMS.glob("test_*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "claim_test":
                found.append(node.args[0].value)
    return found


def untested(ids, selectors) -> list[str]:
    """The record ids no theorem selector names (by the ``--claims`` rule)."""
    tested = {cid for sel in selectors for cid in match_selector(sel, ids)}
    return sorted(set(ids) - tested)


def test_every_registered_record_has_a_theorem_test():
    selectors = theorem_selectors()
    assert selectors, "no claim_test lines found in theorems/"
    missing = untested(list(load_all()), selectors)
    assert not missing, f"registered records no theorem module tests (add `test_x = claim_test(...)`): {missing}"


def test_a_record_without_a_theorem_test_is_noticed():
    """The rule above reports a registered record no line selects, and a line removed from a theorem module."""
    ids, selectors = list(load_all()), theorem_selectors()
    assert untested([*ids, "C12"], selectors) == ["C12"]
    assert untested(ids, [s for s in selectors if s != "C5"]) == ["C5"]


@pytest.mark.parametrize("mutant", list(catalog.MUTANTS.values()), ids=lambda m: m.id)
def test_mutant_scopes_use_the_claims_rule(mutant):
    ids = list(load_all())
    selectors = list(mutant.kills) + list(mutant.equivalent)
    for sel in selectors:
        assert match_selector(sel, ids), f"{mutant.id}: scope entry {sel!r} names no record"
    kills = {cid for sel in mutant.kills for cid in match_selector(sel, ids)}
    equivalent = {cid for sel in mutant.equivalent for cid in match_selector(sel, ids)}
    assert not kills & equivalent, f"{mutant.id}: {sorted(kills & equivalent)} both killed and equivalent"
    assert mutant.scope() == {**dict.fromkeys(equivalent, "equivalent"), **dict.fromkeys(kills, "kill")}


def test_a_family_selector_in_a_scope_means_the_family():
    """``"C6"`` in a scope is the family (as ``--claims C6``), ``"=C6"`` the record alone."""
    family = Mutant("x", "x", "checks.model.rnn:init_params", lambda f: f, kills=("C6",))
    alone = Mutant("x", "x", "checks.model.rnn:init_params", lambda f: f, kills=("=C6",))
    assert set(family.scope()) == set(select("C6")) == {"C6", "C6-lower", "C6b"}
    assert set(alone.scope()) == {"C6"}


def test_a_record_both_killed_and_equivalent_is_an_error():
    both = Mutant("x", "x", "checks.model.rnn:init_params", lambda f: f, kills=("C6",), equivalent={"=C6": "r"})
    with pytest.raises(ValueError, match="both killed and equivalent"):
        both.scope()
    with pytest.raises(ValueError, match="no claim record matches"):
        Mutant("x", "x", "checks.model.rnn:init_params", lambda f: f, kills=("C99",)).scope()
    with pytest.raises(TypeError, match="tuple"):
        Mutant("x", "x", "checks.model.rnn:init_params", lambda f: f, kills="C6")


def test_every_record_of_every_family_kills_a_mutant():
    killable = {cid for m in catalog.MUTANTS.values() for cid, kind in m.scope().items() if kind == "kill"}
    missing = sorted(set(load_all()) - killable)
    assert not missing, f"records in no mutant's kill scope: {missing}"


def _raising(original):
    def infinite_ntk(*args, **kwargs):
        raise RuntimeError("a wrong implementation that cannot run")

    return infinite_ntk


def test_a_crashing_mutant_is_counted_apart(monkeypatch):
    crash = Mutant("crashes", "H∞ raises", "checks.model.ntk:infinite_ntk", _raising, kills=("C3a",))
    monkeypatch.setitem(catalog.MUTANTS, crash.id, crash)
    result = run_pair("C3a", "crashes", get_profile("ci"))
    assert result.status == "crash-killed" and "RuntimeError" in result.reason
    rows = [result.as_dict(), {"claim": "C3a", "mutant": "m", "status": "killed", "reason": "r"}]
    score = mutation_scores(rows)["C3a"]
    assert (score["killed"], score["crash_killed"], score["in_scope"], score["score"]) == (1, 1, 2, 0.5)
    assert score["crashes"] == [{"mutant": "crashes", "reason": result.reason}]
