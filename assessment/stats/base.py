"""What the statistics layer needs from the standard library only: its errors, the zero clip and
the numbers of the Gi* significance rule.

Kept apart from the statistics themselves so that the command line can import them at start-up
without numpy or pandas: :mod:`assessment.errors` re-exports :class:`AssessmentError` and
:mod:`assessment.significance` re-exports the numbers.

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
           "DEFAULT_MAX_PERMUTATIONS", "DEFAULT_FDR", "DECISION_ERROR"]


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
