"""The package's results against the CLI's for the same model and options: `neurodyn simulate`
(TSV on stdout, shortest round-trip numbers: compared bitwise), `sweep --out` (TSV, bitwise),
`fixed-points --json`, `phase-plane --json`, `bifurcation --json` (with and without cycles),
`bifurcation2 --json`, `fast-slow --json` and `coba --json` (to 1e-12 relative, names, types
and counts exactly). Both sides call the same library functions with the same inputs."""
import math
import os
import tempfile
import unittest

import numpy as np

import neurodyn as nd
from common import SRC, cli, cli_json, tsv

TOL = 1e-12


class Close:
    def assertClose(self, a, b, msg=None, tol=TOL):
        """a equals b to tol relative (absolute near 0); None (JSON null) matches NaN."""
        a = math.nan if a is None else float(a)
        b = math.nan if b is None else float(b)
        if math.isnan(a) and math.isnan(b):
            return
        self.assertLessEqual(abs(a - b), tol * max(1.0, abs(a), abs(b)), msg or f"{a} != {b}")


class Simulate(unittest.TestCase):
    def check_same(self, py_kwargs, cli_args, spec="fhn"):
        header, rows = tsv(cli("simulate", spec, *cli_args))
        m = nd.model(spec)
        t, X = nd.simulate(m, **py_kwargs)
        ref = np.array(rows)
        self.assertEqual(header, ["t"] + m.vars)
        self.assertEqual(X.shape, (len(rows), len(m.vars)))
        np.testing.assert_array_equal(t, ref[:, 0])       # bitwise: TSV numbers round-trip
        np.testing.assert_array_equal(X, ref[:, 1:])

    def test_default_method_every_step(self):
        self.check_same({"t1": 50}, ["--t1", "50"])

    def test_rk4_sampled_with_parameters_and_init(self):
        self.check_same({"t1": 40, "method": "rk4", "dt": 0.01, "sample": 0.5, "init": {"V": -1.5},
                         "params": {"Iext": 0.8}},
                        ["--t1", "40", "--method", "rk4", "--dt", "0.01", "--sample", "0.5", "--init", "V=-1.5",
                         "--set", "Iext=0.8"])

    def test_model_set_is_used(self):
        header, rows = tsv(cli("simulate", "hh", "--t1", "20", "--set", "Iext=7", "--rtol", "1e-8"))
        t, X = nd.simulate(nd.model("hh").set(Iext=7), t1=20, rtol=1e-8)
        np.testing.assert_array_equal(X, np.array(rows)[:, 1:])

    def test_stats_match_json(self):
        doc = cli_json("simulate", "ml", "--t1", "100")
        t, X, st = nd.simulate(nd.model("ml"), t1=100, stats=True)
        for key in ("steps", "rejected", "rhs_evals", "events", "spikes"):
            self.assertEqual(st[key], doc[key], key)
        self.assertEqual(dict(zip(nd.model("ml").vars, X[-1].tolist())), doc["final"])

    def test_stochastic_run_same_seed_same_path(self):
        self.check_same({"t1": 20, "dt": 0.01, "seed": 7, "method": "milstein"},
                        ["--t1", "20", "--dt", "0.01", "--seed", "7", "--method", "milstein"], spec="sfhn")


class UserModel(unittest.TestCase):
    def test_user_c_model_loads_and_simulates_as_the_cli(self):
        path = os.path.join(SRC, "examples", "user_model.c")
        m = nd.model(path)
        self.assertTrue(m.vars)
        header, rows = tsv(cli("simulate", path, "--t1", "30"))
        t, X = nd.simulate(m, t1=30)
        np.testing.assert_array_equal(np.column_stack([t, X]), np.array(rows))


class OdeFile(Close, unittest.TestCase):
    """XPPAUT .ode files load through nd_model_load like any model."""

    def test_ode_model_simulates_and_has_the_fixed_points_of_the_cli(self):
        path = os.path.join(SRC, "tests", "data", "ode", "wc.ode")
        m = nd.model(path)
        self.assertEqual(m.vars, ["E", "I"])
        self.assertEqual(m.params["wEE"], 16.0)
        header, rows = tsv(cli("simulate", path, "--t1", "20"))
        t, X = nd.simulate(m, t1=20)
        np.testing.assert_array_equal(np.column_stack([t, X]), np.array(rows))
        doc = cli_json("fixed-points", path, "--range", "E=-0.5:1", "--range", "I=-0.5:1")
        fps = nd.fixed_points(m, ranges={"E": (-0.5, 1), "I": (-0.5, 1)})
        self.assertEqual([fp["type"] for fp in fps], [fp["stability"] for fp in doc["fixed_points"]])
        for mine, ref in zip(fps, doc["fixed_points"]):
            for v, value in ref["state"].items():
                self.assertClose(mine["state"][v], value)


class FixedPoints(Close, unittest.TestCase):
    def check_same(self, spec, *args, **kwargs):
        doc = cli_json("fixed-points", spec, *args)
        fps = nd.fixed_points(nd.model(spec), **kwargs)
        self.assertEqual(len(fps), len(doc["fixed_points"]))
        self.assertGreater(len(fps), 0)
        for mine, ref in zip(fps, doc["fixed_points"]):
            self.assertEqual(mine["type"], ref["stability"])
            self.assertEqual(mine["stable"], ref["stable"])
            for v, value in ref["state"].items():
                self.assertClose(mine["state"][v], value)
            self.assertEqual(mine["eigenvalues"].dtype, np.complex128)
            for z, e in zip(mine["eigenvalues"], ref["eigenvalues"]):
                self.assertClose(z.real, e["re"]), self.assertClose(z.imag, e["im"])

    def test_morris_lecar(self):
        self.check_same("ml")

    def test_wilson_cowan(self):
        self.check_same("wilson_cowan")

    def test_morris_lecar_snic_three_equilibria_with_ranges_and_seeds(self):
        self.check_same("morris_lecar_snic", "--range", "V=-80:40", "--seeds", "300",
                        ranges={"V": (-80, 40)}, seeds=300)

    def test_slice_of_hindmarsh_rose(self):
        self.check_same("hr", "--fix", "z=3", fix={"z": 3})


class PhasePlane(Close, unittest.TestCase):
    def test_fhn_nullclines_and_fixed_points(self):
        doc = cli_json("phase-plane", "fhn", "--x", "V=-2.5:2.5", "--y", "w=-1:2")
        pp = nd.phase_plane(nd.model("fhn"), x="V", y="w", xlim=(-2.5, 2.5), ylim=(-1, 2))
        self.assertEqual((pp["x"]["name"], pp["y"]["name"]), ("V", "w"))
        for var, pieces in doc["nullclines"].items():
            self.assertEqual(len(pp["nullclines"][var]), len(pieces))
            for mine, ref in zip(pp["nullclines"][var], pieces):
                np.testing.assert_allclose(mine["x"], ref["x"], rtol=TOL, atol=TOL)
                np.testing.assert_allclose(mine["y"], ref["y"], rtol=TOL, atol=TOL)
                self.assertEqual(mine["closed"], ref["closed"])
        self.assertEqual([fp["type"] for fp in pp["fixed_points"]], [fp["stability"] for fp in doc["fixed_points"]])
        self.assertEqual(pp["field"]["u"].shape, (20, 20))

    def test_axes_swapped(self):
        pp = nd.phase_plane(nd.model("fhn"), x="w", y="V")
        self.assertEqual((pp["x"]["name"], pp["y"]["name"]), ("w", "V"))
        # the V-nullcline w = V - V^3/3 + I: in (w, V) order its x is w
        piece = pp["nullclines"]["V"][0]
        V, w = piece["y"], piece["x"]
        np.testing.assert_allclose(w, V - V ** 3 / 3 + 0.5, atol=1e-8)


class Bifurcation(Close, unittest.TestCase):
    def compare_special(self, mine, ref, par):
        self.assertEqual([s["type"] for s in mine], [s["type"] for s in ref])
        for a, b in zip(mine, ref):
            for key, value in b.items():
                if key == "state":
                    for v, x in value.items():
                        self.assertClose(a["state"][v], x, f"{b['type']} {v}")
                elif isinstance(value, (int, float)) and not isinstance(value, bool):
                    self.assertClose(a[key], value, f"{b['type']} {key}")
                else:
                    self.assertEqual(a[key], value, key)

    def compare_branches(self, mine, ref, par):
        self.assertEqual([b["kind"] for b in mine], [b["kind"] for b in ref])
        for a, b in zip(mine, ref):
            for key in ("stop", "stop_kind", "cut_short"):
                self.assertEqual(a[key], b[key])
            pts = b["points"]
            self.assertEqual(len(a[par]), len(pts))
            np.testing.assert_allclose(a[par], [p[par] for p in pts], rtol=TOL, atol=TOL)
            np.testing.assert_array_equal(a["stable"], [p["stable"] for p in pts])
            if b["kind"] == "equilibrium":
                for v in pts[0]["state"]:
                    np.testing.assert_allclose(a["state"][v], [p["state"][v] for p in pts], rtol=TOL, atol=TOL)
            else:
                np.testing.assert_allclose(a["period"], [p["period"] for p in pts], rtol=TOL)

    def test_morris_lecar_in_I_hopf_points(self):
        doc = cli_json("bifurcation", "ml", "--par", "I=0:250")
        d = nd.bifurcation(nd.model("ml"), "I", 0, 250)
        self.assertEqual([s["type"] for s in d["special_points"]], ["H", "H"])
        self.compare_special(d["special_points"], doc["special_points"], "I")
        self.compare_branches(d["branches"], doc["branches"], "I")

    def test_morris_lecar_snic_folds(self):
        doc = cli_json("bifurcation", "morris_lecar_snic")
        d = nd.bifurcation(nd.model("morris_lecar_snic"))
        self.assertIn("LP", [s["type"] for s in d["special_points"]])
        self.compare_special(d["special_points"], doc["special_points"], d["parameter"])
        self.compare_branches(d["branches"], doc["branches"], d["parameter"])

    def test_morris_lecar_with_cycles(self):
        doc = cli_json("bifurcation", "ml", "--cycles", "--quiet")
        d = nd.bifurcation(nd.model("ml"), cycles=True)
        self.assertIn("LPC", [s["type"] for s in d["special_points"]])
        self.compare_special(d["special_points"], doc["special_points"], "I")
        self.compare_branches(d["branches"], doc["branches"], "I")

    def test_two_parameters_wilson_cowan(self):
        doc = cli_json("bifurcation2", "wilson_cowan", "--par", "Q=-2:2", "--par", "P=0:3")
        d = nd.bifurcation2(nd.model("wilson_cowan"), "Q", -2, 2, "P", 0, 3)
        self.assertEqual(sorted(s["type"] for s in d["special_points"]), ["BT", "CP", "GH"])
        self.assertEqual([c["kind"] for c in d["curves"]], [c["kind"] for c in doc["curves"]])
        for a, b in zip(d["curves"], doc["curves"]):
            for par in ("Q", "P"):
                np.testing.assert_allclose(a[par], [p[par] for p in b["points"]], rtol=TOL, atol=TOL)
            for key in ("stop", "stop_kind", "cut_short"):
                self.assertEqual(a[key], b[key])
            if a["kind"] == "H":
                np.testing.assert_array_equal(a["neutral_saddle"], [p["neutral_saddle"] for p in b["points"]])
        self.compare_special(d["special_points"], doc["special_points"], "P")
        self.assertEqual(d["starts_on_known_curves"], doc["starts_on_known_curves"])

    def test_fast_slow_hindmarsh_rose(self):
        doc = cli_json("fast-slow", "hr")
        d = nd.fast_slow(nd.model("hr"))
        for key in ("slow", "range_source", "fast", "spike_variable", "activity", "spikes", "bursts", "burster"):
            self.assertEqual(d[key], doc[key], key)
        self.assertClose(d["burst_period"], doc["burst_period"])
        self.compare_special(d["special_points"], doc["special_points"], doc["slow"])
        self.compare_branches(d["branches"], doc["branches"], doc["slow"])


class Sweep(unittest.TestCase):
    def test_orbit_diagram_equals_the_cli_table(self):
        with tempfile.TemporaryDirectory() as tmp:
            out = os.path.join(tmp, "s.tsv")
            cli("sweep", "fhn", "--par", "Iext=0:1.5:7", "--t1", "100", "--device", "cpu", "--out", out, "--quiet")
            with open(out) as f:
                header, rows = tsv(f.read())
        ref = {h: np.array(col) for h, col in zip(header, zip(*rows))}
        s = nd.sweep(nd.model("fhn"), "Iext", 0, 1.5, 7, t1=100, device="cpu")
        np.testing.assert_array_equal(s["Iext"], ref["Iext"])
        for v in ("V", "w"):
            np.testing.assert_array_equal(s["max"][v], ref["max_" + v])
            np.testing.assert_array_equal(s["min"][v], ref["min_" + v])
        np.testing.assert_array_equal(s["period"], ref["period"])
        np.testing.assert_array_equal(s["events"], ref["events"])
        np.testing.assert_array_equal(s["n_maxima"], ref["n_maxima"])
        self.assertEqual(s["maxima"].shape, (7, 100))

    def test_two_parameter_map_with_lyapunov_equals_json(self):
        doc = cli_json("sweep", "fhn", "--par", "Iext=0:1:3", "--par", "a=0.5:0.9:2", "--t1", "50", "--lyapunov",
                       "--device", "cpu", "--quiet")
        s = nd.sweep(nd.model("fhn"), "Iext", 0, 1, 3, par2="a", lo2=0.5, hi2=0.9, n2=2, t1=50, lyapunov=True,
                     device="cpu")
        self.assertEqual(len(doc["points"]), 6)
        for i, pt in enumerate(doc["points"]):
            self.assertEqual((s["Iext"][i], s["a"][i]), (pt["Iext"], pt["a"]))
            self.assertEqual(s["events"][i], pt["events"])
            self.assertEqual(s["max"]["V"][i], pt["max"]["V"])
            self.assertEqual(s["lyapunov"][i], pt["lyapunov"])


class Coba(unittest.TestCase):
    def test_counts_and_rates_equal_the_cli(self):
        doc = cli_json("coba", "--t1", "100")
        r = nd.coba(t1=100)
        for key in ("neurons", "synapses", "spikes", "rate_hz"):
            self.assertEqual(r[key], doc[key], key)
        self.assertEqual(len(r["E"]["times"]), doc["spikes"]["E"])
        self.assertLess(r["I"]["ids"].max(), r["sizes"]["I"])
        t, rate = nd.firing_rate(r["E"]["times"], r["sizes"]["E"], t1=100)
        self.assertEqual(rate.shape, (1000,))
        self.assertAlmostEqual(rate.mean(), doc["rate_hz"]["E"], delta=0.2 * doc["rate_hz"]["E"])


if __name__ == "__main__":
    unittest.main()
