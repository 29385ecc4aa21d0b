#!/usr/bin/env bash
# `neurodyn coba` against hand-written C, built and timed in the same run (make bench-coba):
#   euler              vs BASELINES/coba_split.c (the shared baseline, never copied here)
#   exponential Euler  vs bench/baselines/coba_split_exp.c (the same program, exp-Euler membrane)
# 10 s of biological time each, REPS rounds interleaved (the machine is shared), best user
# time of each; prints the ratios and the rates. Prints, never asserts.
# usage: bench/coba_baseline.sh CLI BASELINES_DIR OUT_DIR [REPS]
set -eu
cli=$1 baselines=$2 out=$3 reps=${4:-5}
t1=10000
if [ ! -f "$baselines/coba_split.c" ]; then
    echo "bench-coba: $baselines/coba_split.c not found (set BASELINES=DIR): skipped"
    exit 0
fi
mkdir -p "$out"
cc -O3 -march=native -o "$out/coba_split" "$baselines/coba_split.c" -lm
cc -O3 -march=native -o "$out/coba_split_exp" "$(dirname "$0")/baselines/coba_split_exp.c" -lm

TIMEFORMAT=%U
user_time() { # prints the command's user seconds; its output goes to $out/last.txt
    { time "$@" > "$out/last.txt"; } 2>&1
}
min() { awk -v a="$1" -v b="$2" 'BEGIN { print (b == "" || a < b) ? a : b }'; }

declare -A best output
runs=(split "$out/coba_split $t1 1"
      euler "$cli coba --method euler --t1 $t1"
      split_exp "$out/coba_split_exp $t1 1"
      exp "$cli coba --t1 $t1")
for ((r = 0; r < reps; r++)); do
    for ((k = 0; k < ${#runs[@]}; k += 2)); do
        name=${runs[k]}
        # shellcheck disable=SC2086 # the command line is split on purpose
        u=$(user_time ${runs[k + 1]})
        best[$name]=$(min "$u" "${best[$name]:-}")
        output[$name]=$(tr '\n' ' ' < "$out/last.txt")
    done
done
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
echo "COBA network, 4000 LIF, ${t1} ms; best user time of $reps interleaved runs (s)"
printf '  euler      neurodyn %6.3f   coba_split.c     %6.3f   ratio %s (goal <= 1.2)\n' \
    "${best[euler]}" "${best[split]}" "$(ratio "${best[euler]}" "${best[split]}")"
printf '  exp Euler  neurodyn %6.3f   coba_split_exp.c %6.3f   ratio %s\n' \
    "${best[exp]}" "${best[split_exp]}" "$(ratio "${best[exp]}" "${best[split_exp]}")"
echo "  rates: coba_split E I = $(echo "${output[split]}" | awk '{print $1, $2}') Hz;" \
    "coba_split_exp E I = $(echo "${output[split_exp]}" | awk '{print $1, $2}') Hz"
echo "  neurodyn euler: $(echo "${output[euler]}" | grep -o '[EI]: [0-9]* spikes, [0-9.]* Hz' | tr '\n' ' ')"
echo "  neurodyn exp:   $(echo "${output[exp]}" | grep -o '[EI]: [0-9]* spikes, [0-9.]* Hz' | tr '\n' ' ')"
