"""One significance rule for hot and cold spots (issue 12, item 5): the classes, the p-value shown
beside them, the chapter's text, the key findings, the emerging hot spots and the methods appendix
all follow :class:`assessment.significance.SignificanceRule`, and ``hotspots.fdr: false`` changes
them all together.  The more-permutations step for borderline LSOAs is checked against esda run
directly with many more permutations, and against the moments of sampling without replacement.
"""
from __future__ import annotations

import ast
import json
import re
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import box

from assessment.chapters import hotspots as h
from assessment.significance import SignificanceRule
from assessment.stats import gistar
from assessment.summary import build_summary
from assessment.words import appendix
from assessment.words import hotspots as words
from assessment.words import summary as narrative

ROOT = Path(__file__).resolve().parents[1]


def grid(n: int) -> gpd.GeoDataFrame:
    cells = [box(c, r, c + 1, r + 1) for r in range(n) for c in range(n)]
    codes = [f"L{r:02d}{c:02d}" for r in range(n) for c in range(n)]
    return gpd.GeoDataFrame(geometry=cells, index=pd.Index(codes, name="lsoa_code"), crs=27700)


# -- the rule and its defaults ------------------------------------------------------------
def test_config_defaults_are_the_rules_defaults():
    from assessment.config import Hotspots
    rule = SignificanceRule.from_config(Hotspots())
    assert rule == SignificanceRule()
    assert (rule.fdr, rule.permutations, rule.max_permutations) == (True, 9999, 99999)
    assert rule.p_column == "gi_p_fdr" and SignificanceRule(fdr=False).p_column == "gi_p"


def test_rule_round_trips_through_summary_json():
    for rule in (SignificanceRule(), SignificanceRule(fdr=False, permutations=999, max_permutations=999)):
        s = json.loads(json.dumps(build_summary([rule.headlines()])))
        assert SignificanceRule.from_summary(s) == rule
    assert SignificanceRule.from_summary(build_summary([{}])) is None


# -- the more-permutations step -----------------------------------------------------------
def test_distinct_draws_are_distinct_and_uniform():
    rng = np.random.default_rng(3)
    for m, k in ((40, 6), (9, 8)):                  # rejection of repeats; random sort keys (k close to m)
        d = gistar._distinct_draws(rng, 60_000, m, k)
        assert d.shape == (60_000, k) and d.min() >= 0 and d.max() < m
        assert (np.sort(d, axis=1)[:, 1:] != np.sort(d, axis=1)[:, :-1]).all()      # no repeat in a row
        # each position is equally likely in each column: 1/m, to within 5 standard errors
        freq = np.stack([np.bincount(d[:, j], minlength=m) / len(d) for j in range(k)])
        se = np.sqrt((1 / m) * (1 - 1 / m) / len(d))
        assert np.abs(freq - 1 / m).max() < 5 * se


def test_more_permutations_have_the_moments_of_sampling_without_replacement():
    # LSOA 0 of 30, k = 5 neighbours drawn from the other 29 values; the sum of a simple random sample
    # of k from m values has mean k*mu and variance k*s2*(m - k)/(m - 1), s2 the population variance
    y = np.arange(30, dtype=float) ** 1.5
    others = y[1:]
    m, k = len(others), 5
    draws = gistar._distinct_draws(np.random.default_rng(11), 200_000, m, k)
    sums = others[draws[:, :k]].sum(axis=1)
    mean, var = k * others.mean(), k * others.var() * (m - k) / (m - 1)
    assert sums.mean() == pytest.approx(mean, rel=3 * np.sqrt(var / len(sums)) / mean)
    assert sums.var() == pytest.approx(var, rel=0.02)
    # the counts _more_permutations returns are those of the same sums against the observed statistic
    scaling = y.sum()
    observed = (y[0] + np.quantile(sums, 0.9)) / scaling
    ge, le = gistar._more_permutations(y, 0, k, observed, scaling, np.ascontiguousarray(draws.T))
    assert ge == int(((sums + y[0]) / scaling >= observed - 1e-9 * observed).sum())
    assert le == int(((sums + y[0]) / scaling <= observed + 1e-9 * observed).sum())


@pytest.fixture(scope="module")
def planted():
    """10 x 10 grid, continuous values (no ties, so esda's one-sided p_sim doubles to our p), a block."""
    g = grid(10)
    rng = np.random.default_rng(8)
    y = pd.Series(rng.gamma(2.0, 2.0, len(g)), index=g.index)
    for r in (3, 4, 5):
        for c in (3, 4, 5):
            y[f"L{r:02d}{c:02d}"] += 6
    return g, y


def test_refined_p_values_agree_with_esda_run_with_many_more_permutations(planted):
    import esda
    import libpysal
    g, y = planted
    out = gistar.gistar(y, g, permutations=999, seed=7, fdr=False, max_permutations=19999)
    w = libpysal.weights.Queen.from_dataframe(g, use_index=True)
    yy = y.reindex(w.id_order).to_numpy()
    base = esda.G_Local(yy, w, transform="B", star=True, permutations=999, seed=7, n_jobs=1)
    ref = esda.G_Local(yy, w, transform="B", star=True, permutations=49999, seed=1, n_jobs=1)
    base_p = pd.Series(np.minimum(1, 2 * base.p_sim), index=w.id_order)
    ref_p = pd.Series(np.minimum(1, 2 * ref.p_sim), index=w.id_order)
    n = out["gi_permutations"]
    kept, refined = out.index[n == 999], out.index[(n > 999) & (n < 19999)]
    assert len(kept) > 50 and len(refined) >= 3, n.value_counts()
    # LSOAs whose class was settled by the first 999 permutations keep esda's p-value exactly
    np.testing.assert_allclose(out.loc[kept, "gi_p"], base_p[kept], atol=1e-6)
    # refined ones were settled by more permutations: their p-value is esda's 49,999-permutation
    # p-value to within the Monte Carlo error of both (5 standard errors)
    for code in refined:
        p, r, b = out.loc[code, "gi_p"], ref_p[code], int(n[code])
        se = np.sqrt(2 * r * (1 - r / 2) / b + 2 * r * (1 - r / 2) / 49999)
        assert abs(p - r) <= 5 * se + 2 / b, (code, p, r, b)
    # every class settled below the cap is the class of the precise p-value, wherever that p-value is not
    # itself within its own Monte Carlo error of a threshold; at the cap an unsettled class takes the
    # cautious end of its interval, so it is never more significant than the precise one
    precise = gistar.gi_class(out["gi_z"], ref_p.reindex(out.index))
    se_ref = np.sqrt(2 * ref_p * (1 - ref_p / 2) / 49999).reindex(out.index)
    clear = pd.Series(True, index=out.index)
    for a in (0.01, 0.05, 0.10):
        clear &= (ref_p.reindex(out.index) - a).abs() > 4 * se_ref
    below_cap = n < 19999
    assert (out.loc[clear & below_cap, "gi_class"] == precise[clear & below_cap]).all()
    level = {gistar.HOT_99: 3, gistar.HOT_95: 2, gistar.HOT_90: 1, gistar.NOT_SIGNIFICANT: 0, gistar.COLD_90: 1, gistar.COLD_95: 2, gistar.COLD_99: 3}
    at_cap = out.index[~below_cap]
    assert len(at_cap) and all(level[out.loc[c, "gi_class"]] <= level[precise[c]] for c in at_cap)


def test_no_refinement_when_the_cap_is_not_above_the_permutations(planted):
    g, y = planted
    a = gistar.gistar(y, g, permutations=499, seed=3, fdr=True, max_permutations=499)
    b = gistar.gistar(y, g, permutations=499, seed=3, fdr=True)
    pd.testing.assert_frame_equal(a, b)
    assert (a["gi_permutations"] == 499).all()


def test_bh_adjustment_over_the_refined_p_by_hand(planted):
    g, y = planted
    out = gistar.gistar(y, g, permutations=999, seed=2, fdr=True, max_permutations=9999)
    p = out["gi_p"].to_numpy()
    # Benjamini-Hochberg by hand: sort, p_(k) * m / k, running minimum from the largest, cap at 1
    order = np.argsort(p)
    m = len(p)
    adj = np.minimum.accumulate((p[order] * m / np.arange(1, m + 1))[::-1])[::-1]
    by_hand = np.empty(m)
    by_hand[order] = np.minimum(adj, 1)
    np.testing.assert_allclose(out["gi_p_fdr"].to_numpy(), by_hand, rtol=1e-12)
    # the class is the class of the p shown beside it (the adjusted one under fdr: true)
    assert (out["gi_class"] == gistar.gi_class(out["gi_z"], out["gi_p_fdr"])).all()


# -- one rule, every sentence -------------------------------------------------------------
def _result(rule: SignificanceRule) -> h.HotspotsResult:
    """A chapter-2 result on a 12 x 12 grid with one planted cluster, under ``rule``."""
    from assessment.periods import financial_year
    g = grid(12)
    rng = np.random.default_rng(4)
    n = pd.Series(rng.poisson(4, len(g)), index=g.index)
    for r in (5, 6, 7):
        for c in (5, 6, 7):
            n[f"L{r:02d}{c:02d}"] += rng.poisson(14)
    crimes = pd.DataFrame({"lsoa_code": n.index, "count": n.to_numpy(), "month": pd.Timestamp("2024-06-01")})
    lsoas = pd.DataFrame({"lsoa_name": [f"Area {i}" for i in range(len(g))]}, index=g.index)
    period = financial_year(2024)
    t = h.lsoa_table(crimes, lsoas, period, boundaries=g, previous=False, permutations=rule.permutations, seed=5,
                     fdr=rule.fdr, max_permutations=rule.max_permutations)
    res = h.HotspotsResult(period=period, table=t, concentration=h.concentration_table({h.ALL_CRIME: t["count"]}),
                           counts_by_group={h.ALL_CRIME: t["count"]}, has_geometry=True, rule=rule)
    res.headlines = h.headlines(res)
    return res


@pytest.fixture(scope="module")
def both():
    return {fdr: _result(SignificanceRule(fdr=fdr, permutations=999, max_permutations=9999)) for fdr in (True, False)}


ADJUSTED = "allowing for testing all 144 LSOAs at once"
UNADJUSTED = "each LSOA tested on its own"


def test_table_class_and_p_column_are_the_same_p(both):
    for _fdr, res in both.items():
        rule = res.rule
        shown = words.display_columns(res.table, rule)
        assert rule.p_label in shown and ({"p (FDR-adjusted)", "p (unadjusted)"} - {rule.p_label}).isdisjoint(shown)
        assert (shown["Gi* class"].to_numpy() == gistar.gi_class(res.table["gi_z"], res.table[rule.p_column]).to_numpy()).all()
        cols = list(h.publishable(res.table, rule).columns)
        assert cols[-2:] == [rule.p_column, "gi_class"] and {"gi_p", "gi_p_fdr", "gi_permutations"} <= set(cols)
    # the cluster is found either way, but the unadjusted rule finds more
    assert both[False].headlines["hotspots.hot_spots_95"] > both[True].headlines["hotspots.hot_spots_95"] > 0
    assert both[True].headlines["hotspots.hot_spots_95"] == both[True].headlines["hotspots.hot_spots_95_fdr"]


def test_fdr_setting_changes_chapter_findings_and_methods_together(both):
    for fdr, res in both.items():
        yes, no = (ADJUSTED, UNADJUSTED) if fdr else (UNADJUSTED, ADJUSTED)
        chapter = words.significance_text(res) + " " + words.gi_sentence(res)
        findings = " ".join(f.sentence for f in narrative.key_findings(build_summary([res.headlines])))
        for text in (words.gi_sentence(res), findings):
            assert yes in text, text
        assert ("allow for testing all 144 LSOAs at once" if fdr else "do not allow for testing 144 LSOAs at once") \
            in words.significance_text(res)
        assert ("statistically significant" in findings) == fdr
        assert ("The p-value beside each class is the adjusted one" in chapter) == fdr
        if fdr:      # the adjusted rule never says the opposite
            assert no not in chapter and no not in findings
        else:        # the unadjusted rule says how many survive the adjustment
            k = res.headlines["hotspots.hot_spots_95_fdr"]
            assert f"{k} of the {res.headlines['hotspots.hot_spots_95']} remain" in words.gi_sentence(res)
        methods = words.methods(res.rule) + words.emerging_methods(res.rule)
        assert ("The classes use the adjusted p-value" in methods) == fdr
        assert ("The classes use the unadjusted p-value" in methods) == (not fdr)
        assert res.rule.p_name() in methods
        assert (("adjusted for testing every LSOA at once within each year" in methods) == fdr and
                ("each LSOA is tested on its own within each year" in methods) == (not fdr))


def test_appendix_methods_follow_the_configs_rule(tmp_path):
    from types import SimpleNamespace

    from assessment.config import load_config
    for fdr in (True, False):
        p = tmp_path / f"a{fdr}.yml"
        p.write_text("area: {name: Testham}\ninputs: {crimes: crimes.csv}\n"
                     f"hotspots: {{fdr: {str(fdr).lower()}, permutations: 999, emerging_alpha: 0.05}}\n")
        cfg = load_config(p, check_files=False)
        text = appendix.methods_text("hotspots", cfg) + appendix.methods_text("emerging", cfg)
        assert ("The classes use the adjusted p-value" in text) == fdr
        assert "shuffled among its neighbours 999 times" in text and "up to 99,999" in text
        assert "α = 0.05 (95% confidence" in text
        full = appendix.methods_markdown(SimpleNamespace(config=cfg, period=__import__("assessment.periods").periods.financial_year(2024)))
        assert ("(`hotspots.fdr: true`)" in full) == fdr and ("(`hotspots.fdr: false`)" in full) == (not fdr)


def test_emerging_state_sentence_follows_the_rule():
    y = pd.DataFrame({"year": ["a"] * 3 + ["b"] * 3, "gi_p": [0.1, 0.2, 0.3] * 2})
    for fdr, phrase in ((True, "allowing for testing all 3 LSOAs at once each year"),
                        (False, "each LSOA tested on its own, not allowing for testing 3 LSOAs at once each year")):
        r = h.EmergingResult(periods=[1, 2], min_years=5, yearly=y, rule=SignificanceRule(fdr=fdr), alpha=0.05)
        s = words.state_sentence(r)
        assert phrase in s and "at 95% confidence or more" in s


def _string_constants(path: Path):
    """Every string literal of a module that is not a docstring (docstrings hold doctest outputs)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docs = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.FunctionDef, ast.ClassDef, ast.AsyncFunctionDef)) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                docs.add(id(first.value))
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docs:
            yield node.value


def test_only_the_rule_words_whether_the_confidence_allows_for_testing_every_lsoa():
    """No notebook cell and no module but assessment/significance.py hard-codes the sentence, or its
    opposite: every such sentence is worded by the rule, from the run's result."""
    phrase = re.compile(r"(allow(s|ing)? for testing|tested on its own|testing (every|all) (LSOA|the LSOA))", re.I)
    found = []
    for nb in sorted((ROOT / "notebooks").glob("*.ipynb")):
        for i, cell in enumerate(json.loads(nb.read_text(encoding="utf-8"))["cells"], 1):
            if phrase.search("".join(cell["source"])):
                found.append(f"{nb.name} cell {i}")
    for mod in sorted((ROOT / "assessment").glob("*.py")):
        if mod.name == "significance.py":
            continue
        found += [f"{mod.name}: {s[:60]!r}" for s in _string_constants(mod) if phrase.search(s)]
    assert not found, found
