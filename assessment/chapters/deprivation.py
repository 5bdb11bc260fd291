"""Chapter 1, crime and deprivation: crime rates by IMD decile (§5.1, issue 15).

:func:`analyse` joins the period's crimes by LSOA (:func:`assessment.dataset.lsoa_counts`) to
the area's IMD deciles (``Dataset.imd``, read and harmonised by
:mod:`assessment.loaders.deprivation`) and the residents, and returns data only; the statistics
are :mod:`assessment.stats.deprivation`, the words :mod:`assessment.words.deprivation`.

Headline keys: ``deprivation.rate_ratio`` (most ÷ least deprived decile present),
``deprivation.share_most_deprived_20pct`` (share of crime, in LSOAs with a decile, in deciles 1–2),
``deprivation.most_deprived_decile`` / ``least_deprived_decile`` (the deciles present at either
end), ``deprivation.lsoas`` / ``lsoas_without_decile``; all null without ``inputs.imd``.

Example
-------
>>> res = analyse(run.dataset)  # doctest: +SKIP
>>> res.table.columns.tolist()  # doctest: +SKIP
['imd_decile', 'lsoas', 'crimes', 'population', 'rate_per_1000']
"""
from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from ..dataset import lsoa_counts, lsoa_universe
from ..stats import deprivation as dep

#: why the section is left out (``DeprivationResult.reason``)
NO_IMD = "no_imd"
NO_DECILES = "no_deciles"

HEADLINE_KEYS = ("deprivation.rate_ratio", "deprivation.share_most_deprived_20pct",
                 "deprivation.most_deprived_decile", "deprivation.least_deprived_decile",
                 "deprivation.lsoas", "deprivation.lsoas_without_decile")


@dataclass
class DeprivationResult:
    """What the deprivation section shows (data only)."""

    available: bool = False
    reason: str | None = None
    table: pd.DataFrame | None = None          # tables/deprivation.csv (imd_decile a column)
    rate_ratio: float | None = None
    share_20: float | None = None
    crimes: int = 0                            # crimes of the period in LSOAs with a decile
    crimes_without: int = 0                    # crimes of the period in LSOAs with no decile
    lsoas_without: int = 0
    methods: dict = field(default_factory=dict)  # direct / split / merged -> LSOAs
    has_population: bool = False
    deciles: pd.Series | None = None           # decile by LSOA (for the ward profiles)
    headlines: dict = field(default_factory=lambda: {k: None for k in HEADLINE_KEYS})


def population_of(ds):
    """Residents per LSOA: ``Dataset.population``, else the LSOA table's column, else None."""
    if ds.population is not None and len(ds.population):
        return ds.population
    if ds.lsoas is not None and "population" in ds.lsoas and ds.lsoas["population"].notna().any():
        return ds.lsoas["population"]
    return None


def analyse(ds) -> DeprivationResult:
    """Crime by IMD decile for a Dataset (the section is left out without ``inputs.imd``).

    Parameters
    ----------
    ds : Dataset

    Returns
    -------
    DeprivationResult
    """
    res = DeprivationResult()
    imd = getattr(ds, "imd", None)
    if imd is None:
        res.reason = NO_IMD
        return res
    universe = lsoa_universe(ds.lsoa_frame())
    deciles = imd["imd_decile"].reindex(universe)
    if deciles.notna().sum() == 0:
        res.reason = NO_DECILES
        return res
    counts = lsoa_counts(ds.crimes, universe, ds.period)
    pop = population_of(ds)
    t = dep.decile_table(counts, pop, deciles)
    res.available, res.deciles, res.has_population = True, deciles, pop is not None
    res.table = t.reset_index()[["imd_decile", "lsoas", "crimes", "population", "rate_per_1000"]]
    res.rate_ratio = dep.rate_ratio(t)
    res.share_20 = dep.share_most_deprived(counts, deciles)
    res.crimes = int(t["crimes"].sum())
    missing = deciles.isna()
    res.crimes_without, res.lsoas_without = int(counts[missing].sum()), int(missing.sum())
    res.methods = {str(k): int(v) for k, v in imd["imd_method"].reindex(universe).value_counts().items()}
    res.headlines = {"deprivation.rate_ratio": res.rate_ratio,
                     "deprivation.share_most_deprived_20pct": res.share_20,
                     "deprivation.most_deprived_decile": int(t.index.min()),
                     "deprivation.least_deprived_decile": int(t.index.max()),
                     "deprivation.lsoas": int(deciles.notna().sum()),
                     "deprivation.lsoas_without_decile": res.lsoas_without}
    return res
