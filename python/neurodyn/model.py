"""A loaded model: the built-in zoo by name, a user `.c` file (compiled and cached by the
library), a prebuilt `.so`, or whatever else nd_model_load accepts. The object keeps the
current parameters and initial state that every analysis uses."""
import weakref

import numpy as np

from ._ffi import ffi, lib, check, new_error, text, NeurodynError


def _names(array, n):
    return [text(array[i]) for i in range(n)]


class Model:
    """A neurodyn model with its current parameter values and initial state.

    Attributes (read-only views; change values with :meth:`set` and :meth:`set_state`):
      name      the model's identifier ("fhn"; a user model's descriptor name)
      title     one line, human readable
      vars      variable names, in model order (list of str)
      params    dict parameter name -> current value (float)
      state     dict variable name -> initial value used by simulations and seeds
      box       dict variable name -> (lo, hi), the model's default box, or None
      time_unit e.g. "ms", or "" when the model declares none
    """

    def __init__(self, spec):
        ref = ffi.new("nd_model_ref *")
        err = new_error()
        check(lib.nd_model_load(str(spec).encode(), ref, err), err)
        self._ref = ref
        # unloads the model (a user model's dlopen handle) once this object is gone
        self._unload = weakref.finalize(self, lib.nd_model_unload, ref)
        self._m = ref.model
        m = self._m
        self.name = text(m.name)
        self.title = text(m.title)
        self.vars = _names(m.var_names, m.n_vars)
        self.param_names = _names(m.par_names, m.n_pars)
        self.time_unit = text(m.time_unit)
        self._p = ffi.new("double[]", max(1, m.n_pars))
        self._x = ffi.new("double[]", max(1, m.n_vars))
        self.reset()

    # ---- values ---------------------------------------------------------------------------
    def reset(self):
        """Back to the model's default parameters and initial state. Returns the model."""
        lib.nd_model_default_params(self._m, self._p)
        lib.nd_model_default_state(self._m, self._x)
        return self

    @property
    def n_vars(self):
        return len(self.vars)

    @property
    def params(self):
        return {k: self._p[i] for i, k in enumerate(self.param_names)}

    @property
    def state(self):
        return {k: self._x[i] for i, k in enumerate(self.vars)}

    @property
    def box(self):
        m = self._m
        if m.var_lo != ffi.NULL and m.var_hi != ffi.NULL:
            return {k: (m.var_lo[i], m.var_hi[i]) for i, k in enumerate(self.vars)}
        # no box declared (an .ode file without @ xlo/xhi): the range of the trajectory from
        # the current state at the current parameters, as the CLI takes it (nd_model_box)
        lo = ffi.new("double[]", max(1, m.n_vars))
        hi = ffi.new("double[]", max(1, m.n_vars))
        err = ffi.new("nd_error *")
        if lib.nd_model_box(m, self._p, self._x, lo, hi, ffi.NULL, err) != 0:
            return None
        return {k: (lo[i], hi[i]) for i, k in enumerate(self.vars)}

    @property
    def defaults(self):
        """dict parameter name -> the model's default value."""
        return {k: self._m.par_defaults[i] for i, k in enumerate(self.param_names)}

    def set(self, **values):
        """Sets parameters by name, e.g. ``m.set(Iext=0.5)``; an unknown name raises
        NeurodynError with neurodyn's message (which lists the parameters). Returns the model."""
        for name, value in values.items():
            self._assign(lib.nd_model_set_par, self._p, name, value)
        return self

    def set_state(self, **values):
        """Sets initial values of variables by name, e.g. ``m.set_state(V=-1.0)``."""
        for name, value in values.items():
            self._assign(lib.nd_model_set_var, self._x, name, value)
        return self

    def _assign(self, setter, array, name, value):
        err = new_error()
        check(setter(self._m, array, f"{name}={float(value)!r}".encode(), err), err)

    def var_index(self, name):
        """Index of a variable by name (NeurodynError listing the names when unknown)."""
        err = new_error()
        i = lib.nd_model_var_index(self._m, str(name).encode(), err)
        check(0 if i >= 0 else err.code or 1, err)
        return i

    def par_index(self, name):
        err = new_error()
        i = lib.nd_model_par_index(self._m, str(name).encode(), err)
        check(0 if i >= 0 else err.code or 1, err)
        return i

    # ---- C arrays for one call --------------------------------------------------------------
    def _params_copy(self, overrides=None):
        p = ffi.new("double[]", max(1, len(self.param_names)))
        ffi.memmove(p, self._p, ffi.sizeof("double") * len(self.param_names))
        for name, value in (overrides or {}).items():
            self._assign(lib.nd_model_set_par, p, name, value)
        return p

    def _state_copy(self, overrides=None):
        x = ffi.new("double[]", max(1, self.n_vars))
        ffi.memmove(x, self._x, ffi.sizeof("double") * self.n_vars)
        for name, value in (overrides or {}).items():
            self._assign(lib.nd_model_set_var, x, name, value)
        return x

    def _region(self, ranges=None, fix=None, state=None):
        """C arrays (lo, hi, fixed, at) and the nd_region over them: ranges overrides the model's
        box per variable ({name: (lo, hi)}); fix holds variables at values ({name: value}) or,
        given as names, at their state values. Keep the returned tuple alive during the call."""
        n = self.n_vars
        lo, hi = ffi.new("double[]", max(1, n)), ffi.new("double[]", max(1, n))
        fixed = ffi.new("int[]", max(1, n))
        at = state if state is not None else self._state_copy()
        given = set()
        if isinstance(fix, (list, tuple, set)):
            fix = {name: at[self.var_index(name)] for name in fix}
        for name, value in (fix or {}).items():
            self._assign(lib.nd_model_set_var, at, name, value)
            fixed[self.var_index(name)] = 1
        for name, (a, b) in (ranges or {}).items():
            i = self.var_index(name)
            lo[i], hi[i] = float(a), float(b)
            given.add(i)
        box = self.box
        for i, name in enumerate(self.vars):
            if i in given or fixed[i]:
                continue
            if box is None:
                raise NeurodynError(f"model {self.name} declares no default box: give ranges={{'{name}': (lo, hi)}}", 1)
            lo[i], hi[i] = box[name]
        region = ffi.new("nd_region *", {"lo": lo, "hi": hi, "fixed": fixed, "at": at})
        return region, (lo, hi, fixed, at)

    def __repr__(self):
        return f"<neurodyn model {self.name}: vars {self.vars}, params {self.params}>"


def model(spec):
    """Loads a model: a built-in name or alias ("fhn", "hh", "ml", ...), a path to a user model
    `.c` file (compiled by the system compiler into neurodyn's cache), or any other file
    nd_model_load accepts. Returns a :class:`Model`; failures raise NeurodynError with the
    library's message (an unknown name lists the built-ins; a compile error carries the
    compiler's output)."""
    return Model(spec)


def models():
    """The built-in zoo: list of (name, title)."""
    out = []
    for i in range(lib.nd_builtin_count()):
        m = lib.nd_builtin_at(i)
        out.append((text(m.name), text(m.title)))
    return out


def methods():
    """The ODE integration methods: list of (name, description, adaptive)."""
    out = []
    for i in range(lib.nd_method_count()):
        meth = lib.nd_method_at(i)
        out.append((text(meth.name), text(meth.description), bool(meth.adaptive)))
    return out


def as_array(ptr, n, dtype=np.float64):
    """A numpy copy of n values at C pointer ptr (empty for n == 0 or NULL)."""
    if n == 0 or ptr == ffi.NULL:
        return np.empty(0, dtype=dtype)
    size = ffi.sizeof(ffi.typeof(ptr).item)
    return np.frombuffer(ffi.buffer(ptr, n * size), dtype=dtype).copy()
