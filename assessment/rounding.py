"""One rounding rule per kind of figure, for text, chart titles, chart labels and tables alike.

A figure the report states in a sentence, a chart title and a table must read the same in all
three ("rose 3.7%" everywhere, never "3.7%" in the text and "4%" in the chart).  So every
published percentage goes through :func:`pct`, every count through :func:`count`:

==========================================  =========================  ==================
figure                                      rule                       example
==========================================  =========================  ==================
shares, rates and changes (fractions)       percent, 1 decimal place   ``3.7%``, ``−5.0%``
counts                                      thousands separators       ``16,580``
Gini coefficients                           2 decimal places           ``0.36``
==========================================  =========================  ==================

Negative numbers are written with a minus sign (−), as in print.  Table cells use the same
functions (``formats={"% change": rounding.PCT_CHANGE}`` in :meth:`assessment.workbook.Run.table`),
so the rule cannot drift between a table and the sentence above it.  The CSV files keep full
precision.

Example
-------
>>> pct(0.037222), pct(-0.05, signed=True), signed_pct(0.0704), count(16580), GINI.format(0.3648)
('3.7%', '−5.0%', '+7.0%', '16,580', '0.36')
"""
from __future__ import annotations

import math

from .stats.base import zero_clip  # noqa: F401 - noise around 0 removed; the statistics layer's rule

MINUS = "−"


def _missing(x) -> bool:
    if x is None:
        return True
    try:
        return bool(x != x) or (isinstance(x, float) and math.isinf(x))
    except (TypeError, ValueError):
        return True


def pct(x, signed: bool = False) -> str:
    """A fraction as a percentage with one decimal place: 0.0704 -> '7.0%' ('+7.0%' signed).

    >>> pct(0.0704), pct(0.266), pct(-0.05, signed=True), pct(-0.00001), pct(None)
    ('7.0%', '26.6%', '−5.0%', '0.0%', '–')
    """
    if _missing(x):
        return "–"
    v = float(x) * 100
    s = f"{v:+.1f}%" if signed else f"{v:.1f}%"
    if s.lstrip("+-") == "0.0%":          # no "−0.0%" for a change that rounds to nothing
        return "0.0%"
    return s.replace("-", MINUS)


def signed_pct(x) -> str:
    """A change as a signed percentage with one decimal place: 0.037 -> '+3.7%'."""
    return pct(x, signed=True)


def count(n) -> str:
    """A count with thousands separators: 2096 -> '2,096'.

    >>> count(2096), count(32038.0), count(-15)
    ('2,096', '32,038', '−15')
    """
    if _missing(n):
        return "–"
    return f"{n:,.0f}".replace("-", MINUS)


def signed_count(n) -> str:
    """A change in a count: +595, −15.

    >>> signed_count(595), signed_count(-15), signed_count(0)
    ('+595', '−15', '0')
    """
    if _missing(n):
        return "–"
    return (f"{n:+,.0f}" if n else "0").replace("-", MINUS)


#: table cell formats (callables, see :meth:`assessment.workbook.Run.table`) with the same rule
PCT = pct
PCT_CHANGE = signed_pct
#: Gini coefficients, in sentences and tables
GINI = "{:.2f}"
