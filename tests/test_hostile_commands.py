"""Issue 24: no command disarms the regression guard or destroys a result, whatever a careless or hostile user types.

One test (or parametrized group) per defect the issue reproduced, each failing when the defect comes back:

1. ``--update-baseline`` from a run with an unexpected failure (refused; ``--accept-failures`` is named and recorded);
2. output options overwriting a file of another kind (the one writer refuses it);
3. concurrent ``--update-baseline`` runs losing an update (the baseline's lock);
4. the report deleting files it did not write (its manifest);
5. a non-finite baseline number switching a comparison off (refused when read, a diff when compared);
6. tracebacks and messages naming nothing (one line naming the file, option or field);
7. unbounded numeric options (refused up front, the bound and its reason in ``--help``);
8. a report written in place (replaced whole, or not at all, on a full disk);
9. ledger text rendered as Markdown (rendered as text: no image, link or raw HTML from data);
10. interrupts (exit 130, no process and no temporary folder left), a silent wait on a lock, output folders found
    read-only only after minutes of work.

Claims are toys (tiny, instant) so that every test but the interrupt of ``verify --workers 2`` takes a second or two.
"""

import errno
import json
import multiprocessing
import os
import re
import signal
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from test_results_store import read_only_dir, toy_claim  # noqa: F401  (read_only_dir: a fixture; one home, tests/test_results_store.py)

from checks.claims import Measurement, register, unregister
from checks.harness import jsonio
from checks.harness.baseline import compare
from checks.harness.jsonio import OutputError, file_kind, locked, read_json, write_json
from checks.harness.schemas import load
from checks.tools.cli import main
from checks.tools.report import render_report

ROOT = Path(__file__).resolve().parents[1]
STATE = {"fail": False, "interrupt": False}


def _evaluate(instance):
    if STATE["interrupt"]:
        raise KeyboardInterrupt  # what Ctrl-C raises in the middle of a check
    return Measurement(lhs=instance["x"], rhs=-1.0 if STATE["fail"] else 1.0)


@pytest.fixture
def toys(tmp_path, monkeypatch):
    """Toy records C91, C92 (they fail while ``STATE["fail"]``), a theorem folder; the working directory is tmp_path."""
    monkeypatch.chdir(tmp_path)
    STATE.update(fail=False, interrupt=False)
    for cid in ("C91", "C92"):
        register(toy_claim(cid, _evaluate))
    theorems = tmp_path / "theorems"
    theorems.mkdir()
    name = f"test_toy_{uuid.uuid4().hex[:8]}.py"  # a fresh module name: the runs are in-process
    (theorems / name).write_text('from checks.harness.factory import claim_test\n\ntest_c91 = claim_test("C91")\ntest_c92 = claim_test("C92")\n')
    yield theorems
    for cid in ("C91", "C92"):
        unregister(cid)
    STATE.update(fail=False, interrupt=False)


def _verify(theorems, *args, baseline="baseline.json"):
    return main(["verify", "--theorems", str(theorems), "--ledger", "results/ledger.json", "--baseline", baseline, *args])


def _line(err: str) -> str:
    """The one line a user error prints (no traceback, no repr of a path object)."""
    lines = [line for line in err.strip().splitlines() if line.strip()]
    assert len(lines) == 1 and "Traceback" not in err and "PosixPath(" not in err, err
    return lines[0]


# ------------------------------------------------------------------------ 1. the baseline guard


def test_update_baseline_refuses_a_run_with_an_unexpected_failure(toys, capsys):
    """Defect 1: a failing run used to rewrite the baseline with `fails` and exit 0."""
    assert _verify(toys, "--update-baseline") == 0
    before = Path("baseline.json").read_bytes()
    capsys.readouterr()
    STATE["fail"] = True
    assert _verify(toys, "--claims", "C91", "--update-baseline") == 1
    err = capsys.readouterr().err
    assert "baseline baseline.json left unchanged" in err and "C91 (fails)" in err and "--accept-failures" in err
    assert Path("baseline.json").read_bytes() == before  # the guard stays armed
    assert _verify(toys, "--claims", "C91") == 1  # and still sees the regression


def test_accepting_a_failure_is_an_explicit_choice_the_baseline_records(toys, capsys):
    assert _verify(toys, "--update-baseline") == 0
    STATE["fail"] = True
    assert _verify(toys, "--claims", "C91", "--update-baseline", "--accept-failures") == 1  # a check failed: exit 1 still
    data = load("baseline.json", "baseline")
    assert data["records"]["C91"]["status"] == "fails" and data["records"]["C92"]["status"] == "holds"
    accepted = data["accepted_failures"]["C91"]
    run = read_json("results/ledger.json")["runs"][-1]
    assert accepted["status"] == "fails" and accepted["run"] == run["id"] and accepted["accepted_at"] >= run["started_at"]
    assert "--accept-failures" in accepted["argv"]
    assert "failures accepted into baseline baseline.json" in capsys.readouterr().err
    STATE["fail"] = False  # the record holds again: refreshing it drops the acceptance
    assert _verify(toys, "--claims", "C91", "--update-baseline") == 0
    assert "accepted_failures" not in load("baseline.json", "baseline")
    assert _verify(toys, "--claims", "C91", "--accept-failures") == 2  # only with --update-baseline


def test_update_baseline_on_a_subset_names_the_records_it_kept(toys, capsys):
    """Issue 26 item 4: a refresh of some records says which others it left as they were (and leaves them so)."""
    assert _verify(toys, "--update-baseline") == 0
    assert "kept unchanged" not in capsys.readouterr().out  # a full refresh keeps nothing
    c92 = load("baseline.json", "baseline")["records"]["C92"]
    assert _verify(toys, "--claims", "C91", "--update-baseline") == 0
    assert "1 refreshed, 1 other record(s) kept unchanged: C92" in capsys.readouterr().out
    assert load("baseline.json", "baseline")["records"]["C92"] == c92


MUTANT_MODULE = '''
import pytest
from checks.harness.factory import claim_test
from checks.harness.mutants import MUTANTS


@pytest.fixture(autouse=True)
def _catalogued_mutant():  # a plausible wrong implementation (checks/harness/mutants.py): C3b-converse must fail under it
    with MUTANTS["hinf-jitter"].applied():
        yield


test_c3 = claim_test("C3b-converse")
'''


@pytest.mark.slow
def test_update_baseline_refuses_a_run_under_a_catalogued_mutant(tmp_path, monkeypatch, capsys):
    """Defect 1 as the issue reproduced it: a catalogued mutant applied in a copy of theorems/, `--update-baseline`
    exited 0 and the baseline recorded `fails`.  A real claim record, a few seconds."""
    monkeypatch.chdir(tmp_path)
    theorems = tmp_path / "theorems"
    theorems.mkdir()
    (theorems / f"test_mutant_{uuid.uuid4().hex[:8]}.py").write_text(MUTANT_MODULE)
    baseline = tmp_path / "B.json"
    baseline.write_bytes((ROOT / "ledger-baseline.json").read_bytes())
    args = ["verify", "--claims", "C3b-converse", "--theorems", str(theorems), "--ledger", "results/ledger.json", "--baseline", "B.json"]
    assert main([*args, "--update-baseline"]) == 1
    assert "C3b-converse (fails)" in capsys.readouterr().err
    assert baseline.read_bytes() == (ROOT / "ledger-baseline.json").read_bytes()
    assert read_json("results/ledger.json")["records"]["C3b-converse"]["status"] == "fails"  # the run itself is recorded


def _update_in_child(theorems, claim_id, barrier, slow):
    STATE["fail"] = False
    jsonio_write = jsonio.write_together

    def slow_write(items, **kw):  # widen the window between reading the baseline and writing it
        if any(str(p).endswith("baseline.json") for p, _, _ in items):
            time.sleep(slow)
        return jsonio_write(items, **kw)

    jsonio.write_together = slow_write
    barrier.wait()
    os._exit(main(["verify", "--theorems", str(theorems), "--claims", claim_id, "--ledger", "results/ledger.json",
                   "--baseline", "baseline.json", "--update-baseline"]))


def test_two_concurrent_baseline_updates_keep_both_records(toys):
    """Defect 3: two `--update-baseline` runs on different records both said "rewritten"; one update was lost."""
    write_json("baseline.json", {"profile": "ci", "records": {}, "notes": {}, "updated_at": "2026-01-01T00:00:00.000+00:00"})
    ctx = multiprocessing.get_context("fork")
    barrier = ctx.Barrier(2)
    procs = [ctx.Process(target=_update_in_child, args=(toys, cid, barrier, 0.5)) for cid in ("C91", "C92")]
    for p in procs:
        p.start()
    for p in procs:
        p.join(120)
    assert [p.exitcode for p in procs] == [0, 0]
    assert set(load("baseline.json", "baseline")["records"]) == {"C91", "C92"}


def _hold_lock(path, ready, release):
    with locked(path, "baseline"):
        ready.set()
        release.wait(30)


def test_a_wait_on_a_lock_says_who_holds_it_and_how_long_it_waits(tmp_path, capsys):
    """Defect 10 (part): a lock held by another run used to wait 120 s in silence."""
    path = tmp_path / "baseline.json"
    ctx = multiprocessing.get_context("fork")
    ready, release = ctx.Event(), ctx.Event()
    holder = ctx.Process(target=_hold_lock, args=(path, ready, release))
    holder.start()
    try:
        assert ready.wait(30)
        with pytest.raises(OutputError) as e:
            with locked(path, "baseline", timeout=0.5):
                pass
        err = capsys.readouterr().err
        said = f"process {holder.pid} on {socket.gethostname()} since 20"
        assert said in err and "waiting up to 0.5 s" in err  # who, since when, how long
        assert said in str(e.value) and "nothing was written" in str(e.value) and "\n" not in str(e.value)
    finally:
        release.set()
        holder.join(30)
    with locked(path, "baseline", timeout=5):  # released: taken at once, the holder's note gone with it
        assert capsys.readouterr().err == ""


# ------------------------------------------------------------------- 2. one writer, its own kind only


def _files(tmp_path):
    """A ledger, a baseline and a stranger's file, each with its bytes."""
    ledger = {"profile": "ci", "records": {}, "notes": {}, "runs": [], "schema": 2}
    write_json(tmp_path / "ledger.json", ledger)
    write_json(tmp_path / "baseline.json", {"profile": "ci", "records": {}, "notes": {}, "updated_at": "2026-01-01"})
    (tmp_path / "notes.py").write_text("print('a user file')\n")
    return {p.name: p.read_bytes() for p in tmp_path.iterdir() if p.is_file()}


HOSTILE_OUTPUTS = [
    (["mutate", "--claims", "C9", "--mutants", "certificate-halved", "--json", "ledger.json"], "it holds a claim ledger, not a mutation table"),
    (["mutate", "--claims", "C9", "--mutants", "certificate-halved", "--json", "baseline.json"], "it holds a baseline, not a mutation table"),
    (["learning-curve", "--lengths", "4", "--sizes", "16", "--seeds", "1", "--json", "baseline.json"], "it holds a baseline, not learning curves"),
    (["false-alarms", "--claims", "C4a", "--runs", "1", "--json", "ledger.json"], "it holds a claim ledger, not a false-alarm table"),
    (["audit", "--drop", "A3", "--claims", "C3a", "--examples", "1", "--out", "baseline.json"], "it holds a baseline, not an audit table"),
    (["mutate", "--claims", "C9", "--mutants", "certificate-halved", "--json", "notes.py"], "it holds no file rnn-theorems writes"),
    (["verify", "--claims", "C3a", "--ledger", "baseline.json", "--baseline", "b.json", "--update-baseline"], "it holds a baseline, not a claim ledger"),
    (["verify", "--claims", "C3a", "--ledger", "l.json", "--baseline", "ledger.json", "--update-baseline"], "it holds a claim ledger, not a baseline"),
]


@pytest.mark.parametrize("args, message", HOSTILE_OUTPUTS, ids=[" ".join(a[:1] + a[-2:]) for a, _ in HOSTILE_OUTPUTS])
def test_an_output_option_never_overwrites_another_kind_of_file(tmp_path, monkeypatch, capsys, args, message):
    """Defect 2: `mutate --json results/ledger.json` replaced the ledger (7 records → 0), `mutate`/`learning-curve
    --json ledger-baseline.json` the baseline.  Refused before any work, every file byte for byte as it was."""
    monkeypatch.chdir(tmp_path)
    before = _files(tmp_path)
    if args[0] == "verify":
        args = [*args, "--theorems", str(ROOT / "theorems")]
    assert main(args) == 2
    line = _line(capsys.readouterr().err)
    assert message in line and "refusing to overwrite" in line
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir() if p.is_file() and p.name in before} == before


def test_the_writer_tells_kinds_apart_and_replaces_only_its_own(tmp_path):
    path = tmp_path / "out.json"
    path.write_text("")
    write_json(path, {"rows": [], "scores": {}}, kind="mutation")  # an empty file holds nothing: written
    assert file_kind(path) == "mutation"
    write_json(path, {"rows": [], "scores": {"C3a": {}}}, kind="mutation")  # its own kind: replaced
    for data, kind in (({"records": {}, "runs": []}, "ledger"), ({"rows": []}, "audit"), ({"claim": "C3a", "instance": {}}, "counterexample")):
        with pytest.raises(OutputError, match="refusing to overwrite .*out.json: it holds a mutation table"):
            write_json(path, data, kind=kind)
    assert json.loads(path.read_text())["scores"] == {"C3a": {}}
    (tmp_path / "figure.png").write_bytes(b"\x89PNG\r\n\x1a\n a user's figure")
    with pytest.raises(OutputError, match="figure.png: it holds no file rnn-theorems writes, not a plot"):
        jsonio.write_bytes(tmp_path / "figure.png", b"\x89PNG\r\n\x1a\n", kind="plot")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["figure.png", "out.json"]  # no temporary file left
    os.mkfifo(tmp_path / "pipe")  # as /dev/null or /dev/zero would be: never replaced, never read to no end
    with pytest.raises(OutputError, match="pipe: it is not a regular file"):
        write_json(tmp_path / "pipe", {"rows": []}, kind="audit")
    with pytest.raises(ValueError, match="pipe is not a regular file"):
        read_json(tmp_path / "pipe")
    assert (tmp_path / "pipe").is_fifo()


def test_a_symlinked_output_is_written_through_the_link(tmp_path):
    """A baseline or ledger kept as a symlink (to a shared copy): the file it points to is rewritten and the link
    stays a link.  ``os.replace`` onto the link's own path replaced the link by a private regular file, so the shared
    file silently kept its old content (``python -m checks.harness.baseline link.json`` said "converted")."""
    target = tmp_path / "shared" / "baseline.json"
    target.parent.mkdir()
    write_json(target, {"rows": [], "scores": {}}, kind="mutation")
    link = tmp_path / "link.json"
    link.symlink_to(target)
    write_json(link, {"rows": [], "scores": {"C3a": {}}}, kind="mutation")
    assert link.is_symlink() and json.loads(target.read_text())["scores"] == {"C3a": {}}
    assert sorted(p.name for p in target.parent.iterdir()) == ["baseline.json"]  # no temporary file left


def test_a_file_of_another_kind_is_named_as_what_it_holds(tmp_path, capsys):
    """``report --ledger ledger-baseline.json`` (or ``verify --ledger`` a baseline) said "record 'C1': field 'title' is
    missing": true, but it sends the user looking for a damaged ledger.  The line says the file holds a baseline."""
    baseline = tmp_path / "b.json"
    baseline.write_text((ROOT / "ledger-baseline.json").read_text())
    with pytest.raises(ValueError, match="holds a baseline"):
        load(baseline, "ledger")
    assert main(["report", "--ledger", str(baseline), "--out", str(tmp_path / "r")]) == 2
    assert "holds a baseline" in _line(capsys.readouterr().err)


# ----------------------------------------------------------------------------------- 4, 8, 9. the report


def _ledger(tmp_path, statement="x ≤ 1", **extra):
    rec = {
        "claim": "C3a", "status": "holds", "worst_margin": 0.5, "rate": None, "implied_constant": None, "title": "Toy",
        "statement": statement, "assumptions": [], "scenario": None, "instances": 3, "failures": 0, "worst_ratio": 0.5,
        "lhs": 0.5, "rhs": 1.0, "lhs_name": "x", "rhs_name": "1", "tolerance": 0.0, "tolerance_reason": "none", "details": {},
        "reproduce": None, "expected_fail": None, **extra,
    }  # fmt: skip
    write_json(tmp_path / "ledger.json", {"profile": "ci", "records": {"C3a": rec}, "notes": {}, "runs": []})
    return tmp_path / "ledger.json"


def _report(tmp_path, out):
    return render_report(tmp_path / "ledger.json", out, tmp_path / "none.json", mutation_path=tmp_path / "none.json")


def test_the_report_removes_only_what_it_wrote(tmp_path):
    """Defect 4: `report --out DIR` deleted every *.png in DIR/plots/, a user's own figure included."""
    _ledger(tmp_path)
    out = tmp_path / "reports"
    (out / "plots").mkdir(parents=True)
    mine = out / "plots" / "my_figure.png"
    mine.write_bytes(b"\x89PNG\r\n\x1a\n a user's own figure")
    _report(tmp_path, out)
    _report(tmp_path, out)
    assert mine.read_bytes().endswith(b"a user's own figure")
    (out / "index.html").write_text("<html>a page of the user's</html>")  # not the report's own page: refused, kept
    with pytest.raises(OutputError, match="index.html: it holds no file rnn-theorems writes, not a report page"):
        _report(tmp_path, out)
    assert (out / "index.html").read_text() == "<html>a page of the user's</html>"


def test_a_full_disk_leaves_the_previous_report_whole(tmp_path, monkeypatch):
    """Defect 8: a full disk left a partial index.md beside an old index.html, or a 0-byte index.html."""
    _ledger(tmp_path, statement="the first report")
    out = tmp_path / "reports"
    _report(tmp_path, out)
    before = {name: (out / name).read_bytes() for name in ("index.md", "index.html")}
    _ledger(tmp_path, statement="the second report")
    real_fsync = os.fsync

    def full(fd):
        if os.readlink(f"/proc/self/fd/{fd}").rsplit("/", 1)[-1].startswith(".index.html."):
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return real_fsync(fd)

    monkeypatch.setattr(jsonio.os, "fsync", full)
    with pytest.raises(OutputError, match=r"cannot write report page .*index.html: No space left on device; the file is unchanged"):
        _report(tmp_path, out)
    assert {name: (out / name).read_bytes() for name in before} == before  # both pages as they were: not one of them new
    assert not [p.name for p in out.iterdir() if p.name.endswith(".tmp")]  # no temporary file left


HOSTILE_TEXT = "![x](https://tracker.example/p.png) [a](javascript:alert(1)) <img src=x onerror=alert(2)> <https://evil.example> www.evil.example"


def test_ledger_text_is_rendered_as_text(tmp_path):
    """Defect 9: `![x](https://…)` in a statement became a live remote <img> (a tracking pixel from a shared ledger)."""
    _ledger(tmp_path, statement=HOSTILE_TEXT, title=HOSTILE_TEXT, expected_fail=None, tolerance_reason=HOSTILE_TEXT,
            details={"note": HOSTILE_TEXT})
    data = read_json(tmp_path / "ledger.json")
    data["notes"] = {HOSTILE_TEXT: {"rows": [{HOSTILE_TEXT: HOSTILE_TEXT}], "extra": HOSTILE_TEXT}}
    data["records"]["C3a"]["run"] = HOSTILE_TEXT
    write_json(tmp_path / "ledger.json", data)
    write_json(tmp_path / "audit.json", {"rows": [{"claim": "C3a", "scenario": HOSTILE_TEXT, "verdict": "breaks", "counterexample": HOSTILE_TEXT}]})
    out = tmp_path / "reports"
    render_report(tmp_path / "ledger.json", out, tmp_path / "audit.json", mutation_path=tmp_path / "none.json")
    page = (out / "index.html").read_text()
    assert not re.search(r"<img (?![^>]*src=\"plots/)", page)  # no image but the report's own plots
    links = re.findall(r"<a [^>]*>", page)  # a link only to a heading of the page itself, none that a ledger made
    assert all(re.fullmatch(r'<a href="#[a-z0-9_-]+">', a) for a in links), links
    assert "javascript:" not in page.replace("javascript:alert(1)", "")
    assert "tracker.example/p.png)" in page and "&lt;img src=x onerror=alert(2)&gt;" in page  # the text, as text
    md = (out / "index.md").read_text()  # read by a plain CommonMark viewer: the ledger's text is text there too
    assert "\\!\\[x\\](https:\\/\\/tracker.example/p.png)" in md  # escaped, or inside a code span (literal)
    from markdown_it import MarkdownIt

    def tokens(items):
        for t in items:
            yield t
            yield from tokens(t.children or [])

    parsed = list(tokens(MarkdownIt("commonmark").enable("table").parse(md)))
    assert not [t for t in parsed if t.type in ("html_inline", "html_block")]
    assert all(t.attrGet("href").startswith("#") for t in parsed if t.type == "link_open")  # the report's own anchors
    assert all(t.attrGet("src").startswith("plots/") for t in parsed if t.type == "image")


# ------------------------------------------------------------------------------------ 5. non-finite numbers


@pytest.mark.parametrize("value", ["NaN", "Infinity", "-Infinity", "1e400"])
def test_a_non_finite_number_in_a_baseline_is_refused_naming_the_field(toys, capsys, value):
    """Defect 5: NaN or Infinity in a baseline's margin switched that comparison off ("no claim moved", exit 0)."""
    assert _verify(toys, "--update-baseline") == 0
    text = Path("baseline.json").read_text()
    Path("baseline.json").write_text(re.sub(r'"worst_margin": [^,\n]+', f'"worst_margin": {value}', text, count=1))
    capsys.readouterr()
    assert _verify(toys) == 2
    line = _line(capsys.readouterr().err)
    assert "baseline baseline.json" in line and "'worst_margin'" in line and "not a finite number" in line


def test_a_comparison_with_a_non_finite_side_is_a_diff_never_skipped():
    record = {"claim": "C3a", "status": "holds", "worst_margin": 0.5, "lhs": 0.5, "rhs": 1.0, "rate": {"slope": -0.5},
              "implied_constant": 2.0, "compared": {"q": 1.0}}
    for field, bad in (("worst_margin", float("nan")), ("implied_constant", float("inf")), ("lhs", float("nan")), ("rhs", float("nan"))):
        current = {"records": {"C3a": {**record, field: bad}}}
        assert compare(current, {"records": {"C3a": record}}), field
        assert compare({"records": {"C3a": record}}, current), field  # either side
    assert compare({"records": {"C3a": {**record, "rate": {"slope": float("nan")}}}}, {"records": {"C3a": record}})
    assert compare({"records": {"C3a": {**record, "compared": {"q": float("nan")}}}}, {"records": {"C3a": record}})
    assert not compare({"records": {"C3a": record}}, {"records": {"C3a": record}})


# ----------------------------------------------------------------------------- 6. one line, never a traceback


def test_pytest_with_a_missing_baseline_is_a_usage_error_not_an_internal_error(toys, capsys):
    code = pytest.main([str(toys), "-q", "-p", "checks.harness.pytest_plugin", "--ledger", "none", "--baseline", "missing.json"])
    out = capsys.readouterr()
    assert code == pytest.ExitCode.USAGE_ERROR and "INTERNALERROR" not in out.out + out.err
    assert "no baseline at missing.json" in out.err


def _deep(tmp_path):
    (tmp_path / "cx.json").write_text("[" * 100_000 + "]" * 100_000)
    return ["replay", "cx.json"]


def _huge_seed(tmp_path):
    write_json(tmp_path / "cx.json", {"claim": "C3c", "instance": {"X": [[[1.0, 0.0]], [[0.0, 1.0]]], "m": 64, "seed": 10**400}})
    return ["replay", "cx.json"]


def _note_rows(tmp_path):
    write_json(tmp_path / "ledger.json", {"profile": "ci", "records": {}, "runs": [], "notes": {"K_2 vs L": {"rows": [1, 2]}}})
    return ["report", "--ledger", "ledger.json", "--out", "reports"]


def _note_plot(tmp_path):
    notes = {"K_2 vs L": {"rows": [{"L": "two", "K_2": "x"}], "plot": {"x": "L", "y": ["K_2"]}}}
    write_json(tmp_path / "ledger.json", {"profile": "ci", "records": {}, "runs": [], "notes": notes})
    return ["report", "--ledger", "ledger.json", "--out", "reports"]


def _false_alarm_file(tmp_path, rows=({"claim": "C4a"},)):
    write_json(tmp_path / "ledger.json", {"profile": "ci", "records": {}, "runs": [], "notes": {}})
    write_json(tmp_path / "false-alarms.json", {"profile": "ci", "rule": "r", "rows": list(rows)})
    return ["report", "--ledger", "ledger.json", "--out", "reports"]


def _false_alarm_merge(tmp_path):
    write_json(tmp_path / "fa.json", {"profile": "ci", "rule": "r", "rows": [{"claim": "C4a", "runs": "many"}]})
    return ["false-alarms", "--claims", "C4a", "--runs", "1", "--json", "fa.json"]


def _data_rows(tmp_path):
    write_json(tmp_path / "ledger.json", {"profile": "ci", "records": {}, "runs": [], "notes": {}})
    write_json(tmp_path / "data-digits.json", {"name": "digits", "rows": [{"n": 100, "kernel_test_loss": "high"}]})
    return ["report", "--ledger", "ledger.json", "--out", "reports"]


def _mutation_rows(tmp_path):
    write_json(tmp_path / "ledger.json", {"profile": "ci", "records": {}, "runs": [], "notes": {}})
    write_json(tmp_path / "mutation.json", {"rows": [], "scores": {"C8c": {"killed": 0, "in_scope": 1, "survivors": ["x"], "equivalent": []}}})
    return ["report", "--ledger", "ledger.json", "--mutation", "mutation.json", "--out", "reports"]


CARELESS = [
    (_deep, "cx.json is nested too deeply"),
    (_huge_seed, "instance field seed = an integer of 401 digits would overflow float64"),
    (_note_rows, "note 'K_2 vs L': field 'rows' must be a list of objects"),
    (_note_plot, "note 'K_2 vs L': its data cannot be plotted"),
    (_false_alarm_file, "false-alarms false-alarms.json: rows[0]: field 'runs' is missing"),
    (_false_alarm_merge, "fa.json: rows[0]: field 'runs' must be a non-negative integer"),
    (_data_rows, "data-digits.json: rows[0]: field 'kernel_test_loss' must be a finite number or null"),
    (_mutation_rows, "mutation mutation.json: scores['C8c']: field 'survivors' must be a list of objects"),
    (lambda tmp_path: ["verify", "--ledger", "", "--theorems", str(ROOT / "theorems")], "--ledger: empty path"),
    (lambda tmp_path: ["report", "--ledger", ""], "--ledger: empty path"),
    (lambda tmp_path: ["mutate", "--json", "", "--claims", "C9"], "--json: empty path"),
    (lambda tmp_path: ["verify", "--workers", "two"], "argument --workers: invalid int value: 'two'"),
    (lambda tmp_path: ["verify", "--baseline", "", "--theorems", str(ROOT / "theorems")], "--baseline: empty path"),
    (lambda tmp_path: ["report", "--out", ""], "--out: empty path"),  # Path("") is the current folder: no silent report there
    (lambda tmp_path: ["scaling", "--out", ""], "--out: empty path"),
    (lambda tmp_path: ["data", "digits", "--out", ""], "--out: empty path"),
]


@pytest.mark.parametrize("setup, message", CARELESS, ids=[m[:40] for _, m in CARELESS])
def test_careless_input_is_one_line_naming_the_file_option_or_field(tmp_path, monkeypatch, capsys, setup, message):
    """Defect 6: RecursionError, OverflowError, TypeErrors, "error: runs", "PosixPath('.') has an empty name"."""
    monkeypatch.chdir(tmp_path)
    assert main(setup(tmp_path)) == 2
    line = _line(capsys.readouterr().err)
    assert message in line


@pytest.mark.parametrize("full_from", [1, 2], ids=["full at the start", "fills during the run"])
def test_a_full_disk_loses_nothing_and_says_so_in_one_line(toys, capsys, monkeypatch, full_from):
    """Defect 6 (full disk): a pytest INTERNALERROR.  Full at the start: a usage error before any check (exit 2);
    filling during the run: the verdict stands (exit 1), the ledger keeps its last good state; never a traceback."""
    assert _verify(toys, "--update-baseline") == 0
    before = Path("results/ledger.json").read_bytes()
    capsys.readouterr()
    calls = {"n": 0}
    real_fsync = os.fsync

    def full(fd):  # the run is listed as started by the first write
        calls["n"] += 1
        if calls["n"] >= full_from:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return real_fsync(fd)

    monkeypatch.setattr(jsonio.os, "fsync", full)
    code = _verify(toys)
    out = capsys.readouterr()
    assert "INTERNALERROR" not in out.out + out.err and "Traceback" not in out.out + out.err
    said = "cannot write ledger results/ledger.json: No space left on device"
    if full_from == 1:
        assert code == 2 and said in _line(out.err)
    else:
        assert code == 1 and f"ledger NOT written: {said}" in out.out
    assert read_json("results/ledger.json")["records"] == json.loads(before)["records"]
    assert not [p for p in Path("results").iterdir() if p.name.endswith(".tmp")]


# ------------------------------------------------------------------------------------------ 7. bounds


BOUNDED = [
    (["verify", "--workers", "100000"], "--workers must be between 0 and"),
    (["mutate", "--workers", "100000"], "--workers must be between 0 and"),
    (["sweep", "--workers", "100000"], "--workers must be between 0 and"),
    (["audit", "--drop", "A3", "--examples", str(10**20)], "--examples must be between 1 and 10000 (100× the thorough profile's instances per record)"),
    (["scaling", "--max-length", str(2**50)], "--max-length must be between 128 and 65536"),
    (["false-alarms", "--claims", "C4a", "--runs", str(10**11)], "--runs (C4a) must be between 1 and 1000"),
    (["learning-curve", "--lengths", str(2**50)], "--lengths: every value must be between 2 and 4096"),
    (["learning-curve", "--seeds", str(10**9)], "--seeds must be between 1 and 1000"),
    (["learning-curve", "--dim", str(10**6)], "needs about"),
    (["sweep", "--steps", str(10**12)], "--steps must be between 1 and 100000"),
    (["sweep", "--seeds", str(10**9)], "--seeds must be between 1 and 1000"),
    (["sweep", "--scheduler-timeout", "1e300"], "--scheduler-timeout must be between"),
    (["data", "digits", "--seed", str(2**40)], "--seed must be between 0 and 4294967295"),
]


@pytest.mark.parametrize("args, message", BOUNDED, ids=[" ".join(a[:2]) + " " + a[-2] for a, _ in BOUNDED])
def test_numeric_options_are_bounded_up_front(tmp_path, monkeypatch, capsys, args, message):
    """Defect 7: `verify --workers 100000` hung, `audit --examples 10**20` and `scaling --max-length 2**50` ran on,
    `false-alarms --runs 10**11` raised MemoryError.  Refused at once, naming the option, its bounds and why."""
    monkeypatch.chdir(tmp_path)
    started = time.perf_counter()
    assert main([*args, *(["--theorems", str(ROOT / "theorems")] if args[0] == "verify" else [])]) == 2
    assert message in _line(capsys.readouterr().err)
    assert time.perf_counter() - started < 20 and not list(tmp_path.iterdir())  # nothing computed, nothing written


@pytest.mark.parametrize("command, words", [("verify", "4 × the cores"), ("audit", "at most 10000"), ("false-alarms", "at most 1000"),
                                            ("scaling", "at most 65536"), ("learning-curve", "at most 4096"), ("sweep", "at most 100000")])
def test_help_states_each_bound_and_its_reason(capsys, command, words):
    assert main([command, "--help"]) == 0
    assert words in " ".join(capsys.readouterr().out.split())


# ---------------------------------------------------------------------- 10. exit codes, interrupts, folders


def test_exit_codes_are_2_usage_1_failed_130_interrupted(toys, capsys):
    """Defect 10: an interrupt exited 130 or 2 (pytest's code, which is also a usage error)."""
    assert main(["verify", "--nonsense"]) == 2
    assert _verify(toys, "--claims", "C99") == 2
    assert _verify(toys, "--update-baseline") == 0
    STATE["fail"] = True
    assert _verify(toys) == 1
    STATE.update(fail=False, interrupt=True)
    assert _verify(toys, "--claims", "C91") == 130
    assert pytest.main([str(toys), "-q", "-p", "checks.harness.pytest_plugin", "--ledger", "none", "--claims", "C91"]) == 130
    capsys.readouterr()


def test_a_ctrl_c_inside_a_garbage_collector_callback_still_stops_the_command():
    """Hostile rerun: Ctrl-C during `false-alarms` landed in Hypothesis's gc callback; Python swallowed it ("Exception
    ignored", a traceback on stderr) and the command ran on to exit 0.  Within `interrupts_kept` it stops it."""
    import gc

    from checks.experiments.fanout import interrupts_kept

    def callback(phase, info):  # where a signal handler's KeyboardInterrupt can land
        gc.callbacks.remove(callback)
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        with interrupts_kept():
            gc.callbacks.append(callback)
            gc.collect()
            for _ in range(100):  # the interrupt is raised again at the next bytecode of the main thread
                time.sleep(0.01)




@pytest.mark.parametrize(
    "args",
    [
        ["data", "digits", "--sizes", "100", "--out", "{ro}"],
        ["learning-curve", "--lengths", "4", "--sizes", "16", "--seeds", "1", "--json", "{ro}/lc.json"],
        ["scaling", "--max-length", "128", "--out", "{ro}"],
        ["mutate", "--claims", "C2", "--mutants", "init-B-var-2", "--json", "{ro}/m.json"],
        ["audit", "--drop", "A3", "--claims", "C3a", "--out", "{ro}/audit.json"],
        ["false-alarms", "--claims", "C4a", "--runs", "1", "--json", "{ro}/fa.json"],
        ["report", "--ledger", "ledger.json", "--out", "{ro}"],
    ],
    ids=lambda a: a[0],
)
def test_an_output_folder_that_cannot_be_written_is_found_before_any_work(tmp_path, monkeypatch, capsys, read_only_dir, args):  # noqa: F811
    """Defect 10 (part): `data` and `learning-curve` computed for minutes before finding their folder read-only."""
    monkeypatch.chdir(tmp_path)
    write_json("ledger.json", {"profile": "ci", "records": {}, "runs": [], "notes": {}})
    started = time.perf_counter()
    assert main([a.replace("{ro}", str(read_only_dir)) for a in args]) == 2
    line = _line(capsys.readouterr().err)
    assert str(read_only_dir) in line and "not writable" in line
    assert time.perf_counter() - started < 20  # found first: digits' kernels and a learning curve take minutes


def test_a_temporary_folder_left_by_a_killed_run_is_removed_by_the_next(tmp_path, monkeypatch):
    """SIGKILL gives a run no chance to remove its folder: the next `verify --workers` removes it (its process is gone)."""
    import tempfile

    from checks.harness import distributed

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True).stdout.strip()
    (tmp_path / f"rnn-theorems-verify-{dead}-abc").mkdir()
    (tmp_path / f"rnn-theorems-verify-{os.getpid()}-live").mkdir()  # a run still going: kept
    (tmp_path / "rnn-theorems-verify-notes").mkdir()  # not a run's folder: kept
    scratch = distributed._new_scratch()
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([Path(scratch).name, f"rnn-theorems-verify-{os.getpid()}-live", "rnn-theorems-verify-notes"])


SLOW_CLAIMS = '''
import os, signal, time
from hypothesis import strategies as st
from checks.claims import Claim, Measurement, Twin, register, REGISTRY

def _slow(instance):  # a long computation that does not see Ctrl-C (inside one long torch call, it cannot)
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    open(os.path.join(os.environ["MARKS"], f"{os.getpid()}"), "w").close()
    time.sleep(120)
    return Measurement(lhs=0.0, rhs=1.0)

for cid in ("C88", "C89"):
    if cid not in REGISTRY:
        register(Claim(id=cid, title="slow toy", statement="x <= 1", assumptions=(), scenarios=(None,), evaluate=_slow,
                       strategy=lambda sc, p: st.just({"x": 0.0}), twin=Twin.tightened(0.5, "half"), lhs_name="x", rhs_name="1",
                       tolerance_reason="none"))
'''


def _session_processes(sid: int) -> list[str]:
    out = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[3]) == sid and int(stat.parent.name) != os.getpid():
            try:
                command = (stat.parent / "cmdline").read_bytes().replace(b"\0", b" ")[:120]
            except OSError:
                command = b"?"
            out.append(f"{stat.parent.name}: {command!r}")
    return out


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads process sessions from /proc (Linux)")
def test_ctrl_c_during_verify_workers_leaves_no_process_and_no_temporary_folder(tmp_path):
    """Defect 10: Ctrl-C during `verify --workers 2` left a worker's pytest running 15–20 s and its
    rnn-theorems-verify-* folders behind.  Ctrl-C as a terminal sends it: SIGINT to the whole process group, once
    both records' checks are running, each inside a computation that does not see the signal (as inside one long
    torch call).  About 30 s (a LocalCluster of two workers, each starting pytest)."""
    theorems, marks, tmp = tmp_path / "theorems", tmp_path / "marks", tmp_path / "tmp"
    for folder in (theorems, marks, tmp):
        folder.mkdir()
    (theorems / "conftest.py").write_text(SLOW_CLAIMS)
    (theorems / "test_slow.py").write_text('from checks.harness.factory import claim_test\n\ntest_c88 = claim_test("C88")\ntest_c89 = claim_test("C89")\n')
    write_json(tmp_path / "baseline.json", {"profile": "ci", "records": {}, "notes": {}, "updated_at": "2026-01-01"})
    env = {**os.environ, "MARKS": str(marks), "TMPDIR": str(tmp), "PYTHONPATH": str(ROOT)}
    argv = [sys.executable, "-m", "checks.tools.cli", "verify", "--theorems", str(theorems), "--workers", "2",
            "--ledger", str(tmp_path / "ledger.json"), "--baseline", str(tmp_path / "baseline.json")]
    proc = subprocess.Popen(argv, cwd=tmp_path, env=env, start_new_session=True, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 240
        while len(list(marks.iterdir())) < 2 and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.2)
        assert len(list(marks.iterdir())) == 2, proc.stdout.read().decode()[-3000:] if proc.poll() is not None else "checks did not start"
        os.killpg(proc.pid, signal.SIGINT)
        code = proc.wait(90)
        output = proc.stdout.read().decode()
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
    assert code == 130, output[-3000:]
    deadline = time.monotonic() + 5  # a process that is exiting may take a moment to be reaped by init
    while _session_processes(proc.pid) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert _session_processes(proc.pid) == []
    assert not [p.name for p in tmp.iterdir() if p.name.startswith("rnn-theorems-verify-")]
    run = read_json(tmp_path / "ledger.json")["runs"][-1]
    assert run["state"] == "incomplete" and "interrupted" in run["reason"]  # the run is kept, marked incomplete


def test_the_console_script_exits_with_mains_code_and_ignores_a_late_interrupt(monkeypatch):
    """An interrupt that lands after the command's outcome is decided (interpreter shutdown, every output written) no
    longer kills the process by the signal (exit −2): the console script ignores SIGINT/SIGTERM once ``main`` returned."""
    import tomllib

    from checks.tools import cli

    scripts = tomllib.loads((Path(__file__).parents[1] / "pyproject.toml").read_text())["project"]["scripts"]
    assert scripts["rnn-theorems"] == "checks.tools.cli:console"
    before = signal.getsignal(signal.SIGINT), signal.getsignal(signal.SIGTERM)
    monkeypatch.setattr(cli, "main", lambda: 1)
    try:
        with pytest.raises(SystemExit) as ended:
            cli.console()
        assert ended.value.code == 1
        assert signal.getsignal(signal.SIGINT) is signal.SIG_IGN and signal.getsignal(signal.SIGTERM) is signal.SIG_IGN
    finally:
        signal.signal(signal.SIGINT, before[0])
        signal.signal(signal.SIGTERM, before[1])
