"""The one dictionary of table columns: the label a report table shows for each column of the
CSVs in ``tables/``, what the column holds and its unit, and what a row of each CSV is.

The CSVs keep their stable column names (a script reading ``lsoa_hotspots.csv`` finds
``rate_per_1000`` every year); the report's tables show the labels (:func:`human`, applied by
:meth:`assessment.workbook.Run.table` to every table it shows), and ``tables/README.md``, the data
dictionary written with every run (:func:`data_dictionary`), is generated from the same entries, so
the labels and the documentation cannot drift apart.

>>> label("top_1pct_share"), label("generalised_gini"), label("crime_group")
('Share in the top 1% of LSOAs', 'Generalised Gini', 'Crime group')
>>> label("state 2023/24", "emerging_hotspots")
'State in 2023/24'
>>> import pandas as pd
>>> t = pd.DataFrame({"count": [3]}, index=pd.Index(["THEFT FROM THE PERSON"], name="crime_type"))
>>> h = human(t)
>>> h.index.name, h.index.tolist(), h.columns.tolist()
('Crime type', ['Theft from the person'], ['Crimes'])
"""
from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from .common import pretty_category

#: a column name as code writes it: lower case words joined by underscores (e.g. ``rate_per_1000``)
MACHINE_NAME = re.compile(r"^[a-z][a-z0-9]*(_[a-z0-9]+)*$")


@dataclass(frozen=True)
class Column:
    """One column: the header shown in the report, what it holds and its unit."""

    label: str
    meaning: str
    unit: str = ""


@dataclass(frozen=True)
class Table:
    """One CSV of ``tables/``: what a row is, what the table holds, and columns whose meaning
    differs from :data:`COLUMNS` in this table."""

    row: str
    about: str
    columns: dict = field(default_factory=dict)


# -- units, one wording each ------------------------------------------------------------------
CRIMES = "count of crimes"
SHARE = "fraction, 0 to 1 (0.25 = 25%)"
RATE = "crimes per 1,000 residents"
TEXT = "text"
CODE = "ONS code"
FRACTION_CHANGE = "fraction (0.25 = a 25% rise, −0.25 = a 25% fall); blank when there is nothing to compare"

#: every column of the published CSVs, by its name in the CSV (machine names, and the readable
#: names some tables were published with), unless :data:`TABLES` says otherwise for one table
COLUMNS: dict[str, Column] = {
    # places
    "lsoa_code": Column("LSOA", "The LSOA's code (Lower layer Super Output Area, about 1,500 residents)", CODE),
    "lsoa_name": Column("LSOA name", "The LSOA's name (the local authority's name and a number, e.g. 'Haringey 016B')", TEXT),
    "ward_code": Column("Ward code", "The ward's code (from the LSOA → ward lookup)", CODE),
    "ward": Column("Ward", "The ward's name (from the LSOA → ward lookup)", TEXT),
    "ward_name": Column("Ward", "The ward's name (from the LSOA → ward lookup)", TEXT),
    "area": Column("Area", "The area (e.g. the borough), from the LSOA name's prefix", TEXT),
    "location": Column("Location", "The map point's street description ('On or near …'), as police.uk gives it", TEXT),
    # what is counted
    "crime_type": Column("Crime type", "The crime type as named in the crime data", TEXT),
    "crime_group": Column("Crime group", "The partnership's priority crime group (set in the config); 'All crime' is every crime", TEXT),
    "top_crime_type": Column("Most common crime type", "The crime type with most crimes at the point", TEXT),
    "subset": Column("Crimes", "Which crimes the row counts: all crime, domestic abuse, or a priority crime group", TEXT),
    "category": Column("Category", "The crime category the rates are for ('All crime', or a category of the data)", TEXT),
    "period": Column("Period", "The 12 months (or year to date) the row is for, e.g. 2024/25", TEXT),
    # counts and change
    "count": Column("Crimes", "Crimes recorded in the assessment period", CRIMES),
    "crimes": Column("Crimes", "Crimes recorded in the assessment period", CRIMES),
    "current": Column("Current 12 months", "Crimes recorded in the assessment period", CRIMES),
    "previous": Column("Previous 12 months", "Crimes recorded in the same months one year earlier", CRIMES),
    "previous_count": Column("Previous 12 months", "Crimes recorded in the same months one year earlier", CRIMES),
    "change": Column("Change", "Crimes in the period minus crimes in the previous 12 months", CRIMES),
    "change_pct": Column("% change", "Change ÷ crimes in the previous 12 months", FRACTION_CHANGE),
    "baseline": Column("Baseline", "Crimes recorded in the baseline year", CRIMES),
    "change_vs_baseline_pct": Column("% change vs baseline", "(Crimes in the period − crimes in the baseline year) ÷ "
                                     "crimes in the baseline year", FRACTION_CHANGE),
    "population": Column("Residents", "Resident population (ONS mid-year estimate; the year is named in the report)",
                         "people"),
    "rate_per_1000": Column("Rate per 1,000 residents", "Crimes ÷ residents × 1,000", RATE),
    "rank": Column("Rank", "Position by crimes, 1 = most (tied rows share the best rank)", "rank"),
    "share": Column("Share", "The row's share of the total", SHARE),
    "share_of_crime": Column("Share of crime", "The ward's crimes ÷ all crimes in the area", SHARE),
    "lsoas": Column("LSOAs", "Number of LSOAs", "count of LSOAs"),
    # when crime happens (chapter 6)
    "month": Column("Month", "The calendar month, 1 = January ... 12 = December", "month number"),
    "usual": Column("Usual level", "The average count of the same month in the earlier years the data cover; blank "
                    "when they cover none", CRIMES),
    "ratio": Column("Ratio", "One figure ÷ another, as the table's description says", "ratio"),
    "weekday": Column("Day of the week", "The offence date's weekday, 0 = Monday ... 6 = Sunday", "weekday number"),
    "hour": Column("Hour", "The hour of the offence time, 0 = 00:00-00:59 ... 23 = 23:00-23:59 (UK time)", "hour"),
    # the readable names chapter 1 and the LSOA and ward extracts are published with
    "Previous 12 months": Column("Previous 12 months", "Crimes recorded in the same months one year earlier "
                                 "(blank when the data do not cover them)", CRIMES),
    "Current 12 months": Column("Current 12 months", "Crimes recorded in the assessment period", CRIMES),
    "Change": Column("Change", "Crimes in the period minus crimes in the previous 12 months", CRIMES),
    "% change": Column("% change", "Change ÷ crimes in the previous 12 months", FRACTION_CHANGE),
    "Baseline year": Column("Baseline year", "Crimes recorded in the baseline year (`baseline_year` in the config, by "
                            "default four years before the assessment year; the report names it); blank when the "
                            "data do not cover it", CRIMES),
    "% change vs baseline": Column("% change vs baseline", "(Crimes in the period − crimes in the baseline year) ÷ "
                                   "crimes in the baseline year", FRACTION_CHANGE),
    "Rate per 1,000 residents": Column("Rate per 1,000 residents", "Crimes in the period ÷ residents × 1,000", RATE),
    "LSOA": Column("LSOA", "The LSOA's code", CODE),
    "LSOA name": Column("LSOA name", "The LSOA's name", TEXT),
    "Ward": Column("Ward", "The ward's name", TEXT),
    "Ward code": Column("Ward code", "The ward's code", CODE),
    "Crimes": Column("Crimes", "Crimes recorded in the assessment period", CRIMES),
    "Rank": Column("Rank", "Position by crimes among the area's LSOAs, 1 = most", "rank"),
    "LSOAs": Column("LSOAs", "Number of the ward's LSOAs in the area", "count of LSOAs"),
    "Share of crime": Column("Share of crime", "The ward's crimes ÷ all crimes in the area", SHARE),
    "Gi* z-score": Column("Gi* z-score", "The Getis–Ord Gi* z-score of the LSOA and its neighbours", "z-score"),
    "p (FDR-adjusted)": Column("p (FDR-adjusted)", "The Gi* p-value adjusted for testing every LSOA at once "
                               "(Benjamini–Hochberg false discovery rate)", "probability, 0 to 1"),
    "p (unadjusted)": Column("p (unadjusted)", "The Gi* permutation p-value, each LSOA tested on its own",
                             "probability, 0 to 1"),
    "Gi* class": Column("Gi* class", "Hot spot, cold spot or not significant, with its confidence", TEXT),
    "Hot LSOAs (95%+)": Column("Hot LSOAs (95%+)", "The ward's LSOAs that are hot spots at 95% or 99% confidence",
                               "count of LSOAs"),
    "Hot LSOAs (90%+)": Column("Hot LSOAs (90%+)", "The ward's LSOAs that are hot spots at 90% confidence or more",
                               "count of LSOAs"),
    "Cold LSOAs (95%+)": Column("Cold LSOAs (95%+)", "The ward's LSOAs that are cold spots at 95% or 99% confidence",
                                "count of LSOAs"),
    # hot spots (chapter 2)
    "neighbours": Column("Neighbours", "LSOAs sharing a boundary or a corner with the LSOA (queen contiguity)",
                         "count of LSOAs"),
    "gi_z": Column("Gi* z-score", "The Getis–Ord Gi* z-score of the LSOA and its neighbours (positive: more crime "
                   "than chance would give)", "z-score"),
    "gi_permutations": Column("Permutations", "The random permutations behind the LSOA's p-value", "count"),
    "gi_p": Column("p (unadjusted)", "The Gi* permutation p-value, the LSOA tested on its own", "probability, 0 to 1"),
    "gi_p_fdr": Column("p (FDR-adjusted)", "The Gi* p-value adjusted for testing every LSOA at once "
                       "(Benjamini–Hochberg false discovery rate)", "probability, 0 to 1"),
    # issue 15: deprivation, ASB and domestic-abuse trends, ward profiles, victim profile
    "imd_decile": Column("IMD decile", "The national Index of Multiple Deprivation decile (1 = the most deprived 10% "
                         "of LSOAs in England, 10 = the least deprived)", "decile, 1 to 10"),
    "start": Column("From", "The first day of the 12 months", "date (YYYY-MM-DD)"),
    "end": Column("To", "The last day of the 12 months", "date (YYYY-MM-DD)"),
    "violence": Column("Violence", "Violence crimes in the 12 months (crime types or MPS major categories whose name "
                       "starts with 'Violence')", CRIMES),
    "da_violence": Column("Domestic-abuse violence", "Violence crimes flagged as domestic abuse", CRIMES),
    "share_of_violence": Column("Share of violence", "Domestic-abuse violence ÷ all violence", SHARE),
    "top_crime_types": Column("Most common crime types", "The ward's three crime types with most crimes in the "
                              "period, most first, separated by '; '", TEXT),
    "hot_spot_lsoas": Column("Hot-spot LSOAs (95%+)", "The ward's LSOAs that are Gi* hot spots of all crime at 95% or "
                             "99% confidence (chapter 2's rule); blank without a boundary file", "count of LSOAs"),
    "hot_spot_lsoa_names": Column("Hot-spot LSOA names", "Their names, separated by '; '", TEXT),
    "asb_incidents": Column("ASB incidents", "Anti-social behaviour incidents in the period in the ward's LSOAs",
                            "count of incidents"),
    "asb_change_pct": Column("ASB % change", "(ASB incidents − those of the previous 12 months) ÷ those of the "
                             "previous 12 months", FRACTION_CHANGE),
    "most_deprived_20pct_lsoas": Column("LSOAs in most deprived 20%", "The ward's LSOAs in IMD deciles 1 and 2 (the "
                                        "most deprived 20% of England's LSOAs)", "count of LSOAs"),
    "median_imd_decile": Column("Median IMD decile", "The median IMD decile of the ward's LSOAs", "decile, 1 to 10"),
    "age_band": Column("Age band", "The victim's age band at their first crime in the period ('Not recorded' when "
                       "the age is blank)", TEXT),
    "sex": Column("Sex", "The victim's sex as first recorded ('Not recorded' when blank)", TEXT),
    "other_victims": Column("Victims once", "Victims of exactly one crime in the period ('<N' and '[c]': hidden "
                            "by disclosure control)", "count of people"),
    "gi_class": Column("Gi* class", "Hot spot, cold spot or not significant, with its confidence (90%, 95%, 99%); "
                       "'Not tested' and why", TEXT),
    "top10_share": Column("Share in the top 10 LSOAs", "Crimes in the 10 LSOAs with most crime ÷ all crimes", SHARE),
    "gini": Column("Gini", "The Gini coefficient of crimes across LSOAs (0 = spread evenly, 1 = all in one LSOA)",
                   "index, 0 to 1"),
    "generalised_gini": Column("Generalised Gini", "The Gini coefficient corrected for fewer crimes than LSOAs "
                               "(Bernasco & Steenbeek 2017)", "index, 0 to 1"),
    # harm and near repeats (chapter 7)
    "harm": Column("Harm", "The sum of the harm weights of the crimes (each crime's weight from the harm weights "
                   "file, by crime type or offence code)", "harm units of the weights file"),
    "harm_rate_per_1000": Column("Harm per 1,000 residents", "Harm ÷ residents × 1,000 (blank without a "
                                 "population figure)", "harm units per 1,000 residents"),
    "count_gi_class": Column("Gi* class (crimes)", "The Gi* class of the LSOA on crime counts, tested as chapter 2 "
                             "tests them", TEXT),
    "harm_not_count": Column("Harm hot spot, not a crime hot spot", "True when the LSOA is a Gi* hot spot on harm (any "
                             "confidence) but not on crime counts", "true/false"),
    "share_of_harm": Column("Share of harm", "The row's harm ÷ all harm", SHARE),
    "share_of_crimes": Column("Share of crimes", "The row's crimes ÷ all weighted crimes", SHARE),
    "harm_per_crime": Column("Harm per crime", "Harm ÷ crimes: the average weight of the row's crimes",
                             "harm units per crime"),
    "weight_per_crime": Column("Weight", "The harm weight of one crime of the type (the average when crimes of the "
                               "type carry different offence-code weights)", "harm units per crime"),
    "hot_lsoas": Column("Harm hot-spot LSOAs", "The ward's LSOAs that are Gi* hot spots on harm (any confidence)",
                        "count of LSOAs"),
    "distance_band": Column("Distance apart", "How far apart the two crimes of a pair are: the same place (0 m), "
                            "then the distance bands (metres, straight line)", TEXT),
    "time_band": Column("Time apart", "How many days apart the two crimes of a pair are (offence dates)", TEXT),
    "observed": Column("Pairs", "Pairs of crimes this far apart in space and in time", "count of pairs"),
    "expected": Column("Expected pairs", "The pairs chance would give: the mean over the permutations of the offence "
                       "dates", "count of pairs"),
    # emerging hot spots
    "years": Column("Years", "Years with a Gi* test for the LSOA", "count of years"),
    "hot_years": Column("Hot years", "Years the LSOA was a hot spot", "count of years"),
    "cold_years": Column("Cold years", "Years the LSOA was a cold spot", "count of years"),
    "final_state": Column("Final year", "The LSOA's state in the assessment year: 1 hot, −1 cold, 0 neither",
                          "1, 0 or −1"),
    "mk_s": Column("Mann–Kendall S", "The Mann–Kendall statistic S of the yearly Gi* z-scores", "number"),
    "mk_var": Column("Var(S)", "The variance of S (with the correction for ties)", "number"),
    "mk_z": Column("Trend z", "The Mann–Kendall z (with the continuity correction)", "z-score"),
    "mk_p": Column("Trend p", "The two-sided p-value of the Mann–Kendall trend test", "probability, 0 to 1"),
    "mk_tau": Column("Kendall's tau", "Kendall's τ = S ÷ (n(n − 1)/2)", "−1 to 1"),
    # offenders (chapter 3)
    "p": Column("Top share of offenders", "The share of offenders in the group (0.01 = the top 1%)", SHARE),
    "group": Column("Group", "The row's group", TEXT),
    "offenders": Column("Offenders", "Distinct offenders", "count of offenders"),
    "offenders_in_group": Column("Offenders in group", "Offenders in the top group (ranked by crimes linked to them)",
                                 "count of offenders"),
    "share_linked": Column("Share of offender-linked crimes", "The group's crimes ÷ crimes with at least one linked "
                           "offender", SHARE),
    "linked_denominator": Column("Offender-linked crimes", "Distinct crimes in the period with at least one linked "
                                 "offender", CRIMES),
    "linked_denominator_is": Column("Offender-linked crimes are", "What the offender-linked denominator counts", TEXT),
    "share_all": Column("Share of all recorded crime", "The group's crimes ÷ all recorded crimes in the area", SHARE),
    "all_denominator": Column("All recorded crimes", "All recorded crimes in the area in the period", CRIMES),
    "all_denominator_is": Column("All recorded crimes are", "What the all-crime denominator counts", TEXT),
    "top_crimes": Column("Crimes linked to the top 10%", "Crimes of the type linked to the top 10% of offenders", CRIMES),
    "top_share": Column("Share of the top 10%'s crimes", "The type's share of the crimes linked to the top 10%", SHARE),
    "rest_crimes": Column("Crimes linked only to other offenders", "Crimes of the type linked only to offenders "
                          "outside the top 10%", CRIMES),
    "rest_share": Column("Share of other offenders' crimes", "The type's share of the crimes linked only to other "
                         "offenders", SHARE),
    "breakdown": Column("Breakdown", "'Age band' or 'Sex'", TEXT),
    # victims and callers (chapter 4)
    "victims": Column("Victims", "People linked as victims to at least one crime in the period", "count of victims"),
    "repeat_victims": Column("Repeat victims", "Victims of two or more distinct crimes in the period",
                             "count of victims"),
    "repeat_rate": Column("Repeat-victim rate", "Repeat victims ÷ victims", SHARE),
    "pairs": Column("Victim–crime pairs", "Victimisations: each crime counted once for each of its victims",
                    "count of pairs"),
    "repeat_pair_share": Column("Share of pairs: repeat victims", "Victim–crime pairs of repeat victims ÷ all pairs",
                                SHARE),
    "lookback_rate": Column("Look-back repeat rate", "Pairs that came within the look-back period of the victim's "
                            "previous crime (the MARAC measure) ÷ all pairs", SHARE),
    "lookback_repeat_pairs": Column("Look-back repeats", "Pairs that came within the look-back period of the victim's "
                                    "previous crime", "count of pairs"),
    "crimes_per_victim": Column("Crimes per victim", "The band: 1, 2, 3, 4 or 5+ crimes in the period", TEXT),
    "calls": Column("ASB calls", "Anti-social behaviour calls (incidents) in the period", "count of calls"),
    # ED assaults (chapter 8)
    "ed_assaults": Column("ED assaults", "Emergency-department assault attendances whose assault happened in the LSOA "
                          "(<5: 1–4; [c]: hidden so that the totals cannot reveal a small count)", "count of attendances"),
    "police_violence": Column("Police-recorded violence", "Crimes of violence against the person recorded by the "
                              "police in the LSOA (the config's hospital.police_violence)", CRIMES),
    "attendances": Column("Attendances", "Emergency-department assault attendances (<5: 1–4; [c]: hidden so that the "
                          "totals cannot reveal a small count)", "count of attendances"),
    "location_type": Column("Location type", "The type of place of the assault, as the hospital recorded it", TEXT),
    "ed_percentile": Column("ED assaults percentile", "The LSOA's percentile rank among the area's LSOAs by ED "
                            "assaults (100% = the most; ties share their average rank)", SHARE),
    "police_percentile": Column("Police violence percentile", "The LSOA's percentile rank by police-recorded violence "
                                "(100% = the most)", SHARE),
    "calls_with_caller": Column("Calls with a caller reference", "Calls that record a (pseudonymised) caller",
                                "count of calls"),
    "callers": Column("Callers", "Distinct callers", "count of callers"),
    "repeat_callers": Column("Repeat callers", "Callers with 10 or more calls in any 24-week window (the config's "
                             "`asb` rule)", "count of callers"),
    "repeat_caller_calls": Column("Calls by repeat callers", "Calls made by repeat callers", "count of calls"),
    "repeat_caller_call_share": Column("Share of calls with a caller reference", "Calls by repeat callers ÷ calls with "
                                       "a caller reference", SHARE),
    "repeat_caller_share_all_calls": Column("Share of all calls", "Calls by repeat callers ÷ all calls", SHARE),
    "repeat_caller_share": Column("Share of callers", "Repeat callers ÷ callers", SHARE),
    "locations": Column("Map points", "Distinct map points with at least one crime in the period", "count of points"),
    "repeat_locations": Column("Repeat locations", "Map points with two or more crimes in the period",
                               "count of points"),
    "crimes_at_repeat_locations": Column("Crimes at repeat locations", "Crimes at map points with two or more crimes",
                                         CRIMES),
    "repeat_location_crime_share": Column("Share of crimes at repeat locations", "Crimes at repeat locations ÷ crimes "
                                          "with a map point", SHARE),
    "locations_5plus": Column("Points with 5+ crimes", "Map points with five or more crimes", "count of points"),
    # performance (chapter 5)
    "indicator": Column("Indicator", "The indicator's name (the targets file)", TEXT),
    "measure": Column("Measure", "What the indicator measures", TEXT),
    "owner": Column("Owner", "Who owns the indicator (the targets file)", TEXT),
    "direction": Column("Better", "Which way is better: 'lower' or 'higher'", TEXT),
    "baseline_label": Column("Baseline year", "The baseline's year, or 'given' when the targets file gives the value",
                             TEXT),
    "target_spec": Column("Target as set", "The target as the targets file states it (a value, a change such as "
                          "−5%, or 'maintain')", TEXT),
    "target": Column("Target", "The target value for the period", "the indicator's unit"),
    "target_profiled": Column("Profiled target", "True when the target is the year-to-date target profiled by "
                              "quarter", "true/false"),
    "actual": Column("Actual", "The indicator's value in the period", "the indicator's unit"),
    "variance": Column("Variance", "Actual − target", "the indicator's unit"),
    "variance_pct": Column("Variance %", "Variance ÷ target", "fraction"),
    "status": Column("Status", "The RAG status in words", TEXT),
    "travel": Column("Direction of travel", "Improving, deteriorating or no change against the same period a year "
                     "earlier", TEXT),
    "note": Column("Note", "Why a figure is missing, when it is", TEXT),
    "quarter": Column("Quarter", "Quarter of the year, 1 to 4", "number"),
    "months": Column("Months", "The quarter's months", TEXT),
    "profiled_target": Column("Profiled target", "Annual target × the quarter's share", "count of crimes"),
    "ytd_actual": Column("Year to date (actual)", "Crimes from the start of the year to the end of the quarter",
                         CRIMES),
    "ytd_target": Column("Year to date (target)", "Profiled target from the start of the year to the end of the "
                         "quarter", CRIMES),
    "profiled_by": Column("Profiled by", "Whose seasonality the target was profiled by", TEXT),
    "areas_ranked": Column("Areas ranked", "Areas with a rate (a population figure)", "count of areas"),
    "all_area_rate": Column("All-area rate", "Crimes of all the areas ÷ their residents × 1,000", RATE),
    "assessed": Column("This area", "True for the area the assessment is for", "true/false"),
    "comparator": Column("Comparator", "True for an area of the comparator ('most similar') group", "true/false"),
    # the executive summary's trace
    "topic": Column("Topic", "The subject of the finding", TEXT),
    "finding": Column("Finding", "The sentence as printed in the executive summary", TEXT),
    "summary_keys": Column("summary.json keys", "The `summary.json` keys the sentence is written from", TEXT),
    "values": Column("Values", "Those keys' values (JSON)", TEXT),
    # the appendix
    "Input": Column("Input", "The config's name for the input (`inputs.<name>`)", TEXT),
    "Rows read": Column("Rows read", "Rows read from the input", "count of rows"),
    "Rows used": Column("Rows used", "Rows used", "count of rows"),
    "Rows excluded": Column("Rows excluded", "Rows excluded, all reasons", "count of rows"),
    "Reason": Column("Reason", "Why the rows were excluded ('—' for none)", TEXT),
    "Rows": Column("Rows", "Rows excluded for this reason", "count of rows"),
    "File": Column("File", "The file, relative to the config file's folder", "path"),
    "Bytes": Column("Bytes", "The file's size", "bytes"),
    "SHA-256": Column("SHA-256", "The SHA-256 fingerprint of the file's bytes", "hexadecimal"),
    "Package": Column("Package", "Python or a Python package", TEXT),
    "Version": Column("Version", "Its version", TEXT),
    "Chapter": Column("Chapter", "The chapter that published the table", TEXT),
    "Table": Column("Table", "The CSV in tables/", TEXT),
    "Title": Column("Title", "The table's title in the report", TEXT),
    "Cells shown as [c]": Column("Cells shown as [c]", "Counts hidden by secondary suppression", "count of cells"),
    "Hidden cells audited": Column("Hidden cells audited", "Hidden cells the disclosure audit attacked",
                                   "count of cells"),
    "Determinable before the audit": Column("Determinable before the audit", "Hidden cells a reader could have worked "
                                            "out under the suppression rules alone", "count of cells"),
    "Hidden further by the audit": Column("Hidden further by the audit", "Figures the audit hid as well",
                                          "count of figures"),
    "Determinable now": Column("Determinable now", "Hidden cells a reader can still work out (0 when the audit "
                               "passed)", "count of cells"),
    "Audit": Column("Audit", "The disclosure audit's outcome", TEXT),
}

def _pattern_columns(name: str) -> Column | None:
    """Columns whose names carry a number or a year (top_5pct_share, within_30, state 2023/24, …)."""
    if m := re.fullmatch(r"top_(\d+)pct_share", name):
        return Column(f"Share in the top {m[1]}% of LSOAs", f"Crimes in the {m[1]}% of LSOAs with most crime ÷ all "
                      "crimes (the top ⌈p·N⌉ LSOAs, at least one)", SHARE)
    if m := re.fullmatch(r"top_(\d+)pct_lsoas", name):
        return Column(f"LSOAs in the top {m[1]}%", f"How many LSOAs make up the top {m[1]}% (⌈p·N⌉, at least one)",
                      "count of LSOAs")
    if m := re.fullmatch(r"within_(\d+)", name):
        return Column(f"Repeats within {m[1]} days", f"Look-back repeats that came at most {m[1]} days after the "
                      "victim's previous crime ÷ all look-back repeats", SHARE)
    if m := re.fullmatch(r"locations_(\d+)", name):
        n = int(m[1])
        return Column(f"Points with {n} crime{'s' if n != 1 else ''}", f"Map points with exactly {n} "
                      f"crime{'s' if n != 1 else ''} in the period", "count of points")
    if m := re.fullmatch(r"state (\S+)", name):
        return Column(f"State in {m[1]}", f"The LSOA's Gi* state in {m[1]}: 1 hot, −1 cold, 0 neither", "1, 0 or −1")
    if m := re.fullmatch(r"crimes (\d{4}(/\d\d)?)", name):
        return Column(f"Crimes {m[1]}", f"Crimes recorded in {m[1]}", CRIMES)
    if m := re.fullmatch(r"z (\S+)", name):
        return Column(f"Gi* z-score {m[1]}", f"The LSOA's Gi* z-score in {m[1]}", "z-score")
    if m := re.fullmatch(r"Cells shown as <(\d+)", name):
        return Column(name, f"Counts below {m[1]} hidden (primary suppression)", "count of cells")
    return None


_LSOA_EXTRACT = "one row per LSOA"
#: every CSV the report writes: what a row is, what the table holds, and the columns whose
#: meaning differs in it from :data:`COLUMNS`
TABLES: dict[str, Table] = {
    "crime_types": Table("one row per crime type", "Crimes by crime type: the period against the previous 12 months "
                         "and the baseline year (chapter 1)."),
    "priority_crimes": Table("one row per priority crime group", "Crimes by the partnership's priority crime groups "
                             "(chapter 1)."),
    "lsoa_hotspots": Table(_LSOA_EXTRACT + " of the area", "Crime, rate, change and hot-spot class by LSOA "
                           "(chapter 2).",
                           {"population": Column("Residents", "The LSOA's residents (ONS mid-year estimate)", "people"),
                            "count": Column("Crimes", "Crimes recorded in the LSOA in the period", CRIMES),
                            "rank": Column("Rank", "Position by crimes among the area's LSOAs, 1 = most", "rank")}),
    "lsoa_hotspots_by_group": Table("one row per crime group and LSOA", "The LSOA table for all crime and each "
                                    "priority crime group (chapter 2)."),
    "lsoa_increases": Table(_LSOA_EXTRACT, "The LSOAs where crime rose most against the previous 12 months "
                            "(chapter 2)."),
    "lsoa_decreases": Table(_LSOA_EXTRACT, "The LSOAs where crime fell most against the previous 12 months "
                            "(chapter 2)."),
    "concentration": Table("one row per crime group ('All crime' first)", "How concentrated crime is across the "
                           "area's LSOAs (chapter 2).",
                           {"lsoas": Column("LSOAs", "The area's LSOAs", "count of LSOAs"),
                            "crimes": Column("Crimes", "Crimes of the group in the period", CRIMES)}),
    "ward_hotspots": Table("one row per ward", "Crime, rate and hot-spot LSOAs added up by ward (chapter 2)."),
    "ward_counts": Table("one row per ward of the area", "Crime, rate, change and Getis–Ord Gi* hot-spot class by ward, "
                         "counted by ward (ward-level count files; chapter 2).",
                         {"rank": Column("Rank", "1 = the ward with most crime; tied wards share the best rank", "rank"),
                          "neighbours": Column("Neighbours", "Wards sharing an edge or corner with the ward", "count of wards")}),
    "ward_years": Table("one row per ward of the area", "Crimes by ward in each year of the trend window, with the "
                        "change on the previous year and on the baseline year (chapter 2).",
                        {"change_previous": Column("Change on previous year", "Crimes in the period minus crimes in "
                                                   "the previous 12 months", CRIMES),
                         "change_previous_pct": Column("% change on previous year", "Change ÷ crimes in the previous "
                                                       "12 months", FRACTION_CHANGE),
                         "change_baseline": Column("Change on baseline", "Crimes in the period minus crimes in the "
                                                   "baseline year", CRIMES),
                         "change_baseline_pct": Column("% change on baseline", "Change ÷ crimes in the baseline year",
                                                       FRACTION_CHANGE)}),
    "ward_concentration": Table("one row per crime group ('All crime' first)", "How concentrated crime is across the "
                                "area's wards (chapter 2).",
                                {"lsoas": Column("Wards", "The area's wards", "count of wards"),
                                 "crimes": Column("Crimes", "Crimes of the group in the period", CRIMES),
                                 **{f"top_{p}pct_share": Column(f"Share in the top {p}% of wards", f"Crimes in the {p}% "
                                                                "of wards with most crime ÷ all crimes", SHARE)
                                    for p in (10, 25, 50)},
                                 **{f"top_{p}pct_lsoas": Column(f"Wards in the top {p}%", f"How many wards make up the "
                                                                f"top {p}%", "count of wards") for p in (10, 25, 50)},
                                 "top3_share": Column("Share in the top 3 wards", "Crimes in the 3 wards with most "
                                                      "crime ÷ all crimes", SHARE)}),
    "monthly_profile": Table("one row per crime group ('All crime' first) and month of the period",
                             "Crimes in each month of the period against the usual level, the average of the same "
                             "month in the earlier years (chapter 6).",
                             {"count": Column("Crimes", "Crimes of the group recorded in the month", CRIMES),
                              "ratio": Column("This year ÷ usual", "The month's count ÷ its usual level (1 = as usual); "
                                              "blank when there is no usual level", "ratio")}),
    "day_hour": Table("one row per crime group, day of the week and hour (7 × 24 per group)",
                      "Crimes with a time of day in the period by day of the week and hour; crimes with a date but no "
                      "time are not in it (chapter 6).",
                      {"count": Column("Crimes", "Crimes of the group with a time in that hour of that weekday",
                                       CRIMES)}),
    "nte_violence_lsoa": Table(_LSOA_EXTRACT + " of the area", "Violence in the night-time-economy window by LSOA, "
                               "with rate, change and hot-spot class as in chapter 2 (chapter 6).",
                               {"count": Column("Crimes", "Violent crimes in the LSOA in the night-time window",
                                                CRIMES),
                                "previous_count": Column("Previous 12 months", "The same, in the previous 12 months",
                                                         CRIMES),
                                "population": Column("Residents", "The LSOA's residents (ONS mid-year estimate)",
                                                     "people"),
                                "rank": Column("Rank", "Position by night-time violence among the area's LSOAs, "
                                               "1 = most", "rank")}),
    "emerging_hotspots": Table(_LSOA_EXTRACT + " of the area", "The emerging-hotspot pattern of each LSOA over the "
                               "years in the data (chapter 2).",
                               {"category": Column("Pattern", "The emerging-hotspot pattern (e.g. 'New hot spot')",
                                                   TEXT)}),
    "near_repeat": Table("one row per crime type, distance band and time band", "The near-repeat (Knox) table: "
                         "pairs of crimes by how far apart they are in space and in time, against chance (chapter 7).",
                         {"ratio": Column("Ratio", "Pairs ÷ expected pairs (above 1: more pairs than chance would give; "
                                          "blank when none are expected)", "ratio"),
                          "p": Column("p-value", "The share of permutations of the offence dates giving at least as many "
                                      "pairs: (1 + simulations ≥ observed) ÷ (1 + permutations)",
                                      "probability, 0 to 1")}),
    "lsoa_harm": Table(_LSOA_EXTRACT + " of the area", "Crimes, harm, harm per 1,000 residents and the Gi* hot-spot "
                       "class on harm, beside the class on crime counts (chapter 7).",
                       {"count": Column("Crimes", "Crimes recorded in the LSOA in the period", CRIMES),
                        "gi_z": Column("Gi* z-score (harm)", "The Getis–Ord Gi* z-score of harm in the LSOA and its "
                                       "neighbours", "z-score"),
                        "gi_p": Column("p (unadjusted)", "The Gi* permutation p-value on harm, the LSOA tested on its "
                                       "own", "probability, 0 to 1"),
                        "gi_p_fdr": Column("p (FDR-adjusted)", "The Gi* p-value on harm adjusted for testing every "
                                           "LSOA at once (Benjamini–Hochberg)", "probability, 0 to 1"),
                        "gi_class": Column("Gi* class (harm)", "The hot-spot class of the LSOA on harm", TEXT)}),
    "ward_harm": Table("one row per ward", "Crimes and harm added up by ward (chapter 7).",
                       {"count": Column("Crimes", "Crimes recorded in the ward in the period", CRIMES),
                        "lsoas": Column("LSOAs", "The ward's LSOAs", "count of LSOAs")}),
    "harm_by_type": Table("one row per crime type with a harm weight", "Crimes and harm by crime type (chapter 7).",
                          {"crimes": Column("Crimes", "Crimes of the type in the period", CRIMES)}),
    "offender_concentration": Table("one row per top share of offenders (1%, 5%, 10%, 20%)", "How concentrated "
                                    "offending is (chapter 3).",
                                    {"group": Column("Group", "The top share in words (e.g. 'Top 1%')", TEXT),
                                     "crimes": Column("Crimes linked to the group", "Distinct crimes linked to at "
                                                      "least one offender of the group", CRIMES)}),
    "offender_crime_mix": Table("one row per crime type", "What the top 10% of offenders commit against other "
                                "offenders (chapter 3)."),
    "offender_wards": Table("one row per ward (and for offenders living outside the area or with no home recorded)",
                            "Offenders by the ward of their home (chapter 3).",
                            {"share": Column("Share of all offenders", "Offenders ÷ all offenders", SHARE)}),
    "offender_age_sex": Table("one row per age band and per sex", "Offenders by age band and sex (chapter 3).",
                              {"group": Column("Group", "The age band or sex", TEXT),
                               "share": Column("Share of all offenders", "Offenders ÷ all offenders", SHARE)}),
    "repeat_victims": Table("one row per set of crimes (all crime, domestic abuse, each priority crime group)",
                            "Repeat victimisation (chapter 4)."),
    "repeat_victim_distribution": Table("one row per set of crimes and band of crimes per victim", "Victims by the "
                                        "number of crimes against them (chapter 4).",
                                        {"share": Column("Share of victims", "Victims in the band ÷ all victims of "
                                                         "the set", SHARE)}),
    "repeat_asb_callers": Table("one row per 12 months (the period and the one before)", "Repeat anti-social "
                                "behaviour callers (chapter 4)."),
    "repeat_locations": Table("one row per set of crimes (all crime and each priority crime group)", "Repeat "
                              "locations, a proxy for repeat victimisation where the data hold no victims (chapter 4).",
                              {"crimes": Column("Crimes with a map point", "Crimes in the period with a map point",
                                                CRIMES)}),
    "repeat_locations_top": Table("one row per map point", "The map points with most crimes (chapter 4).",
                                  {"rank": Column("Rank", "Position by crimes, 1 = most", "rank"),
                                   "crimes": Column("Crimes", "Crimes at the point in the period", CRIMES)}),
    "deprivation": Table("one row per IMD decile present among the area's LSOAs", "Crime, residents and the crime "
                         "rate by national IMD decile (chapter 1).",
                         {"lsoas": Column("LSOAs", "The area's LSOAs in the decile", "count of LSOAs"),
                          "population": Column("Residents", "The residents of those LSOAs (blank when one has no "
                                               "figure)", "people")}),
    "ward_profiles": Table("one row per ward", "Each ward's crime, rate, change, top crime types, hot-spot LSOAs, "
                           "ASB and deprivation (chapter 1).",
                           {"lsoas": Column("LSOAs", "The ward's LSOAs in the area", "count of LSOAs"),
                            "crimes": Column("Crimes", "Crimes in the ward in the period", CRIMES)}),
    "asb_trend": Table("one row per 12 months, oldest first", "Anti-social behaviour incidents per 12 months "
                       "(chapter 4).",
                       {"count": Column("Incidents", "ASB incidents in the 12 months", "count of incidents"),
                        "change": Column("Change", "Incidents minus those of the 12 months before",
                                         "count of incidents")}),
    "asb_lsoa": Table(_LSOA_EXTRACT + " of the area", "ASB incidents, rate, change and Gi* hot-spot class by LSOA "
                      "(chapter 4).",
                      {"count": Column("ASB incidents", "ASB incidents in the LSOA in the period",
                                       "count of incidents"),
                       "rate_per_1000": Column("Rate per 1,000 residents", "ASB incidents ÷ residents × 1,000",
                                               "incidents per 1,000 residents"),
                       "population": Column("Residents", "The LSOA's residents (ONS mid-year estimate)", "people")}),
    "da_trend": Table("one row per 12 months, oldest first", "Crimes flagged as domestic abuse per 12 months, and "
                      "their share of violence (chapter 4).",
                      {"count": Column("Domestic-abuse crimes", "Crimes flagged as domestic abuse in the 12 months",
                                       CRIMES)}),
    "victim_profile": Table("one row per age band and sex with a victim", "Repeat victims and victims of one crime "
                            "by age band and sex (chapter 4).",
                            {"repeat_victims": Column("Repeat victims", "Victims of two or more crimes in the period "
                                                      "('<N' and '[c]': hidden by disclosure control)",
                                                      "count of people")}),
    "performance": Table("one row per indicator", "Each indicator against its target (chapter 5).",
                         {"period": Column("Period", "The period measured (the year, or the year to date)", TEXT),
                          "baseline": Column("Baseline", "The indicator's baseline value (its year is "
                                             "`baseline_label`)", "the indicator's unit"),
                          "previous": Column("Last year", "The indicator's value a year earlier",
                                             "the indicator's unit"),
                          "actual": Column("Actual", "The indicator's value in the period", "the indicator's unit"),
                          "notes": Column("Notes", "The targets file's notes on the indicator", TEXT),
                          "commentary": Column("Commentary", "The analyst's commentary on the indicator "
                                               "(inputs.commentary, '# Indicator:' sections)", TEXT)}),
    "quarterly_profile": Table("one row per crime-count indicator and quarter", "Crime-count targets profiled by "
                               "quarter (chapter 5).",
                               {"share": Column("Share of the year", "The quarter's share of the baseline year's "
                                                "crimes (its seasonality)", SHARE),
                                "actual": Column("Actual", "Crimes in the quarter (blank after the quarter reported "
                                                 "on)", CRIMES),
                                "status": Column("Year-to-date status", "The RAG status of the year to date", TEXT)}),
    "area_comparison": Table("one row per area and crime category", "Rates per 1,000 residents of every area in the "
                             "crime data (chapter 5).",
                             {"count": Column("Crimes", "The area's crimes of the category in the period", CRIMES),
                              "population": Column("Residents", "The area's residents (ONS mid-year estimate)",
                                                   "people"),
                              "rank": Column("Rank", "Position by rate among the areas, 1 = highest", "rank")}),
    "priorities": Table("one row per priority crime group, in rank order (composite groups last, not ranked)",
                        "The evidence for choosing next year's priorities: volume, change, rate against the "
                        "comparators and concentration side by side, with the points score (executive summary).",
                        columns={
        "previous_period": Column("Previous year", "The 12 months the change is measured from", TEXT),
        "baseline_period": Column("Baseline year", "The baseline year the second change is measured from", TEXT),
        "rank": Column("Rank", "Rank by points (ties: more crimes first, then by name); blank for a composite group", "rank, 1 = first"),
        "composite": Column("Composite group", "True when the group is made of other groups (shown, not ranked)", "true/false"),
        "points": Column("Points", "Criteria met (one point each: volume, rising, rate, concentrated)", "count of criteria"),
        "criteria_met": Column("Points for", "The criteria the group met, separated by '; '", TEXT),
        "comparison_area_rate": Column("Comparison rate (this area)", "This area's rate for the group, from the all-area crime input", RATE),
        "comparison_rate": Column("Comparators' rate", "The comparator group's pooled rate (or all areas' when no comparators are set)", RATE),
        "vs_comparison": Column("Rate against comparators", "(this area's rate − comparators' rate) ÷ comparators' rate", FRACTION_CHANGE),
        "top_share_10": Column("Share in the top 10% of LSOAs", "Share of the group's crime in its busiest 10% of LSOAs (chapter 2)", SHARE),
        "point_volume": Column("Point: volume", "More crimes than the median ranked group", "true/false"),
        "point_rising": Column("Point: rising", "% change on the previous year above all recorded crime's", "true/false"),
        "point_rate": Column("Point: rate", "Rate above the comparators' rate", "true/false"),
        "point_concentrated": Column("Point: concentrated", "Share in the top 10% of LSOAs above the median ranked group's", "true/false"),
    }),
    "ed_assaults_lsoa": Table("one row per LSOA of the area", "Emergency-department assault attendances (ISTV data, "
                              "the Cardiff Model) beside police-recorded violence against the person, by LSOA "
                              "(chapter 8). Counts of 1–4 attendances are shown as <5, [c] hides a count so that "
                              "the totals cannot reveal one."),
    "ed_assaults_profile": Table("one row per breakdown and category", "ED assault attendances by reported to the "
                                 "police, means of assault, location type, day of the week and time of day; each "
                                 "breakdown sums to all attendances in the period (chapter 8).",
                                 {"breakdown": Column("Breakdown", "reported, means, location_type, day or time", TEXT),
                                  "category": Column("Category", "The answer, means, type of place, day or four-hour "
                                                     "band; free-text categories held by fewer than 5 attendances "
                                                     "are counted under 'Other'", TEXT),
                                  "share": Column("Share", "Attendances ÷ all attendances in the period (blank where "
                                                  "the count is hidden)", SHARE)}),
    "ed_assaults_police_gap": Table("one row per LSOA with many ED assaults and little police-recorded violence",
                                    "The LSOAs the hospitals see and the police do not: in the top 20% of LSOAs for "
                                    "ED assaults and the bottom half for police-recorded violence, with at least 5 "
                                    "ED assaults (the config's hospital settings; chapter 8)."),
    "ed_assaults_top_locations": Table("one row per location (venue or street)", "The locations with most ED assault "
                                       "attendances, at least 5 each; homes and addresses are never listed (chapter 8).",
                                       {"location": Column("Location", "The location as the hospital recorded it "
                                                           "(its most used spelling)", TEXT),
                                        "location_type": Column("Location type", "The type of place most recorded for "
                                                                "it", TEXT)}),
    "key_findings": Table("one row per sentence of the executive summary", "The figures behind each key finding."),
    "data_quality": Table("one row per input and exclusion reason", "Record accounting: rows read = used + excluded "
                          "(appendix B)."),
    "suppression": Table("one row per table built from victim, offender or caller records", "What disclosure control "
                         "hid (appendix B)."),
    "inputs": Table("one row per input file", "The input files with their SHA-256 fingerprints (appendix B)."),
    "software_versions": Table("one row per package", "The software used for the run (appendix B)."),
}

#: the columns (by CSV name or label) holding crime type or category names: shown in sentence
#: case (the MPS publishes its categories in capitals), kept as they are in the CSVs
CATEGORY_COLUMNS = {"crime_type", "crime_group", "category", "top_crime_type", "subset", "Crime type",
                    "Crime group", "Category", "Most common crime type"}


def column(name: str, table: str | None = None) -> Column | None:
    """The entry for column ``name`` (of the CSV ``table`` when given), or None when undocumented.

    >>> column("rate_per_1000").unit
    'crimes per 1,000 residents'
    >>> column("category", "emerging_hotspots").label, column("nonsense") is None
    ('Pattern', True)
    """
    name = str(name)
    t = TABLES.get(table or "")
    if t is not None and name in t.columns:
        return t.columns[name]
    return COLUMNS.get(name) or _pattern_columns(name)


def label(name, table: str | None = None) -> str:
    """The header a report table shows for column ``name``: its dictionary label; a name that is
    not a machine name is shown as it is; an undocumented machine name as words.

    >>> label("rate_per_1000"), label("Rate per 1,000 residents"), label("odd_new_column")
    ('Rate per 1,000 residents', 'Rate per 1,000 residents', 'Odd new column')
    """
    c = column(name, table)
    if c is not None:
        return c.label
    s = str(name)
    if MACHINE_NAME.match(s):
        return (s[:1].upper() + s[1:]).replace("_", " ")
    return s


def human(df: pd.DataFrame, table: str | None = None, extra: dict | None = None) -> pd.DataFrame:
    """``df`` as a report table shows it: every column and index name by its :func:`label`
    (``extra`` maps a column to a label for this table only, e.g. a year), and crime type and
    category names in sentence case (:data:`CATEGORY_COLUMNS`).  The values are unchanged otherwise.

    Parameters
    ----------
    df : DataFrame
    table : str, optional
        The CSV the table is (or is a view of), for the columns whose meaning it overrides.
    extra : dict, optional
        Column name -> label, before the dictionary.

    Returns
    -------
    DataFrame
    """
    extra = extra or {}

    def lab(c):
        return extra[c] if c in extra else label(c, table)

    def pretty(v):
        return pretty_category(v) if isinstance(v, str) else v

    out = df.copy()
    for c in out.columns:
        if c in CATEGORY_COLUMNS and not pd.api.types.is_numeric_dtype(out[c]):
            out[c] = out[c].map(pretty)
    names = list(out.index.names)
    if out.index.nlevels == 1 and out.index.name in CATEGORY_COLUMNS:
        out.index = pd.Index([pretty(v) for v in out.index], name=out.index.name)
    out = out.rename(columns={c: lab(c) for c in out.columns})
    out.index.names = [lab(n) if n is not None else None for n in names]
    return out


def year_labels(baseline: str | None) -> dict:
    """Chapter 1's baseline columns with the baseline year named: ``{"Baseline year": "Baseline
    (2020/21)", ...}`` (empty without a baseline).

    >>> year_labels("2020/21")["% change vs baseline"]
    '% change vs 2020/21'
    """
    if not baseline:
        return {}
    return {"Baseline year": f"Baseline ({baseline})", "baseline": f"Baseline ({baseline})",
            "% change vs baseline": f"% change vs {baseline}", "change_vs_baseline_pct": f"% change vs {baseline}"}


# -- the data dictionary, tables/README.md ------------------------------------------------------
def dictionary_intro(period: str, baseline: str | None = None, population_year: int | None = None,
                     population: bool = True) -> str:
    """The data dictionary's lines about this run: the period, the baseline year and the year of the
    population estimate behind every rate.

    >>> print(dictionary_intro("2024/25 (1 April 2024 to 31 March 2025)", "2020/21", 2022))
    * Period: 2024/25 (1 April 2024 to 31 March 2025); "previous 12 months" are the same months one year earlier.
    * Baseline year: 2020/21.
    * Residents and rates per 1,000 residents: ONS mid-2022 population estimates.
    """
    lines = [f'* Period: {period}; "previous 12 months" are the same months one year earlier.']
    if baseline:
        lines.append(f"* Baseline year: {baseline}.")
    if population and population_year:
        lines.append(f"* Residents and rates per 1,000 residents: ONS mid-{population_year} population estimates.")
    elif population:
        lines.append("* Residents and rates per 1,000 residents: the population file, which does not say which "
                     "year it estimates.")
    return "\n".join(lines)


def csv_columns(path: Path) -> list[str]:
    """The header of a CSV (written with or without a byte-order mark)."""
    with open(path, newline="", encoding="utf-8-sig") as f:
        return next(csv.reader(f), [])


def _cell(text: str) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def data_dictionary(tables_dir: Path, intro: str = "") -> str:
    """``tables/README.md``: every CSV in ``tables_dir``, what a row is, and each of its columns
    (name in the CSV, meaning, unit), from :data:`TABLES` and :data:`COLUMNS`.

    Parameters
    ----------
    tables_dir : Path
        The run's ``tables/`` folder.
    intro : str
        Lines about this run (period, baseline year, population estimate), after the heading.

    Returns
    -------
    str
        Markdown.
    """
    lines = ["# The tables of this report", "",
             "Each CSV below holds one of the report's tables in full, with stable column names (the same "
             "every year), full precision (shares as fractions: 0.25 = 25%) and UTF-8 text with a byte-order "
             "mark, so Excel opens it correctly. The report shows these tables with readable column headings "
             "(some with fewer columns).",
             ""]
    if intro:
        lines += [intro, ""]
    for path in sorted(Path(tables_dir).glob("*.csv")):
        name = path.stem
        t = TABLES.get(name)
        lines += [f"## {path.name}", ""]
        lines += [f"{t.about} {t.row[:1].upper()}{t.row[1:]}.", ""] if t else ["A table of this report.", ""]
        lines += ["| Column | Meaning | Unit |", "|---|---|---|"]
        for c in csv_columns(path):
            col = column(c, name)
            if col is None:
                lines.append(f"| `{_cell(c)}` | (not documented) | |")
            else:
                lines.append(f"| `{_cell(c)}` | {_cell(col.meaning)} | {_cell(col.unit)} |")
        lines.append("")
    return "\n".join(lines)


def write_data_dictionary(tables_dir: Path, intro: str = "") -> Path | None:
    """Write :func:`data_dictionary` to ``tables_dir/README.md`` (nothing without a ``tables/``)."""
    tables_dir = Path(tables_dir)
    if not tables_dir.is_dir():
        return None
    path = tables_dir / "README.md"
    path.write_text(data_dictionary(tables_dir, intro), encoding="utf-8")
    return path
