"""Suite-wide pytest configuration: profiles (dev, ci, thorough), the claim ledger, fixtures.

Everything lives in ``checks/pytest_plugin.py``; see its docstring for the options.
"""

pytest_plugins = ["checks.pytest_plugin"]
