"""Confidente: a private desktop assistant that runs local models offline."""

from app.core.privacy import apply_offline_environment

# Telemetry switches must be in the environment before any dependency is imported.
apply_offline_environment()

__version__ = "0.1.0"
