"""Test-session settings shared by unit tests and notebook validation."""

import os

# MPLBACKEND=Agg would reach the notebook kernels and disable inline figures.
os.environ.pop("MPLBACKEND", None)
