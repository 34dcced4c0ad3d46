"""C8 kernel power series: ``H∞ = Σ_α c_α Π_l G_l^{α_l}`` with ``c_α ≥ 0`` at fixed per-step norms.

(a) the coefficients of ``checks.model.series`` are non-negative **and are those of H∞**: every ``c_β`` with
``β ≤ α``, ``|β| ≤ 2`` agrees with central finite differences of ``H∞`` at ``G = 0`` (an independent
computation: the arccos recursion of ``checks.model.ntk`` on pairs with prescribed inner products), within
the stated truncation and round-off bounds; (b) truncated series converge to ``H∞`` at the geometric
rate the non-negative coefficients imply, ``|H∞(x, x') − S_D(G)| ≤ q^{D+1} (H∞(x, x) − S_D(r²))`` with
``q = max_l |G_l| / r_l²``, at every degree ``D`` of a grid; (c) Schur lower bound
``λ_min(H∞ − c_α G^{⊙α}) ≥ 0``.  A6 is not assumed: norms up to 10.
"""

from __future__ import annotations

import math
from itertools import product

import numpy as np
import torch
from hypothesis import strategies as st

from checks.claims import Claim, Measurement, Twin, register
from checks.claims.record import Resolution
from checks.claims.scenarios import instance_sample, sample_strategy, step_norm_lists
from checks.model.ntk import infinite_ntk, ntk_diagonal
from checks.model.series import TruncatedKernel, kernel_coefficient, kernel_series
from checks.numerics.constants import EPS
from checks.numerics.linalg import numerical_zero, spectrum_edges

SCENARIOS = (None, "-A2", "+A6")


@st.composite
def _alpha(draw, L: int, max_support: int = 3, max_degree: int = 6):
    steps = draw(st.lists(st.integers(1, L), min_size=0, max_size=max_support, unique=True))
    return {str(s): draw(st.integers(1, max_degree)) for s in steps}


def _alpha_dict(instance) -> dict[int, int]:
    return {int(k): int(v) for k, v in instance["alpha"].items()}


def pair_with_inner_products(norms, cosines) -> torch.Tensor:
    """Two sequences in ``R²`` with ``‖X_l‖ = ‖X'_l‖ = r_l`` and ``⟨X_l, X'_l⟩ = r_l² cos_l``."""
    r = torch.as_tensor(norms, dtype=torch.float64)
    c = torch.as_tensor(cosines, dtype=torch.float64)
    s = torch.sqrt((1 - c * c).clamp_min(0.0))
    first = torch.stack([r, torch.zeros_like(r)], dim=-1)
    second = torch.stack([r * c, r * s], dim=-1)
    return torch.stack([first, second])


def kernel_at_inner_products(norms, G) -> np.ndarray:
    """``H∞(x, x'_k)`` for pairs with ``‖X_l‖ = ‖X'_l‖ = r_l`` and ``⟨X_l, X'_l⟩ = G[k, l]`` (``G (K, L)``).

    One cross-kernel call: ``x`` is the same for every ``k`` (:func:`pair_with_inner_products`).
    """
    r = np.asarray(norms, dtype=float)
    G = np.atleast_2d(np.asarray(G, dtype=float))
    seconds = torch.stack([pair_with_inner_products(r, g / r**2)[1] for g in G])
    first = pair_with_inner_products(r, np.zeros_like(r))[:1]
    return infinite_ntk(first, seconds)[0].numpy()


# (a) c_α ≥ 0, and the low-order c_β are H∞'s Taylor coefficients at G = 0.
FD_STEP_FIRST = 1e-4
"""Relative step ``τ`` (``t_l = τ r_l²``) of first differences: truncation ``τ²``, round-off ``ε_h/τ`` (balanced
near ``τ = ε_h^{1/3} ≈ 10⁻⁴``)."""
FD_STEP_SECOND = 1e-3
"""Relative step of second and mixed differences: truncation ``2τ²``, round-off ``2ε_h/τ²`` (balanced near
``ε_h^{1/4} ≈ 10⁻³``)."""
ULPS_PER_STEP = 16
"""``H∞`` entries are accurate to a few ulps per step (tested against 50-digit arithmetic, tests/test_ntk.py);
16 ulps per step bounds both the recursion and the ``L``-step series (sums of non-negative products)."""


def _diagonal(norms) -> float:
    """``H∞(x, x)`` of a sequence with step norms ``norms`` (``checks.model.ntk.ntk_diagonal``, from the norms alone)."""
    return float(ntk_diagonal(np.asarray(norms, dtype=float)[None, :, None])[0])


def _evaluation_error(L: int) -> float:
    """``ε_h``: the relative error of one ``H∞`` entry (or one series coefficient) against ``H∞(x, x)``."""
    return ULPS_PER_STEP * max(L, 1) * EPS


def finite_difference_coefficient(norms, beta: dict[int, int]) -> tuple[float, float]:
    """``(estimate, bound)`` for ``c_β``, ``|β| ≤ 2``, by central differences of ``H∞`` at ``G = 0``.

    ``bound`` is rigorous given ``c_α ≥ 0`` (the claim) and ``H∞(x, x) = Σ_α c_α r^{2α}`` (the series at the
    diagonal, where it converges): then ``c_α ≤ S_α := H∞(x, x) / Π r_l^{2α_l}``, and with ``t_l = τ r_l²``

    * ``β = 0``: ``H∞(G = 0)``, round-off ``ε_h`` (relative to ``S_0 = H∞(x, x)``);
    * ``β = e_l``: ``[h(t) − h(−t)] / 2t = Σ_{k odd} c_{k e_l} t^{k−1}``: truncation ``≤ S_β τ²/(1 − τ²)``,
      round-off ``≤ S_β ε_h/τ``;
    * ``β = 2e_l``: ``[h(t) − 2h(0) + h(−t)] / 2t² = Σ_{k even ≥ 2} c_{k e_l} t^{k−2}``: truncation
      ``≤ S_β τ²/(1 − τ²)``, round-off ``≤ S_β 2ε_h/τ²``;
    * ``β = e_l + e_k``: ``Σ_{±±} ± h(±s, ±t) / 4st = Σ_{i, j odd} c_{i e_l + j e_k} s^{i−1} t^{j−1}``:
      truncation ``≤ S_β [(1 − τ²)^{−2} − 1]``, round-off ``≤ S_β ε_h/τ²``;

    each plus ``ε_h S_β`` for the series coefficient's own round-off.
    """
    r = np.asarray(norms, dtype=float)
    L = r.size
    scale = _diagonal(r) / math.prod(r[s - 1] ** (2 * k) for s, k in beta.items())
    eps_h = _evaluation_error(L)
    support = sorted(beta)
    if not support:
        return float(kernel_at_inner_products(r, np.zeros((1, L)))[0]), 2 * eps_h * scale
    if len(support) == 1 and beta[support[0]] == 1:
        tau = FD_STEP_FIRST
        e = np.zeros(L)
        e[support[0] - 1] = tau * r[support[0] - 1] ** 2
        hp, hm = kernel_at_inner_products(r, np.stack([e, -e]))
        return float((hp - hm) / (2 * e[support[0] - 1])), scale * (tau**2 / (1 - tau**2) + 2 * eps_h / tau)
    tau = FD_STEP_SECOND
    if len(support) == 1:
        e = np.zeros(L)
        t = tau * r[support[0] - 1] ** 2
        e[support[0] - 1] = t
        hp, h0, hm = kernel_at_inner_products(r, np.stack([e, 0 * e, -e]))
        return float((hp - 2 * h0 + hm) / (2 * t * t)), scale * (tau**2 / (1 - tau**2) + 3 * eps_h / tau**2)
    (a, b) = support
    s, t = tau * r[a - 1] ** 2, tau * r[b - 1] ** 2
    points, signs = [], []
    for sa, sb in product((1.0, -1.0), repeat=2):
        g = np.zeros(L)
        g[a - 1], g[b - 1] = sa * s, sb * t
        points.append(g)
        signs.append(sa * sb)
    values = kernel_at_inner_products(r, np.stack(points))
    estimate = float(np.dot(signs, values) / (4 * s * t))
    return estimate, scale * ((1 - tau**2) ** -2 - 1 + 2 * eps_h / tau**2)


def coefficient_instances(scenario, profile):
    """A length ``L ≤ 64``, a multi-index ``α`` and fixed per-step norms."""
    return st.integers(1, 64).flatmap(
        lambda L: st.fixed_dictionaries({"L": st.just(L), "alpha": _alpha(L), "norms": step_norm_lists(scenario, L)})
    )


def _low_order(alpha: dict[int, int]) -> list[dict[int, int]]:
    """Every ``β ≤ α`` with ``|β| ≤ 2``."""
    steps = sorted(alpha)
    out = [{}] + [{s: 1} for s in steps] + [{s: 2} for s in steps if alpha[s] >= 2]
    return out + [{a: 1, b: 1} for i, a in enumerate(steps) for b in steps[i + 1 :]]


def evaluate_coefficient(instance, scale: float = 1.0) -> Measurement:
    """``max_β |c_β − FD_β| / bound_β`` over ``β ≤ α``, ``|β| ≤ 2`` (``∞`` if some ``c_β < 0``, ``β ≤ α``).

    ``scale`` multiplies the series' coefficients (the twin: coefficients claimed 1.1× those of ``H∞``).
    """
    L, alpha, r = instance["L"], _alpha_dict(instance), np.asarray(instance["norms"], float)
    steps, coeffs = kernel_series(L, alpha, r)
    coeffs = scale * np.asarray(coeffs, dtype=float)
    lowest = float(coeffs.min())
    rows = []
    for beta in _low_order(alpha):
        c = float(coeffs[tuple(beta.get(s, 0) for s in steps)]) if steps else float(coeffs.ravel()[0])
        fd, bound = finite_difference_coefficient(r, beta)
        rows.append(
            {
                "beta": {str(k): v for k, v in beta.items()},
                "c": c,
                "fd": fd,
                "bound": bound,
                "ratio": abs(c - fd) / bound if bound > 0 else (0.0 if c == fd else math.inf),
            }
        )
    worst = max(rows, key=lambda row: row["ratio"])
    c_alpha = float(coeffs[tuple(alpha[s] for s in steps)]) if steps else float(coeffs.ravel()[0])
    return Measurement(
        lhs=worst["ratio"] if lowest >= 0 else math.inf,
        rhs=1.0,
        details={"c_alpha": c_alpha, "min_coefficient": lowest, "worst": worst, "compared": len(rows)},
    )


# (b) convergence of the truncated series at the geometric rate the non-negative coefficients give.
DEGREES = (2, 4, 6, 8)
SERIES_TOL = 64 * EPS
"""Round-off, relative to ``H∞(x, x)``: both sides are sums of ``≤ 9³`` non-negative terms bounded by
``H∞(x, x)``, each accurate to a few ulps per step (``L ≤ 3``); measured worst ``≈ 4 eps``."""


def pair_instances(scenario, profile):
    """Per-step norms and cosines of a pair of sequences (``L`` = 2 or 3).

    Cosines: 1 (the diagonal pair, where the bound is attained), any in ``[−1, 1]``, or inside ``[−½, ½]``
    (``q ≤ ½``: the bound ``q^{D+1}·tail`` is then below ``2⁻³·tail`` from ``D = 2`` on).
    """
    cosines = st.one_of(st.just(1.0), st.floats(-1.0, 1.0, allow_nan=False, width=64), st.floats(-0.5, 0.5, width=64))
    return st.integers(2, 3).flatmap(
        lambda L: st.fixed_dictionaries(
            {"norms": step_norm_lists(scenario, L), "cosines": st.lists(cosines, min_size=L, max_size=L)}
        )
    )


def evaluate_convergence(instance) -> Measurement:
    """At every ``D`` in ``DEGREES``: ``|H∞(x,x') − S_D(G)| ≤ q^{D+1} (H∞(x,x) − S_D(r²))``, ``q = max_l |G_l|/r_l²``.

    Derivation: ``H∞(x,x') − S_D(G) = Σ_{|α|>D} c_α G^α`` and ``|G^α| ≤ q^{|α|} r^{2α} ≤ q^{D+1} r^{2α}`` for
    ``|α| ≥ D + 1``, ``q ≤ 1``; with every ``c_α ≥ 0``, ``Σ_{|α|>D} c_α r^{2α} = H∞(x,x) − S_D(r²)`` (the series
    at the diagonal, ``G = r²``, converges to ``H∞(x,x)`` by Abel's theorem).  At ``q = 1`` this is the plain
    tail bound; inside (``q < 1``) it demands geometric convergence, so coefficients that are zeroed,
    halved or inflated, or a kernel that is not their sum, fail.  Sides at the degree with the least margin,
    relative to ``H∞(x, x)``.

    The diagonal pair (every cosine 1: ``x' = x``, ``G = r²``) has ``error = tail`` by definition — both sides are
    ``H∞(x,x) − S_D(r²)`` — so it cannot fail: it is reported ``vacuous`` (``Measurement.vacuous``), counted apart and
    never the record's worst case.
    """
    r = np.asarray(instance["norms"], float)
    X = pair_with_inner_products(r, instance["cosines"])
    G = (X[0] * X[1]).sum(-1).numpy()
    q = min(1.0, float(np.max(np.abs(G) / (r * r))))  # > 1 only by rounding of G
    H = infinite_ntk(X)
    exact, diag = float(H[0, 1]), float(H[0, 0])
    scale = _diagonal(r)  # H∞(x, x) in closed form: the unit of both sides, whatever the kernel code returns
    series = TruncatedKernel.build(len(r), DEGREES[-1], r)
    rows = []
    for D in DEGREES:
        err = abs(exact - series(G, D)) / scale
        tail = (diag - series(r * r, D)) / scale
        rows.append({"degree": D, "error": err, "tail": tail, "bound": q ** (D + 1) * tail})
    worst = min(rows, key=lambda row: row["bound"] - row["error"])
    identity = all(float(c) == 1.0 for c in instance["cosines"])
    return Measurement(
        lhs=worst["error"],
        rhs=worst["bound"],
        tol=SERIES_TOL,
        details={"q": q, "worst_degree": worst["degree"], "by_degree": rows},
        vacuous="x' = x (every cosine 1, G = r²): both sides are H∞(x,x) − S_D(r²) by definition" if identity else None,
        rerun=lambda s: Measurement(lhs=max(r["error"] * s - r["bound"] for r in rows), rhs=0.0, tol=SERIES_TOL),
    )


# (c) Schur lower bound H∞ ⪰ c_α G^{⊙α}.
def schur_instances(scenario, profile):
    """A fixed-norm sample (A3 not needed) and a multi-index ``α``."""
    base = sample_strategy(scenario, fixed_norms=True, a3=False)
    return base.flatmap(
        lambda X: st.fixed_dictionaries({"X": st.just(X.tolist()), "alpha": _alpha(X.shape[1], max_degree=4)})
    )


def evaluate_schur(instance, scale: float = 1.0) -> Measurement:
    """``−λ_min(H∞ − c_α G^{⊙α}) / λ_max(H∞) ≤ 0`` up to ``n·L·eps``; a zero ``H∞`` (impossible for ``L ≥ 2`` and
    non-zero inputs: ``H∞(x, x) = ½ Σ_l Q_{l−1} > 0``) fails."""
    X = instance_sample(instance)
    n, L, _ = X.shape
    alpha = _alpha_dict(instance)
    norms = X[0].norm(dim=-1).numpy()
    H = infinite_ntk(X)
    c = scale * kernel_coefficient(L, alpha, norms)
    term = torch.full((n, n), c, dtype=torch.float64)
    for step, power in alpha.items():
        term = term * (X[:, step - 1] @ X[:, step - 1].T) ** power
    lam_min = spectrum_edges(H - term)[0]
    lam_max = spectrum_edges(H)[1]
    if not lam_max > 0:
        return Measurement(lhs=math.inf, rhs=0.0, details={"c_alpha": c, "lambda_max": lam_max, "error": "H∞ = 0"})
    # Entry errors of the L-step recursion are O(L eps |H|); ‖E‖_2 ≤ n max|E_ij|.
    tol = numerical_zero(n, lam_max) * L / lam_max
    return Measurement(
        lhs=-lam_min / lam_max,
        rhs=0.0,
        tol=tol,
        details={"c_alpha": c, "lambda_min": lam_min, "lambda_max": lam_max, "alpha": alpha},
    )


register(
    Claim(
        id="C8a",
        title="Kernel power-series coefficients are non-negative and are those of H∞",
        statement="c_α ≥ 0 for every β ≤ α (any fixed per-step norms, no A6), and for |β| ≤ 2 the series' c_β equals "
        "H∞'s Taylor coefficient at G = 0 (central finite differences of H∞) within the stated truncation bound",
        formula=r"c_\alpha \ge 0, \qquad H^\infty(x, x^{\prime}) = \sum_\alpha c_\alpha\, G^\alpha",
        assumptions=("fixed norms",),
        strategy=coefficient_instances,
        scenarios=SCENARIOS,
        evaluate=evaluate_coefficient,
        twin=Twin.re_evaluated(
            lambda inst: evaluate_coefficient(inst, scale=1.1),
            "H∞'s Taylor coefficients are 1.1 c_α (the series inflated)",
        ),
        lhs_name="max_β |c_β − FD_β| / bound_β",
        rhs_name="1",
        tolerance_reason="bound_β: FD truncation (τ² with c_α ≤ H∞(x,x)/r^{2α}) plus round-off 16·L ulps of H∞ "
        "amplified by the difference quotient; c_β < 0 fails outright",
    )
)

register(
    Claim(
        id="C8b",
        title="Truncated kernel series converge to H∞ geometrically",
        statement="|H∞(x,x') − S_D(G)| ≤ q^(D+1) (H∞(x,x) − S_D(r²)), q = max_l |G_l|/r_l², "
        f"at D = {', '.join(map(str, DEGREES))} "
        "(relative to H∞(x,x))",
        formula=r"\big| H^\infty(x, x^{\prime}) - S_D(G) \big| \le q^{D+1} \big( H^\infty(x, x) - S_D(r^2) \big), \qquad q = \max_l \frac{|G_l|}{r_l^2}",
        assumptions=("fixed norms",),
        strategy=pair_instances,
        scenarios=SCENARIOS,
        evaluate=evaluate_convergence,
        twin=Twin.tightened(0.5, "the tail bound scaled by ½"),
        lhs_name="|H∞ − S_D| / H∞(x,x)",
        rhs_name="q^(D+1) tail / H∞(x,x)",
        tolerance_reason="64·eps relative: both sides are O(H∞(x,x)) sums of non-negative terms",
    )
)

register(
    Claim(
        id="C8c",
        title="Schur lower bound of H∞ by one series term",
        statement="λ_min(H∞ − c_α G^{⊙α}) ≥ 0 on samples with fixed per-step norms, every α",
        formula=r"\lambda_{\min}\big( H^\infty - c_\alpha G^{\odot \alpha} \big) \ge 0",
        assumptions=("fixed norms",),
        strategy=schur_instances,
        scenarios=(*SCENARIOS, "-A3"),
        evaluate=evaluate_schur,
        twin=Twin.re_evaluated(lambda inst: evaluate_schur(inst, scale=10.0), "H∞ ⪰ 10 c_α G^{⊙α}"),
        lhs_name="−λ_min(H∞ − c_α G^α) / λ_max(H∞)",
        rhs_name="0",
        resolution=Resolution("λ_min(H∞ − c_α G^α) / λ_max(H∞) lowered by the shift (units of λ_max)",
                              "shift of λ_min / λ_max", "shift", limit=1.0),
        tolerance_reason="n·L·eps: entry errors of the L-step recursion are O(L eps |H|), and ‖E‖_2 ≤ n max|E_ij|",
    )
)
