"""Chapter 8 in words: violence seen by hospitals (emergency-department assault attendances, the
Cardiff Model) beside police-recorded violence — every sentence, title, table label and the
methods text.

Example
-------
>>> s = {"period": {"label": "2024/25"}, "ed_assaults": {"total": 803, "not_reported_share": 0.478,
...      "police_rank_correlation": 0.637, "unmatched": 77, "police_gap_lsoas": ["E01900029", "E01900003"]}}
>>> print(key_findings(s)[0].sentence)
Hospital emergency departments treated 803 people for assault in 2024/25; 47.8% of those whose answer is known had not reported it to the police. By LSOA, ED assaults and police-recorded violence had a rank correlation of 0.64, and 2 LSOAs had many ED assaults but little police-recorded violence.
"""
from __future__ import annotations

import pandas as pd

from ..chapters.hospital import BREAKDOWNS, HospitalResult
from ..chapters.summary import Finding, value
from ..rounding import pct
from ..safe_html import text as safe_text

CHAPTER_TITLE = "8. Violence seen by hospitals"

NO_INPUT = ("No emergency-department assault data were supplied (the ISTV minimum dataset the hospitals share "
            "under the Cardiff Model).")
NO_INPUT_KEYS = ["inputs.ed_assaults", "inputs.postcode_lookup"]


def not_covered(result: HospitalResult) -> tuple[str, list[str]] | None:
    """Why the chapter is not covered (a sentence and the config keys), or None when it is.

    >>> not_covered(HospitalResult(False, reason="no_input"))[1]
    ['inputs.ed_assaults', 'inputs.postcode_lookup']
    >>> not_covered(HospitalResult(False, reason="too_few", min_count=5))[0]
    'Fewer than 5 emergency-department assault attendances fall in the period: too few to publish.'
    """
    if result.available:
        return None
    if result.reason == "too_few":
        return (f"Fewer than {result.min_count} emergency-department assault attendances fall in the period: too few "
                "to publish.", [])
    return NO_INPUT, NO_INPUT_KEYS


def _n(v) -> str:
    return v if isinstance(v, str) else f"{int(v):,}"


def opening(r: HospitalResult, period_label: str) -> str:
    """The chapter's first paragraph: how many, how many unplaced, how many not reported."""
    s = (f"In {period_label} the hospitals' emergency departments treated **{r.total:,}** people for an assault "
         f"(attendances in the ISTV data shared with the partnership).")
    if r.unmatched:
        s += (f" {r.unmatched:,} of them ({pct(r.unmatched / r.total)}) could not be placed in an LSOA (no usable "
              "location): they are in every count below but not on the maps.")
    if r.not_reported_share is not None:
        s += (f" Of the patients whose answer is known, **{pct(r.not_reported_share)}** had not reported the assault "
              "to the police — violence that police records do not show.")
    return s


def comparison_sentence(r: HospitalResult) -> str:
    """The rank correlation, in words a board member can use."""
    rho = r.correlation.get("rho")
    if not r.police_available or rho is None:
        return ("The crime data hold no police-recorded violence by LSOA for the period, so the hospital data cannot "
                "be compared with it here.")
    strength = ("strong" if abs(rho) >= 0.7 else "moderate" if abs(rho) >= 0.4 else "weak" if abs(rho) >= 0.2
                else "little or no")
    agree = "the same" if rho > 0 else "different"
    return (f"Across the area's {r.correlation['n']:,} LSOAs, ED assaults and police-recorded violence against the "
            f"person have a Spearman rank correlation of **{rho:.2f}**: {strength} agreement"
            + (f" — by and large the hospitals and the police see violence in {agree} places." if abs(rho) >= 0.2
               else "." ))


def gap_sentence(r: HospitalResult) -> str:
    """How many LSOAs the hospitals see and the police do not, with the rule."""
    if not r.police_available:
        return ""
    rule = gap_rule(r)
    n = 0 if r.gap is None else len(r.gap)
    if n == 0:
        return f"No LSOA has many ED assaults but little police-recorded violence ({rule})."
    return (f"**{n} LSOA{'s' if n != 1 else ''}** had many ED assaults but little police-recorded violence "
            f"({rule}): violence the hospitals see that police records miss, and places to check with the "
            "hospital's data and local officers.")


def gap_rule(r: HospitalResult) -> str:
    """The flagging rule in words.

    >>> gap_rule(HospitalResult(True, gap_rule={"high": 0.2, "low": 0.5, "min": 5}))
    'among the 20% of LSOAs with most ED assaults, the 50% with least police-recorded violence, and at least 5 ED assaults'
    """
    g = r.gap_rule
    return (f"among the {g['high'] * 100:g}% of LSOAs with most ED assaults, the {g['low'] * 100:g}% with least "
            f"police-recorded violence, and at least {g['min']} ED assaults")


MAPS_TITLE = "Where hospitals see assaults, and where the police record violence"
MAPS_ALT = ("Two maps of the area's LSOAs side by side: emergency-department assault attendances by the LSOA where "
            "the assault happened, and police-recorded violence against the person; LSOAs with many ED assaults "
            "but little police-recorded violence are outlined.")


def maps_title(r: HospitalResult, period_label: str) -> str:
    rho = r.correlation.get("rho")
    t = f"ED assaults and police-recorded violence by LSOA, {period_label}"
    return t + (f" (rank correlation {rho:.2f})" if rho is not None else "")


def lsoa_title(period_label: str) -> str:
    return f"ED assault attendances and police-recorded violence by LSOA, {period_label}"


LSOA_NOTE = ("ED assaults are counted at the LSOA where the assault happened (from its postcode, LSOA code or "
             "map point). Counts of 1–4 attendances are shown as <5, and a count hidden so that the totals "
             "cannot reveal one as [c].")


def gap_title(r: HospitalResult, period_label: str) -> str:
    n = 0 if r.gap is None else len(r.gap)
    return f"{n} LSOA{'s' if n != 1 else ''} with many ED assaults but little police-recorded violence, {period_label}"


GAP_FORMATS = {"ed_percentile": pct, "police_percentile": pct}
GAP_NOTE = ("Percentile: the LSOA's position among the area's LSOAs, 100% = the most (ties share their "
            "average position).")


def profile_view(r: HospitalResult, breakdown: str) -> pd.DataFrame:
    """One breakdown of the published profile, for the report (category, attendances, share)."""
    p = r.profile[r.profile["breakdown"] == breakdown][["category", "attendances", "share"]]
    return p.reset_index(drop=True)


PROFILE_LABELS = dict(BREAKDOWNS)
PROFILE_FORMATS = {"share": pct}


def profile_title(breakdown: str, period_label: str) -> str:
    return f"ED assault attendances by {PROFILE_LABELS[breakdown].lower()}, {period_label}"


PROFILE_NOTE = ("Shares are of all attendances in the period. A free-text category held by fewer than {n} "
                "attendances is counted under 'Other'; counts of 1–{m} are shown as <{n}.")


def profile_note(r: HospitalResult) -> str:
    return PROFILE_NOTE.format(n=r.min_count, m=r.min_count - 1)


def when_sentence(r: HospitalResult) -> str:
    """The busiest time band and day, from the published profile."""
    t = profile_view(r, "time")
    t = t[t["category"] != "Time not known"]
    d = profile_view(r, "day")
    num = lambda f: f[pd.to_numeric(f["attendances"], errors="coerce").notna()]  # noqa: E731
    t, d = num(t), num(d)
    if t.empty or d.empty or int(t["attendances"].sum()) == 0:
        return ""
    tb = t.loc[t["attendances"].astype(int).idxmax()]
    db = d.loc[d["attendances"].astype(int).idxmax()]
    return (f"Most assaults happened between **{tb['category'].replace('–', ' and ')}** ({pct(tb['share'])} of "
            f"attendances), and the busiest day was **{db['category']}** ({pct(db['share'])}).")


def top_locations_title(r: HospitalResult, period_label: str) -> str:
    return f"The locations with most ED assault attendances, {period_label}"


def top_locations_note(r: HospitalResult) -> str:
    return (f"Only locations with at least {r.min_count} attendances are listed. A home is never listed, nor a "
            "location that starts with a house or flat number (an address). Locations are as the hospital "
            "recorded them, compared without case or extra spaces.")


def top_locations_sentence(r: HospitalResult) -> str:
    """Markdown: the location with most attendances (escaped: it is free text from the hospital's data)."""
    t = r.top_locations
    if t is None or t.empty:
        return (f"No location (venue or street) had {r.min_count} or more attendances, so none is listed.")
    top = t.iloc[0]
    return safe_text("The location with most attendances was {loc} ({n} attendances).", loc=str(top["location"]),
                     n=f"{int(top['attendances']):,}")


def suppression_text(r: HospitalResult) -> str:
    if not r.available:
        return ""
    if r.hidden == 0 and not r.withdrawn:
        return "No count was hidden in this chapter."
    extra = sum(a.get("extra", 0) for a in r.audit.values())
    gone = [("the ED assaults by LSOA" if w == "lsoa" else f"the breakdown by {PROFILE_LABELS[w].lower()}")
            for w in r.withdrawn]
    s = (f"{r.hidden} count{'s' if r.hidden != 1 else ''} from the hospital records {'were' if r.hidden != 1 else 'was'} "
         f"hidden in this chapter's tables (fewer than {r.min_count} attendances, shown as <{r.min_count}, or [c] so "
         "that the totals cannot reveal one)")
    if extra:
        s += f", {extra} of them by the disclosure audit so that none can be worked out from the others"
    s += "."
    if gone:
        s += (f" The counts of {' and '.join(gone)} are left blank: with so few attendances their small counts "
              "could be worked out from the totals whatever else was hidden.")
    return s


# -- the executive summary -------------------------------------------------------------------------
def key_findings(summary: dict) -> list[Finding]:
    """The key-finding sentence on ED assaults (none without the data).

    Parameters
    ----------
    summary : dict
        The merged summary.

    Returns
    -------
    list of Finding
    """
    total = value(summary, "ed_assaults.total")
    if not total:
        return []
    label = (summary.get("period") or {}).get("label")
    keys = ["ed_assaults.total"] + (["period.label"] if label else [])
    s = f"Hospital emergency departments treated {int(total):,} people for assault" + (f" in {label}" if label else "")
    share = value(summary, "ed_assaults.not_reported_share")
    if share is not None:
        s += f"; {pct(share)} of those whose answer is known had not reported it to the police"
        keys.append("ed_assaults.not_reported_share")
    s += "."
    rho = value(summary, "ed_assaults.police_rank_correlation")
    if rho is not None:
        s += f" By LSOA, ED assaults and police-recorded violence had a rank correlation of {rho:.2f}"
        keys.append("ed_assaults.police_rank_correlation")
        gap = (summary.get("ed_assaults") or {}).get("police_gap_lsoas")
        if gap:
            s += (f", and {len(gap)} LSOA{'s' if len(gap) != 1 else ''} had many ED assaults but little "
                  "police-recorded violence")
            keys.append("ed_assaults.police_gap_lsoas")
        s += "."
    return [Finding("ed_assaults", s, tuple(keys))]


# -- methods ------------------------------------------------------------------------------------------
def methods(min_count: int, high: float, low: float, violence: list[str]) -> str:
    """The methods section (appendix) with the run's settings."""
    return f"""
### Violence seen by hospitals (ED assaults, the Cardiff Model)

The hospitals' emergency departments share the Information Sharing to Tackle Violence (ISTV) minimum
dataset: one row per attendance for an assault, with the date and time of the incident, where it
happened and how. An attendance is placed in the LSOA of its LSOA code, else of its postcode (looked
up in the ONS postcode directory, `inputs.postcode_lookup`), else of its map point; one with none of
these is **unmatched** — counted in every total and breakdown, left off the maps (`summary.json`
`ed_assaults.unmatched`). The date is the incident's, else the arrival's; the time of day only the
incident's. **Police-recorded violence** is the crimes whose type or major category is one of
{', '.join(violence)} (`hospital.police_violence`), counted by LSOA in the same period.

**Rank correlation.** Spearman's ρ between the two counts over every LSOA of the area (zeros
included; ties take their average rank): 1 when the two put the LSOAs in the same order, 0 when
they are unrelated. **Seen by hospitals, not the police:** an LSOA among the {high * 100:g}% of LSOAs
with most ED assaults (percentile rank above {100 - high * 100:g}%) and the {low * 100:g}% with least
police-recorded violence (percentile rank at most {low * 100:g}%), with at least {min_count} ED
assaults. **Not reported to the police** is the share of "no" among the attendances whose answer
is known (yes or no); it is given only when both counts are at least {min_count}.

**The profile.** Means of assault and location type are the hospital's words; a category held by
fewer than {min_count} attendances is counted under "Other", so a rare entry (a name, a reference
typed into the wrong column) is never shown. **Top locations** lists venues and streets with at
least {min_count} attendances; a home, or a location starting with a house or flat number (an
address), is never listed.

**Personal data.** Attendances are records about patients: the attendance id is used only to find
repeated rows and appears in no output; every count of 1–{min_count - 1} attendances is shown as
<{min_count}, with secondary suppression ([c]) and the disclosure audit over the LSOA table, the
breakdowns and the totals published with them (see "Disclosure control").
"""
