"""pgrid: active oscillator networks (coupled oscillators with saturable gain and loss).

A reusable reproduction of J. Huber and P. Rabl, "Anomalous energy transport and
symmetry breaking in microscopic power grids".  One :class:`Network` description
serves the deterministic solver (:func:`steady_state`), the stochastic engine
(:func:`simulate`) and the quantum solver (:mod:`pgrid.quantum`); the paper's
closed forms live in :mod:`pgrid.analytic`.
"""

from .errors import DivergenceError as DivergenceError
from .options import Protocol as Protocol, Convergence as Convergence, Sampling as Sampling
from .options import Histogram as Histogram
from .network import Reservoir as Reservoir, Network as Network
from .network import chain as chain, square_grid as square_grid, ring as ring, loop_fluxes as loop_fluxes
from .network import site_inflow as site_inflow
from .sde import simulate as simulate, Ensemble as Ensemble, max_stable_dt as max_stable_dt
from .sde import SimulationRun as SimulationRun
from .sweeps import sweep as sweep, SweepResult as SweepResult, SweepPointError as SweepPointError
from .xarray_io import save as save, load as load
from . import xarray_io as xarray_io
from .lna import linear_noise as linear_noise, LinearNoise as LinearNoise
from . import lna as lna
from .symmetry import (symmetries as symmetries, Symmetry as Symmetry, invariant_subspaces as invariant_subspaces,
                       equivalent as equivalent, attractors as attractors, Attractors as Attractors)
from . import analytic as analytic
from . import quantum as quantum
from .deterministic import (steady_state as steady_state, SteadyState as SteadyState, drift as drift,
                            jacobian as jacobian, stability as stability,
                            linear_eigenvalues as linear_eigenvalues,
                            energy_balance as energy_balance, order_parameter as order_parameter,
                            relaxation_time as relaxation_time, relaxation_analysis as relaxation_analysis,
                            RelaxationAnalysis as RelaxationAnalysis)


__version__ = "0.1.0"

__all__ = ["DivergenceError", "Protocol", "Convergence", "Sampling", "Histogram", "SimulationRun", "Reservoir", "Network", "chain", "square_grid", "ring", "loop_fluxes", "site_inflow", "simulate", "Ensemble",
           "max_stable_dt", "steady_state", "SteadyState", "drift", "jacobian", "stability",
           "linear_eigenvalues", "energy_balance", "order_parameter", "relaxation_time", "relaxation_analysis", "RelaxationAnalysis", "linear_noise", "LinearNoise", "lna", "symmetries", "Symmetry", "invariant_subspaces", "equivalent", "attractors", "Attractors", "sweep", "SweepResult", "SweepPointError", "save", "load", "xarray_io", "analytic", "quantum", "__version__"]
