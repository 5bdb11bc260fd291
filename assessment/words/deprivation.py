"""Chapter 1's deprivation section and ward profiles in words: sentences, titles, labels, methods.

Example
-------
>>> ratio_sentence(2.456, 1, 9, 0.41)
'The crime rate in the most deprived decile present (decile 1) was 2.5 times that in the least deprived (decile 9); 41.0% of crime was in LSOAs among the most deprived 20% in England (deciles 1 and 2).'
"""
from __future__ import annotations

import math

import pandas as pd

from ..chapters.deprivation import NO_DECILES, NO_IMD, DeprivationResult
from ..chapters.ward_profiles import WardProfiles
from ..rounding import PCT_CHANGE, pct, signed_pct
from ..safe_html import text as md_text

TITLE_ALT = "Bar chart of crimes per 1,000 residents in each IMD decile, decile 1 (most deprived) on the left"
DISPLAY_FORMATS = {"Rate per 1,000 residents": "{:.2f}", "Residents": "{:,.0f}"}
LABELS = {"imd_decile": "IMD decile (1 = most deprived)", "lsoas": "LSOAs", "crimes": "Crimes",
          "population": "Residents", "rate_per_1000": "Rate per 1,000 residents"}


def ratio_sentence(ratio, most: int, least: int, share) -> str:
    """The section's finding in one sentence."""
    parts = []
    if ratio is not None:
        parts.append(f"The crime rate in the most deprived decile present (decile {most}) was {ratio:.1f} times "
                     f"that in the least deprived (decile {least})")
    else:
        parts.append("The ratio of the most to the least deprived decile's crime rate cannot be given "
                     "(one decile only, or no residents figures)")
    if share is not None:
        parts.append(f"{pct(share)} of crime was in LSOAs among the most deprived 20% in England (deciles 1 and 2)")
    return "; ".join(parts) + "."


def opening(res: DeprivationResult, period_label: str) -> str:
    """The section's first paragraph (finding, then what was joined how)."""
    t = res.table
    most, least = int(t["imd_decile"].min()), int(t["imd_decile"].max())
    s = ratio_sentence(res.rate_ratio, most, least, res.share_20)
    extra = []
    if res.methods.get("split") or res.methods.get("merged"):
        extra.append(f"{res.methods.get('split', 0)} LSOA(s) split and {res.methods.get('merged', 0)} merged since "
                     "2011 take their 2011 LSOAs' deprivation (see the methods)")
    if res.lsoas_without:
        extra.append(f"{res.lsoas_without} LSOA(s) with {res.crimes_without:,} crimes in {period_label} have no "
                     "deprivation figure and are left out")
    return s + (" " + "; ".join(extra).capitalize() + "." if extra else "")


def title(res: DeprivationResult, period_label: str) -> str:
    """The chart and table title stating the finding."""
    if res.rate_ratio is None:
        return f"Crime by deprivation decile, {period_label}"
    more = "higher" if res.rate_ratio >= 1 else "lower"
    return (f"Crime rate {res.rate_ratio:.1f} times {more} in the most deprived decile than in the least "
            f"deprived, {period_label}" if res.rate_ratio >= 1 else
            f"Crime rate lower in the most deprived decile than in the least deprived, {period_label}")


def display_table(table: pd.DataFrame) -> pd.DataFrame:
    """The table as shown (readable column names)."""
    return table.rename(columns=LABELS).set_index(LABELS["imd_decile"])


def not_covered(res: DeprivationResult) -> tuple[str, list]:
    """The "Not covered this year" line and the config key that brings the section in."""
    if res.reason == NO_IMD:
        return ("Crime and deprivation: no Index of Multiple Deprivation file is configured", ["inputs.imd"])
    if res.reason == NO_DECILES:
        return ("Crime and deprivation: none of the area's LSOAs is in the IMD file (check its LSOA vintage and "
                "inputs.lsoa_lookup)", ["inputs.imd", "inputs.lsoa_lookup"])
    return ("Crime and deprivation: not available", ["inputs.imd"])


METHODS = r"""
### Crime and deprivation (chapter 1)

* **Deprivation** is the English Index of Multiple Deprivation (IMD), `inputs.imd`: each LSOA's
  national rank and **decile** (1 = the most deprived 10% of LSOAs in England, 10 = the least
  deprived). The 2019 IMD is published on 2011 LSOAs; a 2025 IMD on 2021 LSOAs is read directly.
* **2011 → 2021 LSOAs.** Where the area's LSOAs are 2021 LSOAs and the IMD is on 2011 LSOAs, the
  figures are moved through the ONS LSOA (2011) to LSOA (2021) lookup (`inputs.lsoa_lookup`): an
  unchanged LSOA keeps its figures; each part of a 2011 LSOA **split** into several 2021 LSOAs takes
  the whole 2011 LSOA's rank and decile (deprivation was measured for the whole); a 2021 LSOA made by
  **merging** 2011 LSOAs (or by an irregular change) takes the mean of their ranks and the decile of
  the LSOA in the IMD file whose rank is nearest that mean (without ranks, the mean of their deciles
  rounded towards the more deprived). An LSOA with no figure is left out, and the report says how many
  and how many crimes that is.
* **Rate by decile** = all crimes of the period in the decile's LSOAs ÷ all their residents ×
  1,000 (a pooled rate, not an average of LSOA rates); blank when an LSOA of the decile has no
  residents figure. The deciles are national: a borough may hold only some of them.
* **Rate ratio** = the rate of the most deprived decile present ÷ the rate of the least deprived
  decile present (not necessarily deciles 1 and 10; both are named).
* **Share in the most deprived 20%** = crimes in LSOAs of deciles 1 and 2 ÷ crimes in LSOAs with a
  decile.
* Residential rates overstate risk where many people visit but few live (town centres), and
  deprived LSOAs are often such places: read the ratio with the hot-spot maps of chapter 2.

### Ward profiles (chapter 1)

* One profile per ward of the ward lookup (`inputs.wards`): crimes, rate per 1,000 residents and %
  change on the previous 12 months (as chapter 2's ward table), the three crime types with most
  crimes, the ward's LSOAs that are Getis–Ord Gi* hot spots at 95% confidence or more (chapter 2's
  rule and settings), ASB incidents and their % change (the ASB input, or police.uk's ASB rows),
  and its LSOAs in the most deprived 20% of England (IMD deciles 1–2) with the median decile of its
  LSOAs. The HTML report shows a block per ward; the PDF a table.
"""


# -- ward profiles -----------------------------------------------------------------------------------
WARD_LABELS = {"ward": "Ward", "crimes": "Crimes", "rate_per_1000": "Rate per 1,000 residents",
               "change_pct": "% change", "top_crime_types": "Most common crime types",
               "hot_spot_lsoas": "Hot-spot LSOAs (95%+)", "asb_incidents": "ASB incidents",
               "most_deprived_20pct_lsoas": "LSOAs in most deprived 20%", "median_imd_decile": "Median IMD decile"}
WARD_FORMATS = {"Rate per 1,000 residents": "{:.1f}", "% change": PCT_CHANGE, "Median IMD decile": "{:.1f}",
                "Crimes": "{:,.0f}", "ASB incidents": "{:,.0f}"}


def ward_title(res: WardProfiles, period_label: str) -> str:
    t = res.table
    top = t.iloc[0]
    return f"Ward profiles, {period_label}: {top['ward']} had most crime ({int(top['crimes']):,})"


def ward_display(res: WardProfiles) -> pd.DataFrame:
    """The PDF's ward table: one row per ward, the columns the inputs can fill."""
    cols = ["ward", "crimes", "rate_per_1000", "change_pct", "top_crime_types", "hot_spot_lsoas", "asb_incidents",
            "most_deprived_20pct_lsoas", "median_imd_decile"]
    keep = [c for c in cols if not res.table[c].isna().all()]
    return res.table[keep].rename(columns=WARD_LABELS).set_index("Ward")


def _num(v, fmt: str) -> str:
    return "–" if v is None or v is pd.NA or (isinstance(v, float) and math.isnan(v)) else fmt.format(v)


def ward_blocks(res: WardProfiles) -> list[dict]:
    """One dict per ward for the ``ward_profiles.html`` template: name and (label, value) lines."""
    out = []
    for _, r in res.table.iterrows():
        lines = [("Crimes", _num(r["crimes"], "{:,}"))]
        if res.has_population:
            lines.append(("Rate per 1,000 residents", _num(r["rate_per_1000"], "{:.1f}")))
        if res.has_previous:
            lines.append(("Change on the previous 12 months", signed_pct(r["change_pct"])))
        lines.append(("Most common crime types", r["top_crime_types"] or "–"))
        if res.has_geometry:
            n = int(r["hot_spot_lsoas"])
            lines.append(("Hot-spot LSOAs (95%+)", f"{n}: {r['hot_spot_lsoa_names']}" if n else "none"))
        if res.has_asb:
            a = _num(r["asb_incidents"], "{:,}")
            if res.has_asb_previous:
                a += f" ({signed_pct(r['asb_change_pct'])} on the previous 12 months)"
            lines.append(("ASB incidents", a))
        if res.has_deprivation:
            lines.append(("Deprivation", f"{int(r['most_deprived_20pct_lsoas'])} of {int(r['lsoas'])} LSOAs in the "
                          f"most deprived 20% in England; median IMD decile {_num(r['median_imd_decile'], '{:.1f}')}"))
        out.append({"name": str(r["ward"]), "code": str(r["ward_code"]), "lines": lines})
    return out


WARDS_INTRO = ("One profile per ward, wards with most crime first. Each brings together figures from this "
               "chapter, the hot spots of chapter 2, anti-social behaviour and deprivation.")
WARDS_NOT_COVERED = ("Ward profiles: no ward lookup is configured", ["inputs.wards"])


def ward_intro_sentence(res: WardProfiles, area: str) -> str:
    t = res.table
    return md_text("{area} has {n} wards. " + WARDS_INTRO, area=area, n=len(t))
