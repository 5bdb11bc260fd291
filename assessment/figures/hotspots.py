"""The charts of chapter 2 (hot spots by LSOA): the Lorenz curves and the emerging-hotspot map.

The choropleths of counts, rates and Gi* classes are :mod:`assessment.figures.maps`'s; their
titles and alt text are :mod:`assessment.words.hotspots`'s.
"""
from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from ..rounding import pct
from ..stats.concentration import lorenz, top_k, top_share
from ..stats.emerging import CATEGORIES, NO_PATTERN, NOT_TESTED
from .maps import choropleth


def lorenz_figure(counts_by_group: dict, shares: Iterable[float] = (0.10, 0.20)):
    """Lorenz (concentration) curves, one line per crime group, with the top-p% shares marked.

    Lines differ by style and marker as well as colour, and no two lines share a colour and a
    marker (up to 36 groups); the diagonal is 'crime spread evenly'.

    Parameters
    ----------
    counts_by_group : dict
        Crime group name -> crimes per LSOA (all crime first: its line is thicker and annotated).
    shares : iterable of float
        The top shares p marked on every line and annotated on the first.

    Returns
    -------
    matplotlib.figure.Figure
    """
    import matplotlib.pyplot as plt  # heavy: matplotlib only when a figure is drawn

    from .style import LINESTYLES, MARKERS, PALETTE  # style loads matplotlib: only when a figure is drawn
    fig, ax = plt.subplots(figsize=(6.4, 5.2))
    ax.plot([0, 1], [0, 1], color="#9a9a9a", lw=1, ls=":", label="Crime spread evenly")
    for i, (name, counts) in enumerate(counts_by_group.items()):
        if float(pd.Series(counts).sum()) <= 0:
            continue
        lz = lorenz(counts)
        ax.plot(lz["share_of_lsoas"], lz["share_of_crime"], color=PALETTE[i % len(PALETTE)],
                ls=LINESTYLES[i % len(LINESTYLES)], lw=2.2 if i == 0 else 1.6, label=name,
                marker=MARKERS[(i + i // len(PALETTE)) % len(MARKERS)], markevery=[top_k(len(counts), p) for p in shares])
        if i == 0:
            for p in shares:
                sh = top_share(counts, p)
                k = top_k(len(counts), p)
                ax.annotate(f"top {p * 100:g}% of LSOAs:\n{pct(sh)} of crime", (k / len(counts), sh),
                            xytext=(12, -28), textcoords="offset points", fontsize=8.5,
                            arrowprops={"arrowstyle": "-", "color": "#3D3D3D", "lw": 0.6})
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1.02)
    ax.xaxis.set_major_formatter(plt.FuncFormatter(lambda x, _: f"{x:.0%}"))
    ax.yaxis.set_major_formatter(plt.FuncFormatter(lambda x, _: f"{x:.0%}"))
    ax.set_xlabel("Share of LSOAs (most crime first)")
    ax.set_ylabel("Share of crime")
    ax.grid(axis="both")
    ax.legend(loc="lower right", fontsize=8.5)
    fig.tight_layout()
    return fig


#: map colours and hatches, so that every class reads in greyscale print as well as in colour:
#: the hatch says which pattern (the same hatch for the hot and the cold version of a pattern;
#: persistent is solid), the colour says hot or cold — hot patterns in mid-to-dark reds, cold
#: patterns in light blues, so that in greyscale every hot class is darker than every cold one
#: (grey level, 0-255: hot ≤ 120, cold ≥ 165, no pattern 238, not tested white with crosses).
EMERGING_COLORS = {
    "New hot spot": "#e34a33", "Consecutive hot spot": "#cb181d", "Intensifying hot spot": "#67000d",
    "Persistent hot spot": "#a50f15", "Diminishing hot spot": "#ef3b2c", "Sporadic hot spot": "#f03b20",
    "Oscillating hot spot": "#d7301f", "Historical hot spot": "#99000d",
    "New cold spot": "#c6dbef", "Consecutive cold spot": "#9ecae1", "Intensifying cold spot": "#7fb2d9",
    "Persistent cold spot": "#89bfe0", "Diminishing cold spot": "#b4d3ea", "Sporadic cold spot": "#d6e6f4",
    "Oscillating cold spot": "#a6cde6", "Historical cold spot": "#93c0e0",
    NO_PATTERN: "#eeeeee", NOT_TESTED: "#ffffff",
}
_PATTERN_HATCHES = {"New": "..", "Consecutive": "//", "Intensifying": "OO", "Persistent": None,
                    "Diminishing": "\\\\", "Sporadic": "---", "Oscillating": "oo", "Historical": "|||"}
EMERGING_HATCHES = {f"{p} {kind} spot": h for p, h in _PATTERN_HATCHES.items() if h for kind in ("hot", "cold")}
EMERGING_HATCHES[NOT_TESTED] = "xx"


def emerging_map(res, boundaries, attribution: str = "", label_column: str = "lsoa_code",
                 legend_title: str = "Emerging-hotspot pattern", wards=None):
    """Categorical map of the emerging-hotspot classes (every pattern but persistent hatched).

    Parameters
    ----------
    res : EmergingResult
        A result with a table (its ``category`` column, indexed by lsoa_code).
    boundaries : GeoDataFrame
        LSOA polygons indexed by lsoa_code.
    attribution : str
        The boundaries' attribution line.
    label_column : str
        Unused (kept for callers that pass it).
    legend_title : str
        The legend's title.
    wards : GeoDataFrame, optional
        Ward polygons (:func:`assessment.figures.maps.ward_boundaries`): outlines and names drawn
        over the classes.

    Returns
    -------
    matplotlib.figure.Figure
    """
    gdf = boundaries[["geometry"]].join(res.table[["category"]])
    present = [c for c in CATEGORIES if c in set(gdf["category"].dropna())]
    return choropleth(gdf, "category", categorical=True, colors=EMERGING_COLORS, hatches=EMERGING_HATCHES,
                      order=present, legend_title=legend_title, attribution=attribution, wards=wards)
