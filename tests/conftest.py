"""Shared test settings."""

import signal

from replicators.io import report

# Every chart of every report a test writes is checked against the
# Vega-Lite schema (off for users: see report.VALIDATE_CHARTS).
report.VALIDATE_CHARTS = True

# A shell starts a background job (`pytest &`, `nohup ... &`) with SIGINT
# ignored, and Python then never installs the handler that raises
# KeyboardInterrupt; the processes it starts inherit the ignore. The Ctrl-C
# tests send SIGINT and wait for it to be answered: they would wait forever.
# SIGINT means Ctrl-C in this session however it was started.
if signal.getsignal(signal.SIGINT) == signal.SIG_IGN:
    signal.signal(signal.SIGINT, signal.default_int_handler)
