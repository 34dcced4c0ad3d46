"""The suite harness: ledger and tables, instance search, the assumption audit, the pytest plugin and
the theorem-test factory.  Imports ``checks.claims`` and below, never ``checks.tools``."""
