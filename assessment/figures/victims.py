"""Chapter 4's charts: victims by number of crimes, and how soon repeats come.

Each function takes the published data of :class:`~assessment.chapters.victims.VictimsResult`
(its ``distribution`` or ``curves``) and returns a matplotlib figure; the titles are
:mod:`assessment.words.victims`'s and :meth:`assessment.workbook.Run.figure` saves the figure.

Example
-------
>>> import pandas as pd
>>> curve = pd.Series([0.5, 0.75, 0.75, 1.0], index=pd.RangeIndex(4, name="days"), name="share")
>>> fig = time_to_repeat_figure({"All crime": curve}, lookback_days=3, marks=(1, 2))
>>> [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
['If repeats were spread evenly over the year', 'All crime: 75.0%, 75.0% within 1 / 2 days']
>>> plt.close(fig)
"""
from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from ..chapters.victims import ALL_CRIME, DOMESTIC_ABUSE
from ..rounding import pct
from .style import PALETTE


def _pct(x) -> str:
    return "–" if x is pd.NA else pct(x)


def distribution_figure(dist: pd.DataFrame, subsets=(ALL_CRIME, DOMESTIC_ABUSE)):
    """Bars: share of victims with 1, 2, 3, 4, 5+ crimes in the period, for up to two subsets
    (solid and hatched, labelled with their percentages; suppressed bands are left out).

    Parameters
    ----------
    dist : DataFrame
        The published distribution (subset, crimes_per_victim, victims, share, pairs); a subset
        whose victims are all blank (withdrawn by the disclosure audit) is not drawn.
    subsets : iterable of str
        The subsets to draw, in order (solid, then hatched).

    Returns
    -------
    matplotlib.figure.Figure
    """
    withdrawn = {s for s, d in dist.groupby("subset") if d["victims"].isna().all()}  # by the disclosure audit
    subs = [s for s in subsets if s in set(dist["subset"]) and s not in withdrawn]
    fig, ax = plt.subplots(figsize=(7.5, 3.8))
    bands = list(dict.fromkeys(dist["crimes_per_victim"]))
    x = np.arange(len(bands))
    w = 0.8 / max(1, len(subs))
    for i, s in enumerate(subs):
        d = dist[dist["subset"] == s].set_index("crimes_per_victim").reindex(bands)
        share = pd.to_numeric(d["share"], errors="coerce").astype(float)
        xs = x - 0.4 + w * (i + 0.5)
        ax.bar(xs, share.fillna(0) * 100, width=w, color=PALETTE[i], hatch=None if i == 0 else "//",
               edgecolor="white", label=s)
        for xx, v in zip(xs, share):
            ax.annotate("<" if pd.isna(v) else _pct(v), (xx, 0 if pd.isna(v) else v * 100), xytext=(0, 2),
                        textcoords="offset points", ha="center", fontsize=8)
    ax.set_xticks(x, bands)
    ax.set_xlabel("Crimes against the victim in the 12 months")
    ax.set_ylabel("Share of victims (%)")
    ax.legend(fontsize=9)
    fig.tight_layout()
    return fig


def time_to_repeat_figure(curves: dict, lookback_days: int = 365, marks=(7, 30, 90),
                          subsets=(ALL_CRIME, DOMESTIC_ABUSE)):
    """Cumulative share of look-back repeats by days since the previous crime, for up to two
    subsets (solid / dashed lines, marked points at ``marks`` days with their values labelled),
    against a dotted grey even-spread line.

    Parameters
    ----------
    curves : dict
        Subset -> :func:`assessment.stats.repeats.repeat_curve` (``VictimsResult.curves``).
    lookback_days : int
        The look-back, in days (the x axis).
    marks : iterable of int
        Days marked on the lines.
    subsets : iterable of str
        The subsets to draw, in order.

    Returns
    -------
    matplotlib.figure.Figure
    """
    fig, ax = plt.subplots(figsize=(7.5, 4.2))
    ax.plot([0, lookback_days], [0, 100], color="#9e9e9e", lw=1.2, ls=":",
            label="If repeats were spread evenly over the year")
    shown = [s for s in subsets if s in curves and curves[s] is not None and not curves[s].empty]
    styles, markers = ["-", "--"], ["o", "s"]
    for i, name in enumerate(shown):
        curve = curves[name]
        colour = PALETTE[i]
        ms = [m for m in marks if m <= lookback_days]
        vals = [float(curve.iloc[m]) * 100 for m in ms]
        label = name + ": " + ", ".join(pct(v / 100) for v in vals) + " within " + " / ".join(str(m) for m in ms) + " days"
        ax.step(curve.index, curve.to_numpy() * 100, where="post", color=colour, ls=styles[i], lw=2, label=label)
        ax.plot(ms, vals, markers[i], color=colour, ms=5, ls="none")
        if i == 0:  # direct labels for the first line; the legend gives the second's values
            for j, (m, v) in enumerate(zip(ms, vals)):
                ax.annotate(f"{pct(v / 100)} within {m} days", (m, v), xytext=(14, -16 - 12 * j),
                            textcoords="offset points", fontsize=8, color=colour,
                            arrowprops={"arrowstyle": "-", "color": colour, "lw": 0.6})
    ax.set_xlim(0, lookback_days)
    ax.set_ylim(0, 101)
    ax.set_xlabel("Days since the victim's previous crime")
    ax.set_ylabel("Cumulative share of repeats (%)")
    ax.legend(loc="lower right", fontsize=8.5)
    fig.tight_layout()
    return fig
