"""Chapter 3's figures: the concentration curve, the crime-type mix and the map of where offenders live.

Each function takes the chapter's data (:class:`~assessment.chapters.offenders.OffendersResult`'s
tables) and returns a matplotlib figure; the titles and alt text are
:mod:`assessment.words.offenders`, and :meth:`assessment.workbook.Run.figure` saves and closes the
figure.  The map draws from the *published* ward table, so it discloses no more than the table.
"""
from __future__ import annotations

import math

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.patches import Patch

from ..disclosure import SECONDARY
from ..errors import require_columns
from ..rounding import pct
from ..words.offenders import pct_label
from .style import PALETTE, SEQUENTIAL

__all__ = ["lorenz_figure", "crime_mix_figure", "ward_polygons", "ward_map"]


def _pct(x) -> str:
    return pct(x)


def lorenz_figure(curve: pd.DataFrame, table: pd.DataFrame | None = None, gini_value: float | None = None):
    """The concentration curve with the top-p% groups marked and labelled, and the equality line.

    Each group is marked at its actual share of offenders (⌈p·N⌉/N, which is above p when N is
    small) so the marks sit on the curve; groups that coincide share one label.

    Parameters
    ----------
    curve : DataFrame
        ``OffendersResult.curve`` (:func:`assessment.stats.offenders.concentration_curve`).
    table : DataFrame, optional
        ``OffendersResult.concentration``: the groups to mark (suppressed groups are not marked).
    gini_value : float, optional
        ``OffendersResult.gini``, printed on the chart.

    Returns
    -------
    matplotlib.figure.Figure
    """
    fig, ax = plt.subplots(figsize=(6.4, 5.2))
    ax.plot(curve["offenders_share"] * 100, curve["crimes_share"] * 100, color=PALETTE[0], lw=2.2,
            label="Offenders ranked from most to fewest crimes")
    ax.plot([0, 100], [0, 100], color=PALETTE[4], lw=1, ls="--", label="Equal shares (every offender alike)")
    n = len(curve) - 1
    if table is not None and n > 0:
        points: dict = {}
        for p, r in table.iterrows():
            if pd.isna(r["share_linked"]):
                continue
            points.setdefault(int(r["offenders"]), []).append((p, float(r["share_linked"])))
        for k, items in points.items():
            x, y = k / n * 100, items[0][1] * 100
            ax.plot(x, y, "o", color=PALETTE[2], ms=6)
            names = " and ".join(pct_label(p) for p, _ in items)
            ax.annotate(f"Top {names}: {_pct(items[0][1])}", (x, y), xytext=(8, -4), textcoords="offset points",
                        fontsize=8.5, va="top")
        ax.plot([], [], "o", color=PALETTE[2], ms=6, label="Top 1%, 5%, 10%, 20% of offenders")
    ax.set_xlim(0, 100)
    ax.set_ylim(0, 101)
    ax.set_xlabel("Share of offenders (%), most prolific first")
    ax.set_ylabel("Share of offender-linked crimes (%)")
    ax.grid(axis="both")
    if gini_value is not None and not math.isnan(gini_value):
        ax.text(98, 4, f"Gini = {gini_value:.2f}", ha="right", fontsize=9)
    ax.legend(loc="lower right", bbox_to_anchor=(1, 0.08), fontsize=8.5)
    fig.tight_layout()
    return fig


def crime_mix_figure(mix: pd.DataFrame, p: float = 0.10, n: int = 10):
    """Paired horizontal bars: share of each crime type for the top ``p`` (solid) and the rest (hatched).

    Parameters
    ----------
    mix : DataFrame
        ``OffendersResult.mix``, the published table; types whose shares are suppressed are left out.
    p : float
        The top group (``OffendersResult.mix_share``), for the legend.
    n : int
        How many crime types to draw (largest combined share first).

    Returns
    -------
    matplotlib.figure.Figure
    """
    m = mix.copy()
    for c in ("top_share", "rest_share"):
        m[c] = pd.to_numeric(m[c], errors="coerce")
    m = m[m["top_share"].notna() | m["rest_share"].notna()]
    m = m.reindex((m["top_share"].fillna(0) + m["rest_share"].fillna(0)).sort_values(ascending=False).index).head(n)
    m = m.iloc[::-1]
    y = np.arange(len(m))
    fig, ax = plt.subplots(figsize=(8, 0.5 * len(m) + 1.4))
    h = 0.38
    ax.barh(y + h / 2, m["top_share"].fillna(0) * 100, height=h, color=PALETTE[0],
            label=f"Top {pct_label(p)} of offenders")
    ax.barh(y - h / 2, m["rest_share"].fillna(0) * 100, height=h, color=PALETTE[1], hatch="//",
            edgecolor="white", label="Other offenders")
    for yy, (a, b) in enumerate(zip(m["top_share"], m["rest_share"])):
        if pd.notna(a):
            ax.annotate(_pct(float(a)), (a * 100, yy + h / 2), xytext=(3, 0), textcoords="offset points",
                        va="center", fontsize=8)
        if pd.notna(b):
            ax.annotate(_pct(float(b)), (b * 100, yy - h / 2), xytext=(3, 0), textcoords="offset points",
                        va="center", fontsize=8)
    ax.set_yticks(y, [str(i) for i in m.index])
    ax.set_xlabel("Share of the group's offender-linked crimes (%)")
    ax.grid(axis="x")
    ax.grid(axis="y", visible=False)
    top = np.nanmax(np.r_[m["top_share"].fillna(0).to_numpy(), m["rest_share"].fillna(0).to_numpy(), 0.01]) * 100
    ax.set_xlim(0, top * 1.18)
    ax.legend(loc="lower right", fontsize=9)
    fig.tight_layout()
    return fig


def ward_polygons(boundaries, lsoas: pd.DataFrame):
    """Ward polygons: the LSOA boundaries dissolved by the lookup's ``ward_code``.

    Parameters
    ----------
    boundaries : GeoDataFrame
        LSOA polygons indexed by lsoa_code.
    lsoas : DataFrame
        The LSOA table (indexed by lsoa_code) with ``ward_code``.

    Returns
    -------
    GeoDataFrame
        One row per ward: ``ward_code`` and its geometry.

    >>> import geopandas as gpd, pandas as pd
    >>> from shapely.geometry import box
    >>> b = gpd.GeoDataFrame(geometry=[box(0, 0, 1, 1), box(1, 0, 2, 1)], crs=27700,
    ...                      index=pd.Index(["L1", "L2"], name="lsoa_code"))
    >>> w = ward_polygons(b, pd.DataFrame({"ward_code": ["W1", "W1"]}, index=b.index))
    >>> w["ward_code"].tolist(), float(w.area.iloc[0])
    (['W1'], 2.0)
    """
    require_columns(lsoas, ["ward_code"], "LSOA table")
    g = boundaries[["geometry"]].join(lsoas[["ward_code"]].astype({"ward_code": "string"}), how="inner")
    g = g[g["ward_code"].notna()]
    return g.dissolve(by="ward_code").reset_index()


def ward_map(wards: pd.DataFrame, boundaries, lsoas: pd.DataFrame, min_count: int = 5,
             attribution: str | None = None, label_top: int = 5):
    """Choropleth of offenders by home ward, from the *published* ward table.

    Ward polygons are the LSOA boundaries dissolved by ward (:func:`ward_polygons`), classed by
    Fisher–Jenks natural breaks with :func:`assessment.figures.maps.choropleth` (a plain geopandas
    fallback when that module is absent); the ``label_top`` wards with most offenders are named.
    Suppressed wards are hatched and not coloured, so the map discloses no more than the table:
    a ward below the threshold ("<5") is drawn as "Fewer than 5", a ward hidden only so that a
    total cannot reveal another ("[c]", secondary suppression — its count may be large) has a
    class of its own.

    Parameters
    ----------
    wards : DataFrame
        ``OffendersResult.wards`` (ward_code, ward_name, offenders).
    boundaries : GeoDataFrame
        LSOA polygons indexed by lsoa_code.
    lsoas : DataFrame
        The LSOA table with ``ward_code``.
    min_count : int
        The disclosure threshold, for the legend.
    attribution : str, optional
        The boundary data's attribution, printed under the map.
    label_top : int
        How many wards to name.

    Returns
    -------
    matplotlib.figure.Figure or None
        None when every ward is suppressed (nothing to map).
    """
    g = ward_polygons(boundaries, lsoas)
    w = wards[wards["ward_code"].notna()][["ward_code", "ward_name", "offenders"]].copy()
    w["ward_code"] = w["ward_code"].astype("string")
    g = g.merge(w, on="ward_code", how="left")
    hidden = g["offenders"].map(lambda v: isinstance(v, str)).to_numpy(dtype=bool)
    secondary = (g["offenders"].astype(object) == SECONDARY).to_numpy(dtype=bool)
    small_label = f"Fewer than {min_count} (not shown)"
    secondary_label = f"Hidden so that totals cannot reveal a count below {min_count} ([c])"
    g["Offenders"] = pd.to_numeric(g["offenders"].where(~hidden), errors="coerce").astype(float)
    g = g.drop(columns=["offenders"])
    shown = g[~hidden & g["Offenders"].notna()]
    if shown.empty:
        return None
    try:
        from .maps import choropleth  # here, not at the top: without maps the plain fallback below draws (tested)
    except ImportError:
        choropleth = None
    if choropleth is not None:
        k = int(min(5, shown["Offenders"].nunique()))
        return choropleth(g, "Offenders", scheme="NaturalBreaks", k=k, label_top=label_top,
                          label_column="ward_name", legend_title="Offenders living in the ward",
                          attribution=attribution or "", missing_label=small_label,
                          missing_groups={secondary_label: secondary})
    fig, ax = _ward_map_fallback(shown, label_top, attribution)
    if hidden.any():
        leg = ax.get_legend()
        handles = []
        for mask, hatch, label in ((hidden & ~secondary, "..", small_label), (secondary, "xx", secondary_label)):
            if mask.any():
                g[mask].plot(ax=ax, facecolor="white", hatch=hatch, edgecolor="#555555", linewidth=0.5)
                handles.append(Patch(facecolor="white", hatch=hatch, edgecolor="#555555", label=label))
        ax.legend(handles=handles, loc="upper right", fontsize=8)
        if leg is not None:
            ax.add_artist(leg)
    return fig


def _ward_map_fallback(shown, label_top: int, attribution: str | None):
    import mapclassify  # heavy, and only for this fallback drawing (maps normally classifies)
    fig, ax = plt.subplots(figsize=(7, 7))
    ax.set_axis_off()
    if len(shown):
        vals = shown["Offenders"].to_numpy()
        uniq = np.unique(vals)
        bins = uniq if len(uniq) <= 5 else mapclassify.FisherJenks(vals, k=5).bins
        cls = np.searchsorted(bins, vals, side="left")
        colors = plt.get_cmap(SEQUENTIAL)(np.linspace(0.15, 0.9, len(bins)))
        shown.plot(ax=ax, color=[colors[c] for c in cls], edgecolor="#555555", linewidth=0.5)
        handles, _lo = [], None
        for i, hi in enumerate(bins):
            lo_i = vals.min() if i == 0 else np.floor(bins[i - 1]) + 1
            text = f"{hi:,.0f}" if len(uniq) <= 5 or lo_i >= hi else f"{lo_i:,.0f}–{hi:,.0f}"
            handles.append(Patch(facecolor=colors[i], edgecolor="#555555", label=text))
        ax.legend(handles=handles, title="Offenders living in the ward", loc="lower left", fontsize=8,
                  bbox_to_anchor=(0, -0.12))
        top = shown.sort_values(["Offenders", "ward_name"], ascending=[False, True]).head(label_top)
        for _, r in top.iterrows():
            pt = r.geometry.representative_point()
            ax.annotate(str(r["ward_name"]), (pt.x, pt.y), ha="center", fontsize=8,
                        bbox={"boxstyle": "round,pad=0.2", "fc": "white", "ec": "none", "alpha": 0.8})
    if attribution:
        ax.annotate(attribution, (1, -0.02), xycoords="axes fraction", ha="right", va="top", fontsize=7)
    return fig, ax
