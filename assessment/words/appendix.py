"""The appendix's words: the methods for the board in plain words (:func:`board_methods`), the full
technical methods for the technical annex (:func:`methods_markdown`: each chapter's methods text from
:mod:`assessment.words`, with this run's settings, in report order), the notes on the inputs, what
disclosure control hid, and the configuration file.

>>> [name for name, _ in METHOD_SECTIONS][:3]
['crime_in_the_area', 'hotspots', 'emerging']
"""
from __future__ import annotations

import textwrap

import pandas as pd

from .. import provenance
from ..disclosure import AUDIT_COLUMNS
from ..errors import one_line
from ..significance import SignificanceRule
from . import (
    asb_da,
    crime_in_the_area,
    deprivation,
    harm,
    hospital,
    hotspots,
    offenders,
    performance,
    priorities,
    summary,
    victims,
    wards,
    when,
)


def _rule(cfg) -> SignificanceRule:
    return SignificanceRule.from_config(cfg.hotspots)


#: the methods sections in report order: (name, the section's text for a run's config)
METHOD_SECTIONS = [
    ("crime_in_the_area", lambda cfg: crime_in_the_area.METHODS),
    ("hotspots", lambda cfg: hotspots.methods(_rule(cfg))),
    ("emerging", lambda cfg: hotspots.emerging_methods(_rule(cfg), cfg.hotspots.emerging_alpha,
                                                       cfg.hotspots.trend_alpha, cfg.hotspots.emerging_min_years)),
    ("wards", lambda cfg: wards.METHODS),
    ("deprivation", lambda cfg: deprivation.METHODS),
    ("offenders", lambda cfg: offenders.METHODS),
    ("victims", lambda cfg: victims.methods(cfg.victims.lookback_days, cfg.victims.repeat_windows,
                                            cfg.disclosure.min_count)),
    ("asb", lambda cfg: victims.asb_methods(cfg.asb.repeat_calls, cfg.asb.window_weeks, cfg.disclosure.min_count)),
    ("asb_da", lambda cfg: asb_da.METHODS),
    ("performance", lambda cfg: performance.methods(cfg.performance.amber_threshold,
                                                    cfg.performance.amber_green_threshold,
                                                    cfg.performance.no_change_band)),
    ("comparison", lambda cfg: performance.COMPARISON_METHODS),
    ("harm", lambda cfg: harm.methods(cfg)),
    ("hospital", lambda cfg: hospital.methods(cfg.disclosure.min_count, cfg.hospital.high_ed_share,
                                              cfg.hospital.low_police_share, cfg.hospital.police_violence)),
    ("when", lambda cfg: when.methods(cfg.when.alpha, cfg.when.nte_start, cfg.when.nte_end, cfg.when.nte_nights)),
    ("summary", lambda cfg: summary.METHODS),
    ("priorities", lambda cfg: priorities.METHODS),
]


# -- the front of the appendix: the statutory context and a glossary ---------------------------------------
#: the heading of the front of the appendix
FRONT_HEADING = "Statutory context and glossary"

#: one paragraph: the duty this assessment serves (facts checked against the Act and the 2007
#: Regulations' explanatory note; nothing beyond them is claimed)
STATUTORY_CONTEXT = (
    "Sections 5 and 6 of the Crime and Disorder Act 1998 give the responsible authorities of each local "
    "government area — among them the council and the police, working together as the community safety "
    "partnership — a duty to formulate and implement a strategy to reduce crime and disorder (including "
    "anti-social behaviour) and to combat the misuse of drugs, alcohol and other substances in the area. In "
    "England, the Crime and Disorder (Formulation and Implementation of Strategy) Regulations 2007 (SI "
    "2007/1830) require the partnership's strategy group to prepare a strategic assessment each year — an "
    "analysis of the levels and patterns of crime, disorder and substance misuse in the area and of the "
    "priorities the partnership should adopt — and a partnership plan setting out how those priorities will "
    "be met, engaging local communities as it does so; Wales has its own regulations of the same year (SI "
    "2007/3076). This report is the analysis of recorded crime and anti-social behaviour for that strategic "
    "assessment: the partnership chooses its priorities from it together with the views of people who live "
    "and work in the area and its partners' own information.")

#: the glossary table's title and source line
GLOSSARY_TITLE = "Glossary: the terms used in this report, in plain words"
GLOSSARY_SOURCE = "Definitions as used in this report (settings from this run's configuration)."


def glossary(cfg=None) -> list[tuple[str, str]]:
    """The glossary's terms and their meanings in plain words, alphabetical, with this run's settings
    (thresholds, permutations) where a meaning depends on them.

    Parameters
    ----------
    cfg : Config, optional
        The run's config (its defaults without one).

    Returns
    -------
    list of (term, meaning)

    >>> terms = [t for t, _ in glossary()]
    >>> terms == sorted(terms, key=str.casefold), "Gini coefficient" in terms
    (True, True)
    """
    from ..config import Config
    cfg = cfg if cfg is not None else Config.model_validate({"area": {"name": "the area"}})
    m = cfg.disclosure.min_count
    amber = cfg.performance.amber_threshold
    perms = cfg.hotspots.permutations
    baseline = (f"the year set in the config ({cfg.baseline_year}/{(cfg.baseline_year + 1) % 100:02d} for "
                "financial years)" if cfg.baseline_year is not None else "four years before the assessment year")
    shuffles = f"many times ({perms:,} for each LSOA in this report)" if perms else "many times"
    lookback = "a year" if cfg.victims.lookback_days == 365 else f"{cfg.victims.lookback_days} days"
    entries = [
        ("Anti-social behaviour (ASB)",
         "Behaviour that causes, or is likely to cause, harassment, alarm or distress to other people, such as "
         "noisy or rowdy conduct or vandalism. ASB is not a crime in itself and is not in the crime totals; where "
         "the data include it, this report counts the incidents reported and the people who report them "
         "repeatedly."),
        ("Baseline year",
         f"The earlier year this year's figures are compared with to show the longer-term change: {baseline}. "
         "Each table names the year."),
        ("Cold spot",
         "An LSOA where that LSOA and its neighbours together have much less crime than the area as a whole — "
         "too little to be put down to chance (Gi*). The opposite of a hot spot."),
        ("Comparator areas",
         "Other areas a partnership compares itself with, usually areas of a similar kind (a 'most similar "
         "group'). Shown only when the crime data cover other areas as well."),
        ("Confidence (90%, 95%, 99%)",
         "How sure the test is that a pattern is not chance: at 95% confidence, a pattern as strong would arise "
         "by chance alone 5 times in 100 or fewer."),
        ("Direction of travel",
         "Whether an indicator got better, got worse or stayed the same compared with a year earlier "
         "('improving', 'deteriorating', 'no change'), whatever its target."),
        ("Emerging hot spot",
         "An LSOA whose hot-spot pattern over the past years is changing or lasting — for example a new hot "
         "spot (hot only in the latest year), an intensifying one (hot in nearly every year and getting "
         "hotter) or a persistent one — found by repeating the Gi* test year by year and testing the trend with the "
         "Mann–Kendall test."),
        ("False discovery rate (FDR)",
         "Testing every LSOA at once means some will look like hot spots by chance. Controlling the false "
         "discovery rate (the Benjamini–Hochberg method) keeps the expected share of wrongly named hot and "
         "cold spots among all those named at or below 5% at 95% confidence."),
        ("Getis–Ord Gi* (Gi-star)",
         "A statistic that compares the crime in an LSOA and its neighbours with the area as a whole. A value "
         "much higher than chance would give marks a hot spot; much lower, a cold spot."),
        ("Gini coefficient",
         "How unevenly crime is spread across places, from 0 (every LSOA has the same amount) to 1 (all of it "
         "in one LSOA). The generalised Gini also allows for there being fewer crimes than LSOAs."),
        ("Hot spot",
         "An LSOA where that LSOA and its neighbours together have much more crime than the area as a whole — "
         "too much to be put down to chance (Gi*), at 90%, 95% or 99% confidence."),
        ("Lorenz curve",
         "A chart of the share of crime against the share of places, busiest places first. The further the "
         "curve bows away from the straight diagonal, the more crime is concentrated in a few places."),
        ("LSOA (lower layer super output area)",
         "A small area the Office for National Statistics uses for census and other statistics, home to about "
         "1,000 to 3,000 people. The building block of the maps and hot-spot analysis."),
        ("Mann–Kendall test",
         "A test of whether a series of values (here an LSOA's yearly Gi* scores) tends to go up or down over "
         "the years, without assuming a straight line."),
        ("MARAC (multi-agency risk assessment conference)",
         "A regular meeting where the police, probation, health, housing, children's and adult services, "
         "independent domestic violence advisers and others share information on the highest-risk domestic "
         "abuse cases and agree how to keep each victim safe. The report's 'MARAC-style' repeat measure counts "
         f"a crime against a victim as a repeat when it came within {lookback} of their previous one."),
        ("Permutation test",
         f"A way of judging whether a pattern could be chance: the other LSOAs' crime counts are shuffled at "
         f"random around each LSOA {shuffles}, and the real figure is compared with the shuffled ones. The "
         "share of shuffles at least as extreme as the real figure is the p-value."),
        ("Priority crime group",
         "A crime type or set of crime types the partnership has chosen to follow (the config's crime "
         "groups). A composite group, such as neighbourhood crime, is made up of other groups."),
        ("Prolific offender",
         f"An offender linked to {cfg.offenders.prolific_threshold} or more crimes in the year."),
        ("RAG (red, amber, green)",
         f"A traffic-light status for performance against a target: on target; up to {amber:.0%} off target; or "
         f"missing it by more than {amber:.0%}. Each status also has a symbol and words, so it reads the same "
         "in black and white."),
        ("Rate per 1,000 residents",
         "Crimes ÷ residents × 1,000, so areas of different sizes can be compared. Residential rates overstate "
         "the risk where many people visit but few live, such as town centres."),
        ("Repeat victim",
         "A person who was the victim of two or more separate crimes in the year."),
        (f"Suppression ([c] and <{m})",
         f"Hiding small numbers so that no victim, offender or caller can be identified: counts below {m} from "
         f"their records are shown as \"<{m}\", and \"[c]\" (confidential) hides a further count where a total "
         "would let a reader work out a hidden one. Counts of crimes and of places are not hidden."),
        ("Ward",
         "An electoral ward of the council, the area that elects local councillors. Each LSOA is placed in one "
         "ward (the ONS lookup), so ward figures are the sums of their LSOAs'."),
    ]
    return sorted(entries, key=lambda e: e[0].casefold())


def glossary_table(cfg=None) -> pd.DataFrame:
    """The glossary as a two-column table (Term, Meaning) for the front of the appendix.

    >>> glossary_table().columns.tolist()
    ['Term', 'Meaning']
    """
    return pd.DataFrame(glossary(cfg), columns=["Term", "Meaning"])


def front_markdown() -> str:
    """The front of the appendix: its heading and the statutory context (the glossary table follows).

    >>> front_markdown().splitlines()[0]
    '# Statutory context and glossary'
    """
    return f"# {FRONT_HEADING}\n\n{STATUTORY_CONTEXT}"


def methods_text(name: str, cfg) -> str:
    """One methods section (``name`` from :data:`METHOD_SECTIONS`) with the run's settings."""
    return dict(METHOD_SECTIONS)[name](cfg)


DISCLOSURE_METHODS = """
### Disclosure control

Victim, offender and caller identifiers are personal data: no identifier appears in any table,
chart, log or file this workbook writes. Counts derived from victim or offender records that are
below the threshold ({min_count}) are shown as "<{min_count}" (primary suppression); where a published
total would let a reader work out a suppressed count, the next-smallest count is hidden too and shown
as "[c]" (secondary suppression; "[c]", the Government Statistical Service's symbol for confidential,
because such a count is not itself below {min_count}). Rates and shares resting on a hidden count are
left blank. Zeros are not disclosive and are shown. One gate decides what is published: every table
written to `tables/` and every headline figure passes through it, and a table built from personal
records that still held a count below the threshold would stop the run rather than be published.
Counts of crimes and of places (LSOAs, wards, map points) are not personal data and are not
suppressed.

Hiding a count is not enough if the figures around it let a reader work it out, so every run
audits what it publishes from personal records, as statistical offices' tools (τ-ARGUS, sdcTable)
do (Hundepool et al., *Statistical Disclosure Control*, 2012). Every figure of a chapter — its
tables, their share and rate columns, its headline figures and the numbers in its sentences — is
treated as one system of linear relations, together with how the figures were made: totals;
victim–crime pairs = k × victims in the band of k crimes; share × total = count; a crime group's
victims and pairs against those of the groups it contains; the order rows are listed in; the
suppression rules themselves ("<{min_count}" is 1 to {below}; a "[c]" chosen as the next-smallest
count was not itself below {min_count}). For each hidden cell the smallest and largest values it can take are found by
integer linear programming (scipy's linprog). **Protection rule:** a hidden cell must be able to
take at least two whole values given everything published — it may not be pinned to one. Where a
cell would be pinned, more is hidden — further bands or counts of the same table (smallest
first), a small group's whole crimes-per-victim distribution, a total of victim–crime pairs or
look-back repeats with the rates resting on it — and the audit runs again, until no hidden cell
can be worked out; otherwise the run stops. Appendix B lists what was hidden, and for each table
how many hidden cells were audited, how many could have been worked out under the suppression
rules alone and how many figures the audit hid as well.
"""


# -- the methods for the board: plain words, two pages at most -----------------------------------
#: what the appendix's methods say first: where the full technical methods are
BOARD_METHODS_INTRO = (
    "How the figures in this report were made, in plain words. The full technical methods — every "
    "formula, statistical test and setting, and the name of the tested function that computes each "
    "figure — are in the **technical annex** published beside this report, in HTML and PDF (their file "
    "names end in “technical-annex”).")

_BOARD_DATA = """### The data and the period

The report covers {what} in {area} in {period}, from the inputs listed in Appendix B. Every input row is either used
or set aside with a reason, and Appendix B counts both. Recorded crime reflects what is reported to
the police and how it is recorded, as well as how much crime there is: a change in recording
practice or in reporting can move the figures.

### Counts, changes and rates

Crimes are counted by type and by the partnership's priority crime groups, and compared with the
same months a year earlier and with a baseline year. A change on a small count (a few crimes) can
look large in percentage terms and should be read with care. Rates are crimes per 1,000 residents,
using the Office for National Statistics' mid-year population estimates; in town centres and near
transport hubs, where many people visit but few live, rates overstate the risk to residents."""

_BOARD_PLACES = """### Where crime concentrates

The area is divided into neighbourhoods of about 1,500 residents each (LSOAs, the Census's lower
layer super output areas). The report ranks them and shows what share of crime the busiest tenth
and fifth of them hold."""

_BOARD_HOTSPOTS = """ A **hot spot** is a neighbourhood that, together with the neighbourhoods
around it, has more crime than chance alone would give, on a standard statistical test (Getis–Ord
Gi*), graded by confidence ({levels}), {allowance}. **Emerging hot spots** repeat that test year by year
to show which hot spots are new, persistent, growing or fading; they need several years of data."""

_BOARD_OFFENDERS = """### Offenders

Using the police record of offenders linked to each crime (suspects, accused or charged), the report
shows how much crime is linked to the most active few: an offender linked to {prolific} or more
crimes in the 12 months is counted as prolific. Offenders are known only by pseudonymised
references, which never appear in the report."""

_BOARD_VICTIMS = """### Repeat victims

A **repeat victim** is a victim of two or more crimes in the 12 months. The report also gives the
look-back measure MARACs use: the share of crimes that came within {lookback} days of an earlier crime
against the same victim, even when that crime was before the 12 months."""

_BOARD_ASB = """### Repeat anti-social behaviour callers

A **repeat caller** made {calls} or more calls about anti-social behaviour within any {weeks}-week
period."""

_BOARD_TARGETS = """### Performance against targets

Each indicator in the partnership's targets file is measured from the data and compared with its
target. **On target** means the target was met; the other statuses say how far it was missed
(within {amber:.0%} of the target, or by more). The direction of travel compares the figure with the
same period a year earlier. Crime targets are also split by quarter, following the baseline year's
seasonal pattern, so progress can be followed during the year."""

_BOARD_COMPARISON = """### Comparison with other areas

The area's crime rates per 1,000 residents are ranked among the other areas in the crime data, and
compared with the rate of all of them together and of the partnership's comparator group."""

_BOARD_PROTECTION = """### Protecting people

No name or reference of any victim, offender or caller appears anywhere in the report or its
files. Counts from their records below {min_count} are shown as "<{min_count}", and where other
published figures would let a reader work out a hidden count, more is hidden (shown as "[c]"). Every
run checks that no hidden count can be worked out from what is published, and stops rather than
publish one that can.

### How to rely on these figures

Every figure is computed by the same tested open-source code from the inputs listed in Appendix B,
with the settings in the configuration file shown there: the same inputs always give the same
report, and any figure can be traced back to the records it came from."""


def board_methods(ds) -> str:
    """The methods for the board: what the report's figures mean and how they were made, in plain
    words, two pages at most — only the parts this run's inputs cover; the full technical methods
    (:func:`methods_markdown`) go to the technical annex.

    >>> from types import SimpleNamespace
    >>> from assessment.config import Config
    >>> from assessment.periods import financial_year
    >>> cfg = Config(area={"name": "Testham"}, inputs={"crimes": "x.csv"})
    >>> ds = SimpleNamespace(config=cfg, period=financial_year(2024), offenders=None, victims=None, asb=None,
    ...                      boundaries=None, all_areas=None, scope=SimpleNamespace(what="recorded crime"))
    >>> text = board_methods(ds)
    >>> "### Offenders" in text, "### Protecting people" in text, "Getis" in text
    (False, True, False)
    >>> len(text.split()) < 700
    True
    """
    cfg = ds.config
    rule = _rule(cfg)
    what = str(getattr(ds.scope, "what", "recorded crime"))
    parts = [BOARD_METHODS_INTRO,
             _BOARD_DATA.format(what=what, area=cfg.area.name,
                                period=f"{ds.period.label} ({ds.period.start:%-d %B %Y} to "
                                       f"{ds.period.end_date:%-d %B %Y})")]
    places = _BOARD_PLACES
    if ds.boundaries is not None:
        places += _BOARD_HOTSPOTS.format(levels=rule.alpha_levels, allowance=rule.allowance(len(ds.lsoa_frame())))
    parts.append(places)
    if ds.offenders is not None:
        parts.append(_BOARD_OFFENDERS.format(prolific=cfg.offenders.prolific_threshold))
    if ds.victims is not None:
        parts.append(_BOARD_VICTIMS.format(lookback=cfg.victims.lookback_days))
    if ds.asb is not None:
        parts.append(_BOARD_ASB.format(calls=cfg.asb.repeat_calls, weeks=cfg.asb.window_weeks))
    if cfg.inputs.targets is not None:
        parts.append(_BOARD_TARGETS.format(amber=cfg.performance.amber_threshold))
    if ds.all_areas is not None:
        parts.append(_BOARD_COMPARISON)
    parts.append(when.board_methods(cfg.when.nte_start, cfg.when.nte_end, cfg.when.nte_nights))
    parts.append(_BOARD_PROTECTION.format(min_count=cfg.disclosure.min_count))
    return "\n\n".join(textwrap.dedent(p).strip() for p in parts)


# -- the full technical methods: the technical annex ----------------------------------------------
#: the technical annex's heading and opening (notebook ``90_appendix``, cells tagged ``technical-annex``)
ANNEX_INTRO = ("How every figure in the assessment was computed. The code is the `assessment` Python package; each "
               "method below is implemented by one clearly named function and tested against values worked "
               "out by hand.")


def methods_markdown(ds) -> str:
    """The technical annex's methods: each chapter's methods text (with this run's settings), in
    report order, then disclosure control and the periods."""
    parts = [textwrap.dedent(text(ds.config)).strip() for _, text in METHOD_SECTIONS]
    m = ds.config.disclosure.min_count
    parts.append(textwrap.dedent(DISCLOSURE_METHODS.format(min_count=m, below=max(1, m - 1))).strip())
    parts.append(periods_methods(ds))
    return "\n\n".join(parts)


def periods_methods(ds) -> str:
    p = ds.period
    return ("### Periods\n\n"
            f"The assessment period is {p.label} ({p.start:%-d %B %Y} to {p.end_date:%-d %B %Y}). "
            "Financial years run from 1 April to 31 March; a rolling period is the 12 months ending "
            "with the month given. The previous 12 months are the same months one year earlier. "
            "police.uk data are monthly, so periods are whole months.")


def quality_title(ds) -> str:
    acc = ds.accounting
    read = sum(acc.reads.values())
    excl = sum(acc.excluded(k) for k in acc.reads)
    if read == 0:
        return "No input rows were read"
    return f"{read - excl:,} of {read:,} input rows were used ({excl / read:.1%} excluded, each with a reason)"


def _note_text(text) -> str:
    """A data-quality note as a markdown bullet's text: one line.  (A value quoted from a public
    input stays text: :meth:`assessment.workbook.Run.text` renders prose with raw HTML escaped.)

    >>> _note_text("boundaries.gpkg: 2 layers; used the first, '<b>x</b>'\\n(set boundaries.layer)")
    "boundaries.gpkg: 2 layers; used the first, '<b>x</b>' (set boundaries.layer)"
    """
    return one_line(text)


def quality_notes(ds) -> str:
    """The notes on the inputs, each once (one line each; a note about a file holding personal
    data — victims, offenders, ASB, the crime extract — never quotes a cell value): the accounting's notes by input, then the loaders' other
    notes.  (The loader copies every accounting note into ``ds.notes`` as ``"<input>: <note>"``, for
    ``assessment validate``; listing both printed each of them twice.)

    >>> from types import SimpleNamespace
    >>> from assessment.accounting import Accounting
    >>> acc = Accounting(); acc.note("population", "mid-2022 estimates")
    >>> ds = SimpleNamespace(accounting=acc, notes=["population: mid-2022 estimates", "x.csv: read as Windows-1252",
    ...                                             "x.csv: read as Windows-1252"])
    >>> print(quality_notes(ds))
    Notes on the inputs:
    <BLANKLINE>
    * **population**: mid-2022 estimates
    * x.csv: read as Windows-1252
    """
    notes, seen = [], set()
    for name, texts in ds.accounting.notes.items():
        for t in texts:
            if f"{name}: {t}" not in seen:
                seen.add(f"{name}: {t}")
                notes.append(f"* **{name}**: {_note_text(t)}")
    for t in ds.notes:
        if t not in seen:
            seen.add(t)
            notes.append(f"* {_note_text(t)}")
    if not notes:
        return "No further data-quality notes."
    return "Notes on the inputs:\n\n" + "\n".join(notes)


def suppression_text(table: pd.DataFrame, min_count: int = 5) -> str:
    """What disclosure control hid across the whole report, in words, with the disclosure audit's
    outcome when the table carries it (:func:`assessment.disclosure.ledger_table`).

    >>> t = pd.DataFrame({"Table": ["offender_wards.csv", "repeat_victims.csv"],
    ...                   "Cells shown as <5": [3, 0], "Cells shown as [c]": [1, 0]})
    >>> print(suppression_text(t))  # doctest: +NORMALIZE_WHITESPACE
    Counts from victim, offender and caller records below 5 are shown as "<5"; where a published
    total would let a reader work out a hidden count, the next-smallest count is hidden too and
    shown as "[c]". 4 cells were hidden, in 1 of the 2 tables built from personal records
    (offender_wards.csv). Rates and shares resting on a hidden count are left blank.
    >>> t["Hidden cells audited"], t["Determinable before the audit"] = [4, 0], [2, 0]
    >>> t["Hidden further by the audit"], t["Determinable now"] = [1, 0], [0, 0]
    >>> print(suppression_text(t).split("blank. ")[1])  # doctest: +NORMALIZE_WHITESPACE
    The disclosure audit attacked every hidden cell with everything published alongside it. Under
    the suppression rules alone, 2 hidden cells could have been worked out, so 1 further figure was
    hidden or withdrawn; none of the 4 cells hidden now can be worked out.
    """
    head = (f'Counts from victim, offender and caller records below {min_count} are shown as "<{min_count}"; '
            "where a published total would let a reader work out a hidden count, the next-smallest count is "
            'hidden too and shown as "[c]".')
    if table is None or not len(table):
        return head + " No table built from victim, offender or caller records was published in this report."
    cells = table.filter(like="Cells shown").sum(axis=1)
    hidden = table.loc[cells > 0, "Table"].tolist()
    if not hidden:
        text = head + (f" No count needed hiding: every count in the {len(table)} tables built from personal "
                       f"records is {min_count} or more, or zero.")
    else:
        text = head + (f" {int(cells.sum()):,} cells were hidden, in {len(hidden)} of the {len(table)} tables built "
                       f"from personal records ({', '.join(hidden)}). Rates and shares resting on a hidden count are "
                       "left blank.")
    return text + _audit_text(table)


def _audit_text(table: pd.DataFrame) -> str:
    cols = list(AUDIT_COLUMNS.values())
    if not set(cols) <= set(table.columns):
        return ""
    a = table[cols].apply(pd.to_numeric, errors="coerce")
    missing = table.loc[a[cols[0]].isna(), "Table"].tolist()
    audited, before, extra, now = (int(a[c].fillna(0).sum()) for c in cols)
    if audited == 0 and before == 0 and extra == 0:
        text = (" The disclosure audit found no hidden cell to attack: nothing published from personal records is "
                "hidden.")
    else:
        text = " The disclosure audit attacked every hidden cell with everything published alongside it. "
        if before:
            text += (f"Under the suppression rules alone, {before:,} hidden cell{'s' if before != 1 else ''} could "
                     f"have been worked out, so {extra:,} further figure{'s were' if extra != 1 else ' was'} hidden "
                     "or withdrawn; ")
        else:
            text += "None could have been worked out; "
        text += (f"none of the {audited:,} cells hidden now can be worked out." if now == 0 else
                 f"{now:,} of the {audited:,} cells hidden now still can.")
    if missing:
        text += f" Not audited: {', '.join(missing)}."
    return text


#: the input-files table's title, and the note under it (the report shows each fingerprint's start)
INPUTS_TITLE = "Input files used for this assessment"
INPUTS_NOTE = ("Paths are relative to the folder of the configuration file. Each fingerprint is shown by its first "
               "16 hexadecimal digits; the full SHA-256 of every file is in tables/inputs.csv and run.log.")


def inputs_display(inputs: pd.DataFrame, digits: int = 16) -> pd.DataFrame:
    """The input-files table as the report shows it: the SHA-256 cut to its first ``digits`` digits
    (the full fingerprint, 64 digits, ran off the page; ``tables/inputs.csv`` keeps it).

    >>> t = pd.DataFrame({"Input": ["crimes"], "File": ["data/crimes.csv"], "SHA-256": ["ab" * 32]})
    >>> inputs_display(t)["SHA-256"].tolist()
    ['abababababababab…']
    """
    t = inputs.copy()
    if "SHA-256" in t:
        t["SHA-256"] = [f"{v[:digits]}…" if isinstance(v, str) and len(v) > digits else v for v in t["SHA-256"]]
    return t


def config_markdown(ds) -> str:
    cfg = ds.config
    if cfg.path is None:
        return "The configuration was given in code, not from a file."
    text = provenance.config_text(cfg)    # an input named by an absolute path shown relative to the config
    return f"The configuration file used (`{cfg.path.name}`):\n\n```yaml\n{text.rstrip()}\n```"
