"""The charts of chapter 7 (harm and near repeats): the Knox ratio grid.

The harm maps are :mod:`assessment.figures.maps`'s (choropleth, Gi* classes); titles and alt text
are :mod:`assessment.words.harm`'s.
"""
from __future__ import annotations

import math

import numpy as np
import pandas as pd


def knox_figure(table: pd.DataFrame, alpha: float = 0.05):
    """The Knox table as a grid: distance bands down, time bands across, each cell coloured by the
    ratio of observed to expected pairs (white at 1 or below, darker blue above), labelled with the
    ratio and the pairs, and outlined where p ≤ ``alpha`` — so colour is not the only carrier.  Cells of
    the open-ended last distance or time band are never outlined: they hold the pairs that are not
    close, whose excess only mirrors a shortfall elsewhere.

    Parameters
    ----------
    table : DataFrame
        One crime type's :attr:`KnoxResult.table <assessment.stats.near_repeat.KnoxResult>`
        (distance_band, time_band, observed, expected, ratio, p), distance bands outer.
    alpha : float
        The p-value at or below which a cell is outlined.

    Returns
    -------
    matplotlib.figure.Figure

    Example
    -------
    >>> t = pd.DataFrame({"distance_band": ["same place"] * 2 + ["1-100 m"] * 2, "time_band": ["0-7 days", "more"] * 2,
    ...                   "observed": [0, 2, 9, 1], "expected": [0.0, 1.5, 3.0, 2.0],
    ...                   "ratio": [float("nan"), 1.33, 3.0, 0.5], "p": [1.0, 0.4, 0.01, 0.9]})
    >>> len(knox_figure(t).axes[0].texts)
    4
    """
    import matplotlib.pyplot as plt  # heavy: matplotlib only when a figure is drawn
    from matplotlib.patches import Rectangle

    from .style import PALETTE  # style loads matplotlib: only when a figure is drawn
    rows = list(dict.fromkeys(table["distance_band"]))
    cols = list(dict.fromkeys(table["time_band"]))
    ratio = table["ratio"].to_numpy(dtype=float).reshape(len(rows), len(cols))
    obs = table["observed"].to_numpy().reshape(len(rows), len(cols))
    p = table["p"].to_numpy(dtype=float).reshape(len(rows), len(cols))
    shade = np.clip(np.nan_to_num(ratio, nan=1.0) - 1.0, 0, 1.0)       # 1 -> white, 2 or more -> darkest
    fig, ax = plt.subplots(figsize=(7.2, 0.55 * len(rows) + 1.6))
    cmap = plt.get_cmap("Blues")
    ax.imshow(0.85 * shade, cmap=cmap, vmin=0, vmax=1, aspect="auto")
    for r in range(len(rows)):
        for c in range(len(cols)):
            v = ratio[r, c]
            text = "–" if math.isnan(v) else f"{v:.2f}"
            colour = "white" if 0.85 * shade[r, c] > 0.55 else "#0B0C0C"
            ax.text(c, r, f"{text}\n({obs[r, c]:,} pairs)", ha="center", va="center", fontsize=8, color=colour)
            near = r < len(rows) - 1 and c < len(cols) - 1     # the open-ended "more than" bands only balance the rest
            if near and p[r, c] <= alpha and not math.isnan(v) and v > 1:
                ax.add_patch(Rectangle((c - 0.48, r - 0.48), 0.96, 0.96, fill=False, lw=2.2, ec=PALETTE[3]))
    ax.set_xticks(range(len(cols)), cols, fontsize=8.5)
    ax.set_yticks(range(len(rows)), rows, fontsize=8.5)
    ax.set_xlabel("Days apart")
    ax.set_ylabel("Distance apart")
    ax.tick_params(length=0)
    for s in ax.spines.values():
        s.set_visible(False)
    ax.grid(False)
    ax.set_title(f"Ratio of pairs to chance; outlined: close pairs more than chance (p ≤ {alpha:g})", fontsize=9,
                 loc="left")
    fig.tight_layout()
    return fig
