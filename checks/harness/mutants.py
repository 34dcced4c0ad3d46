"""Mutation analysis: plausible wrong implementations of the library, and which claim checks catch them.

A :class:`Mutant` replaces one library object (a function of the mathematics or an experiment)
with a wrong version while a ``with mutant.applied():`` block runs.  Its record names the claim
records it must make false (``kills``: false in exact arithmetic, or beyond the check's stated
round-off tolerance) and those it leaves true (``equivalent``, each with the reason).  A claim
*kills* a mutant when its check, run on its own instances under the profile, fails; a record
with a recorded finding (``expected_fail``) kills a mutant when its check stops failing.

The replacement is bound in every ``checks.*`` module that imported the original (claim modules
import functions by name), and every ``functools.lru_cache`` of the package is cleared on entry
and exit, so no result computed by the correct code leaks into a mutated run.
"""

from __future__ import annotations

import functools
import importlib
import math
import sys
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, field

import torch

from checks.claims import Profile, get, load_all, select
from checks.fanout import map_tasks
from checks.harness.factory import run_claim

__all__ = ["MUTANTS", "Mutant", "PairResult", "check_failure", "mutation_pairs", "mutation_scores", "run_pair", "run_pairs"]


@dataclass(frozen=True)
class Mutant:
    """One plausible wrong implementation: ``target`` (``"module:attribute"``) replaced by ``make(original)``."""

    id: str
    description: str
    target: str
    make: Callable[[Callable], Callable]
    kills: tuple[str, ...]
    equivalent: dict[str, str] = field(default_factory=dict)
    everywhere: bool = True  # rebind in every checks.* module that imported the original

    @contextmanager
    def applied(self):
        """Run the block with the mutant in place; everything is restored afterwards."""
        module_name, path = self.target.split(":")
        owner = importlib.import_module(module_name)
        *parents, attr = path.split(".")
        for name in parents:
            owner = getattr(owner, name)
        original = getattr(owner, attr)
        replacement = self.make(original)
        if parents or not self.everywhere:  # a method, or one module's binding only
            patched = [(owner, attr)]
        else:
            modules = [m for name, m in list(sys.modules.items()) if name.startswith("checks") and m is not None]
            patched = [(m, name) for m in modules for name, value in list(vars(m).items()) if value is original]
        _clear_caches()
        try:
            for m, name in patched:
                setattr(m, name, replacement)
            yield self
        finally:
            for m, name in patched:
                setattr(m, name, original)
            _clear_caches()

    def scope(self) -> dict[str, str]:
        """Record id → ``"kill"`` or ``"equivalent"`` for every record this mutant concerns.

        Scope entries are record ids (``"C9"`` is the record C9, not its family) or id prefixes
        (``"C9b"``: every ``C9b-…`` record)."""
        out = {cid: "equivalent" for sel in self.equivalent for cid in _records(sel)}
        out.update({cid: "kill" for sel in self.kills for cid in _records(sel)})
        return out


def _records(selector: str) -> list[str]:
    """A scope entry's records: the exact record id when one exists, else what ``select`` names."""
    return [selector] if selector in load_all() else select(selector)


def _clear_caches() -> None:
    for name, module in list(sys.modules.items()):
        if not name.startswith("checks") or module is None:
            continue
        for value in vars(module).values():
            if isinstance(value, functools._lru_cache_wrapper):
                value.cache_clear()


# --- the wrong implementations -------------------------------------------------------------


def _scaled_init(W: float = 1.0, A: float = 1.0, B: float = 1.0, unscaled_W: bool = False):
    """``init_params`` with the variance of W, A or B multiplied (or W's ``1/m`` forgotten)."""

    def make(original):
        def init_params(m, d, **kwargs):
            p = original(m, d, **kwargs)
            w = math.sqrt(W * (m if unscaled_W else 1))
            return type(p)(p.W * w, p.A * math.sqrt(A), p.B * math.sqrt(B))

        return init_params

    return make


def _plain_infinite_ntk(backward: float = 2.0, p_denominator: float = 2 * math.pi, swap: bool = False):
    """``H∞`` by the plain arccos recursion of setting (S), with one factor optionally wrong.

    ``backward``: the 2 of ``Π_{j>l} 2P_j``; ``p_denominator``: the ``2π`` of ``P_l = (π − θ)/(2π)``;
    ``swap``: ``κ_0`` and ``κ_1`` exchanged (``Q_l = N κ_0``, ``2P_l = κ_1``).  With the defaults it is
    the correct kernel computed without the defect form (it loses half the digits at ``ρ → ±1``).
    """

    def make(original):
        def infinite_ntk(X, X2=None, **kwargs):
            X = torch.as_tensor(X, dtype=torch.float64)
            X2 = X if X2 is None else torch.as_tensor(X2, dtype=torch.float64)
            Q = T = torch.zeros((X.shape[0], X2.shape[0]), dtype=torch.float64)
            a = torch.zeros(X.shape[0], dtype=torch.float64)
            b = torch.zeros(X2.shape[0], dtype=torch.float64)
            for l in range(X.shape[1]):
                a = a + (X[:, l] ** 2).sum(-1)  # S_l(x, x) = Q_l(x, x) = Σ_{k≤l} ‖X_k‖² (the diagonal is exact either way)
                b = b + (X2[:, l] ** 2).sum(-1)
                S = Q + X[:, l] @ X2[:, l].T
                N = torch.outer(torch.sqrt(a), torch.sqrt(b))
                alive = N > 0
                rho = torch.where(alive, S / torch.where(alive, N, 1.0), 0.0).clamp(-1.0, 1.0)
                theta = torch.arccos(rho)
                k0 = (math.pi - theta) / math.pi
                k1 = (torch.sqrt(1 - rho * rho) + (math.pi - theta) * rho) / math.pi
                if swap:
                    k0, k1 = k1, k0
                P = torch.where(alive, k0 * math.pi / p_denominator, 0.0)
                T = P * (backward * T + Q)
                Q = torch.where(alive, N * k1, 0.0)
            return T

        return infinite_ntk

    return make


def _scaled_result(factor: float):
    def make(original):
        return lambda *args, **kwargs: original(*args, **kwargs) * factor

    return make


def _forward_next_input(original):
    """``forward`` where step ``l`` reads ``X_{l+1}`` (and the last step a zero input): an off-by-one."""

    def forward(params, X):
        X = torch.as_tensor(X)
        shifted = torch.cat([X[:, 1:], torch.zeros_like(X[:, :1])], dim=1)
        return original(params, shifted)

    return forward


def _drop_last_step(original):
    """``H∞`` where step ``l`` reads ``X_{l−1}`` (a zero first input): the last step dropped."""

    def infinite_ntk(X, X2=None, **kwargs):
        def shift(Z):
            Z = torch.as_tensor(Z, dtype=torch.float64)
            return torch.cat([torch.zeros_like(Z[:, :1]), Z[:, :-1]], dim=1)

        return original(shift(X), None if X2 is None else shift(X2), **kwargs)

    return infinite_ntk


def _ntk_without_cross_time(original):
    """The empirical NTK summed over equal time steps only (``l = l'``): the cross-time pairs dropped."""
    from checks.ntk import backward_vectors
    from checks.rnn import Params

    def empirical_ntk(params, X, X2=None, **kwargs):
        if params.W.ndim > 2:
            flat = [empirical_ntk(Params(W, A, B), X, X2) for W, A, B in zip(params.W, params.A, params.B)]
            return torch.stack(flat)
        d1, h1 = backward_vectors(params, X)
        d2, h2 = (d1, h1) if X2 is None else backward_vectors(params, X2)
        return torch.einsum("ilm,jlm,ilk,jlk->ij", d1, d2, h1, h2) / params.m

    return empirical_ntk


def _ntk_frozen(original):
    """The empirical NTK cached by the sample only: it ignores later changes of ``W`` (a caching bug)."""
    cache: dict = {}

    def empirical_ntk(params, X, X2=None, **kwargs):
        X = torch.as_tensor(X)
        key = (tuple(X.shape), X.numpy().tobytes(), None if X2 is None else torch.as_tensor(X2).numpy().tobytes(), params.W.shape)
        if key not in cache:
            cache[key] = original(params, X, X2, **kwargs)
        return cache[key].clone()

    return empirical_ntk


def _series_without_degree(degree: int):
    """``kernel_series`` with every coefficient of total degree ``degree`` set to zero (a summation off by one)."""

    def make(original):
        def kernel_series(L, caps, norms=None):
            steps, coeffs = original(L, caps, norms)
            coeffs = coeffs.copy()
            total = sum(torch.meshgrid(*[torch.arange(s) for s in coeffs.shape], indexing="ij")) if coeffs.ndim else None
            if total is None:
                if degree == 0:
                    coeffs = coeffs * 0
            else:
                coeffs[(total == degree).numpy()] = 0.0
            return steps, coeffs

        return kernel_series

    return make


def _certificate_steps_reversed(original):
    """The certificates' ``kernel_series`` read at step ``L + 1 − l`` (steps counted from the end)."""

    def kernel_series(L, caps, norms=None):
        caps = dict(caps)
        steps, coeffs = original(L, {L + 1 - s: k for s, k in caps.items()}, norms)
        return tuple(sorted(caps)), coeffs.transpose(*reversed(range(coeffs.ndim))) if coeffs.ndim else coeffs

    return kernel_series


def _bound_without_trace(original):
    """The C7 bound with ``√(yᵀH⁻¹y · tr H)`` replaced by ``√(yᵀH⁻¹y)`` (the trace forgotten)."""
    from checks.bounds import generalization_bound_terms

    def generalization_bound(H, y, *, delta):
        t = generalization_bound_terms(H, y, delta=delta)
        return t["leading"] / math.sqrt(t["trace"]) + t["confidence"]

    return generalization_bound


def _labels_ignore_random(original):
    """The label generator ignoring its ``random_labels`` flag (random-label trials get true labels)."""

    def labels(f, X, gen, random_labels=False, heavy_tailed=False):
        return original(f, X, gen, False, heavy_tailed)

    return labels


def _target_steps_reversed(original):
    """A target family's steps counted from the end (``X[:, −l]`` for ``X_l``): first and last exchanged."""

    def steps(self, L):
        return tuple(sorted(L + 1 - s for s in original(self, L)))

    return steps


def _jitter(original):
    """``H∞ + 10⁻⁶ (tr H/n) I``: a ridge added 'for numerical stability'."""

    def infinite_ntk(X, X2=None, **kwargs):
        H = original(X, X2, **kwargs)
        if X2 is None:
            H = H + 1e-6 * torch.diagonal(H).mean() * torch.eye(H.shape[0], dtype=H.dtype)
        return H

    return infinite_ntk


def _train_transposed_gradient(original):
    """Training that updates ``W`` with the transposed gradient ``Σ h_{l−1} δ_lᵀ`` (the wrong matrix)."""
    from checks.rnn import Trace

    def backward_trace(params, X):
        trace, delta = original(params, X)
        h = torch.cat([delta, trace.h[..., -1:, :]], dim=-2)  # training reads h_{l−1} from here: δ_l
        return Trace(g=trace.g, h=h), trace.h[..., :-1, :]

    return backward_trace


MUTANTS: dict[str, Mutant] = {
    m.id: m
    for m in [
        Mutant("init-W-var-1.25", "W_ij ~ N(0, 2.5/m): the recurrent variance × 1.25", "checks.rnn:init_params",
               _scaled_init(W=1.25), kills=("C1", "C1-limit", "C2", "C2-limit")),
        Mutant("init-W-unscaled", "W_ij ~ N(0, 2): the 1/m of the recurrent variance forgotten", "checks.rnn:init_params",
               _scaled_init(unscaled_W=True), kills=("C1", "C1-limit", "C2", "C2-limit", "C4a")),
        Mutant("init-A-var-2", "A_ij ~ N(0, 4/m): the input variance × 2", "checks.rnn:init_params",
               _scaled_init(A=2.0), kills=("C1", "C1-limit", "C2", "C2-limit")),
        Mutant("init-B-var-2", "B_i ~ N(0, 2): the output variance × 2", "checks.rnn:init_params",
               _scaled_init(B=2.0), kills=("C2", "C2-limit"),
               equivalent={"C1": "hidden states do not involve B", "C1-limit": "hidden states do not involve B"}),
        Mutant("hinf-scaled-1.2", "H∞ multiplied by 1.2", "checks.ntk:infinite_ntk", _scaled_result(1.2),
               kills=("C2", "C2-limit", "C8a", "C8b"),
               equivalent={"C3a": "scale-free: λ_min/λ_max", "C3b": "scale-free: λ_0/λ_max",
                           "C7": "√(yᵀH⁻¹y · tr H) is invariant under H → cH"}),
        Mutant("hinf-no-backward-2", "H∞ without the factor 2 of Π_{j>l} 2P_j", "checks.ntk:infinite_ntk",
               _plain_infinite_ntk(backward=1.0), kills=("C2", "C2-limit", "C8a", "C8b")),
        Mutant("hinf-P-over-pi", "P_l = (π − θ_l)/π instead of (π − θ_l)/(2π)", "checks.ntk:infinite_ntk",
               _plain_infinite_ntk(p_denominator=math.pi), kills=("C2", "C2-limit", "C3c", "C8a", "C8b")),
        Mutant("hinf-kappa-swap", "κ_0 and κ_1 exchanged in the H∞ recursion", "checks.ntk:infinite_ntk",
               _plain_infinite_ntk(swap=True), kills=("C2", "C2-limit", "C8a", "C8b")),
        Mutant("hinf-drop-last-step", "H∞ where step l reads X_{l−1}: the last step dropped", "checks.ntk:infinite_ntk",
               _drop_last_step, kills=("C2", "C2-limit", "C8a", "C8b", "C8c", "C11-last-linear")),
        Mutant("hinf-plain-arccos", "H∞ by the plain arccos recursion (correct formula, half the digits lost at ρ → ±1)",
               "checks.ntk:infinite_ntk", _plain_infinite_ntk(), kills=("C3a", "C3b")),
        Mutant("hinf-jitter", "H∞ + 10⁻⁶·mean(diag H)·I: a ridge added for stability", "checks.ntk:infinite_ntk",
               _jitter, kills=("C3b-converse",),
               equivalent={"C9": "a ridge only lowers yᵀH⁻¹y", "C10": "a ridge only lowers yᵀH⁻¹y"}),
        Mutant("forward-next-input", "forward where step l reads X_{l+1} (off by one in time)", "checks.rnn:forward",
               _forward_next_input, kills=("C1", "C1-limit", "C2", "C2-limit")),
        Mutant("entk-no-cross-time", "empirical NTK without its cross-time pairs (l ≠ l')", "checks.ntk:empirical_ntk",
               _ntk_without_cross_time, kills=("C6-lower",),  # at finite m R_m is off the true minimum-norm distance
               equivalent={"C2": "the cross-time terms vanish as m → ∞: the limit H∞ is unchanged",
                           "C2-limit": "the cross-time terms vanish as m → ∞: the limit H∞ is unchanged",
                           "C3c": "same limit as m → ∞", "C5": "same limit as m → ∞", "C6": "same limit as m → ∞"}),
        Mutant("entk-frozen", "empirical NTK cached by sample: it ignores W after the first call", "checks.ntk:empirical_ntk",
               _ntk_frozen, kills=("C4b", "C6", "C6-lower")),
        Mutant("series-degree-1-dropped", "kernel power series without its degree-1 terms", "checks.series:kernel_series",
               _series_without_degree(1), kills=("C8a", "C8b"),
               equivalent={"C8c": "H∞ ⪰ 0·G^α is true", "C9": "Φ = ∞ for linear terms: a true, vacuous bound",
                           "C10": "Φ = ∞ for linear terms: a true, vacuous bound"}),
        Mutant("certificate-halved", "the additive certificate Φ_add multiplied by ½",
               "checks.targets:Additive.certificate", _scaled_result(0.5), kills=("C9",),
               equivalent={"C9b": "a constant factor leaves the growth class in L unchanged"}),
        Mutant("certificate-halved-nvar", "the N-variable certificate Φ_N multiplied by ½",
               "checks.targets:NVariable.certificate", _scaled_result(0.5), kills=("C10",),
               equivalent={"C10b": "a constant factor leaves the growth class in L unchanged"}),
        Mutant("certificate-steps-reversed", "certificates read the kernel series at step L + 1 − l (counted from the end)",
               "checks.targets:kernel_series", _certificate_steps_reversed, everywhere=False,
               kills=("C9b", "C10b")),
        Mutant("target-steps-reversed", "learning-curve targets read X_(L+1−l) for X_l (steps counted from the end)",
               "checks.experiments.learning_curves:TargetFamily.steps", _target_steps_reversed,
               kills=("C11-last-linear", "C11-first-linear")),
        Mutant("c7-bound-no-trace", "the C7 bound without its √tr H", "checks.bounds:generalization_bound",
               _bound_without_trace, kills=("C7",)),
        Mutant("labels-ignore-random", "the random-label trials get the true labels (flag ignored)",
               "checks.experiments.generalization:labels", _labels_ignore_random, kills=("C7-labels",)),
        Mutant("train-step-4x", "the training step 4× the A4 step the bound uses", "checks.train:a4_step_size",
               _scaled_result(4.0), kills=("C5", "C6", "C6b"),
               equivalent={"C6-lower": "a projection and a triangle inequality: true for any end point of training"}),
        Mutant("train-transposed-gradient", "training updates W with the transposed gradient Σ h_{l−1} δ_lᵀ",
               "checks.train:backward_trace", _train_transposed_gradient, everywhere=False, kills=("C5",),
               equivalent={"C6-lower": "a projection and a triangle inequality: true for any end point of training"}),
    ]
}


@dataclass(frozen=True)
class PairResult:
    """The outcome of one claim record under one mutant: ``killed``, ``survived`` or ``equivalent``."""

    claim: str
    mutant: str
    status: str
    reason: str = ""
    seconds: float = 0.0

    def as_dict(self) -> dict:
        """The row of ``rnn-theorems mutate --json``."""
        return {"claim": self.claim, "mutant": self.mutant, "status": self.status, "reason": self.reason, "seconds": self.seconds}


def mutation_pairs(claims=None, mutants=None) -> list[tuple[str, str, str]]:
    """``(record id, mutant id, "kill" | "equivalent")`` for every record in a mutant's scope, filtered by
    record selectors ``claims`` and mutant ids ``mutants`` (``None``: all)."""
    chosen_claims = None if claims is None else set(select(claims))
    if mutants is None:
        chosen = list(MUTANTS)
    else:
        chosen = [m.strip() for m in (mutants.split(",") if isinstance(mutants, str) else mutants) if m.strip()]
        unknown = [m for m in chosen if m not in MUTANTS]
        if unknown or not chosen:
            raise ValueError(f"unknown or empty mutant selection {unknown or chosen}; known: {', '.join(MUTANTS)}")
    pairs = []
    for mid in chosen:
        for cid, kind in sorted(MUTANTS[mid].scope().items()):
            if chosen_claims is None or cid in chosen_claims:
                pairs.append((cid, mid, kind))
    return pairs


class _Failed(AssertionError):
    pass


def _raise_on_failure(claim, instance, scenario=None):
    m = claim.measure(instance)
    if not m.holds:
        raise _Failed(f"{claim.lhs_name} = {m.lhs:.4g} > {claim.rhs_name} = {m.rhs:.4g} (margin {m.margin:.3g})")
    return m


def check_failure(claim, profile: Profile, *, seed_salt: int | None = None) -> str | None:
    """Run a record's check on its instances (``seed_salt``: fresh ones, see ``run_claim``); the first line of
    why it failed, or ``None`` when it held.  A crash counts as a failure of the check, reported as such.
    Shared by the mutation analysis and the false-alarm measurement."""
    try:
        run_claim(claim, profile, _raise_on_failure, shrink=False, seed_salt=seed_salt)
    except _Failed as e:
        return str(e).splitlines()[0]
    except Exception as e:
        return f"check crashed: {type(e).__name__}: {str(e).splitlines()[0] if str(e) else ''}"
    return None


def run_pair(claim_id: str, mutant_id: str, profile: Profile) -> PairResult:
    """Run one record's check on its own instances under ``profile`` with the mutant applied.

    Killed when the check fails (or crashes: a wrong implementation that cannot even run is caught);
    for a record with a recorded finding, killed when its check stops failing.
    """
    import time

    claim, mutant = get(claim_id), MUTANTS[mutant_id]
    if mutant.scope().get(claim_id) == "equivalent":
        reason = next(r for sel, r in mutant.equivalent.items() if claim_id in _records(sel))
        return PairResult(claim_id, mutant_id, "equivalent", reason)
    started = time.perf_counter()
    with mutant.applied():
        why = check_failure(claim, profile)
    failed, reason = why is not None, why or "the check held on every instance"
    killed = failed != bool(claim.expected_fail)
    if claim.expected_fail and not failed:
        reason = "the recorded finding no longer reproduces"
    return PairResult(claim_id, mutant_id, "killed" if killed else "survived", reason, round(time.perf_counter() - started, 2))


def _run_pair_task(args) -> dict:
    """A dask task: one ``(record, mutant)`` pair in a worker process (one torch thread, like the sweep)."""
    claim_id, mutant_id, profile_name = args
    from checks.claims import get_profile, load_all

    torch.set_num_threads(1)
    load_all()
    return run_pair(claim_id, mutant_id, get_profile(profile_name)).as_dict()


def run_pairs(pairs, profile: Profile, *, scheduler: str | None = None, workers: int = 0, progress=None) -> list[dict]:
    """Run ``(record, mutant)`` pairs serially (``workers == 0`` and no ``scheduler``) or one pair per task on
    dask.distributed (:func:`checks.fanout.map_tasks`).

    Rows come back in the order of ``pairs`` whatever the engine, so a serial and a distributed run give
    the same table (each pair's instances derive from the record id and the profile only).
    """
    tasks = [(cid, mid, profile.name) for cid, mid, _ in pairs]
    if scheduler is None and workers == 0:  # in this process, torch's thread count as the caller set it
        return map_tasks(lambda t: run_pair(t[0], t[1], profile).as_dict(), tasks, progress=progress)
    return map_tasks(_run_pair_task, tasks, scheduler=scheduler, workers=workers, progress=progress)


def mutation_scores(rows: list[dict]) -> dict[str, dict]:
    """Per record: killed / in scope (non-equivalent pairs), the survivors with their reasons, the equivalents."""
    out: dict[str, dict] = {}
    for r in rows:
        s = out.setdefault(r["claim"], {"killed": 0, "in_scope": 0, "survivors": [], "equivalent": []})
        if r["status"] == "equivalent":
            s["equivalent"].append({"mutant": r["mutant"], "reason": r["reason"]})
            continue
        s["in_scope"] += 1
        if r["status"] == "killed":
            s["killed"] += 1
        else:
            s["survivors"].append({"mutant": r["mutant"], "reason": r["reason"]})
    for s in out.values():
        s["score"] = s["killed"] / s["in_scope"] if s["in_scope"] else None
    return out
