"""Chapter 7's words: harm-weighted hot spots and near repeats — sentences, titles, labels, methods.

Every sentence of the chapter is made here from :mod:`assessment.chapters.harm`'s results (data
only); values from the inputs (crime types, the weights' source, LSOA names) are escaped where the
text is rendered (:meth:`assessment.workbook.Run.text`).

>>> ratio_text(1.4251), ratio_text(None), p_text(0.002), p_text(0.0004)
('1.4 times', 'no', 'p = 0.002', 'p < 0.001')
"""
from __future__ import annotations

import math

import pandas as pd

from ..chapters.harm import NO_DATES, NO_MATCH, NO_POINTS, NO_RECORDS, NO_WEIGHTS
from ..rounding import GINI, PCT, count, pct

TITLE = "Harm and near repeats"

#: why the near-repeat section is absent (one line in the report's "Not covered" box) and the config keys
NEAR_REASONS = {
    NO_RECORDS: ("the crime data are published counts, not one row per crime, so pairs of crimes close in space "
                 "and time cannot be counted", ["inputs.crimes"]),
    NO_DATES: ("the crime data give the month of each crime, not its date (police.uk), so crimes cannot be paired "
               "by days apart", ["inputs.crimes"]),
    NO_POINTS: ("the crime data have no coordinates, so crimes cannot be paired by distance", ["inputs.crimes"]),
}
#: why the harm section is absent
HARM_REASONS = {
    NO_WEIGHTS: ("no harm weights file was supplied, so crime is not weighted by harm",
                 ["inputs.harm_weights", "harm.source"]),
    NO_MATCH: ("no crime type (or offence code) in the crime data has a weight in the harm weights file",
               ["inputs.harm_weights"]),
}

NEAR_HEADING = "Near repeats"
HARM_HEADING = "Harm-weighted hot spots"


def _missing(v) -> bool:
    return v is None or (isinstance(v, float) and math.isnan(v))


def ratio_text(r) -> str:
    """A ratio of observed to expected pairs in words ("1.4 times"; "no" when there is none)."""
    return "no" if _missing(r) else f"{r:.1f} times"


def p_text(p) -> str:
    """A Monte Carlo p-value as written in the chapter."""
    if _missing(p):
        return "p not available"
    return "p < 0.001" if p < 0.001 else f"p = {p:.3f}"


def _plural(name: str) -> str:
    n = str(name).strip()
    low = n[:1].lower() + n[1:] if n[1:2].islower() or len(n) == 1 else n
    if low.endswith("y") and not low.endswith(("ay", "ey", "oy")):
        return low[:-1] + "ies"
    return low if low.endswith("s") else low + "s"


def near_reason(reason: str | None) -> tuple[str, list] | tuple[None, list]:
    """The "Not covered" line and config keys for a near-repeat section that cannot be computed."""
    return NEAR_REASONS.get(reason, (None, []))


def harm_reason(reason: str | None) -> tuple[str, list] | tuple[None, list]:
    """The "Not covered" line and config keys for a harm section that cannot be computed."""
    return HARM_REASONS.get(reason, (None, []))


# -- near repeats ---------------------------------------------------------------------------------
def near_sentence(r, alpha: float = 0.05) -> str:
    """The finding for one crime type (a :class:`~assessment.chapters.harm.NearRepeatResult`).

    >>> from types import SimpleNamespace
    >>> r = SimpleNamespace(crime_type="Burglary", crimes=1126, reason=None, knox=object(),
    ...     window=lambda: {"observed": 357, "expected": 310.1, "ratio": 1.151, "p": 0.008, "distance": 200.0, "days": 14.0},
    ...     near=lambda: {"distance_band": "1-100 m", "time_band": "0-7 days", "observed": 89, "expected": 62.5,
    ...                   "ratio": 1.425, "p": 0.002})
    >>> print(near_sentence(r))
    Pairs of burglaries within 200 m and 14 days of each other (not at the same place) were 1.2 times as frequent as chance predicts (357 pairs against 310 expected; p = 0.008). Closest in space and time, 1-100 m and 0-7 days apart, there were 1.4 times as many (89 pairs against 62 expected; p = 0.002): after a burglary, the risk of another nearby is raised for a short time.
    """
    what = _plural(r.crime_type)
    if r.knox is None:
        return (f"Fewer than two {what} in the period have both an offence date and a point, so near repeats cannot be "
                "tested for them.")
    w, n = r.window(), r.near()
    first = (f"Pairs of {what} within {w['distance']:g} m and {w['days']:g} days of each other (not at the same place) "
             f"were {ratio_text(w['ratio'])} as frequent as chance predicts ({count(w['observed'])} pairs against "
             f"{count(round(w['expected']))} expected; {p_text(w['p'])}).")
    second = (f" Closest in space and time, {n['distance_band']} and {n['time_band']} apart, there were "
              f"{ratio_text(n['ratio'])} as many ({count(n['observed'])} pairs against {count(round(n['expected']))} "
              f"expected; {p_text(n['p'])})")
    if not _missing(n["ratio"]) and n["ratio"] > 1 and n["p"] <= alpha:
        second += f": after {_article(r.crime_type)}, the risk of another nearby is raised for a short time."
    elif not _missing(n["ratio"]) and n["ratio"] > 1:
        second += ", a difference chance alone could give."
    else:
        second += ": no sign of near repeats at that distance."
    return first + second


def _article(name: str) -> str:
    n = str(name).strip()
    low = n[:1].lower() + n[1:]
    return ("an " if low[:1] in "aeiou" else "a ") + low


def knox_title(r, period_label: str) -> str:
    """The Knox chart's title: what it shows and for whom."""
    return (f"{r.crime_type}, {period_label}: pairs of crimes close in space and time, as a ratio to what chance "
            "would give (darker = more than chance)")


def knox_display(table: pd.DataFrame, alpha: float = 0.05) -> pd.DataFrame:
    """The Knox table as shown: one row per distance band, one column per time band, each cell
    "ratio (pairs)" and a "*" where p ≤ ``alpha``.

    >>> t = pd.DataFrame({"distance_band": ["same place", "same place", "1-100 m", "1-100 m"],
    ...                   "time_band": ["0-7 days", "more than 7 days"] * 2, "observed": [0, 2, 9, 1],
    ...                   "expected": [0.0, 1.5, 3.0, 2.0], "ratio": [float("nan"), 1.333, 3.0, 0.5], "p": [1, 0.4, 0.01, 0.9]})
    >>> knox_display(t).values.tolist()
    [['same place', '– (0)', '1.33 (2)'], ['1-100 m', '3.00* (9)', '0.50 (1)']]
    """
    def cell(row):
        r = "–" if _missing(row["ratio"]) else f"{row['ratio']:.2f}" + ("*" if row["p"] <= alpha else "")
        return f"{r} ({count(int(row['observed']))})"

    t = table.assign(cell=table.apply(cell, axis=1))
    order_d = list(dict.fromkeys(t["distance_band"]))
    order_t = list(dict.fromkeys(t["time_band"]))
    wide = t.pivot(index="distance_band", columns="time_band", values="cell").reindex(index=order_d, columns=order_t)
    wide = wide.reset_index()
    wide.columns.name = None
    return wide.rename(columns={"distance_band": "Distance apart"})


def knox_note(alpha: float = 0.05, permutations: int = 999) -> str:
    return (f"Each cell: pairs observed ÷ pairs expected by chance (the mean of {permutations:,} random "
            f"re-orderings of the offence dates), with the number of pairs in brackets; * = more pairs than chance "
            f"at p ≤ {alpha:g}; – = no pairs expected.")


# -- harm -------------------------------------------------------------------------------------------
def weights_line(res) -> str:
    """Where the harm weights come from; says so plainly when they are made up."""
    key = "offence code" if res.key == "offence_code" else "crime type"
    line = f"Harm weights (by {key}): {res.source}."
    if res.synthetic:
        line += (" **These weights are synthetic, made up for this demonstration; they are not a published harm "
                 "index, and the harm figures only illustrate the method.**")
    return line


def harm_sentence(res, area: str) -> str:
    """The chapter's harm finding: concentration of harm against that of counts, and the top LSOA.

    >>> from types import SimpleNamespace
    >>> t = pd.DataFrame({"lsoa_name": ["Aa 001A", "Aa 001B"], "count": [10, 30], "harm": [600.0, 60.0]},
    ...                  index=pd.Index(["A", "B"], name="lsoa_code"))
    >>> res = SimpleNamespace(table=t, top_n=1, top=lambda: t.head(1), unweighted_crimes=0)
    >>> print(harm_sentence(res, "Testham"))
    Weighted by harm, the 1 LSOA with most harm in Testham holds 90.9% of its harm (against 75.0% of crimes in the 1 LSOA with most crime). The LSOA with most harm is Aa 001A (A), with 10 crimes.
    """
    t = res.table
    total, crimes = float(t["harm"].sum()), int(t["count"].sum())
    top = res.top()
    share = float(top["harm"].sum()) / total if total > 0 else float("nan")
    ctop = t["count"].sort_values(ascending=False, kind="stable").head(len(top))
    cshare = float(ctop.sum()) / crimes if crimes else float("nan")
    n = len(top)
    lead = top.index[0]
    name = t.loc[lead, "lsoa_name"] if "lsoa_name" in t and not pd.isna(t.loc[lead, "lsoa_name"]) else lead
    text = (f"Weighted by harm, the {n} LSOA{'s' if n != 1 else ''} with most harm in {area} "
            f"hold{'s' if n == 1 else ''} {pct(share)} of its harm (against {pct(cshare)} of crimes in the {n} "
            f"LSOA{'s' if n != 1 else ''} with most crime). The LSOA with most harm is {name} ({lead}), with "
            f"{count(int(t.loc[lead, 'count']))} crimes.")
    if res.unweighted_crimes:
        text += (f" {count(res.unweighted_crimes)} crimes are of types with no weight in the weights file and are "
                 "not in the harm figures.")
    return text


def moved_sentence(res) -> str:
    """Which LSOAs are in the top list by crimes but not by harm, and the other way round."""
    t = res.table
    n = len(res.top())
    by_harm = list(res.top().index)
    by_count = list(t["count"].sort_values(ascending=False, kind="stable").head(n).index)
    out_ = [c for c in by_count if c not in by_harm]
    in_ = [c for c in by_harm if c not in by_count]
    if not out_:
        return f"The same {n} LSOAs lead by harm as by number of crimes."

    def names(codes):
        return ", ".join(f"{t.loc[c, 'lsoa_name']} ({c})" if "lsoa_name" in t and not pd.isna(t.loc[c, "lsoa_name"])
                         else str(c) for c in codes)
    return (f"Weighting by harm changes the top {n}: {names(out_)} {'is' if len(out_) == 1 else 'are'} in the top {n} "
            f"by crimes but not by harm (many crimes, mostly of less harmful kinds); {names(in_)} "
            f"{'takes its' if len(in_) == 1 else 'take their'} place.")


def hot_not_count_sentence(res) -> str:
    """The LSOAs that are harm hot spots but not count hot spots, in a sentence."""
    if not res.has_geometry:
        return "Without a boundary file, hot spots of harm cannot be tested."
    h = res.hot_not_count()
    hot = int(res.table["gi_class"].isin(_hot_labels()).sum())
    if h.empty:
        return (f"{count(hot)} LSOAs are hot spots of harm (Getis–Ord Gi*, 90% confidence or more); every one of them "
                "is also a hot spot of crime counts, so weighting by harm adds no new hot spot.")
    names = ", ".join(f"{h.loc[c, 'lsoa_name']} ({c})" if not pd.isna(h.loc[c, "lsoa_name"]) else str(c) for c in h.index)
    return (f"{count(hot)} LSOAs are hot spots of harm (Getis–Ord Gi*, 90% confidence or more). "
            f"{count(len(h))} of them {'is' if len(h) == 1 else 'are'} not a hot spot of crime counts — where fewer "
            f"but more harmful crimes cluster: {names}.")


def _hot_labels():
    from ..stats.gistar import HOT_AT
    return HOT_AT[0.90]


LSOA_FORMATS = {"count": "{:,.0f}", "harm": "{:,.0f}", "harm_rate_per_1000": "{:,.0f}", "gi_z": "{:.2f}"}
WARD_FORMATS = {"count": "{:,.0f}", "harm": "{:,.0f}", "share_of_harm": PCT, "harm_per_crime": "{:.1f}"}
TYPE_FORMATS = {"crimes": "{:,.0f}", "weight_per_crime": "{:g}", "harm": "{:,.0f}", "share_of_harm": PCT,
                "share_of_crimes": PCT}


def lsoa_display(t: pd.DataFrame) -> pd.DataFrame:
    """The LSOA harm table as shown: name, ward, crimes, harm, rate, the two Gi* classes."""
    cols = ["lsoa_name", "ward", "count", "harm", "harm_rate_per_1000", "gi_class", "count_gi_class"]
    return t.reset_index()[["lsoa_code"] + [c for c in cols if c in t]]


def concentration_display(res) -> pd.DataFrame:
    """Concentration of harm beside that of crime counts: top-10 share, top 10% share and Gini.

    >>> from types import SimpleNamespace
    >>> t = pd.DataFrame({"count": [10, 30, 0, 0], "harm": [600.0, 60.0, 0.0, 0.0]}, index=list("ABCD"))
    >>> concentration_display(SimpleNamespace(table=t, top_n=1)).values.tolist()
    [['Crimes', '75.0%', '75.0%', '0.62'], ['Harm', '90.9%', '90.9%', '0.70']]
    """
    from ..stats.concentration import gini, top_areas, top_share
    rows = []
    for label, col in (("Crimes", "count"), ("Harm", "harm")):
        v = res.table[col].astype(float)
        tot = v.sum()
        k = min(res.top_n, len(v))
        rows.append([label, pct(float(top_areas(v, k).sum() / tot) if tot > 0 else float("nan")),
                     pct(top_share(v, 0.10)), GINI.format(gini(v))])
    return pd.DataFrame(rows, columns=["Measure", f"Share in the top {res.top_n} LSOAs", "Share in the top 10% of LSOAs",
                                       "Gini"])


def harm_map_title(res, period_label: str) -> str:
    return f"Harm by LSOA, {period_label}: the crimes' harm weights added up (darker = more harm)"


def harm_gi_title(res, period_label: str) -> str:
    hot = int(res.table["gi_class"].isin(_hot_labels()).sum())
    return f"Hot spots of harm, {period_label}: {hot} LSOAs are hot spots of harm (Getis–Ord Gi*)"


def key_finding(headlines: dict, crime_type: str, key: str) -> str | None:
    """A key-findings sentence on near repeats, when the near cell shows more pairs than chance at p ≤ 0.05."""
    r, p = headlines.get(f"near_repeat.{key}.near_ratio"), headlines.get(f"near_repeat.{key}.p")
    if _missing(r) or _missing(p) or r <= 1 or p > 0.05:
        return None
    return (f"Near repeats: {_plural(crime_type)} close to an earlier one in space and time were {ratio_text(r)} as "
            f"frequent as chance predicts ({p_text(p)}): a short window in which to protect neighbours.")


# -- methods ------------------------------------------------------------------------------------
def methods(cfg) -> str:
    """The technical annex's methods for chapter 7, with the run's settings."""
    nr, hs = cfg.near_repeat, cfg.hotspots
    d = ", ".join(f"{b:g}" for b in nr.distance_bands)
    t = ", ".join(f"{b:g}" for b in nr.time_bands)
    types = ", ".join(nr.crime_types)
    src = cfg.harm.source or "(none configured)"
    return f"""
### Near repeats (Knox test)

Crime types tested: {types}, each on its own, on the assessment period's crimes with an offence date and
a point (British National Grid metres; police.uk map points are projected from longitude and latitude).
Every pair of crimes {{i, j}} is placed in one cell of a table: distance band (the same place, d = 0;
then up to {d} m, each band closed on the right; then further) × time band (|dateᵢ − dateⱼ| in days:
0 up to {t}, each band closed on the right; then more). **Observed** = the pairs in the cell. **Expected**
= the mean count over {nr.permutations:,} Monte Carlo permutations of the offence dates among the crimes
(the points stay put; seed {nr.seed}), which is what chance would give if when a crime happened had
nothing to do with where. **Ratio** = observed ÷ expected. **p** = (1 + simulations with a count ≥
observed) ÷ (1 + {nr.permutations:,}): one-sided, as Ratcliffe's Near Repeat Calculator reports it
(smallest possible p {1 / (nr.permutations + 1):.4f}). `summary.json` gives, per crime type, the ratio of
the same-place cell and of the closest non-zero distance band in the first time band (`same_place_ratio`,
`near_ratio`), that near cell's p and its observed pairs. The sentence's wider window sums the first
two non-zero distance bands × the first two time bands (observed and each simulation alike).
Pairs are found with a k-d tree (scipy's `cKDTree.query_pairs`) within the last finite distance band,
so the work grows with the close pairs, not with n²; the pairs further apart are each time band's
pairs (unchanged by a permutation of the dates) less the close ones. PySAL's `pointpats` Knox test
was not used: it tests one distance and one time threshold (a 2 × 2 table), not the banded table.
Checked against a hand-worked example and a brute-force count of every pair (tests). Knox (1964);
Johnson and Bowers (2004); Ratcliffe, *Near Repeat Calculator* (2009).

### Harm weighting

Each crime of the period in an LSOA is weighted by the harm weights file (`inputs.harm_weights`:
crime type, or Home Office offence code, → weight; matched ignoring case and surrounding spaces);
source: {src}. Harm of an LSOA = Σ weight × crimes; harm per 1,000 residents = harm ÷ residents ×
1,000. Crimes of a type with no weight are counted and left out of harm (the chapter says how many).
Concentration of harm uses the same rules as crime counts (chapter 2): the share in the top {hs.top_n}
LSOAs, the top-10% share (⌈0.1·N⌉ LSOAs) and the Gini coefficient, applied to harm. Getis–Ord Gi* on
harm is chapter 2's test (binary queen contiguity with the LSOA itself, {hs.permutations:,} conditional
permutations, seed {hs.seed}, the same Benjamini–Hochberg rule and classes) with harm in place of the
count; the count classes beside it are computed in the same way. A **harm hot spot that is not a count
hot spot** is an LSOA hot on harm at 90% confidence or more whose count class is not a hot spot at any
confidence. The ONS Crime Severity Score weights offences by the average sentence their convictions
receive (ONS, *Research outputs: developing a Crime Severity Score for England and Wales*, 2016); the
Cambridge Crime Harm Index by the starting-point sentence in days (Sherman, Neyroud and Neyroud, 2016).
"""
