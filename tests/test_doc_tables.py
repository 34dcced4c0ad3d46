"""The docs' record tables against the records: README.md's status table and docs/claims.md's record index are produced
from the registry and the baseline (``checks.tools.doc_tables``) and must be current; the hand-written worst-case
table of the README names only records that exist."""

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from checks.claims import RESERVED_FAMILY, Claim, Measurement, Twin, load_all
from checks.claims.record import match_selector
from checks.harness.jsonio import read_json
from checks.tools.doc_tables import BLOCKS, NEW, refresh

ROOT = Path(__file__).resolve().parents[1]


def test_the_docs_record_tables_are_current():
    """In a fresh process (the registry every run has, no test's toy record): ``--check`` finds nothing stale."""
    ran = subprocess.run([sys.executable, "-m", "checks.tools.doc_tables", "--check", "--root", str(ROOT)], cwd=ROOT,
                         capture_output=True, text=True, timeout=300)
    assert ran.returncode == 0, ran.stdout + ran.stderr


def _copy(tmp_path: Path) -> Path:
    for rel in [*BLOCKS, "ledger-baseline.json"]:
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(ROOT / rel, tmp_path / rel)
    return tmp_path


def test_a_new_record_makes_the_tables_stale_until_they_are_rewritten(tmp_path):
    root = _copy(tmp_path)
    toy = Claim(id=f"{RESERVED_FAMILY}-doc-toy", title="A toy record", statement="x ≤ 1", assumptions=(),
                strategy=lambda scenario, profile: None, evaluate=lambda i: Measurement(0.0, 1.0),
                twin=Twin.tightened(0.5, "x ≤ 1/2"))
    records = {**load_all(), toy.id: toy}
    assert refresh(root, check=True, records=records) == sorted(BLOCKS)  # the toy row is missing from both tables
    assert refresh(root, records=records) == sorted(BLOCKS)
    assert refresh(root, check=True, records=records) == []
    readme = (root / "README.md").read_text()
    assert f"| {toy.id} | A toy record | none | {NEW} |" in readme  # not in the baseline: said so, not a failure
    assert f"| {toy.id} | x ≤ 1 | lhs ≤ rhs | x ≤ 1/2 |" in (root / "docs" / "claims.md").read_text()


def test_a_status_that_moved_in_the_baseline_makes_the_readme_stale(tmp_path):
    root = _copy(tmp_path)
    baseline = read_json(root / "ledger-baseline.json")
    baseline["records"]["C3a"]["status"] = "fails"
    assert refresh(root, check=True, records=load_all(), baseline=baseline) == ["README.md"]


def test_a_file_without_its_markers_is_an_error(tmp_path):
    root = _copy(tmp_path)
    (root / "README.md").write_text("no markers\n")
    with pytest.raises(ValueError, match="needs the marker lines"):
        refresh(root, check=True, records=load_all())


def _hand_written_rows() -> list[str]:
    """The first cells of README's hand-written table (header ``| record | claim (one line) | …``)."""
    text = (ROOT / "README.md").read_text()
    table = text.split("| record | claim (one line) |", 1)[1].split("\n\n", 1)[0]
    return [line.split("|")[1].strip() for line in table.splitlines()[2:] if line.startswith("|")]


def test_the_hand_written_table_names_only_records_that_exist():
    ids = list(load_all())
    rows = _hand_written_rows()
    assert len(rows) >= 10, "README.md: the hand-written worst-case table was not found"
    for cell in rows:
        for token in re.split(r",\s*", cell):
            selector = token.removesuffix("-*").strip("` ")
            assert match_selector(selector, ids), f"README.md's worst-case table names {token!r}: no registered record"


def test_a_wrong_root_is_one_line_naming_it(tmp_path, capsys):
    """``--root`` that is no folder, or a folder without the documents, is a usage error naming what is missing
    (it read "no ledger … run verify first", or a raw ``[Errno 2]``: reviewer, 2026-12-06)."""
    from checks.tools.doc_tables import main

    for root, expected in ((tmp_path / "absent", "not a folder"), (tmp_path, "no README.md there")):
        assert main(["--root", str(root)]) == 2
        err = capsys.readouterr().err.strip()
        assert len(err.splitlines()) == 1 and str(root) in err and expected in err
