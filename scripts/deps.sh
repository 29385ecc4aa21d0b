#!/usr/bin/env bash
# Installs the Debian packages neurodyn needs (as root), or names the missing ones.
# Usage: scripts/deps.sh STAMPFILE   (the stamp is written when everything is present)
set -euo pipefail
stamp=${1:-build/.deps-ok}
packages=(build-essential pkg-config libgsl-dev libnlopt-dev libcriterion-dev gnuplot-nox libsuitesparse-dev
          librandom123-dev libjansson-dev clang libclang-rt-14-dev libsleef-dev
          xppaut  # xppaut: the reference the .ode tests compare against
          python3-cffi python3-numpy  # the Python package (python/, make python-test)
          libopenmpi-dev openmpi-bin)  # MPI sweeps across machines (optional: the build detects it)

if ! command -v dpkg-query >/dev/null 2>&1; then
    echo "deps: not a Debian system; make sure these (or your system's equivalents) are" \
         "installed: ${packages[*]}" >&2
    mkdir -p "$(dirname "$stamp")" && touch "$stamp"
    exit 0
fi

missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done

if ((${#missing[@]})); then
    if [ "$(id -u)" -ne 0 ]; then
        echo "deps: missing Debian packages: ${missing[*]}" >&2
        echo "deps: install them with: sudo apt-get install ${missing[*]}   (or run: sudo make deps)" >&2
        exit 1
    fi
    echo "deps: installing ${missing[*]}" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
fi
mkdir -p "$(dirname "$stamp")"
printf '%s\n' "${packages[@]}" > "$stamp"
