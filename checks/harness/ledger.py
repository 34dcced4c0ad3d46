"""The claim ledger and the results store (docs/design.md, "The claim record"; issue 13).

* A :class:`Collector` gathers the measurements of one claim over the instances a run tries;
  its record holds the instance count, the worst margin and ratio, the fitted rate and implied
  constant, the instance that reproduces the worst case, and the status.  A :class:`Ledger`
  holds the collectors of one run.
* :class:`ResultsStore` keeps ``results/ledger.json`` across runs: a run updates only its own
  records (each tagged with the run, its profile and the time it was recorded); every run is
  listed with its profile, the records it planned and ran, start and end time and whether it
  completed.  An incomplete run (Ctrl-C, a crash, ``-x``) leaves the records of the previous
  complete runs untouched and is kept beside them, marked incomplete, with its partial records.
  Writers are serialized by a lock file (``filelock``) and each write is atomic (temporary file
  + ``os.replace``), so concurrent runs lose nothing and a reader sees a whole file.
  :meth:`ResultsStore.preflight` finds file and directory problems before any check runs.
* Every file read at an edge — ledger, baseline, audit, mutation scores, counterexample — is
  validated by a small schema (:func:`validate`) whose errors name the file, the record and the
  field (:class:`SchemaError`, a ``ValueError``).
* :func:`compare` diffs a run's records against the committed baseline with tolerances relative
  to each quantity's own size (:data:`TOLERANCES`, :data:`ROUNDOFF_FLOOR`).
* :func:`freshness` says which records are missing or stale (its docstring gives the definition).
"""

from __future__ import annotations

import json
import math
import os
import socket
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from checks.claims import Claim, Measurement

__all__ = [
    "BASELINE_PATH",
    "COUNTEREXAMPLE_DIR",
    "LEDGER_PATH",
    "LOCK_TIMEOUT",
    "MUTATION_PATH",
    "ROUNDOFF_FLOOR",
    "SCHEMA_VERSION",
    "TOLERANCES",
    "Collector",
    "Diff",
    "Ledger",
    "ResultsStore",
    "SchemaError",
    "StoreError",
    "attach_mutation_scores",
    "baseline_from",
    "check_instance",
    "check_profiles",
    "check_writable",
    "compare",
    "comparable_ratio",
    "counterexample_path",
    "freshness",
    "load",
    "new_run_id",
    "read_json",
    "record_key",
    "save_counterexample",
    "validate",
    "write_json",
]

LEDGER_PATH = Path("results/ledger.json")
BASELINE_PATH = Path("ledger-baseline.json")
COUNTEREXAMPLE_DIR = Path("results/counterexamples")
MUTATION_PATH = Path("results/mutation.json")
SCHEMA_VERSION = 2
"""Version 2: records carry ``profile``, ``run``, ``recorded_at``; the file lists ``runs``.  Version-1
files (no ``runs``: one run's records) are read as they are and upgraded on the next write."""
LOCK_TIMEOUT = 120.0
"""Seconds a writer waits for the ledger's lock file; a write holds it for well under a second."""
MAX_RUNS = 50
"""Runs kept in a ledger's history (oldest dropped first)."""

STATUSES = ("holds", "fails", "expected-fail", "not-run", "error")

# Baseline tolerances (issue 13, item 5).  A quantity moved when
#     |current − baseline| > relative · |baseline| + ROUNDOFF_FLOOR · scale
# where scale is the size of the numbers the quantity is computed from: the larger of |lhs|, |rhs|
# and 1 for a margin (sides are scale-free by convention, so 1 is their natural size), and the
# larger of |value| and 1 for a ratio, a slope or an implied constant.  Relative tolerances catch a
# 10× change in any quantity above the floor (a 10× change is a move of 90 % or 900 %); the floor
# keeps round-off from being reported: the ci profile repeats bit for bit on one machine (one torch
# thread, see checks.harness.pytest_plugin), while a different thread count, BLAS or CPU reorders sums
# and moves results by ~1e-12 of their scale (measured: the former C4a exponent fit gave margins
# 1.77418e-11 with two threads and 1.77389e-11 with one, each repeating exactly at its thread count).
TOLERANCES = {
    "worst_margin": 0.25,  # relative
    "worst_ratio": 0.25,  # relative (the comparable ratio, see comparable_ratio)
    "rate_slope": 0.10,  # relative: a fitted exponent is a statement about a size
    "implied_constant": 0.25,  # relative
    "compared": 0.10,  # relative: a headline quantity (Measurement.compared); a 25% move must be a diff
}
ROUNDOFF_FLOOR = 1e-11
"""Absolute floor of every baseline tolerance, in units of the quantity's scale (see above)."""


# --------------------------------------------------------------------------------------------- records


@dataclass
class Collector:
    """Accumulates one claim's measurements in one scenario (``None``: all assumptions hold)."""

    claim: Claim
    scenario: str | None = None
    instances: int = 0
    failures: int = 0
    worst: Measurement | None = None
    worst_instance: dict | None = None
    max_constant: float | None = None
    slopes: list = field(default_factory=list)
    started: float = field(default_factory=time.perf_counter)
    error: str | None = None  # the check itself raised (not an inequality failure)
    duration: float | None = None  # the record's test call, in seconds, once it has finished

    def add(self, instance: dict, measurement: Measurement) -> None:
        """Count one evaluated instance; keep it if it is the worst so far."""
        self.instances += 1
        self.failures += not measurement.holds
        if self.worst is None or _worse(measurement, self.worst):
            self.worst, self.worst_instance = measurement, instance
        if measurement.constant is not None:
            self.max_constant = max(self.max_constant or -math.inf, measurement.constant)
        if measurement.rate is not None and measurement.rate.get("slope") is not None:
            self.slopes.append(measurement.rate["slope"])

    @property
    def status(self) -> str:
        """``holds``, ``fails``, ``expected-fail`` (a failing recorded finding), ``error`` (the check raised
        before any instance failed) or ``not-run``."""
        if self.failures:
            return "expected-fail" if self.claim.expected_fail else "fails"
        if self.error is not None:
            return "error"
        return "holds" if self.instances else "not-run"

    def record(self) -> dict:
        """The ledger record of this claim (docs/design.md lists its fields)."""
        w = self.worst
        return {
            "claim": self.claim.id,
            "family": self.claim.family,
            "title": self.claim.title,
            "statement": self.claim.statement,
            "assumptions": list(self.claim.assumptions),
            "scenario": self.scenario,
            "status": self.status,
            "error": self.error,
            "instances": self.instances,
            "failures": self.failures,
            "worst_margin": None if w is None else _num(w.margin),
            "worst_ratio": None if w is None else _num(w.ratio),
            "lhs": None if w is None else _num(w.lhs),
            "rhs": None if w is None else _num(w.rhs),
            "lhs_name": self.claim.lhs_name,
            "rhs_name": self.claim.rhs_name,
            "tolerance": None if w is None else w.tol,
            "tolerance_reason": self.claim.tolerance_reason,
            "rate": None if w is None else w.rate,
            "slopes": _summary(self.slopes),
            "implied_constant": self.max_constant,
            "details": {} if w is None else w.details,
            "compared": None if w is None or w.compared is None else {k: _num(float(v)) for k, v in w.compared.items()},
            "reproduce": self.worst_instance,
            "expected_fail": self.claim.expected_fail,
            "twin": {"kind": self.claim.twin.kind, "description": self.claim.twin.description},
            "seconds": round(self.duration if self.duration is not None else time.perf_counter() - self.started, 3),
        }


def _worse(a: Measurement, b: Measurement) -> bool:
    """``a`` is worse than ``b``: it fails where ``b`` holds, or has the smaller margin."""
    if a.holds != b.holds:
        return not a.holds
    return a.margin < b.margin


def _num(x: float) -> float | None:
    return float(x) if math.isfinite(x) else None


def _summary(values: list) -> dict | None:
    if not values:
        return None
    v = sorted(values)
    return {"min": v[0], "median": v[len(v) // 2], "max": v[-1]}


def record_key(claim_id: str, scenario: str | None = None) -> str:
    """The ledger key of a record: its id, and the scenario for audit rows (``"C3b -A3"``)."""
    return claim_id if scenario is None else f"{claim_id} {scenario}"


def comparable_ratio(record: dict) -> float | None:
    """The worst instance's sides as one number comparable across records: ``lhs / rhs`` when ``rhs > 0``,
    ``rhs / lhs`` when both sides are negative (exponents such as −½, where ``lhs ≤ rhs`` means
    ``|lhs| ≥ |rhs|``).  ``≤ 1`` exactly when ``lhs ≤ rhs``; ``None`` when ``rhs = 0`` or a side is missing
    (the margin is the measure there)."""
    lhs, rhs = record.get("lhs"), record.get("rhs")
    if lhs is None or rhs is None:
        return None
    if rhs > 0:
        return lhs / rhs
    if rhs < 0 and lhs < 0:
        return rhs / lhs
    return None


class Ledger:
    """All records of one run, keyed by :func:`record_key`."""

    def __init__(self, profile: str):
        self.profile = profile
        self.collectors: dict[str, Collector] = {}
        self.notes: dict[str, dict] = {}  # extra reports (e.g. K_2 against L, scaling tables)

    def collector(self, claim: Claim, scenario: str | None = None) -> Collector:
        """The collector of ``claim`` in ``scenario`` (created on first use)."""
        key = record_key(claim.id, scenario)
        if key not in self.collectors:
            self.collectors[key] = Collector(claim, scenario)
        return self.collectors[key]

    def note(self, key: str, value: dict) -> None:
        """Keep an extra table (``value`` with ``rows``, optional ``plot``) under ``key``."""
        self.notes[key] = value

    def as_dict(self) -> dict:
        """The run's records as JSON-able data: profile, records by key, notes."""
        return {
            "profile": self.profile,
            "records": {k: c.record() for k, c in sorted(self.collectors.items())},
            "notes": self.notes,
        }


def attach_mutation_scores(ledger: dict, mutation: dict) -> dict:
    """Copy each record's mutation score (killed / in scope, survivors, equivalents) into the ledger data."""
    for key, record in ledger.get("records", {}).items():
        score = mutation.get("scores", {}).get(key)
        if score is not None:
            record["mutation"] = {**score, "profile": mutation.get("profile")}
    return ledger


# ------------------------------------------------------------------------------------------- files


def write_json(path: Path | str, data: dict) -> None:
    """Write ``data`` as JSON to ``path`` atomically: a reader sees the old file or the new one."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=path.name + ".", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w") as f:
            json.dump(data, f, indent=1, sort_keys=True, allow_nan=False, default=_jsonable)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, 0o644)  # mkstemp creates 0600; a ledger is meant to be read by others
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _jsonable(x):
    if hasattr(x, "tolist"):
        return x.tolist()
    if isinstance(x, float) and not math.isfinite(x):
        return None
    raise TypeError(f"not JSON-serializable: {type(x).__name__}")


def read_json(path: Path | str, what: str = "ledger"):
    """Parse a JSON file; a missing, unreadable or malformed file is a one-line error naming it."""
    path = Path(path)
    try:
        text = path.read_text()
    except FileNotFoundError:
        hint = ": run `rnn-theorems verify` (or pytest theorems/) first" if what == "ledger" else ""
        raise FileNotFoundError(f"no {what} at {path}{hint}") from None
    except IsADirectoryError:
        raise ValueError(f"{what} {path} is a directory, not a JSON file") from None
    except PermissionError:
        raise ValueError(f"{what} {path} is not readable (permission denied)") from None
    except UnicodeDecodeError as e:
        raise ValueError(f"{what} {path} is not a text file: {e}") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as e:
        raise ValueError(f"{what} {path} is not valid JSON: {e} (truncated or edited by hand?)") from None


def check_writable(path: Path | str, what: str = "file") -> None:
    """Raise a one-line ``ValueError`` naming ``path`` unless it can be written (atomically: by creating a
    file beside it).  Creates the parent folder if needed.  Run before a long computation."""
    path = Path(path)
    parent = path.parent
    if path.is_dir():
        raise ValueError(f"{what} {path} is a directory")
    try:
        parent.mkdir(parents=True, exist_ok=True)
    except (FileExistsError, NotADirectoryError):
        raise ValueError(f"cannot write {what} {path}: {_first_non_dir(parent)} is not a directory") from None
    except OSError as e:
        raise ValueError(f"cannot create the folder {parent} for {what} {path}: {e.strerror or e}") from None
    try:
        fd, probe = tempfile.mkstemp(prefix=".write-check.", dir=parent)
    except OSError as e:
        raise ValueError(f"cannot write {what} {path}: folder {parent} is not writable ({e.strerror or e})") from None
    os.close(fd)
    os.unlink(probe)


def _first_non_dir(path: Path) -> Path:
    for p in [*reversed(path.parents), path]:
        if p.exists() and not p.is_dir():
            return p
    return path


def now() -> str:
    """The current time, UTC, ISO 8601 to the millisecond (sorts as text)."""
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds")


def new_run_id() -> str:
    """A run id: start time, host and process (unique across concurrent runs)."""
    return f"{datetime.now(timezone.utc).strftime('%Y%m%dT%H%M%S.%fZ')}-{socket.gethostname()}-{os.getpid()}"


# ------------------------------------------------------------------------------------------ schemas


class SchemaError(ValueError):
    """A file at an edge does not have the expected shape: the message names file, record and field."""


def _is_num(v) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


_KINDS = {
    "str": (lambda v: isinstance(v, str), "a string"),
    "str?": (lambda v: v is None or isinstance(v, str), "a string or null"),
    "int": (lambda v: isinstance(v, int) and not isinstance(v, bool) and v >= 0, "a non-negative integer"),
    "num": (_is_num, "a number"),
    "num?": (lambda v: v is None or _is_num(v), "a number or null"),
    "dict": (lambda v: isinstance(v, dict), "an object"),
    "dict?": (lambda v: v is None or isinstance(v, dict), "an object or null"),
    "list": (lambda v: isinstance(v, list), "a list"),
    "bool": (lambda v: isinstance(v, bool), "true or false"),
    "status": (lambda v: v in STATUSES, "one of " + ", ".join(STATUSES)),
    "verdict": (lambda v: v in ("holds", "breaks", "n/a"), "one of holds, breaks, n/a"),
    "mutant-status": (lambda v: v in ("killed", "survived", "equivalent"), "one of killed, survived, equivalent"),
}

_RECORD_CORE = {"claim": "str", "status": "status", "worst_margin": "num?", "rate": "dict?", "implied_constant": "num?"}
_RECORD_FULL = {
    **_RECORD_CORE,
    "title": "str",
    "statement": "str",
    "assumptions": "list",
    "scenario": "str?",
    "instances": "int",
    "failures": "int",
    "worst_ratio": "num?",
    "lhs": "num?",
    "rhs": "num?",
    "lhs_name": "str",
    "rhs_name": "str",
    "tolerance": "num?",
    "tolerance_reason": "str?",
    "details": "dict",
    "reproduce": "dict?",
    "expected_fail": "str?",
}
_RECORD_OPTIONAL = {
    "family": "str",
    "error": "str?",
    "slopes": "dict?",
    "twin": "dict",
    "seconds": "num",
    "profile": "str",
    "run": "str",
    "recorded_at": "str",
    "mutation": "dict",
    "compared": "dict?",
    **{k: v for k, v in _RECORD_FULL.items() if k not in _RECORD_CORE},
}
_RUN = {"id": "str", "profile": "str", "started_at": "str", "completed": "bool", "state": "str", "planned": "list"}
_RUN_OPTIONAL = {"finished_at": "str?", "ran": "list", "reason": "str?", "exit_status": "num?", "argv": "list", "pid": "num", "host": "str"}
_AUDIT_ROW = {"claim": "str", "scenario": "str", "verdict": "verdict"}
_AUDIT_ROW_OPTIONAL = {"instances": "int", "seconds": "num", "lhs": "num?", "rhs": "num?", "counterexample": "str?", "growth": "str?", "c": "num?"}
_MUTATION_ROW = {"claim": "str", "mutant": "str", "status": "mutant-status"}
_MUTATION_ROW_OPTIONAL = {"reason": "str", "seconds": "num?"}
_SCORE = {"killed": "int", "in_scope": "int", "survivors": "list", "equivalent": "list"}
_COUNTEREXAMPLE = {"claim": "str", "instance": "dict"}
_COUNTEREXAMPLE_OPTIONAL = {"scenario": "str?", "lhs": "num?", "rhs": "num?", "tol": "num?", "margin": "num?", "statement": "str", "error": "str?"}


def _fields(obj, required: dict, optional: dict, where: str) -> None:
    if not isinstance(obj, dict):
        raise SchemaError(f"{where}: expected an object, got {_describe(obj)}")
    for name, kind in [*required.items(), *((k, v) for k, v in optional.items() if k not in required)]:
        if name not in obj:
            if name in required:
                raise SchemaError(f"{where}: field {name!r} is missing")
            continue
        test, text = _KINDS[kind]
        if not test(obj[name]):
            raise SchemaError(f"{where}: field {name!r} must be {text}, got {_describe(obj[name])}")


def _describe(v) -> str:
    text = json.dumps(v, default=str)
    return f"{type(v).__name__} {text[:60]}{'…' if len(text) > 60 else ''}"


def _records(data: dict, where: str, full: bool) -> None:
    records = data["records"]
    for key, rec in records.items():
        at = f"{where}: record {key!r}"
        _fields(rec, _RECORD_FULL if full else _RECORD_CORE, _RECORD_OPTIONAL, at)
        if rec["claim"] != key.split()[0]:
            raise SchemaError(f"{at}: field 'claim' is {rec['claim']!r}, not the record's id {key.split()[0]!r}")
        if rec.get("rate") is not None and "slope" in rec["rate"] and not _KINDS["num?"][0](rec["rate"]["slope"]):
            raise SchemaError(f"{at}: field 'rate.slope' must be a number or null, got {_describe(rec['rate']['slope'])}")


def validate(data, kind: str, path: Path | str = "<data>"):
    """Check ``data`` read from ``path`` against the schema of ``kind`` (``ledger``, ``baseline``, ``audit``,
    ``mutation``, ``counterexample``); return it, or raise :class:`SchemaError` naming file, record and field."""
    where = f"{kind} {path}"
    if kind in ("ledger", "baseline"):
        top = {"records": "dict"} if kind == "ledger" else {"records": "dict", "profile": "str"}
        _fields(data, top, {"profile": "str?", "notes": "dict", "runs": "list", "schema": "int", "wall_seconds": "num?", "updated_at": "str"}, where)
        _records(data, where, full=kind == "ledger")
        for i, run in enumerate(data.get("runs", [])):
            _fields(run, _RUN, _RUN_OPTIONAL, f"{where}: runs[{i}]")
            if run.get("partial_records") is not None:
                _records({"records": run["partial_records"]}, f"{where}: runs[{i}] (partial)", full=True)
        for name, note in data.get("notes", {}).items():
            _fields(note, {}, {"rows": "list", "plot": "dict"}, f"{where}: note {name!r}")
    elif kind == "audit":
        _fields(data, {"rows": "list"}, {}, where)
        for i, row in enumerate(data["rows"]):
            _fields(row, _AUDIT_ROW, _AUDIT_ROW_OPTIONAL, f"{where}: rows[{i}]")
    elif kind == "mutation":
        _fields(data, {"rows": "list", "scores": "dict"}, {"profile": "str", "wall_seconds": "num?"}, where)
        for i, row in enumerate(data["rows"]):
            _fields(row, _MUTATION_ROW, _MUTATION_ROW_OPTIONAL, f"{where}: rows[{i}]")
        for key, score in data["scores"].items():
            _fields(score, _SCORE, {"score": "num?"}, f"{where}: scores[{key!r}]")
    elif kind == "counterexample":
        _fields(data, _COUNTEREXAMPLE, _COUNTEREXAMPLE_OPTIONAL, where)
    elif kind == "data":  # `rnn-theorems data NAME` output
        _fields(data, {"name": "str", "rows": "list"}, {"sizes": "list", "seed": "int", "verdicts": "dict", "vacuous": "bool"}, where)
    else:
        raise ValueError(f"unknown schema {kind!r}")
    return data


def load(path: Path | str, kind: str):
    """Read and validate a file of ``kind`` (see :func:`validate`): every failure is one line naming the file."""
    return validate(read_json(path, kind), kind, path)


SQUARE_LIMIT = math.sqrt(sys.float_info.max) / 8
"""Largest magnitude an instance number may have: its square, and a sum of 64 such squares, stay finite in float64."""


def check_instance(instance: dict, where: str) -> dict:
    """Reject an instance (a replay's, or an API caller's) that cannot be evaluated faithfully: a sample ``X``
    or labels ``y`` that are not (nested) lists of numbers, a number that is not finite or whose square
    would overflow float64.  The error names the field (``X[0][2][1]``)."""
    for name in ("X", "y"):
        if name in instance and not _numeric_array(instance[name]):
            raise SchemaError(f"{where}: instance field {name!r} must be a non-empty (nested) list of numbers, got {_describe(instance[name])}")

    def walk(v, path):
        if isinstance(v, bool) or v is None or isinstance(v, str):
            return
        if isinstance(v, (int, float)):
            if isinstance(v, float) and not math.isfinite(v):
                raise SchemaError(f"{where}: instance field {path} is {v}: not a finite number")
            if abs(v) > SQUARE_LIMIT:
                raise SchemaError(f"{where}: instance field {path} = {float(v):.4g} would overflow float64 when squared (|value| must be ≤ {SQUARE_LIMIT:.3g})")
        elif isinstance(v, list):
            for i, x in enumerate(v):
                walk(x, f"{path}[{i}]")
        elif isinstance(v, dict):
            for k, x in v.items():
                walk(x, f"{path}.{k}")

    for key, value in instance.items():
        walk(value, key)
    return instance


def _numeric_array(v) -> bool:
    if isinstance(v, list):
        return bool(v) and all(_numeric_array(x) for x in v)
    return _is_num(v)


# -------------------------------------------------------------------------------------- the store


class StoreError(ValueError):
    """The results store cannot be read, locked or written; the message names the file."""


def _empty() -> dict:
    return {"schema": SCHEMA_VERSION, "profile": None, "records": {}, "notes": {}, "runs": []}


class ResultsStore:
    """``results/ledger.json`` across runs (module docstring).  All writes go through :meth:`update`,
    under the lock file ``<ledger>.lock``."""

    def __init__(self, path: Path | str = LEDGER_PATH, *, lock_timeout: float = LOCK_TIMEOUT):
        self.path = Path(path)
        self.lock_path = self.path.with_name(self.path.name + ".lock")
        self.lock_timeout = lock_timeout

    def _lock(self):
        from filelock import FileLock

        return FileLock(str(self.lock_path), timeout=self.lock_timeout)

    def preflight(self) -> None:
        """Before the checks: the folder can be created and written, an existing ledger is readable and
        valid, and the lock can be taken.  Raises :class:`StoreError` naming the file."""
        try:
            check_writable(self.path, "ledger")
            self.read()
        except ValueError as e:
            raise StoreError(str(e)) from None
        from filelock import Timeout

        try:
            with self._lock():
                pass
        except Timeout:
            raise StoreError(f"ledger {self.path}: lock {self.lock_path} is held by another run for over {self.lock_timeout:g} s") from None
        except OSError as e:
            raise StoreError(f"ledger {self.path}: cannot create the lock file {self.lock_path} ({e.strerror or e})") from None

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
        from filelock import Timeout

        try:
            with self._lock():
                data = self.read()
                change(data)
                data["schema"] = SCHEMA_VERSION
                write_json(self.path, data)
        except Timeout:
            raise StoreError(f"ledger {self.path}: lock {self.lock_path} is held by another run for over {self.lock_timeout:g} s") from None
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


# ---------------------------------------------------------------------------------- freshness


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


def check_profiles(baseline: dict, profile: str, path, allowed: bool) -> None:
    """A run is compared only with a baseline of its own profile, unless explicitly allowed (then statuses only)."""
    if baseline.get("profile") != profile and not allowed:
        raise ValueError(
            f"baseline {path} was recorded under profile {baseline.get('profile')!r}, this run uses {profile!r}: "
            "margins are not comparable across profiles; run with the baseline's profile, or pass --allow-profile-mismatch "
            "to compare statuses only"
        )


def baseline_from(records: dict, profile: str, notes: dict | None = None) -> dict:
    """A baseline file's data: the profile, the records (with their run tags) and notes, and when it was written."""
    return {"schema": SCHEMA_VERSION, "profile": profile, "records": records, "notes": notes or {}, "updated_at": now()}


# ---------------------------------------------------------------------------- counterexamples


def counterexample_path(claim_id: str, scenario: str | None = None, directory=COUNTEREXAMPLE_DIR) -> Path:
    """Where a failing instance of ``claim_id`` in ``scenario`` is kept (``C3b_minus_A3.json``): one place."""
    suffix = "" if scenario is None else scenario.replace("+", "_plus_").replace("-", "_minus_")
    suffix = "".join(ch if ch.isalnum() or ch == "_" else "_" for ch in suffix)  # +A6:1/L → _plus_A6_1_L
    return Path(directory) / f"{claim_id}{suffix}.json"


def save_counterexample(claim: Claim, scenario: str | None, instance: dict, measurement: Measurement, directory=COUNTEREXAMPLE_DIR) -> Path:
    """Keep a failing instance at :func:`counterexample_path`; ``rnn-theorems replay`` re-runs it."""
    path = counterexample_path(claim.id, scenario, directory)
    write_json(
        path,
        {
            "claim": claim.id,
            "scenario": scenario,
            "statement": claim.statement,
            "instance": instance,
            "lhs": _num(measurement.lhs),
            "error": measurement.details.get("error"),
            "rhs": _num(measurement.rhs),
            "tol": measurement.tol,
            "margin": _num(measurement.margin),
            "lhs_name": claim.lhs_name,
            "rhs_name": claim.rhs_name,
        },
    )
    return path


# ------------------------------------------------------------------------------------- baseline


@dataclass(frozen=True)
class Diff:
    """One difference between a run's ledger and the baseline."""

    key: str
    field: str
    baseline: object
    current: object
    allowed: str

    def row(self) -> list[str]:
        """The diff as table cells."""
        return [self.key, self.field, _fmt(self.baseline), _fmt(self.current), self.allowed]


def _fmt(x) -> str:
    return f"{x:.4g}" if isinstance(x, float) else str(x)


def allowance(name: str, base: float, scale: float = 1.0) -> float:
    """How far quantity ``name`` may move from ``base``: ``TOLERANCES[name]·|base| + ROUNDOFF_FLOOR·max(1, scale, |base|)``."""
    return TOLERANCES[name] * abs(base) + ROUNDOFF_FLOOR * max(1.0, abs(scale), abs(base))


def _moved(name: str, base, cur, scale: float = 1.0) -> bool:
    if base is None or cur is None:
        return base is not cur
    return abs(cur - base) > allowance(name, base, scale)


def compare(current: dict, baseline: dict, claims: set[str] | None = None) -> list[Diff]:
    """Differences that matter between two ledgers: a status flip, a missing record, or a margin, ratio,
    slope or implied constant that moved beyond its tolerance (:data:`TOLERANCES`, relative to its own
    size, with the :data:`ROUNDOFF_FLOOR`)."""
    diffs = []
    cur_records, base_records = current.get("records", {}), baseline.get("records", {})
    keys = set(base_records) | set(cur_records)
    if claims is not None:
        keys = {k for k in keys if k.split()[0] in claims}
    for key in sorted(keys):
        b, c = base_records.get(key), cur_records.get(key)
        if b is None or c is None:
            diffs.append(Diff(key, "record", "present" if b else "missing", "present" if c else "missing", "must exist in both"))
            continue
        if b["status"] != c["status"]:
            diffs.append(Diff(key, "status", b["status"], c["status"], "no flip"))
        sides = max(abs(v) for v in (b.get("lhs"), b.get("rhs"), 1.0) if v is not None)
        checks = [
            ("worst_margin", b.get("worst_margin"), c.get("worst_margin"), sides),
            ("worst_ratio", comparable_ratio(b), comparable_ratio(c), 1.0),
            ("rate_slope", (b.get("rate") or {}).get("slope"), (c.get("rate") or {}).get("slope"), 1.0),
            ("implied_constant", b.get("implied_constant"), c.get("implied_constant"), 1.0),
        ]
        b_cmp, c_cmp = b.get("compared") or {}, c.get("compared") or {}
        for q in sorted(set(b_cmp) | set(c_cmp)):
            bv, cv = b_cmp.get(q), c_cmp.get(q)
            if _moved("compared", bv, cv):
                allowed = "both present" if bv is None or cv is None else f"±{allowance('compared', bv):.3g} ({TOLERANCES['compared']:.0%} + round-off)"
                diffs.append(Diff(key, f"compared.{q}", bv, cv, allowed))
        for name, bv, cv, scale in checks:
            if (bv is not None or cv is not None) and _moved(name, bv, cv, scale):
                allowed = "both present" if bv is None or cv is None else f"±{allowance(name, bv, scale):.3g} ({TOLERANCES[name]:.0%} + round-off)"
                diffs.append(Diff(key, name, bv, cv, allowed))
    return diffs
