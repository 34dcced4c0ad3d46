"""``rnn-theorems verify --workers N`` / ``--scheduler ADDRESS``: one claim record per dask task.

Each task runs exactly what a serial ``verify`` runs for that record — the theorem test under pytest
with the suite's plugin, the same profile and therefore the same instances (a record's seed depends on
its id and the profile only) — in a fresh Python process on the worker, with a private ledger file.  The
task returns that ledger's records and notes; this process stores them in the results store as one run,
compares them with the baseline and prints the same summary table.  A record's ledger entry is the
serial run's, field for field, except its wall time (``seconds``) and its run stamp
(``tests/test_distributed_verify.py`` checks this on a LocalCluster).

A remote scheduler's workers need this checkout at the same path (the theorem modules) and the package
installed; counterexamples of failing records are written under the worker's working directory.

An interrupt (Ctrl-C) leaves nothing behind: the run is stored as incomplete, the cluster is closed, each task's
pytest process exits as soon as the worker that started it is gone (it watches its parent, ``PARENT_ENV``), and
the tasks' private ledgers live in one temporary folder (``rnn-theorems-verify-<pid>-*``) that this process removes
(after a SIGKILL, the next ``verify --workers`` run removes it).
"""

from __future__ import annotations

import contextlib
import io
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from checks.claims import sort_key
from checks.experiments.fanout import map_tasks, sigint_ignored
from checks.harness.baseline import new_records
from checks.harness.jsonio import read_json
from checks.harness.pytest_plugin import PARENT_ENV, baseline_diffs
from checks.harness.schemas import load
from checks.harness.store import MUTATION_PATH, ResultsStore
from checks.harness.tables import fmt, format_table, terminal_summary

__all__ = ["planned_records", "run_record_task", "verify_distributed"]

RUN_STAMPS = ("profile", "run", "recorded_at", "mutation")
"""Fields the results store adds to a record when it stores it: the task's private store adds them, this one again."""

OUTPUT_TAIL = 4000
"""Characters of a task's pytest output kept for a record that did not run cleanly."""


def planned_records(theorems: Path, profile: str, selectors: str | None) -> list[str]:
    """The record ids whose claim tests a serial ``verify`` would run (pytest collection, nothing executed)."""
    import pytest

    class Planned:
        ids: list[str] = []

        def pytest_collection_finish(self, session):
            marks = (item.get_closest_marker("claim") for item in session.items)
            self.ids = [m.args[0] for m in marks if m is not None]

    planned = Planned()
    argv = [str(theorems), "--collect-only", "-q", "--suite-profile", profile, "--ledger", "none", "-p", "checks.harness.pytest_plugin"]
    argv += ["-W", "ignore::pytest.PytestAssertRewriteWarning", "-p", "no:cacheprovider"]
    if selectors is not None:
        argv += ["--claims", selectors]
    with contextlib.redirect_stdout(io.StringIO()) as out:
        code = int(pytest.main(argv, plugins=[planned]))
    if code not in (0, 5):
        print(out.getvalue()[-OUTPUT_TAIL:], file=sys.stderr)
        raise ValueError(f"collecting the claim tests under {theorems} failed (pytest exit {code}; its output is above)")
    return sorted(dict.fromkeys(planned.ids), key=sort_key)


def run_record_task(task: tuple) -> dict:
    """A dask task: ``verify`` of one record in a fresh process on the worker, with a private ledger.

    ``task = (record id, profile, theorems folder, working directory, run id[, scratch folder])``: the private
    ledger goes into a folder inside the scratch folder (the one ``verify_distributed`` removes whatever happens),
    or into a temporary folder of its own where the scratch folder does not exist (a remote worker).  Returns the
    record id, pytest's exit status, the records and notes the run stored, its wall time and the output's tail."""
    record_id, profile, theorems, cwd, run_id, *rest = task
    scratch = rest[0] if rest and rest[0] and os.path.isdir(rest[0]) else None
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="rnn-theorems-task-", dir=scratch) as tmp:
        ledger = Path(tmp) / "ledger.json"
        # "=ID": this record alone, where its id is also its family's (C1, C6, C7 would run their whole family)
        argv = [sys.executable, "-m", "pytest", theorems, "--suite-profile", profile, "--claims", "=" + record_id, "--ledger", str(ledger)]
        argv += ["--run-id", run_id, "-q", "-p", "checks.harness.pytest_plugin", "-p", "no:cacheprovider"]
        argv += ["-W", "ignore::pytest.PytestAssertRewriteWarning"]
        env = {**os.environ, PARENT_ENV: str(os.getpid())}
        proc = subprocess.run(argv, cwd=cwd if os.path.isdir(cwd) else tmp, capture_output=True, text=True, env=env)
        stored = read_json(ledger) if ledger.exists() else {"records": {}, "notes": {}}
    records = {k: {f: v for f, v in r.items() if f not in RUN_STAMPS} for k, r in stored["records"].items() if r.get("run") == run_id}
    notes = {k: {f: v for f, v in n.items() if f not in RUN_STAMPS} for k, n in stored["notes"].items() if n.get("run") == run_id}
    return {
        "record": record_id,
        "exit": proc.returncode,
        "records": records,
        "notes": notes,
        "seconds": round(time.perf_counter() - started, 1),
        "output": (proc.stdout + proc.stderr)[-OUTPUT_TAIL:],
    }


SCRATCH_PREFIX = "rnn-theorems-verify-"
"""The tasks' temporary folder of one run: ``rnn-theorems-verify-<pid>-<random>`` in the system's temporary folder."""


def _new_scratch() -> str:
    """The run's temporary folder, after removing those of earlier runs whose process is gone (a run killed with
    SIGKILL could not remove its own)."""
    for folder in Path(tempfile.gettempdir()).glob(SCRATCH_PREFIX + "*"):
        pid = folder.name[len(SCRATCH_PREFIX):].split("-", 1)[0]
        if pid.isdigit() and folder.is_dir() and not folder.is_symlink():
            try:
                os.kill(int(pid), 0)
            except ProcessLookupError:
                shutil.rmtree(folder, ignore_errors=True)
            except PermissionError:
                pass
    return tempfile.mkdtemp(prefix=f"{SCRATCH_PREFIX}{os.getpid()}-")


def _remove_scratch(folder: str) -> None:
    """Remove the tasks' temporary folder; a task process that is still exiting may write into it for a moment."""
    for _ in range(20):
        shutil.rmtree(folder, ignore_errors=True)
        if not os.path.exists(folder):
            return
        time.sleep(0.25)


def verify_distributed(
    records: list[str],
    profile: str,
    theorems: Path,
    *,
    ledger: str,
    baseline: dict | None,
    run_id: str,
    scheduler: str | None = None,
    workers: int = 0,
    baseline_path: str = "",
) -> int:
    """Run ``records`` one per task, store them as run ``run_id`` and compare with ``baseline``.

    Returns 0 when every record ran and held (or failed as recorded, strict xfail) and nothing moved beyond
    the baseline's tolerances, 1 when a record failed or moved, or did not run (the run is then stored as
    incomplete and gets no baseline verdict).  An interrupt re-raises after the run is stored as incomplete, the
    cluster closed and the tasks' temporary folder removed."""
    store = None if ledger == "none" else ResultsStore(ledger)
    mutation = load(MUTATION_PATH, "mutation") if MUTATION_PATH.exists() else None
    if store is not None:
        store.begin_run(run_id, profile, records, sys.argv)
    started = time.perf_counter()
    scratch = _new_scratch()
    tasks = [(rid, profile, str(theorems.resolve()), os.getcwd(), run_id, scratch) for rid in records]

    def progress(result: dict) -> None:
        done[0] += 1
        r = result["records"].get(result["record"])
        text = f"{r['status']}: {r['instances']} instances, worst margin {fmt(r['worst_margin'])}" if r else f"did not run (pytest exit {result['exit']})"
        print(f"[{done[0]}/{len(tasks)} claim records, {time.perf_counter() - started:.0f} s] {result['record']} {text}, {result['seconds']:.1f} s", flush=True)

    done = [0]
    run = {"profile": profile, "records": {}, "notes": {}}
    try:
        results = map_tasks(run_record_task, tasks, scheduler=scheduler, workers=workers, progress=progress)
    except BaseException as e:  # Ctrl-C or a lost scheduler: the run is kept, marked incomplete
        if store is not None:
            with sigint_ignored():  # a second Ctrl-C must not cut this short
                store.finish_run(run_id, run, completed=False, reason=f"interrupted: {type(e).__name__}", mutation=mutation)
        raise
    finally:  # the cluster is closed by now: its tasks' pytest processes exit with their workers
        with sigint_ignored():
            _remove_scratch(scratch)
    for result in results:
        run["records"].update(result["records"])
        run["notes"].update(result["notes"])
    missing = [r for r in results if r["exit"] not in (0, 1) or r["record"] not in r["records"]]
    failed = any(r["exit"] == 1 for r in results)
    completed = not missing
    reason = None if completed else f"{len(missing)} record(s) did not run: {', '.join(r['record'] for r in missing)}"
    code = 1 if missing or failed else 0
    run["wall_seconds"] = round(time.perf_counter() - started, 1)
    if store is not None:
        store.finish_run(run_id, run, completed=completed, reason=reason, exit_status=code, mutation=mutation)
    print("\n".join(terminal_summary(run["records"])))  # the serial run's terminal summary, ≤ 120 columns
    for r in missing:
        print(f"\n{r['record']}: pytest exit {r['exit']}; output tail:\n{r['output']}", file=sys.stderr)
    if store is not None:
        print(f"ledger {ledger}: {len(run['records'])} record(s) {'updated' if completed else 'kept with the incomplete run'} (run {run_id})")
    if baseline is not None:
        if not completed:
            print(f"baseline {baseline_path}: no verdict for an incomplete run", file=sys.stderr)
            return code
        from checks.claims import REGISTRY

        full = set(records) >= set(REGISTRY)  # a full run: a baseline record missing from it is a diff
        diffs = baseline_diffs(run, baseline, None if full else set(records))
        new = new_records(run, baseline)
        if new:
            print(f"baseline {baseline_path}: {len(new)} new record(s), not in the baseline (their own checks judge them): {', '.join(new)}")
        if diffs:
            print(f"baseline {baseline_path}: {len(diffs)} change(s) beyond tolerance", file=sys.stderr)
            print(format_table(["record", "field", "baseline", "current", "allowed"], [d.row() for d in diffs]))
            code = max(code, 1)
        else:
            print(f"baseline {baseline_path}: no claim moved beyond its tolerance")
    return code
