"""Chapter 1's charts: the monthly trend with its rolling 12-month total, and the change by crime type.

Data in (from :func:`assessment.chapters.crime_in_the_area.analyse`), figure out; the titles and
alt text are :mod:`assessment.words.crime_in_the_area`.
"""
from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd

from ..rounding import signed_count, signed_pct
from ..stats.change import rolling_12
from .style import PALETTE, thousands


def trend_figure(monthly: pd.Series, title_area: str = ""):
    """Monthly counts (bars) with the rolling 12-month total (line, right axis).

    Parameters
    ----------
    monthly : Series
        Crimes per month (``result.monthly``).
    title_area : str
        Unused; kept for the old signature.

    Returns
    -------
    matplotlib.figure.Figure
    """
    fig, ax = plt.subplots(figsize=(8, 3.8))
    ax.bar(monthly.index, monthly.values, width=20, color=PALETTE[0], alpha=0.85, label="Crimes per month")
    ax.set_ylabel("Crimes per month")
    thousands(ax)
    roll = rolling_12(monthly)
    if roll.notna().any():
        ax2 = ax.twinx()
        ax2.plot(roll.index, roll.values, color=PALETTE[3], lw=2.2, ls="--", label="Rolling 12-month total")
        ax2.set_ylabel("Rolling 12-month total")
        ax2.spines["right"].set_visible(True)
        ax2.grid(False)
        thousands(ax2)
        _lo, hi = roll.min(), roll.max()
        ax2.set_ylim(0, hi * 1.15 if hi > 0 else 1)
        h1, l1 = ax.get_legend_handles_labels()
        h2, l2 = ax2.get_legend_handles_labels()
        ax.legend(h1 + h2, l1 + l2, loc="upper left", ncols=2, fontsize=9)
    else:
        ax.legend(loc="upper left", fontsize=9)
    ax.set_ylim(0, monthly.max() * 1.3 if monthly.max() > 0 else 1)
    ax.set_xlabel("")
    fig.tight_layout()
    return fig


def change_figure(table: pd.DataFrame, label_col: str | None = None, n: int = 12):
    """Horizontal bars of change against the previous 12 months, rises and falls labelled.

    Parameters
    ----------
    table : DataFrame
        A comparison table (``change``, ``change_pct``), e.g. ``result.types``.
    label_col : str, optional
        Unused; kept for the old signature (the bars are labelled by the table's index).
    n : int
        How many rows, the largest changes (either way) first.

    Returns
    -------
    matplotlib.figure.Figure
    """
    t = table.dropna(subset=["change"]).copy()
    t = t.reindex(t["change"].abs().sort_values(ascending=False).index).head(n).iloc[::-1]
    fig, ax = plt.subplots(figsize=(8, 0.38 * len(t) + 1.2))
    colors = [PALETTE[2] if v > 0 else PALETTE[1] for v in t["change"]]
    hatches = ["//" if v > 0 else "" for v in t["change"]]
    bars = ax.barh([str(i) for i in t.index], t["change"].astype(float), color=colors)
    for b, h in zip(bars, hatches):
        b.set_hatch(h)
        b.set_edgecolor("white")
    for y, (v, p) in enumerate(zip(t["change"], t["change_pct"])):
        txt = signed_count(v) + (f" ({signed_pct(p)})" if pd.notna(p) else "")
        ax.annotate(txt, (v, y), xytext=(4 if v >= 0 else -4, 0), textcoords="offset points",
                    ha="left" if v >= 0 else "right", va="center", fontsize=8.5)
    ax.axvline(0, color="#3D3D3D", lw=0.8)
    ax.grid(axis="x")
    ax.grid(axis="y", visible=False)
    lim = max(abs(t["change"].astype(float)).max(), 1) * 1.45
    ax.set_xlim(-lim, lim)
    ax.set_xlabel("Change in number of crimes (rises hatched)")
    fig.tight_layout()
    return fig
