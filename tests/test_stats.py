"""The pure statistics layer, assessment.stats (issue 13, item 1): it imports nothing from the rest of
the package, each rule has one copy (the chapters' old names are the same objects), and its
statistics give hand-worked values and esda's."""
from __future__ import annotations

import ast
import importlib.util
import inspect
import math
import subprocess
import sys
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import box

from assessment import errors, rounding, significance
from assessment.chapters import hotspots, offenders
from assessment.figures import hotspots as hotspot_figures
from assessment.stats import base, concentration, gistar, mann_kendall
from assessment.stats import emerging as emerging_stats
from assessment.stats import offenders as offender_stats
from assessment.words import hotspots as hotspot_words

ROOT = Path(__file__).resolve().parents[1]
STATS = ROOT / "assessment" / "stats"


def grid(n: int) -> gpd.GeoDataFrame:
    cells = [box(c, r, c + 1, r + 1) for r in range(n) for c in range(n)]
    codes = [f"L{r:02d}{c:02d}" for r in range(n) for c in range(n)]
    return gpd.GeoDataFrame(geometry=cells, index=pd.Index(codes, name="lsoa_code"), crs=27700)


# -- the layer imports nothing from the rest of the package --------------------------------------
def _imported_modules(path: Path) -> list[tuple[int, str]]:
    """(line, absolute module name) of every import in a module of assessment.stats, at any depth
    (inside functions too), plus importlib.import_module / __import__ calls with a literal name."""
    package = "assessment.stats"      # the package of every module in STATS (no sub-packages)
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, a.name) for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                parts = package.split(".")
                base_ = ".".join(parts[:len(parts) - (node.level - 1)]) if node.level - 1 < len(parts) else ""
                mod = f"{base_}.{node.module}" if node.module else base_
                found.append((node.lineno, mod))
                if not node.module:               # from . import x: x is a module of the package
                    found += [(node.lineno, f"{base_}.{a.name}") for a in node.names]
            else:
                found.append((node.lineno, node.module))
        elif isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant) \
                and isinstance(node.args[0].value, str):
            fn = node.func
            name = fn.attr if isinstance(fn, ast.Attribute) else getattr(fn, "id", "")
            if name in ("import_module", "__import__"):
                found.append((node.lineno, node.args[0].value))
    return found


def test_stats_imports_nothing_from_the_rest_of_the_package():
    files = sorted(STATS.rglob("*.py"))
    assert {f.name for f in files} >= {"__init__.py", "base.py", "concentration.py", "gistar.py", "mann_kendall.py",
                                       "emerging.py"}
    bad = []
    for f in files:
        for line, mod in _imported_modules(f):
            if (mod == "assessment" or mod.startswith("assessment.")) and not (
                    mod == "assessment.stats" or mod.startswith("assessment.stats.")):
                bad.append(f"{f.relative_to(ROOT)}:{line} imports {mod}")
    assert not bad, bad


def test_the_import_check_sees_relative_and_function_level_imports(tmp_path):
    # the checker itself: a parent-relative import inside a function is caught
    f = tmp_path / "x.py"
    f.write_text("def f():\n    from ..errors import AssessmentError\n    from . import gistar\n"
                 "    import importlib; importlib.import_module('assessment.hotspots')\n")
    mods = [m for _, m in _imported_modules(f)]
    assert "assessment.errors" in mods and "assessment.stats.gistar" in mods and "assessment.hotspots" in mods


def test_stats_at_run_time_loads_no_other_assessment_module():
    # whatever the source says, running the statistics (function-level imports included) loads only
    # assessment.stats and the (empty) package itself
    code = (
        "import sys, pandas as pd, geopandas as gpd\n"
        "from shapely.geometry import box\n"
        "from assessment.stats import concentration, gistar\n"
        "g = gpd.GeoDataFrame(geometry=[box(i, 0, i + 1, 1) for i in range(6)], index=list('ABCDEF'))\n"
        "y = pd.Series([9, 7, 1, 1, 0, 2], index=g.index)\n"
        "gistar.gistar(y, g, permutations=99, seed=1, max_permutations=999)\n"
        "gistar.gistar(y, g, permutations=0)\n"
        "concentration.lorenz(y); concentration.generalised_gini(y); concentration.top_share(y, 0.2)\n"
        "from assessment.stats import emerging, mann_kendall\n"
        "mann_kendall.mann_kendall([1, 2, 2, 3]); emerging.classify([0, 1, 1], 0.5, 2)\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'assessment'))\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert out.returncode == 0, out.stderr[-2000:]
    loaded = eval(out.stdout.strip().splitlines()[-1])
    assert [m for m in loaded if m != "assessment" and not m.startswith("assessment.stats")] == []


def test_command_line_start_up_still_imports_no_numpy():
    # assessment.errors takes its root error from assessment.stats.base: the package's lazy __init__
    # must keep `assessment --help` from importing numpy and pandas
    code = "import sys, assessment.cli, assessment.config; print('numpy' in sys.modules, 'pandas' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert out.returncode == 0 and out.stdout.split() == ["False", "False"], out.stdout + out.stderr


def test_doctests_cover_the_stats_modules():
    spec = importlib.util.spec_from_file_location("_doctests", ROOT / "tests" / "test_doctests.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    assert {"assessment.stats", "assessment.stats.base", "assessment.stats.concentration",
            "assessment.stats.gistar", "assessment.stats.mann_kendall", "assessment.stats.emerging"} <= set(mod.MODULES)


def test_every_public_function_is_documented_like_esda():
    # numpydoc sections, and an example that runs (test_doctests runs them)
    for module in (concentration, gistar, base, mann_kendall, emerging_stats):
        for name, fn in inspect.getmembers(module, inspect.isfunction):
            if name.startswith("_") or fn.__module__ != module.__name__:
                continue
            doc = inspect.getdoc(fn) or ""
            for section in ("Parameters", "Returns", "Examples"):
                assert f"\n{section}\n---" in doc, f"{module.__name__}.{name}: no {section} section"
            assert ">>> " in doc, f"{module.__name__}.{name}: no example"
    for name in ("top_k", "top_share", "lorenz", "gini", "generalised_gini"):
        doc = inspect.getdoc(getattr(concentration, name))
        assert "\nNotes\n---" in doc, name
    for name in ("top_share", "lorenz", "gini", "generalised_gini"):
        assert "\nReferences\n---" in inspect.getdoc(getattr(concentration, name)), name
    for fn in (gistar.gistar, gistar.refine, gistar.bh_adjust, gistar.two_sided_pseudo_p, mann_kendall.mann_kendall,
               emerging_stats.classify, emerging_stats.emerging_hotspots):
        doc = inspect.getdoc(fn)
        assert "\nNotes\n---" in doc and "\nReferences\n---" in doc, fn.__name__


# -- one copy of each rule --------------------------------------------------------------------------
#: chapter 2's modules (issue 13: the chapter, its words and its figures); the flat assessment.hotspots
#: and assessment.emerging that re-exported the statistics are gone
CHAPTER_2 = (hotspots, hotspot_words, hotspot_figures)


def _defined(mod) -> set:
    """The names a module defines at top level (functions, classes, assignments), not those it imports."""
    out = set()
    for n in ast.parse(Path(mod.__file__).read_text(encoding="utf-8")).body:
        if isinstance(n, (ast.FunctionDef, ast.ClassDef)):
            out.add(n.name)
        elif isinstance(n, (ast.Assign, ast.AnnAssign)):
            out |= {t.id for t in (n.targets if isinstance(n, ast.Assign) else [n.target]) if isinstance(t, ast.Name)}
    return out


def test_one_gini_and_one_top_p_rule():
    assert hotspots.gini is offenders.gini is concentration.gini
    assert hotspots.top_k is offenders.top_k is offender_stats.top_k is concentration.top_k
    assert offenders.share_key is concentration.share_key
    assert hotspots.generalised_gini is concentration.generalised_gini
    assert hotspot_figures.lorenz is concentration.lorenz and hotspots.top_share is concentration.top_share
    assert hotspots.top_areas is concentration.top_areas
    assert rounding.zero_clip is base.zero_clip
    # no chapter module defines them again
    for mod in (*CHAPTER_2, offenders, offender_stats):
        defined = {n.name for n in ast.parse(Path(mod.__file__).read_text(encoding="utf-8")).body
                   if isinstance(n, ast.FunctionDef)}
        assert not defined & {"gini", "generalised_gini", "top_k", "group_size", "share_key", "_pct_key",
                              "lorenz", "top_share", "top_areas", "_as_counts", "_check_share"}, mod.__name__


def test_chapter_2_takes_every_gistar_name_from_the_statistics():
    """Every Gi* name chapter 2's modules hold is assessment.stats.gistar's object, and none of them
    defines a Gi* name again (the check that the flat assessment.hotspots re-exported them all)."""
    names = set(gistar.__all__) | {"_distinct_draws", "_more_permutations", "_p_bounds", "_levels", "_tail_counts",
                                   "_pseudo_p"}
    for mod in CHAPTER_2:
        for name in names:
            if hasattr(mod, name):
                assert getattr(mod, name) is getattr(gistar, name), (mod.__name__, name)
        assert not _defined(mod) & names, mod.__name__
    for name in ("gistar", "queen_weights", "count_classes", "count_fdr", "no_geometry", "HOT_AT", "COLD_AT"):
        assert getattr(hotspots, name) is getattr(gistar, name), name
    assert not (ROOT / "assessment" / "hotspots.py").exists() and not (ROOT / "assessment" / "emerging.py").exists()


def test_chapter_2_takes_the_trend_test_and_the_pattern_classes_from_the_statistics():
    names = set(emerging_stats.__all__) | {"mann_kendall", "MannKendall"}
    for mod in CHAPTER_2:
        for name in names:
            if hasattr(mod, name):
                assert getattr(mod, name) is getattr(emerging_stats, name, getattr(mann_kendall, name, None)), \
                    (mod.__name__, name)
        assert not _defined(mod) & (names | {"classify", "states"}), mod.__name__
    assert hotspots.emerging_hotspots is emerging_stats.emerging_hotspots and hotspots.CATEGORIES is emerging_stats.CATEGORIES


def test_one_root_error_and_one_set_of_significance_numbers():
    assert errors.AssessmentError is base.AssessmentError
    assert issubclass(base.StatsError, errors.AssessmentError) and issubclass(base.StatsError, ValueError)
    assert errors.AssessmentError.__module__ == "assessment.errors"
    for name in ("ALPHAS", "DEFAULT_PERMUTATIONS", "DEFAULT_MAX_PERMUTATIONS", "DEFAULT_FDR", "DECISION_ERROR"):
        assert getattr(significance, name) is getattr(base, name), name
    assert [a for a, _, _ in gistar.LEVELS] == list(significance.ALPHAS)
    # the Gi* class labels: one set, named from the statistics, the rule and the chapter alike
    for name in ("HOT_99", "HOT_95", "HOT_90", "NOT_SIGNIFICANT", "COLD_90", "COLD_95", "COLD_99", "NO_NEIGHBOURS",
                 "NO_VARIATION", "NO_GEOMETRY", "GI_CLASSES", "HOT_AT", "COLD_AT", "LEVELS"):
        assert getattr(gistar, name) is getattr(base, name) is getattr(significance, name) \
            is getattr(hotspots, name), name


def test_summary_key_helper_gives_both_spellings():
    # the hotspots table column uses '12.5', every summary.json key '12_5' (a '.' would split the path)
    assert concentration.share_key(0.125, decimal=".") == "12.5"
    assert [concentration.share_key(p) for p in (0.01, 0.025, 0.125, 0.2, 1.0)] == ["1", "2_5", "12_5", "20", "100"]
    t = hotspots.concentration(pd.Series([5, 3, 1, 1, 0, 0, 0, 0]), shares=[0.125, 0.25])
    assert t["top_12.5pct_lsoas"] == 1 and t["top_12.5pct_share"] == 0.5 and t["top_25pct_share"] == 0.8


# -- reference values -------------------------------------------------------------------------------
def test_gini_reference_values_by_hand():
    assert concentration.gini([1, 1, 1, 1]) == 0.0
    assert math.copysign(1.0, concentration.gini([7, 7, 7])) == 1.0          # 0.0, never -0.0
    for n in (2, 3, 4, 10, 150):
        # one place has everything: only the last term, (2N − N − 1)·n = (N − 1)·n, over N·n
        x = [0] * (n - 1) + [n]
        assert concentration.gini(x) == pytest.approx((n - 1) / n, abs=1e-15)
    # sorted [1, 2, 3, 4]: (−3·1 − 1·2 + 1·3 + 3·4) / (4·10) = 10/40
    assert concentration.gini(pd.Series([4, 1, 3, 2])) == pytest.approx(0.25)
    # the mean-difference form, on random counts
    rng = np.random.default_rng(1)
    for _ in range(20):
        x = rng.poisson(3, int(rng.integers(2, 30)))
        if x.sum():
            md = np.abs(x[:, None] - x[None, :]).sum() / (2 * len(x) ** 2 * x.mean())
            assert concentration.gini(x) == pytest.approx(md, abs=1e-12)
    assert math.isnan(concentration.gini([])) and math.isnan(concentration.gini([0, 0]))


def test_gini_takes_series_lists_arrays_and_iterables_alike():
    x = [3, 0, 5, 1]
    values = {concentration.gini(x), concentration.gini(tuple(x)), concentration.gini(np.array(x)),
              concentration.gini(pd.Series(x, index=list("abcd"))), concentration.gini(v for v in x),
              concentration.gini(dict(zip("abcd", x)))}
    assert len(values) == 1


def test_bad_counts_and_shares_are_stats_errors_that_the_cli_reports():
    for bad in ([1, -2], [1, None], pd.Series([1.0, np.nan])):
        with pytest.raises(base.StatsError, match="non-negative"):
            concentration.gini(bad)
    with pytest.raises(errors.AssessmentError, match="between 0 and 1"):
        concentration.top_k(10, 5)
    with pytest.raises(ValueError, match="fraction such as 0.01"):
        concentration.top_k(10, "many")
    with pytest.raises(base.StatsError, match="0 or more"):
        concentration.top_k(-1, 0.1)


def test_generalised_gini_and_top_k_by_hand():
    # N = 5 places, C = 2: [0, 0, 0, 1, 1] -> G = 0.6 = 1 − C/N -> G' = 2.5·(0.6 − 1) + 1 = 0
    assert concentration.generalised_gini([0, 1, 0, 1, 0]) == 0.0
    # lumped: G = 0.8, G' = 0.5; C >= N: G' = G
    assert concentration.generalised_gini([0, 0, 2, 0, 0]) == pytest.approx(0.5)
    assert concentration.generalised_gini([10, 3, 0, 7]) == pytest.approx(concentration.gini([10, 3, 0, 7]), abs=1e-15)
    # ceil(p·n), at least one, 0 of nothing; 0.07·100 is 7, not 8
    assert [concentration.top_k(150, p) for p in (0.01, 0.05, 0.10, 0.20)] == [2, 8, 15, 30]
    assert concentration.top_k(100, 0.07) == 7 and concentration.top_k(10, 0.01) == 1
    assert concentration.top_k(0, 0.5) == 0


def test_results_keep_the_inputs_index():
    c = pd.Series([3, 0, 9, 1], index=pd.Index(["W", "X", "Y", "Z"], name="lsoa_code"))
    assert concentration.as_counts(c).index.equals(c.index)
    lz = concentration.lorenz(c)
    assert lz.index.name == "lsoa_code" and lz.index[1:].tolist() == ["Y", "W", "Z", "X"]
    assert concentration.top_areas(c, 2).index.tolist() == ["Y", "W"]
    numbered = concentration.lorenz(pd.Series([2, 5], index=[10, 20]))
    assert numbered.index[1:].tolist() == [20, 10]               # labels kept as they are, not made text
    g = grid(4)
    y = pd.Series(np.arange(16) % 5, index=g.index).sample(frac=1.0, random_state=2)
    assert gistar.gistar(y, g, permutations=9, seed=1).index.tolist() == y.index.tolist()
    assert gistar.no_geometry(y).index.equals(y.index)


# -- Gi* against esda ---------------------------------------------------------------------------------
def test_gistar_against_esda_g_local_with_the_same_seed():
    import esda
    import libpysal
    g = grid(7)
    rng = np.random.default_rng(13)
    y = pd.Series(rng.gamma(2.0, 2.0, len(g)), index=g.index)   # continuous: no ties among permutations
    y[["L0202", "L0203", "L0302"]] += 25
    ours = gistar.gistar(y, weights=gistar.queen_weights(g), permutations=999, seed=99, fdr=False)
    w = libpysal.weights.Queen.from_dataframe(g, use_index=True)
    ref = esda.G_Local(y.to_numpy(), w, transform="B", star=True, permutations=999, seed=99, n_jobs=1)
    np.testing.assert_allclose(ours["gi_z"].to_numpy(), ref.Zs, rtol=0, atol=1e-9)
    # two-sided: twice esda's one-sided p_sim (float32 in esda)
    np.testing.assert_allclose(ours["gi_p"].to_numpy(), np.minimum(1.0, 2 * ref.p_sim), atol=1e-6)
    assert (ours["gi_permutations"] == 999).all()
    assert (ours["gi_class"] == gistar.gi_class(ours["gi_z"], ours["gi_p"])).all()
    assert gistar.count_classes(ours["gi_class"], 0.95) >= 1
    # normal approximation: p = 2·(1 − Φ(|z|))
    from scipy.stats import norm
    normal = gistar.gistar(y, weights=w, permutations=0)
    np.testing.assert_allclose(normal["gi_p"], 2 * norm.sf(np.abs(ref.Zs)), rtol=1e-12)


def test_refine_returns_a_small_result_object():
    y = np.array([10.0, 5, 1, 1, 1, 1, 1, 1, 1])
    r = gistar.refine(y, np.ones(9, int), np.array([1.0] + [0.1] * 8), np.array([3.0] + [0.0] * 8),
                      np.zeros(9, int), np.full(9, 99), 99, 99999, 1, fdr=False)
    assert isinstance(r, gistar.Refinement) and r.permutations[0] == 1599 and r.settled.all()
    ge, le, perms, settled = r                                  # still unpacks as the old tuple
    assert int(ge[0]) == 0 and int(le[0]) == 1599


# -- Mann–Kendall and the emerging classes -------------------------------------------------------------
def test_mann_kendall_by_hand_and_against_scipy_kendall_tau():
    # strictly rising, n = 5: S = 10, Var = 5·4·15/18, Z = 9/√Var, τ = 1
    r = mann_kendall.mann_kendall([1.0, 2.0, 3.5, 4.0, 9.0])
    assert (r.n, r.s, r.tau) == (5, 10, 1.0) and r.var_s == pytest.approx(300 / 18)
    assert r.z == pytest.approx(9 / math.sqrt(300 / 18))
    # with no ties, τ is Kendall's τ of the series against time (scipy)
    from scipy.stats import kendalltau
    x = np.random.default_rng(4).normal(size=12)
    assert mann_kendall.mann_kendall(x).tau == pytest.approx(kendalltau(np.arange(12), x).statistic)
    assert math.isnan(mann_kendall.mann_kendall([1.0]).p)


def test_emerging_classes_keep_the_places_and_reject_bad_states():
    years = ["2021", "2022", "2023"]
    rows = [{"lsoa_code": c, "year": y, "gi_z": z, "gi_p": p, "gi_p_fdr": p}
            for c, zs, ps in (("B", [3.0, 3.2, 3.4], [0.01] * 3), ("A", [0.0, 0.1, 0.2], [0.9] * 3))
            for y, z, p in zip(years, zs, ps)]
    t = emerging_stats.emerging_hotspots(pd.DataFrame(rows))
    assert sorted(t.index) == ["A", "B"] and t.index.name == "lsoa_code"
    assert t.loc["B", "category"] == "Persistent hot spot" and t.loc["A", "category"] == emerging_stats.NO_PATTERN
    with pytest.raises(base.StatsError, match="-1, 0 or 1"):
        emerging_stats.classify([0, 2], 0.5, 0)
