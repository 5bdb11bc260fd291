"""Chart style following the UK Government Analysis Function's data-visualisation guidance.

One accessible categorical palette (the Analysis Function's), direct labels
where possible, no meaning carried by colour alone (use markers, hatching or
labels as well), a title stating the finding (set by :meth:`Run.figure`), and a
source line under every chart.

Example
-------
>>> apply_style()
>>> PALETTE[0]
'#12436D'
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

import matplotlib
import matplotlib.pyplot as plt
from matplotlib.ticker import FuncFormatter


def in_ipython() -> bool:
    """True inside a Jupyter kernel or an IPython shell (where the user's backend is theirs)."""
    if "ipykernel" in sys.modules:
        return True
    ipython = sys.modules.get("IPython")
    return ipython is not None and getattr(ipython, "get_ipython", lambda: None)() is not None


def headless_backend() -> None:
    """Draw off screen (Agg) in a script, the command line and the tests.

    Left alone inside a notebook kernel or an IPython shell, so that an analyst's own plots
    still show inline in JupyterLab, and when ``MPLBACKEND`` names a backend.  The report's
    kernels are started with ``MPLBACKEND=Agg`` (:mod:`assessment.render`): there every figure
    reaches the report through :meth:`~assessment.workbook.Run.figure` only.
    """
    if in_ipython() or os.environ.get("MPLBACKEND"):
        return
    matplotlib.use("Agg")


headless_backend()

# Analysis Function categorical palette (dark blue, turquoise, dark pink, orange, dark grey, light purple)
PALETTE = ["#12436D", "#28A197", "#801650", "#F46A25", "#3D3D3D", "#A285D1"]
#: a sequential palette (light to dark blue) for choropleths
SEQUENTIAL = "Blues"
#: diverging colours for hot (red-ish) / cold (blue) spot classes, readable in greyscale by lightness
HOT = ["#67000d", "#cb181d", "#fc9272"]
COLD = ["#08306b", "#2171b5", "#9ecae1"]
NEUTRAL = "#e6e6e6"
MARKERS = ["o", "s", "^", "D", "v", "P"]
#: the charts' typeface: the report's own (DejaVu Sans, see :mod:`assessment.typeface`), from
#: matplotlib's bundled copy, so a chart looks the same on every machine
FONT_FAMILY = "DejaVu Sans"
MONO_FAMILY = "DejaVu Sans Mono"
LINESTYLES = ["-", "--", ":", "-."]


def use_shipped_fonts() -> None:
    """Draw with matplotlib's own copy of DejaVu Sans and DejaVu Sans Mono — the files the report's
    text is set in (:mod:`assessment.typeface`) — even where the system has its own copy of the
    family, perhaps another version (matplotlib would otherwise pick either): the system's copies
    are set aside and matplotlib's added again (``addfont`` also clears its font lookup cache)."""
    from matplotlib import font_manager
    ours = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
    files = sorted(p for pattern in ("DejaVuSans.ttf", "DejaVuSans-*.ttf", "DejaVuSansMono*.ttf")
                   for p in ours.glob(pattern))
    if not files:   # pragma: no cover - a matplotlib without its fonts: the system's copy then
        return
    manager = font_manager.fontManager
    manager.ttflist = [f for f in manager.ttflist if f.name not in (FONT_FAMILY, MONO_FAMILY)]
    for f in files:
        manager.addfont(f)


def apply_style() -> None:
    """Set matplotlib defaults: clean axes, readable sizes, the accessible palette, the report's typeface."""
    use_shipped_fonts()
    plt.rcParams.update({
        "figure.figsize": (8, 4.2),
        "figure.dpi": 100,
        "font.size": 10,
        "font.family": "sans-serif",
        "font.sans-serif": [FONT_FAMILY],
        "font.monospace": [MONO_FAMILY],
        "axes.titlesize": 11,
        "axes.labelsize": 10,
        "axes.spines.top": False,
        "axes.spines.right": False,
        "axes.grid": True,
        "axes.grid.axis": "y",
        "grid.color": "#d9d9d9",
        "grid.linewidth": 0.6,
        "axes.prop_cycle": matplotlib.cycler(color=PALETTE),
        "legend.frameon": False,
        "savefig.facecolor": "white",
        # names from the data are text: a "$" in a crime type must not start TeX maths
        "text.parse_math": False,
    })


def thousands(ax, axis: str = "y") -> None:
    """Format an axis's tick labels with thousands separators."""
    fmt = FuncFormatter(lambda x, _: f"{x:,.0f}")
    (ax.yaxis if axis == "y" else ax.xaxis).set_major_formatter(fmt)
