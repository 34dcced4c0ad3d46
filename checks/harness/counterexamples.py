"""Counterexamples: a failing instance kept where ``rnn-theorems replay`` finds it (one path per record and scenario)."""

from __future__ import annotations

from pathlib import Path

from checks.claims import Claim, Measurement
from checks.harness.jsonio import finite_or_none, write_json

__all__ = ["COUNTEREXAMPLE_DIR", "counterexample_path", "save_counterexample"]

COUNTEREXAMPLE_DIR = Path("results/counterexamples")


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
            "lhs": finite_or_none(measurement.lhs),
            "error": measurement.details.get("error"),
            "rhs": finite_or_none(measurement.rhs),
            "tol": measurement.tol,
            "margin": finite_or_none(measurement.margin),
            "lhs_name": claim.lhs_name,
            "rhs_name": claim.rhs_name,
        },
        kind="counterexample",
    )
    return path
