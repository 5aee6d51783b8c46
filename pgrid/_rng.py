r"""Per-stream random numbers for numba kernels: xoshiro256++ and two normal samplers.

Each trajectory (or parameter point) owns a 4-word xoshiro256++ state seeded
from ``(seed, stream index)`` through splitmix64, so a stream's numbers never
depend on which thread runs it.  The state lives in four local ``uint64``
scalars inside the kernels (functions return the updated state), which lets
LLVM keep it in registers.

Two ways to turn one 64-bit draw into two standard normals:

* ``normal_pair``: a 256-layer ziggurat (Marsaglia & Tsang 2000).  Each 32-bit
  half gives an 8-bit layer index and a separate 24-bit signed magnitude, so the
  layer index is not correlated with the magnitude.  The fast path is taken
  98.5% of the time.  Fastest in scalar code (the deterministic solver's weak
  initial noise), but its table look-ups and rejections do not vectorise.
* ``box_muller``: branch-free and table-free, so a loop drawing for many
  trajectories at once runs in SIMD lanes (the SDE kernel: 3.1 ns per pair on
  the development machine, against 5.7 ns for the scalar ziggurat).  The
  radius :math:`\sqrt{-2\ln u_1}` uses 32 bits,
  :math:`u_1 = (k + 1/2)\,2^{-32}`, so :math:`|z| \le 6.8` (a pair beyond
  that radius has probability :math:`2^{-33}`); the angle uses the other 32:
  3 bits pick one of the 8 symmetries of the square and 29 bits a uniform
  angle in :math:`[0, \pi/4)`.  ``log``, ``sin`` and ``cos`` are polynomials
  written here (LLVM vectorises them; libm calls it does not); the normals
  agree with the same formula in libm to 1e-15.

Seeding (the one scheme of pgrid)
---------------------------------
A user gives one non-negative integer ``seed``; everything random follows from it and
from the index of the thing being randomised, never from the thread or executor:

* kernel streams — stream ``k`` of ``seed`` (:func:`seed_state`): trajectory k of
  :func:`pgrid.simulate` (its thermal start and all its noise; a run continued with
  ``init=ens`` uses stream ``k + segment * 2**40``), point k of a :func:`pgrid.steady_state`
  batch (weak noise);
* NumPy draws made before a kernel runs (the random initial amplitudes of
  :func:`pgrid.steady_state`, drawn point after point) come from :func:`numpy_generator`
  ``(seed, purpose)``, a ``SeedSequence([seed, purpose])`` with one fixed tag per purpose
  (:data:`INIT_RANDOM`, :data:`INIT_PERTURB`), so they never coincide with the kernel streams;
* the random kick that tests a non-stationary outcome of a steady_state point: stream
  ``KICK_STREAM`` of ``seed``, the same for every point (a point kicks alike in any batch);
* a sweep gives its point at flat index i the seed :func:`pgrid.sweeps.point_seed`
  ``(seed, i)`` (a spawned ``SeedSequence``), which the point then uses as above.
"""

import math

import numpy as np
from llvmlite import ir
from numba import int64, njit, types, uint64
from numba.extending import intrinsic

#: :func:`numpy_generator` purpose: random initial amplitudes of steady_state.
INIT_RANDOM = 11
#: :func:`numpy_generator` purpose: the symmetry-breaking perturbation of steady_state's starts.
INIT_PERTURB = 12
#: The kernel stream of steady_state's random kicks (the same for every point of a batch).
KICK_STREAM = 1 << 62


def numpy_generator(seed: int, purpose: int) -> np.random.Generator:
    """The NumPy generator of ``seed`` for one purpose (:data:`INIT_RANDOM`)."""
    return np.random.Generator(np.random.PCG64(np.random.SeedSequence([int(seed), int(purpose)])))


_LAYERS = 256
_R = 3.6541528853610088
_V = 0.00492867323399
_HALF = 1 << 23


def _ziggurat_tables():
    m = float(_HALF)
    dn = tn = _R
    kn = np.zeros(_LAYERS, np.int64)
    wn = np.zeros(_LAYERS)
    fn = np.zeros(_LAYERS)
    q = _V / math.exp(-0.5 * dn * dn)
    kn[0] = int((dn / q) * m)
    wn[0] = q / m
    wn[-1] = dn / m
    fn[0] = 1.0
    fn[-1] = math.exp(-0.5 * dn * dn)
    for i in range(_LAYERS - 2, 0, -1):
        dn = math.sqrt(-2.0 * math.log(_V / dn + math.exp(-0.5 * dn * dn)))
        kn[i + 1] = int((dn / tn) * m)
        tn = dn
        fn[i] = math.exp(-0.5 * dn * dn)
        wn[i] = dn / m
    return kn, wn, fn


ZIG_K, ZIG_W, ZIG_F = _ziggurat_tables()


@njit(cache=True)
def _rotl(x, k):
    return (x << uint64(k)) | (x >> uint64(64 - k))


@njit(cache=True)
def _splitmix(x):
    x = x + uint64(0x9E3779B97F4A7C15)
    z = x
    z = (z ^ (z >> uint64(30))) * uint64(0xBF58476D1CE4E5B9)
    z = (z ^ (z >> uint64(27))) * uint64(0x94D049BB133111EB)
    return x, z ^ (z >> uint64(31))


@njit(cache=True)
def seed_state(seed, stream):
    """xoshiro256++ state (4 uint64) for stream number ``stream`` of ``seed``."""
    x, h = _splitmix(uint64(seed))
    x = h ^ (uint64(stream) * uint64(0xD1B54A32D192ED03))
    x, s0 = _splitmix(x)
    x, s1 = _splitmix(x)
    x, s2 = _splitmix(x)
    x, s3 = _splitmix(x)
    if s0 == 0 and s1 == 0 and s2 == 0 and s3 == 0:
        s0 = uint64(1)
    return s0, s1, s2, s3


@njit(cache=True)
def next_u64(s0, s1, s2, s3):
    """One xoshiro256++ output and the new state: ``(u, s0, s1, s2, s3)``."""
    result = _rotl(s0 + s3, 23) + s0
    t = s1 << uint64(17)
    s2 ^= s0
    s3 ^= s1
    s1 ^= s2
    s0 ^= s3
    s2 ^= t
    s3 = _rotl(s3, 45)
    return result, s0, s1, s2, s3


@njit(cache=True)
def uniform(s0, s1, s2, s3):
    """A double in (0, 1) and the new state."""
    u, s0, s1, s2, s3 = next_u64(s0, s1, s2, s3)
    return ((u >> uint64(11)) + 0.5) * (1.0 / 9007199254740992.0), s0, s1, s2, s3


@njit(cache=True)
def _zig_slow(bits, s0, s1, s2, s3, kn, wn, fn):
    # slow path for a 32-bit chunk ``bits`` that failed the fast test
    while True:
        iz = bits & 255
        hz = (bits >> 8) - 8388608
        x = hz * wn[iz]
        if iz == 0:
            while True:
                u1, s0, s1, s2, s3 = uniform(s0, s1, s2, s3)
                u2, s0, s1, s2, s3 = uniform(s0, s1, s2, s3)
                xx = -math.log(u1) / 3.6541528853610088
                yy = -math.log(u2)
                if yy + yy >= xx * xx:
                    break
            z = 3.6541528853610088 + xx
            return (z if hz > 0 else -z), s0, s1, s2, s3
        u1, s0, s1, s2, s3 = uniform(s0, s1, s2, s3)
        if fn[iz] + u1 * (fn[iz - 1] - fn[iz]) < math.exp(-0.5 * x * x):
            return x, s0, s1, s2, s3
        u, s0, s1, s2, s3 = next_u64(s0, s1, s2, s3)
        bits = int64(u >> uint64(32))
        iz = bits & 255
        hz = (bits >> 8) - 8388608
        if abs(hz) < kn[iz]:
            return hz * wn[iz], s0, s1, s2, s3


@njit(cache=True)
def normal_pair(s0, s1, s2, s3, kn, wn, fn):
    """Two independent standard normals from one 64-bit draw: ``(z1, z2, s0, s1, s2, s3)``."""
    u, s0, s1, s2, s3 = next_u64(s0, s1, s2, s3)
    b1 = int64(u >> uint64(32))
    b2 = int64(u & uint64(0xFFFFFFFF))
    iz = b1 & 255
    hz = (b1 >> 8) - 8388608
    if abs(hz) < kn[iz]:
        z1 = hz * wn[iz]
    else:
        z1, s0, s1, s2, s3 = _zig_slow(b1, s0, s1, s2, s3, kn, wn, fn)
    iz = b2 & 255
    hz = (b2 >> 8) - 8388608
    if abs(hz) < kn[iz]:
        z2 = hz * wn[iz]
    else:
        z2, s0, s1, s2, s3 = _zig_slow(b2, s0, s1, s2, s3, kn, wn, fn)
    return z1, z2, s0, s1, s2, s3


# ---------------------------------------------------------------------------
# Box-Muller for SIMD loops
# ---------------------------------------------------------------------------

_VEC = dict(fastmath={"contract", "arcp", "nsz"}, error_model="numpy", inline="always", cache=True)


@intrinsic
def _f64_from_bits(typingctx, x):
    """Reinterpret the 64 bits of a uint64 as a float64 (no conversion)."""
    if x != types.uint64:
        return None

    def codegen(context, builder, sig, args):
        return builder.bitcast(args[0], ir.DoubleType())

    return types.float64(types.uint64), codegen


@intrinsic
def _bits_from_f64(typingctx, x):
    """Reinterpret the 64 bits of a float64 as a uint64."""
    if x != types.float64:
        return None

    def codegen(context, builder, sig, args):
        return builder.bitcast(args[0], ir.IntType(64))

    return types.uint64(types.float64), codegen


@njit(**_VEC)
def _log_positive(x):
    """Natural log of a positive, normal float64 (branch-free; ~1 ulp).

    x = 2^e m with m in [1/sqrt2, sqrt2); ln m = 2 atanh(s), s = (m-1)/(m+1),
    |s| <= 0.172, summed to s^19 (truncation error below 2e-16 |ln m|).
    """
    bits = _bits_from_f64(x)
    e = int64(bits >> uint64(52)) - 1023
    m = _f64_from_bits((bits & uint64(0x000FFFFFFFFFFFFF)) | uint64(0x3FF0000000000000))
    big = m > 1.4142135623730951
    m = 0.5 * m if big else m
    e = e + 1 if big else e
    s = (m - 1.0) / (m + 1.0)
    s2 = s * s
    p = 1.0 / 19.0
    p = p * s2 + 1.0 / 17.0
    p = p * s2 + 1.0 / 15.0
    p = p * s2 + 1.0 / 13.0
    p = p * s2 + 1.0 / 11.0
    p = p * s2 + 1.0 / 9.0
    p = p * s2 + 1.0 / 7.0
    p = p * s2 + 1.0 / 5.0
    p = p * s2 + 1.0 / 3.0
    p = p * s2 + 1.0
    return e * 0.6931471805599453 + 2.0 * s * p


@njit(**_VEC)
def box_muller(u):
    """Two independent standard normals from one 64-bit draw ``u`` (no state, no branches)."""
    k = int64(u >> uint64(32))
    r = math.sqrt(-2.0 * _log_positive((k + 0.5) * (1.0 / 4294967296.0)))
    x = (int64(u & uint64(0x1FFFFFFF)) + 0.5) * (0.7853981633974483 / 536870912.0)
    x2 = x * x
    sn = -1.0 / 1307674368000.0  # Taylor to x^17 / x^16: error < 5e-17 on [0, pi/4)
    sn = sn * x2 + 1.0 / 6227020800.0
    sn = sn * x2 - 1.0 / 39916800.0
    sn = sn * x2 + 1.0 / 362880.0
    sn = sn * x2 - 1.0 / 5040.0
    sn = sn * x2 + 1.0 / 120.0
    sn = sn * x2 - 1.0 / 6.0
    sn = x + x * x2 * sn
    cs = 1.0 / 20922789888000.0
    cs = cs * x2 - 1.0 / 87178291200.0
    cs = cs * x2 + 1.0 / 479001600.0
    cs = cs * x2 - 1.0 / 3628800.0
    cs = cs * x2 + 1.0 / 40320.0
    cs = cs * x2 - 1.0 / 720.0
    cs = cs * x2 + 1.0 / 24.0
    cs = cs * x2 - 0.5
    cs = 1.0 + x2 * cs
    # bits 29-31: swap cos/sin, then flip either sign -> the angle is uniform on the circle
    swap = (u & uint64(0x20000000)) != 0
    z1 = sn if swap else cs
    z2 = cs if swap else sn
    z1 = -z1 if (u & uint64(0x40000000)) != 0 else z1
    z2 = -z2 if (u & uint64(0x80000000)) != 0 else z2
    return r * z1, r * z2


@njit(cache=True)
def _fill_normals_bm(seed, stream, out):
    s0, s1, s2, s3 = seed_state(seed, stream)
    for i in range(0, out.size - 1, 2):
        u, s0, s1, s2, s3 = next_u64(s0, s1, s2, s3)
        out[i], out[i + 1] = box_muller(u)


@njit(cache=True)
def _fill_normals(seed, stream, out, kn, wn, fn):
    s0, s1, s2, s3 = seed_state(seed, stream)
    for i in range(0, out.size - 1, 2):
        out[i], out[i + 1], s0, s1, s2, s3 = normal_pair(s0, s1, s2, s3, kn, wn, fn)


def normals(seed, stream, size, method="ziggurat"):
    """``size`` standard normals of stream ``stream`` of ``seed`` (for tests and checks).

    ``method`` is ``"ziggurat"`` (:func:`normal_pair`, the deterministic solver's)
    or ``"box-muller"`` (:func:`box_muller`, the SDE kernel's).
    """
    out = np.empty(size + (size % 2))
    if method == "ziggurat":
        _fill_normals(np.uint64(seed), np.uint64(stream), out, ZIG_K, ZIG_W, ZIG_F)
    elif method == "box-muller":
        _fill_normals_bm(np.uint64(seed), np.uint64(stream), out)
    else:
        raise ValueError(f"`method` must be 'ziggurat' or 'box-muller', got {method!r}.")
    return out[:size]
