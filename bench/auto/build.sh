#!/bin/bash
# Builds the AUTO-07p side of bench/bench_diagrams.c: the cases compiled against an AUTO-07p
# build, into OUT (one folder per case with NAME.exe and its constants c.NAME.*): fhn, hh03, ml
# (one-parameter diagrams, [b]) and mlc, rpd, hrh, fns (two-parameter curves, [e]).
# usage: bench/auto/build.sh AUTO_DIR OUT
#   then: ND_AUTO_DIR=OUT make bench
# AUTO-07p itself is not part of neurodyn: fetch it (github.com/auto-07p/auto-07p), run its
# ./configure && make (gfortran), and give its folder as AUTO_DIR.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
auto=${1:?usage: build.sh AUTO_DIR OUT}
out=${2:?usage: build.sh AUTO_DIR OUT}
[ -d "$auto/lib" ] || { echo "build.sh: no AUTO-07p build in '$auto' (lib/ is missing)" >&2; exit 2; }
for k in fhn hh03 ml mlc rpd hrh fns; do
    mkdir -p "$out/$k"
    cp "$here/$k/$k.f90" "$here/$k"/c."$k".* "$here/common.inc" "$out/$k/"
    (cd "$out/$k" && gfortran -fopenmp -O -c "$k.f90" -o "$k.o" && gfortran -fopenmp -O "$k.o" -o "$k.exe" "$auto"/lib/*.o)
done
echo "built in $out; run: OMP_NUM_THREADS=1 ND_AUTO_DIR=$out make bench"
