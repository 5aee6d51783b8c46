"""Exceptions of pgrid that are not about bad input (bad input raises ``ValueError``)."""

from __future__ import annotations

__all__ = ["DivergenceError", "InsufficientMemoryError", "CostWarning", "divergence_reason"]


class DivergenceError(RuntimeError):
    """An integration blew up at some points (or trajectories) of a run.

    Raised by :func:`pgrid.steady_state` and :func:`pgrid.simulate` unless ``throw=False``.
    The message says which points failed and why (the dynamics itself grows without bound,
    or the time step is unstable).

    Attributes
    ----------
    result
        The partial result: a :class:`pgrid.SteadyState` with the failed points marked
        ``"diverged"``, or an :class:`pgrid.Ensemble` over the trajectories that did not
        diverge.
    points : list of int
        Flat indices of the failed points (or trajectories).
    """

    def __init__(self, message: str, *, result=None, points=()):
        super().__init__(message)
        self.result = result
        self.points = list(points)


class CostWarning(UserWarning):
    """A call is expected to take minutes or more (an estimate made before the work starts); the
    message names the faster way where there is one."""


class InsufficientMemoryError(MemoryError):
    """A computation would need more memory than the machine has available; raised before
    anything is allocated.  The message gives the estimate in GiB, the memory available and
    the parameter to change.

    Attributes
    ----------
    needed, available : int
        Bytes.
    """

    def __init__(self, message: str, *, needed: int = 0, available: int = 0):
        super().__init__(message)
        self.needed = int(needed)
        self.available = int(available)


def divergence_reason(net, dt: float) -> str:
    """Why an integration of ``net`` at step ``dt`` blew up: the physics, or the time step."""
    growth = net.growth_at_large_amplitude()
    if growth > 0:
        return (
            f"the dynamics itself grows without bound: far above saturation the gain stays (nu = 0) "
            f"while the loss cannot balance it, a linear growth rate of {growth:.3g} g; no time step "
            "cures this: let the gain saturate (nu > 0) or add loss"
        )
    return f"the time step is unstable for these rates: reduce `dt` (now {dt:g}; try {dt / 4:g})"
