"""Chapter 5's charts: the quarterly profile of the count targets and the areas' crime rates.

Each function takes the chapter's data (:mod:`assessment.chapters.performance`) and returns a
matplotlib figure; the titles and alt texts are :mod:`assessment.words.performance`.  Neither chart
relies on colour alone: the profiled target is a diamond beside a bar, the assessed area's bar is
labelled and bold, the comparator group hatched and the all-area rate a dashed, labelled line.
"""
from __future__ import annotations

import math

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from ..chapters.performance import ALL_CRIME, ComparisonResult
from .style import PALETTE


def profile_figure(profile: pd.DataFrame, max_panels: int = 6):
    """Small multiples: each count indicator's quarterly actual (bars) against its profiled target (diamonds).

    Parameters
    ----------
    profile : DataFrame
        :attr:`PerformanceResult.profile <assessment.chapters.performance.PerformanceResult>`
        (indicator, quarter, actual, profiled_target).
    max_panels : int
        At most this many indicators, in the profile's order.

    Returns
    -------
    matplotlib.figure.Figure
    """
    names = list(dict.fromkeys(profile["indicator"]))[:max_panels]
    ncol = 2 if len(names) > 1 else 1
    nrow = math.ceil(len(names) / ncol)
    fig, axes = plt.subplots(nrow, ncol, figsize=(8, 2.6 * nrow), squeeze=False)
    for ax, name in zip(axes.flat, names):
        p = profile[profile["indicator"] == name]
        x = np.arange(len(p))
        ax.bar(x, p["actual"].fillna(0), color=PALETTE[0], width=0.6, label="Actual")
        ax.plot(x, p["profiled_target"], ls="none", marker="D", color=PALETTE[3], ms=7, label="Profiled target")
        ax.set_xticks(x, [f"Q{q}" for q in p["quarter"]])
        ax.set_title(name, fontsize=10, loc="left")
        ax.set_ylim(0, max(p["actual"].max(skipna=True) if p["actual"].notna().any() else 0,
                           p["profiled_target"].max()) * 1.25 or 1)
    for ax in list(axes.flat)[len(names):]:
        ax.set_visible(False)
    handles, labels = axes.flat[0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="upper center", ncols=2, fontsize=9, bbox_to_anchor=(0.5, 1.0))
    fig.tight_layout(rect=(0, 0, 1, 0.95))
    return fig


def rate_figure(res: ComparisonResult, category: str = ALL_CRIME):
    """Horizontal bars of every area's rate per 1,000 residents.

    The assessed area dark and labelled, comparators hatched, the all-area rate as a dashed line
    (readable without colour).

    Parameters
    ----------
    res : ComparisonResult
        :func:`assessment.chapters.performance.comparison`'s result.
    category : str
        A category of ``res.table`` ("All crime" by default).

    Returns
    -------
    matplotlib.figure.Figure
    """
    t = res.table[res.table["category"] == category].dropna(subset=["rate_per_1000"])
    t = t.sort_values("rate_per_1000")
    fig, ax = plt.subplots(figsize=(8, max(3.0, 0.22 * len(t) + 1)))
    colors = [PALETTE[0] if a else ("#9ecae1" if c else "#c8c8c8") for a, c in zip(t["assessed"], t["comparator"])]
    bars = ax.barh(t["area"].astype(str), t["rate_per_1000"], color=colors, edgecolor="white")
    for b, c in zip(bars, t["comparator"]):
        if c:
            b.set_hatch("//")
    allr = t["all_area_rate"].iloc[0] if len(t) else np.nan
    if not pd.isna(allr):
        ax.axvline(allr, color="#3D3D3D", ls="--", lw=1.2)
        ax.annotate(f"All areas {allr:.1f}", (allr, len(t) - 0.5), xytext=(4, 0), textcoords="offset points",
                    fontsize=8.5, va="top")
    for y, (a, v) in enumerate(zip(t["assessed"], t["rate_per_1000"])):
        if a:
            ax.annotate(f"{v:.1f}", (v, y), xytext=(4, 0), textcoords="offset points", va="center",
                        fontsize=9, fontweight="bold")
            ax.get_yticklabels()[y].set_fontweight("bold")
    ax.tick_params(axis="y", labelsize=8)
    ax.set_xlabel("Crimes per 1,000 residents" + (" (comparator group hatched)" if res.comparators else ""))
    ax.grid(axis="x")
    ax.grid(axis="y", visible=False)
    fig.tight_layout()
    return fig
