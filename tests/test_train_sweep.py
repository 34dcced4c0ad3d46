"""Training harness and sweeps: exact gradients, batched == looped, A4 step, determinism, resume."""

import pytest
import torch

from checks.experiments.sweep import grid, load_results, run_sweep
from checks.model.ntk import empirical_ntk
from checks.model.rnn import Params, init_params, output, stack_params
from checks.model.train import a4_step_size, train_gd

X = torch.randn((4, 3, 2), generator=torch.Generator().manual_seed(0), dtype=torch.float64)
Y = torch.tensor([0.5, -0.2, 0.9, -0.7], dtype=torch.float64)


def test_one_step_matches_autograd_gradient_descent():
    p = init_params(32, 2, seed=1)
    lr = 0.01
    W = p.W.clone().requires_grad_(True)
    u = output(p.with_W(W), X) - output(p, X)
    (g,) = torch.autograd.grad(0.5 * ((u - Y) ** 2).sum(), W)
    h = train_gd(p, X, Y, steps=1, lr=lr)
    assert torch.allclose(h.params.W, p.W - lr * g, rtol=0, atol=1e-14)
    assert h.residual_sq.shape == (2,) and h.dist_fro.shape == (2,)
    assert float(h.residual_sq[0]) == pytest.approx(float((Y**2).sum()))  # centered: r_0 = −y


def test_batched_seeds_equal_a_loop_over_seeds():
    p = stack_params([init_params(64, 2, seed=s) for s in range(3)])  # seed s of the batch == seed s alone
    hb = train_gd(p, X, Y, steps=20)
    for s in range(3):
        hs = train_gd(Params(p.W[s], p.A[s], p.B[s]), X, Y, steps=20)
        assert torch.allclose(hb.residual_sq[s], hs.residual_sq, rtol=1e-12, atol=1e-15)
        assert torch.allclose(hb.params.W[s], hs.params.W, rtol=0, atol=1e-13)


def test_a4_step_and_uncentered_predictor():
    p = init_params(64, 2, seed=4)
    lam_max = torch.linalg.eigvalsh(empirical_ntk(p, X))[-1]
    assert float(a4_step_size(p, X)) == pytest.approx(1 / (64 * float(lam_max)), rel=1e-12)
    h = train_gd(p, X, Y, steps=0, centered=False)
    assert float(h.residual_sq[0]) == pytest.approx(float(((output(p, X) - Y) ** 2).sum()), rel=1e-12)


@pytest.mark.parametrize(
    "kwargs, message",
    [({"steps": -1}, "steps"), ({"steps": 2, "lr": -1.0}, "positive"), ({"steps": 1, "spec_stride": 0}, "spec_stride")],
)
def test_bad_training_arguments(kwargs, message):
    with pytest.raises(ValueError, match=message):
        train_gd(init_params(8, 2, seed=0), X, Y, **kwargs)
    with pytest.raises(ValueError, match="y must have shape"):
        train_gd(init_params(8, 2, seed=0), X, Y[:3], steps=1)


def test_sweep_serial_equals_local_cluster_and_resumes(tmp_path):
    cells = grid([16, 32], [2], [6], seeds=2, steps=5)
    serial = run_sweep(cells, tmp_path / "serial", serial=True, progress=False)
    cluster = run_sweep(cells, tmp_path / "cluster", workers=2, progress=False)
    strip = lambda r: {k: v for k, v in r.items() if k != "seconds"}
    assert {k: strip(v) for k, v in serial.items()} == {k: strip(v) for k, v in cluster.items()}
    # An interrupted sweep: drop one finished line and tear the last; the rerun redoes only that cell.
    path = tmp_path / "serial" / "results.jsonl"
    lines = path.read_text().splitlines()
    path.write_text("\n".join(lines[:-2]) + "\n" + lines[-2][: len(lines[-2]) // 2])
    assert len(load_results(tmp_path / "serial")) == len(cells) - 2
    again = run_sweep(cells, tmp_path / "serial", serial=True, progress=False)
    assert {k: strip(v) for k, v in again.items()} == {k: strip(v) for k, v in serial.items()}
    assert len(load_results(tmp_path / "serial")) == len(cells)


def test_grid_rejects_bad_values():
    with pytest.raises(ValueError, match="lengths must be >= 2"):
        grid([16], [1], [4], seeds=1, steps=1)
    with pytest.raises(ValueError, match="widths"):
        grid([], [2], [4], seeds=1, steps=1)
