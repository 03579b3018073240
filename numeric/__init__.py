"""gradproof's numeric runtime: NumPy functions generated from the symbolic engine."""

from numeric import functions

__all__ = ["functions"]
