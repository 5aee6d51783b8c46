r"""The one value a :class:`~pgrid.Network` becomes on its way into the numba kernels (private).

Both kernel modules (:mod:`pgrid._ode_kernels`, :mod:`pgrid._sde_kernels`) take a
:data:`Layout`: the coupling by diagonals and, per parameter point, the on-site arrays and
the reservoirs of the *active* sites (sites with gain or loss).  It is built by
:func:`layout` from one network or from a batch sharing one coupling matrix, and nowhere
else.  Inside a kernel, :func:`point` gives the :data:`Model` of point ``p`` (the same
fields without the batch axis), which is what the per-point kernels take.

The physics every kernel shares lives here too, as ``inline="always"`` helpers (inlined
into the caller, so they compile with the caller's fastmath flags):
:func:`saturable_rate` (:math:`\Gamma(n) = \Gamma (1 + n/n_0)^{-\nu}`, Eq. (4) generalised),
:func:`saturable_rate_derivative` and :func:`bond_current`
(:math:`J_{ij} = g_{ij}\,{\rm Im}(\alpha_i^*\alpha_j)`, Eq. (6)).

:func:`stable_step` holds the stability bound of both time steppers (RK4 and drift-Heun).
"""

from __future__ import annotations

from collections import namedtuple

import numpy as np
from numba import njit

#: A batch of P networks sharing one coupling (per-point arrays lead with the point axis P).
#:
#: offs (D,) int64: coupling diagonals (site offsets d with some g[l, l + d] != 0);
#: coef, coef_im (D, N): real and imaginary part of g[l, l + offs[k]] / 2; cplx: bool, some imaginary
#: part is nonzero (a flux; the kernels add the imaginary hopping only then, so real networks run the
#: same instructions as before); det (P, N): detuning; gh (P, N): gamma / 2;
#: act (A,) int64: the active sites (gain or loss anywhere in the batch);
#: gr, gn0, gnu, lr, ln0, lnu (P, A): gain and loss rate, n0, nu per active site (rate 0 where absent);
#: bond_i, bond_j (B,) int64 and bond_g, bond_gi (B,): the bonds i < j and the real and imaginary
#: part of their g_ij.
Layout = namedtuple(
    "Layout", "offs coef coef_im cplx det gh act gr gn0 gnu lr ln0 lnu bond_i bond_j bond_g bond_gi"
)

#: One point of a :data:`Layout` (the per-point arrays without the point axis).
Model = namedtuple("Model", "offs coef coef_im cplx det gh act gr gn0 gnu lr ln0 lnu")


def coupling_diagonals(g: np.ndarray):
    """Offsets d with some g[l, l+d] != 0, and coef[k, l] + i coef_im[k, l] = g[l, l + offs[k]] / 2."""
    n = g.shape[0]
    offs = [d for d in range(-(n - 1), n) if d != 0 and np.any(np.diagonal(g, d) != 0)]
    coef = np.zeros((len(offs), n))
    coef_im = np.zeros((len(offs), n))
    for k, d in enumerate(offs):
        l = np.arange(max(0, -d), min(n, n - d))
        coef[k, l] = 0.5 * np.real(g[l, l + d])
        coef_im[k, l] = 0.5 * np.imag(g[l, l + d])
    return np.array(offs, np.int64), coef, coef_im


def layout(nets) -> Layout:
    """The :data:`Layout` of one network or of a sequence sharing one coupling matrix.

    The caller checks that the coupling is shared (the first network's is used).
    """
    nets = [nets] if not isinstance(nets, (list, tuple)) else list(nets)
    ref = nets[0]
    offs, coef, coef_im = coupling_diagonals(ref.coupling)
    act = np.array(sorted(set().union(*[set(nt.gain) | set(nt.loss) for nt in nets])), np.int64)
    res = np.array([[a[act] for a in nt.reservoir_arrays()] for nt in nets])  # (P, 6, A)
    res = [np.ascontiguousarray(res[:, k]) for k in range(6)]
    bg = np.asarray(ref.bond_coupling)
    # fresh writable copies: a read-only array is another numba type, and every kernel would be
    # compiled twice (for real networks, whose bg.real is the network's read-only array, and complex)
    return Layout(
        offs,
        coef,
        coef_im,
        bool(ref.is_complex),
        np.array([nt.detuning for nt in nets]),
        0.5 * np.array([nt.gamma for nt in nets]),
        act,
        *res,
        ref.bonds[:, 0].copy(),
        ref.bonds[:, 1].copy(),
        np.array(bg.real, float),
        np.array(bg.imag, float),
    )


@njit(cache=True, inline="always")
def point(lay, p):
    """The :data:`Model` of point ``p`` of a :data:`Layout`."""
    return Model(
        lay.offs,
        lay.coef,
        lay.coef_im,
        lay.cplx,
        lay.det[p],
        lay.gh[p],
        lay.act,
        lay.gr[p],
        lay.gn0[p],
        lay.gnu[p],
        lay.lr[p],
        lay.ln0[p],
        lay.lnu[p],
    )


@njit(cache=True, inline="always")
def saturable_rate(occ, rate, n0, nu):
    """Saturable rate ``rate (1 + occ/n0)^(-nu)`` of a Reservoir at occupation ``occ`` (no pow for nu = 2)."""
    if nu == 2.0:
        t = 1.0 / (1.0 + occ / n0)
        return rate * t * t
    return rate * (1.0 + occ / n0) ** (-nu)


@njit(cache=True, inline="always")
def saturable_rate_derivative(occ, rate, n0, nu):
    """The saturable rate and its derivative with respect to the occupation."""
    if nu == 2.0:
        t = 1.0 / (1.0 + occ / n0)
        return rate * t * t, -2.0 * rate / n0 * t * t * t
    u = 1.0 + occ / n0
    f = u ** (-nu)
    return rate * f, -rate * nu / n0 * f / u


@njit(cache=True, inline="always")
def bond_current(xr_i, xi_i, xr_j, xi_j, g):
    """Bond current ``g Im(conj(alpha_i) alpha_j)`` from the real and imaginary parts (real ``g``)."""
    return g * (xr_i * xi_j - xi_i * xr_j)


@njit(cache=True, inline="always")
def bond_current_complex(xr_i, xi_i, xr_j, xi_j, g, gi):
    """Bond current ``Im((g + i gi) conj(alpha_i) alpha_j)`` (complex hopping: a flux)."""
    return g * (xr_i * xi_j - xi_i * xr_j) + gi * (xr_i * xr_j + xi_i * xi_j)


#: Bath rate (units of g) below which :func:`stable_step`'s drift-Heun accuracy bound stops shrinking.
GAMMA_FLOOR = 2e-5


def stable_step(nets, scheme: str) -> float:
    r"""The largest stable time step of a stepper for a batch of networks.

    With :math:`\Gamma_{\max}` the largest reservoir rate and :math:`\gamma_{\max}` the largest bath rate:

    * ``"rk4"`` (:func:`pgrid.steady_state`'s default step):
      :math:`\min(0.2, 1/(\omega_{\max} + \Gamma_{\max}/2 + \gamma_{\max}/2))`, with the bound
      :math:`\omega_{\max} = \max|{\rm eig}(g/2)| + \max|\Delta|` on the frequencies (RK4 is
      stable for :math:`|\lambda| dt \lesssim 2.8`; ``steady_state`` accepts up to 2.5 times it);
    * ``"heun"`` (:func:`pgrid.max_stable_dt`, the drift-Heun SDE step): the trapezoidal rule is
      stable for :math:`|\lambda| dt \lesssim 2` on the real axis and adds a growth
      :math:`\omega^4 dt^3/8` on the imaginary axis; we demand
      :math:`(\omega_{\max} + \Gamma_{\max}/2 + \gamma_{\max}/2)\,dt \le 1/2` with
      :math:`\omega_{\max}` the spectral radius of :math:`g/2 - \Delta`, and, so that the
      spurious gain stays below a tenth of the bare damping,
      :math:`\omega_{\max}^4 dt^3/8 \le \max(\bar\gamma, \gamma_{\rm floor})/20` with
      :math:`\bar\gamma` the mean bath rate (the damping of an extended mode; the rate itself
      for a uniform bath, and not zero for baths on some sites only) and
      :math:`\gamma_{\rm floor} = 2\times10^{-5} g` (:data:`GAMMA_FLOOR`: below it the bound no
      longer shrinks, so it is continuous down to :math:`\gamma = 0`, where the spurious gain is
      at most :math:`10^{-6} g`).
      This is a stability bound, not an accuracy guarantee: at the bound a passive chain's
      occupation is biased by several per cent (the book's numerical-methods section measures
      the convergence in dt; use dt well below the bound, e.g. 1e-2/g for the paper's chains).
    """
    nets = [nets] if not isinstance(nets, (list, tuple)) else list(nets)
    rate_max = max(
        [r.rate for nt in nets for r in list(nt.gain.values()) + list(nt.loss.values())] + [0.0]
    )
    gamma_max = max(float(nt.gamma.max()) for nt in nets)
    if scheme == "rk4":
        w_max = float(np.max(np.abs(np.linalg.eigvalsh(0.5 * nets[0].coupling)))) + max(
            float(np.abs(nt.detuning).max()) for nt in nets
        )
        return min(0.2, 1.0 / (w_max + 0.5 * rate_max + 0.5 * gamma_max + 1e-12))
    if scheme == "heun":
        if len(nets) != 1:
            raise ValueError("the drift-Heun bound is per network")
        net = nets[0]
        h = 0.5 * net.coupling - np.diag(net.detuning)
        w_max = float(np.max(np.abs(np.linalg.eigvalsh(h))))
        lam = w_max + 0.5 * rate_max + 0.5 * gamma_max
        dt = 0.5 / lam if lam > 0 else np.inf
        g_bath = max(float(net.gamma.mean()), GAMMA_FLOOR)
        if w_max > 0:
            dt = min(dt, (8 * g_bath / 20) ** (1 / 3) / w_max)
        return dt
    raise ValueError(f"`scheme` must be 'rk4' or 'heun', got {scheme!r}")


def split_complex(z):
    """Real and imaginary part of ``z`` as fresh, writable, C-contiguous float arrays, the one array
    type the kernels are compiled for (``z.imag`` of a real array is read-only, a view of a complex
    one strided; either would be another numba type and another compilation)."""
    z = np.asarray(z)
    return np.array(z.real, np.float64, order="C"), np.array(z.imag, np.float64, order="C")


def model(net) -> Model:
    """The :data:`Model` of one network (for the per-point kernels called from Python)."""
    lay = layout(net)
    return Model(
        lay.offs,
        lay.coef,
        lay.coef_im,
        lay.cplx,
        lay.det[0],
        lay.gh[0],
        lay.act,
        *(a[0] for a in lay[7:13]),
    )
