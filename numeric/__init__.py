"""gradproof's numeric runtime: NumPy functions generated from the symbolic engine, and the MLP."""

from numeric import functions
from numeric.mlp import MLP

__all__ = ["MLP", "functions"]
