"""Schemas of the files read at an edge — ledger, baseline, audit, mutation scores, counterexample, data
verdicts — and of replayed instances: :func:`validate` errors name the file, the record and the field
(:class:`SchemaError`, a ``ValueError``)."""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path

from checks.harness.jsonio import read_json

__all__ = ["SQUARE_LIMIT", "STATUSES", "SchemaError", "check_instance", "load", "validate"]

STATUSES = ("holds", "vacuous", "fails", "expected-fail", "not-run", "error")


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
        _fields(data, {"rows": "list", "scores": "dict"}, {"profile": "str", "wall_seconds": "num?", "code": "str"}, where)
        for i, row in enumerate(data["rows"]):
            _fields(row, _MUTATION_ROW, _MUTATION_ROW_OPTIONAL, f"{where}: rows[{i}]")
        for key, score in data["scores"].items():
            _fields(score, _SCORE, {"score": "num?", "crash_killed": "int", "crashes": "list"}, f"{where}: scores[{key!r}]")
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
