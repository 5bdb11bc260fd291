"""What the statistics layer needs from the standard library only: its errors, the zero clip, and
the numbers of the Gi* significance rule with the class labels it decides.

Kept apart from the statistics themselves so that the command line can import them at start-up
without numpy or pandas: :mod:`assessment.errors` re-exports :class:`AssessmentError` and
:mod:`assessment.significance` the numbers and labels (which :mod:`assessment.stats.gistar` also
exports: they are its classes).

Errors
------
The package has one root error, :class:`AssessmentError`: anything the command line reports as one
line (``error: ...``, exit status 2) and a batch run records against the area.  It is defined here,
at the bottom of the package's imports, because :mod:`assessment.stats` imports nothing from the
rest of the package and must still raise it; import it from :mod:`assessment.errors`.
A statistic given impossible input (a negative count, a share of 5) raises :class:`StatsError`,
which is both an :class:`AssessmentError` and a :class:`ValueError` (what a statistics library
raises for a bad value, so code outside the workbook can catch it as one).

Example
-------
>>> issubclass(StatsError, AssessmentError), issubclass(StatsError, ValueError)
(True, True)
>>> zero_clip(-1.1e-15), ALPHAS, DEFAULT_PERMUTATIONS
(0.0, (0.01, 0.05, 0.1), 9999)
"""
from __future__ import annotations

__all__ = ["AssessmentError", "StatsError", "zero_clip", "ALPHAS", "DEFAULT_PERMUTATIONS",
           "DEFAULT_MAX_PERMUTATIONS", "DEFAULT_FDR", "DECISION_ERROR", "HOT_99", "HOT_95", "HOT_90",
           "NOT_SIGNIFICANT", "COLD_90", "COLD_95", "COLD_99", "NO_NEIGHBOURS", "NO_VARIATION", "NO_GEOMETRY",
           "GI_CLASSES", "HOT_AT", "COLD_AT", "LEVELS"]


class AssessmentError(Exception):
    """Base class: any error the CLI reports as one line."""


# the public name, in tracebacks and pickles, is the one users import
AssessmentError.__module__ = "assessment.errors"


class StatsError(AssessmentError, ValueError):
    """A statistic of :mod:`assessment.stats` was given input it cannot be computed from.

    >>> from assessment.stats.concentration import gini
    >>> try:
    ...     gini([1, -2])
    ... except ValueError as e:
    ...     print(e)
    counts: expected non-negative counts (0 or more), found -2
    """


def zero_clip(x: float, tol: float = 1e-12) -> float:
    """``x``, with floating-point noise around zero removed: a value within ``tol`` of 0 is 0.0
    (never −0.0).  For coefficients that cannot be negative (a Gini computed as
    1 − something may come out as −1.1e−15).

    Parameters
    ----------
    x : float
        The value (NaN is returned unchanged).
    tol : float
        How close to 0 counts as 0.

    Returns
    -------
    float

    Examples
    --------
    >>> zero_clip(-1.1e-15), zero_clip(0.25), str(zero_clip(-0.0))
    (0.0, 0.25, '0.0')
    """
    if x != x:
        return x
    return 0.0 if abs(x) < tol else float(x)


#: the p thresholds of the hot/cold-spot classes: 99%, 95% and 90% confidence
ALPHAS = (0.01, 0.05, 0.10)
#: defaults of the significance rule: ``hotspots.permutations``, ``hotspots.max_permutations``,
#: ``hotspots.fdr``
DEFAULT_PERMUTATIONS = 9999
DEFAULT_MAX_PERMUTATIONS = 99999
DEFAULT_FDR = True
#: the chance allowed, per LSOA, that a class counted as settled lies on the wrong side of a threshold
#: (the Clopper–Pearson intervals of the borderline check are at 1 − this confidence)
DECISION_ERROR = 0.001

# -- the Gi* classes the rule decides (assessment.stats.gistar's public names) ------------------------
HOT_99 = "Hot spot – 99% confidence"
HOT_95 = "Hot spot – 95% confidence"
HOT_90 = "Hot spot – 90% confidence"
NOT_SIGNIFICANT = "Not significant"
COLD_90 = "Cold spot – 90% confidence"
COLD_95 = "Cold spot – 95% confidence"
COLD_99 = "Cold spot – 99% confidence"
NO_NEIGHBOURS = "Not tested – no neighbours"
NO_VARIATION = "Not tested – counts do not vary"
NO_GEOMETRY = "Not tested – no boundary file"
#: every Gi* class, hottest to coldest, then the untested ones
GI_CLASSES = [HOT_99, HOT_95, HOT_90, NOT_SIGNIFICANT, COLD_90, COLD_95, COLD_99,
              NO_NEIGHBOURS, NO_VARIATION, NO_GEOMETRY]
#: the hot (cold) classes at a confidence or higher
HOT_AT = {0.99: {HOT_99}, 0.95: {HOT_99, HOT_95}, 0.90: {HOT_99, HOT_95, HOT_90}}
COLD_AT = {0.99: {COLD_99}, 0.95: {COLD_99, COLD_95}, 0.90: {COLD_99, COLD_95, COLD_90}}
#: significance levels of the classes: (p at or below, hot label, cold label), strictest first
LEVELS = list(zip(ALPHAS, [HOT_99, HOT_95, HOT_90], [COLD_99, COLD_95, COLD_90]))
