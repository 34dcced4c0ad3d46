"""The real-data loader (checks.experiments.data): digits from scikit-learn in CI, aeon sets when installed."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
import torch

from checks.experiments import data as D
from checks.experiments import real_data as R
from checks.model.ntk import infinite_ntk
from checks.numerics.linalg import spectrum_edges

DIGITS_N = 1797  # scikit-learn's digits: 1797 images, none duplicated (so none dropped)
AEON_SETS = [name for name, ds in D.DATASETS.items() if ds.source == "aeon"]


def test_registry_lists_digits_as_installed_and_names_the_extra():
    rows = {row["name"]: row for row in D.list_datasets()}
    assert rows["digits"]["installed"] and rows["digits"]["install_hint"] is None
    assert (rows["digits"]["n"], rows["digits"]["L"], rows["digits"]["d"]) == (DIGITS_N, 8, 8)
    assert "digits" in D.available()
    for name in AEON_SETS:
        assert rows[name]["source"] == "aeon" and rows[name]["extra"] == "data"
        assert rows[name]["installed"] or rows[name]["install_hint"] == "pip install -e '.[data]'"
    json.dumps(rows)  # plain JSON-able rows for `rnn-theorems data --list`
    table = D.format_list()
    assert table.splitlines()[0].startswith("name") and "digits" in table


def test_digits_shapes_dtypes_and_labels():
    X, y = D.load("digits")
    assert X.shape == (DIGITS_N, 8, 8) and X.dtype == torch.float64
    assert y.shape == (DIGITS_N,) and y.dtype == torch.float64
    assert set(y.tolist()) == {-1.0, 1.0}  # binary, so |y| <= 1 (A5)
    info = D.describe("digits")
    assert info["n_positive"] == int((y > 0).sum())  # digit < 5: 901 of 1797
    # the stated normalization: channels centered, mean ‖X_l‖² = 1
    assert torch.allclose(X.mean(dim=(0, 1)), torch.zeros(8, dtype=torch.float64), atol=1e-12)
    assert math.isclose(float((X * X).sum(-1).mean()), 1.0, rel_tol=1e-12)


def test_load_is_deterministic_by_seed():
    X1, y1 = D.load("digits", n=50, seed=1)
    X2, y2 = D.load("digits", n=50, seed=1)
    X3, _ = D.load("digits", n=50, seed=2)
    assert torch.equal(X1, X2) and torch.equal(y1, y2)
    assert not torch.equal(X1, X3)
    X1[0, 0, 0] = 99.0  # the caller's copy: the cached pool is not changed
    assert torch.equal(D.load("digits", n=50, seed=1)[0], X2)


def test_a3_holds_on_a_loaded_sample():
    info = D.describe("digits")
    assert info["dropped_zero_first_step"] == 0 and info["dropped_exact_duplicates"] == 0
    X, _ = D.load("digits", n=200, seed=0)
    assert bool((X[:, 0].norm(dim=-1) > 0).all())  # X_1 ≠ 0
    lam_min, lam_max = spectrum_edges(infinite_ntk(X))
    assert lam_min > 200 * np.finfo(np.float64).eps * lam_max  # λ_0 > 0 beyond round-off (C3)


def test_enforce_a3_drops_zero_first_steps_duplicates_and_positive_multiples():
    X, y = D.load("digits", n=20, seed=0)
    X, y = X.numpy(), y.numpy()
    zero_first = X[3].copy()
    zero_first[0] = 0.0
    extra = np.stack([X[0], 2.0 * X[1], X[2] * (1 + 1e-12), zero_first])  # duplicate, multiple, near duplicate
    Xd = np.concatenate([X, extra])
    yd = np.concatenate([y, [y[0], -y[1], y[2], y[3]]])
    Xk, yk, report = D.enforce_a3(Xd, yd)
    assert report["dropped_zero_first_step"] == 1
    assert report["dropped_exact_duplicates"] == 1 and report["dropped_near_duplicates"] == 2
    assert report["dropped_with_conflicting_label"] == 1
    assert np.array_equal(Xk, X) and np.array_equal(yk, y)  # the first of each group is kept


def test_prepare_adds_a_bias_channel_to_univariate_series():
    raw = np.arange(12.0).reshape(2, 6, 1) ** 2
    Z, report = D.prepare(raw)
    assert Z.shape == (2, 6, 2) and report["bias_channel"]
    assert np.allclose(Z[..., 1], 1 / math.sqrt(2))  # the constant channel, after the 1/√d scale
    assert math.isclose(float((Z * Z).sum(-1).mean()), 1.0)


def test_unknown_name_and_too_large_n_are_clear_errors():
    with pytest.raises(ValueError, match="known: digits"):
        D.load("mnist")
    with pytest.raises(ValueError, match=f"{DIGITS_N} usable sequences"):
        D.load("digits", n=DIGITS_N + 1)
    with pytest.raises(ValueError, match="integer >= 1"):
        D.load("digits", n=0)
    with pytest.raises(ValueError, match="known: digits"):
        R.real_data_rows("mnist", (10,))


def test_real_data_rows_refuses_too_large_sizes_before_computing(monkeypatch):
    def forbidden(*args, **kwargs):
        raise AssertionError("computed before checking the sizes")

    monkeypatch.setattr(R, "infinite_ntk", forbidden)
    with pytest.raises(ValueError, match=f"n <= {DIGITS_N - R.MIN_TEST_SIZE} at the least n_test"):
        R.real_data_rows("digits", (100, DIGITS_N))


def test_real_data_rows_small_run():
    rows = R.real_data_rows("digits", (50, 100), n_test=200, network_width=64, network_steps=30)
    json.dumps(rows)
    assert [row["n"] for row in rows] == [50, 100]
    for row in rows:
        assert row["n_test"] == 200
        assert row["lambda_0"] > 0  # C3 on real data
        assert 0 <= row["kernel_test_error"] < 0.5  # better than chance on digits (measured ≈ 0.1)
        assert 0 <= row["kernel_test_loss"] <= 1
        assert row["kernel_train_loss"] < 1e-8  # ridgeless: interpolates
        # C7-labels: random labels need more complexity; the bound, proved with the dyadic grid radius
        # (docs/claims.md C7), can round both radii to the same 2^k at small n, so it separates them weakly
        assert row["complexity_random_per_n"] > row["complexity_true_per_n"] > 0
        assert row["bound_random"] >= row["bound_true"] > 0
        for key in ("net_test_error", "net_test_loss", "net_train_loss", "kernel_gd_test_error"):
            assert 0 <= row[key] <= 1
        assert row["net_bound"] >= row["generalization_true"]
        assert row["net_epsilon_m"] >= 0 and row["seconds"] > 0
    capped = R.real_data_rows("digits", (50,), n_test=50, network_max_n=10)
    assert "net_test_error" not in capped[0] and "network_max_n" in capped[0]["network_skipped"]


@pytest.mark.parametrize("name", AEON_SETS)
def test_aeon_sets_load_with_their_recorded_shape(name):
    pytest.importorskip("aeon")
    ds = D.DATASETS[name]
    X, y = D.load(name)
    assert X.dtype == torch.float64 and X.shape[1:] == (ds.L, ds.d)
    assert set(y.tolist()) == {-1.0, 1.0}
    assert D.describe(name)["n"] == X.shape[0] <= ds.n_raw
    Xs, _ = D.load(name, n=min(60, X.shape[0]), seed=0)
    assert spectrum_edges(infinite_ntk(Xs))[0] > 0


def test_a_name_that_is_no_id_segment_is_refused_and_an_underscore_is_mapped_visibly():
    """``breast_cancer`` reads ``breast-cancer`` in its record ids (ids hold no ``_``): the mapping is the data set's
    ``segment``, listed by ``data --list``; a name that maps onto no id segment is refused (names hold no ``-``, so two
    names share a segment only when listed twice, also refused)."""
    from dataclasses import replace

    digits = D.DATASETS["digits"]
    assert replace(digits, name="breast_cancer").segment == "breast-cancer"
    for bad in ("breast-cancer", "Breast", "breast cancer", "9x", ""):
        with pytest.raises(ValueError, match="cannot name claim records"):
            replace(digits, name=bad)
    with pytest.raises(ValueError, match="would share the record ids …-data-a-b"):  # a name listed twice
        D._by_name([replace(digits, name="a_b"), replace(digits, name="a_b")])
    listing = D.format_list()
    assert "…-data-italy-power" in listing and "'_' in the name read as '-'" in listing
    assert [r["segment"] for r in D.list_datasets() if r["name"] == "italy_power"] == ["italy-power"]
