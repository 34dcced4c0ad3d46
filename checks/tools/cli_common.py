"""What the commands of ``rnn-theorems`` share: integer lists and bounded numbers from the command line, the exit
codes, a parser whose errors are one line, dask connection errors.

Exit codes, every command: 0 done (every check held), 1 a check failed (or a run did not complete), 2 a usage
error (an option, a file, a field: one line naming it, before any work), 130 interrupted (Ctrl-C).

Every numeric option is bounded up front by what a machine can do; each bound is stated here with its reason
and shown in the option's ``--help``.

One option vocabulary (:data:`VOCABULARY`): the same idea has the same name and meaning on every command and, where
pytest can take it, in the pytest plugin; the names it replaced still work (:data:`DEPRECATED`, hidden from
``--help``).  ``tests/test_option_vocabulary.py`` walks every subcommand's options against it.
"""

from __future__ import annotations

import argparse
import os
import sys

__all__ = [
    "EXIT_FAILED",
    "EXIT_INTERRUPTED",
    "EXIT_OK",
    "EXIT_USAGE",
    "MAX_EXAMPLES",
    "MAX_FALSE_ALARM_RUNS",
    "MAX_LENGTH",
    "MAX_SCALING_LENGTH",
    "MAX_SCHEDULER_TIMEOUT",
    "MAX_SEED",
    "MAX_SEEDS",
    "MAX_STEPS",
    "DEPRECATED",
    "VOCABULARY",
    "WORKERS_PER_CORE",
    "DeprecatedAlias",
    "Parser",
    "add_deprecated",
    "bounded",
    "exit_code",
    "given_as",
    "vocabulary_markdown",
    "ints",
    "max_workers",
    "scheduler_errors",
    "workers",
]

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130

WORKERS_PER_CORE = 4
"""Worker processes per core at most: each is a Python process with its own torch (0.3–0.5 GiB) running one torch
thread; beyond a few per core they only queue for the same cores (100000 workers never start)."""
MAX_EXAMPLES = 10_000
"""``audit --examples``: 100× the thorough profile's 100 instances per record (a claim instance takes 0.01–10 s)."""
MAX_FALSE_ALARM_RUNS = 1000
"""``false-alarms --runs``: 1000 runs without a false alarm put the rate below 0.3% (Clopper–Pearson, 95%), under every
stated rate (1%); more runs cannot change a verdict that matters, and each run takes seconds to minutes."""
MAX_SCALING_LENGTH = 1 << 16
"""``scaling --max-length``: the certificate's cost grows about linearly in L (7.7 s per case at L = 16384 on one
core here, 10 cases): 65536 takes about 6 minutes; 2**50 would never finish."""
MAX_LENGTH = 4096
"""``learning-curve --lengths``: 32× the thorough grid's largest L (128); the kernel's cost grows like n²·L."""
MAX_SEEDS = 1000
"""``learning-curve --seeds``, ``sweep --seeds``: every seed is a full repetition of the grid."""
MAX_STEPS = 100_000
"""``sweep --steps``: 500× the default 200 full-batch gradient steps (the A4 step converges in hundreds)."""
MAX_SEED = 2**32 - 1
"""``data --seed``: the range numpy's and torch's generators take a seed from."""
MAX_SCHEDULER_TIMEOUT = 3600.0
"""``sweep --scheduler-timeout``: an hour; a scheduler that does not answer in that time is not there."""


def max_workers() -> int:
    """The most worker processes a command starts here: :data:`WORKERS_PER_CORE` × this machine's cores."""
    return WORKERS_PER_CORE * (os.cpu_count() or 1)


def workers_help(default: str) -> str:
    """The ``--workers`` help sentence about its bound."""
    return f"{default}; at most {WORKERS_PER_CORE} × the cores ({max_workers()} here: each worker is a process with its own torch)"


def bounded(value, option: str, low, high, why: str):
    """``value`` when ``low <= value <= high``, else a one-line ``ValueError`` naming the option, the bounds and why."""
    if not low <= value <= high:
        raise ValueError(f"{option} must be between {low:g} and {high:g} ({why}), got {value:g}" if isinstance(value, float)
                         else f"{option} must be between {low} and {high} ({why}), got {value}")
    return value


def workers(value: int, option: str = "--workers", low: int = 0) -> int:
    """A worker count between ``low`` and :func:`max_workers`."""
    return bounded(value, option, low, max_workers(), f"{WORKERS_PER_CORE} × the {os.cpu_count() or 1} cores here")


def ints(text: str, name: str, *, low: int | None = None, high: int | None = None, why: str = "") -> list[int]:
    """``--name 1,2,3`` as integers, each in ``[low, high]`` when given; a one-line ``ValueError`` naming the option otherwise."""
    try:
        values = [int(v) for v in text.split(",") if v.strip()]
    except ValueError:
        raise ValueError(f"--{name}: expected comma-separated integers, got {text[:60]!r}") from None
    if not values:
        raise ValueError(f"--{name}: empty list")
    for v in values:
        if (low is not None and v < low) or (high is not None and v > high):
            raise ValueError(f"--{name}: every value must be between {low} and {high}{f' ({why})' if why else ''}, got {v}")
    return values


def exit_code(pytest_status: int) -> int:
    """A pytest exit status as the console script's (module docstring): pytest says 2 for an interrupt, 4 for a
    usage error, 5 when nothing was collected (a selection that selects no test: usage), 3 for its internal error."""
    return {0: EXIT_OK, 1: EXIT_FAILED, 2: EXIT_INTERRUPTED, 3: EXIT_FAILED, 4: EXIT_USAGE, 5: EXIT_USAGE}.get(int(pytest_status), int(pytest_status))


VOCABULARY = {
    # dest: (the commands' option, the pytest plugin's option or None, what it means)
    "profile": ("--profile", "--suite-profile", "the claim-search profile: instances, width grids, seeds (ci, dev, thorough)"),
    "claims": ("--claims", "--claims", "claim selectors: a family (C3), a record (C3a) or an id prefix (C9b), comma-separated"),
    "ledger": ("--ledger", "--ledger", "the claim ledger (results store, default results/ledger.json): verify and pytest "
               "add their run to it, report and audit read it, mutate adds its scores to its records"),
    "baseline": ("--baseline", "--baseline", "the committed baseline (ledger-baseline.json) a run is compared with"),
    "allow_profile_mismatch": ("--allow-profile-mismatch", "--allow-profile-mismatch", "compare with a baseline of another "
                               "profile (statuses only)"),
    "out": ("--out", None, "where a command writes its output: a file or a folder, as its help says"),
    "workers": ("--workers", None, "worker processes of a dask LocalCluster; 0: in this process, no dask (pytest: -n N, xdist)"),
    "scheduler": ("--scheduler", None, "address of a running dask scheduler, instead of a LocalCluster"),
}
"""Each shared idea's option: on every command the first name, in the pytest plugin the second (``--suite-profile``:
``--profile`` is pytest-profiling's option, and a plugin that adds a taken name stops pytest; every command takes
``--suite-profile`` too, so one name works everywhere)."""

DEPRECATED = {"--json": "--out", "--serial": "--workers 0"}
"""Names replaced by the vocabulary, still accepted (hidden from ``--help``): ``learning-curve``, ``mutate`` and
``false-alarms`` wrote their output to ``--json``; ``sweep --serial`` ran in this process."""


def vocabulary_markdown() -> str:
    """README's option table (``tests/test_option_vocabulary.py`` checks README holds it as written here)."""
    from checks.harness.tables import format_markdown_table

    rows = [[cmd, pt or "–", meaning] for cmd, pt, meaning in VOCABULARY.values()]
    rows += [[f"{old} (deprecated)", "–", f"still accepted, hidden from --help: use {new}"] for old, new in DEPRECATED.items()]
    return format_markdown_table(["rnn-theorems (every command that has it)", "pytest", "meaning"], rows)


class DeprecatedAlias(argparse.Action):
    """An option name of :data:`DEPRECATED`: stores into its replacement's ``dest`` (a value, or ``const`` for a flag),
    hidden from ``--help``; :func:`given_as` remembers the name used, so a message names the option as typed."""

    def __init__(self, option_strings, dest, const=None, nargs=None, **kwargs):
        kwargs.update(default=argparse.SUPPRESS, help=argparse.SUPPRESS)
        super().__init__(option_strings, dest, nargs=0 if const is not None else nargs, const=const, **kwargs)

    def __call__(self, parser, namespace, values, option_string=None):
        setattr(namespace, self.dest, self.const if self.nargs == 0 else values)
        namespace.given_as = {**(getattr(namespace, "given_as", None) or {}), self.dest: option_string}


def add_deprecated(parser: argparse.ArgumentParser, name: str, dest: str, **kwargs) -> None:
    """Accept ``name`` (a key of :data:`DEPRECATED`) as the old spelling of the option storing ``dest``."""
    assert name in DEPRECATED, name
    parser.add_argument(name, dest=dest, action=DeprecatedAlias, **kwargs)


def given_as(args, dest: str) -> str:
    """The option name the user gave for ``dest`` (a deprecated alias, or the canonical ``--dest``)."""
    return (getattr(args, "given_as", None) or {}).get(dest, "--" + dest.replace("_", "-"))


class Parser(argparse.ArgumentParser):
    """An argument parser whose errors are one line (``rnn-theorems verify: error: …; see --help``), exit 2."""

    def error(self, message):
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message} (see {self.prog} --help)\n")

    def parse_known_args(self, args=None, namespace=None):
        """Parse, refusing a :data:`DEPRECATED` name given together with its replacement (``--json a --out b``: the
        later one would win without a word)."""
        parsed, rest = super().parse_known_args(args, namespace)
        arg_strings = [str(a).split("=", 1)[0] for a in (sys.argv[1:] if args is None else args)]
        for dest, old in (getattr(parsed, "given_as", None) or {}).items():
            names = [o for a in self._actions if a.dest == dest and not isinstance(a, DeprecatedAlias) for o in a.option_strings]
            given = [a for a in arg_strings if a.startswith("--") and len(a) > 2 and any(n.startswith(a) for n in names)]
            if given:
                self.error(f"{old} and {given[0]} given together: {old} is the old name of {given[0]}; give one")
        return parsed, rest


class scheduler_errors:
    """Turn a dask connection failure into a one-line error naming the scheduler and the timeout."""

    def __init__(self, scheduler: str | None, timeout: float | str):
        self.scheduler, self.timeout = scheduler, timeout

    def __enter__(self):
        return self

    def __exit__(self, kind, exc, tb):
        if self.scheduler is None or exc is None or not isinstance(exc, (OSError, TimeoutError)):
            return False
        first = str(exc).splitlines()[0] if str(exc) else "no answer"
        print(file=sys.stderr)  # end the progress bar's line: the error is a line of its own
        raise ValueError(f"cannot reach the dask scheduler at {self.scheduler} within {float(self.timeout):g} s ({type(exc).__name__}: {first})") from None
