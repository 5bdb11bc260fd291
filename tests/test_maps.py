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
