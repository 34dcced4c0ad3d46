"""One option vocabulary (issue 26 item 3): every option of every ``rnn-theorems`` subcommand has help text, one
name means one thing everywhere (same type, choices, action), the shared ideas use the names of
``checks.tools.cli_common.VOCABULARY`` (the pytest plugin too), and the names they replaced still work."""

import argparse
from pathlib import Path

import pytest

from checks.claims import PROFILES
from checks.harness import pytest_plugin
from checks.tools.cli import build_parser
from checks.tools.cli_common import DEPRECATED, VOCABULARY, DeprecatedAlias, vocabulary_markdown

ROOT = Path(__file__).resolve().parents[1]


def _subparsers() -> dict[str, argparse.ArgumentParser]:
    parser = build_parser()
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return dict(sub.choices)


def _options(parser) -> list[argparse.Action]:
    return [a for a in parser._actions if not isinstance(a, argparse._HelpAction)]


def _signature(action: argparse.Action):
    """What a dest means to a user: how it is given (the action's kind, nargs), its type and its choices."""
    return type(action).__name__, action.nargs, getattr(action.type, "__name__", action.type), tuple(action.choices or ())


def test_every_option_of_every_command_has_help():
    missing = [f"{name} {'/'.join(a.option_strings) or a.dest}" for name, p in _subparsers().items() for a in _options(p)
               if not isinstance(a, DeprecatedAlias) and not (a.help or "").strip()]
    assert missing == []


def test_the_same_dest_means_the_same_thing_on_every_command():
    seen: dict[str, tuple] = {}
    for name, p in _subparsers().items():
        for a in _options(p):
            if isinstance(a, DeprecatedAlias) or not a.option_strings:
                continue
            first = seen.setdefault(a.dest, (name, a.option_strings, _signature(a)))
            assert (a.option_strings, _signature(a)) == first[1:], f"{a.dest}: {name} {a.option_strings} {_signature(a)} vs {first}"


def test_shared_ideas_use_the_vocabulary_names_and_replaced_names_are_hidden_aliases():
    for name, p in _subparsers().items():
        visible = {s for a in _options(p) if not isinstance(a, DeprecatedAlias) for s in a.option_strings}
        assert not visible & set(DEPRECATED), f"{name} offers a replaced name: {visible & set(DEPRECATED)}"
        for a in _options(p):
            if isinstance(a, DeprecatedAlias):
                assert a.option_strings[0] in DEPRECATED and a.help == argparse.SUPPRESS
                assert a.option_strings[0] not in p.format_help()
                canonical = DEPRECATED[a.option_strings[0]].split()[0]
                assert canonical in visible, f"{name}: {a.option_strings[0]} aliases {canonical}, which it lacks"
            elif a.dest in VOCABULARY:
                assert a.option_strings[0] == VOCABULARY[a.dest][0], f"{name}: {a.option_strings} for {a.dest}"
    assert {"verify", "audit", "mutate", "false-alarms"} <= {n for n, p in _subparsers().items()
                                                            if any(a.dest == "profile" for a in _options(p))}


def test_the_pytest_plugin_uses_the_same_names_and_choices():
    added = {}

    class Group:
        def addoption(self, *names, **kwargs):
            added[names[0]] = kwargs

    class Parser:
        def getgroup(self, name):
            return Group()

    pytest_plugin.pytest_addoption(Parser())
    assert all((kw.get("help") or "").strip() for kw in added.values())
    for dest, (_, plugin, _meaning) in VOCABULARY.items():
        if plugin is not None:
            assert plugin in added, f"the plugin lacks {plugin} ({dest})"
    assert added["--suite-profile"]["choices"] == sorted(PROFILES)  # the same choices as every command's --profile
    commands = {a.dest: a for p in _subparsers().values() for a in _options(p)}
    assert list(commands["profile"].choices) == sorted(PROFILES)
    assert "--suite-profile" in commands["profile"].option_strings  # one name that works everywhere


@pytest.mark.parametrize("argv, dest, value", [
    (["mutate", "--json", "m.json"], "out", "m.json"),
    (["false-alarms", "--json", "fa.json"], "out", "fa.json"),
    (["learning-curve", "--json", "lc.json"], "out", "lc.json"),
    (["sweep", "--serial"], "workers", 0),
    (["verify", "--suite-profile", "dev"], "profile", "dev"),
    (["mutate", "--out", "m.json"], "out", "m.json"),
    (["sweep"], "workers", 2),
])
def test_replaced_names_still_work(argv, dest, value):
    assert getattr(build_parser().parse_args(argv), dest) == value


@pytest.mark.parametrize("argv", [
    ["mutate", "--json", "a.json", "--out", "b.json"],
    ["mutate", "--out", "b.json", "--json", "a.json"],
    ["false-alarms", "--json=a.json", "--out=b.json"],
    ["learning-curve", "--out", "b.json", "--json", "a.json"],
    ["sweep", "--workers", "2", "--serial"],
])
def test_an_old_name_and_its_replacement_together_are_refused(argv, capsys):
    """``mutate --json a.json --out b.json`` wrote b.json and dropped a.json without a word (the later option won):
    two names of one option given together are a usage error naming both."""
    with pytest.raises(SystemExit) as e:
        build_parser().parse_args(argv)
    assert e.value.code == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and "given together" in err


def test_the_readme_table_is_the_vocabulary():
    assert vocabulary_markdown() in (ROOT / "README.md").read_text()
