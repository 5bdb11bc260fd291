"""Chapter 4's volume sections in words: the ASB trend and hot spots, the domestic-abuse trend, the
victim profile; their titles, labels and methods text.

Example
-------
>>> change_phrase(110, 100)
'up 10.0% on the previous 12 months (100)'
"""
from __future__ import annotations

import pandas as pd

from ..chapters.asb_da import NO_DA_FLAG, ASBTrendResult, DATrendResult
from ..chapters.victim_profile import NO_AGES, ProfileResult
from ..rounding import PCT_CHANGE, pct
from ..safe_html import text as md_text
from ..stats.gistar import HOT_AT

TREND_FORMATS = {"% change": PCT_CHANGE, "Share of violence": pct}
TREND_LABELS = {"period": "12 months", "start": "From", "end": "To", "count": "Incidents", "change": "Change",
                "change_pct": "% change", "violence": "Violence", "da_violence": "Domestic-abuse violence",
                "share_of_violence": "Share of violence"}
ASB_ALT = "Line chart of anti-social behaviour incidents in each 12 months"
DA_ALT = "Line chart of crimes flagged as domestic abuse in each 12 months, with their share of violence"


def change_phrase(cur: int, prev) -> str:
    if prev is None:
        return "the data do not cover the previous 12 months"
    if prev == 0:
        return f"against none in the previous 12 months ({cur:,} now)"
    c = (cur - prev) / prev
    if c == 0:
        return f"the same as in the previous 12 months ({prev:,})"
    return f"{'up' if c > 0 else 'down'} {pct(abs(c))} on the previous 12 months ({prev:,})"


# -- ASB ------------------------------------------------------------------------------------------------
def asb_sentence(res: ASBTrendResult, period_label: str, calls=None) -> str:
    """The ASB finding: volume, change, years, where; the repeat callers beside it."""
    h = res.headlines
    src = "" if res.source == "asb" else " (police.uk ASB records)"
    s = (f"{h['asb.total']:,} anti-social behaviour incidents were recorded in {period_label}{src}, "
         f"{change_phrase(h['asb.total'], h['asb.previous_total'])}.")
    if len(res.trend) > 2:
        first = res.trend.iloc[0]
        s += f" Over the {len(res.trend)} years in the data the yearly count went from {int(first['count']):,} " \
             f"in {first['period']} to {h['asb.total']:,}."
    if res.has_geometry:
        n = h["asb.hot_spots_95"]
        s += (f" {n} LSOA(s) are ASB hot spots at 95% confidence or more." if n else
              " No LSOA is an ASB hot spot at 95% confidence or more.")
    if calls is not None and calls.available:
        rc = calls.headlines.get("victims.repeat_callers")
        share = calls.headlines.get("victims.repeat_caller_call_share")
        if rc is not None and share is not None:
            s += f" {rc:,} repeat callers made {pct(share)} of the calls with a caller reference (see below)."
    if res.outside:
        s += f" {res.outside:,} incident(s) have no LSOA of the area and are in the totals only."
    return s


def asb_title(res: ASBTrendResult) -> str:
    t = res.trend
    return f"Anti-social behaviour incidents per 12 months, {t['period'].iloc[0]} to {t['period'].iloc[-1]}"


def trend_display(trend: pd.DataFrame, count_label: str) -> pd.DataFrame:
    return trend.drop(columns=["start", "end"]).rename(columns={**TREND_LABELS, "count": count_label}) \
        .set_index("12 months")


def asb_top_lsoas(res: ASBTrendResult, n: int = 10) -> pd.DataFrame:
    t = res.lsoa.head(n)
    cols = {"lsoa_name": "LSOA name", "ward": "Ward", "count": "ASB incidents", "rate_per_1000": "Rate per 1,000 residents",
            "change": "Change", "gi_class": "Gi* class"}
    keep = [c for c in cols if c in t and not t[c].isna().all()]
    return t[keep].rename(columns=cols)


def asb_top_title(res: ASBTrendResult, period_label: str, n: int = 10) -> str:
    t = res.lsoa
    top = t.iloc[0]
    name = top["lsoa_name"] if pd.notna(top["lsoa_name"]) else t.index[0]
    return md_text("The {n} LSOAs with most ASB, {p}: {name} had most ({k})", n=min(n, len(t)), p=period_label,
                   name=name, k=f"{int(top['count']):,}")


def asb_hot_names(res: ASBTrendResult) -> list:
    hot = res.lsoa[res.lsoa["gi_class"].isin(HOT_AT[0.95])]
    return [str(x) for x in hot["lsoa_name"].fillna(pd.Series(hot.index, index=hot.index))]


def asb_not_covered(res: ASBTrendResult) -> tuple[str, list]:
    return ("Anti-social behaviour volumes: no ASB input and no police.uk ASB rows", ["inputs.asb"])


# -- domestic abuse -------------------------------------------------------------------------------------------
def da_sentence(res: DATrendResult, period_label: str, victims_result=None) -> str:
    h = res.headlines
    s = (f"{h['domestic_abuse.total']:,} crimes flagged as domestic abuse were recorded in {period_label}, "
         f"{change_phrase(h['domestic_abuse.total'], h['domestic_abuse.previous_total'])}.")
    if h["domestic_abuse.share_of_violence"] is not None:
        s += f" {pct(h['domestic_abuse.share_of_violence'])} of violence was flagged as domestic abuse."
    if victims_result is not None and victims_result.available:
        r = victims_result.headlines.get("victims.da_repeat_rate")
        if r is not None:
            s += f" {pct(r)} of domestic-abuse victims were victims more than once in the period (see below)."
    return s


def da_title(res: DATrendResult) -> str:
    t = res.trend
    return f"Crimes flagged as domestic abuse per 12 months, {t['period'].iloc[0]} to {t['period'].iloc[-1]}"


def da_not_covered(res: DATrendResult) -> tuple[str, list]:
    if res.reason == NO_DA_FLAG:
        return ("Domestic-abuse volumes: no crime carries the domestic-abuse flag", ["inputs.crimes"])
    return ("Domestic-abuse volumes: not available", ["inputs.crimes"])


# -- victim profile ----------------------------------------------------------------------------------
PROFILE_LABELS = {"age_band": "Age band", "sex": "Sex", "repeat_victims": "Repeat victims",
                  "other_victims": "Victims once"}
PROFILE_TITLE = "Repeat victims and victims of one crime by age band and sex"
PROFILE_NOTE = ("Each victim counted once, at their age at their first crime in the period. Counts below the "
                "disclosure threshold are shown as '<N' and one more count of the column as '[c]' where the hidden "
                "ones could otherwise be worked out.")


def profile_display(res: ProfileResult) -> pd.DataFrame:
    return res.table.rename(columns=PROFILE_LABELS).set_index(["Age band", "Sex"])


def profile_sentence(res: ProfileResult) -> str:
    t = res.table
    num = t[t["repeat_victims"].map(lambda v: not isinstance(v, str))]
    if not len(num):
        return "Every group's repeat victims are too few to publish."
    top = num.sort_values("repeat_victims", ascending=False, kind="mergesort").iloc[0]
    s = md_text("Most repeat victims were {sex} victims aged {band} ({k}).", sex=str(top["sex"]).lower(),
                band=top["age_band"], k=f"{int(top['repeat_victims']):,}")
    if res.not_recorded_age:
        s += f" {res.not_recorded_age:,} victims have no age recorded."
    return s


def profile_not_covered(res: ProfileResult) -> tuple[str | None, list]:
    if res.reason == NO_AGES:
        return ("Victim profile: the victims link has no ages or sexes", ["inputs.victims"])
    return (None, [])     # the repeat-victims sections already say why there are no victims


METHODS = r"""
### Anti-social behaviour and domestic-abuse volumes, victim profile (chapter 4)

* **ASB trend.** ASB incidents (the ASB input, each incident reference once; else police.uk's
  anti-social behaviour rows) whose date falls in the period, and in the same months of each
  earlier year the ASB data cover from its first month to its last. **% change** = (this year −
  last year) ÷ last year.
* **ASB by LSOA and hot spots.** Incidents counted by the LSOA they are recorded in (incidents with
  no LSOA of the area are in the totals only), with the Getis–Ord Gi* statistic of chapter 2: the
  same neighbours, permutations, seed and significance rule (see Hot spots above).
* **Domestic-abuse trend.** Crimes with the extract's domestic-abuse flag set, in the period and in
  each earlier 12 months the crime data cover. **Share of violence** = flagged violence ÷ all
  violence, where violence is every crime type (or MPS major category) whose name starts with
  "Violence". A flag that is never set cannot be told from one not supplied, so without any flagged
  crime the section is left out. The repeat rate beside it is chapter 4's (repeat victims below).
* **Victim profile.** Every victim linked to a crime of the period once, in the age band of their
  age at their first crime of the period (0–15, 16–24, 25–34, 35–44, 45–54, 55–64, 65+) and by the sex first recorded
  ("Not recorded" when blank). A **repeat victim** had two or more distinct crimes in the period.
  Counts below `disclosure.min_count` are shown as "<N"; each column adds up to a published total
  (repeat victims; victims − repeat victims), so the interval audit of the disclosure control hides
  the next-smallest count of a column as "[c]" until no hidden count can be worked out.
"""
