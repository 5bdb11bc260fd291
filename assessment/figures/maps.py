"""Choropleth maps for the report: classed (mapclassify) or categorical, legible at page size.

:func:`choropleth` is the one map function every chapter uses (hotspots by LSOA, where
offenders live by ward, ...).  Its signature is stable::

    choropleth(gdf, column, title=None, scheme="NaturalBreaks", k=5, label_top=0,
               label_column="lsoa_code", legend_title="", categorical=False, colors=None,
               ax=None, attribution="", hatches=None, order=None, fmt=None,
               missing_label="No data", figsize=(7.2, 6.4)) -> matplotlib.figure.Figure

Maps are north-up (the data's projected CRS, EPSG:27700 in the workbook) with a north arrow
and a scale bar, no axes, a legend with each class's range (and the number of areas in it),
optional labels for the top areas, and an attribution line (pass
``Dataset.boundary_attribution`` when real ONS boundaries are used).  Colour is never the only
carrier of meaning: categorical maps take ``hatches`` (the Gi* map hatches hot spots), and
sequential classes run light to dark so they read in greyscale.

Example
-------
>>> import geopandas as gpd
>>> from shapely.geometry import box
>>> g = gpd.GeoDataFrame({"count": [1, 5, 9, 20]}, geometry=[box(i, 0, i + 1, 1) for i in range(4)],
...                      index=pd.Index(list("ABCD"), name="lsoa_code"), crs=27700)
>>> fig = choropleth(g, "count", scheme="Quantiles", k=2, label_top=1, legend_title="Crimes")
>>> [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
['1 – 7 (2)', '8 – 20 (2)']
"""
from __future__ import annotations

import math
import warnings

import numpy as np
import pandas as pd

from ..errors import AssessmentError
from ..stats.gistar import (
    COLD_90,
    COLD_95,
    COLD_99,
    GI_CLASSES,
    HOT_90,
    HOT_95,
    HOT_99,
    HOT_AT,
    NO_GEOMETRY,
    NO_NEIGHBOURS,
    NO_VARIATION,
    NOT_SIGNIFICANT,
)

#: scheme names accepted by :func:`classify` (case-insensitive) -> mapclassify class name
SCHEMES = {
    "naturalbreaks": "FisherJenks", "fisherjenks": "FisherJenks", "quantiles": "Quantiles",
    "equalinterval": "EqualInterval", "headtailbreaks": "HeadTailBreaks", "boxplot": "BoxPlot",
    "percentiles": "Percentiles", "stdmean": "StdMean", "maximumbreaks": "MaximumBreaks",
    "jenkscaspall": "JenksCaspall", "prettybreaks": "PrettyBreaks",
}
SEQUENTIAL_RANGE = (0.18, 0.95)   # where on the colour map the lightest / darkest class sits
MISSING_COLOR = "#ffffff"
MISSING_HATCH = "...."
#: hatches of further classes of areas without a value (``missing_groups`` of :func:`choropleth`)
GROUP_HATCHES = ["xxx", "\\\\\\", "+++"]
EDGE = "#7f7f7f"


def classify(values, scheme: str = "NaturalBreaks", k: int = 5) -> np.ndarray:
    """Upper bounds of the classes for ``values`` (NaN ignored), strictly increasing.

    "NaturalBreaks" is the Fisher–Jenks optimal classification (``mapclassify.FisherJenks``,
    deterministic; above 1,000 values it runs on 1,000 evenly spaced order statistics).  Any
    other mapclassify scheme name in :data:`SCHEMES` may be given.  When there are no more
    distinct values than ``k``, each distinct value is its own class.

    Example
    -------
    >>> classify([1, 2, 3, 10, 11, 30], "NaturalBreaks", k=3).tolist()
    [3.0, 11.0, 30.0]
    >>> classify([0, 0, 0, 1, 1], k=5).tolist()
    [0.0, 1.0]
    """
    import mapclassify  # heavy (~1.5 s): only when a map is classed
    key = str(scheme).replace("_", "").replace(" ", "").lower()
    if key not in SCHEMES:
        raise AssessmentError(f"map scheme: expected one of {', '.join(sorted(set(SCHEMES.values())))} "
                              f"(or NaturalBreaks), found {scheme!r}")
    if not isinstance(k, (int, np.integer)) or k < 1:
        raise AssessmentError(f"map classes: expected a whole number of 1 or more, found {k!r}")
    y = np.asarray(pd.to_numeric(pd.Series(values), errors="coerce"), dtype=float)
    y = y[~np.isnan(y)]
    if len(y) == 0:
        return np.array([], dtype=float)
    uniq = np.unique(y)
    if len(uniq) <= k:
        return uniq.astype(float)
    cls = getattr(mapclassify, SCHEMES[key])
    sample = y
    if SCHEMES[key] == "FisherJenks" and len(y) > 1000:
        sample = np.quantile(np.sort(y), np.linspace(0, 1, 1000), method="inverted_cdf")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        kw = {} if SCHEMES[key] in ("HeadTailBreaks", "BoxPlot", "StdMean", "Percentiles") else {"k": int(k)}
        bins = np.asarray(cls(sample, **kw).bins, dtype=float)
    bins = bins[np.isfinite(bins)]
    if np.all(np.equal(np.mod(y, 1), 0)):
        bins = np.floor(bins)            # whole-number data: class ranges in whole numbers
    bins = np.unique(bins)
    bins = bins[bins < y.max()]
    return np.r_[bins, y.max()].astype(float)


def assign(values, bins) -> np.ndarray:
    """Class index of each value: i where bins[i-1] < v ≤ bins[i]; -1 for NaN.

    >>> assign([0, 3, 4, 30, float("nan")], [3.0, 11.0, 30.0]).tolist()
    [0, 0, 1, 2, -1]
    """
    y = np.asarray(pd.to_numeric(pd.Series(values), errors="coerce"), dtype=float)
    out = np.searchsorted(np.asarray(bins, dtype=float), y, side="left")
    out = np.minimum(out, max(len(bins) - 1, 0))
    out[np.isnan(y)] = -1
    return out


def class_labels(values, bins, fmt: str | None = None) -> list[str]:
    """Legend label of each class: 'low – high'; whole-number data get whole-number ranges.

    >>> class_labels([0, 3, 4, 30], [3.0, 11.0, 30.0])
    ['0 – 3', '4 – 11', '12 – 30']
    >>> class_labels([0.5, 2.25, 9.0], [2.25, 9.0], fmt="{:.1f}")
    ['0.5 – 2.2', '2.2 – 9.0']
    """
    y = np.asarray(pd.to_numeric(pd.Series(values), errors="coerce"), dtype=float)
    y = y[~np.isnan(y)]
    if len(bins) == 0:
        return []
    integral = bool(len(y)) and np.all(np.equal(np.mod(y, 1), 0)) and np.all(np.equal(np.mod(bins, 1), 0))
    lo = float(y.min()) if len(y) else float(bins[0])
    labels = []
    for i, hi in enumerate(bins):
        a = lo if i == 0 else (bins[i - 1] + 1 if integral else bins[i - 1])
        if integral:
            a, b = int(a), int(hi)
            labels.append(f"{a:,}" if a == b else f"{a:,} – {b:,}")
        else:
            f = fmt or "{:,.1f}"
            labels.append(f"{f.format(a)} – {f.format(hi)}")
    return labels


def _sequential_colors(n: int, cmap_name: str):
    import matplotlib  # heavy: matplotlib only when a figure is drawn
    cmap = matplotlib.colormaps[cmap_name]
    if n == 1:
        return [cmap(SEQUENTIAL_RANGE[1] * 0.75)]
    return [cmap(x) for x in np.linspace(SEQUENTIAL_RANGE[0], SEQUENTIAL_RANGE[1], n)]


def _ink(color) -> str:
    """Black or white, whichever reads on ``color`` (for hatching and labels)."""
    from matplotlib.colors import to_rgb  # heavy: matplotlib only when a figure is drawn
    r, g, b = to_rgb(color)
    return "#000000" if (0.299 * r + 0.587 * g + 0.114 * b) > 0.55 else "#ffffff"


class _NoIdleDraw:
    """Within ``with _NoIdleDraw(fig):`` the figure's ``canvas.draw_idle`` does nothing.

    ``GeoDataFrame.plot`` ends with ``canvas.draw_idle()``, which on the Agg canvas
    (scripts, papermill kernels) renders the whole figure at once: a map drawn class
    by class was rendered 8-16 times before ``savefig`` rendered it again, which cost
    most of a map's time.  Nothing on the figure depends on those early renders, so
    the saved image is the same.
    """

    def __init__(self, fig):
        self.canvas = fig.canvas

    def __enter__(self):
        self.saved = self.canvas.__dict__.get("draw_idle")
        self.canvas.draw_idle = lambda *a, **k: None
        return self

    def __exit__(self, *exc):
        if self.saved is None:
            self.canvas.__dict__.pop("draw_idle", None)
        else:
            self.canvas.draw_idle = self.saved
        return False


def _draw(ax, gdf, color, hatch=None, linewidth=0.35):
    if gdf.empty:
        return
    with _NoIdleDraw(ax.figure):
        gdf.plot(ax=ax, color=color, edgecolor=EDGE, linewidth=linewidth)
        if hatch:
            gdf.plot(ax=ax, facecolor="none", edgecolor=EDGE, hatch=hatch, linewidth=0,
                     hatchcolor=_ink(color))


def choropleth(gdf, column: str, title: str | None = None, scheme: str = "NaturalBreaks", k: int = 5,
               label_top: int = 0, label_column: str = "lsoa_code", legend_title: str = "",
               categorical: bool = False, colors=None, ax=None, attribution: str = "", hatches: dict | None = None,
               order: list | None = None, fmt: str | None = None, missing_label: str = "No data",
               missing_groups: dict | None = None, figsize=(7.2, 6.4)):
    """A choropleth map of ``column`` of ``gdf``; returns the matplotlib Figure.

    Parameters
    ----------
    gdf : GeoDataFrame
        One row per area (LSOA, ward, ...), in a projected CRS in metres (EPSG:27700) for a
        scale bar; north is up.
    column : str
        The value to map.  Numeric unless ``categorical``.
    title : str, optional
        A title drawn on the map itself (usually left None: ``Run.figure`` adds the caption).
    scheme, k : str, int
        Classification (see :func:`classify`): "NaturalBreaks" (Fisher–Jenks, default),
        "Quantiles", "EqualInterval", "HeadTailBreaks", ... and the number of classes.
    label_top : int
        Label the ``label_top`` areas with the highest values with their ``label_column``
        (the index name, e.g. ``lsoa_code``, or any column such as ``lsoa_name``).
    legend_title : str
        Heading of the legend (e.g. "Crimes", "Crimes per 1,000 residents").
    categorical : bool
        Map categories (strings) instead of classed numbers; ``order`` lists the categories
        in legend order (default: sorted), ``colors`` maps category -> colour.
    colors : str or dict, optional
        Sequential maps: a matplotlib colour-map name (default ``plots.SEQUENTIAL``).
        Categorical maps: ``{category: colour}`` (default: the accessible palette).
    ax : matplotlib Axes, optional
        Draw into this axes (its figure is returned).
    attribution : str
        Text printed under the map (e.g. "Contains National Statistics data © Crown copyright
        and database right; contains OS data © Crown copyright ...").
    hatches : dict, optional
        ``{category: hatch}`` (categorical) or ``{class index: hatch}`` so that meaning is not
        carried by colour alone.
    fmt : str, optional
        Number format of the legend ranges for non-integer data (default "{:,.1f}").
    missing_label : str
        Legend label for areas with no value (drawn white with dots).
    missing_groups : dict, optional
        ``{label: mask}``: areas with no value for a reason of their own, each drawn white with a
        hatch of its own (:data:`GROUP_HATCHES`) under its own legend label instead of
        ``missing_label`` (e.g. counts hidden by secondary suppression, which are not small).
        ``mask`` is a boolean sequence aligned with the rows of ``gdf``.

    Returns
    -------
    matplotlib.figure.Figure

    Example
    -------
    >>> import geopandas as gpd
    >>> from shapely.geometry import box
    >>> g = gpd.GeoDataFrame({"cls": ["Hot", "Not", "Not"]}, geometry=[box(i, 0, i + 1, 1) for i in range(3)], crs=27700)
    >>> fig = choropleth(g, "cls", categorical=True, colors={"Hot": "#cb181d", "Not": "#e6e6e6"},
    ...                  hatches={"Hot": "///"}, order=["Hot", "Not"])
    >>> [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    ['Hot (1)', 'Not (2)']
    """
    import matplotlib.pyplot as plt  # heavy: matplotlib only when a figure is drawn
    from matplotlib.patches import Patch

    from .style import PALETTE, SEQUENTIAL  # style loads matplotlib: only when a figure is drawn
    if column not in gdf.columns:
        raise AssessmentError(f"map: expected a column {column!r}, found {', '.join(map(str, gdf.columns))}")
    if gdf.geometry is None or len(gdf) == 0:
        raise AssessmentError("map: expected areas with geometry, found none")
    if ax is None:
        fig, ax = plt.subplots(figsize=figsize)
    else:
        fig = ax.figure
    hatches = hatches or {}
    handles = []
    values = gdf[column]
    if categorical:
        cats = list(order) if order is not None else sorted(values.dropna().astype(str).unique())
        unknown = sorted(set(values.dropna().astype(str)) - set(cats))
        if unknown:
            raise AssessmentError(f"map: column {column!r} has categories not in the legend order: {unknown[:3]}")
        cmap = colors if isinstance(colors, dict) else {c: PALETTE[i % len(PALETTE)] for i, c in enumerate(cats)}
        for c in cats:
            sub = gdf[values.astype("string") == c]
            col = cmap.get(c, "#cccccc")
            _draw(ax, sub, col, hatches.get(c))
            handles.append(Patch(facecolor=col, edgecolor=EDGE, hatch=hatches.get(c), linewidth=0.5,
                                 hatchcolor=_ink(col), label=f"{c} ({len(sub)})"))
        missing = values.isna()
    else:
        num = pd.to_numeric(values, errors="coerce").astype(float)
        bins = classify(num, scheme, k)
        idx = assign(num, bins)
        labels = class_labels(num, bins, fmt)
        pal = _sequential_colors(len(bins), colors if isinstance(colors, str) else SEQUENTIAL)
        for i, (lab, col) in enumerate(zip(labels, pal)):
            sub = gdf[idx == i]
            _draw(ax, sub, col, hatches.get(i))
            handles.append(Patch(facecolor=col, edgecolor=EDGE, hatch=hatches.get(i), linewidth=0.5,
                                 hatchcolor=_ink(col), label=f"{lab} ({len(sub)})"))
        missing = pd.Series(idx == -1, index=gdf.index)
    missing = np.asarray(missing, dtype=bool)
    groups = []
    for i, (label, mask) in enumerate((missing_groups or {}).items()):
        m = missing & np.asarray(mask, dtype=bool)
        missing = missing & ~m
        groups.append((label, m, GROUP_HATCHES[i % len(GROUP_HATCHES)]))
    if missing.any():
        _draw(ax, gdf[missing], MISSING_COLOR, MISSING_HATCH)
        handles.append(Patch(facecolor=MISSING_COLOR, edgecolor=EDGE, hatch=MISSING_HATCH, linewidth=0.5,
                             hatchcolor="#000000", label=f"{missing_label} ({int(missing.sum())})"))
    for label, m, hatch in groups:
        if m.any():
            _draw(ax, gdf[m], MISSING_COLOR, hatch)
            handles.append(Patch(facecolor=MISSING_COLOR, edgecolor=EDGE, hatch=hatch, linewidth=0.5,
                                 hatchcolor="#000000", label=f"{label} ({int(m.sum())})"))
    if label_top and not categorical:
        _label_top(ax, gdf, column, label_top, label_column)
    ax.set_axis_off()
    ax.set_aspect("equal")
    _north_arrow(ax)
    _scale_bar(ax, gdf)
    leg = ax.legend(handles=handles, title=legend_title or None, loc="upper left", bbox_to_anchor=(1.01, 1.0),
                    fontsize=8.5, title_fontsize=9, frameon=False, handlelength=2.2, handleheight=1.5,
                    alignment="left")
    leg._legend_box.align = "left"
    if title:
        ax.set_title(title, loc="left", fontsize=11)
    if attribution:
        ax.annotate(attribution, xy=(0, 0), xycoords="axes fraction", xytext=(0, -14),
                    textcoords="offset points", fontsize=6.5, color="#3D3D3D", va="top", ha="left", wrap=True)
    return fig


def _label_top(ax, gdf, column, n, label_column):
    """Label the ``n`` areas with the highest ``column`` at a point inside each; a label that
    would sit on one already placed is nudged down (or up) until it is clear."""
    import matplotlib.patheffects as pe  # heavy: matplotlib only when a figure is drawn
    num = pd.to_numeric(gdf[column], errors="coerce")
    keys = [str(i) for i in gdf.index]
    order = sorted(range(len(gdf)), key=lambda i: (-(num.iloc[i] if pd.notna(num.iloc[i]) else -np.inf), keys[i]))
    y0, y1 = ax.get_ylim()
    x0, x1 = ax.get_xlim()
    step_y, step_x = (y1 - y0) * 0.035, (x1 - x0) * 0.12
    placed: list = []
    for i in order[:n]:
        if pd.isna(num.iloc[i]):
            continue
        row = gdf.iloc[i]
        if label_column == (gdf.index.name or "index") or label_column not in gdf.columns:
            text = str(gdf.index[i])
        else:
            text = str(row[label_column])
        pt = row.geometry.representative_point()
        x, y = pt.x, pt.y
        for k in range(1, 8):
            if all(abs(x - px) > step_x or abs(y - py) > step_y for px, py in placed):
                break
            y = pt.y + (-1) ** k * step_y * ((k + 1) // 2)
        placed.append((x, y))
        ax.annotate(text, (x, y), ha="center", va="center", fontsize=6.5, color="#000000",
                    path_effects=[pe.withStroke(linewidth=2.2, foreground="white")])


def _north_arrow(ax):
    ax.annotate("N", xy=(0.97, 0.99), xytext=(0.97, 0.88), xycoords="axes fraction", ha="center", va="center",
                fontsize=9, fontweight="bold",
                arrowprops={"arrowstyle": "-|>", "color": "#3D3D3D", "lw": 1.2})


def _scale_bar(ax, gdf):
    """A scale bar of a round length (~1/5 of the map width) when the CRS is in metres."""
    crs = getattr(gdf, "crs", None)
    try:
        metres = crs is not None and crs.is_projected and crs.axis_info[0].unit_name in ("metre", "meter")
    except Exception:  # noqa: BLE001 - odd CRS objects  # pragma: no cover
        metres = False
    if not metres:
        return
    x0, x1 = ax.get_xlim()
    y0, y1 = ax.get_ylim()
    target = (x1 - x0) / 5
    if target <= 0:
        return
    mag = 10 ** math.floor(math.log10(target))
    length = max(m * mag for m in (1, 2, 5) if m * mag <= target)
    bx, by = x0 + (x1 - x0) * 0.02, y0 + (y1 - y0) * 0.03
    ax.plot([bx, bx + length], [by, by], color="#000000", lw=2.5, solid_capstyle="butt")
    lab = f"{length / 1000:g} km" if length >= 1000 else f"{length:g} m"
    ax.annotate(lab, (bx + length / 2, by), xytext=(0, 4), textcoords="offset points", ha="center",
                va="bottom", fontsize=7.5)


# -- the Gi* class map ----------------------------------------------------------------------
def gi_colors() -> dict:
    """Colours of the Gi* classes: hot reds, cold blues, not significant grey, untested white."""
    from .style import COLD, HOT, NEUTRAL  # style loads matplotlib: only when a figure is drawn
    return {HOT_99: HOT[0], HOT_95: HOT[1], HOT_90: HOT[2], NOT_SIGNIFICANT: NEUTRAL,
            COLD_90: COLD[2], COLD_95: COLD[1], COLD_99: COLD[0],
            NO_NEIGHBOURS: "#ffffff", NO_VARIATION: "#ffffff", NO_GEOMETRY: "#ffffff"}


def gi_hatches() -> dict:
    """Hatching of the Gi* classes: denser for more confident hot spots; dots for untested areas."""
    return {HOT_99: "////", HOT_95: "///", HOT_90: "//", COLD_99: "..", COLD_95: ".",
            NO_NEIGHBOURS: "xx", NO_VARIATION: "xx"}


def gi_class_map(gdf, column: str = "gi_class", attribution: str = "", legend_title: str = "Getis–Ord Gi*",
                 label_top: int = 0, label_column: str = "lsoa_code", ax=None):
    """Categorical map of Gi* classes (only the classes present appear in the legend).

    Hot classes are hatched (denser = more confident) so that colour is not the only carrier.
    With ``label_top``, the hot spots with the largest z-score (column ``gi_z``) are labelled.

    Example
    -------
    >>> import geopandas as gpd
    >>> from shapely.geometry import box
    >>> from assessment.stats import gistar
    >>> g = gpd.GeoDataFrame({"gi_class": [gistar.HOT_99, gistar.NOT_SIGNIFICANT]}, geometry=[box(0, 0, 1, 1), box(1, 0, 2, 1)], crs=27700)
    >>> [t.get_text() for t in gi_class_map(g).axes[0].get_legend().get_texts()]
    ['Hot spot – 99% confidence (1)', 'Not significant (1)']
    """
    present = [c for c in GI_CLASSES if c in set(gdf[column].dropna().astype(str))]
    fig = choropleth(gdf, column, categorical=True, colors=gi_colors(), hatches=gi_hatches(), order=present,
                     legend_title=legend_title, attribution=attribution, ax=ax)
    if label_top and "gi_z" in gdf:
        hot = gdf[gdf[column].astype(str).isin(HOT_AT[0.90])]
        _label_top(fig.axes[0], hot, "gi_z", label_top, label_column)
    return fig
