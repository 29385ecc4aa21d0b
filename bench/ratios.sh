#!/usr/bin/env bash
# The issue-17 ratios: neurodyn commands against the hand-written baselines of the same work
# (../shared/baselines, built by `make bench`), timed in the same run, each pair back to back so
# that the machine's load hits both alike. Prints times and ratios; never asserts.
# usage: bench/ratios.sh CLI BASELINE_BIN_DIR   (REPS=n: best of n, default 1)
set -uo pipefail
cli=$1 bin=$2 reps=${REPS:-1}

# best wall time in seconds of REPS runs of a command, its output discarded
best() {
    local b=""
    for ((r = 0; r < reps; r++)); do
        local s e
        s=$(date +%s.%N)
        "$@" > /dev/null || { echo "ratios: failed: $*" >&2; echo nan; return; }
        e=$(date +%s.%N)
        b=$(awk -v s="$s" -v e="$e" -v b="$b" 'BEGIN { t = e - s; print (b == "" || t < b) ? t : b }')
    done
    echo "$b"
}

row() { # name goal neurodyn_time baseline_time
    awk -v n="$1" -v g="$2" -v a="$3" -v b="$4" \
        'BEGIN { printf "%-34s neurodyn %7.3f s  baseline %7.3f s  ratio %5.2f  (%s)\n", n, a, b, a / b,
                 g == "-" ? "no goal: for the record" : "goal <= " g }'
}

sweep="sweep --device cpu --method rk4"
t_hh=$(best "$cli" $sweep hh --par Iext=0:20:2000 --t1 200 --dt 0.01)
b_hh=$(best "$bin/hh_simd_sleef" 2000 20000)
row "HH sweep 2000 x 2*10^4" 1.5 "$t_hh" "$b_hh"
t_lz=$(best "$cli" $sweep lorenz --par rho=0:21:10000 --t1 100 --dt 0.001 --transient 50 \
       --init x=1 --init y=1 --init z=1 --level 0)
b_lz=$(best "$bin/lorenz_simd_full" 10000 100000)
row "Lorenz sweep 10^4 x 10^5" 1.3 "$t_lz" "$b_lz"
t_sim=$(best "$cli" simulate hh --t1 10000 --dt 0.01 --method rk4 --json)
b_sim=$(best "$bin/hh_rk4")
row "HH simulate 10^6 rk4 steps (--json)" 1.1 "$t_sim" "$b_sim"
# the same baseline with SLEEF's scalar exp, the lanes' (the driver used it until 2026-12: 1.33x above)
if [ -x "$bin/hh_rk4_sleef" ]; then
    row "  ... against hh_rk4 with SLEEF's exp" - "$t_sim" "$(best "$bin/hh_rk4_sleef")"
fi
# the other conductance-based sweeps, for the record (no baseline of their own)
for m in "morris_lecar --par I=0:200:2000" "inap_ik --par I=0:20:2000"; do
    printf '%-34s neurodyn %7.3f s\n' "${m%% *} sweep 2000 x 2*10^4" "$(best "$cli" $sweep $m --t1 200 --dt 0.01)"
done
