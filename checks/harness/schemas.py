"""Schemas of the files read at an edge — ledger, baseline, audit, mutation scores, counterexample, data
verdicts — and of replayed instances: :func:`validate` errors name the file, the record and the field
(:class:`SchemaError`, a ``ValueError``)."""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path

from checks.harness.jsonio import KINDS, LOCK_TIMEOUT, check_writable, json_kind, locked, read_json, write_json

__all__ = ["SQUARE_LIMIT", "STATUSES", "SchemaError", "check_instance", "load", "update", "validate"]

STATUSES = ("holds", "vacuous", "fails", "expected-fail", "not-run", "error")


class SchemaError(ValueError):
    """A file at an edge does not have the expected shape: the message names file, record and field."""


def _is_num(v) -> bool:
    """A finite number: the suite writes ``null`` where a value is not finite, so ``NaN`` or ``inf`` in a file is an edit."""
    return isinstance(v, (int, float)) and not isinstance(v, bool) and (isinstance(v, int) or math.isfinite(v))


_KINDS = {
    "str": (lambda v: isinstance(v, str), "a string"),
    "str?": (lambda v: v is None or isinstance(v, str), "a string or null"),
    "int": (lambda v: isinstance(v, int) and not isinstance(v, bool) and v >= 0, "a non-negative integer"),
    "num": (_is_num, "a finite number"),
    "num?": (lambda v: v is None or _is_num(v), "a finite number or null"),
    "dict": (lambda v: isinstance(v, dict), "an object"),
    "dict?": (lambda v: v is None or isinstance(v, dict), "an object or null"),
    "list": (lambda v: isinstance(v, list), "a list"),
    "rows": (lambda v: isinstance(v, list) and all(isinstance(r, dict) for r in v), "a list of objects"),
    "ints": (lambda v: isinstance(v, list) and all(isinstance(x, int) and not isinstance(x, bool) for x in v), "a list of integers"),
    "bool": (lambda v: isinstance(v, bool), "true or false"),
    "status": (lambda v: v in STATUSES, "one of " + ", ".join(STATUSES)),
    "verdict": (lambda v: v in ("holds", "breaks", "n/a"), "one of holds, breaks, n/a"),
    "mutant-status": (lambda v: v in ("killed", "crash-killed", "survived", "equivalent"), "one of killed, crash-killed, survived, equivalent"),
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
    "vacuous_instances": "int",
    "vacuous_reason": "str?",
    "invalid": "int",
    "guards": "dict",
    "resolution": "dict?",
    "points": "rows",
    **{k: v for k, v in _RECORD_FULL.items() if k not in _RECORD_CORE},
}
_RUN = {"id": "str", "profile": "str", "started_at": "str", "completed": "bool", "state": "str", "planned": "list"}
_RUN_OPTIONAL = {"finished_at": "str?", "ran": "list", "reason": "str?", "exit_status": "num?", "argv": "list", "pid": "num", "host": "str"}
_AUDIT_ROW = {"claim": "str", "scenario": "str", "verdict": "verdict"}
_AUDIT_ROW_OPTIONAL = {"instances": "int", "seconds": "num", "lhs": "num?", "rhs": "num?", "counterexample": "str?", "growth": "str?", "c": "num?"}
_MUTATION_ROW = {"claim": "str", "mutant": "str", "status": "mutant-status"}
_MUTATION_ROW_OPTIONAL = {"reason": "str", "seconds": "num?"}
_SCORE = {"killed": "int", "in_scope": "int", "survivors": "rows", "equivalent": "rows"}
_DATA_ROW_OPTIONAL = {  # absent where the kernel was singular (the row records λ_0 and why)
    "kernel_test_error": "num?", "kernel_test_loss": "num?", "bound_true": "num?", "bound_random": "num?",
    "complexity_true_per_n": "num?", "complexity_random_per_n": "num?", "lambda_0": "num?",
}  # fmt: skip
_FALSE_ALARM_ROW = {
    "claim": "str", "runs": "int", "failures": "int", "stated": "num", "seconds": "num", "seconds_per_run": "num",
    "cp_upper": "num", "salts": "ints", "failed_runs": "rows",
}  # fmt: skip
_RATE = {name: "num?" for name in ("slope", "intercept", "ci_low", "ci_high", "confidence", "rms_residual")}
_RATE.update(points="int", power_law="dict?", stretched_exponential="dict?")
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
        if rec.get("rate") is not None:  # the numbers the comparison and the report read
            _fields(rec["rate"], {}, _RATE, f"{at}: field 'rate'")
        if rec.get("mutation") is not None:
            _fields(rec["mutation"], {}, {"survivors": "rows", "crashes": "rows", "equivalent": "rows"}, f"{at}: field 'mutation'")
        for name, value in (rec.get("compared") or {}).items():  # compared with the baseline: a NaN would switch it off
            if not _KINDS["num?"][0](value):
                raise SchemaError(f"{at}: field 'compared.{name}' must be a finite number or null, got {_describe(value)}")


def validate(data, kind: str, path: Path | str = "<data>"):
    """Check ``data`` read from ``path`` against the schema of ``kind`` (``ledger``, ``baseline``, ``audit``,
    ``mutation``, ``counterexample``, ``data``, ``false-alarms``); return it, or raise :class:`SchemaError` naming
    file, record and field.  Numbers must be finite: the suite writes ``null`` where one is not."""
    where = f"{kind} {path}"
    if kind in ("ledger", "baseline"):
        top = {"records": "dict"} if kind == "ledger" else {"records": "dict", "profile": "str"}
        optional = {"profile": "str?", "notes": "dict", "runs": "list", "schema": "int", "wall_seconds": "num?", "updated_at": "str",
                    "accepted_failures": "dict"}
        _fields(data, top, optional, where)
        _records(data, where, full=kind == "ledger")
        for i, run in enumerate(data.get("runs", [])):
            _fields(run, _RUN, _RUN_OPTIONAL, f"{where}: runs[{i}]")
            if run.get("partial_records") is not None:
                _records({"records": run["partial_records"]}, f"{where}: runs[{i}] (partial)", full=True)
        for name, note in data.get("notes", {}).items():
            _fields(note, {}, {"rows": "rows", "plot": "dict"}, f"{where}: note {name!r}")
            if note.get("plot") is not None:
                _fields(note["plot"], {"x": "str", "y": "list"}, {"ylabel": "str"}, f"{where}: note {name!r}: plot")
        if kind == "baseline":
            for key, acc in (data.get("accepted_failures") or {}).items():
                _fields(acc, {"status": "str", "run": "str", "accepted_at": "str"}, {"argv": "list"}, f"{where}: accepted_failures[{key!r}]")
    elif kind == "audit":
        _fields(data, {"rows": "list"}, {}, where)
        for i, row in enumerate(data["rows"]):
            _fields(row, _AUDIT_ROW, _AUDIT_ROW_OPTIONAL, f"{where}: rows[{i}]")
    elif kind == "mutation":
        _fields(data, {"rows": "list", "scores": "dict"}, {"profile": "str", "wall_seconds": "num?", "code": "str"}, where)
        for i, row in enumerate(data["rows"]):
            _fields(row, _MUTATION_ROW, _MUTATION_ROW_OPTIONAL, f"{where}: rows[{i}]")
        for key, score in data["scores"].items():
            _fields(score, _SCORE, {"score": "num?", "crash_killed": "int", "crashes": "rows"}, f"{where}: scores[{key!r}]")
    elif kind == "counterexample":
        _fields(data, _COUNTEREXAMPLE, _COUNTEREXAMPLE_OPTIONAL, where)
    elif kind == "data":  # `rnn-theorems data NAME` output; the report reads these fields of each row
        _fields(data, {"name": "str", "rows": "list"}, {"sizes": "list", "seed": "int", "verdicts": "dict", "vacuous": "bool"}, where)
        for i, row in enumerate(data["rows"]):
            _fields(row, {"n": "int"}, _DATA_ROW_OPTIONAL, f"{where}: rows[{i}]")
    elif kind == "false-alarms":  # `rnn-theorems false-alarms --out`: extended by later runs, read by the report
        _fields(data, {"rows": "list"}, {"profile": "str", "confidence": "num", "rule": "str", "wall_seconds": "num?"}, where)
        for i, row in enumerate(data["rows"]):
            _fields(row, _FALSE_ALARM_ROW, {"statement": "str", "observed": "num", "cp_lower": "num", "verdict": "str"}, f"{where}: rows[{i}]")
            for j, failed in enumerate(row["failed_runs"]):
                _fields(failed, {"salt": "int", "reason": "str"}, {}, f"{where}: rows[{i}].failed_runs[{j}]")
    else:
        raise ValueError(f"unknown schema {kind!r}")
    return data


def load(path: Path | str, kind: str):
    """Read and validate a file of ``kind`` (see :func:`validate`): every failure is one line naming the file, and
    what the file holds when that is another kind the suite writes (a baseline given as a ledger)."""
    data = read_json(path, kind)
    try:
        return validate(data, kind, path)
    except ValueError as e:
        found = json_kind(data)
        if found is None or found == "records" or found == kind:
            raise
        raise ValueError(f"{e} (the file holds {KINDS[found]}, not {KINDS.get(kind, kind)})") from None


def update(path: Path | str, kind: str, change, *, what: str | None = None, empty=dict, timeout: float = LOCK_TIMEOUT):
    """Where two runs could write the same file (a baseline, an audit or false-alarm table): under its lock
    (``checks.harness.jsonio.locked``), read it (validated as ``kind``; ``empty()`` when absent or empty), apply
    ``change(data)`` (which may return a replacement), write it atomically; return what was written."""
    path = Path(path)
    with locked(path, what or kind, timeout=timeout):
        check_writable(path, what or kind, kind=kind)
        data = load(path, kind) if path.exists() and path.stat().st_size else empty()
        new = change(data)
        data = data if new is None else new
        write_json(path, data, kind=kind, what=what)
    return data


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
                raise SchemaError(f"{where}: instance field {path} = {_magnitude(v)} would overflow float64 when squared "
                                  f"(|value| must be ≤ {SQUARE_LIMIT:.3g})")
        elif isinstance(v, list):
            for i, x in enumerate(v):
                walk(x, f"{path}[{i}]")
        elif isinstance(v, dict):
            for k, x in v.items():
                walk(x, f"{path}.{k}")

    for key, value in instance.items():
        walk(value, key)
    return instance


def _magnitude(v) -> str:
    """A number for a message: ``1e+308``; an integer too large for a float by its digit count."""
    try:
        return f"{float(v):.4g}"
    except OverflowError:
        return f"an integer of {len(str(abs(v)))} digits"


def _numeric_array(v) -> bool:
    if isinstance(v, list):
        return bool(v) and all(_numeric_array(x) for x in v)
    return isinstance(v, (int, float)) and not isinstance(v, bool)  # a non-finite entry is named by check_instance
