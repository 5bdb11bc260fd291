"""Choropleth helpers: classification, legend labels, labels, hatching, attribution."""
from __future__ import annotations

import geopandas as gpd
import mapclassify
import matplotlib
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import box

from assessment.errors import AssessmentError
from assessment.figures import maps
from assessment.stats import gistar

matplotlib.use("Agg")


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    import matplotlib.pyplot as plt
    plt.close("all")


def strip(values, col="v"):
    g = gpd.GeoDataFrame({col: values}, geometry=[box(i, 0, i + 1, 1) for i in range(len(values))],
                         index=pd.Index([f"E{i:03d}" for i in range(len(values))], name="lsoa_code"), crs=27700)
    return g


def legend_texts(fig):
    return [t.get_text() for t in fig.axes[0].get_legend().get_texts()]


def test_natural_breaks_is_fisher_jenks_and_deterministic():
    rng = np.random.default_rng(3)
    y = rng.gamma(2, 30, 150).round()
    a = maps.classify(y, "NaturalBreaks", 5)
    b = maps.classify(y, "NaturalBreaks", 5)
    assert a.tolist() == b.tolist() and len(a) == 5
    fj = np.floor(mapclassify.FisherJenks(y, k=5).bins)      # whole-number data: whole-number bounds
    assert a.tolist() == fj.tolist()
    assert a[-1] == y.max()


def test_classify_small_and_bad_inputs():
    assert maps.classify([0, 0, 1, 1, 1], k=5).tolist() == [0.0, 1.0]        # 2 distinct values -> 2 classes
    assert maps.classify([np.nan, np.nan]).tolist() == []
    with pytest.raises(AssessmentError, match="map scheme"):
        maps.classify([1, 2, 3], "Wobbly")
    with pytest.raises(AssessmentError, match="map classes"):
        maps.classify([1, 2, 3], k=0)
    q = maps.classify(list(range(1, 101)), "Quantiles", 4)
    assert q.tolist() == [25.0, 50.0, 75.0, 100.0]


def test_assign_and_labels_are_consistent():
    bins = [3.0, 11.0, 30.0]
    assert maps.assign([0, 3, 4, 11, 12, 30, np.nan], bins).tolist() == [0, 0, 1, 1, 2, 2, -1]
    # whole numbers: class 2 holds 4..11, class 3 holds 12..30
    assert maps.class_labels([0, 3, 4, 30], bins) == ["0 – 3", "4 – 11", "12 – 30"]
    assert maps.class_labels([1, 1], [1.0]) == ["1"]
    assert maps.class_labels([1200, 5000], [2500.0, 5000.0]) == ["1,200 – 2,500", "2,501 – 5,000"]
    assert maps.class_labels([0.5, 9.0], [2.25, 9.0], fmt="{:.2f}") == ["0.50 – 2.25", "2.25 – 9.00"]


def test_choropleth_legend_counts_missing_labels_and_attribution():
    g = strip([1, 5, 9, 20, 40, np.nan])
    fig = maps.choropleth(g, "v", scheme="Quantiles", k=2, label_top=2, legend_title="Crimes",
                          attribution="Contains OS data © Crown copyright")
    texts = legend_texts(fig)
    # quantile cut at the median of [1, 5, 9, 20, 40] = 9: 1..9 (3 areas) and 10..40 (2 areas), one without data
    assert texts == ["1 – 9 (3)", "10 – 40 (2)", "No data (1)"]
    assert fig.axes[0].get_legend().get_title().get_text() == "Crimes"
    labels = {t.get_text() for t in fig.axes[0].texts}
    assert {"E004", "E003"} <= labels                 # the two areas with most (40, 20) are labelled
    assert "E000" not in labels
    assert any("Crown copyright" in t for t in labels)
    assert "N" in labels                               # north arrow
    assert any(t.endswith(" m") or t.endswith(" km") for t in labels)   # scale bar
    assert not fig.axes[0].axison


def test_choropleth_label_column_and_sequential_colours_get_darker():
    g = strip([1, 2, 3, 50, 60, 70, 200])
    g["lsoa_name"] = [f"Town {i}" for i in range(7)]
    fig = maps.choropleth(g, "v", k=3, label_top=1, label_column="lsoa_name")
    assert "Town 6" in {t.get_text() for t in fig.axes[0].texts}
    handles = fig.axes[0].get_legend().legend_handles
    lum = [0.299 * c[0] + 0.587 * c[1] + 0.114 * c[2] for c in (p.get_facecolor() for p in handles)]
    assert lum == sorted(lum, reverse=True)            # light to dark: readable in greyscale


def test_categorical_map_with_hatching_and_order():
    g = strip(["Hot", "Not", "Not", "Cold"], col="cls")
    fig = maps.choropleth(g, "cls", categorical=True, order=["Hot", "Not", "Cold"],
                          colors={"Hot": "#cb181d", "Not": "#e6e6e6", "Cold": "#2171b5"}, hatches={"Hot": "///"})
    assert legend_texts(fig) == ["Hot (1)", "Not (2)", "Cold (1)"]
    hatches = [p.get_hatch() for p in fig.axes[0].get_legend().legend_handles]
    assert hatches[0] == "///" and not hatches[1]
    with pytest.raises(AssessmentError, match="not in the legend order"):
        maps.choropleth(g, "cls", categorical=True, order=["Hot", "Not"])
    with pytest.raises(AssessmentError, match="expected a column"):
        maps.choropleth(g, "nope")


def test_gi_class_map_shows_present_classes_in_order_hot_hatched():
    g = strip([gistar.NOT_SIGNIFICANT, gistar.COLD_95, gistar.HOT_99, gistar.HOT_95, gistar.NO_NEIGHBOURS], col="gi_class")
    g["gi_z"] = [0.1, -2.5, 4.0, 2.2, np.nan]
    fig = maps.gi_class_map(g, label_top=1)
    assert legend_texts(fig) == [f"{gistar.HOT_99} (1)", f"{gistar.HOT_95} (1)", f"{gistar.NOT_SIGNIFICANT} (1)",
                                 f"{gistar.COLD_95} (1)", f"{gistar.NO_NEIGHBOURS} (1)"]
    patches = fig.axes[0].get_legend().legend_handles
    assert patches[0].get_hatch() and patches[1].get_hatch() and not patches[2].get_hatch()
    assert patches[0].get_hatch() != patches[1].get_hatch()            # 99% and 95% differ without colour
    assert "E002" in {t.get_text() for t in fig.axes[0].texts}         # the hot spot with the largest z


def test_choropleth_draws_into_a_given_axes():
    import matplotlib.pyplot as plt
    fig, axes = plt.subplots(1, 2)
    out = maps.choropleth(strip([1, 2, 3]), "v", ax=axes[1])
    assert out is fig and axes[1].get_legend() is not None


def test_docstring_examples_hold():
    import doctest

    from assessment.figures import maps
    result = doctest.testmod(maps, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 5 and result.failed == 0


# -- places: ward outlines and names, numbered LSOAs keyed by name --------------------------------
def ward_grid(cols=6, rows=4, size=400.0, names=("North Field", "East Marsh", "South Quay", "West Green")):
    """cols x rows square LSOAs (metres), in four wards of (cols/2 x rows/2) blocks; the value
    of each LSOA is its position (so the top LSOAs are known)."""
    geoms, codes, wcodes = [], [], []
    for r in range(rows):
        for c in range(cols):
            geoms.append(box(c * size, r * size, (c + 1) * size, (r + 1) * size))
            codes.append(f"E01{r * cols + c:06d}")
            wcodes.append(f"W{(r >= rows // 2) * 2 + (c >= cols // 2)}")
    g = gpd.GeoDataFrame({"lsoa_name": [f"Town {int(c[3:]):03d}X" for c in codes], "ward_code": wcodes},
                         geometry=geoms, index=pd.Index(codes, name="lsoa_code"), crs=27700)
    wname = {"W0": names[0], "W1": names[1], "W2": names[2], "W3": names[3]}
    g["ward_name"] = g["ward_code"].map(wname)
    g["ward"] = g["ward_name"]
    g["v"] = np.arange(len(g), dtype=float) * 3 + 1
    return g


def texts_of(fig):
    return [t.get_text() for t in fig.axes[0].texts]


def test_ward_boundaries_dissolve_lsoas_by_the_lookup():
    g = ward_grid()
    lookup = g[["ward_code", "ward_name"]].copy()
    lookup.iloc[0, :] = [pd.NA, pd.NA]                 # an LSOA with no ward: left out
    w = maps.ward_boundaries(g[["geometry"]], lookup)
    assert w.index.name == "ward_code" and w.index.tolist() == ["W0", "W1", "W2", "W3"]
    assert w["ward_name"].tolist() == ["North Field", "East Marsh", "South Quay", "West Green"]
    assert w["lsoas"].tolist() == [5, 6, 6, 6]
    # 3 x 2 squares of 400 m, one fewer in W0; the dissolved polygon has no inner lines left
    assert w.area.round(6).tolist() == [5 * 160000.0, 6 * 160000.0, 6 * 160000.0, 6 * 160000.0]
    assert w.loc["W1"].geometry.equals(box(1200, 0, 2400, 800))
    assert w.crs.to_epsg() == 27700


def test_ward_boundaries_none_without_a_ward_lookup():
    g = ward_grid()
    assert maps.ward_boundaries(None, g) is None
    assert maps.ward_boundaries(g[["geometry"]], None) is None
    assert maps.ward_boundaries(g[["geometry"]], g[["lsoa_name"]]) is None          # no ward columns
    blank = g[["ward_code", "ward_name"]].assign(ward_code=pd.NA)
    assert maps.ward_boundaries(g[["geometry"]], blank) is None                     # a lookup with no ward
    nameless = maps.ward_boundaries(g[["geometry"]], g[["ward_code"]])
    assert nameless["ward_name"].tolist() == ["W0", "W1", "W2", "W3"]               # the code stands in


def test_map_with_wards_names_wards_and_keys_the_top_lsoas_by_name():
    g = ward_grid()
    wards = maps.ward_boundaries(g, g)
    fig = maps.choropleth(g, "v", k=3, label_top=3, label_column="lsoa_name", legend_title="Crimes",
                          attribution="Contains OS data © Crown copyright", wards=wards)
    texts = texts_of(fig)
    assert {"North Field", "East Marsh", "South Quay", "West Green"} <= set(texts)       # every ward named
    assert not [t for t in texts if t.startswith("E01")]                                 # no LSOA code anywhere
    # the three highest values are the last three squares (23, 22, 21), numbered 1-3 on the map ...
    ax = fig.axes[0]
    marks = [t for t in ax.texts if getattr(t, "_sa_marker", False)]
    assert [m.get_text() for m in marks] == ["1", "2", "3"]
    centres = [m.xy for m in marks]
    assert [g.geometry.iloc[i].contains(gpd.points_from_xy([x], [y])[0]) for i, (x, y) in zip((23, 22, 21), centres)] \
        == [True, True, True]
    # ... and keyed under the map: number, LSOA name, ward, value (the legend's title heads it)
    for row in (["1", "Town 023X", "West Green", "70"], ["2", "Town 022X", "West Green", "67"],
                ["3", "Town 021X", "West Green", "64"]):
        assert set(row) <= set(texts)
    assert {"No.", "LSOA", "Ward", "Crimes"} <= set(texts)
    # the ward outlines: a thin dark line over a light casing
    widths = sorted(round(float(np.atleast_1d(c.get_linewidth())[0]), 2) for c in ax.collections
                    if type(c).__name__ == "LineCollection")
    assert widths == [0.75, 1.9]
    # the attribution comes under the key
    attr = next(t for t in ax.texts if "Crown copyright" in t.get_text())
    key_bottom = min(t.xyann[1] for t in ax.texts if t.get_text() == "Town 021X")
    assert attr.xyann[1] < key_bottom


def test_map_without_wards_is_unchanged_and_labels_by_name():
    g = ward_grid()
    fig = maps.choropleth(g, "v", k=3, label_top=2, label_column="lsoa_name")
    texts = texts_of(fig)
    assert {"Town 023X", "Town 022X"} <= set(texts)
    assert not {"North Field", "West Green", "No.", "1"} & set(texts)
    assert not [c for c in fig.axes[0].collections if type(c).__name__ == "LineCollection"]


def test_names_from_the_inputs_are_drawn_as_text_and_kept_short(monkeypatch):
    import io

    import matplotlib.pyplot as plt
    monkeypatch.setitem(plt.rcParams, "text.parse_math", True)        # even outside the report's style
    odd = "$\\frac{x}{$ St Ann's <b>"
    g = ward_grid(names=(odd, "E" * 200, "South Quay", "West Green"))
    g.loc[g.index[23], "lsoa_name"] = "L" * 120
    fig = maps.choropleth(g, "v", k=3, label_top=2, label_column="lsoa_name", wards=maps.ward_boundaries(g, g))
    fig.savefig(io.BytesIO(), format="png", dpi=100, bbox_inches="tight")        # draws without a mathtext error
    texts = texts_of(fig)
    assert odd in texts
    assert "L" * 39 + "…" in texts and "E" * 39 + "…" in texts and not [t for t in texts if len(t) > 40]


def _boxes(fig, dpi=150):
    """Display boxes (at the report's dpi) of the ward names and numbered LSOAs of a map."""
    fig.savefig(__import__("io").BytesIO(), format="png", dpi=dpi, bbox_inches="tight")
    fig.set_dpi(dpi)
    r = fig.canvas.get_renderer()
    ax = fig.axes[0]
    wards = [t for t in ax.texts if t.get_path_effects() and not getattr(t, "_sa_marker", False)]
    marks = [t for t in ax.texts if getattr(t, "_sa_marker", False)]
    return ax.get_window_extent(r), [maps._extent(t, r) for t in wards + marks], wards


def test_ward_names_never_overlap_and_stay_on_the_map():
    g = ward_grid()
    fig = maps.choropleth(g, "v", k=3, label_top=5, label_column="lsoa_name", wards=maps.ward_boundaries(g, g))
    frame, boxes, names = _boxes(fig)
    assert len(names) == 4 and len(boxes) == 9
    for i, a in enumerate(boxes):
        assert frame.x0 <= a.x0 and a.x1 <= frame.x1 and frame.y0 <= a.y0 and a.y1 <= frame.y1
        for b in boxes[i + 1:]:
            assert not maps._overlaps(a, b)


def test_ward_names_that_do_not_fit_shrink_or_are_left_out():
    # 16 small wards with long names on a small map: not all fit; none that is drawn overlaps another
    g = ward_grid(cols=8, rows=8, size=100.0)
    g["ward_code"] = [f"W{(r // 2) * 4 + c // 2:02d}" for r in range(8) for c in range(8)]
    g["ward_name"] = [f"Longfordshire Heath {code[1:]}" for code in g["ward_code"]]
    wards = maps.ward_boundaries(g, g)
    fig = maps.choropleth(g, "v", k=3, wards=wards, figsize=(3.2, 2.6))
    frame, boxes, names = _boxes(fig)
    assert 0 < len(names) < 16
    sizes = {t.get_fontsize() for t in names}
    assert sizes <= set(maps.WARD_NAME_SIZES) and min(sizes) < maps.WARD_NAME_SIZES[0]   # some were shrunk
    assert any("\n" in t.get_text() for t in names) or len(sizes) > 1
    for i, a in enumerate(boxes):
        for b in boxes[i + 1:]:
            assert not maps._overlaps(a, b)


def test_gi_map_with_wards_keys_the_hot_spots_by_z_with_their_class():
    g = ward_grid()
    cls = [gistar.NOT_SIGNIFICANT] * len(g)
    cls[3], cls[10], cls[20] = gistar.HOT_99, gistar.HOT_90, gistar.COLD_95
    g["gi_class"] = cls
    g["gi_z"] = 0.0
    g.loc[g.index[[3, 10, 20]], "gi_z"] = [3.1, 1.8, -2.4]
    fig = maps.gi_class_map(g, label_top=5, wards=maps.ward_boundaries(g, g))
    texts = texts_of(fig)
    marks = [t.get_text() for t in fig.axes[0].texts if getattr(t, "_sa_marker", False)]
    assert marks == ["1", "2"]                                       # only the two hot spots
    assert {"Town 003X", "Town 010X", gistar.HOT_99, gistar.HOT_90} <= set(texts)
    assert "Town 020X" not in texts                                  # a cold spot is not labelled
    # without wards: the hot spots are named on the map (LSOA name, not code)
    plain = texts_of(maps.gi_class_map(g, label_top=5))
    assert {"Town 003X", "Town 010X"} <= set(plain) and "E01000003" not in plain


def test_emerging_map_draws_the_ward_layer():
    from assessment.chapters.hotspots import EmergingResult
    from assessment.figures import hotspots as figures
    g = ward_grid()
    table = pd.DataFrame({"category": ["New hot spot"] * 4 + ["No pattern detected"] * (len(g) - 4)}, index=g.index)
    res = EmergingResult(periods=[], min_years=5, table=table)
    fig = figures.emerging_map(res, g[["geometry"]], wards=maps.ward_boundaries(g, g))
    assert {"North Field", "East Marsh", "South Quay", "West Green"} <= set(texts_of(fig))
    assert legend_texts(fig) == ["New hot spot (4)", "No pattern detected (20)"]


# -- greyscale: every class of a categorical map must read without colour ------------------------
GREY_LEVELS = 40       # fills this many grey levels (of 255) apart read as different in print
PATTERN_MISS = 0.25    # hatches this different (see pattern_distance) read as different patterns


def grey_legend_patches(fig, dpi=200):
    """The figure rendered as the report does (PNG, tight box), converted to greyscale (PIL "L"),
    cut into its legend patches (2 px inside each border, all the same size)."""
    import io

    from PIL import Image
    fig.set_dpi(dpi)
    fig.canvas.draw()
    r = fig.canvas.get_renderer()
    tight = fig.get_tightbbox(r).padded(0.1)                      # savefig's pad_inches
    boxes = [p.get_window_extent(r) for p in fig.axes[0].get_legend().get_patches()]
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi, bbox_inches="tight")
    grey = np.asarray(Image.open(buf).convert("RGB").convert("L"), dtype=float)
    crops = []
    for bb in boxes:
        x0, x1 = bb.x0 - tight.x0 * dpi, bb.x1 - tight.x0 * dpi
        y0, y1 = tight.y1 * dpi - bb.y1, tight.y1 * dpi - bb.y0
        crops.append(grey[int(np.ceil(y0)) + 2:int(np.floor(y1)) - 2, int(np.ceil(x0)) + 2:int(np.floor(x1)) - 2])
    h, w = min(c.shape[0] for c in crops), min(c.shape[1] for c in crops)
    assert h > 15 and w > 30
    return [c[:h, :w] for c in crops]


def value_distance(a, b):
    """How far apart two patches are in grey level: their darkest and their lightest tones (the
    fill and the hatch lines), whichever differ more."""
    return max(abs(np.percentile(a, 5) - np.percentile(b, 5)), abs(np.percentile(a, 95) - np.percentile(b, 95)))


def _ink(c):
    lo, hi = np.percentile(c, 5), np.percentile(c, 95)
    if hi - lo < 30:                                              # a flat fill: no pattern
        return np.zeros(c.shape, bool)
    m = c > (lo + hi) / 2
    return ~m if m.mean() > 0.5 else m                            # the pattern: the minority tone


def pattern_distance(a, b):
    """How different two patches' patterns are, whatever their tones and however the hatch is
    shifted: at the best alignment of the two, the larger share of either pattern that the
    other does not cover (0 = the same pattern; 1 = a pattern against a flat fill)."""
    from scipy.signal import correlate
    A, B = _ink(a).astype(float), _ink(b).astype(float)
    if not A.any() or not B.any():
        return 0.0 if A.any() == B.any() else 1.0
    ones = np.ones_like(A)
    inter = correlate(A, B, mode="full", method="fft")
    na, nb = correlate(A, ones, mode="full", method="fft"), correlate(ones, B, mode="full", method="fft")
    ok = correlate(ones, ones, mode="full", method="fft") >= 0.5 * A.size      # shifts overlapping half or more
    miss = np.maximum(1 - inter[ok] / np.maximum(na[ok], 1e-9), 1 - inter[ok] / np.maximum(nb[ok], 1e-9))
    return float(miss.min())


def indistinguishable(fig):
    labels = legend_texts(fig)
    crops = grey_legend_patches(fig)
    out = []
    for i in range(len(crops)):
        for j in range(i + 1, len(crops)):
            v, p = value_distance(crops[i], crops[j]), pattern_distance(crops[i], crops[j])
            if v < GREY_LEVELS and p < PATTERN_MISS:
                out.append((labels[i], labels[j], round(v), round(p, 2)))
    return out


def _two(colors, hatches):
    g = strip(["A", "B"], col="c")
    return maps.choropleth(g, "c", categorical=True, order=["A", "B"], colors=dict(zip("AB", colors)),
                           hatches=dict(zip("AB", hatches)))


def test_the_greyscale_check_tells_alike_from_different():
    # the same hatch on the same colour, and two close blues without hatching: not told apart
    assert indistinguishable(_two(["#cb181d", "#cb181d"], ["//", "//"]))
    assert indistinguishable(_two(["#9ecae1", "#a6cde6"], [None, None]))
    # the five cold-spot blues the emerging map used before (no hatching) fail
    old_cold = {"New": "#c6dbef", "Consecutive": "#9ecae1", "Persistent": "#2171b5", "Sporadic": "#deebf7",
                "Oscillating": "#6baed6"}
    g = strip(list(old_cold), col="c")
    assert indistinguishable(maps.choropleth(g, "c", categorical=True, order=list(old_cold), colors=old_cold))
    # another hatch, a hatch against none, lines against a grid, or fills far apart in grey: told apart
    assert not indistinguishable(_two(["#cb181d", "#cb181d"], ["//", "\\\\"]))
    assert not indistinguishable(_two(["#cb181d", "#cb181d"], ["--", "++"]))
    assert not indistinguishable(_two(["#9ecae1", "#9ecae1"], [None, ".."]))
    assert not indistinguishable(_two(["#08306b", "#9ecae1"], [None, None]))
    # the same hatch in light lines on a dark fill and dark lines on a light one: told apart by tone
    assert not indistinguishable(_two(["#a50f15", "#c6dbef"], ["++", "++"]))


def test_every_gi_class_reads_in_greyscale():
    g = strip(list(gistar.GI_CLASSES), col="gi_class")
    fig = maps.gi_class_map(g)
    assert len(legend_texts(fig)) == len(gistar.GI_CLASSES) == 10
    assert indistinguishable(fig) == []


def test_every_emerging_hotspot_class_reads_in_greyscale():
    from assessment.figures import hotspots as figures
    from assessment.stats.emerging import CATEGORIES
    g = strip(list(CATEGORIES), col="category")
    fig = maps.choropleth(g, "category", categorical=True, colors=figures.EMERGING_COLORS,
                          hatches=figures.EMERGING_HATCHES, order=list(CATEGORIES))
    assert len(legend_texts(fig)) == len(CATEGORIES) == 18
    assert indistinguishable(fig) == []
    # the five cold-spot classes the issue named are hatched now, each with its own hatch
    cold = [c for c in CATEGORIES if "cold" in c and not c.startswith("Persistent")]
    assert len({figures.EMERGING_HATCHES[c] for c in cold}) == len(cold)


def test_classed_maps_read_in_greyscale():
    g = strip(list(np.arange(1.0, 41.0)) + [np.nan])
    fig = maps.choropleth(g, "v", scheme="Quantiles", k=5)
    assert len(legend_texts(fig)) == 6                            # five classes and "No data"
    assert indistinguishable(fig) == []


def test_lorenz_lines_never_share_a_colour_and_a_marker():
    """Nine crime groups (the demo's) used to repeat colour-and-marker pairs after the sixth line."""
    import matplotlib.pyplot as plt

    from assessment.figures import hotspots as hotspot_figures
    groups = {f"Group {i}": pd.Series([i + 1, 2, 3, 4, 5, 0]) for i in range(9)}
    fig = hotspot_figures.lorenz_figure(groups)
    lines = [ln for ln in fig.axes[0].get_lines() if ln.get_label().startswith("Group")]
    pairs = [(ln.get_color(), ln.get_marker()) for ln in lines]
    assert len(lines) == 9 and len(set(pairs)) == 9
    plt.close(fig)
