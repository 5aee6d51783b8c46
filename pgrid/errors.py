"""Exceptions of pgrid that are not about bad input (bad input raises ``ValueError``)."""

from __future__ import annotations

__all__ = ["DivergenceError"]


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
