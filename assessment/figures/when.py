"""Chapter 6's charts: the months against their usual level, and day-of-week × hour heatmaps.

Data in (from :func:`assessment.chapters.when.analyse`), figure out; titles and alt text are
:mod:`assessment.words.when`.  Colour never carries meaning alone: months above their usual level
are starred as well as dark, and the busiest cell of a heatmap is outlined and labelled.
"""
from __future__ import annotations

import calendar
import math

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.patches import Rectangle

from .style import PALETTE, SEQUENTIAL, thousands

WEEKDAYS_SHORT = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]


def monthly_figure(profile: pd.DataFrame, label: str = "This year"):
    """Bars of the period's monthly counts with the usual level as a line; months significantly
    above it dark and starred.

    Parameters
    ----------
    profile : DataFrame
        One crime group's rows of ``WhenResult.monthly`` (month, count, usual, above), in period order.
    label : str
        The period's label, for the legend.
    """
    fig, ax = plt.subplots(figsize=(8, 3.6))
    x = np.arange(len(profile))
    above = profile["above"].to_numpy(dtype=bool)
    counts = profile["count"].fillna(0).to_numpy()
    colors = [PALETTE[0] if a else "#8fa9c4" for a in above]
    ax.bar(x, counts, color=colors, width=0.7, label=label)
    if profile["usual"].notna().any():
        ax.plot(x, profile["usual"].to_numpy(), color=PALETTE[3], lw=2, marker="o", ms=4, ls="--",
                label="Usual level (same month, earlier years)")
    top = np.nanmax(np.r_[counts, profile["usual"].fillna(0).to_numpy(), 1])
    for i in np.flatnonzero(above):
        ax.text(x[i], counts[i] + top * 0.02, "*", ha="center", va="bottom", fontsize=13, color=PALETTE[0])
    ax.set_xticks(x, [calendar.month_abbr[int(m)] for m in profile["month"]])
    ax.set_ylim(0, top * 1.25)
    ax.set_ylabel("Crimes per month")
    thousands(ax)
    handles, labels = ax.get_legend_handles_labels()
    if above.any():
        handles.append(Rectangle((0, 0), 1, 1, color=PALETTE[0]))
        labels.append("* significantly above usual")
    ax.legend(handles, labels, loc="upper left", ncols=3, fontsize=8.5)
    fig.tight_layout()
    return fig


def _heatmap(ax, grid: pd.DataFrame, title: str | None = None, small: bool = False):
    """One weekday × hour heatmap on ``ax``; the busiest cell outlined (ties: the earliest)."""
    values = grid.reindex(index=range(7), columns=range(24), fill_value=0).to_numpy(dtype=float)
    im = ax.imshow(values, cmap=SEQUENTIAL, aspect="auto", vmin=0, vmax=max(values.max(), 1))
    ax.set_yticks(range(7), WEEKDAYS_SHORT, fontsize=7 if small else 9)
    step = 3 if small else 2
    ax.set_xticks(range(0, 24, step), [f"{h:02d}" for h in range(0, 24, step)], fontsize=7 if small else 8)
    ax.grid(False)
    for s in ax.spines.values():
        s.set_visible(False)
    if values.max() > 0:
        d, h = divmod(int(np.argmax(values)), 24)
        ax.add_patch(Rectangle((h - 0.5, d - 0.5), 1, 1, fill=False, ec=PALETTE[3], lw=2.2))
    if title:
        ax.set_title(title, fontsize=9 if small else 11, loc="left")
    return im


def heatmap_figure(grid: pd.DataFrame):
    """A weekday (rows) × hour (columns) heatmap of crimes with a time, with a colour bar."""
    fig, ax = plt.subplots(figsize=(8, 3.2))
    im = _heatmap(ax, grid)
    ax.set_xlabel("Hour of the day (00 = midnight to 00:59)")
    cb = fig.colorbar(im, ax=ax, fraction=0.025, pad=0.02)
    cb.set_label("Crimes", fontsize=9)
    cb.ax.yaxis.set_major_formatter(plt.FuncFormatter(lambda v, _: f"{v:,.0f}"))
    fig.tight_layout()
    return fig


def group_heatmaps(grids: dict, ncols: int = 2):
    """Small multiples: one heatmap per crime group (its own colour scale), titled with its name."""
    names = list(grids)
    nrows = max(1, math.ceil(len(names) / ncols))
    fig, axes = plt.subplots(nrows, ncols, figsize=(8, 1.9 * nrows + 0.3), squeeze=False)
    for ax, name in zip(axes.ravel(), names):
        _heatmap(ax, grids[name], title=str(name), small=True)
    for ax in axes.ravel()[len(names):]:
        ax.set_visible(False)
    fig.tight_layout()
    return fig
