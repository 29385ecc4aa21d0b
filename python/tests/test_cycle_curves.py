"""nd.bifurcation2(..., cycles=True, homoclinic=True): the curves of cycle bifurcations (LPC, PD)
and the homoclinic (HC) and SNIC curves in two parameters, against the CLI's JSON for the same
run (every curve point and special point to 1e-12 relative: both sides call the same library
functions) and against the references of tests/test_cycle_curves.c and tests/test_homoclinic_cli.c
(closed forms, the shooting value of Rossler's first period doubling, AUTO-07p)."""
import math
import os
import unittest

import numpy as np

import neurodyn as nd
from common import SRC, cli_json

TOL = 1e-12
CUSP = os.path.join(os.path.dirname(os.path.abspath(__file__)), "data", "cusp_cycles.ode")


def _points(curve, key):
    return [p[key] for p in curve["points"]]


class AgainstTheCli(unittest.TestCase):
    """Every curve and special point of the Python result equals the CLI's JSON."""

    def compare(self, d, doc, par1, par2):
        self.assertEqual([c["kind"] for c in d["curves"]], [c["kind"] for c in doc["curves"]])
        for a, b in zip(d["curves"], doc["curves"]):
            for par in (par1, par2):
                np.testing.assert_allclose(a[par], _points(b, par), rtol=TOL, atol=TOL)
            if a["kind"] in ("LP", "H", "HC", "SNIC"):
                for v, col in a["state"].items():
                    np.testing.assert_allclose(col, [p["state"][v] for p in b["points"]], rtol=TOL, atol=TOL)
            else:  # a cycle curve
                np.testing.assert_allclose(a["period"], _points(b, "period"), rtol=TOL)
                for v, col in a["max"].items():
                    np.testing.assert_allclose(col, [p["max"][v] for p in b["points"]], rtol=TOL, atol=TOL)
                np.testing.assert_array_equal(a["stable_side"], _points(b, "stable_side"))
            for key in ("stop", "from_cycle_branch", "on_fold_curve"):
                self.assertEqual(a.get(key), b.get(key), key)
        self.assertEqual(len(d["special_points"]), len(doc["special_points"]))
        for a, b in zip(d["special_points"], doc["special_points"]):
            self.assertEqual(a["type"], b["type"])
            self.assertEqual(a["curve"], b["curve"])
            self.assertEqual(a["curves"], b["curves"])
            for key in (par1, par2, "period", "multiplier", "angle"):
                if key in b:
                    self.assertLessEqual(abs(a[key] - b[key]), TOL * max(1, abs(b[key])), key)

    def test_morris_lecar_lpc_curve(self):
        args = ("ml", "--par", "phi=0.02:0.1", "--par", "I=60:160", "--cycles", "--cycle-scan", "0")
        doc = cli_json("bifurcation2", *args)
        d = nd.bifurcation2(nd.model("ml"), "phi", 0.02, 0.1, "I", 60, 160, cycles=True, cycle_scan=0)
        self.compare(d, doc, "phi", "I")
        lpc = [c for c in d["curves"] if c["kind"] == "LPC"]
        self.assertEqual(len(lpc), 1)
        c = lpc[0]
        # through the one-parameter LPC at phi = 0.04 (the start: I = 88.29325, period 135.39 ms,
        # docs/bifurcation.md) and at phi = 0.1, the box face: I = 97.76650981 (AUTO-07p's LPC
        # curve, bench/auto/mlc, gives 97.7665 to the 6 digits it prints, period 72.6582)
        k = int(np.argmin(abs(c["phi"] - 0.04)))
        self.assertLess(abs(c["phi"][k] - 0.04), 1e-10)  # the start, moved by the corrector
        self.assertLess(abs(c["I"][k] - 88.29325), 5e-5)
        self.assertLess(abs(c["period"][k] - 135.386), 5e-3)
        end = int(np.argmax(c["phi"]))
        self.assertLess(abs(c["phi"][end] - 0.1), 1e-12)
        self.assertLess(abs(c["I"][end] - 97.7665), 5e-4)
        self.assertLess(abs(c["period"][end] - 72.6582), 5e-4)
        self.assertEqual(d["cycle_branches"], 1)
        self.assertEqual(d["cycle_curves_not_computed"]["count"], 0)

    def test_cusp_of_cycles_closed_form(self):
        """r' = r (b1 + b2 s - s^3), s = r^2 - 1: the LPC curve 27 b1^2 = 4 b2^3 and its cusp
        of cycles (CPC) at b1 = b2 = 0."""
        args = (CUSP, "--par", "b2=-0.5:1", "--par", "b1=-1:1", "--range", "x=-2:2", "--range", "y=-2:2",
                "--cycles", "--cycle-scan", "0")
        doc = cli_json("bifurcation2", *args)
        m = nd.model(CUSP)
        d = nd.bifurcation2(m, "b2", -0.5, 1, "b1", -1, 1, ranges={"x": (-2, 2), "y": (-2, 2)}, cycles=True,
                            cycle_scan=0)
        self.compare(d, doc, "b2", "b1")
        c = [c for c in d["curves"] if c["kind"] == "LPC"][0]
        np.testing.assert_allclose(27 * c["b1"] ** 2, 4 * np.maximum(c["b2"], 0) ** 3, atol=1e-8)
        cpc = [s for s in d["special_points"] if s["type"] == "CPC"]
        self.assertEqual(len(cpc), 1)
        self.assertLess(max(abs(cpc[0]["b1"]), abs(cpc[0]["b2"])), 1e-7)
        self.assertEqual(cpc[0]["curve"], d["curves"].index(c))
        self.assertTrue(math.isfinite(cpc[0]["period"]))

    def test_rossler_pd_curve_through_the_first_period_doubling(self):
        """A PD curve passes b = 0.2 at c = 2.8324450278625 (issue 19's shooting value; the
        curve starts at the collocation PD, 4e-12 from it)."""
        args = ("rossler", "--par", "b=0.1:0.3", "--par", "c=2:4.5", "--cycles")
        doc = cli_json("bifurcation2", *args)
        d = nd.bifurcation2(nd.model("rossler"), "b", 0.1, 0.3, "c", 2, 4.5, cycles=True)
        self.compare(d, doc, "b", "c")
        pd = [c for c in d["curves"] if c["kind"] == "PD"]
        self.assertGreaterEqual(len(pd), 1)
        best = min(abs(c["c"][k] - 2.8324450278625) for c in pd for k in range(len(c["b"]))
                   if abs(c["b"][k] - 0.2) < 1e-9)
        self.assertLess(best, 1e-9)

    def test_morris_lecar_homoclinic_and_snic_curves(self):
        """Class-I Morris-Lecar in (phi, I): the HC curve through (0.23, 35.00673419757) (the
        one-parameter BVP), the SNIC segment on the fold I = 39.963153093 (every phi) through
        phi = 0.067, ending at an NCH point (tests/test_homoclinic_cli.c); with the cycle curves
        too, numbered LP, H, LPC, HC, SNIC as in the CLI."""
        args = ("morris_lecar_snic", "--set", "phi=0.23", "--par", "phi=0.02:0.5", "--par", "I=20:60",
                "--homoclinic", "--cycles", "--cycle-scan", "0")
        doc = cli_json("bifurcation2", *args)
        m = nd.model("morris_lecar_snic")
        m.set(phi=0.23)
        d = nd.bifurcation2(m, "phi", 0.02, 0.5, "I", 20, 60, homoclinic=True, cycles=True, cycle_scan=0)
        self.compare(d, doc, "phi", "I")
        kinds = [c["kind"] for c in d["curves"]]
        self.assertEqual(kinds, ["LP", "H", "LPC", "HC", "SNIC"])
        hc, snic = d["curves"][3], d["curves"][4]
        k = int(np.argmin(abs(hc["phi"] - 0.23)))
        self.assertLess(abs(hc["phi"][k] - 0.23), 1e-12)
        self.assertLess(abs(hc["I"][k] - 35.00673419757), 1e-8)
        self.assertEqual(hc["from_cycle_branch"], 0)
        self.assertLess(np.max(abs(snic["I"] - 39.963153093)), 1e-8)
        self.assertTrue(snic["phi"].min() <= 0.067 < snic["phi"].max() < 0.23)
        nch = [s for s in d["special_points"] if s["type"] == "NCH"]
        self.assertEqual(len(nch), 1)
        self.assertEqual(nch[0]["curves"], [4, snic["on_fold_curve"]])
        self.assertLess(abs(nch[0]["phi"] - snic["phi"].max()), 1e-12)
        self.assertLess(abs(nch[0]["I"] - 39.963153093), 1e-8)
        self.assertEqual(set(nch[0]["state"]), set(m.vars))

    def test_hindmarsh_rose_fast_subsystem_homoclinic_line(self):
        """The HR fast subsystem depends on I - z only: its HC curve is the line
        z = I + 0.8161469599 (z = 1.3161469599 at I = 0.5, AUTO-07p)."""
        spec = os.path.join(SRC, "tests", "data", "ode", "hr_fast.ode")
        d = nd.bifurcation2(nd.model(spec), "I", 0, 2, "z", 0, 4, homoclinic=True)
        hc = [c for c in d["curves"] if c["kind"] == "HC"]
        self.assertEqual(len(hc), 1)
        self.assertLess(np.max(abs(hc[0]["z"] - hc[0]["I"] - 0.8161469599)), 1e-9)
        self.assertTrue(hc[0]["I"].min() < 0.05 and hc[0]["I"].max() > 1.95)
        self.assertEqual(d["homoclinic_curves_not_computed"]["count"], 0)


class Options(unittest.TestCase):
    def test_without_the_options_no_new_keys(self):
        d = nd.bifurcation2(nd.model("wilson_cowan"), "Q", -2, 2, "P", 0, 3)
        self.assertNotIn("cycle_branches", d)
        self.assertNotIn("homoclinic_curves_not_computed", d)
        self.assertEqual({c["kind"] for c in d["curves"]}, {"LP", "H"})

    def test_a_bad_cycle_scan_is_refused(self):
        with self.assertRaises(nd.NeurodynError) as e:
            nd.bifurcation2(nd.model("ml"), "phi", 0.02, 0.1, "I", 60, 160, cycles=True, cycle_scan=-1)
        self.assertIn("cycle_scan", str(e.exception))

    def test_homoclinic_in_a_slice_warns_and_gives_none(self):
        """As the CLI's --homoclinic with --fix: a warning, the other curves, no HC or SNIC."""
        with self.assertWarns(UserWarning) as w:
            d = nd.bifurcation2(nd.model("hr"), "r", 0.001, 0.01, "I", 0, 4, fix={"z": 1.0}, homoclinic=True)
        self.assertIn("every variable free", str(w.warning))
        kinds = [c["kind"] for c in d["curves"]]
        self.assertTrue(kinds and not {"HC", "SNIC"} & set(kinds), kinds)

    def test_a_model_without_homoclinic_orbits(self):
        d = nd.bifurcation2(nd.model("fhn"), "a", 0.5, 1, "Iext", 0, 1, homoclinic=True)
        self.assertEqual([c for c in d["curves"] if c["kind"] in ("HC", "SNIC")], [])


if __name__ == "__main__":
    unittest.main()
