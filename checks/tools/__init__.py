"""What a user runs: the ``rnn-theorems`` console script, the report and the plots.  The top layer."""
