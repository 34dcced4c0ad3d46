"""The results store: ``results/ledger.json`` across runs, its run history and freshness.

:class:`ResultsStore` keeps the ledger across runs: a run updates only its own records (each tagged
with the run, its profile and the time it was recorded); every run is listed with its profile, the
records it planned and ran, start and end time and whether it completed.  An incomplete run (Ctrl-C,
a crash, ``-x``) leaves the records of the previous complete runs untouched and is kept beside them,
marked incomplete, with its partial records.  Writers are serialized by a lock file (``filelock``,
:func:`checks.harness.jsonio.locked`: a wait names the holder) and each write is atomic
(:func:`checks.harness.jsonio.write_json`), so concurrent runs lose nothing and a reader sees a whole file; a
file of another kind at the ledger's path (a baseline, a mutation table) is refused, never replaced.
:meth:`ResultsStore.preflight` finds file and directory problems before any check runs.  :func:`freshness` says which records are missing or stale.
"""

from __future__ import annotations

import functools
import hashlib
import os
import socket
from pathlib import Path

import checks
from checks.harness.jsonio import LOCK_TIMEOUT, check_writable, locked, now, write_json
from checks.harness.schemas import load

__all__ = [
    "LEDGER_PATH",
    "LOCK_TIMEOUT",
    "MAX_RUNS",
    "MUTATION_PATH",
    "SCHEMA_VERSION",
    "ResultsStore",
    "StoreError",
    "attach_mutation_scores",
    "code_fingerprint",
    "freshness",
    "run_state",
]

LEDGER_PATH = Path("results/ledger.json")
MUTATION_PATH = Path("results/mutation.json")
SCHEMA_VERSION = 2
"""Version 2: records carry ``profile``, ``run``, ``recorded_at``; the file lists ``runs``.  Version-1
files (no ``runs``: one run's records) are read as they are and upgraded on the next write."""
MAX_RUNS = 50
"""Runs kept in a ledger's history (oldest dropped first)."""


@functools.lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """SHA-256 over the ``checks`` package's Python sources (relative path and bytes of each, in sorted order).

    ``rnn-theorems mutate`` stamps its table with it; scores are attached to records only by code with the same
    fingerprint, so a table left in the working tree by other code never travels with a run's records."""
    root = Path(checks.__file__).resolve().parent
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*.py")):
        digest.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def attach_mutation_scores(ledger: dict, mutation: dict) -> dict:
    """Copy each record's mutation score (killed / in scope, crash-kills, survivors, equivalents) into the ledger
    data — only when the table was measured by this code (``mutation["code"] == code_fingerprint()``); a table of
    other code (or without a fingerprint) attaches nothing."""
    if mutation.get("code") != code_fingerprint():
        return ledger
    for key, record in ledger.get("records", {}).items():
        score = mutation.get("scores", {}).get(key)
        if score is not None:
            record["mutation"] = {**score, "profile": mutation.get("profile"), "code": mutation["code"]}
    return ledger


class StoreError(ValueError):
    """The results store cannot be read, locked or written; the message names the file."""


def _empty() -> dict:
    return {"schema": SCHEMA_VERSION, "profile": None, "records": {}, "notes": {}, "runs": []}


class ResultsStore:
    """``results/ledger.json`` across runs (module docstring).  All writes go through :meth:`update`,
    under the lock file ``<ledger>.lock``."""

    def __init__(self, path: Path | str = LEDGER_PATH, *, lock_timeout: float = LOCK_TIMEOUT):
        if not str(path).strip() or not Path(path).name:
            raise StoreError(f"ledger path {str(path)!r} is empty: give a file (--ledger results/ledger.json) or --ledger none")
        self.path = Path(path)
        self.lock_path = self.path.with_name(self.path.name + ".lock")
        self.lock_timeout = lock_timeout

    def preflight(self) -> None:
        """Before the checks: the folder can be created and written, an existing file there is a valid ledger
        (not a baseline or any other file), and the lock can be taken.  Raises :class:`StoreError` naming the file."""
        try:
            self.read()  # a corrupt or malformed ledger is named as such
            check_writable(self.path, "ledger", kind="ledger")  # a baseline or any other file at its path is refused
            with locked(self.path, "ledger", timeout=self.lock_timeout):
                pass
        except ValueError as e:
            raise StoreError(str(e)) from None

    def read(self) -> dict:
        """The validated ledger (an empty one when the file does not exist yet)."""
        if not self.path.exists():
            return _empty()
        data = load(self.path, "ledger")
        data.setdefault("runs", [])
        data.setdefault("notes", {})
        return data

    def update(self, change) -> dict:
        """Under the lock: read the ledger, apply ``change(data)``, write it atomically; return the data."""
        try:
            with locked(self.path, "ledger", timeout=self.lock_timeout):
                data = self.read()
                change(data)
                data["schema"] = SCHEMA_VERSION
                write_json(self.path, data, kind="ledger")
        except ValueError as e:
            raise StoreError(str(e)) from None
        except OSError as e:
            raise StoreError(f"cannot write ledger {self.path}: {e.strerror or e}") from None
        return data

    def begin_run(self, run_id: str, profile: str, planned: list[str], argv: list[str] | None = None) -> None:
        """List the run as started (``running``): if the process dies, the entry stays, marked incomplete."""
        entry = {
            "id": run_id,
            "profile": profile,
            "planned": list(planned),
            "ran": [],
            "started_at": now(),
            "finished_at": None,
            "completed": False,
            "state": "running",
            "reason": None,
            "pid": os.getpid(),
            "host": socket.gethostname(),
            "argv": list(argv or []),
        }
        self.update(lambda data: _upsert_run(data, entry))

    def finish_run(
        self, run_id: str, run: dict, *, completed: bool, reason: str | None = None, exit_status: int | None = None, mutation: dict | None = None
    ) -> dict:
        """Close the run.  ``run`` is :meth:`Ledger.as_dict` of this run.  A complete run's records replace
        the stored ones of the same keys (others stay); an incomplete run's records are kept only with its
        run entry.  Returns the run entry."""
        stamp = now()
        records = {}
        for key, rec in run["records"].items():
            records[key] = {**rec, "profile": run["profile"], "run": run_id, "recorded_at": stamp}
        if mutation is not None:
            attach_mutation_scores({"records": records}, mutation)
        notes = {name: {**note, "profile": run["profile"], "run": run_id} for name, note in run.get("notes", {}).items()}
        entry: dict = {}

        def change(data):
            nonlocal entry
            entry = next((r for r in data["runs"] if r["id"] == run_id), None)
            if entry is None:  # the run was never listed as started (a store created mid-run)
                entry = {
                    "id": run_id,
                    "profile": run["profile"],
                    "planned": sorted(records),
                    "started_at": stamp,
                    "pid": os.getpid(),
                    "host": socket.gethostname(),
                }
                data["runs"].append(entry)
            entry.update(ran=sorted(records), finished_at=stamp, completed=completed, reason=reason, exit_status=exit_status)
            entry["state"] = "complete" if completed else "incomplete"
            if completed:
                data["records"].update(records)
                data["notes"].update(notes)
                data["profile"] = run["profile"]
                entry.pop("partial_records", None)
            else:
                entry["partial_records"] = records
            _trim(data)

        self.update(change)
        return entry


def _upsert_run(data: dict, entry: dict) -> None:
    data["runs"] = [r for r in data["runs"] if r["id"] != entry["id"]] + [entry]
    _trim(data)


def _trim(data: dict) -> None:
    """Keep the last ``MAX_RUNS`` runs and the partial records of the latest incomplete run only."""
    runs = data["runs"][-MAX_RUNS:]
    latest = next((r["id"] for r in reversed(runs) if r.get("partial_records") is not None), None)
    for r in runs:
        if r["id"] != latest:
            r.pop("partial_records", None)
    data["runs"] = runs


def run_state(run: dict) -> str:
    """``complete``, ``incomplete`` (with its reason), ``running`` (its process is alive on this host) or
    ``died`` (listed as running, but its process is gone: killed or crashed without a chance to say so)."""
    if run.get("state") != "running":
        return run.get("state", "complete")
    if run.get("host") == socket.gethostname() and isinstance(run.get("pid"), int):
        try:
            os.kill(run["pid"], 0)
        except ProcessLookupError:
            return "died"
        except PermissionError:
            pass
    return "running"


def freshness(ledger: dict, registered: list[str] | None = None, baseline: dict | None = None) -> dict:
    """Which records are missing or stale, each with its reason.

    * **missing**: a registered record (``registered``: the record ids of the registry) or a baseline
      record with no record in the ledger.
    * **stale**: a record recorded under a profile other than the reference profile — the baseline's
      profile when a baseline is given, else the profile of the ledger's latest complete run — or
      recorded *before* the baseline's record of the same key (the baseline was refreshed from a newer
      run than the one in this ledger); also a record whose id is no longer registered.

    Returns ``{"reference_profile", "missing": {key: reason}, "stale": {key: reason}, "incomplete_runs": [...]}``;
    an incomplete run is listed until every record it planned has been recorded again by a later complete run.
    """
    records = ledger.get("records", {})
    reference = (baseline or {}).get("profile") or ledger.get("profile")
    missing, stale = {}, {}
    for cid in registered or []:
        if cid not in records:
            missing[cid] = "registered record never recorded in this ledger"
    for key in (baseline or {}).get("records", {}):
        if key not in records and key not in missing:
            missing[key] = "in the baseline, not in this ledger"
    base_records = (baseline or {}).get("records", {})
    for key, rec in records.items():
        reasons = []
        if registered is not None and key.split()[0] not in registered:
            reasons.append("no longer a registered record")
        profile = rec.get("profile", ledger.get("profile"))
        if reference and profile and profile != reference:
            reasons.append(f"ran under profile {profile}, not {reference}")
        b = base_records.get(key) or {}
        if rec.get("recorded_at") and b.get("recorded_at") and rec["recorded_at"] < b["recorded_at"]:
            reasons.append(f"recorded {rec['recorded_at']}, before the baseline's record ({b['recorded_at']})")
        if reasons:
            stale[key] = "; ".join(reasons)
    incomplete = []
    for r in ledger.get("runs", []):
        state = run_state(r)
        superseded = all((records.get(k) or {}).get("recorded_at", "") > r.get("started_at", "") for k in r.get("planned", []))
        if state != "complete" and not superseded:
            entry = {k: r.get(k) for k in ("id", "profile", "reason", "started_at")}
            incomplete.append({**entry, "state": state, "ran": r.get("ran", []), "planned": r.get("planned", [])})
    return {"reference_profile": reference, "missing": missing, "stale": stale, "incomplete_runs": incomplete}
