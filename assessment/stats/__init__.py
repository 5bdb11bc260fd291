"""The statistics of the workbook, as pure functions: one family of statistics per module.

Each function takes pandas / numpy / geopandas objects and returns numbers, Series or DataFrames
that keep the input's index; none reads a config, writes a file or words a sentence, and nothing
here imports from the rest of the :mod:`assessment` package (the chapters import from here, never
the other way).  The model is PySAL's esda: a numpydoc docstring per public function, with the
formula, references and an example that runs as a doctest.

======================  ==========================================================================
module                  what it computes
======================  ==========================================================================
:mod:`.concentration`   Lorenz curve, Gini, generalised Gini, top-p% shares, the "top p% of n" rule
:mod:`.gistar`          Getis–Ord Gi* with permutation inference, borderline refinement, BH
                        adjustment and the hot/cold-spot classes
:mod:`.mann_kendall`    the Mann–Kendall trend test (tie- and continuity-corrected)
:mod:`.change`          counts, change and rates: percentage change, the rolling 12-month total,
                        the rate per 1,000 residents
:mod:`.emerging`        emerging hot spots: yearly states, trend and pattern class per place
:mod:`.offenders`       offender concentration: crimes per offender, ranking, top-p% shares of crime,
                        concentration curve, prolific offenders, crime mix of the top group
:mod:`.repeats`         repeat victimisation: crimes per victim, in-year and look-back (MARAC) measures,
                        time to repeat, the repeat curve, front-loading
:mod:`.repeat_calls`    repeat callers: the most calls in any sliding window of days (ASB)
:mod:`.rag`             RAG and direction of travel: target from a baseline, shortfall, three- and
                        four-level status, variance, direction of travel, seasonal shares
:mod:`.rates`           rates per 1,000 residents, competition ranks, pooled rates of sets of areas
:mod:`.deprivation`     crime by IMD decile: pooled rates per decile, most ÷ least deprived ratio,
                        share of crime in the most deprived 20% of LSOAs
:mod:`.near_repeat`     near repeats: the Knox table of pairs of crimes by distance × time band, with
                        Monte Carlo (date permutation) expected pairs and p-values
:mod:`.harm`            harm weighting: each crime's weight from its type or offence code, harm per
                        place, harm hot spots that are not count hot spots
:mod:`.correlation`     two measures of the same places compared: Spearman's rank correlation,
                        percentile ranks, places high on one and low on the other, a known share
:mod:`.temporal`        when crime happens: each month against its usual level (exact conditional
                        Poisson test, Holm), day of week × hour, the night-time-economy window
:mod:`.base`            the errors, :func:`~.base.zero_clip` and the numbers of the significance rule
                        (standard library only)
======================  ==========================================================================

In a notebook, import the modules and call their functions through them, so that each call says
which family it belongs to::

    from assessment.stats import concentration, gistar
    concentration.gini(counts)
    concentration.lorenz(counts)
    gistar.gistar(counts, weights=gistar.queen_weights(boundaries))

The package exposes the modules, not their functions: ``assessment.stats.gistar`` is the module
(a function of the same name in the package namespace would hide it).  The modules are imported
on first use, so ``import assessment.stats`` (which :mod:`assessment.errors` does at start-up, for
the errors in :mod:`.base`) does not import numpy or pandas.

Example
-------
>>> import pandas as pd
>>> from assessment.stats import concentration, gistar
>>> concentration.gini(pd.Series([0, 0, 0, 4]))
0.75
>>> gistar.HOT_95
'Hot spot – 95% confidence'
"""
from __future__ import annotations

import importlib

from .base import StatsError

__all__ = ["concentration", "gistar", "mann_kendall", "change", "emerging", "offenders", "rag", "rates", "repeats",
           "repeat_calls", "deprivation", "near_repeat", "harm", "correlation", "temporal", "StatsError"]

_MODULES = {"concentration", "gistar", "mann_kendall", "change", "emerging", "offenders", "rag", "rates", "repeats",
            "repeat_calls", "deprivation", "near_repeat", "harm", "correlation", "temporal"}


def __getattr__(name: str):
    """Import a statistics module on first use (``from assessment.stats import gistar`` works too)."""
    if name in _MODULES:
        return importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | _MODULES)
