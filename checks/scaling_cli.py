"""``rnn-theorems scaling``: the L-scaling table and plot of Φ·κ̄ (CLAIMS.md C9b, C10)."""

from __future__ import annotations

import time
from pathlib import Path

from checks.ledger import format_table, write_json
from checks.scaling import CASES, SLOPE_GROWTH_LIMIT, measure


def run(max_length: int, out: str, progress=print) -> list[dict]:
    if max_length < 16 or max_length & (max_length - 1):
        raise ValueError(f"--max-length must be a power of two >= 16, got {max_length}")
    lengths = [2**k for k in range(3, max_length.bit_length())]
    results = []
    t0 = time.perf_counter()
    for i, case in enumerate(CASES, 1):
        results.append(measure(case, lengths))
        progress(f"[{i}/{len(CASES)}] {case.name}: {results[-1]['verdict']} ({time.perf_counter() - t0:.1f} s)")
    out_dir = Path(out)
    out_dir.mkdir(parents=True, exist_ok=True)
    write_json(out_dir / "scaling.json", {"lengths": lengths, "cases": results, "slope_growth_limit": SLOPE_GROWTH_LIMIT})
    table = scaling_text(results, lengths)
    (out_dir / "scaling.md").write_text("# Φ·κ̄ against L\n\n```\n" + table + "\n```\n\n![scaling](scaling.png)\n")
    plot(results, out_dir / "scaling.png")
    progress(table)
    progress(f"written: {out_dir / 'scaling.md'}, {out_dir / 'scaling.png'}, {out_dir / 'scaling.json'}")
    return results


def scaling_text(results: list[dict], lengths) -> str:
    header = ["L"] + [r["case"] for r in results]
    rows = [[str(L)] + [f"{r['rows'][i]['phi_kappa']:.3e}" for r in results] for i, L in enumerate(lengths)]
    fits = format_table(
        ["case", "power-law exponent", "rms resid (log)", "stretched b·L^c: c", "rms resid (log)", "slope growth", "verdict"],
        [
            [
                r["case"],
                f"{r['power_law']['exponent']:.3f}",
                f"{r['power_law']['rms_residual_log']:.3f}",
                f"{r['stretched_exponential']['c']:.3f}",
                f"{r['stretched_exponential']['rms_residual_log']:.3f}",
                f"{r['slope_growth']:.2f}",
                r["verdict"],
            ]
            for r in results
        ],
    )
    return format_table(header, rows) + "\n\n" + fits


def plot(results: list[dict], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7, 4.5))
    for r in results:
        L = [row["L"] for row in r["rows"]]
        y = [row["phi_kappa"] for row in r["rows"]]
        ax.loglog(L, y, "o-" if r["verdict"] == "almost-polynomial" else "s--", ms=3, label=r["case"])
    ax.set_xlabel("sequence length L")
    ax.set_ylabel("Φ · κ̄  (sample complexity ∝)")
    ax.set_title("Certificate growth in L (degree-2 targets, unit norms)")
    ax.legend(fontsize=7, ncol=2)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def add_parser(add) -> None:
    p = add("scaling", "table and plot of Φ·κ̄ against L for additive and N-variable targets (C9b, C10)", cmd_scaling)
    p.add_argument("--max-length", type=int, default=1024, help="largest L, a power of two (default 1024); L runs 8, 16, …")
    p.add_argument("--out", default="reports", help="output folder for scaling.md / .png / .json")


def cmd_scaling(args) -> int:
    run(args.max_length, args.out)
    return 0
