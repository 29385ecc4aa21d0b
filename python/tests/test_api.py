"""The package's own behaviour: models and their values, errors carrying neurodyn's messages
(the same text the CLI prints after "neurodyn COMMAND: "), networks, figures, library loading."""
import os
import subprocess
import sys
import tempfile
import unittest

import numpy as np

import neurodyn as nd
from common import CLI, SRC


def cli_message(*args):
    """The CLI's error message for a failing command, without its "neurodyn CMD: " prefix."""
    run = subprocess.run([CLI] + list(args), capture_output=True, text=True)
    assert run.returncode != 0, run.stdout
    line = run.stderr.strip().splitlines()[0]
    return line.split(": ", 1)[1]


class Models(unittest.TestCase):
    def test_names_values_and_set(self):
        m = nd.model("fhn")
        self.assertEqual(m.name, "fitzhugh_nagumo")
        self.assertEqual(m.vars, ["V", "w"])
        self.assertEqual(list(m.params), ["a", "b", "tau", "Iext"])
        self.assertIs(m.set(Iext=0.25), m)
        self.assertEqual(m.params["Iext"], 0.25)
        self.assertEqual(m.defaults["Iext"], 0.5)
        m.set_state(V=-2)
        self.assertEqual(m.state["V"], -2.0)
        m.reset()
        self.assertEqual(m.params["Iext"], 0.5)
        self.assertEqual(m.box["V"], (-3.0, 3.0))

    def test_zoo_and_methods(self):
        names = [name for name, _ in nd.models()]
        self.assertIn("hodgkin_huxley", names)
        self.assertIn("rkdp", [name for name, _, _ in nd.methods()])

    def test_alias_and_each_builtin_loads(self):
        for name in [name for name, _ in nd.models()]:
            self.assertEqual(nd.model(name).name, name)


class Errors(unittest.TestCase):
    def assertRaisesMessage(self, expected, fn, *args, **kwargs):
        with self.assertRaises(nd.NeurodynError) as ctx:
            fn(*args, **kwargs)
        self.assertEqual(str(ctx.exception), expected)
        return ctx.exception

    def test_unknown_model(self):
        e = self.assertRaisesMessage(cli_message("simulate", "nosuch", "--t1", "1"), nd.model, "nosuch")
        self.assertIn("fitzhugh_nagumo", str(e))
        self.assertEqual(e.status, "invalid argument")

    def test_unknown_parameter(self):
        msg = cli_message("simulate", "fhn", "--t1", "1", "--set", "nosuch=1")
        self.assertRaisesMessage(msg, nd.model("fhn").set, nosuch=1)
        self.assertRaisesMessage(msg, nd.simulate, nd.model("fhn"), 1, params={"nosuch": 1})

    def test_unknown_variable_and_method(self):
        self.assertRaisesMessage(cli_message("simulate", "fhn", "--t1", "1", "--init", "X=1"),
                                 nd.model("fhn").set_state, X=1)
        self.assertRaisesMessage(cli_message("simulate", "fhn", "--t1", "1", "--method", "nosuch"),
                                 nd.simulate, nd.model("fhn"), 1, method="nosuch")

    def test_fixed_step_needs_dt(self):
        # the package's own check, worded as the CLI's without the option syntax
        self.assertRaisesMessage("method rk4 is fixed-step: give dt", nd.simulate, nd.model("fhn"), 1, method="rk4")

    def test_failing_run_carries_the_library_message(self):
        with self.assertRaises(nd.NeurodynError) as ctx:
            nd.simulate(nd.model("fhn"), 10, method="euler", dt=5.0, init={"V": 1e200})
        self.assertTrue(str(ctx.exception))
        self.assertNotEqual(ctx.exception.code, 0)

    def test_user_model_that_does_not_compile(self):
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, "broken.c")
            with open(path, "w") as f:
                f.write("this is not C\n")
            with self.assertRaises(nd.NeurodynError) as ctx:
                nd.model(path)
            self.assertIn("broken.c", str(ctx.exception))


class Network(unittest.TestCase):
    def test_hh_group_with_input_and_monitors(self):
        net = nd.Network(dt=0.01)
        net.add_group("E", nd.model("hh"), 3, threshold=("V", 20.0)).add_input("E.Iext", 10.0)
        net.monitor("E.V").monitor("E.spike").run(50.0)
        t, V = net.record("E.V")
        self.assertEqual(V.shape, (5000, 3))
        times, ids = net.spikes("E.spike")
        self.assertGreater(len(times), 3)
        self.assertEqual(len(times), net.spike_count("E"))
        self.assertTrue(np.all(ids < 3))

    def test_bad_target_raises(self):
        net = nd.Network(dt=0.1).add_group("E", nd.model("lif"), 2)
        with self.assertRaises(nd.NeurodynError):
            net.monitor("E.nosuch")


class Plots(unittest.TestCase):
    def test_gnuplot_backend_writes_figures(self):
        m = nd.model("fhn")
        with tempfile.TemporaryDirectory() as tmp:
            t, X = nd.simulate(m, t1=50)
            files = {
                "sim.png": lambda f: nd.plot_simulation(t, X, m.vars, file=f, backend="gnuplot"),
                "bif it's.svg": lambda f: nd.plot_bifurcation(nd.bifurcation(m, cycles=True), file=f, backend="gnuplot"),
                "pp.png": lambda f: nd.plot_phase_plane(nd.phase_plane(m), file=f, backend="gnuplot"),
                "sweep.png": lambda f: nd.plot_sweep(nd.sweep(m, "Iext", 0, 1.5, 5, t1=50), file=f, backend="gnuplot"),
                "raster.pdf": lambda f: nd.plot_raster(nd.coba(t1=20), file=f, backend="gnuplot"),
            }
            for name, draw in files.items():
                path = os.path.join(tmp, name)
                script = draw(path)
                self.assertTrue(os.path.getsize(path) > 0, name)
                self.assertTrue(script.endswith(".gp"))

    def test_plot_draws_every_result_kind(self):
        m = nd.model(os.path.join(os.environ["ND_SRC"], "tests", "data", "ode", "ml.ode"))  # a model with no box
        with tempfile.TemporaryDirectory() as tmp:
            results = {"sim.png": nd.simulate(m, t1=100), "bif.png": nd.bifurcation(m, "I", 0, 200),
                       "pp.png": nd.phase_plane(m), "sweep.png": nd.sweep(m, "I", 50, 150, 4, t1=300, dt=0.05),
                       "raster.png": nd.coba(t1=20)}
            for name, result in results.items():
                path = os.path.join(tmp, name)
                nd.plot(result, file=path, backend="gnuplot")
                self.assertTrue(os.path.getsize(path) > 0, name)
            with self.assertRaises(TypeError):
                nd.plot({"nothing": 1})

    def test_matplotlib_backend(self):
        try:
            import matplotlib
            matplotlib.use("Agg")
        except ImportError:
            self.skipTest("python3-matplotlib is not installed")
        m = nd.model("ml")
        with tempfile.TemporaryDirectory() as tmp:
            for name, draw in {"bif.png": lambda f: nd.plot_bifurcation(nd.bifurcation(m, cycles=True), file=f),
                               "pp.png": lambda f: nd.plot_phase_plane(nd.phase_plane(m), file=f),
                               "sim.png": lambda f: nd.plot_simulation(*nd.simulate(m, t1=100), m.vars, file=f)}.items():
                fig = draw(os.path.join(tmp, name))
                self.assertTrue(hasattr(fig, "savefig"))
                self.assertGreater(os.path.getsize(os.path.join(tmp, name)), 0)

    def test_gnuplot_needs_a_file(self):
        with self.assertRaises(ValueError):
            nd.plot_simulation([0, 1], [[0], [1]], backend="gnuplot")


class Loading(unittest.TestCase):
    def test_neurodyn_lib_names_the_library(self):
        code = "import neurodyn as nd; print(nd.lib_path)"
        env = dict(os.environ, NEURODYN_LIB=nd.lib_path, PYTHONPATH=os.path.join(SRC, "python"))
        out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
        self.assertEqual(out.stdout.strip(), nd.lib_path)

    def test_missing_library_is_an_import_error(self):
        code = "import neurodyn"
        env = dict(os.environ, NEURODYN_LIB="/nonexistent/libneurodyn.so", PYTHONPATH=os.path.join(SRC, "python"))
        out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
        self.assertNotEqual(out.returncode, 0)
        self.assertIn("NEURODYN_LIB", out.stderr)


if __name__ == "__main__":
    unittest.main()
