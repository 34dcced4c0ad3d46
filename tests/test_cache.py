"""Work done once (``checks.experiments.cache``): C7's networks and C11's curves are computed once per content and
code, and a cache never changes what a record measures (issue 25, item 4)."""

import json
import math
from dataclasses import asdict

import pytest

from checks.claims import c07_links, c11_learning_curves
from checks.claims.c07_generalization import network_list
from checks.claims.profiles import get_profile
from checks.experiments import cache, generalization
from checks.harness.mutants import MUTANTS


@pytest.fixture
def cache_at(tmp_path, monkeypatch):
    """The cache in a fresh folder, and every in-process cache cleared before and after."""

    def clear():
        generalization.network_trial.cache_clear()
        c11_learning_curves._learning_curves.cache_clear()

    monkeypatch.setenv(cache.CACHE_ENV, str(tmp_path / "cache"))
    clear()
    yield tmp_path / "cache"
    clear()


def test_computed_once_and_read_back_as_json(cache_at):
    calls = []

    def compute():
        calls.append(1)
        return {"value": (1.5, math.inf), "n": 3}

    first = cache.cached("test", {"a": 1}, compute)
    second = cache.cached("test", {"a": 1}, compute)
    assert calls == [1] and first == second == {"value": [1.5, math.inf], "n": 3}  # the JSON form, computed or read
    cache.cached("test", {"a": 2}, compute)
    assert len(calls) == 2  # another content, another key
    files = sorted(p.name for p in cache_at.iterdir())
    assert len([f for f in files if f.endswith(".json")]) == 2 and not [f for f in files if f.endswith(".tmp")]


def test_off_and_suspended_compute_every_time(cache_at, monkeypatch):
    calls = []
    with cache.suspended():  # a mutant is applied: neither read nor written
        cache.cached("test", {"a": 1}, lambda: calls.append(1) or 1)
    assert not cache_at.exists() or not list(cache_at.glob("*.json"))
    monkeypatch.setenv(cache.CACHE_ENV, "off")
    cache.cached("test", {"a": 1}, lambda: calls.append(1) or 1)
    cache.cached("test", {"a": 1}, lambda: calls.append(1) or 1)
    assert calls == [1, 1, 1]


def test_a_mutant_never_reads_the_correct_result(cache_at):
    """Mutation analysis applies mutants in process: inside ``applied()`` the cache is suspended."""
    mutant = next(iter(MUTANTS.values()))
    with mutant.applied():
        assert cache.cache_dir() is None
    assert cache.cache_dir() == cache_at


def test_a_stale_or_foreign_file_is_not_read(cache_at):
    cache.cached("test", {"a": 1}, lambda: 1)
    (path,) = cache_at.glob("test-*.json")
    data = json.loads(path.read_text())
    path.write_text(json.dumps({"key": data["key"].replace('"a": 1', '"a": 9'), "value": 2}))
    assert cache.cached("test", {"a": 1}, lambda: 3) == 3


def test_an_unusable_cache_folder_computes_without_it(tmp_path, monkeypatch):
    """``RNN_THEOREMS_CACHE_DIR`` naming a file (or a folder that cannot be written): the result is computed as without
    a cache, with one warning naming the variable, never a traceback that turns a record into an error."""
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv(cache.CACHE_ENV, str(blocker))
    with pytest.warns(UserWarning, match=cache.CACHE_ENV):
        assert cache.cached("test", {"a": 1}, lambda: {"v": (1.5,)}) == {"v": [1.5]}
    assert blocker.read_text() == "not a folder"


SMALL_NETWORK = {"target": "last-linear", "L": 2, "n": 24, "seed": 5, "heavy_tailed_labels": False,
                 "network": {"widths": [16, 32], "cap": 40}}


def _measurements(instance) -> list[dict]:
    return [asdict(c07_links.evaluate_radius(instance)), asdict(c07_links.evaluate_linearization(instance))]


def test_link_records_equal_with_and_without_the_cache(cache_at, monkeypatch):
    """C7-radius and C7-linearization measure the same with the cache off, cold and warm (a fresh process reading
    what another wrote: the in-process cache cleared)."""
    monkeypatch.setenv(cache.CACHE_ENV, "off")
    off = _measurements(SMALL_NETWORK)
    generalization.network_trial.cache_clear()
    monkeypatch.setenv(cache.CACHE_ENV, str(cache_at))
    cold = _measurements(SMALL_NETWORK)
    generalization.network_trial.cache_clear()
    warm = _measurements(SMALL_NETWORK)
    assert json.dumps(off, sort_keys=True) == json.dumps(cold, sort_keys=True) == json.dumps(warm, sort_keys=True)
    assert len(list(cache_at.glob("c7-network-*.json"))) == 1


def test_c11_curves_equal_with_and_without_the_cache(cache_at, monkeypatch):
    key = json.dumps({"lengths": [4, 6], "sizes": [8, 16], "dim": 4, "seeds": 2, "eps": 0.5}, sort_keys=True)
    monkeypatch.setenv(cache.CACHE_ENV, "off")
    off = c11_learning_curves._learning_curves(key)
    c11_learning_curves._learning_curves.cache_clear()
    monkeypatch.setenv(cache.CACHE_ENV, str(cache_at))
    cold = c11_learning_curves._learning_curves(key)
    c11_learning_curves._learning_curves.cache_clear()
    warm = c11_learning_curves._learning_curves(key)
    assert off == cold == warm
    assert len(list(cache_at.glob("c11-curves-*.json"))) == 1


def test_c7_and_its_links_share_the_network_list():
    """C7 draws its network experiments from the list its links check: 8 distinct experiments at ci, every
    ``(L, n, target)`` cell of the profile's ``c7_network`` covered."""
    profile = get_profile("ci")
    experiments = network_list(profile)
    assert len(experiments) == 8 == c07_links.network_budget(profile)
    assert len({e["seed"] for e in experiments}) == 8
    net_L, net_n, _, _ = profile.c7_network
    assert {(e["L"], e["n"], e["target"]) for e in experiments} == {
        (L, n, t) for L in net_L for n in net_n for t in ("first-linear", "middle-linear", "last-linear")}
