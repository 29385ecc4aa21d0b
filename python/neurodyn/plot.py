"""Figures of the package's results. Each plot_* function describes its figure as a list of
series (lines, points, arrows) and hands it to a backend: matplotlib when it can be imported
(returns the Figure, saved to `file` when given), else gnuplot (writes FILE's data as TSV
files into FILE_data/ beside it with an editable FILE.gp script, runs `gnuplot FILE.gp` from an
argument list, never a shell, and returns the script's path). backend="matplotlib" or
"gnuplot" forces one."""
import os
import subprocess

import numpy as np

_STABLE, _UNSTABLE = "#1f77b4", "#d62728"


class Series:
    """One thing drawn: kind "line", "dashed", "points" or "vectors" (x, y, dx, dy)."""

    def __init__(self, kind, x, y, label=None, color=None, dx=None, dy=None):
        self.kind, self.label, self.color = kind, label, color
        self.x, self.y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
        self.dx = None if dx is None else np.asarray(dx, dtype=float)
        self.dy = None if dy is None else np.asarray(dy, dtype=float)


def _have_matplotlib():
    try:
        import matplotlib  # noqa: F401
        return True
    except ImportError:
        return False


def render(series, xlabel="", ylabel="", title="", file=None, backend=None, xlim=None, ylim=None):
    """Draws series with the chosen backend (see the module's docstring); xlim, ylim: (lo, hi)
    of the axes, None for automatic."""
    backend = backend or ("matplotlib" if _have_matplotlib() else "gnuplot")
    if backend == "matplotlib":
        return _render_matplotlib(series, xlabel, ylabel, title, file, xlim, ylim)
    if backend == "gnuplot":
        return _render_gnuplot(series, xlabel, ylabel, title, file, xlim, ylim)
    raise ValueError(f"backend {backend!r}: use 'matplotlib' or 'gnuplot'")


def _render_matplotlib(series, xlabel, ylabel, title, file, xlim, ylim):
    import matplotlib
    if file is not None and not os.environ.get("DISPLAY") and "inline" not in matplotlib.get_backend():
        matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    fig, ax = plt.subplots(figsize=(8, 5))
    labelled = set()
    for s in series:
        label = s.label if s.label and s.label not in labelled else None
        labelled.add(s.label)
        if s.kind == "vectors":
            ax.quiver(s.x, s.y, s.dx, s.dy, color=s.color or "0.6", angles="xy", label=label)
        elif s.kind == "points":
            ax.plot(s.x, s.y, "o", color=s.color, label=label)
        else:
            ax.plot(s.x, s.y, "--" if s.kind == "dashed" else "-", color=s.color, label=label)
    ax.set_xlabel(xlabel), ax.set_ylabel(ylabel), ax.set_title(title)
    if xlim:
        ax.set_xlim(*xlim)
    if ylim:
        ax.set_ylim(*ylim)
    if labelled - {None}:
        ax.legend(loc="best", fontsize="small")
    if file is not None:
        fig.savefig(file)
    return fig


def _gp_string(s):
    """A gnuplot single-quoted string (a quote is doubled; newlines cannot appear)."""
    return "'" + str(s).replace("'", "''").replace("\n", " ") + "'"


_TERMINALS = {".png": "pngcairo size 800,560 enhanced font 'Sans,10'",
              ".svg": "svg size 800,560 enhanced font 'Sans,10' background rgb 'white'",
              ".pdf": "pdfcairo size 6in,4.2in enhanced font 'Sans,9'"}


def _render_gnuplot(series, xlabel, ylabel, title, file, xlim, ylim):
    if file is None:
        raise ValueError("without matplotlib, figures are drawn by gnuplot into a file: give file='name.png' "
                         "(or .svg, .pdf)")
    stem, ext = os.path.splitext(os.path.abspath(file))
    if ext not in _TERMINALS:
        raise ValueError(f"file {file!r}: use the extension .png, .svg or .pdf")
    data_dir = stem + "_data"
    os.makedirs(data_dir, exist_ok=True)
    plots, labelled = [], set()
    for i, s in enumerate(series):
        path = os.path.join(data_dir, f"series{i}.tsv")
        cols = [s.x, s.y] + ([s.dx, s.dy] if s.kind == "vectors" else [])
        np.savetxt(path, np.column_stack(cols), delimiter="\t", fmt="%.17g")
        color = f" lc rgb {_gp_string(s.color)}" if s.color else ""
        style = {"vectors": "using 1:2:3:4 with vectors head size 0.08,20 lc rgb 'gray70'",
                 "points": "using 1:2 with points pt 7 ps 1.2" + color,
                 "dashed": "using 1:2 with lines dt 2 lw 1.5" + color,
                 "line": "using 1:2 with lines lw 1.5" + color}[s.kind]
        t = "notitle" if not s.label or s.label in labelled else "title " + _gp_string(s.label)
        labelled.add(s.label)
        plots.append(f"{_gp_string(os.path.relpath(path, os.path.dirname(stem)))} {style} {t}")
    script = stem + ".gp"
    with open(script, "w") as f:
        f.write(f"# neurodyn figure: run `gnuplot {os.path.basename(script)}` in this folder\n")
        f.write(f"set terminal {_TERMINALS[ext]}\n")
        f.write(f"set output {_gp_string(os.path.basename(file))}\n")
        f.write(f"set xlabel {_gp_string(xlabel)}\nset ylabel {_gp_string(ylabel)}\n")
        f.write(f"set title {_gp_string(title)} noenhanced\nset key outside right noenhanced\n")
        for axis, lim in (("x", xlim), ("y", ylim)):
            if lim:
                f.write(f"set {axis}range [{float(lim[0])!r}:{float(lim[1])!r}]\n")
        f.write("plot " + ", \\\n     ".join(plots) + "\n" if plots else "plot NaN notitle\n")
    run = subprocess.run(["gnuplot", os.path.basename(script)], cwd=os.path.dirname(script),
                         capture_output=True, text=True)
    if run.returncode != 0 or run.stderr.strip():
        raise RuntimeError(f"gnuplot {script} failed: {run.stderr.strip()}")
    return script


# ---- the figures -------------------------------------------------------------------------------------
def plot_simulation(t, X, names=None, file=None, backend=None, title="time series", time_unit=""):
    """Every variable of a simulate() result against time: t (n,), X (n, n_vars)."""
    X = np.asarray(X).reshape(len(t), -1)
    names = names or [f"x{i}" for i in range(X.shape[1])]
    series = [Series("line", t, X[:, i], label=name) for i, name in enumerate(names)]
    return render(series, f"t ({time_unit})" if time_unit else "t", "", title, file, backend)


def _runs(stable):
    """Index ranges [a, b] of consecutive points with the same stability."""
    stable = np.asarray(stable, dtype=bool)
    if len(stable) == 0:
        return []
    cuts = np.flatnonzero(stable[1:] != stable[:-1]) + 1
    starts, ends = np.r_[0, cuts], np.r_[cuts, len(stable)]
    return [(a, min(b + 1, len(stable)), bool(stable[a])) for a, b in zip(starts, ends)]


def plot_bifurcation(result, var=None, file=None, backend=None):
    """The one-parameter diagram of bifurcation() (or fast_slow()): equilibria of `var` (None:
    the first variable in the branches) solid where stable, dashed where unstable; cycles as
    their max and min; special points labelled by type."""
    par = result.get("parameter") or result.get("slow")
    series = []
    for br in result["branches"]:
        if br["kind"] == "equilibrium":
            var = var or next(iter(br["state"]))
            y = br["state"][var]
            for a, b, st in _runs(br["stable"]):
                series.append(Series("line" if st else "dashed", br[par][a:b], y[a:b],
                                     "stable" if st else "unstable", _STABLE if st else _UNSTABLE))
        elif var in br.get("max", {}):
            for key in ("max", "min"):
                for a, b, st in _runs(br["stable"]):
                    series.append(Series("line" if st else "dashed", br[par][a:b], br[key][var][a:b],
                                         "stable cycle" if st else "unstable cycle", "#2ca02c" if st else "#ff7f0e"))
    kinds = {}
    for sp in result["special_points"]:
        if "state" in sp and var in sp["state"]:
            kinds.setdefault(sp["type"], ([], []))
            kinds[sp["type"]][0].append(sp[par]), kinds[sp["type"]][1].append(sp["state"][var])
    for kind, (x, y) in kinds.items():
        series.append(Series("points", x, y, kind))
    title = f"{result.get('model', '')}: bifurcation diagram in {par}"
    return render(series, par, var or "", title, file, backend)


def plot_phase_plane(result, file=None, backend=None):
    """The phase_plane() portrait: vector field, both nullclines, trajectories, separatrices and
    fixed points (filled: stable)."""
    xi, yi = result["x"]["name"], result["y"]["name"]
    f = result["field"]
    gx, gy = np.meshgrid(f["x"], f["y"])
    scale = 0.04 * min(result["x"]["hi"] - result["x"]["lo"], result["y"]["hi"] - result["y"]["lo"])
    series = [Series("vectors", gx.ravel(), gy.ravel(), None, None, scale * f["un"].ravel(), scale * f["vn"].ravel())]
    colors = ["#9467bd", "#8c564b"]
    for k, (name, pieces) in enumerate(result["nullclines"].items()):
        for pc in pieces:
            series.append(Series("line", pc["x"], pc["y"], f"d{name}/dt = 0", colors[k % 2]))
    names = None
    for tr in result["trajectories"]:
        names = names or _var_positions(result, tr)
        series.append(Series("line", tr["x"][:, names[0]], tr["x"][:, names[1]], "trajectory", "black"))
    for sp in result["separatrices"]:
        names = names or _var_positions(result, sp)
        series.append(Series("dashed", sp["x"][:, names[0]], sp["x"][:, names[1]], "separatrix", "#7f7f7f"))
    for st in (True, False):
        pts = [fp for fp in result["fixed_points"] if fp["stable"] == st]
        if pts:
            series.append(Series("points", [fp["state"][xi] for fp in pts], [fp["state"][yi] for fp in pts],
                                 "stable equilibrium" if st else "unstable equilibrium", _STABLE if st else _UNSTABLE))
    return render(series, xi, yi, f"{result.get('model', '')}: phase plane", file, backend,
                  (result["x"]["lo"], result["x"]["hi"]), (result["y"]["lo"], result["y"]["hi"]))


def _var_positions(result, tr):
    order = list(result["fixed_points"][0]["state"]) if result["fixed_points"] else None
    if order is None:  # no fixed point to read the model's order from: the plane's own order
        return (0, 1)
    return order.index(result["x"]["name"]), order.index(result["y"]["name"])


def plot_sweep(result, par=None, file=None, backend=None):
    """The orbit diagram of a one-parameter sweep(): the local maxima (and minima) of the
    section's variable against the parameter."""
    par = par or next(k for k in result if isinstance(result[k], np.ndarray) and result[k].ndim == 1)
    series = []
    for kind in ("maxima", "minima"):
        if kind in result:
            v = result[kind]
            x = np.repeat(result[par][:, None], v.shape[1], axis=1)
            ok = np.isfinite(v)
            series.append(Series("points", x[ok], v[ok], kind))
    return render(series, par, result["variable"], "orbit diagram", file, backend)


def plot_raster(result, file=None, backend=None):
    """Spike raster of coba(): E neurons below I neurons."""
    e, i = result["E"], result["I"]
    n_e = result["sizes"]["E"]
    series = [Series("points", e["times"], e["ids"], "E", "#1f77b4"),
              Series("points", i["times"], i["ids"] + n_e, "I", "#d62728")]
    return render(series, "t (ms)", "neuron", "COBA network: raster", file, backend)


def plot(result, *args, file=None, backend=None, **kwargs):
    """One entry for every result: (t, X) of simulate(), the dict of bifurcation() or
    fast_slow(), phase_plane(), sweep() or coba(), drawn by the matching plot_* function
    (matplotlib when it imports, else gnuplot; `file` writes the figure there)."""
    if isinstance(result, tuple) and len(result) >= 2:
        return plot_simulation(result[0], result[1], *args, file=file, backend=backend, **kwargs)
    if not isinstance(result, dict):
        raise TypeError("plot() takes the result of simulate, bifurcation, fast_slow, phase_plane, sweep or coba")
    if "branches" in result:
        return plot_bifurcation(result, *args, file=file, backend=backend, **kwargs)
    if "field" in result and "x" in result:
        return plot_phase_plane(result, file=file, backend=backend)
    if "sizes" in result and "E" in result:
        return plot_raster(result, file=file, backend=backend)
    if "maxima" in result or "minima" in result:
        return plot_sweep(result, *args, file=file, backend=backend, **kwargs)
    raise TypeError("plot(): not a result this package draws (keys: %s)" % ", ".join(sorted(result)))
