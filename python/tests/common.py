"""Shared by the tests: the source tree, the CLI (ND_CLI or build/bin/neurodyn) and running it."""
import json
import os
import subprocess

SRC = os.environ.get("ND_SRC") or os.path.abspath(os.path.join(os.path.dirname(__file__), os.pardir, os.pardir))
CLI = os.environ.get("ND_CLI") or os.path.join(SRC, "build", "bin", "neurodyn")


def cli(*args):
    """stdout of `neurodyn ARGS` (fails the test on a non-zero exit)."""
    run = subprocess.run([CLI] + [str(a) for a in args], capture_output=True, text=True)
    if run.returncode != 0:
        raise AssertionError(f"neurodyn {' '.join(map(str, args))} failed ({run.returncode}): {run.stderr}")
    return run.stdout


def cli_json(*args):
    return json.loads(cli(*args, "--json"))


def tsv(text):
    """A TSV table with a header line: (header, rows as lists of floats)."""
    lines = [line.split("\t") for line in text.strip().splitlines()]
    return lines[0], [[float(v) for v in row] for row in lines[1:]]
