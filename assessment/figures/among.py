"""Issue 15's charts for chapters 1 and 4: crime rate by IMD decile; ASB and domestic-abuse incidents per
12 months.  Data in (from :mod:`assessment.chapters.deprivation` and :mod:`assessment.chapters.asb_da`),
figure out; titles and alt text are :mod:`assessment.words.deprivation` and :mod:`assessment.words.asb_da`.

Example
-------
>>> import pandas as pd
>>> t = pd.DataFrame({"imd_decile": [1, 5], "rate_per_1000": [20.0, 10.0]})
>>> fig = decile_figure(t)
>>> [x.get_text() for x in fig.axes[0].get_xticklabels()]
['1\\nmost deprived', '5\\nleast deprived']
>>> plt.close(fig)
"""
from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from ..rounding import pct
from .style import PALETTE, thousands


def decile_figure(table: pd.DataFrame):
    """Bars: crimes per 1,000 residents in each IMD decile present, most deprived on the left, each
    bar labelled with its rate."""
    fig, ax = plt.subplots(figsize=(7.5, 3.6))
    d = table["imd_decile"].astype(int).tolist()
    r = pd.to_numeric(table["rate_per_1000"], errors="coerce").astype(float).to_numpy()
    x = np.arange(len(d))
    ax.bar(x, np.nan_to_num(r), color=PALETTE[0], width=0.7)
    for xx, v in zip(x, r):
        ax.annotate("–" if np.isnan(v) else f"{v:.1f}", (xx, 0 if np.isnan(v) else v), xytext=(0, 2),
                    textcoords="offset points", ha="center", fontsize=8)
    labels = [str(k) for k in d]
    if labels:
        labels[0] += "\nmost deprived"
        labels[-1] += "\nleast deprived" if len(labels) > 1 else ""
    ax.set_xticks(x, labels)
    ax.set_xlabel("IMD decile (England; 1 = most deprived 10% of LSOAs)")
    ax.set_ylabel("Crimes per 1,000 residents")
    fig.tight_layout()
    return fig


def yearly_figure(trend: pd.DataFrame, ylabel: str, share: str | None = None, share_label: str = ""):
    """A line of ``count`` per 12 months (each point labelled); with ``share`` (a column of fractions),
    a dashed second line on a right-hand axis in %."""
    fig, ax = plt.subplots(figsize=(7.5, 3.6))
    x = np.arange(len(trend))
    y = trend["count"].astype(float).to_numpy()
    ax.plot(x, y, marker="o", color=PALETTE[0], lw=2, label=ylabel)
    for xx, v in zip(x, y):
        ax.annotate(f"{v:,.0f}", (xx, v), xytext=(0, 6), textcoords="offset points", ha="center", fontsize=8)
    ax.set_xticks(x, trend["period"].astype(str).tolist())
    ax.set_ylabel(ylabel)
    ax.set_ylim(0, max(y.max() * 1.18, 1))
    thousands(ax)
    if share is not None and share in trend:
        s = pd.to_numeric(trend[share], errors="coerce").astype(float).to_numpy() * 100
        ax2 = ax.twinx()
        ax2.plot(x, s, marker="s", ls="--", color=PALETTE[3], lw=1.6, label=share_label)
        ax2.set_ylim(0, max(np.nanmax(s) * 1.3, 1) if np.isfinite(s).any() else 1)
        ax2.set_ylabel(share_label + " (%)")
        ax2.grid(False)
        h1, l1 = ax.get_legend_handles_labels()
        h2, l2 = ax2.get_legend_handles_labels()
        ax.legend(h1 + h2, l1 + [f"{lab} ({pct(s[-1] / 100)} last)" for lab in l2], fontsize=8, loc="lower left")
    fig.tight_layout()
    return fig
