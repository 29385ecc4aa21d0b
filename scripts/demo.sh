#!/usr/bin/env bash
# The main job: runs neurodyn on the built-in FitzHugh–Nagumo and Hindmarsh–Rose models and
# writes data, JSON summaries and figures into OUTDIR. Grows into `neurodyn report` (issue 7).
set -euo pipefail
nd=${1:-build/bin/neurodyn}
out=${2:-out}
mkdir -p "$out"

run() { echo "+ neurodyn $*" >&2; "$nd" "$@"; }

# FitzHugh–Nagumo (Iext = 0.5: relaxation oscillations)
run info fhn > "$out/fhn_info.txt"
run simulate fhn --t1 300 --sample 0.1 --out "$out/fhn.tsv" --plot "$out/fhn.png" --json > "$out/fhn.json"

# Hindmarsh–Rose (I = 2, r = 0.001: square-wave bursting); the slow variable z settles first
run info hindmarsh_rose > "$out/hr_info.txt"
run simulate hindmarsh_rose --t1 2000 --sample 0.5 --out "$out/hr.tsv" --plot "$out/hr.png" --json > "$out/hr.json"

echo "demo: results in $out/:" >&2
ls -1 "$out" >&2
