"""gradproof's numeric runtime: NumPy functions generated from the symbolic engine, the MLP,
and the gradient checker."""

from numeric import functions
from numeric.gradcheck import GradientCheckError, Report, Status, gradcheck
from numeric.mlp import MLP
from numeric.netcheck import check_network

__all__ = [
    "MLP",
    "GradientCheckError",
    "Report",
    "Status",
    "check_network",
    "functions",
    "gradcheck",
]
