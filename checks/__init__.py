"""rnn-theorems: the objects of Wang, Shen, Hu, Cao (NeurIPS 2021), built once.

Every module cites the setting (S), assumptions (A1-A6) and claims (C1-C10) of
``CLAIMS.md`` (kept in the project's ``shared/`` folder, summarized in README.md).
"""

__version__ = "0.1.0"
