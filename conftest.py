"""Suite-wide pytest configuration: profiles (dev, ci, thorough), claim selection, the claim ledger.

Everything lives in ``checks/harness/pytest_plugin.py``; see its docstring for the options.
"""

pytest_plugins = ["checks.harness.pytest_plugin"]
