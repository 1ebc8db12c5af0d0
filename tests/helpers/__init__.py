"""Helpers shared by the tests: real processes and terminals (``procs``), workbooks written
for a test (``workbooks``), the process-run walkers (``swedish_output``, ``table_spy``)."""
