"""Chapter 8's charts: ED assaults and police-recorded violence by LSOA, side by side, and ED
assaults by time of day and day of the week.

Each function takes the *published* data of :class:`~assessment.chapters.hospital.HospitalResult`
(counts hidden by disclosure control are drawn as hidden, never as their value).

Example
-------
>>> import pandas as pd
>>> prof = pd.DataFrame({"breakdown": ["time", "time", "day"], "category": ["00:00–03:59", "Time not known", "Monday"],
...                      "attendances": [12, "<5", 9], "share": [0.5, None, 0.4]})
>>> fig = when_figure(prof)
>>> [t.get_text() for t in fig.axes[0].get_xticklabels()]
['00:00–03:59']
>>> plt.close(fig)
"""
from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd

from ..disclosure import SECONDARY, is_hidden
from .style import PALETTE

GAP_EDGE = "#d4351c"


def _map_frame(boundaries, lsoa: pd.DataFrame, column: str):
    g = boundaries.copy()
    vals = lsoa.set_index("lsoa_code")[column].reindex(g.index.astype(str))
    hidden = vals.map(is_hidden).fillna(False).to_numpy(dtype=bool)
    secondary = (vals.astype(object) == SECONDARY).to_numpy(dtype=bool)
    g["value"] = pd.to_numeric(vals.where(~pd.Series(hidden, index=vals.index)), errors="coerce").to_numpy()
    return g, hidden, secondary


def lsoa_map(boundaries, lsoa: pd.DataFrame, column: str, gap_codes, min_count: int, attribution: str = "",
             scheme: str = "NaturalBreaks", k: int = 5):
    """A choropleth of ``column`` of the published LSOA table — ``ed_assaults`` (hidden counts drawn
    as hidden, zeros as "None") or ``police_violence`` — with the LSOAs of ``gap_codes`` outlined.

    Parameters
    ----------
    boundaries : GeoDataFrame
        LSOA polygons indexed by lsoa_code (EPSG:27700).
    lsoa : DataFrame
        The published table (lsoa_code, ed_assaults, police_violence).
    column : str
    gap_codes : list of str
        The LSOAs with many ED assaults but little police-recorded violence.
    min_count : int
    attribution, scheme, k
        The boundary attribution; the classification.

    Returns
    -------
    matplotlib.figure.Figure
    """
    from .maps import choropleth
    g, hidden, secondary = _map_frame(boundaries, lsoa, column)
    groups = {}
    if column == "ed_assaults":
        zero = (g["value"] == 0).to_numpy(dtype=bool)
        g.loc[zero | hidden, "value"] = float("nan")
        groups = {"None": zero,
                  f"Hidden so that totals cannot reveal a count below {min_count} ([c])": secondary}
        legend, missing = "ED assault attendances", f"Fewer than {min_count} (not shown)"
    else:
        legend, missing = "Police-recorded violence", "No data"
    kk = int(max(1, min(k, g["value"].dropna().nunique())))
    fig = choropleth(g, "value", scheme=scheme, k=kk, legend_title=legend, missing_label=missing,
                     missing_groups=groups or None, attribution=attribution)
    ax = fig.axes[0]
    gap = boundaries[boundaries.index.astype(str).isin([str(c) for c in gap_codes])]
    if len(gap):
        from matplotlib.lines import Line2D
        gap.boundary.plot(ax=ax, color=GAP_EDGE, linewidth=1.8)
        key = ax.get_legend()   # the classes' key, with the outline added at its end
        line = Line2D([0], [0], color=GAP_EDGE, linewidth=1.8)
        label = "Many ED assaults, little police-recorded violence"
        if key is not None:
            size = key.get_texts()[0].get_fontsize() if key.get_texts() else 7.5
            ax.legend(handles=[*key.legend_handles, line], labels=[*(t.get_text() for t in key.get_texts()), label],
                      title=key.get_title().get_text() or None, loc="upper left", bbox_to_anchor=(1.01, 1.0),
                      fontsize=size, title_fontsize=size, frameon=False)
        else:
            ax.legend(handles=[line], labels=[label], loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=7.5,
                      frameon=False)
    return fig


def when_figure(profile: pd.DataFrame):
    """Bars: ED assault attendances by time of day and by day of the week (published counts; a
    hidden count is left out, and so is "Time not known").

    Parameters
    ----------
    profile : DataFrame
        The published profile (breakdown, category, attendances, share).

    Returns
    -------
    matplotlib.figure.Figure
    """
    fig, axes = plt.subplots(1, 2, figsize=(10.0, 3.6), gridspec_kw={"width_ratios": [6, 7]})
    for ax, key, title in ((axes[0], "time", "Time of day"), (axes[1], "day", "Day of the week")):
        p = profile[(profile["breakdown"] == key) & (profile["category"] != "Time not known")]
        p = p[~p["attendances"].map(is_hidden)]
        ax.bar(p["category"].astype(str), p["attendances"].astype(float), color=PALETTE[0])
        ax.set_title(title, fontsize=10)
        ax.set_ylabel("Attendances")
        ax.tick_params(axis="x", labelrotation=45, labelsize=8)
        for lab in ax.get_xticklabels():
            lab.set_horizontalalignment("right")
        ax.spines[["top", "right"]].set_visible(False)
    fig.tight_layout()
    return fig
