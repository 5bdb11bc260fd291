"""assessment.stats.offenders — offender concentration — against values worked out by hand.

The hand-made links (crime: offenders), with co-offending on c4, c11:

    A: c1 c2 c3 c4 (c1 listed twice)   -> 4 distinct crimes
    B: c4 c5 c6                        -> 3   (c4 shared with A)
    C: c7 c8 c9                        -> 3   (ties B; "B" < "C", so B ranks 2nd, C 3rd)
    D: c10 c11                         -> 2
    E: c11                             -> 1   (c11 shared with D)
    F: c12 / G: c13 / H: c14           -> 1 each

N = 8 offenders; linked crimes c1..c14 = 14; 20 crimes recorded in all.  Credits 4+3+3+2+1+1+1+1 = 16.
Ranks A1 B2 C3 D4 E5 F6 G7 H8.  Best rank of each crime: c1-c4 1 (c4: min(A 1, B 2)), c5 c6 2,
c7-c9 3, c10 c11 4 (c11: min(D 4, E 5)), c12 6, c13 7, c14 8.  Crimes linked to the top k, k = 0..8:
0, 4, 6, 9, 11, 11 (E's only crime is D's too), 12, 13, 14.

Top p = ⌈p·8⌉: 10% -> 1 (4 crimes: 4/14, 4/20 = 0.2); 20% -> ⌈1.6⌉ = 2 (6: 6/14, 0.3);
30% -> ⌈2.4⌉ = 3 (9: 9/14, 0.45); 50% -> 4 (11: 11/14, 0.55).
Ties at the boundary: 20% (B inside, C outside, both 3) -> 1; 10%, 30%, 50% -> 0 (C, D and E end the
groups with nobody equal outside? 30%: C has 3, D 2 -> 0; 50%: D 2, E 1 -> 0); 60% -> ⌈4.8⌉ = 5,
E (1) inside, F G H (1) outside -> 3.
Prolific, threshold 3: A B C, K = 3 of 8, C = 9 crimes: 9/14, 9/20.  Threshold 5: none.
Gini of [1,1,1,1,2,3,3,4] (n 8, sum 16): Σ(2i − 9)xᵢ = −7 −5 −3 −1 + 2 + 9 + 15 + 28 = 38, G = 38/128.

Crime types: c1 c2 c7 Burglary; c3 c5 c8 c9 c10 Theft; c4 c11 Robbery; c6 none; c12-c14 Criminal
damage.  Top 25% = ⌈2⌉ = A, B: c1..c6 -> Burglary 2, Theft 2, Robbery 1, Not recorded 1 (6).
Rest c7..c14 -> Burglary 1, Theft 3, Robbery 1, Criminal damage 3 (8).
Order (top crimes, then rest crimes, most first, then name): Theft (2, 3), Burglary (2, 1),
Robbery (1, 1), Not recorded (1, 0), Criminal damage (0, 3).
"""
from __future__ import annotations

import inspect

import numpy as np
import pandas as pd
import pytest

from assessment.stats import StatsError, concentration
from assessment.stats import offenders as so

PAIRS = [("c1", "A"), ("c2", "A"), ("c3", "A"), ("c4", "A"), ("c1", "A"),
         ("c4", "B"), ("c5", "B"), ("c6", "B"),
         ("c7", "C"), ("c8", "C"), ("c9", "C"),
         ("c10", "D"), ("c11", "D"), ("c11", "E"),
         ("c12", "F"), ("c13", "G"), ("c14", "H")]
TYPES = {"c1": "Burglary", "c2": "Burglary", "c7": "Burglary", "c3": "Theft", "c5": "Theft", "c8": "Theft",
         "c9": "Theft", "c10": "Theft", "c4": "Robbery", "c11": "Robbery", "c6": None,
         "c12": "Criminal damage", "c13": "Criminal damage", "c14": "Criminal damage"}


def links(order=None) -> pd.DataFrame:
    t = pd.DataFrame(PAIRS, columns=["crime_id", "offender_id"])
    t["crime_type"] = t["crime_id"].map(TYPES)
    t.index = pd.Index([f"row{i}" for i in range(len(t))], name="link")
    return t if order is None else t.iloc[order]


def test_crimes_per_offender_counts_distinct_crimes_and_ranks_ties_by_reference():
    per = so.crimes_per_offender(links())
    assert per.index.tolist() == list("ABCDEFGH") and per.index.name == "offender_id"
    assert per["crimes"].tolist() == [4, 3, 3, 2, 1, 1, 1, 1]
    assert per["rank"].tolist() == list(range(1, 9))
    assert per["crimes"].sum() == 16                                   # distinct (crime, offender) pairs
    # the ranking does not depend on the order of the rows
    shuffled = so.crimes_per_offender(links(np.random.default_rng(7).permutation(len(PAIRS))))
    pd.testing.assert_frame_equal(shuffled, per)


def test_best_rank_and_crimes_linked_to_the_top_k():
    per = so.crimes_per_offender(links())
    best = so.crime_best_rank(links(), per)
    assert best.to_dict() == {"c1": 1, "c2": 1, "c3": 1, "c4": 1, "c5": 2, "c6": 2, "c7": 3, "c8": 3, "c9": 3,
                              "c10": 4, "c11": 4, "c12": 6, "c13": 7, "c14": 8}
    assert [so.crimes_linked_to_top(best, k) for k in range(9)] == [0, 4, 6, 9, 11, 11, 12, 13, 14]


def test_top_offenders_and_ties_at_the_boundary():
    per = so.crimes_per_offender(links())
    assert so.top_offenders(per, 0.10).tolist() == ["A"]
    assert so.top_offenders(per, 0.20).tolist() == ["A", "B"]
    assert so.top_offenders(per, 0.30).tolist() == ["A", "B", "C"]
    assert [so.ties_at_boundary(per, p) for p in (0.10, 0.20, 0.30, 0.50, 0.60, 1.0)] == [0, 1, 0, 0, 3, 0]


def test_concentration_table_hand_worked():
    t = so.concentration_table(links(), all_crimes=20, shares=[0.10, 0.20, 0.30, 0.50])
    assert t.index.tolist() == [0.10, 0.20, 0.30, 0.50] and t.index.name == "p"
    assert t["group"].tolist() == ["Top 10%", "Top 20%", "Top 30%", "Top 50%"]
    assert t["offenders"].tolist() == [1, 2, 3, 4]
    assert t["crimes"].tolist() == [4, 6, 9, 11]
    assert t["linked_crimes"].tolist() == [14] * 4 and t["all_crimes"].tolist() == [20] * 4
    assert t["share_linked"].tolist() == pytest.approx([4 / 14, 6 / 14, 9 / 14, 11 / 14])
    assert t["share_all"].tolist() == pytest.approx([0.2, 0.3, 0.45, 0.55])
    # no total known: the "all" share is missing, not 0
    assert so.concentration_table(links(), all_crimes=None, shares=[0.1])["share_all"].isna().all()
    # the default shares are the report's 1%, 5%, 10%, 20%: ⌈0.08⌉ = ⌈0.4⌉ = ⌈0.8⌉ = 1, ⌈1.6⌉ = 2
    assert so.concentration_table(links(), 20)["offenders"].tolist() == [1, 1, 1, 2]


def test_concentration_curve_hand_worked():
    curve = so.concentration_curve(links())
    assert curve["offenders_share"].tolist() == pytest.approx([k / 8 for k in range(9)])
    assert curve["crimes_share"].tolist() == pytest.approx([c / 14 for c in (0, 4, 6, 9, 11, 11, 12, 13, 14)])


def test_gini_of_crimes_per_offender_is_the_one_gini():
    per = so.crimes_per_offender(links())
    assert concentration.gini(per["crimes"]) == pytest.approx(38 / 128)
    assert not hasattr(so, "gini")        # one Gini, in assessment.stats.concentration


def test_without_co_offending_the_shares_and_curve_are_the_concentration_family_s():
    """One offender per crime: the top-p% share is concentration.top_share of the crimes per offender
    and the curve is its Lorenz curve (ties between offenders do not change either)."""
    solo = links()
    solo = solo[~solo["crime_id"].isin(["c4", "c11"]) | ~solo["offender_id"].isin(["B", "E"])]
    per = so.crimes_per_offender(solo)
    assert per["crimes"].tolist() == [4, 3, 2, 2, 1, 1, 1]         # A 4, C 3, B 2, D 2, F G H 1 (E gone)
    shares = [0.01, 0.2, 0.35, 0.5, 1.0]
    t = so.concentration_table(solo, None, shares, per_offender=per)
    assert t["share_linked"].tolist() == pytest.approx([concentration.top_share(per["crimes"], p) for p in shares])
    lor = concentration.lorenz(per["crimes"])
    curve = so.concentration_curve(solo, per)
    assert curve["crimes_share"].tolist() == pytest.approx(lor["share_of_crime"].tolist())
    assert curve["offenders_share"].tolist() == pytest.approx(lor["share_of_lsoas"].tolist())


def test_prolific_hand_worked():
    assert so.prolific(links(), 20, 3) == pytest.approx(
        {"threshold": 3, "offenders": 3, "offenders_share": 3 / 8, "crimes": 9, "share_linked": 9 / 14,
         "share_all": 0.45})
    assert so.prolific(links(), 20, 5) == {"threshold": 5, "offenders": 0, "offenders_share": 0.0, "crimes": 0,
                                           "share_linked": 0.0, "share_all": 0.0}
    # a threshold of 1 makes every offender prolific, with every linked crime
    r = so.prolific(links(), None, 1)
    assert (r["offenders"], r["crimes"], r["share_linked"], r["share_all"]) == (8, 14, 1.0, None)


def test_crime_mix_hand_worked():
    m = so.crime_mix(links(), 0.25)
    assert m.index.name == "crime_type"
    assert m.index.tolist() == ["Theft", "Burglary", "Robbery", so.NOT_RECORDED, "Criminal damage"]
    assert m["top_crimes"].tolist() == [2, 2, 1, 1, 0]
    assert m["rest_crimes"].tolist() == [3, 1, 1, 0, 3]
    assert m["top_share"].tolist() == pytest.approx([2 / 6, 2 / 6, 1 / 6, 1 / 6, 0])
    assert m["rest_share"].tolist() == pytest.approx([3 / 8, 1 / 8, 1 / 8, 0, 3 / 8])
    # every offender in the top group: nothing is left for the rest, whose shares are missing
    everyone = so.crime_mix(links(), 1.0)
    assert everyone["rest_crimes"].sum() == 0 and everyone["rest_share"].isna().all()
    assert everyone["top_crimes"].sum() == 14


def test_bad_input_is_a_stats_error():
    with pytest.raises(StatsError, match="offender_id"):
        so.crimes_per_offender(pd.DataFrame({"crime_id": ["c1"]}))
    with pytest.raises(StatsError, match="crime_type"):
        so.crime_mix(links().drop(columns="crime_type"))
    with pytest.raises(StatsError, match="Series"):
        so.rank_offenders({"A": 1})
    with pytest.raises(StatsError, match="whole number"):
        so.prolific(links(), 20, 0)
    with pytest.raises(StatsError, match="between 0 and 1"):
        so.concentration_table(links(), 20, [10])
    with pytest.raises(StatsError, match="missing from the ranked table"):
        so.crime_best_rank(links(), so.crimes_per_offender(links().iloc[:3]))


def test_every_public_function_is_documented_like_esda():
    for name in so.__all__:
        fn = getattr(so, name)
        if not inspect.isfunction(fn):
            continue
        assert fn.__module__ == so.__name__, f"{name} is another module's (one copy of each rule)"
        doc = inspect.getdoc(fn)
        for section in ("Parameters", "Returns", "Notes", "Examples"):
            assert f"\n{section}\n---" in doc, f"{name}: no {section} section"
        assert ">>> " in doc, name
    for name in ("crimes_per_offender", "concentration_table", "concentration_curve", "prolific"):
        assert "\nReferences\n---" in inspect.getdoc(getattr(so, name)), name
