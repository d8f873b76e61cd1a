"""Shared test settings."""

from replicators.io import report

# Every chart of every report a test writes is checked against the
# Vega-Lite schema (off for users: see report.VALIDATE_CHARTS).
report.VALIDATE_CHARTS = True
