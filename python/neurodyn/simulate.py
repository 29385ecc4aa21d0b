"""Single trajectories (nd_simulate, as `neurodyn simulate`) and parameter sweeps over the
batched ensemble (nd_ensemble_run, as `neurodyn sweep`)."""
import numpy as np

from ._ffi import ffi, lib, check, new_error, NeurodynError
from .model import as_array


def simulate(m, t1, t0=0.0, dt=None, method=None, rtol=None, atol=None, sample=None, init=None,
             params=None, seed=0, noise=0.0, no_spike_rule=False, stats=False):
    """Integrates model m from t0 to t1 (model time units, e.g. ms) from its state.

    method  BrainPy's name ("rkdp" default for ODEs, "euler" for SDEs, or the model's own, an
            .ode file's @ meth; `nd.methods()` lists them); fixed-step methods and stochastic
            runs need dt
    dt      fixed step; for adaptive methods the initial step (None: automatic, or the
            model's own, an .ode file's @ dt)
    rtol, atol  adaptive tolerances (None: 1e-6, 1e-9)
    sample  keep a sample every `sample` time units (None or 0: every step)
    init    {variable: value} overriding the model's state for this run
    params  {parameter: value} overriding the model's parameters for this run
    seed, noise  stochastic runs: Philox seed; additive noise amplitude for an ODE model

    Returns (t, X): t of shape (n,), X of shape (n, n_vars) in model order (m.vars); with
    stats=True, (t, X, stats) where stats is a dict (steps, rejected, rhs_evals, jac_evals,
    events, spikes, t reached) as in `neurodyn simulate --json`. Raises NeurodynError with the
    library's message when the run fails (NaN, step budget, unknown method, ...)."""
    o = ffi.new("nd_solve_opts *")
    lib.nd_solve_opts_init(o)
    keep = []
    if method is None and m._m.method != ffi.NULL:  # the model's own choice (an .ode file's @ meth, dt)
        method = ffi.string(m._m.method).decode()
        if dt is None and m._m.dt > 0:
            dt = float(m._m.dt)
    elif dt is None and m._m.dt > 0 and method is None:
        dt = float(m._m.dt)
    if method is not None:
        keep.append(ffi.new("char[]", method.encode()))
        o.method = keep[-1]
        _check_method(m, method, dt, noise)
    elif dt is None and (m._m.noise != 0 or noise):
        raise NeurodynError("stochastic runs are fixed-step: give dt", 1)
    o.dt = 0.0 if dt is None else float(dt)
    o.dt_out = 0.0 if sample is None else float(sample)
    if rtol is not None:
        o.rtol = float(rtol)
    if atol is not None:
        o.atol = float(atol)
    o.seed, o.noise, o.no_spike_rule = int(seed), float(noise), int(bool(no_spike_rule))
    p = m._params_copy(params)
    x0 = m._state_copy(init)
    traj = ffi.new("nd_trajectory *")
    err = new_error()
    status = lib.nd_simulate(m._m, p, x0, float(t0), float(t1), o, traj, err)
    try:
        check(status, err)
        n, nv = traj.n, traj.n_vars
        t = as_array(traj.t, n)
        X = as_array(traj.x, n * nv).reshape(n, nv)
        st = traj.stats
        info = {"steps": st.steps, "rejected": st.rejected, "rhs_evals": st.rhs_evals,
                "jac_evals": st.jac_evals, "events": st.events, "spikes": st.spikes, "t": st.t}
    finally:
        lib.nd_trajectory_free(traj)
    return (t, X, info) if stats else (t, X)


def _check_method(m, method, dt, noise):
    """As the CLI: a fixed-step ODE method needs dt (the library would otherwise refuse it
    deeper down with a less direct message)."""
    if m._m.noise != 0 or noise:
        if dt is None:
            raise NeurodynError("stochastic runs are fixed-step: give dt", 1)
        return
    err = new_error()
    meth = lib.nd_method_find(method.encode(), err)
    if meth == ffi.NULL:
        check(err.code or 1, err)
    if not meth.adaptive and meth.kind != 2 and dt is None:  # 2: ND_METHOD_GSL
        raise NeurodynError(f"method {method} is fixed-step: give dt", 1)


_EXTREMA = {"none": 0, "max": 1, "min": 2, "both": 3}


def sweep(m, par, lo, hi, n, t1=200.0, dt=0.01, method=None, transient=None, var=None, level=None,
          par2=None, lo2=None, hi2=None, n2=None, extrema=None, max_extrema=100, device="auto",
          lyapunov=False, init=None, params=None):
    """Attractors over a parameter grid from one batched ensemble, as `neurodyn sweep`.

    par, lo, hi, n     the parameter and its n grid values lo..hi (n = 1: lo only)
    par2, lo2, hi2, n2 optional second parameter (a two-parameter map); the first runs fastest
    t1, dt, method     integration over [0, t1] (method None: rk4 with fixed step dt)
    transient          max/min, events and extrema use t >= transient (None: t1 / 2)
    var, level         the section: upward crossings of variable `var` (None: the first)
                       through `level` (None: the middle of its box, else 0)
    extrema            "max", "min", "both" or "none" (None: "max" for one parameter, else
                       "none"): local extrema of var, the first max_extrema of each kind
    device             "auto", "cpu" or "cuda"; lyapunov: also the largest Lyapunov exponent

    Returns a dict of numpy arrays, one entry per grid point (length N = n * n2):
      par (and par2): the grid values, "max"/"min": {variable: array}, "period" (NaN with
      fewer than two crossings), "events" (int), "ok" (bool), "lyapunov" when asked;
      "maxima"/"minima": arrays (N, max_extrema), NaN past the count, with "n_maxima"/
      "n_minima" (all found, may exceed max_extrema); and "variable", "level", "device"."""
    names = [par] + ([par2] if par2 is not None else [])
    idx = [m.par_index(name) for name in names]
    if len(idx) == 2 and idx[0] == idx[1]:
        raise NeurodynError(f"the two parameters name the same parameter {par}", 1)
    grids = [_grid(lo, hi, n)] + ([_grid(lo2, hi2, n2)] if par2 is not None else [])
    N = len(grids[0]) * (len(grids[1]) if len(grids) == 2 else 1)
    vi = m.var_index(var) if var is not None else 0
    if level is None:
        box = m.box
        level = 0.5 * sum(box[m.vars[vi]]) if box else 0.0
    if extrema is None:
        extrema = "max" if len(names) == 1 else "none"
    if extrema not in _EXTREMA:
        raise NeurodynError(f"extrema '{extrema}' is not one of max, min, both, none", 1)

    p, x = m._params_copy(params), m._state_copy(init)
    npar, nv = len(m.param_names), m.n_vars
    P = np.repeat(np.array([p[k] for k in range(max(1, npar))])[:, None], N, axis=1)
    X = np.repeat(np.array([x[v] for v in range(nv)])[:, None], N, axis=1)
    g1 = np.tile(grids[0], N // len(grids[0]))
    P[idx[0]] = g1
    if len(idx) == 2:
        P[idx[1]] = np.repeat(grids[1], len(grids[0]))
    P, X = np.ascontiguousarray(P), np.ascontiguousarray(X)

    o = ffi.new("nd_ensemble_opts *")
    lib.nd_ensemble_opts_init(o)
    keep = []
    if method is not None:
        keep.append(ffi.new("char[]", method.encode()))
        o.method = keep[-1]
    o.t1, o.dt = float(t1), float(dt)
    o.transient = float(t1) / 2 if transient is None else float(transient)
    o.event_var, o.event_level = vi, float(level)
    o.extrema, o.max_extrema = _EXTREMA[extrema], int(max_extrema)
    dev = ffi.new("int *")
    err = new_error()
    check(lib.nd_device_parse(device.encode(), dev, err), err)
    o.device = dev[0]

    Pc = ffi.from_buffer("double[]", P)
    Xc = ffi.from_buffer("double[]", X)
    res = ffi.new("nd_ensemble_result *")
    status = lib.nd_ensemble_run(m._m, N, Pc, npar * N, Xc, nv * N, o, res, err)
    try:
        check(status, err)
        out = _sweep_result(m, res, N, names, [P[i] for i in idx])
    finally:
        lib.nd_ensemble_result_free(res)
    out.update(variable=m.vars[vi], level=float(level))
    if lyapunov:
        lam = np.empty(N)
        lo_ = ffi.new("nd_ensemble_opts *", o[0])
        lo_.method, lo_.extrema = ffi.NULL, 0
        check(lib.nd_ensemble_lyapunov(m._m, N, Pc, npar * N, Xc, nv * N, lo_, 10,
                                       ffi.from_buffer("double[]", lam), err), err)
        out["lyapunov"] = lam
    return out


def _grid(lo, hi, n):
    n = int(n)
    if n < 1:
        raise NeurodynError(f"a grid needs at least one value, not {n}", 1)
    return np.array([lo + (hi - lo) * i / (n - 1) if n > 1 else lo for i in range(n)], dtype=float)


def _sweep_result(m, res, N, names, grids):
    nv = m.n_vars
    out = {name: np.array(g) for name, g in zip(names, grids)}
    if res.x_max != ffi.NULL:
        xmax = as_array(res.x_max, nv * N).reshape(nv, N)
        xmin = as_array(res.x_min, nv * N).reshape(nv, N)
        out["max"] = {v: xmax[i] for i, v in enumerate(m.vars)}
        out["min"] = {v: xmin[i] for i, v in enumerate(m.vars)}
    out["period"] = as_array(res.period, N)
    out["events"] = as_array(res.events, N, np.int64)
    out["ok"] = as_array(res.status, N, np.int32) == 0
    out["final"] = {v: row for v, row in zip(m.vars, as_array(res.x, nv * N).reshape(nv, N))}
    out["device"] = "cuda" if res.device == 2 else "cpu"
    K = res.max_extrema
    for kind, count, vals in (("maxima", res.n_maxima, res.maxima), ("minima", res.n_minima, res.minima)):
        if count == ffi.NULL:
            continue
        cnt = as_array(count, N, np.int64)
        v = as_array(vals, K * N).reshape(K, N).T.copy()
        v[np.arange(K)[None, :] >= np.minimum(cnt, K)[:, None]] = np.nan
        out[kind], out["n_" + kind] = v, cnt
    return out
