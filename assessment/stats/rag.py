"""RAG and direction of travel: an indicator's target, how far it misses it, its status, its trend.

Chapter 5 (:mod:`assessment.chapters.performance`) applies these to each indicator of the
partnership's targets file; they work on plain numbers, so any performance table can use them:

* :func:`target_value` — the target from a baseline: a value, a change of x%, of x percentage
  points, or "maintain";
* :func:`shortfall` — by how much the actual misses the target, as a fraction of the target;
* :func:`rag_status` — the status of a shortfall, three-level (On target / Up to 10% off target /
  Missing target by more than 10%) or four-level (Green / Amber-Green / Amber-Red / Red);
  :func:`status_level` — its colour level; :func:`amber_label`, :func:`red_label` — the
  three-level labels for a threshold;
* :func:`variance` — actual − target, absolute and relative;
* :func:`direction_of_travel` — Improving / Deteriorating / No change against last year, with
  an optional no-change band;
* :func:`seasonal_shares` — each quarter's share of a year, to profile an annual target by quarter.

A value that cannot be computed (None or NaN) gives "No data" or "Not available", never a
guess.  A bad direction or scheme is a :class:`~assessment.stats.base.StatsError`.

Example
-------
>>> rag_status(shortfall(110, 100, "lower"))
'Up to 10% off target'
>>> rag_status(shortfall(93, 100, "higher"), scheme="four")
'Amber-Red'
>>> direction_of_travel(95, 100, "lower")
'Improving'
"""
from __future__ import annotations

import math

import pandas as pd

from .base import StatsError

__all__ = ["DIRECTIONS", "SCHEMES", "KINDS", "ON_TARGET", "NO_DATA", "FOUR", "LEVELS", "IMPROVING",
           "DETERIORATING", "NO_CHANGE", "NOT_AVAILABLE", "target_value", "shortfall", "amber_label",
           "red_label", "rag_status", "status_level", "variance", "direction_of_travel", "seasonal_shares"]

#: which way is better for an indicator
DIRECTIONS = ("lower", "higher")
#: the RAG schemes: three levels (on target / up to the threshold off / beyond it) or four
SCHEMES = ("three", "four")
#: the kinds of target (see :func:`target_value`)
KINDS = ("value", "pct", "pp", "maintain")

ON_TARGET = "On target"
NO_DATA = "No data"
#: the four-level statuses, best first
FOUR = ("Green", "Amber-Green", "Amber-Red", "Red")
#: the colour levels a status maps to (:func:`status_level`), best first, then no data
LEVELS = ("green", "amber_green", "amber", "amber_red", "red", "no_data")
IMPROVING, DETERIORATING, NO_CHANGE, NOT_AVAILABLE = "Improving", "Deteriorating", "No change", "Not available"


def _missing(v) -> bool:
    return v is None or v is pd.NA or (isinstance(v, float) and math.isnan(v))


def _check_direction(direction: str) -> None:
    if direction not in DIRECTIONS:
        raise StatsError(f"direction: expected 'lower' or 'higher', found {direction!r}")


# -- the target ------------------------------------------------------------------------------------
def target_value(kind: str, change, baseline):
    """The target as a value, from the kind of target, its change and the baseline.

    Parameters
    ----------
    kind : {'value', 'pct', 'pp', 'maintain'}
        A target value; a change from the baseline by a fraction of it (``-0.05`` for −5%); a
        change by percentage points, as a fraction (``-0.02`` for −2pp, for rates); or the
        baseline itself.  (:func:`assessment.targets.parse_target` reads these from a targets
        file: ``1900``, ``"-5%"``, ``"-2pp"``, ``"maintain"``.)
    change : float or None
        The target value (kind 'value'), the change (kinds 'pct' and 'pp'), or None ('maintain').
    baseline : float or None
        The baseline value; None (or NaN) when it cannot be computed.

    Returns
    -------
    float or None
        The target; None when it depends on a missing baseline.

    Notes
    -----
    * value: T = the value given (no baseline needed);
    * pct: T = B × (1 + x), rounded to 10 decimal places;
    * pp: T = B + x, rounded to 12 decimal places (so 0.20 − 0.02 is 0.18, not 0.18000000000000002);
    * maintain: T = B.

    References
    ----------
    See also the methods text of chapter 5 (:data:`assessment.words.performance.METHODS`) and
    the analysts' guide to the targets file, ``data/TARGETS.md``.

    Examples
    --------
    >>> target_value("pct", -0.05, 2000), target_value("maintain", None, 31)
    (1900.0, 31)
    >>> target_value("value", 0.2, None), target_value("pp", -0.02, 0.3), target_value("pct", -0.05, None)
    (0.2, 0.28, None)
    """
    if kind not in KINDS:
        raise StatsError(f"kind of target: expected one of {', '.join(KINDS)}, found {kind!r}")
    if kind == "value":
        return change
    if _missing(baseline):
        return None
    if kind == "maintain":
        return baseline
    if kind == "pct":
        return round(baseline * (1 + change), 10)
    return round(baseline + change, 12)


# -- the shortfall and the status ----------------------------------------------------------------
def shortfall(actual, target, direction: str = "lower"):
    """By how much ``actual`` misses ``target``, as a fraction of the target (≤ 0: met).

    Parameters
    ----------
    actual, target : float or None
        The indicator's value and its target (None or NaN when not computable).
    direction : {'lower', 'higher'}
        Which way is better.

    Returns
    -------
    float or None
        The shortfall s; None when either value is missing.

    Notes
    -----
    s = (actual − target) ÷ |target| when lower is better, (target − actual) ÷ |target| when
    higher is better, rounded to 9 decimal places so that 110 against 100 is exactly 0.1 (and
    sits in the amber band, whose edge is included).  A target of 0 is met only by 0 (lower is
    better: s = 0 when met, +∞ when missed).

    References
    ----------
    See also :func:`rag_status`, and the methods text of chapter 5
    (:data:`assessment.words.performance.METHODS`).

    Examples
    --------
    >>> shortfall(110, 100), shortfall(90, 100), shortfall(90, 100, "higher"), shortfall(3, 0)
    (0.1, -0.1, 0.1, inf)
    >>> shortfall(0.2475, 0.225), shortfall(5, None) is None
    (0.1, True)
    """
    _check_direction(direction)
    if _missing(actual) or _missing(target):
        return None
    diff = (actual - target) if direction == "lower" else (target - actual)
    if target == 0:
        return 0.0 if diff <= 0 else math.inf
    return round(diff / abs(target), 9)


def amber_label(threshold: float = 0.10) -> str:
    """The three-level scheme's middle status for ``threshold``.

    Parameters
    ----------
    threshold : float
        The amber threshold, a fraction (0.10 = 10%).

    Returns
    -------
    str

    Examples
    --------
    >>> amber_label(), amber_label(0.05)
    ('Up to 10% off target', 'Up to 5% off target')
    """
    return f"Up to {threshold * 100:g}% off target"


def red_label(threshold: float = 0.10) -> str:
    """The three-level scheme's worst status for ``threshold``.

    Parameters
    ----------
    threshold : float
        The amber threshold, a fraction (0.10 = 10%).

    Returns
    -------
    str

    Examples
    --------
    >>> red_label(), red_label(0.125)
    ('Missing target by more than 10%', 'Missing target by more than 12.5%')
    """
    return f"Missing target by more than {threshold * 100:g}%"


def rag_status(s, threshold: float = 0.10, scheme: str = "three", amber_green: float | None = None) -> str:
    """The RAG status of shortfall ``s`` (see :func:`shortfall`).

    Parameters
    ----------
    s : float or None
        The shortfall; None when it cannot be computed.
    threshold : float
        The amber threshold a (``performance.amber_threshold``, default 0.10).
    scheme : {'three', 'four'}
        Three levels or four.
    amber_green : float, optional
        The four-level scheme's Amber-Green threshold g (default a ÷ 2).

    Returns
    -------
    str
        Three-level: 'On target', :func:`amber_label` or :func:`red_label`; four-level: one of
        :data:`FOUR`; 'No data' when ``s`` is None.

    Notes
    -----
    Three levels: s ≤ 0 On target; 0 < s ≤ a "Up to a% off target" (a shortfall of exactly a is
    in this band); s > a "Missing target by more than a%".

    Four levels: s ≤ 0 Green; 0 < s ≤ g Amber-Green; g < s ≤ a Amber-Red; s > a Red.

    Meeting the target exactly is on target.

    References
    ----------
    See also the methods text of chapter 5 (:data:`assessment.words.performance.METHODS`) and
    ``data/TARGETS.md``.

    Examples
    --------
    >>> [rag_status(s) for s in (-0.2, 0, 0.1, 0.1000001, None)]
    ['On target', 'On target', 'Up to 10% off target', 'Missing target by more than 10%', 'No data']
    >>> [rag_status(s, scheme="four") for s in (0, 0.05, 0.06, 0.1, 0.11)]
    ['Green', 'Amber-Green', 'Amber-Red', 'Amber-Red', 'Red']
    """
    if scheme not in SCHEMES:
        raise StatsError(f"RAG scheme: expected 'three' or 'four', found {scheme!r}")
    if s is None:
        return NO_DATA
    if scheme == "three":
        if s <= 0:
            return ON_TARGET
        return amber_label(threshold) if s <= threshold else red_label(threshold)
    ag = threshold / 2 if amber_green is None else amber_green
    if s <= 0:
        return FOUR[0]
    if s <= ag:
        return FOUR[1]
    if s <= threshold:
        return FOUR[2]
    return FOUR[3]


def status_level(status: str) -> str:
    """The colour level of a status (:func:`rag_status`), one of :data:`LEVELS`.

    Parameters
    ----------
    status : str
        A status of either scheme, or 'No data'.

    Returns
    -------
    str
        'green' (On target, Green), 'amber' (Up to a% off target), 'amber_green', 'amber_red',
        'red' (Missing target by more than a%, Red) or 'no_data'.

    Examples
    --------
    >>> status_level("Up to 10% off target"), status_level("Amber-Red"), status_level("No data")
    ('amber', 'amber_red', 'no_data')
    >>> status_level("On target"), status_level("Missing target by more than 5%")
    ('green', 'red')
    """
    if status in (ON_TARGET, "Green"):
        return "green"
    if status == NO_DATA:
        return "no_data"
    if status in FOUR:
        return status.lower().replace("-", "_")
    if status.startswith("Up to"):
        return "amber"
    if status.startswith("Missing target"):
        return "red"
    raise StatsError(f"unknown RAG status {status!r}")


def variance(actual, target) -> tuple:
    """The variance of an indicator from its target, absolute and relative.

    Parameters
    ----------
    actual, target : float or None
        The indicator's value and its target.

    Returns
    -------
    tuple
        (d, r): d = actual − target (None when either is missing), r = d ÷ target (None when
        either is missing or the target is 0).

    Notes
    -----
    d = actual − target, in the measure's units (percentage points for rates, as fractions);
    r = d ÷ target.  Float results are rounded to 12 decimal places (floating-point noise).

    Examples
    --------
    >>> variance(1980, 1900)
    (80, 0.042105263158)
    >>> variance(0.25, 0.2), variance(3, 0), variance(None, 5)
    ((0.05, 0.25), (3, None), (None, None))
    """
    if _missing(actual) or _missing(target):
        return (None, None)
    d = actual - target
    if isinstance(d, float):
        d = round(d, 12)
    return (d, None if target == 0 else round(d / target, 12))


# -- direction of travel ----------------------------------------------------------------------------
def direction_of_travel(current, previous, direction: str = "lower", band: float = 0.0) -> str:
    """Improving, Deteriorating or No change against last year's value.

    Parameters
    ----------
    current, previous : float or None
        This period's value and the same period's a year earlier.
    direction : {'lower', 'higher'}
        Which way is better.
    band : float
        The no-change band b, a fraction of last year's value (``performance.no_change_band``,
        default 0: only an identical value is no change).

    Returns
    -------
    str
        'Improving', 'Deteriorating', 'No change', or 'Not available' when either value is missing.

    Notes
    -----
    With d = current − previous: No change when d = 0, or when b > 0 and |d| ≤ b · |previous|
    (the band's edge is no change; 10⁻¹² of slack absorbs floating-point noise); otherwise
    Improving when d < 0 and lower is better or d > 0 and higher is better, else Deteriorating.

    References
    ----------
    See also the methods text of chapter 5 (:data:`assessment.words.performance.METHODS`).

    Examples
    --------
    >>> direction_of_travel(95, 100), direction_of_travel(105, 100), direction_of_travel(105, 100, "higher")
    ('Improving', 'Deteriorating', 'Improving')
    >>> direction_of_travel(100, 100), direction_of_travel(101, 100, band=0.02), direction_of_travel(5, None)
    ('No change', 'No change', 'Not available')
    """
    _check_direction(direction)
    if _missing(current) or _missing(previous):
        return NOT_AVAILABLE
    diff = current - previous
    if diff == 0 or (band > 0 and abs(diff) <= band * abs(previous) + 1e-12):
        return NO_CHANGE
    better = diff < 0 if direction == "lower" else diff > 0
    return IMPROVING if better else DETERIORATING


# -- the quarterly profile ---------------------------------------------------------------------------
def seasonal_shares(counts: pd.Series | None) -> pd.Series:
    """Each quarter's share of the year: the seasonal profile an annual target is split by.

    Parameters
    ----------
    counts : Series or None
        Four counts, quarters 1 to 4 in order (e.g. the baseline year's crimes per quarter).

    Returns
    -------
    Series of float
        Named 'share', indexed by quarter 1–4 (name 'quarter'); equal quarters (0.25 each) when
        ``counts`` is None, has a missing quarter or sums to 0 or less.

    Notes
    -----
    share_q = count_q ÷ Σ count.  A quarter's profiled target is the annual target × share_q, and
    the year-to-date target to the end of quarter Q is the annual target × Σ_{q ≤ Q} share_q.

    References
    ----------
    See also the quarterly profile in the methods text of chapter 5
    (:data:`assessment.words.performance.METHODS`).

    Examples
    --------
    >>> seasonal_shares(pd.Series([20, 30, 30, 20], index=[1, 2, 3, 4])).tolist()
    [0.2, 0.3, 0.3, 0.2]
    >>> seasonal_shares(None).tolist()
    [0.25, 0.25, 0.25, 0.25]
    """
    idx = pd.Index([1, 2, 3, 4], name="quarter")
    if counts is None or counts.isna().any() or counts.sum() <= 0:
        return pd.Series(0.25, index=idx, name="share")
    s = (counts / counts.sum()).astype(float)
    s.index = idx
    return s.rename("share")
