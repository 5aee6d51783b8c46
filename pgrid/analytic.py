r"""Closed forms of the paper, one function per equation, named by equation number.

Units: rates in units of g unless ``g`` is passed; occupations absolute
(:math:`|\alpha|^2`, not divided by :math:`n_0`) unless stated; currents in
quanta per unit time.  Each docstring states where the formula holds; the
book measures the ranges (relative-error plots) against pgrid's
numerics.

References
----------
J. Huber and P. Rabl, "Anomalous energy transport and symmetry breaking
   in microscopic power grids" (2022), main text and supplement.
"""

from __future__ import annotations

import numpy as np
from scipy import special

__all__ = [
    "cutoff",
    "saturated_rate",
    "eq6_occupation",
    "eq6_k0",
    "s14_coherent_cutoff",
    "s14_paper_expression",
    "s24_amplitudes",
    "s25_current",
    "s28_amplitudes",
    "s29_current",
    "s30_s31_amplitudes",
    "s32_amplitudes",
    "s33_current",
    "s36_transition",
    "fit_standing_wave",
    "s40_amplitudes",
    "s41_current",
    "s43_symmetric_existence",
    "s44_transition",
    "s45_current_std",
    "s47_occupation",
    "s48_current",
    "s51_occupation_variance",
    "s52_current_variance",
    "s53_current_variance",
    "s54_current_variance",
    "s54_relative_noise",
    "stalled_region",
    "transition_shift_n0",
    "s48_current_corrected",
    "s52_current_variance_corrected",
    "s53_current_variance_corrected",
    "s54_current_variance_corrected",
    "s54_relative_noise_corrected",
    "n2_broken_current_variance",
]


def cutoff(n, n0=1.0, nu=2.0):
    r"""Cutoff function :math:`f(n) = (1 + n/n_0)^{-\nu/2}` (Eq. 2 for ν = 2, Eq. S4)."""
    return (1.0 + np.asarray(n, float) / n0) ** (-nu / 2.0)


def saturated_rate(rate, occupation, n0=1.0, nu=2.0):
    r"""Semiclassical rate :math:`\Gamma(\alpha) = \Gamma f^2(|\alpha|^2)` (below Eq. 5)."""
    return rate * cutoff(occupation, n0, nu) ** 2


def eq6_k0(n_sites, symmetric: bool):
    r"""Wave vector of Eq. (6): :math:`k_0 = \frac{\pi}{2}(1 + \frac{1}{N+1})` for
    :math:`\Gamma_i > \Gamma_e` (symmetric phase), :math:`\pi/2` otherwise (N even)."""
    return np.pi / 2 * (1 + 1 / (n_sites + 1)) if symmetric else np.pi / 2


def eq6_occupation(sites, A, B, k0):
    r"""Eq. (6): :math:`|\alpha^0_\ell|^2 = |A\sin(k_0\ell) + B\cos(k_0\ell)|^2`, ℓ = 1..N (paper numbering).

    ``A`` and ``B`` are absolute amplitudes (the :math:`\sqrt{n_0}` of Eq. S17 included).
    Holds for :math:`\gamma \to 0` and N even.
    """
    ell = np.asarray(sites, float)
    return np.abs(A * np.sin(k0 * ell) + B * np.cos(k0 * ell)) ** 2


def s14_coherent_cutoff(occupation, n0):
    r""":math:`\bar f = \langle\alpha|(1 + a^\dagger a/n_0)^{-1}|\alpha\rangle` (Eq. S14, Fig. S1), exact.

    With :math:`x = |\alpha|^2`:
    :math:`\bar f = e^{-x}\sum_n \frac{x^n}{n!}\frac{n_0}{n_0+n} = e^{-x}\,{}_1F_1(n_0; n_0+1; x)`.
    """
    x = np.asarray(occupation, float)
    return np.exp(-x) * special.hyp1f1(n0, n0 + 1.0, x)


def s14_paper_expression(occupation, n0):
    r"""The incomplete-Gamma expression printed below Eq. (S14), taken literally.

    :math:`e^{-|\alpha|^2}(-|\alpha|)^{-n_0}[\Gamma(n_0, 0) - \Gamma(n_0, -|\alpha|^2)]`.
    With the lower incomplete Gamma function this equals
    :math:`e^{-x}(-1)^{-n_0}x^{-n_0/2}\,\gamma(n_0,-x)`; for integer :math:`n_0` it
    is real.  The book compares it with :func:`s14_coherent_cutoff` (it lacks
    a factor :math:`n_0` and has :math:`|\alpha|` where :math:`|\alpha|^2` is
    needed).  Evaluated here for integer ``n0`` by the finite series
    :math:`\gamma(n, -x) = (n-1)!\,[1 - e^{x}\sum_{k<n} (-x)^k/k!]`.
    """
    x = np.asarray(occupation, float)
    n = int(round(n0))
    if n != n0 or n < 1:
        raise ValueError(f"`n0` must be a positive integer for the literal expression, got {n0}.")
    partial = sum((-x) ** k / special.factorial(k) for k in range(n))
    lower = special.factorial(n - 1) * (1.0 - np.exp(x) * partial)
    return np.exp(-x) * (-1.0) ** n * np.sqrt(x) ** (-n) * lower


def s24_amplitudes(gain, loss, gamma, g=1.0):
    r"""Eq. (S24) (N odd, damping only at the ends): :math:`|A|^2` (in units of :math:`n_0`) and :math:`B/A`.

    :math:`|A|^2 = \sqrt{(\Gamma_i-\Gamma_e)/(2\gamma)} - 1`,
    :math:`B = -i\frac{\gamma}{g}\frac{\Gamma_i+\Gamma_e}{\Gamma_i-\Gamma_e}A`; for
    :math:`\Gamma_e < \Gamma_i - 2\gamma`.
    """
    a2 = np.sqrt((gain - loss) / (2 * gamma)) - 1
    return a2, -1j * gamma / g * (gain + loss) / (gain - loss)


def s25_current(gain, loss, gamma, n0=1.0):
    r"""Eq. (S25) = Eq. (S29): symmetric-phase current with damping only at the ends.

    :math:`\langle J\rangle = n_0\gamma\frac{\Gamma_i+\Gamma_e}{\Gamma_i-\Gamma_e}
    \left(\sqrt{\frac{\Gamma_i-\Gamma_e}{2\gamma}} - 1\right)`, valid for
    :math:`\Gamma_e < \Gamma_i - 2\gamma`, :math:`\gamma/g \ll 1`.
    """
    return n0 * gamma * (gain + loss) / (gain - loss) * (np.sqrt((gain - loss) / (2 * gamma)) - 1)


s28_amplitudes = s24_amplitudes
s28_amplitudes.__doc__ = s24_amplitudes.__doc__
s29_current = s25_current


def s30_s31_amplitudes(gain, loss, gamma, g=1.0):
    r"""Exact solution of Eqs. (S30)–(S31) (symmetry-broken phase, N even, damping at the ends).

    .. math::

        \Big(\frac{\Gamma_i}{(1+|A|^2)^2} - \gamma\Big)A - igB = 0, \qquad
        \Big(\frac{-\Gamma_e}{(1+|B|^2)^2} - \gamma\Big)B - igA = 0 .

    Eliminating B gives :math:`B = -i c A/g` with :math:`c = \Gamma_i/(1+|A|^2)^2 - \gamma` and
    the scalar condition :math:`(\Gamma_e/(1+|B|^2)^2 + \gamma)\,c = g^2`, solved for
    :math:`|A|^2` by bracketing.  Returns ``(|A|^2, |B|^2, J)`` in units of :math:`n_0`
    (:math:`J = g\,{\rm Im}(AB^*) = c|A|^2`, Eq. S18 with :math:`\sin k_0 = 1`), or NaNs where
    no solution exists.  The paper states there is none for :math:`\Gamma_i > \Gamma_e`; in
    fact a root with :math:`|B| > |A|` persists there (see the tests and the transport chapter).
    """
    from scipy.optimize import brentq

    def parts(a2):
        c = gain / (1 + a2) ** 2 - gamma
        b2 = c**2 * a2 / g**2
        return c, b2, (loss / (1 + b2) ** 2 + gamma) * c - g**2

    a_max = np.sqrt(gain / gamma) - 1 if gamma > 0 else 1e6  # c > 0 requires |A|^2 < a_max
    grid = np.linspace(0.0, a_max, 4001)[1:-1]
    vals = np.array([parts(a)[2] for a in grid])
    sign = np.nonzero(np.diff(np.sign(vals)))[0]
    if sign.size == 0:
        return np.nan, np.nan, np.nan
    k = sign[-1]  # the largest-amplitude root (the one reached by switching on)
    a2 = brentq(lambda a: parts(a)[2], grid[k], grid[k + 1], xtol=1e-14)
    c, b2, _ = parts(a2)
    return a2, b2, c * a2


def fit_standing_wave(alpha, k0, n0=1.0):
    r"""Least-squares :math:`A, B` of the ansatz (S17), :math:`\alpha_\ell = \sqrt{n_0}[A\sin(k_0\ell) + B\cos(k_0\ell)]`.

    ``alpha`` are the amplitudes of sites ℓ = 1..N (pgrid order) at one instant; the
    global phase is fixed by making A real and positive.  Returns complex (A, B) in
    units of :math:`\sqrt{n_0}`.
    """
    alpha = np.asarray(alpha, complex) / np.sqrt(n0)
    ell = np.arange(1, alpha.size + 1)
    design = np.stack([np.sin(k0 * ell), np.cos(k0 * ell)], axis=1).astype(complex)
    (a, b), *_ = np.linalg.lstsq(design, alpha, rcond=None)
    phase = np.exp(-1j * np.angle(a)) if abs(a) > 0 else 1.0
    return a * phase, b * phase


def s32_amplitudes(gain, loss, kappa, g=1.0):
    r"""Eq. (S32), deep in the symmetry-broken phase: :math:`|A|^2` (units of :math:`n_0`) and :math:`B/A`.

    :math:`|A|^2 \simeq \sqrt{\Gamma_i/(\kappa + g^2/\Gamma_e)} - 1`,
    :math:`B \simeq -i\frac{g}{\Gamma_e}A`.  The paper never defines κ; the book
    determines it from the numerics.
    """
    return np.sqrt(gain / (kappa + g**2 / loss)) - 1, -1j * g / loss


def s33_current(gain, loss, kappa, g=1.0, n0=1.0):
    r"""Eq. (S33): :math:`\langle J\rangle \simeq \frac{g^2 n_0}{\Gamma_e}
    \left(\sqrt{\frac{\Gamma_i}{\kappa + g^2/\Gamma_e}} - 1\right)` for :math:`\Gamma_e > \Gamma_i`, deep in the broken phase."""
    return g**2 * n0 / loss * (np.sqrt(gain / (kappa + g**2 / loss)) - 1)


def s36_transition(gain, gamma, g=1.0):
    r"""Eq. (S36): :math:`\Gamma_e^* = \Gamma_i\frac{g-\gamma}{g+\gamma}` (damping only at the ends)."""
    return gain * (g - gamma) / (g + gamma)


def s40_amplitudes(gain, loss, gamma, n_sites, g=1.0):
    r"""Eq. (S40), all sites damped: :math:`|A|^2` (units of :math:`n_0`) and :math:`B/A`.

    :math:`|A|^2 = \sqrt{\frac{2(\Gamma_i-\Gamma_e)}{\gamma(N+1)}} - 1`,
    :math:`B = -i\frac{\gamma}{2g}\frac{\Gamma_e(N-1)+2\Gamma_i}{\Gamma_i-\Gamma_e}A`.
    """
    a2 = np.sqrt(2 * (gain - loss) / (gamma * (n_sites + 1))) - 1
    return a2, -1j * gamma / (2 * g) * (loss * (n_sites - 1) + 2 * gain) / (gain - loss)


def s41_current(gain, loss, gamma, n_sites, n0=1.0):
    r"""Eq. (S41): symmetric-phase current with every site damped.

    :math:`\langle J\rangle = n_0\frac{\gamma}{2}\frac{\Gamma_e(N-1)+2\Gamma_i}{\Gamma_i-\Gamma_e}
    \left(\sqrt{\frac{2(\Gamma_i-\Gamma_e)}{\gamma(N+1)}} - 1\right)`.

    Derived for N odd, "a good approximation for N even, N > 2"; for
    :math:`\Gamma_e < \Gamma_i`, :math:`\gamma N \ll g`.  It is the current
    delivered into the extraction site (last bond): with γ > 0 the current
    decreases along the chain.
    """
    return (
        n0
        * gamma
        / 2
        * (loss * (n_sites - 1) + 2 * gain)
        / (gain - loss)
        * (np.sqrt(2 * (gain - loss) / (gamma * (n_sites + 1))) - 1)
    )


def s43_symmetric_existence(gain, gamma, n_modes):
    r"""Eq. (S43): a symmetric state can exist only for :math:`\Gamma_e < \Gamma_i - \gamma\mathcal{N}`; returns that bound."""
    return gain - gamma * n_modes


def s44_transition(gain, gamma, n_sites, g=1.0):
    r"""Eq. (S44): :math:`\Gamma_e^* = \frac{2\Gamma_i(g-\gamma)}{2g+\gamma(N-1)}` (all sites damped)."""
    return 2 * gain * (g - gamma) / (2 * g + gamma * (n_sites - 1))


def s45_current_std(n_th, g=1.0, quantum=True):
    r"""Eq. (S45): equilibrium current fluctuations of two oscillators.

    Operator (quantum) value :math:`\Delta J = \frac{g}{2}\sqrt{2(N_{\rm th}^2 + N_{\rm th})}`;
    with ``quantum=False`` the P-function (normally ordered) spread
    :math:`g N_{\rm th}/\sqrt2`, which is what the SDE samples.
    """
    n = np.asarray(n_th, float)
    return g / 2 * np.sqrt(2 * (n**2 + n)) if quantum else g * n / np.sqrt(2)


def s47_occupation(gain, loss, gamma, n_th, n0=1.0):
    r"""Eq. (S47): :math:`\langle|\alpha_1|^2\rangle \approx n_0\sqrt{\frac{\Gamma_i-\Gamma_e}{2\gamma}
    + (\frac{N_{\rm th}}{2n_0})^2} + \frac{N_{\rm th}}{2}` (N = 2, symmetric phase, absolute occupation)."""
    return n0 * np.sqrt((gain - loss) / (2 * gamma) + (n_th / (2 * n0)) ** 2) + n_th / 2


def s48_current(gain, loss, gamma, n_th, n0=1.0):
    r"""Eq. (S48): :math:`\langle J\rangle \approx n_0\gamma\frac{\Gamma_i+\Gamma_e}{\Gamma_i-\Gamma_e}
    \left(\sqrt{\frac{\Gamma_i-\Gamma_e}{2\gamma}} + \frac{N_{\rm th}}{n_0}\right)` (N = 2, symmetric phase)."""
    return (
        n0
        * gamma
        * (gain + loss)
        / (gain - loss)
        * (np.sqrt((gain - loss) / (2 * gamma)) + n_th / n0)
    )


def s51_occupation_variance(gain, loss, gamma, n_th, n0=1.0):
    r"""Eq. (S51): :math:`{\rm Var}(|\alpha_\ell|^2) \approx N_{\rm th}\langle|\alpha_\ell|^2\rangle`
    (absolute units; symmetric phase, N = 2)."""
    return n_th * s47_occupation(gain, loss, gamma, n_th, n0)


def s52_current_variance(gain, loss, gamma, n_th, g=1.0, n0=1.0):
    r"""Eq. (S52): :math:`{\rm Var}(J) \approx g^2(2N_{\rm th}\langle|\alpha_1|^2\rangle + N_{\rm th}^2)`
    (absolute units; symmetric phase)."""
    return g**2 * (2 * n_th * s47_occupation(gain, loss, gamma, n_th, n0) + n_th**2)


def s53_current_variance(gain, loss, gamma, n_th, g=1.0, n0=1.0):
    r"""Eq. (S53): linearised current variance in the symmetry-broken phase (:math:`\Gamma_e > \Gamma_i`, γ → 0).

    Returns :math:`{\rm Var}(J)` in absolute units (the paper's left side is
    :math:`{\rm Var}/n_0^2` while the right side carries :math:`N_{\rm th}`
    rather than :math:`N_{\rm th}/n_0`; we multiply by :math:`n_0^2` and keep
    :math:`N_{\rm th}` as printed; the book checks which reading fits).
    """
    s = np.sqrt(gain * loss)
    num = (s - g) * (g**2 * (4 * g - 5 * s) + loss * (loss * s + 2 * gain * g))
    den = loss * (s - 2 * g) * (loss**2 * s + g**2 * (4 * g - 3 * s))
    return n0**2 * gamma * n_th * g**2 * num / den


def s54_current_variance(gain, loss, gamma, n_th, g=1.0, n0=1.0):
    r"""Eq. (S54), deep in the broken phase: :math:`{\rm Var}(J) \approx n_0^2\gamma N_{\rm th} g^2/\Gamma_e`
    (same unit caveat as :func:`s53_current_variance`)."""
    return n0**2 * gamma * n_th * g**2 / loss


def s54_relative_noise(gain, loss, gamma, n_th, g=1.0):
    r"""Eq. (S54): :math:`\Delta J/J \approx \sqrt{\gamma N_{\rm th}(\gamma\Gamma_e + g^2)/(g^2\Gamma_i)}`."""
    return np.sqrt(gamma * n_th * (gamma * loss + g**2) / (g**2 * gain))


# -- corrections: the supplement's N = 2 thermal-noise results re-derived ------------------
# Derivations (sympy) and the comparison with the SDE are in the book's chapter "Current
# fluctuations in the thermal regime", section "The supplement's two-oscillator formulas".


def s48_current_corrected(gain, loss, gamma, n_th, n0=1.0, occupation=None):
    r"""Corrected Eq. (S48): symmetric-phase mean current of two oscillators with thermal noise.

    The exact balances at the two sites (Itô),
    :math:`\langle J\rangle = \langle\Gamma_e(\alpha_2)|\alpha_2|^2\rangle + \gamma(\langle n_2\rangle - N_{\rm th})`
    and :math:`\langle J\rangle = \langle\Gamma_i(\alpha_1)|\alpha_1|^2\rangle - \gamma(\langle n_1\rangle - N_{\rm th})`
    (the gain noise's Itô term :math:`\langle\Gamma_i(\alpha_1)\rangle` dropped, as in S46), together
    with the mirror symmetry of the symmetric phase, :math:`P_1 = P_2` (so
    :math:`\langle\Gamma_i(\alpha_1)n_1\rangle/\Gamma_i = \langle\Gamma_e(\alpha_2)n_2\rangle/\Gamma_e`), give

    .. math::

        \langle J\rangle = \gamma\,\frac{\Gamma_i+\Gamma_e}{\Gamma_i-\Gamma_e}\,
            \big(\langle|\alpha_1|^2\rangle - N_{\rm th}\big)
        \approx n_0\gamma\frac{\Gamma_i+\Gamma_e}{\Gamma_i-\Gamma_e}
            \Big(\sqrt{\tfrac{\Gamma_i-\Gamma_e}{2\gamma}} - \tfrac{N_{\rm th}}{2n_0}\Big),

    with no closure approximation beyond the symmetry: the thermal occupation carries no
    current (S48 has :math:`+N_{\rm th}/n_0` instead).  ``occupation`` is
    :math:`\langle|\alpha_1|^2\rangle` (absolute); by default Eq. (S47).  For
    :math:`N_{\rm th} = 0` and the exact occupation of Eq. (S24) this is Eq. (S25).
    """
    occ = (
        s47_occupation(gain, loss, gamma, n_th, n0)
        if occupation is None
        else np.asarray(occupation, float)
    )
    return gamma * (gain + loss) / (gain - loss) * (occ - n_th)


def s52_current_variance_corrected(gain, loss, gamma, n_th, g=1.0, n0=1.0, occupation=None):
    r"""Corrected Eq. (S52): symmetric-phase current variance (P-function) of two oscillators.

    In the supermodes :math:`b_\pm = (\alpha_1\pm\alpha_2)/\sqrt2` (frequencies split by g)
    the current is :math:`J = g\,{\rm Im}(b_-^*b_+)`; one supermode lases (:math:`b_l`), the
    other (:math:`b_n`) is driven by the thermal noise (:math:`\gamma N_{\rm th}` per unit
    time) and damped by the saturated gain and loss.  Averaged over their fast relative phase
    (rotating-wave approximation, g much larger than every rate) the saturable terms damp
    :math:`b_n` at the amplitude rate :math:`\frac14[(G + nG') - (L + nL')] + \frac\gamma2`
    with :math:`G - L = 2\gamma(1 - N_{\rm th}/\bar n)` (the balance behind Eq. S47); in the
    paper's deep-saturation approximation (S46, :math:`nG' = -2G`) this is
    :math:`-\gamma(1 - N_{\rm th}/2\bar n)`.  Hence

    .. math::

        \langle|b_n|^2\rangle = \frac{N_{\rm th}\,\bar n}{2\bar n - N_{\rm th}}, \qquad
        \langle|b_l|^2\rangle = 2\bar n - \langle|b_n|^2\rangle, \qquad
        {\rm Var}\,J = \frac{g^2}{2}\langle|b_l|^2\rangle\langle|b_n|^2\rangle ,

    with :math:`\bar n = \langle|\alpha_1|^2\rangle` (``occupation``, absolute; default Eq. S47).
    Dimensionally consistent (S52's first line is not), and in thermal equilibrium
    (:math:`\bar n = N_{\rm th}`) it gives :math:`g^2N_{\rm th}^2/2`, Eq. (S45).
    """
    occ = (
        s47_occupation(gain, loss, gamma, n_th, n0)
        if occupation is None
        else np.asarray(occupation, float)
    )
    b_n = n_th * occ / (2 * occ - n_th)
    return 0.5 * g**2 * (2 * occ - b_n) * b_n


def s53_current_variance_corrected(gain, loss, gamma, n_th, g=1.0, n0=1.0, gain_noise=False):
    r"""Corrected Eq. (S53): broken-phase current variance of two oscillators (thermal noise).

    Under the paper's own approximations (:math:`\Gamma_e(\alpha_2)\approx\Gamma_e`, γ → 0 in
    the drift, thermal diffusion :math:`D = \gamma N_{\rm th}` on both sites, gain noise
    dropped) the linearised equations around :math:`\alpha_1 = A`, :math:`\alpha_2 = igA/\Gamma_e`,
    :math:`|A|^2 = n_0(r-1)`, :math:`r = \sqrt{\Gamma_i\Gamma_e}/g`, split into the phase sector
    (Im δα₁, Re δα₂; it holds the zero mode) and the current sector (Re δα₁, Im δα₂), which alone
    carries :math:`\delta J`.  Its 2 x 2 Lyapunov equation gives

    .. math::

        {\rm Var}\,J = \gamma N_{\rm th}\,g^2 n_0\,
        \frac{\Gamma_e^2 r(2r-1) + g^2(2r^2-5r+4)}{2\Gamma_e\,[\Gamma_e^2 r + g^2(3r-4)]} ,

    positive and without the pole of S53 at :math:`\sqrt{\Gamma_i\Gamma_e} = 2g`; it scales as
    :math:`n_0 N_{\rm th}` (S53's right side must read :math:`N_{\rm th}/n_0`).  With
    ``gain_noise=True`` the gain site's own noise :math:`\Gamma_i(\alpha_1) = g^2/\Gamma_e` is added
    to its diffusion (:math:`D_1 = \gamma N_{\rm th} + g^2/\Gamma_e`, :math:`D_2 = \gamma N_{\rm th}`).
    Holds deep in the broken phase, where the loss is unsaturated (:math:`|\alpha_2|^2 \ll n_0`,
    i.e. :math:`\Gamma_e \gtrsim 10\,\Gamma_i` for :math:`\Gamma_i = 4g`); closer to the transition
    use :func:`n2_broken_current_variance`.  Absolute units.
    """
    loss = np.asarray(loss, float)
    r = np.sqrt(np.asarray(gain, float) * loss) / g
    d2 = gamma * n_th
    d1 = d2 + (g**2 / loss if gain_noise else 0.0)
    num = d1 * (loss**2 * r**2 + g**2 * r**2 - g**2 * r) + d2 * (
        loss**2 * r**2 - loss**2 * r + g**2 * r**2 - 4 * g**2 * r + 4 * g**2
    )
    den = 2 * loss * (loss**2 * r + g**2 * (3 * r - 4))
    return g**2 * n0 * num / den


def s54_current_variance_corrected(gain, loss, gamma, n_th, g=1.0, n0=1.0):
    r"""Corrected Eq. (S54): :func:`s53_current_variance_corrected` for :math:`\Gamma_e \gg \Gamma_i`,

    :math:`{\rm Var}\,J \approx \gamma N_{\rm th}\,n_0\big(g\sqrt{\Gamma_i/\Gamma_e} - g^2/2\Gamma_e\big)`:
    larger than S54's :math:`\gamma N_{\rm th} n_0 g^2/\Gamma_e` by about
    :math:`r = \sqrt{\Gamma_i\Gamma_e}/g`, a factor that grows with :math:`\Gamma_e`.  Absolute units.
    """
    return (
        gamma
        * n_th
        * n0
        * (g * np.sqrt(gain / np.asarray(loss, float)) - g**2 / (2 * np.asarray(loss, float)))
    )


def s54_relative_noise_corrected(gain, loss, gamma, n_th, g=1.0, n0=1.0):
    r"""Corrected relative noise of Eq. (S54), deep in the broken phase:
    :math:`\Delta J/\langle J\rangle \approx \sqrt{\gamma N_{\rm th}/(g n_0)}\,(\Gamma_e/\Gamma_i)^{1/4}`
    (with :math:`\langle J\rangle \approx g n_0\sqrt{\Gamma_i/\Gamma_e}`, the γ → 0 limit of S33).
    It grows with :math:`\Gamma_e`; S54's falls."""
    return np.sqrt(gamma * n_th / (g * n0)) * (np.asarray(loss, float) / gain) ** 0.25


def n2_broken_current_variance(gain, loss, gamma, n_th, g=1.0, n0=1.0, gain_noise=True):
    r"""Linear-noise current variance of the two-oscillator broken phase, no approximation dropped.

    The derivation of :func:`s53_current_variance_corrected` with the loss saturation, the bare
    damping γ and (``gain_noise``) the gain site's own noise :math:`\Gamma_i(\alpha_1)` of Eq. (3)
    kept: steady state from the exact Eqs. (S30)–(S31) (:func:`s30_s31_amplitudes`, both
    reservoirs with saturation number ``n0``, ν = 2), current sector
    :math:`(x_1, y_2) = ({\rm Re}\,\delta\alpha_1, {\rm Im}\,\delta\alpha_2)` with drift matrix
    :math:`\begin{pmatrix}a & -g/2\\ g/2 & d\end{pmatrix}`,
    :math:`a = \frac12\Gamma_i(n_1) + n_1\Gamma_i'(n_1) - \frac\gamma2`,
    :math:`d = -\frac12\Gamma_e(n_2) - n_2\Gamma_e'(n_2) - \frac\gamma2`, diffusion
    :math:`D_1 = \gamma N_{\rm th} + \Gamma_i(n_1)`, :math:`D_2 = \gamma N_{\rm th}`, and
    :math:`\delta J = g(\sqrt{n_2}\,x_1 + \sqrt{n_1}\,y_2)`.  Equals the linear part of
    :func:`pgrid.linear_noise` for N = 2 (which adds the second-order Wick term).  Absolute units.
    """
    gain_b, loss_b = np.broadcast_arrays(np.asarray(gain, float), np.asarray(loss, float))
    out = np.full(gain_b.shape, np.nan)
    for idx in np.ndindex(gain_b.shape):
        gi, ge = gain_b[idx], loss_b[idx]
        a2, b2, _ = s30_s31_amplitudes(gi, ge, gamma, g)
        if not np.isfinite(a2):
            continue
        n1, n2 = n0 * a2, n0 * b2
        g0 = gi / (1 + a2) ** 2
        l0 = ge / (1 + b2) ** 2
        a = 0.5 * g0 - 2 * g0 * a2 / (1 + a2) - 0.5 * gamma
        d = -0.5 * l0 + 2 * l0 * b2 / (1 + b2) - 0.5 * gamma
        d1 = gamma * n_th + (g0 if gain_noise else 0.0)
        d2 = gamma * n_th
        h = 0.5 * g
        # M C + C M^T + Q = 0 for M = [[a, -h], [h, d]], unknowns C11, C12, C22
        lhs = np.array([[2 * a, -2 * h, 0.0], [h, a + d, -h], [0.0, 2 * h, 2 * d]])
        c11, c12, c22 = np.linalg.solve(lhs, [-0.5 * d1, 0.0, -0.5 * d2])
        out[idx] = g**2 * (n2 * c11 + 2 * np.sqrt(n1 * n2) * c12 + n1 * c22)
    return out if out.ndim else float(out)


def stalled_region(gain, loss, g=1.0):
    r"""The 'stalled' region of the linear chain (supplement, "Linear chain"):
    :math:`\Gamma_i < g` and :math:`\Gamma_i \le \Gamma_e < g^2/\Gamma_i`."""
    gain = np.asarray(gain, float)
    loss = np.asarray(loss, float)
    with np.errstate(divide="ignore"):
        return (gain < g) & (gain <= loss) & (loss < g**2 / gain)


def transition_shift_n0(loss, n0_gain, n0_loss):
    r"""Shifted transition for different saturation numbers (supplement, Figs. S9/S10):
    :math:`\Gamma_i = \Gamma_e (n_0^{(N)}/n_0^{(1)})^2`."""
    return loss * (n0_loss / n0_gain) ** 2
