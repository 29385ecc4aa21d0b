#!/usr/bin/env bash
# The main job: `neurodyn report` on the built-in FitzHugh–Nagumo and Hindmarsh–Rose models,
# into OUTDIR/fhn and OUTDIR/hr (figures, data, gnuplot scripts, summary.json, index.html),
# and OUTDIR/index.html linking both.
set -euo pipefail
nd=${1:-build/bin/neurodyn}
out=${2:-out}
mkdir -p "$out"

run() { echo "+ neurodyn $*" >&2; "$nd" "$@"; }

# FitzHugh–Nagumo (Iext = 0.5: relaxation oscillations around an unstable focus): fixed points,
# phase plane, time series, equilibria and cycles in Iext, the Hopf curve in (a, Iext)
run report fitzhugh_nagumo --outdir "$out/fhn"
# Hindmarsh–Rose (I = 2, r = 0.001: square-wave bursting): the fast–slow diagram with the
# burster's class, the fast subsystem's phase plane, time series, 3D trajectory, diagram in I
run report hindmarsh_rose --outdir "$out/hr"
# FitzHugh–Rinzel (I = 0.3125: elliptic bursting), a second burster class (subHopf/fold cycle)
run report fitzhugh_rinzel --outdir "$out/fhr"
# a spiking network of the validated LIF model: raster plot and population rate
mkdir -p "$out/coba"
run coba --t1 200 --plot "$out/coba/raster.png" --json > "$out/coba/coba.json"

cat > "$out/index.html" <<'HTML'
<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>neurodyn reports</title></head>
<body style="font-family:sans-serif;max-width:800px;margin:2em auto">
<h1>neurodyn reports</h1>
<ul>
<li><a href="fhn/index.html">FitzHugh–Nagumo</a> (fhn/summary.json)</li>
<li><a href="hr/index.html">Hindmarsh–Rose</a> (hr/summary.json)</li>
<li><a href="fhr/index.html">FitzHugh–Rinzel</a> (fhr/summary.json)</li>
<li>COBA network: <a href="coba/raster.png">raster and rate</a> (coba/coba.json)</li>
</ul>
</body></html>
HTML
echo "demo: open $out/index.html (reports in $out/fhn, $out/hr and $out/fhr)" >&2
