"""Equilibria, phase planes and one-parameter diagrams: the content of `neurodyn fixed-points`,
`phase-plane` and `bifurcation --json`, as Python dicts of numpy arrays. Every C result is
copied out and freed before the function returns."""
import math

import numpy as np

from ._ffi import ffi, lib, check, new_error, text, NeurodynError
from .model import as_array


# ---- fixed points --------------------------------------------------------------------------------
def _fixed_point(m, fp, n_free):
    x = as_array(fp.x, m.n_vars)
    eig = as_array(fp.eig_re, n_free) + 1j * as_array(fp.eig_im, n_free)
    return {"x": x, "state": dict(zip(m.vars, x.tolist())), "type": text(fp.type),
            "stable": bool(fp.stable), "eigenvalues": eig, "residual": fp.residual}


def fixed_points(m, ranges=None, fix=None, seeds=0, seed=0, params=None):
    """Equilibria of m in a box (multi-start Newton, NLopt fallback), as `neurodyn fixed-points`.

    ranges  {variable: (lo, hi)} replacing the model's box for those variables
    fix     {variable: value} (or a list of names, held at the state) for a slice
    seeds   number of starting points (0: 64 * 2^free variables); seed shifts them
    Returns a list of dicts sorted by the first free variable: "x" (array, n_vars), "state"
    ({variable: value}), "type" (BrainPy's names: "stable focus", "saddle", ...), "stable"
    (bool), "eigenvalues" (complex array, one per free variable, by real part descending),
    "residual"."""
    p = m._params_copy(params)
    region, keep = m._region(ranges, fix)
    o = ffi.new("nd_fp_opts *")
    lib.nd_fp_opts_init(o)
    o.n_seeds, o.seed = int(seeds), int(seed)
    res = ffi.new("nd_fp_result *")
    err = new_error()
    check(lib.nd_fixed_points(m._m, p, region, o, res, err), err)
    try:
        return [_fixed_point(m, res.points[i], res.n_free) for i in range(res.n)]
    finally:
        lib.nd_fp_result_free(res)


# ---- phase plane ---------------------------------------------------------------------------------
def _trajectory(tr, n_vars):
    return {"t": as_array(tr.t, tr.n), "x": as_array(tr.x, tr.n * n_vars).reshape(tr.n, n_vars)}


def phase_plane(m, x=None, y=None, xlim=None, ylim=None, grid=20, t1=100.0, starts=None, fix=None,
                params=None):
    """The phase portrait in the plane (x, y), as `neurodyn phase-plane --json` plus its data.

    x, y        variable names (None: the first and second variable); other variables are held
                at the model's state (or at fix={name: value})
    xlim, ylim  (lo, hi) of each axis (None: the model's box)
    grid        vector field grid (grid x grid); t1 duration of trajectories and separatrices
    starts      list of {variable: value} starts of trajectories (None: the model's state)
    Returns a dict: "x", "y" ({"name", "lo", "hi"}), "nullclines" ({variable: list of pieces
    {"x", "y": arrays in (x, y) order, "closed"}}), "field" ({"x": (nx,), "y": (ny,), "u", "v",
    "un", "vn": (ny, nx) derivatives and unit vectors}), "fixed_points" (as fixed_points()),
    "trajectories" (per start: forward then backward, {"t", "x": (n, n_vars)}),
    "separatrices" (four per saddle: {"t", "x", "unstable"})."""
    n = m.n_vars
    if n < 2:
        raise NeurodynError(f"model {m.name} has fewer than 2 variables", 1)
    ix = m.var_index(x) if x is not None else 0
    iy = m.var_index(y) if y is not None else 1
    if ix == iy:
        raise NeurodynError(f"x and y name the same variable {m.vars[ix]}", 1)
    state = m._state_copy(fix)
    box = m.box
    ranges = {}
    for i, lim in ((ix, xlim), (iy, ylim)):
        if lim is None and box is None:
            raise NeurodynError(f"model {m.name} declares no default box: give xlim and ylim", 1)
        ranges[m.vars[i]] = tuple(lim) if lim is not None else box[m.vars[i]]
    fixed_names = {m.vars[v]: state[v] for v in range(n) if v not in (ix, iy)}
    region, keep = m._region(ranges, fixed_names, state)
    start_list = starts if starts is not None else [{}]
    S = ffi.new("double[]", max(1, len(start_list) * n))
    for k, s in enumerate(start_list):
        xs = m._state_copy(s)
        for v in range(n):
            S[k * n + v] = xs[v] if v in (ix, iy) else state[v]
    o = ffi.new("nd_phase_opts *", {"grid": int(grid), "t1": float(t1), "n_starts": len(start_list),
                                    "starts": S, "x_var": ix})
    p = m._params_copy(params)
    pp = ffi.new("nd_phase_portrait *")
    err = new_error()
    try:  # freed on failure too, as the CLI does (a zeroed portrait frees cleanly)
        check(lib.nd_phase_portrait_compute(m._m, p, region, o, pp, err), err)
        return _portrait(m, pp)
    finally:
        lib.nd_phase_portrait_free(pp)


def _portrait(m, pp):
    n = m.n_vars
    fr = pp.fixed_points
    out = {"model": m.name,
           "x": {"name": m.vars[pp.ix], "lo": pp.xlo, "hi": pp.xhi},
           "y": {"name": m.vars[pp.iy], "lo": pp.ylo, "hi": pp.yhi},
           "fixed_points": [_fixed_point(m, fr.points[i], fr.n_free) for i in range(fr.n)]}
    # curve points and the field are in model order (first, second free variable); swap them
    # when the plane's horizontal variable comes second
    swap = pp.ix > pp.iy
    nullclines = {}
    for k in range(2):
        nc = pp.nullcline[k]
        pieces = []
        for c in range(nc.n_curves):
            cv = nc.curves[c]
            a, b = as_array(cv.x, cv.n), as_array(cv.y, cv.n)
            pieces.append({"x": b if swap else a, "y": a if swap else b, "closed": bool(cv.closed)})
        nullclines[m.vars[nc.var]] = pieces
    out["nullclines"] = nullclines
    f = pp.field
    field = {"x": as_array(f.x, f.nx), "y": as_array(f.y, f.ny)}
    for key in ("u", "v", "un", "vn"):
        field[key] = as_array(getattr(f, key), f.nx * f.ny).reshape(f.ny, f.nx)
    if swap:
        field = {"x": field["y"], "y": field["x"], "u": field["v"].T, "v": field["u"].T,
                 "un": field["vn"].T, "vn": field["un"].T}
    out["field"] = field
    out["trajectories"] = [_trajectory(pp.traj[i], n) for i in range(pp.n_traj)]
    out["separatrices"] = [dict(_trajectory(pp.sep[i], n), unstable=bool(pp.sep_unstable[i]))
                           for i in range(pp.n_sep)]
    return out


# ---- one-parameter diagrams ----------------------------------------------------------------------
_CYCLE_ENDS = ["", "period_unbounded", "hopf", "orbit_left_box", "centre", "doubled"]
_BRANCH_ENDS = {1: "box", 2: "point_budget", 3: "corrector_failed", 4: "closed_curve"}


def branch_ends(br, cycle_curve=None):
    """How a branch begins and ends, as the CLI's JSON: "stop", "stop_kind", "cut_short",
    "begin" (only for a branch joined from two halves)."""
    if cycle_curve is not None and br.stop == 5 and 0 < cycle_curve.stopped < len(_CYCLE_ENDS):
        kind = _CYCLE_ENDS[cycle_curve.stopped]
    else:
        kind = _BRANCH_ENDS.get(br.stop, "curve")
    out = {"stop": text(br.stop_reason), "stop_kind": kind, "cut_short": br.stop in (2, 3)}
    if br.begin_reason[0] != b"\0":
        out["begin"] = text(br.begin_reason)
    return out


def _full_states(d, u, rows, at, n_vars):
    """Full states (rows, n_vars) of diagram points u (rows x (n_free + 1))."""
    X = np.empty((rows, n_vars))
    x = ffi.new("double[]", max(64, n_vars))
    N = d.n_free + 1
    for i in range(rows):
        lib.nd_diagram_full_state(d, u + i * N, at, x)
        X[i] = [x[v] for v in range(n_vars)]
    return X


def _criticality(sp):
    l1 = sp.data[1]
    if not math.isfinite(l1):
        return None
    return "degenerate" if sp.data[2] > 0 else "supercritical" if l1 < 0 else "subcritical"


def diagram_dict(m, d, at, cs, p_lo, p_hi):
    """The branches and special points of diagram d (and cycle set cs, may be None) as
    `neurodyn bifurcation --json` gives them, with arrays per branch."""
    pn, n = m.param_names[d.par], m.n_vars
    N = d.n_free + 1
    branches, special = [], []
    for b in range(d.n_branches):
        br = d.branches[b]
        u = as_array(br.u, br.n * N).reshape(br.n, N)
        X = _full_states(d, br.u, br.n, at, n)
        out = {"kind": "equilibrium", pn: u[:, d.n_free], "state": {v: X[:, i] for i, v in enumerate(m.vars)},
               "stable": as_array(br.label, br.n, np.int32) == 1}
        out.update(branch_ends(br))
        branches.append(out)
        for s in range(br.n_special):
            sp = br.special[s]
            x = _full_states(d, sp.u, 1, at, n)[0]
            pt = {"type": text(lib.nd_eq_special_name(sp.test)), pn: sp.u[d.n_free],
                  "state": dict(zip(m.vars, x.tolist())), "x": x}
            if sp.test == 0:
                pt["fold_coefficient"] = sp.data[0]
            if sp.test == 1:
                pt["frequency"], pt["first_lyapunov"] = sp.data[0], sp.data[1]
                crit = _criticality(sp)
                if crit:
                    pt["criticality"] = crit
            pt["branch"] = b
            special.append(pt)
    for c in range(cs.n if cs is not None else 0):
        cc, br = cs.curve[c], cs.branch[c]
        origin = "the Hopf point" if cs.origin[c] == 0 else "a cycle found by simulation"
        names = [m.vars[cc.free_idx[k]] for k in range(cc.k)]
        rows = [lib.nd_cycle_curve_info(ffi.addressof(cc), i) for i in range(br.n)]
        rows = [r for r in rows if r != ffi.NULL]
        out = {"kind": "cycle", "from": f"{origin} at {pn} = {cs.start[c]:.10g}", "period_multiple": cs.multiple[c],
               pn: np.array([r.par for r in rows]), "period": np.array([r.period for r in rows]),
               "max": {v: np.array([r.xmax[k] for r in rows]) for k, v in enumerate(names)},
               "min": {v: np.array([r.xmin[k] for r in rows]) for k, v in enumerate(names)},
               "stable": np.array([r.stable == 1 for r in rows], dtype=bool)}
        out.update(branch_ends(br, cc))
        branches.append(out)
        for s in range(br.n_special):
            sp = br.special[s]
            if sp.test == 3:  # ND_CYC_H: reported on its equilibrium branch
                continue
            pt = {"type": text(lib.nd_cycle_special_name(sp.test)), pn: sp.data[1], "period": sp.data[0]}
            if sp.test == 1:
                pt["multiplier"] = sp.data[2]
            if sp.test == 2:
                pt["angle"] = sp.data[2]
            if sp.test in (0, 1, 2):  # LPC b, PD c, NS Re d (cycle_normal_form.h), as the CLI's JSON
                pt["normal_form"] = sp.data[4]
                if sp.test != 0 and math.isfinite(sp.data[4]):
                    pt["criticality"] = "supercritical" if sp.data[4] < 0 else "subcritical"
            pt["branch"] = d.n_branches + c
            special.append(pt)
        par, snic = ffi.new("double *"), ffi.new("int *")
        if lib.nd_cycle_set_homoclinic_end(cs, c, d, p_lo, p_hi, par, snic):
            last = lib.nd_cycle_curve_info(ffi.addressof(cc), br.n - 1)
            bvp = not snic[0] and c < cs.n_hom and math.isfinite(cs.hom_par[c])
            special.append({"type": "SNIC" if snic[0] else "HC", pn: par[0],
                            "period_at_end": last.period if last != ffi.NULL else math.nan,
                            "located_by": "fold" if snic[0] else "homoclinic_bvp" if bvp else "last_point",
                            "branch": d.n_branches + c})
    for i, pt in enumerate(special):  # special_points.tsv's label column (`bifurcation --from DIR:LABEL`)
        pt["label"] = i + 1
    return {"branches": branches, "special_points": special}


def _cycles(m, d, p, region, p_lo, p_hi, cycle_scan, fixed_any):
    """The cycle branches as `neurodyn bifurcation --cycles`: from every Hopf point, and through
    the stable cycles found by simulation at cycle_scan values (not for slices or models with a
    spike rule). Returns the nd_cycle_set (caller frees)."""
    cs = ffi.new("nd_cycle_set *")
    if d.n_free < 2:
        return cs
    lib.nd_cycle_set_opts_init(ffi.addressof(cs[0], "opts"))
    err = new_error()
    status = lib.nd_cycles_from_hopf(d, p, region, p_lo, p_hi, cs, err)
    scan = 0 if fixed_any or m._m.spike != ffi.NULL else int(cycle_scan)
    if status == 0 and scan:
        status = lib.nd_cycles_from_scan(d, p, region, p_lo, p_hi, scan, cs, err)
    if status == 0:  # the homoclinic ends located by the boundary-value problem, as the command does
        status = lib.nd_cycle_set_locate_homoclinics(cs, d, p, p_lo, p_hi, ffi.NULL, err)
    if status != 0:
        lib.nd_cycle_set_free(cs)
        check(status, err)
    return cs


def bifurcation(m, par=None, lo=None, hi=None, cycles=False, cycle_scan=5, ranges=None, fix=None,
                params=None):
    """The one-parameter diagram of m in parameter par over [lo, hi], as `neurodyn bifurcation
    --json` (par, lo, hi None: the model's default parameter and range).

    cycles      also limit cycles by collocation: from every Hopf point and through the stable
                cycles simulated at cycle_scan parameter values (0: Hopf points only)
    ranges, fix the box of the variables and held variables, as in fixed_points()
    Returns {"model", "parameter", "range": (lo, hi), "branches", "special_points"}:
      equilibrium branches {"kind": "equilibrium", par: array, "state": {var: array},
      "stable": bool array, "stop", "stop_kind", "cut_short"}; cycle branches {"kind":
      "cycle", "from", par, "period", "max"/"min": {var: array}, "stable", ...};
      special points {"type": LP/H/BP/LPC/PD/NS/HC/SNIC, par: value, "state"/"x" (LP, H, BP),
      "fold_coefficient" (LP), "frequency", "first_lyapunov", "criticality" (H), "period",
      "multiplier" (PD), "angle" (NS), "branch"}."""
    if par is None:
        if m._m.bif_par == ffi.NULL:
            raise NeurodynError(f"model {m.name} names no default parameter: give par, lo, hi", 1)
        par = text(m._m.bif_par)
    if lo is None or hi is None:
        if text(m._m.bif_par) != par:
            raise NeurodynError(f"give the range of {par}: lo and hi", 1)
        lo = m._m.bif_lo if lo is None else lo
        hi = m._m.bif_hi if hi is None else hi
    ip = m.par_index(par)
    p = m._params_copy(params)
    region, keep = m._region(ranges, fix)
    fixed_any = any(keep[2][v] for v in range(m.n_vars))
    o = ffi.new("nd_cont_opts *")
    lib.nd_bif_opts_init(o)
    d = ffi.new("nd_bif_diagram *")
    err = new_error()
    cs = None
    try:  # the diagram is freed on failure too, as the CLI does
        check(lib.nd_bifurcation_1d(m._m, p, ip, float(lo), float(hi), region, o, d, err), err)
        if cycles:
            cs = _cycles(m, d, p, region, float(lo), float(hi), cycle_scan, fixed_any)
        out = {"model": m.name, "parameter": par, "range": (float(lo), float(hi))}
        out.update(diagram_dict(m, d, keep[3], cs, float(lo), float(hi)))
        return out
    finally:
        if cs is not None:
            lib.nd_cycle_set_free(cs)
        lib.nd_bif_diagram_free(d)
