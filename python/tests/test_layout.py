"""The struct declarations of neurodyn/_ffi.py against the C headers: a C program prints every
declared struct's size and field offsets (gcc, -Iinclude), compared with what cffi computed.
A header change that moves a field fails here instead of corrupting memory."""
import os
import subprocess
import tempfile
import unittest

from neurodyn._ffi import ffi, STRUCTS

from common import SRC


def _c_program():
    lines = ["#include <stddef.h>", "#include <stdio.h>", '#include "neurodyn/neurodyn.h"',
             '#include "neurodyn/plot.h"', "int main(void) {"]
    for name in STRUCTS:
        lines.append(f'printf("{name} %zu\\n", sizeof({name}));')
        for field, _ in ffi.typeof(name).fields:
            lines.append(f'printf("{name}.{field} %zu\\n", offsetof({name}, {field}));')
    lines.append("return 0; }")
    return "\n".join(lines) + "\n"


def _cffi_layout():
    out = {}
    for name in STRUCTS:
        out[name] = ffi.sizeof(name)
        for field, _ in ffi.typeof(name).fields:
            out[f"{name}.{field}"] = ffi.offsetof(name, field)
    return out


class Layout(unittest.TestCase):
    def test_struct_layouts_match_the_headers(self):
        with tempfile.TemporaryDirectory() as tmp:
            src, exe = os.path.join(tmp, "layout.c"), os.path.join(tmp, "layout")
            with open(src, "w") as f:
                f.write(_c_program())
            cc = os.environ.get("CC", "gcc")
            subprocess.run([cc, "-std=c11", "-D_DEFAULT_SOURCE", "-I" + os.path.join(SRC, "include"),
                            "-I" + os.path.join(SRC, "models"), src, "-o", exe, "-lm"], check=True)
            printed = subprocess.run([exe], check=True, capture_output=True, text=True).stdout
        c_layout = {k: int(v) for k, v in (line.split() for line in printed.splitlines())}
        mine = _cffi_layout()
        wrong = {k: (mine[k], c_layout[k]) for k in c_layout if mine[k] != c_layout[k]}
        self.assertEqual(wrong, {}, "cffi layout (size or offset) differs from the headers: {key: (cffi, C)}")
        self.assertEqual(set(mine), set(c_layout))


if __name__ == "__main__":
    unittest.main()
