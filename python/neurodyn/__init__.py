"""neurodyn for Python: models, simulation and analysis of neuron models over the C library
libneurodyn.so (cffi, ABI mode). See docs/python.md.

    import neurodyn as nd
    m = nd.model("fhn").set(Iext=0.5)
    t, X = nd.simulate(m, t1=200)
    nd.fixed_points(m)
    diagram = nd.bifurcation(m, "Iext", 0, 2, cycles=True)
"""
from ._ffi import NeurodynError, lib_path
from .model import Model, model, models, methods
from .simulate import simulate, sweep
from .analysis import fixed_points, phase_plane, bifurcation
from .diagrams import bifurcation2, fast_slow
from .network import coba, firing_rate, Network
from .prc import prc, poincare
from .plot import plot, plot_simulation, plot_bifurcation, plot_phase_plane, plot_sweep, plot_raster

__all__ = ["NeurodynError", "lib_path", "Model", "model", "models", "methods", "simulate", "sweep",
           "fixed_points", "phase_plane", "bifurcation", "bifurcation2", "fast_slow", "coba", "firing_rate",
           "Network", "prc", "poincare", "plot", "plot_simulation", "plot_bifurcation", "plot_phase_plane", "plot_sweep", "plot_raster"]
