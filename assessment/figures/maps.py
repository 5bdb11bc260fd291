"""Choropleth maps for the report: classed (mapclassify) or categorical, legible at page size.

:func:`choropleth` is the one map function every chapter uses (hotspots by LSOA, where
offenders live by ward, ...).  Its signature is stable::

    choropleth(gdf, column, title=None, scheme="NaturalBreaks", k=5, label_top=0,
               label_column="lsoa_code", legend_title="", categorical=False, colors=None,
               ax=None, attribution="", hatches=None, order=None, fmt=None,
               missing_label="No data", missing_groups=None, figsize=(7.2, 6.4), wards=None,
               label_rank=None, label_where=None) -> matplotlib.figure.Figure

Maps are north-up (the data's projected CRS, EPSG:27700 in the workbook) with a north arrow
and a scale bar, no axes, a legend with each class's range (and the number of areas in it),
optional labels for the top areas, and an attribution line (pass
``Dataset.boundary_attribution`` when real ONS boundaries are used).

Places.  With ``wards`` (:func:`ward_boundaries`: the LSOA boundaries dissolved by the ward
lookup) a map carries the ward outlines (thin dark lines on a light casing) and the ward
names, placed greedily so that no two labels overlap (a name that does not fit is tried on
two lines and smaller, then left out; a white halo keeps it legible on dark classes), and its
top areas are circled numbers keyed to a small table under the map (number, LSOA name, ward,
value) rather than names or codes stacked on the map.  Without a ward lookup there is no ward
layer and the top areas are named on the map.

Greyscale.  Colour is never the only carrier of meaning: every class of a categorical map
differs from every other by its hatching or by 40+ grey levels (the Gi* and emerging-hotspot
classes: :func:`gi_hatches`, :data:`assessment.figures.hotspots.EMERGING_HATCHES`; checked on
the rendered legend in greyscale by ``tests/test_maps.py``), and sequential classes run light
to dark in equal steps of grey.

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
import re
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


def _grey(color) -> float:
    """The grey level (0-255) of ``color`` in greyscale print (ITU-R 601 luma, as PIL's "L")."""
    r, g, b = color[:3]
    return (0.299 * r + 0.587 * g + 0.114 * b) * 255


def _sequential_colors(n: int, cmap_name: str):
    """``n`` colours of the colour map from light to dark, equally far apart in grey level (so that
    neighbouring classes differ as much as they can in greyscale print), between the map's
    :data:`SEQUENTIAL_RANGE` ends; evenly spaced along the map when it is not light-to-dark."""
    import matplotlib  # heavy: matplotlib only when a figure is drawn
    cmap = matplotlib.colormaps[cmap_name]
    if n == 1:
        return [cmap(SEQUENTIAL_RANGE[1] * 0.75)]
    xs = np.linspace(SEQUENTIAL_RANGE[0], SEQUENTIAL_RANGE[1], 256)
    greys = np.array([_grey(cmap(x)) for x in xs])
    if np.all(np.diff(greys) <= 0) and greys[0] > greys[-1]:   # light to dark (a colour map is stepwise)
        keep = np.r_[True, np.diff(greys) < 0]
        targets = np.linspace(greys[0], greys[-1], n)
        return [cmap(float(x)) for x in np.interp(targets, greys[keep][::-1], xs[keep][::-1])]
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
               missing_groups: dict | None = None, figsize=(7.2, 6.4), wards=None, label_rank: str | None = None,
               label_where=None):
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
    figsize : (float, float)
        The figure's size in inches when no ``ax`` is given.
    wards : GeoDataFrame, optional
        Ward polygons with a ``ward_name`` column (:func:`ward_boundaries`).  When given, ward
        outlines are drawn over the areas as thin dark lines (on a light casing, so they read
        on dark classes too) and each ward is named where its name fits without overlapping
        another label (:func:`_ward_names`); the ``label_top`` areas are then marked with circled
        numbers keyed to a small table under the map (number, ``label_column``, ward, value)
        instead of names stacked on the map.  None (no ward lookup): the map is drawn without
        a ward layer and the top areas are named on the map.
    label_rank : str, optional
        The column that picks the ``label_top`` areas (default ``column``; categorical maps are
        labelled only when it is given, e.g. ``gi_z`` for the Gi* map).
    label_where : sequence of bool, optional
        Which rows may be labelled (e.g. only the hot spots).

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
    ax.set_axis_off()
    ax.set_aspect("equal")
    furniture = [_north_arrow(ax), *_scale_bar(ax, gdf)]
    has_wards = wards is not None and len(wards) > 0
    if has_wards:
        _ward_lines(ax, wards)
    key_rows = []
    with _at_dpi(fig, PLACE_DPI):              # labels are placed as the report will render them
        if label_top and (label_rank is not None or not categorical):
            eligible = gdf if label_where is None else gdf[np.asarray(label_where, dtype=bool)]
            if has_wards:
                key_rows = _number_top(ax, eligible, label_rank or column, label_top, label_column, column, fmt,
                                       furniture)
            else:
                _label_top(ax, eligible, label_rank or column, label_top, label_column)
        if has_wards:
            _ward_names(ax, wards, furniture + [m for m in ax.texts if getattr(m, "_sa_marker", False)])
    leg = ax.legend(handles=handles, title=legend_title or None, loc="upper left", bbox_to_anchor=(1.01, 1.0),
                    fontsize=8.5, title_fontsize=9, frameon=False, handlelength=2.2, handleheight=1.5,
                    alignment="left")
    leg._legend_box.align = "left"
    if title:
        ax.set_title(title, loc="left", fontsize=11)
    below = _key_table(ax, key_rows, legend_title or column) if key_rows else 0.0
    if attribution:
        ax.annotate(attribution, xy=(0, 0), xycoords="axes fraction", xytext=(0, below - 14),
                    textcoords="offset points", fontsize=6.5, color="#3D3D3D", va="top", ha="left", wrap=True)
    return fig


def _top_order(gdf, column, n) -> list:
    """Row positions of the ``n`` rows with the highest ``column`` (NaN never; ties by index)."""
    num = pd.to_numeric(gdf[column], errors="coerce")
    keys = [str(i) for i in gdf.index]
    ok = [i for i in range(len(gdf)) if pd.notna(num.iloc[i]) and gdf.geometry.iloc[i] is not None
          and not gdf.geometry.iloc[i].is_empty]
    return sorted(ok, key=lambda i: (-float(num.iloc[i]), keys[i]))[:max(int(n), 0)]


def _name_of(gdf, i, label_column) -> str:
    """The label of row ``i``: its ``label_column`` (the index when that is the index's name, or
    absent, or blank)."""
    if label_column != (gdf.index.name or "index") and label_column in gdf.columns:
        v = gdf[label_column].iloc[i]
        if v is not None and not (isinstance(v, float) and math.isnan(v)) and v is not pd.NA and str(v).strip():
            return str(v)
    return str(gdf.index[i])


def _label_top(ax, gdf, column, n, label_column):
    """Label the ``n`` areas with the highest ``column`` at a point inside each; a label that
    would sit on one already placed is nudged down (or up) until it is clear."""
    import matplotlib.patheffects as pe  # heavy: matplotlib only when a figure is drawn
    y0, y1 = ax.get_ylim()
    x0, x1 = ax.get_xlim()
    step_y, step_x = (y1 - y0) * 0.035, (x1 - x0) * 0.12
    placed: list = []
    for i in _top_order(gdf, column, n):
        row = gdf.iloc[i]
        text = _name_of(gdf, i, label_column)
        pt = row.geometry.representative_point()
        x, y = pt.x, pt.y
        for k in range(1, 8):
            if all(abs(x - px) > step_x or abs(y - py) > step_y for px, py in placed):
                break
            y = pt.y + (-1) ** k * step_y * ((k + 1) // 2)
        placed.append((x, y))
        ax.annotate(text, (x, y), ha="center", va="center", fontsize=6.5, color="#000000", parse_math=False,
                    path_effects=[pe.withStroke(linewidth=2.2, foreground="white")])


def _north_arrow(ax):
    return ax.annotate("N", xy=(0.97, 0.99), xytext=(0.97, 0.88), xycoords="axes fraction", ha="center", va="center",
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
        return []
    x0, x1 = ax.get_xlim()
    y0, y1 = ax.get_ylim()
    target = (x1 - x0) / 5
    if target <= 0:
        return []
    mag = 10 ** math.floor(math.log10(target))
    length = max(m * mag for m in (1, 2, 5) if m * mag <= target)
    bx, by = x0 + (x1 - x0) * 0.02, y0 + (y1 - y0) * 0.03
    line = ax.plot([bx, bx + length], [by, by], color="#000000", lw=2.5, solid_capstyle="butt")[0]
    lab = f"{length / 1000:g} km" if length >= 1000 else f"{length:g} m"
    text = ax.annotate(lab, (bx + length / 2, by), xytext=(0, 4), textcoords="offset points", ha="center",
                       va="bottom", fontsize=7.5)
    return [line, text]


# -- places: ward outlines, ward names, numbered areas and their key ---------------------------
#: ward outlines: a thin dark line on a light casing (reads on light and dark classes alike)
WARD_LINE = "#1a1a1a"
WARD_CASING = "#ffffff"
#: ward names: dark text with a white halo; tried at these sizes (points) until one fits
WARD_NAME_COLOR = "#1a1a1a"
WARD_NAME_SIZES = (7.5, 6.5, 5.5)
#: the resolution labels are placed at: the one the report's figures are written at (Run.figure)
PLACE_DPI = 150
#: circled numbers of the top areas and the key under the map
MARKER_SIZE = 7.0
KEY_SIZE = 7.5


def ward_boundaries(boundaries, lsoas):
    """Ward polygons: the LSOA boundaries dissolved by the ward lookup; None without one.

    Parameters
    ----------
    boundaries : GeoDataFrame or None
        LSOA polygons indexed by lsoa_code (``Dataset.boundaries``).
    lsoas : DataFrame or None
        The area's LSOAs indexed by lsoa_code with ``ward_code`` and ``ward_name``
        (``Dataset.lsoa_frame()``).

    Returns
    -------
    GeoDataFrame or None
        Indexed by ``ward_code`` (sorted): ``ward_name`` (the code when the lookup has no
        name), ``lsoas`` (how many LSOAs) and the dissolved geometry, in the boundaries' CRS.
        None when there are no boundaries or no LSOA has a ward (no ``inputs.wards``).

    Example
    -------
    >>> import geopandas as gpd
    >>> from shapely.geometry import box
    >>> b = gpd.GeoDataFrame(geometry=[box(0, 0, 1, 1), box(1, 0, 2, 1), box(2, 0, 3, 1)],
    ...                      index=pd.Index(["A", "B", "C"], name="lsoa_code"), crs=27700)
    >>> lk = pd.DataFrame({"ward_code": ["W1", "W1", "W2"], "ward_name": ["North", "North", "South"]}, index=b.index)
    >>> w = ward_boundaries(b, lk)
    >>> w["ward_name"].tolist(), w["lsoas"].tolist(), w.area.tolist()
    (['North', 'South'], [2, 1], [2.0, 1.0])
    >>> ward_boundaries(b, lk.drop(columns=["ward_code", "ward_name"])) is None
    True
    """
    if boundaries is None or lsoas is None or "ward_code" not in getattr(lsoas, "columns", []):
        return None
    codes = lsoas["ward_code"].astype("string").str.strip()
    codes = codes[codes.notna() & (codes != "")]
    if codes.empty:
        return None
    names = (lsoas["ward_name"].astype("string").str.strip() if "ward_name" in lsoas.columns
             else pd.Series(pd.NA, index=lsoas.index, dtype="string")).reindex(codes.index)
    g = boundaries[["geometry"]].join(pd.DataFrame({"ward_code": codes, "ward_name": names}), how="inner")
    g = g[g.geometry.notna() & ~g.geometry.is_empty]
    if g.empty:
        return None
    g["ward_name"] = g["ward_name"].fillna(g["ward_code"]).where(g["ward_name"].fillna("") != "", g["ward_code"])
    g["lsoas"] = 1
    out = g.dissolve(by="ward_code", aggfunc={"ward_name": "first", "lsoas": "sum"}, sort=True)
    out["lsoas"] = out["lsoas"].astype("int64")
    return out[["ward_name", "lsoas", "geometry"]]


class _at_dpi:
    """Within ``with _at_dpi(fig, dpi):`` the figure has that dpi (then its own again): text is
    measured at the resolution the report renders it, since hinting makes a text's width vary
    by several per cent with the dpi."""

    def __init__(self, fig, dpi):
        self.fig, self.dpi = fig, dpi

    def __enter__(self):
        self.saved = self.fig.dpi
        self.fig.set_dpi(self.dpi)
        return self

    def __exit__(self, *exc):
        self.fig.set_dpi(self.saved)
        return False


def _renderer(fig):
    """The figure's renderer, for measuring text (the Agg canvas's; a throwaway one otherwise)."""
    get = getattr(fig.canvas, "get_renderer", None)
    if get is not None:
        return get()
    from matplotlib.backends.backend_agg import FigureCanvasAgg  # heavy: matplotlib only when a figure is drawn
    return FigureCanvasAgg(fig).get_renderer()  # pragma: no cover - non-Agg canvases


def _overlaps(a, b) -> bool:
    return a.x0 < b.x1 and b.x0 < a.x1 and a.y0 < b.y1 and b.y0 < a.y1


def _fits(bb, taken, frame) -> bool:
    """``bb`` lies inside ``frame`` and overlaps none of ``taken`` (display boxes)."""
    inside = bb.x0 >= frame.x0 and bb.x1 <= frame.x1 and bb.y0 >= frame.y0 and bb.y1 <= frame.y1
    return inside and not any(_overlaps(bb, t) for t in taken)


def _extent(artist, renderer, pad: float = 0.0):
    """The display box of ``artist`` (a Text: its text; a circled number: the circle), padded."""
    if getattr(artist, "_sa_marker", False):      # the circle around the number, not its leader line
        from matplotlib.text import Text  # heavy: matplotlib only when a figure is drawn
        from matplotlib.transforms import Bbox
        artist.update_positions(renderer)
        bb = Text.get_window_extent(artist, renderer)
        side = max(bb.width, bb.height) * 1.55
        cx, cy = (bb.x0 + bb.x1) / 2, (bb.y0 + bb.y1) / 2
        bb = Bbox.from_extents(cx - side / 2, cy - side / 2, cx + side / 2, cy + side / 2)
    else:
        bb = artist.get_window_extent(renderer)
        if hasattr(artist, "get_fontsize"):       # text: a margin for renderings at another dpi
            bb = bb.expanded(1.05, 1.0)
    return bb.padded(pad) if pad else bb


def _label_point(geom):
    """A point well inside ``geom`` for its name: the pole of inaccessibility of its largest part."""
    from shapely.ops import polylabel
    part = max(getattr(geom, "geoms", [geom]), key=lambda p: p.area)
    try:
        return polylabel(part, tolerance=max(math.sqrt(part.area) / 50, 1e-9))
    except Exception:  # noqa: BLE001 - a degenerate ring: any point inside will do  # pragma: no cover
        return part.representative_point()


def _ward_lines(ax, wards) -> None:
    """Ward outlines over the classes: a thin dark line on a light casing."""
    lines = wards.boundary
    with _NoIdleDraw(ax.figure):
        lines.plot(ax=ax, color=WARD_CASING, linewidth=1.9, alpha=0.85, zorder=2.1)
        lines.plot(ax=ax, color=WARD_LINE, linewidth=0.75, zorder=2.2)


def _two_lines(name: str) -> str | None:
    """``name`` broken at the space nearest its middle (None for a single word)."""
    spaces = [i for i, ch in enumerate(name) if ch == " "]
    if not spaces:
        return None
    mid = min(spaces, key=lambda i: (abs(i - len(name) / 2), i))
    return name[:mid] + "\n" + name[mid + 1:]


def _ward_names(ax, wards, obstacles) -> list:
    """Name each ward where its name fits, largest ward first (a greedy placement).

    Each name is tried at the ward's pole of inaccessibility, then a little above, below, left
    and right of it (staying inside the ward), on one line and then on two, at each size of
    :data:`WARD_NAME_SIZES`; the first position whose box lies inside the map and overlaps no
    earlier label (nor the north arrow, the scale bar or a numbered area) is kept.  A ward whose
    name fits nowhere is left unnamed.  Returns the names placed, in placing order.
    """
    import matplotlib.patheffects as pe  # heavy: matplotlib only when a figure is drawn
    from shapely.geometry import Point
    fig = ax.figure
    ax.apply_aspect()
    renderer = _renderer(fig)
    frame = ax.get_window_extent(renderer)
    taken = [_extent(a, renderer, 1.0) for a in obstacles]
    to_data = ax.transData.inverted()
    halo = [pe.withStroke(linewidth=2.4, foreground="white")]
    order = sorted(range(len(wards)), key=lambda i: (-float(wards.geometry.iloc[i].area), str(wards.index[i])))
    placed = []
    for i in order:
        name, geom = _short(wards["ward_name"].iloc[i]), wards.geometry.iloc[i]
        if geom is None or geom.is_empty or not name.strip():
            continue
        anchor = _label_point(geom)
        ax0, ay0 = ax.transData.transform((anchor.x, anchor.y))
        text = ax.text(anchor.x, anchor.y, name, ha="center", va="center", color=WARD_NAME_COLOR,
                       fontsize=WARD_NAME_SIZES[0], zorder=5, linespacing=0.95, path_effects=halo, clip_on=False,
                       parse_math=False)
        done = False
        for size in WARD_NAME_SIZES:
            for variant in [v for v in (name, _two_lines(name)) if v]:
                text.set_fontsize(size)
                text.set_text(variant)
                text.set_position((anchor.x, anchor.y))
                bb = text.get_window_extent(renderer)
                w, h = bb.width, bb.height
                for dx, dy in ((0, 0), (0, 0.8 * h), (0, -0.8 * h), (0.35 * w, 0), (-0.35 * w, 0)):
                    x, y = to_data.transform((ax0 + dx, ay0 + dy))
                    if (dx or dy) and not geom.contains(Point(x, y)):
                        continue
                    text.set_position((x, y))
                    bb = _extent(text, renderer, 1.0)
                    if _fits(bb, taken, frame):
                        taken.append(bb)
                        placed.append(name)
                        done = True
                        break
                if done:
                    break
            if done:
                break
        if not done:
            text.remove()
    return placed


def _number_top(ax, gdf, rank, n, label_column, value_column, fmt, obstacles) -> list:
    """Mark the ``n`` areas with the highest ``rank`` with circled numbers 1..n (1 = highest).

    Each number sits at a point inside its area; one that would cover an earlier number is
    moved out along a ring (with a thin leader line to its area).  Returns the key's rows:
    ``(number, name, ward, value)`` with the value of ``value_column`` as text.
    """
    fig = ax.figure
    ax.apply_aspect()
    renderer = _renderer(fig)
    frame = ax.get_window_extent(renderer)
    taken = [_extent(a, renderer, 1.0) for a in obstacles]
    ward_col = "ward" if "ward" in gdf.columns else ("ward_name" if "ward_name" in gdf.columns else None)
    rows = []
    for k, i in enumerate(_top_order(gdf, rank, n), start=1):
        row = gdf.iloc[i]
        pt = row.geometry.representative_point()
        mark = ax.annotate(str(k), (pt.x, pt.y), xytext=(0, 0), textcoords="offset points", ha="center",
                           va="center", fontsize=MARKER_SIZE, fontweight="bold", color="#000000", zorder=6,
                           bbox={"boxstyle": "circle,pad=0.18", "fc": "white", "ec": "#000000", "lw": 0.8},
                           arrowprops={"arrowstyle": "-", "color": "#000000", "lw": 0.7, "shrinkA": 0, "shrinkB": 0})
        mark._sa_marker = True
        rings = [(0.0, 0.0)] + [(r * math.cos(a), r * math.sin(a)) for r in (13.0, 22.0, 32.0)
                                for a in np.linspace(0, 2 * math.pi, 8, endpoint=False) + math.pi / 2]
        best = None
        for dx, dy in rings:
            mark.xyann = (dx, dy)
            bb = _extent(mark, renderer, 0.5)
            if _fits(bb, taken, frame):
                best = bb
                break
        if best is None:                      # nowhere clear: keep it on its area
            mark.xyann = (0.0, 0.0)
            best = _extent(mark, renderer, 0.5)
        taken.append(best)
        ward = row.get(ward_col) if ward_col else None
        ward = "" if ward is None or ward is pd.NA or (isinstance(ward, float) and math.isnan(ward)) else str(ward)
        rows.append((str(k), _short(_name_of(gdf, i, label_column)), _short(ward),
                     _short(_value_text(row.get(value_column), fmt))))
    return rows


def _short(text, limit: int = 40) -> str:
    """A name for the map or its key on one line, at most ``limit`` characters (cut with "…")."""
    t = " ".join(str(text).split())
    return t if len(t) <= limit else t[:limit - 1].rstrip() + "…"


def _value_text(v, fmt=None) -> str:
    """A value for the key: whole numbers with thousands separators, others one decimal (or ``fmt``)."""
    if v is None or v is pd.NA or (isinstance(v, float) and math.isnan(v)):
        return "–"
    if isinstance(v, (int, np.integer)) and not isinstance(v, bool):
        return f"{int(v):,}"
    if isinstance(v, (float, np.floating)):
        return f"{int(v):,}" if float(v).is_integer() and fmt is None else (fmt or "{:,.1f}").format(float(v))
    return str(v)


def _key_table(ax, rows, value_header: str) -> float:
    """The key of the numbered areas under the map: No., LSOA, Ward, value; returns how far
    below the map it reaches (points, negative)."""
    from matplotlib.font_manager import FontProperties  # heavy: matplotlib only when a figure is drawn
    from matplotlib.textpath import text_to_path
    has_ward = any(r[2] for r in rows)
    header = ("No.", "LSOA", "Ward", value_header) if has_ward else ("No.", "LSOA", value_header)
    body = [r if has_ward else (r[0], r[1], r[3]) for r in rows]
    line = KEY_SIZE * 1.45
    top = -8.0
    x, gap = 0.0, 10.0
    last = len(header) - 1
    for c in range(len(header)):
        cells = [header[c]] + [r[c] for r in body]
        texts = []
        for j, cell in enumerate(cells):
            texts.append(ax.annotate(cell, xy=(0, 0), xycoords="axes fraction", xytext=(x, top - j * line),
                                     textcoords="offset points", va="top", ha="left", fontsize=KEY_SIZE, parse_math=False,
                                     fontweight="bold" if j == 0 else "normal", color="#1a1a1a"))
        # widths in points from the font's own metrics (a renderer's hinted widths vary with the dpi)
        width = max(text_to_path.get_text_width_height_descent(
            cell, FontProperties(size=KEY_SIZE, weight="bold" if j == 0 else "normal"), ismath=False)[0]
            for j, cell in enumerate(cells))
        numeric = all(re.fullmatch(r"[-+]?[\d,]*\.?\d+|–", r[c]) for r in body)
        if c == 0 or (c == last and numeric):  # numbers right-aligned in their column
            for t in texts:
                t.set_ha("right")
                t.xyann = (x + width, t.xyann[1])
        x += width + gap
    return top - len(cells) * line


# -- the Gi* class map ----------------------------------------------------------------------
#: the fill of "Not significant" (grey level 240 of 255)
NOT_SIGNIFICANT_COLOR = "#f0f0f0"


def gi_colors() -> dict:
    """Colours of the Gi* classes: hot reds, cold blues, not significant light grey, untested white.

    Not significant is lighter than the style's neutral grey so that it stays 40+ grey levels
    (of 255) from the palest cold class, the only pair told apart by value alone.
    """
    from .style import COLD, HOT  # style loads matplotlib: only when a figure is drawn
    return {HOT_99: HOT[0], HOT_95: HOT[1], HOT_90: HOT[2], NOT_SIGNIFICANT: NOT_SIGNIFICANT_COLOR,
            COLD_90: COLD[2], COLD_95: COLD[1], COLD_99: COLD[0],
            NO_NEIGHBOURS: "#ffffff", NO_VARIATION: "#ffffff", NO_GEOMETRY: "#ffffff"}


def gi_hatches() -> dict:
    """Hatching of the Gi* classes: lines for hot spots (denser = more confident), dots for the
    confident cold spots, crosses for LSOAs not tested, so that every class reads in greyscale."""
    return {HOT_99: "////", HOT_95: "///", HOT_90: "//", COLD_99: "..", COLD_95: ".",
            NO_NEIGHBOURS: "xx", NO_VARIATION: "++", NO_GEOMETRY: MISSING_HATCH}


def gi_class_map(gdf, column: str = "gi_class", attribution: str = "", legend_title: str = "Getis–Ord Gi*",
                 label_top: int = 0, label_column: str = "lsoa_name", ax=None, wards=None):
    """Categorical map of Gi* classes (only the classes present appear in the legend).

    Hot classes are hatched (denser = more confident) so that colour is not the only carrier.
    With ``label_top``, the hot spots with the largest z-score (column ``gi_z``) are labelled
    with their ``label_column`` (the LSOA name; the code when there is none) — or, with
    ``wards`` (:func:`ward_boundaries`), numbered and keyed under the map, over the ward
    outlines and names (see :func:`choropleth`).

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
    hot = gdf[column].astype("string").isin(HOT_AT[0.90]).fillna(False).to_numpy(dtype=bool)
    return choropleth(gdf, column, categorical=True, colors=gi_colors(), hatches=gi_hatches(), order=present,
                      legend_title=legend_title, attribution=attribution, ax=ax, wards=wards,
                      label_top=label_top if "gi_z" in gdf else 0, label_rank="gi_z", label_where=hot,
                      label_column=label_column)
