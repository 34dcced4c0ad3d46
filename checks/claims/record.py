"""The claim record: one declarative value per claim drives everything (after PyTorch's OpInfo).

A :class:`Claim` states one claim of ``docs/claims.md``: its id, the assumptions it uses, the
scenarios it supports (all assumptions hold, or one dropped/added for the audit), a Hypothesis
strategy of instances for a scenario and a :class:`~checks.claims.profiles.Profile`, a function
computing both sides of its inequality on an instance, its falsified :class:`Twin`, its example
budget and, for a recorded finding, ``expected_fail``.  From that one record the harness builds
its property test, its twin test, its ledger record, its audit row, its report section and the
mutants in its scope; nothing about a claim is written anywhere else.

Rate claims (``O(m^{-1/2})``) are inequalities too: ``lhs`` is a one-sided confidence limit of
the fitted exponent, ``rhs`` the claimed exponent.

Claim ids: ``C<k>`` is a *family* (``C3``); a record id is the family with a letter and/or a
``-suffix`` (``C3a``, ``C7-labels``, ``C9b-add-first``).  :func:`select` turns a selector into
record ids the same way for every command.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from operator import attrgetter
from typing import Any

__all__ = [
    "ASSUMPTIONS",
    "ClaimFailure",
    "EXAMPLES",
    "FACTOR",
    "SCENARIOS",
    "Claim",
    "Guard",
    "InvalidMeasurement",
    "Measurement",
    "Plot",
    "ReportSection",
    "Resolution",
    "Twin",
    "family_of",
    "progress",
    "progress_to",
    "sort_key",
]

ASSUMPTIONS = {
    "A1": "width m ≥ m*(n, L, 1/λ_0, log 1/δ)",
    "A2": "bounded inputs ‖X_l‖ ≤ R (any R)",
    "A3": "X_1 ≠ 0 and some step l ≥ 2 with pairwise non-parallel inputs",
    "A4": "step size η ≤ 1/(m λ_max(H(W_0)))",
    "A5": "i.i.d. samples, labels |y| ≤ 1",
    "A6": "small inputs ‖X_l‖ ≤ ε for l ≥ 2 (not assumed: the contrast)",
}

SCENARIOS = {
    None: "all assumptions of the claim hold",
    "-A1": "drop A1: widths far below the regime (m ≤ 32)",
    "-A2": "drop A2: input norms growing to 10⁴",
    "-A3": "drop A3: duplicated or parallel sequences",
    "-A4": "drop A4: step size 4× the A4 limit",
    "-A5": "drop A5: heavy-tailed labels (Student t, 1 degree of freedom)",
    "+A6": "add A6: small inputs ‖X_l‖ ≤ 0.1 for l ≥ 2",
    "+A6:1/L": "add A6 with ε = 1/L: ‖X_l‖ ≤ 1/L for l ≥ 2 (the growth records C9b, C10b, C11)",
    "+A6:1/sqrt(L)": "add A6 with ε = 1/√L: ‖X_l‖ ≤ 1/√L for l ≥ 2 (the growth records C9b, C10b, C11)",
}

EXAMPLES = attrgetter("max_examples")
"""The default example budget: the profile's ``max_examples`` Hypothesis examples."""

_ID = re.compile(r"^C(\d+)([a-z]?)(-[A-Za-z0-9-]+)?$")


class ClaimFailure(AssertionError):
    """A claim's inequality fails on an instance: the only exception a recorded finding (``expected_fail``) expects.

    Any other exception out of a check (a crash) is an error, also for a record whose failure is expected."""


class InvalidMeasurement(AssertionError):
    """A measurement's :class:`Guard` failed: what was measured is not evidence for or against the claim (e.g. C7's
    "test" sample overlaps its training sample).  Not a :class:`ClaimFailure`: a recorded finding does not expect it,
    so a finding measured on invalid data fails its test instead of reproducing."""


@dataclass(frozen=True)
class Guard:
    """A condition the measurement itself must meet to be evidence, beside the claim's inequality: ``lhs ≤ rhs``.

    E.g. the held-out guard of C7, C7-data-<set> and C11 (``checks.theory.held_out``): the test error must agree with
    the training sample's own leave-one-out error, two-sided, and no test sequence may copy a training sequence.  A
    failing guard fails the record whatever the claim says (also a record whose finding is expected, and a record
    that is otherwise vacuous); ``statement`` says what is checked and why the threshold."""

    name: str
    lhs: float
    rhs: float
    statement: str
    details: dict = field(default_factory=dict)

    @property
    def holds(self) -> bool:
        return bool(self.lhs <= self.rhs) and math.isfinite(self.lhs)

    def describe(self) -> str:
        """``name: lhs > rhs`` and the parts of ``lhs`` when the guard keeps them (``details["parts"]``)."""
        parts = self.details.get("parts") or {}
        shown = ", ".join(f"{k} {v:.3g}" for k, v in parts.items())
        return f"{self.name}: {self.lhs:.4g} vs {self.rhs:.4g}" + (f" ({shown})" if shown else "")


@dataclass(frozen=True)
class Measurement:
    """Both sides of a claim's inequality on one instance: the claim holds iff ``lhs ≤ rhs + tol``."""

    lhs: float
    rhs: float
    tol: float = 0.0  # round-off allowance; each claim states its reason
    rate: dict | None = None  # RateFit.as_dict() for O(·) claims
    constant: float | None = None  # implied constant of an O(·) claim
    details: dict = field(default_factory=dict)
    compared: dict | None = None
    """Headline quantities the baseline comparison watches besides the margin (name → finite float), e.g. C7's
    maximal tightness and counted N, a growth record's fitted ``c`` or ``Φ·κ̄`` at the largest ``L``: a record whose
    sides are constant by construction still shows a move (``checks.harness.baseline.compare``, tolerance
    ``TOLERANCES["compared"]``)."""
    vacuous: str | None = None
    """Why this instance cannot fail, or ``None`` when it can: its two sides are equal by construction (C8b's pair
    with ``G = r²``), or ``rhs`` is at least the largest value ``lhs`` can take (C7-data-<set>: a bound ≥ 1 on a loss
    clipped to [0, 1] at every size).  Such an instance is counted apart and never the record's worst case; a record
    none of whose instances can fail is ``vacuous`` (``checks.harness.ledger.Collector.status``)."""
    guards: tuple[Guard, ...] = ()
    """Conditions of the measurement's validity (:class:`Guard`), checked beside the inequality."""
    rerun: Callable[[float], Measurement] | None = field(default=None, compare=False, repr=False)
    """The record's own decision on this instance with its resolved quantity changed by ``s`` (the claim's
    :class:`Resolution`: a factor or a shift; ``s`` beyond the identity moves toward failing), from what the
    evaluation kept — for decisions that are more than ``lhs ≤ rhs + tol`` (C7's violation count, C11's bootstrap
    verdict, a growth classifier).  ``None``: the resolution's ``perturb`` of the sides."""

    @property
    def satisfied(self) -> bool:
        """The inequality alone: ``lhs ≤ rhs + tol`` with a finite ``lhs`` (an unevaluable side never holds)."""
        return bool(self.lhs <= self.rhs + self.tol) and math.isfinite(self.lhs)

    @property
    def failed_guards(self) -> list[Guard]:
        """The guards that fail (the measurement is no evidence when any does)."""
        return [g for g in self.guards if not g.holds]

    @property
    def holds(self) -> bool:
        """The check passes: the inequality is satisfied and every guard holds."""
        return self.satisfied and not self.failed_guards

    @property
    def margin(self) -> float:
        """``rhs − lhs``: positive when the claim holds with room to spare."""
        return self.rhs - self.lhs

    @property
    def ratio(self) -> float:
        """``lhs / rhs`` (``≤ 1`` when the claim holds, for positive sides)."""
        return self.lhs / self.rhs if self.rhs != 0 else math.copysign(math.inf, self.lhs)


@dataclass(frozen=True)
class Twin:
    """A claim's falsified twin: a statement that is false, which the claim's own check must catch.

    Exactly one way of falsifying, each with its reason in ``description``:

    * ``transform``: arithmetic on the measurement (a tightened bound, a wrong claimed rate);
    * ``evaluate``: the falsified statement evaluated afresh on the instance (when the false
      statement changes the computation, e.g. a rate fitted against a different exponent);
    * ``scenario``: the claim itself on instances that violate one of its assumptions.
    """

    kind: str
    description: str
    transform: Callable[[Measurement], Measurement] | None = None
    evaluate: Callable[[dict], Measurement] | None = None
    scenario: str | None = None

    def __post_init__(self):
        ways = sum(x is not None for x in (self.transform, self.evaluate, self.scenario))
        if ways != 1:
            raise ValueError(f"a Twin needs exactly one of transform, evaluate, scenario ({self.description!r})")

    @classmethod
    def tightened(cls, factor: float, description: str) -> Twin:
        """The bound (``rhs``) multiplied by ``factor`` (< 1 tightens an upper bound)."""
        return cls("tightened bound", description, transform=lambda m: replace(m, rhs=m.rhs * factor))

    @classmethod
    def inflated(cls, factor: float, description: str) -> Twin:
        """The bounded side (``lhs``) multiplied by ``factor`` (for lower-bound claims ``lhs ≤ measured``)."""
        return cls("tightened bound", description, transform=lambda m: replace(m, lhs=m.lhs * factor))

    @classmethod
    def wrong_rate(cls, exponent: float, description: str) -> Twin:
        """A rate claim with a wrong exponent in place of the claimed one (``rhs``)."""
        return cls("wrong rate", description, transform=lambda m: replace(m, rhs=exponent))

    @classmethod
    def transformed(cls, transform: Callable[[Measurement], Measurement], description: str) -> Twin:
        """Any other falsifying arithmetic on the measurement."""
        return cls("falsified statement", description, transform=transform)

    @classmethod
    def re_evaluated(cls, evaluate: Callable[[dict], Measurement], description: str) -> Twin:
        """The falsified statement evaluated afresh on each instance."""
        return cls("re-evaluated", description, evaluate=evaluate)

    @classmethod
    def without(cls, scenario: str, description: str) -> Twin:
        """The claim without one of its assumptions (``scenario`` such as ``"-A3"``) must fail somewhere."""
        return cls("without assumption", description, scenario=scenario)

    def measure(self, claim: Claim, instance: dict) -> Measurement:
        """Both sides of the falsified statement on ``instance`` (of the twin's scenario)."""
        if self.evaluate is not None:
            return self.evaluate(instance)
        if self.transform is not None:
            return self.transform(claim.evaluate(instance))
        return claim.evaluate(instance)


@dataclass(frozen=True)
class Resolution:
    """How a record states its resolution: the smallest change of one quantity that flips its verdict.

    One mechanism for every record (``checks.harness.ledger.Collector``): the quantity ``what`` is changed by ``s``
    — a ``"factor"`` (identity 1, searched on a log scale up to ``limit``) or a ``"shift"`` (identity 0, up to
    ``limit``) — and the record's own decision is rerun on each instance (the measurement's ``rerun`` when it has one,
    else ``perturb(measurement, s)`` on its sides); bisection finds the flip to :data:`RESOLUTION_DIGITS` significant
    digits.  ``s`` beyond the identity (> 1, > 0) moves toward failing: a record that holds flips when one instance
    fails, so its resolution is the smallest flip over its instances that can fail; a record that fails flips back
    when every failing instance holds (``s`` below the identity).  ``unit`` names the value's unit in the record's
    natural terms (a factor on a bound, an exponent of a rate, an amplitude of ``exp(b·L^0.3)``)."""

    what: str
    unit: str
    kind: str = "factor"
    perturb: Callable[[Measurement, float], Measurement] | None = None
    limit: float = 1e6

    def __post_init__(self):
        if self.kind not in ("factor", "shift"):
            raise ValueError(f"Resolution.kind is 'factor' or 'shift', got {self.kind!r}")

    @property
    def identity(self) -> float:
        return 1.0 if self.kind == "factor" else 0.0

    def changed(self, m: Measurement, s: float) -> Measurement:
        """The decision on ``m``'s instance with the quantity changed by ``s``."""
        if m.rerun is not None:
            return m.rerun(s)
        if self.perturb is not None:
            return self.perturb(m, s)
        return replace(m, lhs=m.lhs * s) if self.kind == "factor" else replace(m, lhs=m.lhs + s)

    def flip(self, m: Measurement) -> float | None:
        """The smallest change (a factor ≥ 1 or a shift ≥ 0, in the direction that flips ``m``'s verdict) at which
        the rerun decision on ``m``'s instance flips; ``None`` when none up to ``limit`` does.  Monotone decisions
        assumed: the change's scale is found by halving from the limit, then bisection between the last unflipped
        and the first flipped change, to :data:`RESOLUTION_DIGITS` significant digits of the change (of ``s − 1``
        for a factor: a factor of ``1 + 2e-10`` is stated as such, not as 1)."""
        holds = m.satisfied  # the guards are no part of the resolution: they check the data, not the claim
        sign = 1.0 if holds else -1.0

        def flipped(c: float) -> bool:  # c ≥ 0: the distance from the identity (log s for a factor) toward the flip
            s_ = math.exp(sign * c) if self.kind == "factor" else sign * c
            try:
                return self.changed(m, s_).satisfied != holds
            except (ValueError, ArithmeticError, OverflowError):
                return False

        top = math.log(self.limit) if self.kind == "factor" else self.limit
        if not flipped(top):
            return None
        floor = top * 2.0**-64
        hi = top
        while hi > floor and flipped(hi / 2):  # the scale: a change may be 1e-15 (an eigenvalue) or 10 (an exponent)
            hi /= 2
        lo = hi / 2 if hi > floor else 0.0
        while hi - lo > RESOLUTION_PRECISION * hi:
            mid = (lo + hi) / 2
            lo, hi = (lo, mid) if flipped(mid) else (mid, hi)
        if self.kind == "shift":
            return float(f"{hi:.{RESOLUTION_DIGITS}g}")
        change = math.expm1(hi)  # the factor's excess over 1, to the stated digits
        return float(f"{change:.{RESOLUTION_DIGITS}g}") + 1.0 if change < 0.01 else float(f"{math.exp(hi):.{RESOLUTION_DIGITS}g}")


RESOLUTION_DIGITS = 3
"""Significant digits of a resolution: it says how large an error a check can see, not a fourth digit of it."""
RESOLUTION_PRECISION = 10.0 ** -(RESOLUTION_DIGITS + 1)
"""Relative width at which the bisection stops (a tenth of the last stated digit)."""

FACTOR = Resolution("lhs multiplied by the factor (equivalently rhs divided by it)", "factor")
"""The default resolution of an inequality of positive sides: the factor by which ``lhs`` would have to grow against
``rhs`` (a bound computed too small by it, or a measured side too large) to flip the worst instance, ``(rhs + tol) /
lhs`` — C7's *detectable factor* is this for the whole record."""


@dataclass(frozen=True)
class Plot:
    """A record's curve (:class:`ReportSection`): the columns ``ys`` of its rows against the column ``x``.

    ``rows`` says where the rows are: ``"points"`` (one row per instance, :attr:`ReportSection.point`) or a key of the
    worst instance's details holding a list of objects (``"rows"``).  Several rows at one ``x`` are drawn as points
    with a line through their mean; log-log axes unless ``log`` is false (then non-positive values are drawn too)."""

    x: str
    ys: tuple[str, ...]
    rows: str = "rows"
    xlabel: str = ""
    ylabel: str = ""
    title: str = ""
    log: bool = True


@dataclass(frozen=True)
class ReportSection:
    """How a record describes itself to every consumer (the report, the plots, the terminal summary): no consumer
    special-cases a record id (``tests/test_report_hooks.py``).

    * ``table``: where the rows to tabulate are, as :attr:`Plot.rows` (``None``: no table), and ``columns`` which of
      their columns (``None``: every column of the first row that holds a number or a short text);
    * ``plot``: a :class:`Plot` of the record's curve (``None``: none beyond the default rate plot of a rate record);
    * ``point``: one JSON-able row per instance, kept in the ledger record's ``points`` (a curve over the instances,
      e.g. C7-labels' two bounds at each ``n``; the worst instance's details alone cannot draw it);
    * ``summary``: one line about a ledger record in its own terms (C7: counted experiments, violations, the
      detectable factor), printed under the terminal summary and in the report's section; ``None``: no line.

    The default (:data:`DEFAULT_REPORT`) draws the generic section: statement, formula, status, worst case, rate plot,
    resolution."""

    table: str | None = None
    columns: tuple[str, ...] | None = None
    plot: Plot | None = None
    point: Callable[[Measurement], dict] | None = None
    summary: Callable[[dict], str | None] | None = None


DEFAULT_REPORT = ReportSection()
"""The section of a record that declares nothing more."""


@dataclass(frozen=True)
class Claim:
    """One claim as a record; see the module docstring.

    ``strategy(scenario, profile)`` builds the Hypothesis strategy of JSON-able instance dicts
    (only called for a scenario listed in ``scenarios``); ``evaluate(instance)`` returns a
    :class:`Measurement` and depends on nothing but the instance, so a saved instance replays
    exactly.  ``budget(profile)`` is the number of examples a run tries; ``note(profile)``
    optionally returns an extra table for the ledger and report (e.g. an implied constant
    against ``L``).

    A *statistical* claim (C7: "the violation rate is at most δ") sets ``aggregate``: each instance
    is one independent experiment whose measurement is recorded, not asserted, and the claim's
    verdict is ``aggregate(measurements)`` over all the experiments of a run (e.g. an exact
    binomial limit on the violations).  Its pooled instance is ``{"experiments": [...]}``.

    ``false_alarm`` is the stated probability that the check fails on a correct implementation: the
    family-wise false-alarm rate of one run of the record at a profile (all its examples together),
    set by a check that decides with a confidence limit (C1, C2, C4a, C4b: Bonferroni over the
    examples).  ``None``: no rate is stated (an exact inequality, or a decision whose stated error is
    the other one — C7 bounds the chance of a wrong "holds").

    ``score`` (statistical records): a number Hypothesis' targeted search maximizes over the experiments of a
    run (``hypothesis.target``), e.g. C7's tightness of a counted experiment, so the run climbs toward the
    experiments that could show a violation.

    ``seed_id``: records with the same strategy and the same ``seed_id`` draw the same instances under a
    fixed-seed profile (``checks.harness.factory.seed_for``), so costly experiments are computed once and shared
    through their caches (C7-radius and C7-linearization read the same trained networks).  ``rnn-theorems false-alarms`` reruns
    the record with fresh seeds and sets the observed fraction beside it.

    ``formula``: the statement in LaTeX (``\\lVert``, ``\\frac``, …), which the report renders as MathML beside the
    statement's text; ``None``: the text alone.  ``report``: a :class:`ReportSection`, how the record's section, plot
    and summary line are drawn (default: the generic section).
    """

    id: str
    title: str
    statement: str
    assumptions: tuple[str, ...]
    strategy: Callable[[str | None, Any], Any]
    evaluate: Callable[[dict], Measurement]
    twin: Twin
    scenarios: tuple[str | None, ...] = (None,)
    budget: Callable[[Any], int] = EXAMPLES
    lhs_name: str = "lhs"
    rhs_name: str = "rhs"
    tolerance_reason: str = ""
    expected_fail: str | None = None  # a recorded finding: why this claim fails
    note: Callable[[Any], dict] | None = None
    aggregate: Callable[[list[Measurement]], Measurement] | None = None
    score: Callable[[Measurement], float] | None = None  # a statistical record's search target (hypothesis.target)
    seed_id: str | None = None  # draw instances from this id's seed (records sharing experiments); None: own id
    false_alarm: float | None = None  # stated P(check fails | correct implementation), one run at a profile
    resolution: Resolution = FACTOR  # how the record's resolution is measured (the quantity changed, its unit)
    fixed: Callable[[Any], list[dict]] | None = None  # instances every run includes beside the drawn ones (by profile)
    shares: str | None = None  # cached work other records read too: the plugin starts one of them first, the rest last
    formula: str | None = None  # the statement as a LaTeX formula (rendered as MathML in the report; the text stays)
    report: ReportSection = DEFAULT_REPORT  # how its report section, plot and summary line are drawn

    def __post_init__(self):
        if self.false_alarm is not None and not 0 < self.false_alarm < 1:
            raise ValueError(f"{self.id}: false_alarm is a probability in (0, 1), got {self.false_alarm!r}")
        if not _ID.match(self.id):
            raise ValueError(f"claim id {self.id!r} is not of the form C<k>[letter][-suffix], e.g. C3a or C9b-add-first")
        unknown = [s for s in self.scenarios if s not in SCENARIOS]
        if unknown:
            raise ValueError(f"{self.id}: unknown scenario(s) {unknown}; known: {[s for s in SCENARIOS if s]}")
        if None not in self.scenarios:
            raise ValueError(f"{self.id}: every claim supports the scenario None (all assumptions hold)")
        if self.twin.scenario is not None and self.twin.scenario not in self.scenarios:
            raise ValueError(f"{self.id}: its twin runs in scenario {self.twin.scenario!r}, which it does not support")

    @property
    def family(self) -> str:
        """``C3`` for ``C3a``; ``C9`` for ``C9b-add-first``."""
        return family_of(self.id)

    def instances(self, scenario: str | None, profile):
        """The strategy of instances for ``scenario`` sized by ``profile``; ``None`` when unsupported."""
        if scenario not in self.scenarios:
            return None
        return self.strategy(scenario, profile)

    def examples(self, profile) -> int:
        """How many instances a run under ``profile`` draws (the :meth:`fixed_instances` come on top)."""
        return int(self.budget(profile))

    def fixed_instances(self, profile) -> list[dict]:
        """The instances every run under ``profile`` includes, whatever Hypothesis draws: a statistical record's
        experiments that are too costly to leave to chance (C7's trained networks: drawing them with replacement
        repeated some and dropped others)."""
        return [] if self.fixed is None else [dict(i) for i in self.fixed(profile)]

    def measure(self, instance: dict) -> Measurement:
        """Both sides on an instance, or on a pooled instance ``{"experiments": [...]}`` of a statistical claim."""
        if self.aggregate is not None and "experiments" in instance:
            return self.aggregate([self.evaluate(e) for e in instance["experiments"]])
        return self.evaluate(instance)

    def evaluate_twin(self, instance: dict) -> Measurement:
        """Both sides of the falsified twin on ``instance``."""
        return self.twin.measure(self, instance)


_PROGRESS_SINKS: list[Callable[[str], None]] = []


def progress(message: str) -> None:
    """Say how far a long evaluation has come (C11: each ``(L, seed)`` cell of its learning curves): the harness
    prints it while the record runs (``checks.harness.pytest_plugin``, throttled); with no sink it goes nowhere."""
    for sink in list(_PROGRESS_SINKS):
        sink(message)


@contextmanager
def progress_to(sink: Callable[[str], None]):
    """Send :func:`progress` messages to ``sink`` inside the block."""
    _PROGRESS_SINKS.append(sink)
    try:
        yield
    finally:
        _PROGRESS_SINKS.remove(sink)


def family_of(claim_id: str) -> str:
    """The family of a record id: the ``C<k>`` prefix (``C10b-nvar-N2-l1`` → ``C10``)."""
    match = _ID.match(claim_id)
    if not match:
        raise ValueError(f"{claim_id!r} is not a claim id (C<k>[letter][-suffix], e.g. C3 or C3a)")
    return f"C{int(match.group(1))}"


def sort_key(key: str):
    """Natural order of record ids and ledger keys (``C1, C2, C3a, …, C10, C10b-…``; audit keys too)."""
    head = key.split()[0]
    match = _ID.match(head)
    return (int(match.group(1)) if match else math.inf, key)


def match_selector(selector: str, ids: Iterable[str]) -> list[str]:
    """Record ids a selector names: a family (``C3``: all its records), an exact record id
    (``C3a``, ``C10b-nvar-N2-l1``), an id prefix ending at a ``-`` (``C9b``: every ``C9b-…``), or ``=ID``:
    the record ``ID`` alone (``=C6`` is the record C6, where ``C6`` is its family: C6, C6-lower, C6b)."""
    token = selector.strip()
    exact = token[:1] == "="
    token = token[1:].strip() if exact else token
    if token[:1] == "c":
        token = "C" + token[1:]
    ids = list(ids)
    if exact:
        return [token] if token in ids else []
    if re.fullmatch(r"C\d+", token):
        return [i for i in ids if family_of(i) == f"C{int(token[1:])}"]
    if token in ids:
        return [token]
    return [i for i in ids if i.startswith(token + "-")]
