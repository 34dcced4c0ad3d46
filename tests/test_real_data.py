"""The data-set records (C3, C7, C7-labels on a real data set): sizes from the data set, ledger records from
``verify --data``, and every option ``verify --data`` does not honour is an error."""

import pytest

from checks.claims import REGISTRY, get, unregister
from checks.claims.c03_c07_real_data import data_records, register_data_set
from checks.experiments.data import DATASETS
from checks.experiments.real_data import DEFAULT_TEST_SIZE, MAX_TRAIN_SIZE, MIN_TEST_SIZE, data_sizes
from checks.harness.jsonio import read_json
from checks.tools.cli import main


@pytest.mark.parametrize("pool", sorted({ds.n_raw for ds in DATASETS.values()} | {22, 60, 80, 5000}))
def test_sizes_fit_the_pool(pool):
    sizes, n_test = data_sizes(pool)
    assert MIN_TEST_SIZE <= n_test <= DEFAULT_TEST_SIZE
    assert sizes == sorted(set(sizes)) and sizes[0] >= 2 and sizes[-1] <= MAX_TRAIN_SIZE
    assert sizes[-1] + n_test <= pool  # what real_data_rows checks before computing
    if pool >= 200:
        assert len(sizes) == 3 and sizes[-1] >= 8 * sizes[0]  # a decade of n


def test_the_shipped_data_sets_get_sizes_that_exist():
    """GunPoint (200 series), BasicMotions (80), JapaneseVowels (640): the old fixed sizes 100, 300, 1000 did not fit."""
    assert data_sizes(200) == ([15, 47, 150], 50)
    assert data_sizes(80) == ([6, 19, 60], 20)
    assert data_sizes(640) == ([48, 152, 480], 160)
    with pytest.raises(ValueError, match="cannot hold"):
        data_sizes(21)


def test_records_of_another_data_set_register_once():
    ids = register_data_set("gunpoint")
    try:
        assert ids == data_records("gunpoint") == ["C3-data-gunpoint", "C7-data-gunpoint", "C7-labels-data-gunpoint"]
        assert register_data_set("gunpoint") == ids and all(get(i).family in ("C3", "C7") for i in ids)
    finally:
        for i in ids:
            unregister(i)
    assert "C3-data-gunpoint" not in REGISTRY


def test_verify_data_writes_ledger_records_and_a_baseline(tmp_path, capsys):
    ledger, baseline = tmp_path / "ledger.json", tmp_path / "baseline.json"
    code = main(["verify", "--data", "digits", "--ledger", str(ledger), "--baseline", str(baseline), "--update-baseline"])
    assert code == 0
    records = read_json(ledger)["records"]
    assert set(records) == set(data_records("digits"))
    assert records["C3-data-digits"]["status"] == "holds" and records["C3-data-digits"]["details"]["sizes"] == [100, 316, 1000]
    assert records["C7-labels-data-digits"]["status"] == "expected-fail"  # the dyadic-radius tie at n = 100
    # the bound is ≥ 1 at every size: the record cannot fail, and says so everywhere (issue 23), its guard still checked
    c7 = records["C7-data-digits"]
    assert c7["status"] == "vacuous" and c7["vacuous_instances"] == 1 and c7["guards"]["held-out"]["holds"]
    assert any(line.split()[:2] == ["C7-data-digits", "vacuous"] for line in capsys.readouterr().out.splitlines())
    assert all(r["resolution"]["unit"] for r in records.values())
    assert set(read_json(baseline, "baseline")["records"]) == set(records)


@pytest.mark.parametrize("extra, flag", [(["--claims", "C3"], "--claims"), (["--workers", "2"], "--workers"),
                                         (["--scheduler", "tcp://x:1"], "--scheduler")])
def test_verify_data_refuses_options_it_does_not_honour(extra, flag, capsys):
    assert main(["verify", "--data", "digits", *extra]) != 0
    assert f"drop {flag}" in capsys.readouterr().err


def test_verify_data_names_a_missing_package(capsys, monkeypatch):
    from checks.experiments import data

    monkeypatch.setattr(data.DataSet, "installed", property(lambda self: False))
    data.prepared_pool.cache_clear()  # a pool loaded earlier in this process would hide the missing package
    try:
        assert main(["verify", "--data", "gunpoint"]) != 0
        assert "pip install" in capsys.readouterr().err
    finally:
        data.prepared_pool.cache_clear()
        for i in data_records("gunpoint"):
            unregister(i)
