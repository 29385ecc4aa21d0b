"""Every C result is freed: repeated calls leave the resident memory where it was. Each loop
would grow it by tens of MB if its result (trajectories, diagrams, ensemble tables) leaked."""
import gc
import unittest

import neurodyn as nd


def resident_mb():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * 4096 / 1e6


class Memory(unittest.TestCase):
    def check_no_growth(self, call, repeats, limit_mb=5.0):
        for _ in range(3):  # allocator pools, caches, first-call set-up
            call()
        gc.collect()
        before = resident_mb()
        for _ in range(repeats):
            call()
        gc.collect()
        self.assertLess(resident_mb() - before, limit_mb)

    def test_simulate(self):  # ~0.25 MB of samples per call
        m = nd.model("ml")
        self.check_no_growth(lambda: nd.simulate(m, t1=10000), 100)

    def test_analyses(self):
        m = nd.model("ml")
        self.check_no_growth(lambda: (nd.fixed_points(m), nd.phase_plane(m), nd.bifurcation(m)), 15)

    def test_sweep_and_cycles(self):
        m = nd.model("ml")
        self.check_no_growth(lambda: nd.sweep(m, "I", 0, 250, 2000, t1=5), 20)
        self.check_no_growth(lambda: nd.bifurcation(m, cycles=True, cycle_scan=0), 5)

    def test_models_unload(self):
        self.check_no_growth(lambda: nd.model("fhn"), 200, limit_mb=2.0)


if __name__ == "__main__":
    unittest.main()
