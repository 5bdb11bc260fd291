"""Harm weighting: crimes weighted by how much harm each kind does, summed by place.

A count treats a homicide and a shoplifting alike; a harm index weights each crime by the harm its
kind does — the ONS Crime Severity Score by the average sentence a conviction for the offence
receives, the Cambridge Crime Harm Index by the starting-point sentence in days of custody.  The
harm of a place is the sum of its crimes' weights.  The concentration measures and Getis–Ord Gi*
on harm are :mod:`.concentration`'s and :mod:`.gistar`'s, applied to harm instead of counts (one
copy of each rule).

* :func:`fold` — the one key-matching rule (case and surrounding spaces ignored);
* :func:`weigh` — the weight of each crime from its crime type or offence code;
* :func:`harm_by_area` — harm per place, over a given universe of places;
* :func:`hot_not_count` — places that are harm hot spots but not count hot spots.

Example
-------
>>> import pandas as pd
>>> w = weigh(pd.Series(["Burglary", "shoplifting ", "Drugs"]), pd.Series({"Burglary": 30.0, "Shoplifting": 2.0}))
>>> w.tolist()
[30.0, 2.0, nan]
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from .base import StatsError
from .gistar import HOT_AT

__all__ = ["fold", "weigh", "harm_by_area", "hot_not_count"]


def fold(keys) -> pd.Series:
    """Keys as they are matched: text, surrounding spaces stripped, case folded.

    Parameters
    ----------
    keys : Series or iterable of str

    Returns
    -------
    Series of str (missing stays missing)

    Examples
    --------
    >>> fold([" Burglary", "THEFT from the person"]).tolist()
    ['burglary', 'theft from the person']
    """
    s = keys if isinstance(keys, pd.Series) else pd.Series(list(keys))
    return s.astype("string").str.strip().str.casefold()


def weigh(keys, weights) -> pd.Series:
    """The harm weight of each crime, from its key (crime type or offence code).

    Parameters
    ----------
    keys : Series of str
        Each crime's crime type or offence code.
    weights : Series
        Weight by key (index: the keys as the weights file writes them).

    Returns
    -------
    Series of float
        Indexed like ``keys``; NaN where the key has no weight (or is missing).

    Raises
    ------
    StatsError
        A weight is missing or negative, or two keys of ``weights`` are the same once folded.

    Examples
    --------
    >>> import pandas as pd
    >>> weigh(pd.Series(["8/1", "28/3"]), pd.Series({"8/1": 1.5})).tolist()
    [1.5, nan]
    """
    keys = keys if isinstance(keys, pd.Series) else pd.Series(list(keys))
    w = pd.Series(weights, dtype="float64")
    if w.isna().any() or (w < 0).any():
        raise StatsError("harm weights: expected a weight of 0 or more for every key")
    folded = fold(pd.Series(w.index, dtype="string"))
    if folded.duplicated().any():
        raise StatsError(f"harm weights: key {str(w.index[folded.duplicated().to_numpy()][0])!r} is given twice")
    table = dict(zip(folded.tolist(), w.to_numpy(dtype=float)))
    out = fold(keys).map(table).astype("float64")
    out.index = keys.index
    return out


def harm_by_area(areas, harm, universe) -> pd.Series:
    """Harm per place: the sum of the harm of its crimes, 0 for a place with none.

    Parameters
    ----------
    areas : Series of str
        Each crime's place code (missing: not placed, not counted).
    harm : Series of float
        Each crime's harm (its weight × its count), aligned with ``areas``; NaN counts as 0.
    universe : Index or list
        Every place of the area, in the order wanted.

    Returns
    -------
    Series of float
        ``harm`` indexed by place code (the universe's order and name).

    Raises
    ------
    StatsError
        A crime's place is not in the universe.

    Examples
    --------
    >>> import pandas as pd
    >>> harm_by_area(pd.Series(["A", "A", "B"]), pd.Series([2.0, 30.0, 1.5]), ["A", "B", "C"]).tolist()
    [32.0, 1.5, 0.0]
    """
    a = pd.Series(areas).astype("string").reset_index(drop=True)
    h = pd.Series(harm, dtype="float64").reset_index(drop=True).fillna(0.0)
    if len(a) != len(h):
        raise StatsError("harm by area: expected one place per crime")
    if (h < 0).any():
        raise StatsError("harm by area: expected harm of 0 or more")
    uni = pd.Index([str(u) for u in universe], name=getattr(universe, "name", None) or "lsoa_code")
    placed = a.notna()
    unknown = placed & ~a.isin(uni)
    if unknown.any():
        raise StatsError(f"harm by area: place {a[unknown].iloc[0]!r} is not one of the area's {len(uni)} places")
    s = h[placed].groupby(a[placed]).sum()
    return s.reindex(uni, fill_value=0.0).astype("float64").rename("harm")


def hot_not_count(harm_class, count_class, at: float = 0.90) -> pd.Series:
    """True for a place that is a harm hot spot (at confidence ``at`` or higher) but not a count hot
    spot (at any confidence).

    Parameters
    ----------
    harm_class, count_class : Series of str
        Gi* classes (:func:`assessment.stats.gistar.gi_class`) of harm and of counts, same index.
    at : float
        0.90, 0.95 or 0.99: the lowest confidence of a harm hot spot counted.

    Returns
    -------
    Series of bool

    Examples
    --------
    >>> import pandas as pd
    >>> from assessment.stats.gistar import HOT_95, HOT_90, NOT_SIGNIFICANT
    >>> hot_not_count(pd.Series([HOT_95, HOT_95, NOT_SIGNIFICANT]), pd.Series([NOT_SIGNIFICANT, HOT_90, HOT_95])).tolist()
    [True, False, False]
    """
    if at not in HOT_AT:
        raise StatsError(f"hot spots: expected a confidence of 0.90, 0.95 or 0.99, found {at!r}")
    h = pd.Series(harm_class)
    c = pd.Series(count_class).reindex(h.index)
    return pd.Series(np.asarray(h.isin(HOT_AT[at])) & ~np.asarray(c.isin(HOT_AT[0.90])), index=h.index)
