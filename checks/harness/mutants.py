"""The mutant catalog: plausible wrong implementations of the library, and which claim records must catch them.

Each :class:`~checks.harness.patching.Mutant` names the object it replaces (``"module:attribute"``),
the records it must make false (``kills``: false in exact arithmetic, or beyond the check's stated
round-off tolerance) and those it leaves true (``equivalent``, each with the reason).  A claim
*kills* a mutant when its check, run on its own instances under the profile, fails; a record
with a recorded finding (``expected_fail``) kills a mutant when its check stops failing
(:mod:`checks.harness.mutation` runs them).  docs/design.md, "Adding a mutant", says how to add one.
"""

from __future__ import annotations

import math

import torch

from checks.harness.patching import Mutant

__all__ = ["MUTANTS"]

TERMS = "checks.theory.bounds:generalization_bound_terms"
"""The bound's terms: the C7 mutants change one constant here, so the bound and its links see the same error."""
_LINKS_FREE = {"C7-radius": "compares the network's distance with its own kernel's grid radius, not the bound's terms",
               "C7-linearization": "reads no bound term"}
_C7_SAMPLE_FREE = {"C7-labels": "compares two bounds of one training sample: the test inputs are not read",
                   "C7-rademacher": "reads the training sample only", "C7-rademacher-lower": "reads the training sample only",
                   "C7-radius": "reads the training sample and the network's distance only"}


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
    from checks.model.ntk import backward_vectors
    from checks.model.rnn import Params

    def empirical_ntk(params, X, X2=None, **kwargs):
        if params.W.ndim > 2:
            flat = [empirical_ntk(Params(W, A, B), X, X2) for W, A, B in zip(params.W, params.A, params.B)]
            return torch.stack(flat)
        d1, h1 = backward_vectors(params, X)
        d2, h2 = (d1, h1) if X2 is None else backward_vectors(params, X2)
        return torch.einsum("ilm,jlm,ilk,jlk->ij", d1, d2, h1, h2) / params.m

    return empirical_ntk


def _mask_dropped_from_step(step: int):
    """The empirical NTK's backward pass without the ReLU mask from step ``step`` on (``δ_l = b_l`` for ``l ≥ step``, the
    mask read from a window of the first ``step − 1`` steps): an error only sequences longer than ``step − 1`` show.
    Replaces ``backward_trace`` in ``checks.model.ntk`` alone (training keeps the correct one)."""

    def make(original):
        from checks.model.rnn import forward

        def backward_trace(params, X):
            trace = forward(params, X)
            D = trace.D
            L = D.shape[-2]
            deltas = [None] * L
            b = params.B.unsqueeze(-2).expand(*D.shape[:-2], D.shape[-1])
            for l in range(L - 1, -1, -1):
                deltas[l] = b if l + 1 >= step else D[..., l, :] * b
                b = deltas[l] @ params.W
            return trace, torch.stack(deltas, dim=-2)

        return backward_trace

    return make


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


def _terms_changed(change):
    """C7's ``generalization_bound_terms`` with one term changed by ``change(terms)`` (``total`` recomputed), so the
    bound and every link that reads the terms see the same wrong constant."""

    def make(original):
        def generalization_bound_terms(H, y, *, delta):
            t = dict(original(H, y, delta=delta))
            change(t)
            t["total"] = t["leading"] + t["confidence"]
            return t

        return generalization_bound_terms

    return make


def _set(t: dict, **values) -> None:
    t.update(values)


def _raw_radius(original):
    """``grid_radius`` returning the raw radius ``√(yᵀH⁻¹y)`` (at least 1) instead of the dyadic grid radius."""

    def grid_radius(complexity_value, n):
        R = original(complexity_value, n)
        return R if math.isinf(R) else max(1.0, math.sqrt(complexity_value))

    return grid_radius


def _bound_raw_radius(original):
    """The C7 bound with the raw radius ``√(yᵀH⁻¹y)`` for the dyadic grid radius ``R_k`` the union bound needs."""
    from checks.theory.bounds import generalization_bound_terms

    def generalization_bound(H, y, *, delta):
        t = generalization_bound_terms(H, y, delta=delta)
        return 2 * t["raw_radius"] * math.sqrt(t["trace"]) / t["n"] + t["confidence"]

    return generalization_bound


def _uncentered_linearization(original):
    """``ε(m)`` with the uncentered ``f(x; W_T)`` for ``F(x; W_T) = f(x; W_T) − f(x; W_0)``: the initial function,
    ``O(1)`` at every width, is left in the linearization error."""
    from checks.model.rnn import Params, as_sample, output
    from checks.theory.linearization import linearized_change

    def linearization_error(start, trained, X):
        p0, pT = (Params(p.W.double(), p.A.double(), p.B.double()) for p in (start, trained))
        X = as_sample(X, p0.d, dtype=torch.float64)
        return float((output(pT, X) - linearized_change(p0, pT.W, X)).abs().mean())

    return linearization_error


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


def _split_with_replacement(original):
    """The real-data split drawn with replacement (``rng.integers`` for ``rng.permutation``): repeated sequences."""
    import numpy as np

    def training_split(pool, seed):
        return torch.from_numpy(np.random.default_rng([seed, 0]).integers(0, pool, size=pool))

    return training_split


NOISE_STREAM = 4
"""``derive_seed`` key of the noisy-copy mutant's noise (C7's sample streams are 1 to 3, its training inputs ``seed``)."""


def _c7_test_reuses_training(mode: str, noise: float = 0.0, fraction: float = 1.0):
    """C7's sample where the test inputs reuse the training inputs: ``"seed"`` — drawn from the training seed (the
    test stream's ``derive_seed`` forgotten: the first ``min(n, N_TEST)`` test sequences *are* the training ones);
    ``"part"`` — the first ``fraction`` of the test set taken from the training set (½: half), each a training
    sequence plus ``noise`` (relative, per step, renormalized: "augmented" copies) when ``noise > 0``.  Also the probe
    of ``checks.harness.held_out_alarms`` (the guard's resolution in the reused fraction)."""

    def make(original):
        from checks.experiments import generalization as g

        def _sample(target, L, n, seed, random_labels, heavy_tailed):
            X, y, Xt, yt = original(target, L, n, seed, random_labels, heavy_tailed)
            if mode == "seed":
                Xt = g.draw_inputs(g.N_TEST, torch.Generator().manual_seed(seed), L)
            else:
                reused = round(fraction * g.N_TEST)
                copies = X[torch.arange(reused) % n]
                if noise:
                    # a stream of its own: the training inputs are drawn from ``seed`` itself, and noise from it would be
                    # row k's own unnormalized draw, so renormalizing would give the training row back (an exact copy)
                    noise_gen = torch.Generator().manual_seed(g.derive_seed(seed, NOISE_STREAM))
                    step = torch.randn(copies.shape, generator=noise_gen, dtype=copies.dtype)
                    copies = copies + noise * step / math.sqrt(copies.shape[-1])
                    copies = copies / copies.norm(dim=-1, keepdim=True)
                Xt = torch.cat([copies, Xt[reused:]])
            f = g.make_target(target, L, g.D, seed=0)
            gen = torch.Generator().manual_seed(g.derive_seed(seed, g.LABEL_STREAM))
            g.labels(f, X, gen, random_labels, heavy_tailed)  # the training labels' draws come first, as in the original
            return X, y, Xt, g.labels(f, Xt, gen, random_labels, heavy_tailed)

        return _sample

    return make


def _data_test_reuses_training(fraction: float | None = None):
    """The real-data split where the test set meets the training sets: the training sets read from the head of the
    permutation, where the test set is (the offset ``n_test`` forgotten; ``fraction`` ``None``), or the first
    ``fraction`` of the test set taken from the training part (½: half)."""

    def make(original):
        from checks.experiments.real_data import data_sizes

        def training_split(pool, seed):
            perm = original(pool, seed)
            n_test = data_sizes(pool)[1]
            if fraction is None:
                return torch.cat([perm[:n_test], perm])  # test = perm[:n_test]; training sets perm[:n]
            h = round(fraction * n_test)
            return torch.cat([perm[n_test : n_test + h], perm[h:n_test], perm[n_test:]])

        return training_split

    return make


def _c11_test_reuses_training(mode: str, noise: float = 0.0, fraction: float = 0.5):
    """C11's test inputs from the training stream: all of them (``"stream"``: the stream key of the test set
    forgotten, so the test set is the training sample's first ``n_test`` sequences), the first ``fraction``
    (``"part"``; ½: half), or every one a training sequence plus ``noise`` (``"noisy"``)."""

    def make(original):
        from checks.experiments.learning_curves import TEST_STREAM, TRAIN_STREAM

        def sample_inputs(n, L, dim, seed, *, stream=TRAIN_STREAM, small_inputs=None):
            out = original(n, L, dim, seed, stream=stream, small_inputs=small_inputs)
            if stream != TEST_STREAM:
                return out
            train = original(n, L, dim, seed, stream=TRAIN_STREAM, small_inputs=small_inputs)
            if mode == "stream":
                return train
            if mode == "part":
                k = round(fraction * n)
                return torch.cat([train[:k], out[k:]])
            step = torch.randn(train.shape, generator=torch.Generator().manual_seed(seed), dtype=train.dtype)
            return train + noise * step / math.sqrt(dim)

        return sample_inputs

    return make


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
    from checks.model.rnn import Trace

    def backward_trace(params, X):
        trace, delta = original(params, X)
        h = torch.cat([delta, trace.h[..., -1:, :]], dim=-2)  # training reads h_{l−1} from here: δ_l
        return Trace(g=trace.g, h=h), trace.h[..., :-1, :]

    return backward_trace


def _certificate_times_stretched(original):
    """A certificate multiplied by ``exp(L^0.3)``: a stretched exponential hidden under the certificate's ``κ̄ ∝ L²``."""

    def certificate(self, L, norms=None):
        return original(self, L, norms) * math.exp(L**0.3)

    return certificate


def _n_star_target_per_length(original):
    """``n*`` measured with a relative-error target that depends on ``L``: ``ε · 4/L`` (the target set per step)."""

    def bootstrap_n_star(rows, target, lengths, sizes, eps, **kwargs):
        parts = [original(rows, target, [L], sizes, eps * min(1.0, 4.0 / L), **kwargs) for L in lengths]
        out = {k: [x for p in parts for x in p[k]] for k in ("lengths", "n_star", "censored", "sigma", "interval")}
        import numpy as np

        return {**out, "boot": np.concatenate([p["boot"] for p in parts], axis=1), "n_max": parts[0]["n_max"],
                "seeds": parts[0]["seeds"]}

    return bootstrap_n_star


MUTANTS: dict[str, Mutant] = {
    m.id: m
    for m in [
        Mutant("init-W-var-1.25", "W_ij ~ N(0, 2.5/m): the recurrent variance × 1.25", "checks.model.rnn:init_params",
               _scaled_init(W=1.25), kills=("C1", "C2")),
        Mutant("init-W-unscaled", "W_ij ~ N(0, 2): the 1/m of the recurrent variance forgotten", "checks.model.rnn:init_params",
               _scaled_init(unscaled_W=True), kills=("C1", "C2", "C4a")),
        Mutant("init-A-var-2", "A_ij ~ N(0, 4/m): the input variance × 2", "checks.model.rnn:init_params",
               _scaled_init(A=2.0), kills=("C1", "C2")),
        Mutant("init-B-var-2", "B_i ~ N(0, 2): the output variance × 2", "checks.model.rnn:init_params",
               _scaled_init(B=2.0), kills=("C2",),
               equivalent={"C1": "hidden states do not involve B (C1, C1-limit)"}),
        Mutant("hinf-scaled-1.2", "H∞ multiplied by 1.2", "checks.model.ntk:infinite_ntk", _scaled_result(1.2),
               kills=("C2", "C8a", "C8b"),
               equivalent={"C3a": "scale-free: λ_min/λ_max", "C3b": "scale-free: λ_0/λ_max",
                           "=C7": "the bound moves by √1.2 = 1.095 where R_k stays and by √1.2/2 = 0.55 where R_k halves: "
                                 "max tightness 0.26 < 0.55 (ci), so no counted experiment can be violated",
                           "C7-rademacher": "H∞ scaled on both sides: the ratio is invariant",
                           "C7-rademacher-lower": "H∞ scaled on both sides: the ratio is invariant",
                           "C7-radius": "compares with the network's own kernel H(W_0), which the mutant leaves",
                           "C7-linearization": "reads no kernel"}),
        Mutant("hinf-scaled-1.1", "H∞ multiplied by 1.1 (a 10% constant error)", "checks.model.ntk:infinite_ntk",
               _scaled_result(1.1), kills=("C2", "C8a", "C8b")),
        Mutant("hinf-no-backward-2", "H∞ without the factor 2 of Π_{j>l} 2P_j", "checks.model.ntk:infinite_ntk",
               _plain_infinite_ntk(backward=1.0), kills=("C2", "C8a", "C8b")),
        Mutant("hinf-P-over-pi", "P_l = (π − θ_l)/π instead of (π − θ_l)/(2π)", "checks.model.ntk:infinite_ntk",
               _plain_infinite_ntk(p_denominator=math.pi), kills=("C2", "C3c", "C8a", "C8b")),
        Mutant("hinf-kappa-swap", "κ_0 and κ_1 exchanged in the H∞ recursion", "checks.model.ntk:infinite_ntk",
               _plain_infinite_ntk(swap=True), kills=("C2", "C8a", "C8b")),
        Mutant("hinf-drop-last-step", "H∞ where step l reads X_{l−1}: the last step dropped", "checks.model.ntk:infinite_ntk",
               _drop_last_step, kills=("C2", "C8a", "C8b", "C8c", "C11-last-linear")),
        Mutant("hinf-plain-arccos", "H∞ by the plain arccos recursion (correct formula, half the digits lost at ρ → ±1)",
               "checks.model.ntk:infinite_ntk", _plain_infinite_ntk(), kills=("C3a", "C3b")),
        Mutant("hinf-jitter", "H∞ + 10⁻⁶·mean(diag H)·I: a ridge added for stability", "checks.model.ntk:infinite_ntk",
               _jitter, kills=("C3b-converse",),
               equivalent={"=C9": "a ridge only lowers yᵀH⁻¹y", "=C10": "a ridge only lowers yᵀH⁻¹y"}),
        Mutant("forward-next-input", "forward where step l reads X_{l+1} (off by one in time)", "checks.model.rnn:forward",
               _forward_next_input, kills=("C1", "C2")),
        Mutant("entk-no-cross-time", "empirical NTK without its cross-time pairs (l ≠ l')", "checks.model.ntk:empirical_ntk",
               _ntk_without_cross_time, kills=("C6-lower",),  # at finite m R_m is off the true minimum-norm distance
               equivalent={"C2": "the cross-time terms vanish as m → ∞: the limit H∞ is unchanged",
                           "C3c": "same limit as m → ∞", "C5": "same limit as m → ∞", "=C6": "same limit as m → ∞"}),
        Mutant("entk-mask-dropped-from-step-6", "empirical NTK whose backward pass drops the ReLU mask from step 6 on "
               "(δ_l = b_l for l ≥ 6): wrong only on sequences longer than 5", "checks.model.ntk:backward_trace",
               _mask_dropped_from_step(6), everywhere=False, kills=("C2-lengths",),
               equivalent={"=C2": "its samples have L ≤ 5: the kernel is the correct one there",
                           "C2-limit": "its samples have L ≤ 5: the kernel is the correct one there"}),
        Mutant("entk-frozen", "empirical NTK cached by sample: it ignores W after the first call", "checks.model.ntk:empirical_ntk",
               _ntk_frozen, kills=("C4b", "=C6", "C6-lower")),
        Mutant("series-degree-1-dropped", "kernel power series without its degree-1 terms", "checks.model.series:kernel_series",
               _series_without_degree(1), kills=("C8a", "C8b"),
               equivalent={"C8c": "H∞ ⪰ 0·G^α is true", "=C9": "Φ = ∞ for linear terms: a true, vacuous bound",
                           "=C10": "Φ = ∞ for linear terms: a true, vacuous bound"}),
        Mutant("certificate-halved", "the additive certificate Φ_add multiplied by ½",
               "checks.theory.targets:Additive.certificate", _scaled_result(0.5), kills=("=C9",),
               equivalent={"C9b": "a constant factor leaves the growth class in L unchanged"}),
        Mutant("certificate-halved-nvar", "the N-variable certificate Φ_N multiplied by ½",
               "checks.theory.targets:NVariable.certificate", _scaled_result(0.5), kills=("=C10",),
               equivalent={"C10b": "a constant factor leaves the growth class in L unchanged"}),
        Mutant("certificate-steps-reversed", "certificates read the kernel series at step L + 1 − l (counted from the end)",
               "checks.theory.targets:kernel_series", _certificate_steps_reversed, everywhere=False,
               kills=("C9b", "C10b")),
        Mutant("target-steps-reversed", "learning-curve targets read X_(L+1−l) for X_l (steps counted from the end)",
               "checks.theory.target_families:TargetFamily.steps", _target_steps_reversed,
               kills=("C11-last-linear", "C11-first-linear")),
        Mutant("certificate-times-exp-L0.3", "the additive certificate Φ_add multiplied by exp(L^0.3)",
               "checks.theory.targets:Additive.certificate", _certificate_times_stretched,
               kills=("C9b-add-last", "C9b-add-end-2"),
               equivalent={"=C9": "a larger certificate is still an upper bound on yᵀH⁻¹y",
                           "C9b-add-first": "already super-polynomial: the extra factor keeps it so (its finding stands)"}),
        Mutant("certificate-times-exp-L0.3-nvar", "the N-variable certificate Φ_N multiplied by exp(L^0.3)",
               "checks.theory.targets:NVariable.certificate", _certificate_times_stretched,
               kills=("C10b-nvar-N1-l0", "C10b-nvar-N2-l1", "C10b-nvar-N2-l2", "C10b-nvar-N2-l4", "C10b-nvar-N3-l2",
                      "C10b-nvar-N3-l4"),
               equivalent={"=C10": "a larger certificate is still an upper bound on yᵀH⁻¹y",
                           "C10b-nvar-N2-l1-start": "already super-polynomial: the extra factor keeps it so"}),
        Mutant("n-star-target-per-length", "n* measured to relative error ε·4/L instead of ε (the target depends on L)",
               "checks.experiments.n_star_bootstrap:bootstrap_n_star", _n_star_target_per_length,
               kills=("C11-last-linear",),
               equivalent={"C11-first-linear": "already undecided at ε: a harder target at L > 4 leaves it undecided"}),
        Mutant("c7-test-from-train-seed", "C7's test inputs drawn from the training seed (the test stream forgotten): "
               "the first min(n, 2000) test sequences are training sequences (all of them from n = 2000)",
               "checks.experiments.generalization:_sample", _c7_test_reuses_training("seed"), kills=("=C7",),
               equivalent=_C7_SAMPLE_FREE),
        Mutant("c7-test-half-train", "C7's test set: its first half taken from the training set",
               "checks.experiments.generalization:_sample", _c7_test_reuses_training("part", fraction=0.5), kills=("=C7",),
               equivalent=_C7_SAMPLE_FREE),
        Mutant("c7-test-noisy-copies", "C7's test set: training sequences plus 5% noise per step (augmented copies)",
               "checks.experiments.generalization:_sample", _c7_test_reuses_training("part", noise=0.05), kills=("=C7",),
               equivalent=_C7_SAMPLE_FREE),
        Mutant("data-test-from-train", "real-data training sets read from the head of the split, where the test set is "
               "(offset forgotten): 22%, 70%, 100% of digits' test set is trained on at n = 100, 316, 1000",
               "checks.experiments.real_data:training_split", _data_test_reuses_training(), kills=("C7-data",)),
        Mutant("data-test-half-train", "real-data test set: its first half taken from the training part",
               "checks.experiments.real_data:training_split", _data_test_reuses_training(0.5), kills=("C7-data",)),
        Mutant("c11-test-from-train-stream", "C11's test inputs from the training stream (its stream key forgotten): the "
               "test set is the first 500 training sequences", "checks.experiments.learning_curves:sample_inputs",
               _c11_test_reuses_training("stream"), kills=("C11",)),
        Mutant("c11-test-half-train", "C11's test inputs: the first half from the training stream",
               "checks.experiments.learning_curves:sample_inputs", _c11_test_reuses_training("part"), kills=("C11",)),
        Mutant("c11-test-noisy-copies", "C11's test inputs: training sequences plus 5% noise (augmented copies)",
               "checks.experiments.learning_curves:sample_inputs", _c11_test_reuses_training("noisy", noise=0.05),
               kills=("C11",)),
        Mutant("data-split-with-replacement", "real-data training sets drawn with replacement (repeated sequences)",
               "checks.experiments.real_data:training_split", _split_with_replacement, kills=("C3-data",)),
        Mutant("c7-bound-raw-radius", "the C7 bound with the raw radius √(yᵀH⁻¹y), not the grid radius R_k",
               "checks.theory.bounds:generalization_bound", _bound_raw_radius, kills=("C7-labels-data",)),
        Mutant("c7-bound-no-trace", "the C7 bound without its √tr H", TERMS,
               _terms_changed(lambda t: _set(t, leading=t["leading"] / math.sqrt(t["trace"]))),
               kills=("=C7", "C7-rademacher", "C7-data"),
               equivalent={"C7-rademacher-lower": "a smaller Rademacher term only widens the lower side's margin",
                           **_LINKS_FREE}),
        Mutant("c7-leading-halved", "the C7 leading term halved (R_k√(tr H)/n: the symmetrization factor 2 lost)", TERMS,
               _terms_changed(lambda t: _set(t, leading=t["leading"] / 2)), kills=("C7-rademacher",),
               equivalent={"=C7": "end to end the bound stays ≥ ½ of itself, above every counted test loss: measured max "
                                 "tightness 0.26 < ½ (ci; detectable factor 3.8)",
                           "C7-rademacher-lower": "a smaller Rademacher term only widens the lower side's margin",
                           **_LINKS_FREE}),
        Mutant("c7-trace-not-root", "the C7 leading term with tr H in place of √(tr H)", TERMS,
               _terms_changed(lambda t: _set(t, leading=t["leading"] * math.sqrt(t["trace"]))),
               kills=("=C7", "C7-rademacher-lower"),  # C7: every bound ≥ 1, nothing counts, N < 29 cannot certify
               equivalent={"C7-rademacher": "a larger Rademacher term only widens the upper side's margin",
                           **_LINKS_FREE}),
        Mutant("c7-confidence-dropped", "the C7 bound without its confidence term 3√(log(2N_R/δ)/(2n))", TERMS,
               _terms_changed(lambda t: _set(t, confidence=0.0)),
               kills=(),
               equivalent={"=C7": "max test loss / (bound − confidence) over the counted experiments is 0.28–0.30 "
                                 "(ci, details max_tightness_without_confidence) < 1: dropping it cannot produce a "
                                 "violation; no link measures the concentration term",
                           "C7-rademacher": "reads the leading term only", "C7-rademacher-lower": "reads the leading term only",
                           **_LINKS_FREE}),
        Mutant("c7-raw-radius", "the C7 leading term with the raw radius √(yᵀH⁻¹y) instead of the dyadic grid radius",
               "checks.theory.bounds:grid_radius", _raw_radius, kills=("C7-radius",),
               equivalent={"=C7": "the leading term shrinks by at most ½: max tightness 0.26 < ½ (ci)",
                           "C7-rademacher": "both sides read the same (raw) radius: the ratio is unchanged",
                           "C7-rademacher-lower": "both sides read the same (raw) radius: the ratio is unchanged",
                           "C7-linearization": "reads no radius"}),
        Mutant("linearization-uncentered", "ε(m) of the uncentered network f(x; W_T) instead of F = f(W_T) − f(W_0)",
               "checks.theory.linearization:linearization_error", _uncentered_linearization, kills=("C7-linearization",)),
        Mutant("labels-ignore-random", "the random-label trials get the true labels (flag ignored)",
               "checks.experiments.generalization:labels", _labels_ignore_random, kills=("C7-labels",)),
        Mutant("train-step-4x", "the training step 4× the A4 step the bound uses", "checks.model.train:a4_step_size",
               _scaled_result(4.0), kills=("C5", "=C6", "C6b"),
               equivalent={"C6-lower": "a projection and a triangle inequality: true for any end point of training"}),
        Mutant("train-transposed-gradient", "training updates W with the transposed gradient Σ h_{l−1} δ_lᵀ",
               "checks.model.train:backward_trace", _train_transposed_gradient, everywhere=False, kills=("C5",),
               equivalent={"C6-lower": "a projection and a triangle inequality: true for any end point of training"}),
    ]
}
