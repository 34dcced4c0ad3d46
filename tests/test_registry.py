"""The registry's couplings, each checked so that it fails when the coupling comes back.

* every module of ``checks/claims/`` is a claim module that ``load_all`` imports and that registers a record, or a
  helper listed in ``checks.claims.HELPERS`` that registers none (``registration_problems``);
* no family range is written out in the code; the docs' ranges end at the registry's last family;
* every registered claim record has a theorem test (``theorems/``: ``claim_test("SELECTOR")`` lines), so no
  record is registered and never verified;
* every selector of a mutant's scope names records by the rule of every command's ``--claims``
  (``checks.claims.record.match_selector``), names at least one, and no record is both killed and equivalent;
* every record of every family is in some mutant's kill scope;
* a mutant that makes the check raise is reported as ``crash-killed``, apart from a failing check.
"""

import ast
import re
from pathlib import Path

import pytest

from checks.claims import (
    HELPERS,
    REGISTERED_BY,
    REGISTRY,
    RESERVED_FAMILY,
    claim_modules,
    families,
    family_range,
    get,
    get_profile,
    load_all,
    registration_problems,
    select,
)
from checks.claims.record import match_selector
from checks.harness import mutants as catalog
from checks.harness.mutation import mutation_scores, run_pair
from checks.harness.patching import Mutant

ROOT = Path(__file__).resolve().parent.parent
THEOREMS = ROOT / "theorems"
NEVER = f"{RESERVED_FAMILY}-never"
"""A record id that can never be registered by the package: its family is reserved (``test_no_claim_module_registers_the_reserved_family``)."""


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
    assert untested([*ids, NEVER], selectors) == [NEVER]
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
        Mutant("x", "x", "checks.model.rnn:init_params", lambda f: f, kills=(NEVER,)).scope()
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


def test_every_module_of_the_claims_package_is_loaded_and_registers_or_is_a_listed_helper():
    load_all()
    assert registration_problems() == []
    assert set(HELPERS) <= {p.stem for p in (ROOT / "checks" / "claims").glob("*.py")}, "a listed helper that does not exist"


def _module(directory: Path, name: str, source: str = "") -> None:
    (directory / f"{name}.py").write_text(source)


def test_a_module_that_registers_nothing_or_is_never_loaded_is_found(tmp_path):
    """The rule above on a made-up package: each way a claim module can go unregistered is one problem line."""
    _module(tmp_path, "c12_loaded")  # loaded, registered C12
    _module(tmp_path, "arora_labels")  # a claim module under any name is loaded (no file-name pattern)
    _module(tmp_path, "c13_forgotten")  # a claim module that load_all did not import
    _module(tmp_path, "c14_empty")  # loaded, registers nothing
    _module(tmp_path, "scenarios", "register(Claim(...))\n")  # a helper that registers
    _module(tmp_path, "_template", "register(Claim(...))\n")  # the template's register call is its point
    _module(tmp_path, "c15_toy")  # registers the reserved family
    assert {"arora_labels", "c12_loaded", "c13_forgotten"} <= set(claim_modules(tmp_path))
    assert "scenarios" not in claim_modules(tmp_path) and "_template" not in claim_modules(tmp_path)
    loaded = {"c12_loaded", "arora_labels", "c14_empty", "scenarios", "c15_toy"}
    by = {"checks.claims.c12_loaded": ["C12"], "checks.claims.arora_labels": ["C12b"], "checks.claims.c15_toy": [NEVER]}
    problems = registration_problems(tmp_path, loaded, by)
    assert len(problems) == 4, problems
    assert any(p.startswith("c13_forgotten.py is never loaded") for p in problems)
    assert any(p.startswith("claim module c14_empty.py registers no record") for p in problems)
    assert any(p.startswith("helper scenarios.py registers claim records") for p in problems)
    assert any(p.startswith(f"c15_toy.py registers {NEVER}") for p in problems)


def test_no_claim_module_registers_the_reserved_family():
    load_all()
    package = [cid for module, ids in REGISTERED_BY.items() if module.startswith("checks.claims.") for cid in ids]
    assert package and not [cid for cid in package if cid.split("-")[0] == RESERVED_FAMILY]
    assert "checks.claims._template" not in __import__("sys").modules, "the template is copied, never loaded"


def test_the_family_range_is_read_from_the_registry(monkeypatch):
    """Messages name the registry's families: a new family shows up in them (one two past the last: it cannot exist)."""
    assert family_range(["C1", "C2a", "C3-x", "C5", f"{RESERVED_FAMILY}-toy"]) == "C1 … C3, C5"
    last = int(families()[-1][1:])
    assert family_range() == f"C1 … C{last}"
    probe = f"C{last + 2}-probe"
    monkeypatch.setitem(REGISTRY, probe, get("C3a"))
    with pytest.raises(ValueError, match=f"families C1 … C{last}, C{last + 2} or one of"):
        select("C3z")


RANGE = re.compile(r"\bC1\s*(?:…|–|—|-|\.\.\.)\s*C(\d+)\b")


def test_no_family_range_is_written_out_in_the_code():
    """The range "C1 … C11" in code would go stale when a family is added: it is ``checks.claims.family_range()``."""
    found = [f"{p.relative_to(ROOT)}: {m.group(0)}" for p in sorted((ROOT / "checks").rglob("*.py")) for m in RANGE.finditer(p.read_text())]
    assert not found, found


def test_the_docs_ranges_end_at_the_registrys_last_family():
    last = int(families()[-1][1:])
    for path in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]:
        for m in RANGE.finditer(path.read_text()):
            assert int(m.group(1)) == last, f"{path.name}: {m.group(0)!r}, but the registry's families are {family_range()}"
