"""Networks (include/neurodyn/sim.h): the E/I balanced COBA benchmark as `neurodyn coba`, and a
small Network class over nd_net for groups of any model with inputs and monitors. Times in ms,
rates in Hz."""
import weakref

import numpy as np

from ._ffi import ffi, lib, check, new_error, text
from .model import as_array


def _spikes(mon):
    times, ids = ffi.new("double **"), ffi.new("uint32_t **")
    n = lib.nd_monitor_spikes(mon, times, ids)
    return as_array(times[0], n), as_array(ids[0], n, np.uint32)


def firing_rate(times, n_neurons, t1, dt=0.1, width=5.0, t0=0.0):
    """Population rate in Hz (BrainPy's measure.firing_rate) of n_neurons from spike times (ms)
    on the grid t0 + k dt up to t1, smoothed by a centred window of `width` ms.
    Returns (t, rate), both of shape (n_steps,)."""
    times = np.ascontiguousarray(times, dtype=float)
    n_steps = int(round((t1 - t0) / dt))
    rate = np.empty(n_steps)
    err = new_error()
    check(lib.nd_firing_rate(ffi.from_buffer("double[]", times), len(times), int(n_neurons), float(t0), float(dt),
                             n_steps, float(width), ffi.from_buffer("double[]", rate), err), err)
    return t0 + dt * np.arange(n_steps), rate


def coba(t1=1000.0, seed=42, method=None, n_exc=None, n_inh=None, p=None, we=None, wi=None, input=None, dt=None):
    """The COBA network (Vogels & Abbott 2005; 3200 E + 800 I LIF neurons, conductance-based
    exponential synapses; the benchmark of Brette et al. 2007 and BrainPy) run for t1 ms, as
    `neurodyn coba --json`. Options left None keep nd_coba_defaults().

    Returns {"t1", "neurons", "synapses", "spikes": {"E": count, "I": count}, "rate_hz":
    {"E", "I"} (mean rate per neuron), "sizes": {"E", "I"} (neurons per group), "E"/"I": {"times": (n,) ms, "ids": (n,) neuron index
    into its group}}."""
    c = ffi.new("nd_coba_params *", lib.nd_coba_defaults())
    c.seed = int(seed)
    keep = None
    if method is not None:
        keep = ffi.new("char[]", method.encode())
        c.method = keep
    for name, value in (("n_exc", n_exc), ("n_inh", n_inh), ("p", p), ("we", we), ("wi", wi),
                        ("input", input), ("dt", dt)):
        if value is not None:
            setattr(c, name, value)
    net, E, I = ffi.new("nd_net **"), ffi.new("nd_group **"), ffi.new("nd_group **")
    me, mi = ffi.new("nd_monitor **"), ffi.new("nd_monitor **")
    err = new_error()
    check(lib.nd_coba_build(c, net, E, I, me, mi, err), err)
    try:
        lib.nd_net_set_progress(net[0], 0)
        check(lib.nd_net_run(net[0], float(t1), err), err)
        se, si = lib.nd_group_spike_count(E[0]), lib.nd_group_spike_count(I[0])
        ne, ni = lib.nd_group_size(E[0]), lib.nd_group_size(I[0])
        te, ie = _spikes(me[0])
        ti, ii = _spikes(mi[0])
        return {"t1": float(t1), "neurons": ne + ni, "sizes": {"E": ne, "I": ni}, "synapses": lib.nd_net_synapse_count(net[0]),
                "spikes": {"E": se, "I": si},
                "rate_hz": {"E": se / ne / (t1 * 1e-3), "I": si / ni / (t1 * 1e-3)},
                "E": {"times": te, "ids": ie}, "I": {"times": ti, "ids": ii}}
    finally:
        lib.nd_net_free(net[0])


class Network:
    """A network of neuron groups advanced with one fixed step dt (ms), BrainPy's runner
    semantics (sim.h): groups of any model, constant inputs, monitors.

        net = nd.Network(dt=0.01)
        net.add_group("E", nd.model("hh"), 10, threshold=("V", 20.0))
        net.add_input("E.Iext", 10.0)
        net.monitor("E.V"); net.monitor("E.spike")
        net.run(100.0)
        t, V = net.record("E.V")          # (rows,), (rows, neurons)
        times, ids = net.spikes("E.spike")
    """

    def __init__(self, dt=0.1):
        out = ffi.new("nd_net **")
        err = new_error()
        check(lib.nd_net_new(float(dt), out, err), err)
        self._net = out[0]
        self._free = weakref.finalize(self, lib.nd_net_free, self._net)
        lib.nd_net_set_progress(self._net, 0)
        self._models, self._groups, self._monitors, self._keep = [], {}, {}, []

    def add_group(self, name, model, n, method=None, threshold=None):
        """n copies of model (a nd.Model, kept alive by the network), fixed-step method by name
        (None: rk4). Its variables are named "NAME.VAR". A model without a spike rule detects
        spikes with threshold=(variable, level): upward crossings, e.g. ("V", 20.0)."""
        out = ffi.new("nd_group **")
        err = new_error()
        meth = ffi.new("char[]", method.encode()) if method else ffi.NULL
        check(lib.nd_net_add_group(self._net, name.encode(), model._m, int(n), meth, out, err), err)
        self._models.append(model)
        self._groups[name] = out[0]
        if threshold is not None:
            var, level = threshold
            check(lib.nd_group_set_threshold(out[0], var.encode(), float(level), err), err)
        return self

    def set(self, group, **values):
        """Sets parameters of every neuron of a group: ``net.set("E", Iext=10)``."""
        err = new_error()
        for par, value in values.items():
            check(lib.nd_group_set_par(self._groups[group], par.encode(), float(value), err), err)
        return self

    def add_input(self, target, value, op="+"):
        """A constant input applied every step: target "GROUP.NAME", op one of + - * / =."""
        tgt = ffi.new("char[]", target.encode())
        inp = ffi.new("nd_input *", {"target": tgt, "type": 0, "op": op.encode(), "value": float(value)})
        err = new_error()
        check(lib.nd_net_add_input(self._net, inp, err), err)
        self._keep.append(tgt)
        return self

    def monitor(self, target, period=1):
        """Records "GROUP.NAME" (every neuron) every `period` steps; "GROUP.spike" records spike
        events."""
        out = ffi.new("nd_monitor **")
        err = new_error()
        check(lib.nd_net_add_monitor(self._net, target.encode(), ffi.NULL, 0, int(period), out, err), err)
        self._monitors[target] = out[0]
        return self

    def run(self, duration):
        """Advances by round(duration / dt) steps from the current time."""
        err = new_error()
        check(lib.nd_net_run(self._net, float(duration), err), err)
        return self

    @property
    def t(self):
        return lib.nd_net_time(self._net)

    def record(self, target):
        """(t, data) of a monitor: t (rows,), data (rows, neurons)."""
        mon = self._monitors[target]
        rows, cols = lib.nd_monitor_rows(mon), lib.nd_monitor_cols(mon)
        return as_array(lib.nd_monitor_times(mon), rows), as_array(lib.nd_monitor_data(mon), rows * cols).reshape(rows, cols)

    def spikes(self, target):
        """(times, ids) of a spike monitor ("GROUP.spike")."""
        return _spikes(self._monitors[target])

    def spike_count(self, group):
        return lib.nd_group_spike_count(self._groups[group])

    def group_size(self, group):
        return lib.nd_group_size(self._groups[group])

    def __repr__(self):
        return f"<neurodyn network t={self.t} ms, groups {list(self._groups)}>"
