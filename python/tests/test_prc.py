"""nd.prc and nd.poincare against the command (the same library underneath: equal numbers),
and their errors."""
import unittest

import numpy as np

import neurodyn as nd
from common import cli_json


class Prc(unittest.TestCase):
    def test_adjoint_and_direct_match_the_cli(self):
        r = nd.prc(nd.model("morris_lecar_snic"), method="both", phases=40, direct_phases=8)
        j = cli_json("prc", "morris_lecar_snic", "--method", "both", "--phases", "40", "--direct-phases", "8")
        self.assertEqual(r["period"], j["period"])
        np.testing.assert_array_equal(r["adjoint"]["z"][:, 0], j["adjoint"]["prc"]["V"])
        np.testing.assert_array_equal(r["direct"]["z"][:, 1], j["direct"]["prc"]["w"])
        self.assertEqual(r["adjoint"]["x"].shape, (40, 2))
        # adjoint and direct agree (docs/prc.md: a few 1e-7 of max |Z|)
        diff = np.max(np.abs(r["direct"]["z"] - r["adjoint"]["z"][::5]))
        self.assertLess(diff, 1e-4 * np.max(np.abs(r["adjoint"]["z"])))

    def test_errors(self):
        with self.assertRaisesRegex(nd.NeurodynError, "no stable limit cycle"):
            nd.prc(nd.model("morris_lecar_snic"), params={"I": 30})
        with self.assertRaises(ValueError):
            nd.prc(nd.model("ml"), method="adjunct")


class Poincare(unittest.TestCase):
    def test_van_der_pol_period_and_cli(self):
        r = nd.poincare(nd.model("vdp"), "x", 0.0, t1=100)
        np.testing.assert_allclose(r["return_times"], 6.66328685933, atol=1e-9)
        self.assertTrue(np.all(r["direction"] == 1))
        j = cli_json("poincare", "vdp", "--section", "x=0", "--t1", "100")
        np.testing.assert_array_equal(r["t"], j["crossings"]["t"])

    def test_errors(self):
        with self.assertRaises(nd.NeurodynError):
            nd.poincare(nd.model("vdp"), "q")
        with self.assertRaises(ValueError):
            nd.poincare(nd.model("vdp"), "x", direction="sideways")


if __name__ == "__main__":
    unittest.main()
