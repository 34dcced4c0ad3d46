"""pytest plugin: suite profiles, claim selection, the results store, and the ``check_claim`` fixture.

Installed as the ``pytest11`` entry point ``checks.harness.pytest_plugin`` (``pyproject.toml``): any pytest run in an
environment where the package is installed loads it, with no ``conftest.py`` (``-p checks.harness.pytest_plugin``
names it where entry points are off, ``PYTEST_DISABLE_PLUGIN_AUTOLOAD``).  Options:

* ``--suite-profile {dev,ci,thorough}`` (default ``$RNN_THEOREMS_PROFILE``, else ``dev``): how
  hard claims are searched; passed to every claim as a :class:`~checks.claims.Profile`.  Under a
  fixed-seed profile (ci) torch runs one intra-op thread, so reductions add in one order whatever
  the machine's core count and a run repeats bit for bit on a given machine and torch build
  (measured: the former C4a fit's margin moved from 1.7742e-11 to 1.7739e-11 between two and one
  threads, and repeated exactly at a fixed thread count; the current C4a repeats at both).
* ``--claims SELECTORS``: run only these claim records (``C3``, ``C3a``, ``C9b``; see
  :func:`checks.claims.select`) and their falsified-twin tests (mark ``twin(id)``); every other test is deselected.
* ``--ledger PATH``: the results store (default ``results/ledger.json``; ``--ledger none`` writes
  nothing).  A run updates only its own records and is listed with its profile, the records it
  planned and ran, start and end time and whether it completed (:class:`~checks.harness.store.ResultsStore`).
  An interrupted run (Ctrl-C, crash, ``-x``) leaves the previous records and is kept as incomplete.
* ``--baseline PATH``: compare the run's records with a committed baseline
  (``ledger-baseline.json``); a status flip or a margin, ratio, slope or implied constant moved
  beyond ``checks.harness.baseline.TOLERANCES`` fails the session with a diff table.  A baseline of
  another profile is refused before the checks start unless ``--allow-profile-mismatch`` (then only
  statuses are compared).  An incomplete run gets no baseline verdict.

Under pytest-xdist (``-n 2``) every worker runs its claim tests on one torch thread and sends its records
to the controller, which stores them as one run, compares them with the baseline and prints the summary,
each once, after all workers (the records equal a one-process run's field for field but ``seconds``:
``tests/test_xdist.py``).  The first worker lists the run in the store as started.

The baseline is checked before collection; when claim tests will run, the ledger's folder, an existing
ledger and ``results/mutation.json`` are checked before the first of them: a problem is a usage error
naming the file (a run of unit tests alone never touches the store).  An interrupted session exits 130, as
``rnn-theorems`` does (pytest's own code for it is 2, which ``rnn-theorems`` keeps for a usage error).  A
pytest process started by ``rnn-theorems verify --workers`` for one record (``PARENT_ENV`` set) exits as soon as
the worker that started it is gone.
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import sys
import threading
import time
from collections.abc import Callable

import pytest
from hypothesis import settings

from checks.claims import PROFILES, REGISTRY, ClaimFailure, get_profile, resolve, select, sort_key
from checks.claims.profiles import ENV_VAR, hypothesis_settings
from checks.claims.record import InvalidMeasurement, match_selector, progress_to
from checks.experiments.fanout import interrupts_kept, use_fixed_threads
from checks.experiments.strategies import freeze_example_constants
from checks.harness.baseline import check_profiles, compare, new_records
from checks.harness.counterexamples import counterexample_path, save_counterexample
from checks.harness.jsonio import check_writable, jsonable, new_run_id
from checks.harness.ledger import Ledger
from checks.harness.schemas import load
from checks.harness.store import LEDGER_PATH, MUTATION_PATH, ResultsStore
from checks.harness.tables import TERMINAL_WIDTH, fmt, format_table, terminal_summary, wrap

TWIN_MARK = "twin"
"""The mark of a record's falsified-twin test (``tests/test_falsified_twins.py``): ``--claims`` selects it with the
record's claim test; it is not a claim test (no ledger record, not planned)."""

PARENT_ENV = "RNN_THEOREMS_PARENT_PID"
"""The pid of the process that started this pytest for one record (``checks.harness.distributed``)."""
EXIT_INTERRUPTED = 130
"""An interrupted session's exit status (``checks.tools.cli_common``): 128 + SIGINT, as a shell reports it."""


def _exit_with_parent(parent: int) -> None:
    """Exit this process (no cleanup: the parent removes the folder it works in) when ``parent`` is gone."""

    def watch():
        while os.getppid() == parent:
            time.sleep(0.2)
        os._exit(EXIT_INTERRUPTED)

    threading.Thread(target=watch, name="rnn-theorems-parent-watch", daemon=True).start()


for _p in PROFILES.values():
    # The library's own property tests (tests/) follow the profile too: derandomized where the profile fixes seeds.
    database = None if _p.fixed_seed else settings.default.database
    settings.register_profile(_p.name, hypothesis_settings(_p.max_examples, derandomize=_p.fixed_seed, database=database))


def pytest_addoption(parser):
    group = parser.getgroup("rnn-theorems")
    group.addoption("--suite-profile", choices=sorted(PROFILES), default=None, help="claim-search profile (default: $RNN_THEOREMS_PROFILE or dev)")
    group.addoption("--claims", default=None, help="comma-separated claim selectors: families (C3), records (C3a), prefixes (C9b)")
    group.addoption("--ledger", default=str(LEDGER_PATH), help="results store (claim ledger) path, or 'none'")
    group.addoption("--baseline", default=None, help="baseline ledger to compare with (e.g. ledger-baseline.json)")
    group.addoption("--allow-profile-mismatch", action="store_true", help="compare with a baseline of another profile (statuses only)")
    group.addoption("--run-id", default=None, help="id of this run in the ledger (default: time, host and process)")


def pytest_configure(config):
    config.addinivalue_line("markers", "claim(id): the claim record a test checks (used by --claims)")
    config.addinivalue_line("markers", f"{TWIN_MARK}(id): the falsified-twin test of a claim record (selected by --claims with the record; no ledger record)")
    parent = os.environ.get(PARENT_ENV, "")
    if parent.isdigit() and not is_worker(config):
        _exit_with_parent(int(parent))
    name = config.getoption("--suite-profile") or os.environ.get(ENV_VAR, "dev")
    try:
        config._rnn_profile = get_profile(name)
        selectors = config.getoption("--claims")
        config._rnn_selected = None if selectors is None else set(select(selectors))
    except ValueError as e:
        raise pytest.UsageError(str(e)) from None
    settings.load_profile(name)
    if config._rnn_profile.fixed_seed or is_worker(config):  # an xdist worker: one thread, as every worker task
        use_fixed_threads()
    config._rnn_ledger = Ledger(name)
    config._rnn_started = time.perf_counter()
    shared = config.workerinput.get("rnn_run_id") if is_worker(config) else None  # the controller's run id
    config._rnn_run_id = shared or config.getoption("--run-id") or new_run_id()
    config._rnn_planned = {}  # nodeid → record id of the claim tests this run will run
    config._rnn_finished = {}  # nodeid → outcome
    config._rnn_store = None
    config._rnn_baseline = None
    config._rnn_mutation = None
    config._rnn_records = None  # the run's records once it has finished (a controller's: merged from its workers)
    config.pluginmanager.register(_Progress(config), "rnn-theorems-progress")
    if not is_worker(config):  # its hooks are xdist's, called only when this process becomes a controller
        config.pluginmanager.register(_Controller(config), "rnn-theorems-xdist")


def is_worker(config) -> bool:
    """This process is a pytest-xdist worker."""
    return hasattr(config, "workerinput")


def is_controller(config) -> bool:
    """This process is a pytest-xdist controller: its workers run the tests, it collects nothing itself."""
    return not is_worker(config) and config.pluginmanager.has_plugin("dsession")


class _Controller:
    """xdist hooks of the controller: hand the run id to each worker, keep what each worker sends back."""

    def __init__(self, config):
        self.config = config
        self.outputs: list[dict] = []

    @pytest.hookimpl(optionalhook=True)
    def pytest_configure_node(self, node):
        node.workerinput["rnn_run_id"] = self.config._rnn_run_id

    @pytest.hookimpl(optionalhook=True)
    def pytest_testnodedown(self, node, error):
        sent = getattr(node, "workeroutput", {}).get("rnn_run")
        if sent is not None:
            self.outputs.append(json.loads(sent))


def _merge_workers(config) -> dict:
    """The controller's run: the records and notes of every worker (each record ran on one), the planned claim
    tests (every worker collects them all) and the finished ones (from the reports and the workers)."""
    data = {"profile": config._rnn_profile.name, "records": {}, "notes": {}}
    for out in config.pluginmanager.get_plugin("rnn-theorems-xdist").outputs:
        data["records"].update(out["data"]["records"])
        data["notes"].update(out["data"]["notes"])
        config._rnn_planned.update(out["planned"])
        config._rnn_finished.update(out["finished"])
    data["records"] = dict(sorted(data["records"].items()))
    return data


def pytest_sessionstart(session):
    """Before collection: the baseline is readable, valid and of this run's profile.  From here on a Ctrl-C that
    lands in Hypothesis's garbage-collector callback stops the run instead of being swallowed (``interrupts_kept``;
    installed after pytest's own unraisable-exception hook, which it wraps)."""
    config = session.config
    config._rnn_interrupts = interrupts_kept()
    config._rnn_interrupts.__enter__()
    if config.option.help or config.option.version:
        return
    baseline = config.getoption("--baseline")
    if baseline:
        try:
            config._rnn_baseline = load(baseline, "baseline")
            check_profiles(config._rnn_baseline, config._rnn_profile.name, baseline, config.getoption("--allow-profile-mismatch"))
            resolve(config._rnn_baseline["records"])  # its data-set records are registered again: they run and are compared
        except (OSError, ValueError) as e:  # a missing baseline is a FileNotFoundError naming it
            raise pytest.UsageError(str(e)) from None


def pytest_unconfigure(config):
    keeper = getattr(config, "_rnn_interrupts", None)
    if keeper is not None:
        keeper.__exit__(None, None, None)


def pytest_collection_modifyitems(config, items):
    """With ``--claims``, keep only the claim tests of the selected records and their twin tests (mark ``twin``)."""
    selected = config._rnn_selected
    if selected is not None:
        keep, drop = [], []
        for item in items:
            mark = item.get_closest_marker("claim") or item.get_closest_marker(TWIN_MARK)
            (keep if mark is not None and mark.args[0] in selected else drop).append(item)
        if drop:
            config.hook.pytest_deselected(items=drop)
            items[:] = keep
    _longest_first(config, items)
    if is_worker(config):  # the controller reads a report's record id from here
        for item in items:
            mark = item.get_closest_marker("claim")
            if mark is not None:
                item.user_properties.append(("rnn_claim", mark.args[0]))


def _longest_first(config, items) -> None:
    """Claim tests first, the longest first by the seconds the baseline recorded (registry order without a baseline),
    then every other test in its own order: pytest-xdist hands out tests in this order, so the minutes-long records
    start at once on both workers and the short tests fill the gaps (longest processing time first) instead of C7
    starting last and running alone.  Of records that read one cache (``Claim.shares``: C7 and its network links, the
    two C11 records) the first keeps its place and the others go after every other claim test, so they find the
    cache filled instead of waiting on its lock while the other worker idles.  Deterministic (the same file on every
    worker: xdist requires one order)."""
    records = (getattr(config, "_rnn_baseline", None) or {}).get("records", {})

    def claim_id(item) -> str | None:
        mark = item.get_closest_marker("claim")
        return mark.args[0] if mark is not None else None

    def seconds(cid: str) -> float:
        r = records.get(cid)
        value = r.get("seconds") if isinstance(r, dict) else None
        return float(value) if isinstance(value, (int, float)) and math.isfinite(value) else 0.0

    def shares(cid: str) -> str | None:
        claim = REGISTRY.get(cid)  # collected claim tests are registered; a lookup must not register data sets here
        return claim.shares if claim is not None else None

    claims = sorted((item for item in items if claim_id(item) is not None), key=lambda item: -seconds(claim_id(item)))  # stable
    if not claims:
        return
    first, later, started = [], [], set()
    for item in claims:
        group = shares(claim_id(item))
        (later if group is not None and group in started else first).append(item)
        if group is not None:
            started.add(group)
    items[:] = first + later + [item for item in items if claim_id(item) is None]


def pytest_deselected(items):
    """Any deselection (``--claims``, ``-k``, ``-m``) makes the run partial: its baseline comparison covers only the
    records it planned."""
    if items:
        items[0].config._rnn_partial = True


def pytest_collection_finish(session):
    """When claim tests will run, before the first one: the store's folder is writable, an existing ledger
    and ``results/mutation.json`` are valid (a usage error naming the file otherwise); then the run is
    listed in the store as started, so a run that dies is still seen, as incomplete."""
    config = session.config
    for item in session.items:  # the final list: after --claims, -k and -m deselection
        mark = item.get_closest_marker("claim")
        if mark is not None:
            config._rnn_planned[item.nodeid] = mark.args[0]
    target = config.getoption("--ledger")
    if not config._rnn_planned or config.option.collectonly or target == "none":
        return
    if is_worker(config) and config.workerinput.get("workerid") != "gw0":
        return  # the first worker checks the store and lists the run; the controller writes it at the end
    try:
        store = ResultsStore(target)
        store.preflight()
        check_writable(counterexample_path("C0"), "counterexample", kind="counterexample")  # where a failing check keeps its instance
        if MUTATION_PATH.exists():  # the last `rnn-theorems mutate` run's scores travel with the records
            config._rnn_mutation = load(MUTATION_PATH, "mutation")
        store.begin_run(config._rnn_run_id, config._rnn_profile.name, sorted(set(config._rnn_planned.values()), key=sort_key), sys.argv)
    except (OSError, ValueError) as e:  # a full disk included: one line naming the file, before the first check
        raise pytest.UsageError(str(e)) from None
    config._rnn_store = store


class _Progress:
    """Per-run hook object (a nested in-process run has its own): counts finished claim tests, marks a
    record ``error`` when its check raised (not an inequality failure), prints a progress line per record."""

    def __init__(self, config):
        self.config = config

    def pytest_runtest_logreport(self, report):
        config = self.config
        claim_id = config._rnn_planned.get(report.nodeid) or dict(report.user_properties).get("rnn_claim")
        if claim_id is None:
            return
        if not (report.when == "call" or (report.when == "setup" and not report.passed)):
            return
        config._rnn_finished[report.nodeid] = report.outcome
        collector = config._rnn_ledger.collectors.get(claim_id)
        if report.failed and collector is not None and collector.failures == 0 and collector.error is None:
            collector.error = _error_line(report)
        if collector is not None and report.when == "call":
            collector.duration = report.duration  # the record's own wall time (its first instance included)
        tr = config.pluginmanager.get_plugin("terminalreporter")
        if tr is None:
            return
        if collector is None:
            text = "xfail" if hasattr(report, "wasxfail") else report.outcome
        else:
            r = collector.record()
            text = f"{r['status']}: {r['instances']} instances, worst margin {fmt(r['worst_margin'])}, {r['seconds']:.1f} s"
        elapsed = time.perf_counter() - config._rnn_started
        total = f"/{len(config._rnn_planned)}" if config._rnn_planned else ""  # a controller learns the plan at the end
        tr.ensure_newline()
        tr.write_line(f"[{len(config._rnn_finished)}{total} claim records, {elapsed:.0f} s] {claim_id} {text}")


def _error_line(report) -> str:
    crash = getattr(report.longrepr, "reprcrash", None)
    text = crash.message if crash is not None else str(report.longrepr)
    return text.strip().splitlines()[0][:300] if text.strip() else "the check raised"


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


PROGRESS_SECONDS = 10.0
"""At most one progress line per record in this many seconds (a long record — C7's experiments, C11's learning
curves — says how far it has come; a short one prints none)."""


class ClaimChecker:
    """``check_claim(claim, instance, scenario=None)``: evaluate, record in the ledger, assert.

    ``say(line)``, when given, prints progress inside a long record: the instances drawn so far
    (``checks.harness.factory.run_claim``) and what an evaluation itself reports (``checks.claims.record.progress``:
    C11's learning-curve cells), at most one line per :data:`PROGRESS_SECONDS`."""

    def __init__(self, ledger: Ledger, say: Callable[[str], None] | None = None):
        self.ledger = ledger
        self.say = say
        self._started: dict[str, float] = {}  # record id → when it began (its reporting block)
        self._last: dict[str, float] = {}  # record id → its last progress line

    def _progress(self, claim, message: str) -> None:
        now_ = time.perf_counter()
        if self.say is None or now_ - self._last.get(claim.id, now_) < PROGRESS_SECONDS:
            return
        self._last[claim.id] = now_
        self.say(f"    … {claim.id}: {message}, {now_ - self._started.get(claim.id, now_):.0f} s")

    def reporting(self, claim):
        """The block in which ``claim`` runs: its progress messages (``checks.claims.record.progress``: the instances
        drawn, a long evaluation's own steps) reach :attr:`say`."""
        self._started[claim.id] = self._last[claim.id] = time.perf_counter()
        return progress_to(lambda message: self._progress(claim, message))

    def __call__(self, claim, instance, scenario=None):
        m = claim.measure(instance)  # a statistical claim's pooled instance is measured by its aggregate
        self.ledger.collector(claim, scenario).add(instance, m)

        def kept() -> str:
            try:
                return f"instance kept at {save_counterexample(claim, scenario, instance, m)}"
            except (OSError, ValueError) as e:  # a full disk: the failure is still the claim's, and says so
                return f"instance NOT kept ({e})"

        if m.failed_guards:  # not the claim's failure: the data are no evidence (a recorded finding does not expect it)
            g = m.failed_guards[0]
            raise InvalidMeasurement(f"{claim.id} measured invalid data: guard {g.describe()} — {g.statement}; {kept()}")
        if not m.satisfied:
            kept_at = kept().replace("instance", "counterexample", 1)
            raise ClaimFailure(
                f"{claim.id} fails: {claim.lhs_name} = {m.lhs:.6g} > {claim.rhs_name} = {m.rhs:.6g} "
                f"+ tol {m.tol:.3g} (margin {m.margin:.4g}); {kept_at}"
            )
        return m

    def note(self, claim, note: dict) -> None:
        """Keep a record's extra table (its ``note``) in the ledger."""
        self.ledger.note(note.get("title", claim.id), note)


@pytest.fixture(scope="session")
def check_claim(ledger, pytestconfig):
    """The :class:`ClaimChecker` of the run, printing progress inside long records to the terminal (past the
    output capture, as pytest's live log does; not on an xdist worker, which has no terminal)."""
    return ClaimChecker(ledger, say=_terminal_line(pytestconfig))


def _terminal_line(config) -> Callable[[str], None] | None:
    tr = config.pluginmanager.get_plugin("terminalreporter")
    if tr is None or is_worker(config):
        return None
    capture = config.pluginmanager.get_plugin("capturemanager")

    def say(line: str) -> None:
        with capture.global_and_fixture_disabled() if capture is not None else contextlib.nullcontext():
            tr.ensure_newline()
            tr.write_line(line)

    return say


def completion(config, exitstatus: int) -> tuple[bool, str | None]:
    """Whether the run completed, and why not: every planned claim test finished and pytest was not
    interrupted (Ctrl-C), did not crash, and was not stopped early (``-x``, ``--maxfail``)."""
    planned, finished = config._rnn_planned, config._rnn_finished
    missing = [nodeid for nodeid in planned if nodeid not in finished]
    if exitstatus == pytest.ExitCode.INTERRUPTED:
        return False, f"interrupted (Ctrl-C) after {len(finished)} of {len(planned)} claim tests"
    if exitstatus == pytest.ExitCode.INTERNAL_ERROR:
        return False, f"pytest internal error after {len(finished)} of {len(planned)} claim tests"
    if missing:
        return (
            False,
            f"stopped early: {len(missing)} of {len(planned)} claim tests did not run ({', '.join(sorted({planned[n] for n in missing}, key=sort_key)[:8])})",
        )
    return True, None


def pytest_sessionfinish(session, exitstatus):
    config = session.config
    if exitstatus == pytest.ExitCode.INTERRUPTED:
        session.exitstatus = EXIT_INTERRUPTED  # after the store below has seen pytest's own status
    ledger = getattr(config, "_rnn_ledger", None)
    if ledger is None:
        return
    if is_worker(config):  # the controller stores, compares and reports, once for all workers
        sent = {"data": ledger.as_dict(), "planned": config._rnn_planned, "finished": config._rnn_finished}
        config.workeroutput["rnn_run"] = json.dumps(sent, default=jsonable)
        return
    data = _merge_workers(config) if is_controller(config) else ledger.as_dict()
    if not (data["records"] or data["notes"] or config._rnn_planned):
        return
    completed, reason = completion(config, exitstatus)
    config._rnn_completed, config._rnn_reason = completed, reason
    data["wall_seconds"] = round(time.perf_counter() - config._rnn_started, 1)
    config._rnn_records = data["records"]
    store = config._rnn_store
    target = config.getoption("--ledger")
    try:
        if store is None and is_controller(config) and config._rnn_planned and target != "none":
            store = ResultsStore(target)  # checked and listed as started by the first worker
            config._rnn_mutation = load(MUTATION_PATH, "mutation") if MUTATION_PATH.exists() else None
        if store is not None:
            store.finish_run(config._rnn_run_id, data, completed=completed, reason=reason, exit_status=int(exitstatus), mutation=config._rnn_mutation)
            config._rnn_written = True
    except (OSError, ValueError) as e:  # found writable before the run (a disk filled since): report, keep the verdict
        config._rnn_write_error = str(e)
        if session.exitstatus == 0:
            session.exitstatus = 1
    if config._rnn_baseline is not None and completed:
        full = config._rnn_selected is None and not getattr(config, "_rnn_partial", False)
        diffs = baseline_diffs(data, config._rnn_baseline, None if full else set(config._rnn_planned.values()), config.getoption("--claims"))
        config._rnn_diffs = diffs
        config._rnn_new = new_records(data, config._rnn_baseline)
        if diffs and session.exitstatus == 0:
            session.exitstatus = 1


def baseline_diffs(current: dict, baseline: dict, planned: set[str] | None = None, selectors: str | None = None):
    """Diffs against the baseline; statuses only when the profiles differ (allowed explicitly).

    ``planned``: the record ids a partial run (``--claims``, ``-k``) planned — its comparison covers those, so a
    planned record that left no record (it crashed before measuring) is a "missing" diff; with the run's ``--claims``
    ``selectors`` also every baseline record they name (``--claims C7`` covers a C7 record that vanished from the
    registry: a renamed record is its old id missing, not only a new one).  ``None`` (a full run): every baseline
    record must be present.  Records the baseline lacks are new, no diff (``checks.harness.baseline.new_records``)."""
    scope = None if planned is None else set(planned) | {key.split()[0] for key in current["records"]}
    if scope is not None and selectors:
        base_ids = {key.split()[0] for key in baseline.get("records", {})}
        scope |= {cid for sel in selectors.split(",") if sel.strip() for cid in match_selector(sel, base_ids)}
    diffs = compare(current, baseline, claims=scope)
    if current.get("profile") != baseline.get("profile"):
        diffs = [d for d in diffs if d.field in ("status", "record")]
    return diffs


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    ledger = getattr(config, "_rnn_ledger", None)
    records = getattr(config, "_rnn_records", None)
    if records is None:  # no run finished here (a session without claim tests)
        records = {k: c.record() for k, c in ledger.collectors.items()} if ledger is not None else {}
    if ledger is None or not (records or config._rnn_planned):
        return
    tr = terminalreporter
    width = min(TERMINAL_WIDTH, getattr(getattr(tr, "_tw", None), "fullwidth", TERMINAL_WIDTH))
    tr.section(f"claim ledger (profile {ledger.profile}, {time.perf_counter() - config._rnn_started:.1f} s)", fullwidth=width)
    if records:
        for line in terminal_summary(records):
            tr.write_line(line)
    findings = [(k, r) for k, r in sorted(records.items(), key=lambda kv: sort_key(kv[0])) if r["status"] in ("fails", "expected-fail", "error")]
    if findings:
        tr.write_line("")
        tr.write_line("findings:")
        for key, r in findings:
            why = r["expected_fail"] if r["status"] == "expected-fail" else (r.get("error") or f"margin {fmt(r['worst_margin'])}")
            _wrapped(tr, f"  {key} {r['status']}: {why}", red=r["status"] != "expected-fail", yellow=r["status"] == "expected-fail")
    completed = getattr(config, "_rnn_completed", True)
    target = config.getoption("--ledger")
    if getattr(config, "_rnn_write_error", None):
        tr.write_line(f"ledger NOT written: {config._rnn_write_error}", red=True)
    elif getattr(config, "_rnn_written", False):
        if completed:
            tr.write_line(f"ledger {target}: {len(records)} record(s) updated, others kept (run {config._rnn_run_id})")
        else:
            tr.write_line(
                f"run INCOMPLETE — {config._rnn_reason}. Ledger {target} keeps the previous complete records; "
                f"this run's {len(records)} partial record(s) are stored with run {config._rnn_run_id}, marked incomplete.",
                red=True,
            )
    baseline = config.getoption("--baseline")
    if baseline and not completed:
        tr.write_line(f"baseline {baseline}: no verdict for an incomplete run", red=True)
        return
    new = getattr(config, "_rnn_new", None)
    if new:
        tr.write_line(f"baseline {baseline}: {len(new)} new record(s), not in the baseline (their own checks judge them; "
                      f"`rnn-theorems verify --claims {','.join(dict.fromkeys(k.split()[0] for k in new))} --update-baseline` records them): {', '.join(new)}",
                      yellow=True)
    diffs = getattr(config, "_rnn_diffs", None)
    if diffs is not None:
        if not diffs:
            tr.write_line(f"baseline {baseline}: no claim moved beyond its tolerance")
        else:
            advice = "update deliberately with `rnn-theorems verify --update-baseline`"
            tr.write_line(f"baseline {baseline}: {len(diffs)} change(s) beyond tolerance ({advice})", red=True)
            tr.write_line(format_table(["record", "field", "baseline", "current", "allowed"], [d.row() for d in diffs]))



def _wrapped(tr, line: str, **markup) -> None:
    """A line of the claim-ledger summary wrapped to ``TERMINAL_WIDTH`` columns (``tests/test_report_hooks.py``)."""
    for part in wrap(line, TERMINAL_WIDTH, indent="    ") if len(line) > TERMINAL_WIDTH else [line]:
        tr.write_line(part, **markup)
