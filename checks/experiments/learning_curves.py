"""Measured learning curves (CLAIMS.md C11): the samples and iterations that learning actually takes, against ``L``.

The certificate ``Φ · κ̄`` of C9/C10 is an *upper bound* on the complexity; this module measures the other side.

Sample complexity.  For a target family, a length ``L`` and a sample of ``n`` sequences, the kernel predictor is
ridgeless regression with ``H∞`` (the limit of the trained centered network ``F``, CLAIMS.md S):
``u(x) = H∞(x, X) H∞(X, X)⁻¹ y`` (a Cholesky solve, ``checks.bounds.solve_psd``).  Its test error is the relative
mean squared error ``mean (u − y)² / var y`` on ``n_test ≥ 500`` fresh sequences.  Over a grid of ``n`` and several
seeds this is a learning curve (mean and a 95% confidence band over seeds), and ``n*(L, ε)`` is the smallest ``n``
at which the mean curve reaches ``ε`` (log-log interpolation on the grid; ``None`` with status ``"above_grid"`` —
"> n_max" — when it does not).

Iteration complexity.  Kernel gradient descent on ``½‖u − y‖²`` with ``u_0 = 0`` and the A4 step in kernel units
``η = 1 / λ_max(H∞)`` has residual ``r_t = −(I − ηH∞)^t y``; the count is the smallest ``t`` with
``‖r_t‖² ≤ ε ‖y‖²``, exact from the eigendecomposition (no loop).  :func:`network_agreement` confirms it, and the
test error, on trained finite networks (``checks.train.train_gd`` with the A4 step ``1 / (m λ_max(H(W_0)))`` in
``W``-units, which is ``1 / λ_max(H(W_0))`` in kernel units).

Inputs.  Steps i.i.d. ``X_l ~ N(0, I_d / d)`` (``E ‖X_l‖² = 1``).  The A6 contrast (``small_inputs``) clips the
steps ``l ≥ 2`` to ``‖X_l‖ ≤ ε``: ``X_l ← X_l · min(1, ε / ‖X_l‖)``, as the ``+A6`` scenario of the claims does.
Samples are nested in ``n`` (the first ``n`` sequences of the largest sample) and shared by all targets of a seed
(common random numbers), so curves and targets are compared on the same data.

Certificate.  ``Φ`` of the same target (``checks.targets``) at the *expected* per-step norms — ``r_l = 1`` for
Gaussian steps (the root-mean-square norm), ``r_l = min(1, ε)`` for clipped steps ``l ≥ 2`` — and
``κ̄ = ½ Σ_{l=1}^{L} Σ_{k<l} r_k²`` at the same norms; ``ratio = Φ κ̄ / n*``.  The error is relative (divided by
``var y``) but ``Φ`` scales like ``y²``, so beside it stands ``Φ κ̄ / var y``, the certificate of the target scaled to
unit variance (``phi_kappa_rel``, ``ratio_rel``): constant factors apart the two agree without A6 (``var y`` does not
depend on ``L``), but under A6 a target at a clipped step has ``var y ∝ ε(L)^{2·degree}`` and only the relative
certificate is comparable with the measured ``n*``.

Layer rule: imports only the mathematics (``checks.rnn`` … ``checks.stats``).
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass

import numpy as np
import torch

from checks.bounds import SingularKernelError, solve_psd
from checks.ntk import empirical_ntk, infinite_ntk, kappa_bar
from checks.rnn import init_params, output
from checks.stats import fit_growth_classes, mean_band
from checks.targets import Additive, NVariable
from checks.train import a4_step_size, train_gd

__all__ = [
    "CONFIDENCE",
    "DEFAULT_EPS",
    "FAMILIES",
    "ITERATION_SIZE_CAP",
    "MIN_TEST_POINTS",
    "NStar",
    "SmallInputs",
    "TARGETS",
    "TargetFamily",
    "certificate",
    "compare_n_star",
    "expected_norms",
    "kernel_gd_iterations",
    "kernel_gd_predictor",
    "kernel_test_errors",
    "label_variance",
    "make_target",
    "n_star",
    "network_agreement",
    "parse_small_inputs",
    "relative_mse",
    "run_learning_curves",
    "sample_inputs",
]

# ----------------------------------------------------------------------------------------------- constants

DEFAULT_EPS = 0.5
"""The ``ε`` the measured tables use: relative test MSE 0.5 (half the target's variance explained).  Chosen so
that ``n*`` lies inside the grid 128 … 2048 for most ``(target, L)`` with ``d = 4`` (a stated measurement choice;
any ``ε ∈ (0, 1)`` may be passed)."""

CONFIDENCE = 0.95
"""Two-sided level of the confidence band over seeds (the same default as ``checks.stats.fit_rate``)."""

MIN_TEST_POINTS = 500
"""Issue 12 measures test error on ≥ 500 fresh points: the relative standard error of a mean squared error
from 500 points is about ``√(2/500) ≈ 6%`` for Gaussian errors, small beside the spread over seeds."""

ITERATION_SIZE_CAP = 2048
"""Largest ``n`` at which the iteration count (a full ``eigh``, O(n³)) is taken: ~1 s at 2048 on 2 cores, ~15 s
at 4096 and minutes at 8192.  The count is taken at the largest grid size ≤ this cap (the smallest size if all
exceed it), stated in every summary row as ``iteration_n``."""

MEMORY_BUDGET = 8 << 30
"""Bytes the largest kernel may take: ``H∞`` at ``n_max`` plus the eigen-solver's and Cholesky's copies (3 ``n²``
float64 arrays) and the test cross kernel.  8 GiB is a third of this shared 24 GiB machine; ``n = 8192`` needs
1.5 GiB, ``n = 16384`` 6 GiB."""

ITERATION_SLACK = 2.0
""":func:`network_agreement` trains for this multiple of the kernel's iteration count (capped by ``max_steps``),
so a network count up to twice the kernel's is still observed rather than reported as "not reached"."""

ITERATION_AGREEMENT = 0.25
"""Network and kernel iteration counts agree when they differ by at most this fraction of the kernel count (plus
one step).  ``H(W_0)`` differs from ``H∞`` by O(1/√m) (C2: about 2% entrywise at m = 4096, 4% at 1024), and the count
scales like ``λ_max / λ`` of the eigendirections carrying ``y``, so kernel error moves it by a few percent; a quarter
leaves room for the O(1/√m) drift of the kernel during training (C4) and still catches a factor of 1.5."""

TRAIN_STREAM, TEST_STREAM, BETA_STREAM, VARIANCE_STREAM = 0, 1, 2, 3
"""Independent random streams of one seed: ``np.random.default_rng([seed, L, d, stream])`` (``β``: ``[seed, d, 2,
blocks]``, independent of ``L``; the label variance: seed 0, its own stream)."""

VARIANCE_DRAWS = 20000
"""Monte-Carlo draws for the label variance ``var y`` of :func:`label_variance`: relative standard error
``√(2/20000) = 1%`` for Gaussian-like labels (a few % for the heavier-tailed quadratics), far below the factors the
certificate is compared at; memory ``20000 · L · d`` floats (41 MB at L = 64, d = 4)."""


# ----------------------------------------------------------------------------------------------- targets


@dataclass(frozen=True)
class TargetFamily:
    """A target family of C11: ``(βᵀX_l)^degree`` at one anchored step, or ``(βᵀ[X_l1; X_l2])²`` at adjacent steps."""

    name: str
    description: str
    degree: int  # 1: linear, 2: quadratic
    anchor: str  # "first", "middle", "last" (one step) or "start", "end" (two adjacent steps)
    blocks: int  # 1: additive target (C9); 2: N-variable target (C10)

    def steps(self, L: int) -> tuple[int, ...]:
        """1-based steps the target reads: 1, ``⌈L/2⌉``, ``L``; ``(1, 2)`` or ``(L−1, L)`` for two blocks."""
        if self.anchor == "first":
            return (1,)
        if self.anchor == "middle":
            return (math.ceil(L / 2),)
        if self.anchor == "last":
            return (L,)
        return (1, 2) if self.anchor == "start" else (L - 1, L)


FAMILIES = {
    f.name: f
    for f in (
        TargetFamily("first-linear", "βᵀX_1: linear, first step", 1, "first", 1),
        TargetFamily("middle-linear", "βᵀX_⌈L/2⌉: linear, middle step", 1, "middle", 1),
        TargetFamily("last-linear", "βᵀX_L: linear, last step", 1, "last", 1),
        TargetFamily("first-quadratic", "(βᵀX_1)²: quadratic, first step", 2, "first", 1),
        TargetFamily("middle-quadratic", "(βᵀX_⌈L/2⌉)²: quadratic, middle step", 2, "middle", 1),
        TargetFamily("last-quadratic", "(βᵀX_L)²: quadratic, last step", 2, "last", 1),
        TargetFamily("nvar2-start", "(βᵀ[X_1; X_2])²: N = 2, l_0 = 1, at the start", 2, "start", 2),
        TargetFamily("nvar2-end", "(βᵀ[X_(L-1); X_L])²: N = 2, l_0 = 1, at the end", 2, "end", 2),
    )
}
TARGETS = tuple(FAMILIES)
"""Target names as the command line takes them."""


def _family(name: str) -> TargetFamily:
    if name not in FAMILIES:
        raise ValueError(f"unknown target {name!r}; known targets: {', '.join(TARGETS)}")
    return FAMILIES[name]


def _beta_blocks(dim: int, blocks: int, seed: int) -> list[np.ndarray]:
    """``β`` of unit norm split into ``blocks`` blocks of norm ``1/√blocks`` each, directions uniform (seeded).

    Equal block norms make the certificate (which depends on ``‖β_j‖``) the same for every seed."""
    rng = np.random.default_rng([seed, dim, BETA_STREAM, blocks])
    out = []
    for _ in range(blocks):
        v = rng.standard_normal(dim)
        out.append(v / np.linalg.norm(v) / math.sqrt(blocks))
    return out


def make_target(name: str, L: int, dim: int, seed: int = 0) -> Additive | NVariable:
    """The C11 target ``name`` at length ``L``: ``Additive.of((l, β, a))`` with ``a = [0, 1]`` (``βᵀX_l``) or
    ``[0, 0, 1]`` (``(βᵀX_l)²``), or ``NVariable.of((l1, l2), (β_1, β_2), [0, 0, 1])``; ``‖β‖ = 1``, seeded."""
    fam = _family(name)
    steps = fam.steps(L)
    coeffs = [0.0] * fam.degree + [1.0]
    betas = _beta_blocks(dim, fam.blocks, seed)
    if fam.blocks == 1:
        return Additive.of((steps[0], betas[0], coeffs))
    return NVariable.of(steps, betas, coeffs)


# ----------------------------------------------------------------------------------------------- inputs, A6


@dataclass(frozen=True)
class SmallInputs:
    """The A6 normalization ``‖X_l‖ ≤ ε(L)`` for ``l ≥ 2``: ``spec`` is ``"1/L"``, ``"1/sqrt(L)"`` or a number."""

    spec: str

    def epsilon(self, L: int) -> float:
        """``ε(L)``: ``1/L``, ``1/√L`` or the fixed value."""
        if self.spec == "1/L":
            return 1.0 / L
        if self.spec == "1/sqrt(L)":
            return 1.0 / math.sqrt(L)
        return float(self.spec)


_SPEC_SHAPES = {"1/l": "1/L", "1/sqrt(l)": "1/sqrt(L)", "1/√l": "1/sqrt(L)"}


def parse_small_inputs(spec) -> SmallInputs | None:
    """The A6 contrast option (CLAIMS.md A6; issue 12 item 7), as the command line takes it.

    ``None`` (or ``"none"``): no A6.  ``"1/L"``, ``"1/sqrt(L)"``: ``ε`` shrinking with ``L``.  A number or a
    numeric string (``"0.1"``): a fixed ``ε ∈ (0, 1]`` (an ``ε > 1`` would not be a smallness condition).
    Raises ``ValueError`` naming the accepted forms otherwise.
    """
    if spec is None or isinstance(spec, SmallInputs):
        return spec
    accepted = "accepted: None, '1/L', '1/sqrt(L)' or a number in (0, 1] such as '0.1'"
    if isinstance(spec, bool):
        raise ValueError(f"small_inputs {spec!r} not understood; {accepted}")
    if isinstance(spec, str):
        key = re.sub(r"\s+", "", spec).lower()
        if key in ("none", ""):
            return None
        if key in _SPEC_SHAPES:
            return SmallInputs(_SPEC_SHAPES[key])
        try:
            value = float(key)
        except ValueError:
            raise ValueError(f"small_inputs {spec!r} not understood; {accepted}") from None
    elif isinstance(spec, (int, float, np.integer, np.floating)):
        value = float(spec)
    else:
        raise ValueError(f"small_inputs {spec!r} not understood; {accepted}")
    if not (math.isfinite(value) and 0 < value <= 1):
        raise ValueError(f"small_inputs ε = {value!r} must lie in (0, 1]; {accepted}")
    return SmallInputs(repr(value))


def sample_inputs(
    n: int, L: int, dim: int, seed: int, *, stream: int = TRAIN_STREAM, small_inputs=None
) -> torch.Tensor:
    """``n`` sequences of ``L`` i.i.d. steps ``X_l ~ N(0, I_d / d)`` (``E‖X_l‖² = 1``), float64, from
    ``np.random.default_rng([seed, L, dim, stream])``.

    Nested in ``n``: the first ``n'`` sequences are the same for every ``n ≥ n'`` (row-major draws).  With
    ``small_inputs`` (A6): ``X_l ← X_l · min(1, ε(L) / ‖X_l‖)`` for ``l ≥ 2``.
    """
    small = parse_small_inputs(small_inputs)
    rng = np.random.default_rng([seed, L, dim, stream])
    X = rng.standard_normal((n, L, dim)) / math.sqrt(dim)
    if small is not None:
        eps = small.epsilon(L)
        norms = np.linalg.norm(X[:, 1:], axis=-1, keepdims=True)
        X[:, 1:] *= np.minimum(1.0, eps / np.maximum(norms, np.finfo(float).tiny))  # tiny: a zero step stays zero
    return torch.from_numpy(X)


def expected_norms(L: int, small_inputs=None) -> np.ndarray:
    """Per-step norms the certificate uses (C9, fixed norms): ``r_l = 1`` (RMS norm of ``N(0, I_d/d)``), and
    ``r_l = min(1, ε(L))`` for ``l ≥ 2`` under A6 (the clipped norm)."""
    small = parse_small_inputs(small_inputs)
    r = np.ones(L)
    if small is not None:
        r[1:] = min(1.0, small.epsilon(L))
    return r


def label_variance(name: str, L: int, dim: int, small_inputs=None) -> float:
    """``var y`` of target ``name`` under the input distribution of :func:`sample_inputs` (with A6 if given), by
    ``VARIANCE_DRAWS`` Monte-Carlo draws from a fixed stream (deterministic).  Without A6: ``1/d`` for the linear
    targets, ``2/d²`` for the quadratic ones (``βᵀX ~ N(0, ‖β‖²/d)``, ``‖β‖ = 1``)."""
    X = sample_inputs(VARIANCE_DRAWS, L, dim, 0, stream=VARIANCE_STREAM, small_inputs=small_inputs)
    return float(make_target(name, L, dim, 0)(X).var(unbiased=False))


def certificate(name: str, L: int, dim: int, small_inputs=None) -> dict:
    """``Φ`` (C9 ``Φ_add`` or C10 ``Φ_N``), ``κ̄ = ½ Σ_l Σ_{k<l} r_k²`` and ``Φ·κ̄`` at :func:`expected_norms`;
    and ``Φ·κ̄ / var y`` (:func:`label_variance`), the certificate of the unit-variance target, in the units of the
    relative test error."""
    r = expected_norms(L, small_inputs)
    phi = make_target(name, L, dim, 0).certificate(L, r)
    kb = kappa_bar(torch.from_numpy(r)[None, :, None])
    var = label_variance(name, L, dim, small_inputs)
    return {"phi": float(phi), "kappa_bar": kb, "phi_kappa": float(phi) * kb, "label_variance": var,
            "phi_kappa_rel": float(phi) * kb / var}


# ----------------------------------------------------------------------------------------------- measurements


def relative_mse(u, y) -> float:
    """Relative test error of C11: ``mean (u − y)² / var y`` (population variance of the test labels)."""
    u = torch.as_tensor(u, dtype=torch.float64)
    y = torch.as_tensor(y, dtype=torch.float64)
    var = float(y.var(unbiased=False))
    if not var > 0:
        raise ValueError("test labels have zero variance: the relative error is undefined")
    return float(((u - y) ** 2).mean()) / var


def kernel_test_errors(
    H: torch.Tensor, Hx: torch.Tensor, y: torch.Tensor, yt: torch.Tensor, sizes: Sequence[int]
) -> list:
    """Relative test MSE of the ridgeless ``H∞`` predictor ``u = H∞(Xt, X_n) H∞(X_n, X_n)⁻¹ y_n`` on each nested
    prefix ``X_n`` (C11), from the kernel of the largest sample.  ``y`` may be ``(n_max,)`` or ``(n_max, k)``
    (``k`` targets, one Cholesky solve); ``yt`` matches.  A singular prefix gives ``None`` entries."""
    out = []
    Y = y[:, None] if y.ndim == 1 else y
    Yt = yt[:, None] if yt.ndim == 1 else yt
    for n in sizes:
        try:
            U = Hx[:, :n] @ solve_psd(H[:n, :n], Y[:n])
        except SingularKernelError:
            out.append([None] * Y.shape[1] if y.ndim > 1 else None)
            continue
        errs = [relative_mse(U[:, j], Yt[:, j]) for j in range(Y.shape[1])]
        out.append(errs if y.ndim > 1 else errs[0])
    return out


def _spectrum(H: torch.Tensor) -> tuple[np.ndarray, np.ndarray]:
    lam, V = torch.linalg.eigh(H)
    return lam.numpy(), V.numpy()


def _iterations_from_spectrum(lam: np.ndarray, weights: np.ndarray, eps: float) -> int | None:
    """Smallest ``t`` with ``Σ_i w_i (1 − λ_i/λ_max)^{2t} ≤ ε Σ_i w_i`` (``w_i = (v_iᵀy)²``), or ``None`` if never
    (mass beyond ``ε`` on numerically non-positive eigenvalues).  Exponential search, then bisection on integers."""
    ratio = np.clip(lam / float(lam.max()), 0.0, 1.0)
    with np.errstate(divide="ignore"):
        log_factor = np.log1p(-ratio)  # −inf at λ = λ_max: that direction is solved in one step
    total = float(weights.sum())
    goal = eps * total

    def loss(t: int) -> float:  # t ≥ 1, so 2t · (−inf) = −inf and exp gives 0
        return float(weights @ np.exp(2.0 * t * log_factor))

    if total == 0:
        return 0
    if float(weights[ratio == 0].sum()) > goal:
        return None
    hi = 1
    while loss(hi) > goal:
        hi *= 2
    lo = hi // 2  # loss(lo) > goal: lo = 0 has loss = total > goal since ε < 1
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if loss(mid) <= goal:
            hi = mid
        else:
            lo = mid
    return hi


def kernel_gd_iterations(H, y, eps: float) -> int | None:
    """Iteration complexity of C11: kernel gradient descent on ``½‖u − y‖²`` with ``u_0 = 0`` and the A4 step in
    kernel units ``η = 1/λ_max(H)``, residual ``r_t = −(I − ηH)^t y``; the smallest ``t`` with
    ``½‖r_t‖² / ½‖y‖² ≤ ε``, exactly from the eigendecomposition ``H = V Λ Vᵀ``:
    ``‖r_t‖² = Σ_i (1 − λ_i/λ_max)^{2t} (v_iᵀ y)²``.  ``None`` if never reached."""
    if not 0 < eps < 1:
        raise ValueError(f"eps must lie in (0, 1), got {eps}")
    H = torch.as_tensor(H, dtype=torch.float64)
    lam, V = _spectrum(H)
    return _iterations_from_spectrum(lam, (V.T @ np.asarray(y, dtype=float)) ** 2, eps)


def kernel_gd_predictor(H, Hx, y, steps: int, lr: float | None = None) -> torch.Tensor:
    """Kernel gradient descent after ``steps`` steps (from ``u_0 = 0``), evaluated at test points:
    ``u_T(Xt) = H(Xt, X) V diag((1 − (1 − ηλ_i)^T) / λ_i) Vᵀ y`` with ``η = lr`` (default ``1/λ_max(H)``, A4).
    This is the function a linearized centered network reaches after ``T`` A4 steps (C11 item 3)."""
    if not _is_int(steps) or steps < 0:
        raise ValueError(f"steps must be an integer >= 0, got {steps!r}")
    H = torch.as_tensor(H, dtype=torch.float64)
    lam, V = _spectrum(H)
    eta = 1.0 / float(lam.max()) if lr is None else float(lr)
    x = eta * lam
    # α_T = Σ_{s<T} η (1 − ηλ)^s (vᵀy) = (1 − (1 − ηλ)^T)/λ · (vᵀy) per eigendirection; ηT at λ = 0.
    # 1 − (1 − x)^T by expm1/log1p where |x| < 1 (no cancellation for small x), directly otherwise.
    mid = (np.abs(x) < 1) & (x != 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        one_minus = np.where(mid, -np.expm1(steps * np.log1p(-np.where(mid, x, 0.0))), 1.0 - np.power(1.0 - x, steps))
        gain = np.where(lam != 0, one_minus / np.where(lam != 0, lam, 1.0), eta * steps)
    coef = V @ (gain * (V.T @ np.asarray(y, dtype=float)))
    return torch.as_tensor(Hx, dtype=torch.float64) @ torch.from_numpy(coef)


@dataclass(frozen=True)
class NStar:
    """``n*(L, ε)`` (C11).  ``status``: ``"interpolated"`` (log-log between the grid points around the first
    crossing), ``"at_grid_minimum"`` (already reached at the smallest ``n``: ``value`` is an upper bound),
    ``"above_grid"`` (not reached: "> n_max", ``value = None``)."""

    value: float | None
    status: str
    n_max: int

    @property
    def reached(self) -> bool:
        return self.value is not None

    def as_dict(self) -> dict:
        return asdict(self)


def n_star(curve, eps: float) -> NStar:
    """Smallest ``n`` at which a learning curve reaches relative error ``ε`` (C11).

    ``curve``: ``(n, error)`` pairs (any order; ``error`` ``None`` is skipped).  At the first grid point ``n_k``
    with ``error_k ≤ ε``, interpolate linearly in ``(log n, log error)`` between ``n_{k−1}`` and ``n_k``:
    ``log n* = log n_{k−1} + (log ε − log e_{k−1}) (log n_k − log n_{k−1}) / (log e_k − log e_{k−1})``.
    """
    if not 0 < eps < 1:
        raise ValueError(f"eps must lie in (0, 1), got {eps}")
    pts = sorted((int(n), float(e)) for n, e in curve if e is not None)
    if not pts:
        raise ValueError("n_star needs a curve with at least one (n, error) point")
    if any(n < 1 for n, _ in pts) or any(not math.isfinite(e) or e < 0 for _, e in pts):
        raise ValueError("n_star needs sizes >= 1 and finite, non-negative errors")
    n_max = pts[-1][0]
    for k, (n, e) in enumerate(pts):
        if e <= eps:
            if k == 0:
                return NStar(float(n), "at_grid_minimum", n_max)
            n0, e0 = pts[k - 1]
            if e <= 0:
                return NStar(float(n), "interpolated", n_max)
            frac = (math.log(eps) - math.log(e0)) / (math.log(e) - math.log(e0))
            return NStar(float(math.exp(math.log(n0) + frac * (math.log(n) - math.log(n0)))), "interpolated", n_max)
    return NStar(None, "above_grid", n_max)


# ----------------------------------------------------------------------------------------------- the sweep


def _is_int(v) -> bool:
    return isinstance(v, (int, np.integer)) and not isinstance(v, bool)


def _int_list(name: str, values, minimum: int) -> list[int]:
    if isinstance(values, str):
        values = [v for v in values.split(",") if v.strip()]
    try:
        out = [int(v) if isinstance(v, str) else v for v in values]
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a list of integers >= {minimum}, got {values!r}") from None
    if not out or any(not _is_int(v) or v < minimum for v in out):
        raise ValueError(f"{name} must be a non-empty list of integers >= {minimum}, got {values!r}")
    if len(set(out)) != len(out):
        raise ValueError(f"{name} has repeated values: {out}")
    return sorted(int(v) for v in out)


def _validate(targets, lengths, sizes, dim, seeds, eps, small_inputs, n_test, memory_budget):
    if isinstance(targets, str):
        targets = [t.strip() for t in targets.split(",") if t.strip()]
    targets = list(targets)
    if not targets:
        raise ValueError(f"targets is empty; known targets: {', '.join(TARGETS)}")
    for t in targets:
        _family(t)
    if len(set(targets)) != len(targets):
        raise ValueError(f"targets has repeated names: {targets}")
    lengths = _int_list("lengths", lengths, 2)  # L ≥ 2: a middle step, the N = 2 targets and A3's step l ≥ 2
    sizes = _int_list("sizes", sizes, 2)  # n ≥ 2: a regression on one point has no learning curve
    if not _is_int(dim) or dim < 1:
        raise ValueError(f"dim must be an integer >= 1, got {dim!r}")
    if not _is_int(seeds) or seeds < 1:
        raise ValueError(f"seeds must be an integer >= 1 (the number of seeds), got {seeds!r}")
    if isinstance(eps, bool) or not isinstance(eps, (int, float)) or not 0 < eps < 1:
        raise ValueError(f"eps must lie in (0, 1), got {eps!r}")
    if not _is_int(n_test) or n_test < MIN_TEST_POINTS:
        raise ValueError(f"n_test must be an integer >= {MIN_TEST_POINTS}, got {n_test!r}")
    small = parse_small_inputs(small_inputs)
    n_max = sizes[-1]
    need = 8 * (3 * n_max * n_max + n_test * n_max)
    if need > memory_budget:
        raise ValueError(
            f"n_max = {n_max} needs about {need / 2**30:.1f} GiB for the kernel and its solves, "
            f"over the budget of {memory_budget / 2**30:.1f} GiB"
        )
    return targets, lengths, sizes, int(dim), int(seeds), float(eps), small, int(n_test)


def run_learning_curves(
    targets: Iterable[str],
    lengths: Iterable[int],
    sizes: Iterable[int],
    *,
    dim: int,
    seeds: int,
    eps: float,
    small_inputs=None,
    n_test: int = MIN_TEST_POINTS,
    progress: Callable[[int, int, str], None] | None = None,
    memory_budget: int = MEMORY_BUDGET,
) -> dict:
    """Measured sample and iteration complexity against ``L`` (CLAIMS.md C11), JSON-able.

    For each ``L`` and seed ``s ∈ 0..seeds−1``: one nested training sample of ``max(sizes)`` sequences, one test
    sample of ``n_test``, ``H∞`` on both (``infinite_ntk``, blocked); for each target the ridgeless predictor's
    relative test MSE at every ``n`` (:func:`kernel_test_errors`) and the kernel-GD iteration count at
    ``iteration_n`` (:func:`kernel_gd_iterations`).

    Returns ``{"config", "rows", "summary", "fits"}``:

    - ``rows``: one per ``(target, L, n, seed)`` with ``test_rel_mse`` (``None`` if the kernel was singular);
    - ``summary``: one per ``(target, L)``: the curve (mean and ``CONFIDENCE`` band over seeds per ``n``),
      ``n_star`` (:class:`NStar` of the mean curve; also of the band's edges), ``iterations`` (mean over seeds),
      ``phi``, ``kappa_bar``, ``phi_kappa``, ``label_variance``, ``phi_kappa_rel`` (:func:`certificate`) and
      ``ratio = phi_kappa / n_star``, ``ratio_rel = phi_kappa_rel / n_star`` (``None`` unless ``n*`` was
      interpolated inside the grid);
    - ``fits``: per target, ``fit_growth_classes`` of ``n*(L)`` (interpolated values only; ``n_star_censored``
      lists the other lengths), of the iteration counts (every seed a point), of ``Φκ̄``, ``Φκ̄ / var y`` and of
      both ratios, each ``None`` with fewer than 4 lengths.

    ``progress(done, total, label)`` is called once with ``done = 0`` and after each ``(L, seed)`` cell.
    Raises ``ValueError`` on bad input before any computation.
    """
    checked = _validate(targets, lengths, sizes, dim, seeds, eps, small_inputs, n_test, memory_budget)
    targets, lengths, sizes, dim, seeds, eps, small, n_test = checked
    n_max = sizes[-1]
    below_cap = [n for n in sizes if n <= ITERATION_SIZE_CAP]
    n_iter = below_cap[-1] if below_cap else sizes[0]
    total = len(lengths) * seeds
    if progress is not None:
        progress(0, total, "start")
    rows, iterations = [], {}
    done = 0
    for L in lengths:
        for seed in range(seeds):
            X = sample_inputs(n_max, L, dim, seed, stream=TRAIN_STREAM, small_inputs=small)
            Xt = sample_inputs(n_test, L, dim, seed, stream=TEST_STREAM, small_inputs=small)
            H = infinite_ntk(X)
            Hx = infinite_ntk(Xt, X)
            made = [make_target(t, L, dim, seed) for t in targets]
            Y = torch.stack([tg(X) for tg in made], dim=1)
            Yt = torch.stack([tg(Xt) for tg in made], dim=1)
            errors = kernel_test_errors(H, Hx, Y, Yt, sizes)
            lam, V = _spectrum(H[:n_iter, :n_iter])
            proj = (V.T @ Y[:n_iter].numpy()) ** 2
            for j, t in enumerate(targets):
                for n, errs in zip(sizes, errors):
                    rows.append({"target": t, "L": L, "n": n, "seed": seed, "test_rel_mse": errs[j]})
                iterations[(t, L, seed)] = _iterations_from_spectrum(lam, proj[:, j], eps)
            del H, Hx
            done += 1
            if progress is not None:
                progress(done, total, f"L={L} seed={seed}")
    summary = [
        _summarize(t, L, sizes, rows, iterations, seeds, eps, dim, small, n_iter) for t in targets for L in lengths
    ]
    fits = {t: _fits([s for s in summary if s["target"] == t], iterations, t, seeds) for t in targets}
    config = {
        "targets": targets,
        "lengths": lengths,
        "sizes": sizes,
        "dim": dim,
        "seeds": seeds,
        "eps": eps,
        "small_inputs": None if small is None else small.spec,
        "n_test": n_test,
        "iteration_n": n_iter,
        "confidence": CONFIDENCE,
        "inputs": "X_l ~ N(0, I_d/d) i.i.d.; A6: X_l <- X_l min(1, eps/|X_l|) for l >= 2",
        "certificate_norms": "expected: r_l = 1 (r_l = min(1, eps) for l >= 2 under A6)",
    }
    return {"config": config, "rows": rows, "summary": summary, "fits": fits}


def _curve_band(values: list) -> dict:
    vals = [v for v in values if v is not None]
    if not vals:
        return {"mean": None, "low": None, "high": None, "seeds": 0}
    mean, low, high = mean_band(vals, confidence=CONFIDENCE)
    return {"mean": mean, "low": low, "high": high, "seeds": len(vals)}


def _summarize(target, L, sizes, rows, iterations, seeds, eps, dim, small, n_iter) -> dict:
    curve = []
    for n in sizes:
        vals = [r["test_rel_mse"] for r in rows if r["target"] == target and r["L"] == L and r["n"] == n]
        curve.append({"n": n, **_curve_band(vals)})
    if any(c["mean"] is not None for c in curve):
        ns = n_star([(c["n"], c["mean"]) for c in curve], eps)
    else:  # every kernel singular: nothing measured
        ns = NStar(None, "above_grid", sizes[-1])
    # The band's lower edge reaches ε first (optimistic n*), its upper edge last (pessimistic n*).
    has_band = all(c["low"] is not None for c in curve)
    ns_low = n_star([(c["n"], max(c["low"], 0.0)) for c in curve], eps) if has_band else None
    ns_high = n_star([(c["n"], c["high"]) for c in curve], eps) if has_band else None
    its = [iterations[(target, L, s)] for s in range(seeds)]
    reached_its = [i for i in its if i is not None]
    cert = certificate(target, L, dim, small)
    return {
        "target": target,
        "L": L,
        "small_inputs": None if small is None else small.spec,
        "epsilon_A6": None if small is None else small.epsilon(L),
        "curve": curve,
        "n_star": ns.value,
        "n_star_status": ns.status,
        "n_star_band": None if ns_low is None else [ns_low.value, ns_high.value],
        "iterations": float(np.mean(reached_its)) if len(reached_its) == len(its) else None,
        "iterations_per_seed": its,
        "iteration_n": n_iter,
        **cert,
        "ratio": cert["phi_kappa"] / ns.value if ns.status == "interpolated" else None,  # only where n* is measured
        "ratio_rel": cert["phi_kappa_rel"] / ns.value if ns.status == "interpolated" else None,
    }


def _growth(L, y) -> dict | None:
    """``fit_growth_classes`` on the finite positive points (an infinite certificate, ``c_α = 0``, is left out),
    ``None`` with fewer than 4 distinct ``L``."""
    keep = [(a, b) for a, b in zip(L, y) if b is not None and math.isfinite(b) and b > 0]
    if len({a for a, _ in keep}) < 4:
        return None
    return fit_growth_classes([a for a, _ in keep], [b for _, b in keep]).as_dict()


def _fits(summary: list[dict], iterations: dict, target: str, seeds: int) -> dict:
    reached = [s for s in summary if s["n_star_status"] == "interpolated"]
    its = [(L, iterations[(target, L, s)]) for L in (r["L"] for r in summary) for s in range(seeds)]
    its = [(L, i) for L, i in its if i is not None and i > 0]
    ratio = [s for s in reached if s["ratio"]]
    ratio_rel = [s for s in reached if s["ratio_rel"]]
    return {
        "n_star": _growth([s["L"] for s in reached], [s["n_star"] for s in reached]),
        "n_star_censored": [s["L"] for s in summary if s["n_star_status"] != "interpolated"],
        "iterations": _growth([L for L, _ in its], [i for _, i in its]),
        "phi_kappa": _growth([s["L"] for s in summary], [s["phi_kappa"] for s in summary]),
        "ratio": _growth([s["L"] for s in ratio], [s["ratio"] for s in ratio]),
        "phi_kappa_rel": _growth([s["L"] for s in summary], [s["phi_kappa_rel"] for s in summary]),
        "ratio_rel": _growth([s["L"] for s in ratio_rel], [s["ratio_rel"] for s in ratio_rel]),
    }


def compare_n_star(result: dict, harder: str, easier: str) -> list[dict]:
    """Check (not assume) an expected ordering of difficulty: at each ``L``, ``n*(harder) ≥ n*(easier)``.

    A curve that never reaches ``ε`` counts as ``n* = ∞`` ("> n_max"); both unreached is undecided
    (``holds = None``).  Returns one record per ``L`` with both values and ``holds``."""
    by = {(s["target"], s["L"]): s["n_star"] for s in result["summary"]}
    for t in (harder, easier):
        if not any(k[0] == t for k in by):
            raise ValueError(f"target {t!r} is not in this result; it has {sorted({k[0] for k in by})}")
    out = []
    for L in result["config"]["lengths"]:
        h, e = by[(harder, L)], by[(easier, L)]
        holds = None if h is None and e is None else (True if h is None else (False if e is None else h >= e))
        out.append({"L": L, "harder": h, "easier": e, "holds": holds})
    return out


# ----------------------------------------------------------------------------------------------- finite networks


def network_agreement(
    target: str,
    L: int,
    n: int,
    *,
    dim: int,
    seeds: int,
    eps: float,
    width: int,
    max_steps: int = 2000,
    n_test: int = MIN_TEST_POINTS,
    small_inputs=None,
) -> dict:
    """Trained finite networks against the kernel (C11; issue 12 items 2–3), at small scale
    (intended: ``width ≥ 1024``, ``n ≤ 512``, ``L ≤ 16``).

    Per seed, on the same nested sample :func:`run_learning_curves` uses at this ``n``: the kernel-GD iteration
    counts on ``H∞`` and on ``H(W_0)`` (step ``1/λ_max`` of each), then ``train_gd`` with the A4 step
    ``η = 1/(m λ_max(H(W_0)))`` (``W``-units; ``1/λ_max(H(W_0))`` in kernel units) for
    ``T = min(max_steps, ⌈ITERATION_SLACK · t_kernel⌉)`` steps; the network's count is the first ``t`` with
    ``‖r_t‖² ≤ ε ‖y‖²``.  Test errors (relative MSE) of the centered network ``F = f(W_T) − f(W_0)``, of kernel
    GD on ``H∞`` after the same ``T`` steps (:func:`kernel_gd_predictor`), of kernel GD on ``H(W_0)`` (the
    network linearized at its initialization: separates linearization error from width error) and of the
    ridgeless predictor.

    Returns per-seed records and: ``kernel_gd_band``/``ridgeless_band`` (mean and ``CONFIDENCE`` band over seeds),
    ``network_mean``, ``within_band`` (network mean inside the kernel-GD band; ``None`` with one seed),
    ``within_ridgeless_band`` and ``iterations_agree`` (every seed within ``ITERATION_AGREEMENT``), and
    ``disagreements``: the seeds where a count differs beyond the tolerance.
    """
    fam = _family(target)
    limits = (("L", L, 2), ("n", n, 2), ("dim", dim, 1), ("seeds", seeds, 1), ("width", width, 1))
    limits += (("max_steps", max_steps, 1),)
    for name, v, lo in limits:
        if not _is_int(v) or v < lo:
            raise ValueError(f"{name} must be an integer >= {lo}, got {v!r}")
    if isinstance(eps, bool) or not isinstance(eps, (int, float)) or not 0 < eps < 1:
        raise ValueError(f"eps must lie in (0, 1), got {eps!r}")
    if not _is_int(n_test) or n_test < MIN_TEST_POINTS:
        raise ValueError(f"n_test must be an integer >= {MIN_TEST_POINTS}, got {n_test!r}")
    small = parse_small_inputs(small_inputs)
    records = []
    for seed in range(seeds):
        X = sample_inputs(n, L, dim, seed, stream=TRAIN_STREAM, small_inputs=small)
        Xt = sample_inputs(n_test, L, dim, seed, stream=TEST_STREAM, small_inputs=small)
        tg = make_target(fam.name, L, dim, seed)
        y, yt = tg(X), tg(Xt)
        H, Hx = infinite_ntk(X), infinite_ntk(Xt, X)
        t_kernel = kernel_gd_iterations(H, y, eps)
        params = init_params(width, dim, seed=seed)
        H0 = empirical_ntk(params, X)
        t_kernel_w0 = kernel_gd_iterations(H0, y, eps)
        known = [t for t in (t_kernel, t_kernel_w0) if t is not None]
        steps = min(max_steps, math.ceil(ITERATION_SLACK * max(known))) if known else max_steps
        hist = train_gd(params, X, y, steps=steps, lr=a4_step_size(params, X, H0))
        loss = (hist.residual_sq / float(y @ y)).numpy()
        hit = np.nonzero(loss <= eps)[0]
        t_net = int(hit[0]) if hit.size else None
        F = output(hist.params, Xt) - output(params, Xt)
        rec = {
            "seed": seed,
            "steps": steps,
            "iterations_kernel": t_kernel,
            "iterations_kernel_w0": t_kernel_w0,
            "iterations_network": t_net,
            "network_rel_mse": relative_mse(F, yt),
            "kernel_gd_rel_mse": relative_mse(kernel_gd_predictor(H, Hx, y, steps), yt),
            # the same network linearized: kernel GD on H(W_0) with its A4 step, the network's own dynamics at m → ∞
            "kernel_w0_rel_mse": relative_mse(kernel_gd_predictor(H0, empirical_ntk(params, Xt, X), y, steps), yt),
            "ridgeless_rel_mse": relative_mse(Hx @ solve_psd(H, y), yt),
            "final_train_loss_network": float(loss[-1]),
        }
        rec["iterations_agree"] = (
            t_kernel is not None and t_net is not None and abs(t_net - t_kernel) <= ITERATION_AGREEMENT * t_kernel + 1
        )
        records.append(rec)
    kernel_band = _curve_band([r["kernel_gd_rel_mse"] for r in records])
    ridge_band = _curve_band([r["ridgeless_rel_mse"] for r in records])
    net_mean = float(np.mean([r["network_rel_mse"] for r in records]))

    def inside(band):
        return None if band["low"] is None else bool(band["low"] <= net_mean <= band["high"])

    return {
        "target": target,
        "L": L,
        "n": n,
        "dim": dim,
        "width": width,
        "eps": eps,
        "small_inputs": None if small is None else small.spec,
        "records": records,
        "network_mean": net_mean,
        "kernel_gd_band": kernel_band,
        "ridgeless_band": ridge_band,
        "within_band": inside(kernel_band),
        "within_ridgeless_band": inside(ridge_band),
        "iterations_agree": all(r["iterations_agree"] for r in records),
        "disagreements": [r["seed"] for r in records if not r["iterations_agree"]],
        "iteration_tolerance": ITERATION_AGREEMENT,
    }
