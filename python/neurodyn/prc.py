"""Phase response curves and Poincare sections (analysis/prc, analysis/poincare; docs/prc.md,
docs/poincare.md)."""
import numpy as np

from ._ffi import ffi, lib, check, new_error
from .model import as_array

_METHODS = {"adjoint": 1, "direct": 2, "both": 3}
_DIRS = {"up": 1, "down": -1, "both": 0}


def prc(m, method="adjoint", var=None, phases=200, direct_phases=40, eps=1e-4, ntst=160, ncol=6,
        transient=0.0, t_max=0.0, params=None, init=None):
    """The infinitesimal PRC of the stable limit cycle m settles on, as `neurodyn prc`.

    Z is the phase shift IN TIME per unit kick of each variable (Z . f = 1, advance positive);
    theta in [0, 1) counts from the upward crossing of the middle of the first variable's range.
    method "adjoint", "direct" or "both"; var: the variable kicked by the direct method (None:
    every one). Returns a dict: "period", "floquet_max", "normalisation_deviation", and for each
    method computed "adjoint" / "direct": {"theta": array, "x": array (phases x n_vars, the
    cycle), "z": array (phases x n_vars)}. Raises NeurodynError without a stable cycle."""
    if method not in _METHODS:
        raise ValueError(f"method {method!r}: use adjoint, direct or both")
    p = m._params_copy(params)
    x0 = m._state_copy(init)
    o = ffi.new("nd_prc_opts *")
    lib.nd_prc_opts_init(o)
    o.method = _METHODS[method]
    o.n_phases, o.n_direct, o.eps = int(phases), int(direct_phases), float(eps)
    o.ntst, o.ncol, o.transient, o.t_max = int(ntst), int(ncol), float(transient), float(t_max)
    o.var = -1 if var is None else m.var_index(var)
    o.x0 = x0
    r = ffi.new("nd_prc *")
    err = new_error()
    check(lib.nd_prc_compute(m._m, p, o, r, err), err)
    try:
        n = r.n_vars
        out = {"period": r.period, "floquet_max": r.mu_max, "normalisation_deviation": r.norm_dev}
        if r.n:
            out["adjoint"] = {"theta": as_array(r.theta, r.n), "x": as_array(r.x, r.n * n).reshape(r.n, n),
                              "z": as_array(r.z, r.n * n).reshape(r.n, n)}
        if r.n_direct:
            k = r.n_direct
            out["direct"] = {"theta": as_array(r.theta_direct, k), "x": as_array(r.x_direct, k * n).reshape(k, n),
                             "z": as_array(r.z_direct, k * n).reshape(k, n), "periods": r.periods}
        return out
    finally:
        lib.nd_prc_free(r)


def poincare(m, section, level=0.0, direction="up", t1=1000.0, transient=None, max_crossings=0, params=None,
             init=None):
    """Crossings of the section `section` = level, as `neurodyn poincare`: a dict with "t" (array),
    "x" (crossings x n_vars), "direction" (array of +1 / -1) and "return_times" (t[k+1] - t[k])."""
    if direction not in _DIRS:
        raise ValueError(f"direction {direction!r}: use up, down or both")
    p = m._params_copy(params)
    x0 = m._state_copy(init)
    o = ffi.new("nd_poincare_opts *")
    lib.nd_poincare_opts_init(o)
    o.var, o.level, o.dir = m.var_index(section), float(level), _DIRS[direction]
    o.t1 = float(t1)
    o.transient = float(t1) / 10 if transient is None else float(transient)
    o.max_crossings = int(max_crossings)
    o.x0 = x0
    r = ffi.new("nd_poincare *")
    err = new_error()
    check(lib.nd_poincare_compute(m._m, p, o, r, err), err)
    try:
        t = as_array(r.t, r.n)
        return {"t": t, "x": as_array(r.x, r.n * r.n_vars).reshape(r.n, r.n_vars),
                "direction": as_array(r.dir, r.n, dtype=np.int32), "return_times": np.diff(t)}
    finally:
        lib.nd_poincare_free(r)
