"""Safeguarding risk assessment and policy builder: the pure domain core (no UI)."""

__version__ = "0.1.0"
