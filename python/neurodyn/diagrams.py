"""Two-parameter diagrams (fold and Hopf curves; with cycles, the curves of cycle bifurcations;
with homoclinic, the homoclinic and SNIC curves) and the fast–slow (Rinzel) analysis: the
content of `neurodyn bifurcation2 --json` and `neurodyn fast-slow --json`."""
import math
import warnings

import numpy as np

from ._ffi import ffi, lib, check, new_error, text, NeurodynError
from .analysis import branch_ends, diagram_dict, _full_states
from .model import as_array

_COEFFICIENTS = {"BT": ("bt_a", "bt_b"), "CP": ("cusp_coefficient", None),
                 "GH": ("frequency", "second_lyapunov"), "ZH": ("frequency", None),
                 "HH": ("frequency", "second_frequency")}


def _default_par(m, which):
    name = m._m.bif2_par if which == 0 else m._m.bif_par
    lo, hi = (m._m.bif2_lo, m._m.bif2_hi) if which == 0 else (m._m.bif_lo, m._m.bif_hi)
    if name == ffi.NULL:
        raise NeurodynError(f"model {m.name} names no default parameters: give par1, lo1, hi1, par2, lo2, hi2", 1)
    return text(name), lo, hi


def bifurcation2(m, par1=None, lo1=None, hi1=None, par2=None, lo2=None, hi2=None, ranges=None, fix=None,
                 h0=0.0, h_max=0.0, max_points=0, params=None, cycles=False, cycle_scan=5, homoclinic=False):
    """Fold (LP) and Hopf (H) curves in the plane (par1, par2), as `neurodyn bifurcation2 --json`:
    the curves start at the LP and H points of the diagram in par2 at the current value of par1,
    which must lie in [lo1, hi1]. None for a parameter: the model's defaults (bif2_par across,
    bif_par along). h0, h_max, max_points: run control (AUTO's DS, DSMAX, NMX; 0: defaults).

    Returns {"model", "parameters": [par1, par2], "curves", "special_points",
    "starts_on_known_curves"}: a curve is {"kind": "LP"/"H", par1: array, par2: array, "state":
    {var: array}, "neutral_saddle" (H: bool array), "from_bt_on_curve" (when started at a BT
    point), "stop", "stop_kind", "cut_short"}; a special point {"type": BT/CP/ZH/GH/HH, par1,
    par2, "state", the normal-form coefficients (bt_a, bt_b, cusp_coefficient, frequency,
    second_lyapunov, second_frequency), "degenerate" (BT), "curve", "curves"}.

    cycles=True (`--cycles`): also the cycle branches in par2 (from the Hopf points and through
    the stable cycles simulated at cycle_scan values of par2; 0: Hopf points only) and every
    codim-1 point of cycles on them continued as a curve in (par1, par2) (include/neurodyn/
    cycle_codim2.h). Each such curve follows the fold and Hopf curves in "curves": {"kind" (the
    C library's name: "LPC", "PD", ...), par1, par2, "period", "max", "min" ({var: array}: the
    orbit's extrema), "stable_side" (bool array: the multipliers but the critical one inside the
    unit circle), "stop", "stop_kind", "cut_short"}; its codim-2 points in "special_points":
    {"type" (CPC, LPPD, LPNS on LPC curves; R2, LPPD, PDNS on PD curves; whatever the library
    names), par1, par2, "period", "value" (the point's datum: a multiplier or an angle, by type;
    0 for CPC), "multiplier" or "angle" (as the CLI's JSON: LPPD, R2, LPNS, PDNS on LPC and PD
    curves), "max", "curve", "curves"}. Also "cycle_branches" (how many branches in par2),
    "cycle_starts_on_known_curves" and "cycle_curves_not_computed" ({"count", "last"}).

    homoclinic=True (`--homoclinic`, every variable free): also the saddle homoclinic curves and
    the SNIC segments of the fold curves (include/neurodyn/homoclinic.h), after the cycle curves
    in "curves": {"kind": "HC" or "SNIC", par1, par2, "state" ({var: array}: the saddle or the
    saddle-node), "from_cycle_branch" (HC) or "on_fold_curve" (SNIC), "stop" (HC)}; the ends of
    the SNIC segments inside a fold curve as special points {"type": "NCH", par1, par2, "state",
    "curve", "curves": [the SNIC curve, the fold curve]}. Also "homoclinic_curves_not_computed"."""
    if par1 is None:
        par1, lo1, hi1 = _default_par(m, 0)
    if par2 is None:
        par2, lo2, hi2 = _default_par(m, 1)
    i1, i2 = m.par_index(par1), m.par_index(par2)
    if i1 == i2:
        raise NeurodynError(f"the two parameters name the same parameter {par1}", 1)
    p = m._params_copy(params)
    if not lo1 <= p[i1] <= hi1:
        raise NeurodynError(f"{par1} = {p[i1]:g} is outside its range {lo1:g}:{hi1:g}: the diagram in {par2} "
                            f"is computed at that value (use m.set)", 1)
    region, keep = m._region(ranges, fix)
    o = ffi.new("nd_codim2_opts *", {"h0": float(h0), "h_max": float(h_max), "max_points": int(max_points)})
    scan = int(cycle_scan)
    if not 0 <= scan <= 1000:
        raise NeurodynError(f"cycle_scan = {cycle_scan} is outside 0..1000", 1)
    d = ffi.new("nd_codim2_diagram *")
    cc = ffi.new("nd_cycle_codim2 *")
    hom = ffi.new("nd_hom2_set *")
    err = new_error()
    try:  # freed on failure too, as the CLI does; computed in the CLI's order
        check(lib.nd_bifurcation_2d(m._m, p, i1, float(lo1), float(hi1), i2, float(lo2), float(hi2), region, o, d,
                                    err), err)
        if homoclinic:
            if d.start.n_free != m.n_vars:
                warnings.warn("homoclinic=True needs every variable free (no fix): no HC or SNIC curves")
            check(lib.nd_homoclinic_curves_2d(d, p, region, int(max_points), hom, err), err)
        if cycles:
            check(lib.nd_cycle_curves_2d(d, p, region, o, scan, cc, err), err)
        out = _codim2_dict(m, d, keep[3], par1, par2)
        if cycles:
            _add_cycle_curves(out, m, cc, d.n, par1, par2)
        if homoclinic:
            _add_homoclinic_curves(out, m, hom, d.n + cc.n, par1, par2)
        return out
    finally:
        lib.nd_hom2_set_free(hom)
        lib.nd_cycle_codim2_free(cc)
        lib.nd_codim2_diagram_free(d)


def _codim2_point(m, d, c, u, at, par1, par2):
    start = ffi.addressof(d[0], "start")
    x = _full_states(start, u, 1, at, m.n_vars)[0]
    return {par1: lib.nd_codim2_curve_par(c, u, 0), par2: lib.nd_codim2_curve_par(c, u, 1),
            "state": dict(zip(m.vars, x.tolist())), "x": x}


def _codim2_dict(m, d, at, par1, par2):
    curves = []
    start = ffi.addressof(d[0], "start")
    for i in range(d.n):
        c = ffi.addressof(d.curves[i])
        b = c.branch
        u = [b.u + j * b.dim for j in range(b.n)]
        # one point at a time: a curve's points are b.dim = n_free + 2 apart, not the diagram's
        # n_free + 1 that _full_states steps by
        X = np.array([_full_states(start, uj, 1, at, m.n_vars)[0] for uj in u]).reshape(b.n, m.n_vars)
        out = {"kind": "H" if c.hopf else "LP",
               par1: np.array([lib.nd_codim2_curve_par(c, uj, 0) for uj in u]),
               par2: np.array([lib.nd_codim2_curve_par(c, uj, 1) for uj in u]),
               "state": {v: X[:, k] for k, v in enumerate(m.vars)}}
        if c.hopf:
            out["neutral_saddle"] = as_array(b.label, b.n, np.int32) == 0
        if getattr(c, "from") >= 0:  # "from" is a Python keyword
            out["from_bt_on_curve"] = getattr(c, "from")
        out.update(branch_ends(b))
        curves.append(out)
    special = []
    for i in range(d.n_points):
        pt = d.points[i]
        c = ffi.addressof(d.curves[pt.curve])
        sp = lib.nd_codim2_point_special(d, i)
        kind = text(lib.nd_codim2_point_name(d, i))
        o = {"type": kind}
        o.update(_codim2_point(m, d, c, sp.u, at, par1, par2))
        for j, key in enumerate(_COEFFICIENTS.get(kind, ())):
            if key:
                o[key] = sp.data[j]
        if kind == "BT":
            o["degenerate"] = bool(lib.nd_codim2_bt_degenerate(d, sp))
        o["curve"] = pt.curve
        o["curves"] = [pt.on[j] for j in range(pt.n_on)]
        special.append(o)
    return {"model": m.name, "parameters": [par1, par2], "curves": curves, "special_points": special,
            "starts_on_known_curves": d.n_dropped}


# The CLI's JSON key for data[3] of a cycle curve's codim-2 point by (curve kind, point type)
# (cycle_codim2.h); a kind or point not named here (one added to the C library) still comes
# through, with its datum as "value".
_CYCLE_POINT_DATUM = {("LPC", "LPPD"): "multiplier", ("LPC", "LPNS"): "angle", ("PD", "R2"): "multiplier",
                      ("PD", "LPPD"): "multiplier", ("PD", "PDNS"): "angle"}


def _by_var(m, values, rows):
    """{var: array} from a C array rows x n_vars (a dict of floats when rows is None)."""
    nv = m.n_vars
    if rows is None:
        return {v: values[k] for k, v in enumerate(m.vars)}
    a = as_array(values, rows * nv).reshape(rows, nv)
    return {v: a[:, k].copy() for k, v in enumerate(m.vars)}


def _add_cycle_curves(out, m, cc, first, par1, par2):
    """The cycle curves of cc (nd_cycle_curves_2d) appended to out's curves (numbered from first,
    after the fold and Hopf curves, as the CLI numbers them) and their codim-2 points."""
    for c in range(cc.n):
        cv = ffi.addressof(cc.curves[c])
        b = cv.branch
        u = [b.u + j * b.dim for j in range(b.n)]
        kind = text(lib.nd_cycle_codim2_kind_name(cv.kind))
        curve = {"kind": kind,
                 par1: np.array([lib.nd_cycle_codim2_par(cv, uj, 0) for uj in u]),
                 par2: np.array([lib.nd_cycle_codim2_par(cv, uj, 1) for uj in u]),
                 "period": np.array([lib.nd_cycle_codim2_period(cv, uj) for uj in u]),
                 "max": _by_var(m, cv.xmax, b.n), "min": _by_var(m, cv.xmin, b.n),
                 "stable_side": as_array(b.label, b.n, np.int32) == 1}
        curve.update(branch_ends(b))
        out["curves"].append(curve)
        for k in range(b.n_special):
            sp = b.special[k]
            kind_name = text(lib.nd_cycle_codim2_special_name(cv.kind, sp.test))
            pt = {"type": kind_name, par1: lib.nd_cycle_codim2_par(cv, sp.u, 0),
                  par2: lib.nd_cycle_codim2_par(cv, sp.u, 1), "period": sp.data[0], "value": sp.data[3]}
            if (kind, kind_name) in _CYCLE_POINT_DATUM:
                pt[_CYCLE_POINT_DATUM[kind, kind_name]] = sp.data[3]
            pt["max"] = _by_var(m, [cv.special_xmax[k * m.n_vars + v] for v in range(m.n_vars)], None)
            pt["curve"], pt["curves"] = first + c, [first + c]
            out["special_points"].append(pt)
    out["cycle_branches"] = cc.cycles.n
    out["cycle_starts_on_known_curves"] = cc.n_dropped
    out["cycle_curves_not_computed"] = {"count": cc.n_failed, "last": text(cc.failure)}


def _add_homoclinic_curves(out, m, s, first, par1, par2):
    """The HC curves and SNIC segments of s (nd_homoclinic_curves_2d) appended to out's curves
    (numbered from first, after the cycle curves, as the CLI numbers them) and the NCH points."""
    for c in range(s.n):
        cv = s.curves[c]
        curve = {"kind": "SNIC" if cv.snic else "HC", par1: as_array(cv.p1, cv.n),
                 par2: as_array(cv.p2, cv.n), "state": _by_var(m, cv.x, cv.n)}
        curve["on_fold_curve" if cv.snic else "from_cycle_branch"] = getattr(cv, "from")
        if not cv.snic:
            curve["stop"] = text(cv.stop)
        out["curves"].append(curve)
    for i in range(s.n_points):
        pt = s.points[i]
        out["special_points"].append(
            {"type": "NCH", par1: pt.p1, par2: pt.p2,
             "state": _by_var(m, [pt.x[v] for v in range(m.n_vars)], None),
             "curve": first + pt.curve, "curves": [first + pt.curve, pt.fold_curve]})
    out["homoclinic_curves_not_computed"] = {"count": s.n_failed, "last": text(s.failure)}


_ACTIVITY = ["quiescent", "tonic", "bursting"]
_RANGE_SOURCE = ["given", "trajectory", "box"]


def fast_slow(m, slow=None, slow_range=None, spike_var=None, t1=0.0, transient=-1.0, cycles=True, ranges=None,
              init=None, params=None):
    """The fast–slow (Rinzel) diagram of a burster and its class, as `neurodyn fast-slow --json`.

    slow        the slow variable on the axis (None: the first of the model's slow variables)
    slow_range  (lo, hi) of the slow variable (None: from the trajectory's excursion or the box)
    spike_var   the variable that spikes (None: the first fast one)
    t1, transient  trajectory length and the part discarded (0 / negative: the defaults)
    cycles      False: equilibria and trajectory only
    Returns {"model", "slow", "range", "range_source", "fast", "spike_variable", "branches",
    "special_points", "trajectory": {"t", "x"}, "activity", "spikes", "bursts",
    "spikes_per_burst", "burst_period", "onset"/"termination" (bursting: {slow: value,
    "bifurcation", "point"}), "burster", "note", "slow_nullcline": [{"x", "y"}]}: branches and
    special points of the fast subsystem in the slow variable, as bifurcation()."""
    n = m.n_vars
    lo, hi = ffi.new("double[]", max(1, n)), ffi.new("double[]", max(1, n))
    region, keep = m._region(ranges)
    for v in range(n):
        lo[v], hi[v] = keep[0][v], keep[1][v]
    x0 = m._state_copy(init)
    o = ffi.new("nd_fs_opts *")
    lib.nd_fs_opts_init(o)
    if slow is not None:
        o.slow = m.var_index(slow)
        o.slow_lo, o.slow_hi = (slow_range if slow_range is not None else (math.nan, math.nan))
    elif slow_range is not None:
        raise NeurodynError("slow_range needs slow (the variable it is a range of)", 1)
    if spike_var is not None:
        o.spike_var = m.var_index(spike_var)
    o.var_lo, o.var_hi, o.x0 = lo, hi, x0
    o.t1, o.transient, o.cycles = float(t1), float(transient), int(bool(cycles))
    p = m._params_copy(params)
    d = ffi.new("nd_fast_slow *")
    err = new_error()
    check(lib.nd_fast_slow_analyse(m._m, p, o, d, err), err)
    try:
        return _fast_slow_dict(m, d)
    finally:
        lib.nd_fast_slow_free(d)


def _fs_special(d, special):
    sp = ffi.addressof(special)
    fm = d.fs.model
    pn = text(fm.par_names[d.par])
    state = {}
    for v in range(fm.n_vars):
        val = lib.nd_fs_special_value(d, sp, v)
        if math.isfinite(val):
            state[text(fm.var_names[v])] = val
    o = {"type": text(sp.type), pn: sp.slow, "state": state}
    if math.isfinite(sp.period):
        o["period"] = sp.period
    if math.isfinite(sp.l1):
        o["first_lyapunov"] = sp.l1
        o["criticality"] = "supercritical" if sp.l1 < 0 else "subcritical"
    on_eq = text(sp.type) in ("LP", "H", "BP")
    o["branch"] = sp.branch + (0 if on_eq else d.eq.n_branches)
    return o


class _FastModel:
    """The names of the fast subsystem, shaped as diagram_dict reads them from a Model."""

    def __init__(self, fm):
        self.name = text(fm.name)
        self.vars = [text(fm.var_names[i]) for i in range(fm.n_vars)]
        self.param_names = [text(fm.par_names[i]) for i in range(fm.n_pars)]
        self.n_vars = fm.n_vars


def _fast_slow_dict(m, d):
    fm = _FastModel(d.fs.model)
    out = {"model": m.name, "slow": m.vars[d.slow], "range": (d.slow_lo, d.slow_hi),
           "range_source": _RANGE_SOURCE[d.range_source]}
    if d.range_note[0] != b"\0":
        out["range_note"] = text(d.range_note)
    out["fast"] = fm.vars
    out["spike_variable"] = m.vars[d.spike_var]
    diag = diagram_dict(fm, ffi.addressof(d[0], "eq"), d.at, ffi.addressof(d[0], "cycles"), d.slow_lo, d.slow_hi)
    out["branches"] = diag["branches"]
    out["special_points"] = [_fs_special(d, d.special[i]) for i in range(d.n_special)]
    tr = d.traj
    out["trajectory"] = {"t": as_array(tr.t, tr.n), "x": as_array(tr.x, tr.n * tr.n_vars).reshape(tr.n, tr.n_vars)}
    out["slow_nullcline"] = [{"x": as_array(c.x, c.n), "y": as_array(c.y, c.n)}
                             for c in (d.nullcline[i] for i in range(d.n_nullcline))]
    out["activity"] = _ACTIVITY[d.activity]
    out["spikes"], out["bursts"] = d.n_spikes, d.n_bursts
    out["spikes_per_burst"], out["burst_period"] = d.spikes_per_burst, d.burst_period
    if d.burster[0] != b"\0":
        for key, s, name, k in (("onset", d.onset_slow, d.onset, d.onset_special),
                                ("termination", d.end_slow, d.termination, d.end_special)):
            t = {m.vars[d.slow]: s, "bifurcation": text(name)}
            if k >= 0:
                t["point"] = _fs_special(d, d.special[k])
            out[key] = t
        out["burster"] = text(d.burster)
    else:
        out["burster"] = None
    out["note"] = text(d.note)
    return out
