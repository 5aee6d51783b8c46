"""pgrid: active oscillator networks (coupled oscillators with saturable gain and loss).

A reusable reproduction of J. Huber and P. Rabl, "Anomalous energy transport and
symmetry breaking in microscopic power grids".  One :class:`Network` description
serves the deterministic solver (:func:`steady_state`), the stochastic engine
(:func:`simulate`) and the quantum solver (:mod:`pgrid.quantum`); the paper's
closed forms live in :mod:`pgrid.analytic`.
"""

from . import analytic as analytic
from . import lna as lna
from . import quantum as quantum
from . import xarray_io as xarray_io
from .deterministic import (
    RelaxationAnalysis as RelaxationAnalysis,
)
from .deterministic import (
    SteadyState as SteadyState,
)
from .deterministic import (
    drift as drift,
)
from .deterministic import (
    energy_balance as energy_balance,
)
from .deterministic import (
    jacobian as jacobian,
)
from .deterministic import (
    linear_eigenvalues as linear_eigenvalues,
)
from .deterministic import (
    order_parameter as order_parameter,
)
from .deterministic import (
    relaxation_analysis as relaxation_analysis,
)
from .deterministic import (
    relaxation_time as relaxation_time,
)
from .deterministic import (
    stability as stability,
)
from .deterministic import (
    steady_state as steady_state,
)
from .errors import DivergenceError as DivergenceError
from .lna import LinearNoise as LinearNoise
from .lna import linear_noise as linear_noise
from .network import Network as Network
from .network import Reservoir as Reservoir
from .network import (
    chain as chain,
)
from .network import (
    loop_fluxes as loop_fluxes,
)
from .network import (
    ring as ring,
)
from .network import site_inflow as site_inflow
from .network import (
    square_grid as square_grid,
)
from .options import Convergence as Convergence
from .options import Histogram as Histogram
from .options import Protocol as Protocol
from .options import Sampling as Sampling
from .sde import Ensemble as Ensemble
from .sde import SimulationRun as SimulationRun
from .sde import max_stable_dt as max_stable_dt
from .sde import simulate as simulate
from .sweeps import SweepPointError as SweepPointError
from .sweeps import SweepResult as SweepResult
from .sweeps import sweep as sweep
from .symmetry import (
    Attractors as Attractors,
)
from .symmetry import (
    Symmetry as Symmetry,
)
from .symmetry import (
    attractors as attractors,
)
from .symmetry import (
    equivalent as equivalent,
)
from .symmetry import (
    invariant_subspaces as invariant_subspaces,
)
from .symmetry import (
    symmetries as symmetries,
)
from .xarray_io import load as load
from .xarray_io import save as save

__version__ = "0.1.0"

__all__ = [
    "DivergenceError",
    "Protocol",
    "Convergence",
    "Sampling",
    "Histogram",
    "SimulationRun",
    "Reservoir",
    "Network",
    "chain",
    "square_grid",
    "ring",
    "loop_fluxes",
    "site_inflow",
    "simulate",
    "Ensemble",
    "max_stable_dt",
    "steady_state",
    "SteadyState",
    "drift",
    "jacobian",
    "stability",
    "linear_eigenvalues",
    "energy_balance",
    "order_parameter",
    "relaxation_time",
    "relaxation_analysis",
    "RelaxationAnalysis",
    "linear_noise",
    "LinearNoise",
    "lna",
    "symmetries",
    "Symmetry",
    "invariant_subspaces",
    "equivalent",
    "attractors",
    "Attractors",
    "sweep",
    "SweepResult",
    "SweepPointError",
    "save",
    "load",
    "xarray_io",
    "analytic",
    "quantum",
    "__version__",
]
