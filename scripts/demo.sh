#!/usr/bin/env bash
# The main job: runs neurodyn on the built-in FitzHugh–Nagumo and Hindmarsh–Rose models and
# writes data, JSON summaries and figures into OUTDIR. Grows into `neurodyn report` (issue 7).
set -euo pipefail
nd=${1:-build/bin/neurodyn}
out=${2:-out}
mkdir -p "$out"

run() { echo "+ neurodyn $*" >&2; "$nd" "$@"; }

# FitzHugh–Nagumo (Iext = 0.5: relaxation oscillations around an unstable focus)
run info fhn > "$out/fhn_info.txt"
run fixed-points fhn --json > "$out/fhn_fixed_points.json"
run phase-plane fhn --traj V=-2.8,w=-1.8 --traj V=0,w=2 --outdir "$out/fhn_phase_plane" \
    --plot "$out/fhn_phase_plane.png" --json > "$out/fhn_phase_plane.json"
# the Hopf curve in (a, Iext) over the brute-force map of where FHN oscillates
run bifurcation2 fhn --par a=0.5:1 --par Iext=0:1 --brute --grid 30 --outdir "$out/fhn_bifurcation2" \
    --plot "$out/fhn_bifurcation2.png" --json > "$out/fhn_bifurcation2.json"
run simulate fhn --t1 300 --sample 0.1 --out "$out/fhn.tsv" --plot "$out/fhn.png" --json > "$out/fhn.json"
# equilibria and limit cycles in Iext by continuation (two subcritical Hopf points, folds of
# cycles), over the brute-force sweep
run bifurcation fhn --par Iext=0:2 --cycles --brute --grid 100 --outdir "$out/fhn_bifurcation" \
    --plot "$out/fhn_bifurcation.png" --json > "$out/fhn_bifurcation.json"

# Hindmarsh–Rose (I = 2, r = 0.001: square-wave bursting); the slow variable z settles first
run info hindmarsh_rose > "$out/hr_info.txt"
run simulate hindmarsh_rose --t1 2000 --sample 0.5 --out "$out/hr.tsv" --plot "$out/hr.png" --json > "$out/hr.json"
# its fast subsystem (x, y) with the slow z frozen at 2: three equilibria, the middle a saddle
run fixed-points hindmarsh_rose --fix z=2 --range x=-3:3 --range y=-20:5 --json > "$out/hr_fast_fixed_points.json"
run phase-plane hindmarsh_rose --fix z=2 --x x=-3:3 --y y=-20:5 --traj x=-0.5,y=-5 \
    --outdir "$out/hr_fast_phase_plane" --plot "$out/hr_fast_phase_plane.png" --json > "$out/hr_fast_phase_plane.json"
# the fast–slow diagram: the fast subsystem's equilibria and cycles against z with the
# bursting trajectory over them, and the burster's class (fold/homoclinic)
run fast-slow hindmarsh_rose --slow z=1:3.3 --outdir "$out/hr_fast_slow" \
    --plot "$out/hr_fast_slow.png" --json > "$out/hr_fast_slow.json"
# the full model's equilibria in the input current I
run bifurcation hindmarsh_rose --par I=0:4 --outdir "$out/hr_bifurcation" \
    --plot "$out/hr_bifurcation.png" --json > "$out/hr_bifurcation.json"

echo "demo: results in $out/:" >&2
ls -1 "$out" >&2
