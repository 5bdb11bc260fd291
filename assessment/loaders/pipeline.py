"""The row selection every record input goes through, with a counted reason for each drop.

Order (the first reason that applies is the one counted):

1. ``duplicate month file`` — rows of a second police.uk file for the same month and force;
2. ``no offence date`` / ``bad offence date`` (ASB: ``no date`` / ``bad date``) — record-level inputs only;
3. ``before the data window`` / ``after the assessment period``;
4. ``outside the area`` — police.uk "Falls within" is not ``area.force``;
5. ``no location`` / ``malformed LSOA code`` / ``coordinates outside Great Britain`` /
   ``latitude and longitude swapped`` — no usable LSOA code and no usable point (an area selected
   by force keeps its crimes with no location, ``Context.keep_unlocated``: they have no LSOA);
6. ``outside the area`` — LSOA name not ``<area.lsoa_name_prefix> ...`` (when there is no
   boundary file or ward lookup to select by code);
7. LSOA codes harmonised to the boundary vintage: a code of the other vintage on a row with a
   point is placed in the area's LSOA polygon containing the point (point in polygon); the other
   rows' codes are converted with the ONS lookup (:class:`~.geography.Harmoniser`); points without
   a code placed in the boundary polygons;
8. ``outside the area`` / ``LSOA code not in the boundary file`` — code not among the area's
   LSOAs (``LSOA code of another vintage (no inputs.lsoa_lookup)`` when the name says it is
   in the area but its code is of the other vintage; ``LSOA with an empty geometry in the
   boundary file`` when the area's boundary feature for the code has no polygon); the codes
   not in the boundary file are listed in a note;
9. ``duplicate crime id`` (or ``duplicate incident id``) — the first row is kept.

Rows carry a weight ``_w`` (1 per row, for every input format, published counts included), so the
accounting counts the rows of the input files.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .common import area_of_lsoa_name, isin, starts_with_area, valid_lsoa
from .geography import Harmoniser, place_points

#: the reason for rows on an LSOA code the record-level extract names but the boundary file lacks
NOT_IN_BOUNDARIES = "LSOA code not in the boundary file"
#: the reason for rows (of any input) on an LSOA whose boundary feature has no geometry
NO_POLYGON = "LSOA with an empty geometry in the boundary file"


@dataclass
class Context:
    """What selection needs to know about the run."""

    cfg: object
    acc: object
    notes: list
    window_start: pd.Timestamp
    window_end: pd.Timestamp            # first day of the last month kept
    harm: Harmoniser
    boundaries: object | None = None  # GeoDataFrame indexed by code
    universe: pd.Index | None = None  # the area's LSOA codes (target vintage), None = no code selection
    names: pd.Series | None = None    # code -> LSOA name (target vintage)
    area_names: set = field(default_factory=set)
    no_polygon: frozenset = frozenset()  # the area's LSOA codes whose boundary feature has an empty geometry
    #: keep crimes with no location (no LSOA code, no point) instead of excluding them: an area
    #: selected by police force (``area.force``) owns them (police.uk "No Location" rows)
    keep_unlocated: bool = False
    #: how codes of the other vintage were placed (see _place_other_vintage and Harmoniser.harmonise)
    split_stats: dict = field(default_factory=dict)


def select_rows(df: pd.DataFrame, input: str, ctx: Context, *, id_col: str | None = None,
                dup_reason: str = "duplicate crime id", outside_reason: str = "outside the area",
                window: bool = True, need_code: bool = False) -> pd.DataFrame:
    """Apply the selection steps of the module docstring; record every drop in ``ctx.acc``.

    Returns the kept rows with ``lsoa_code`` harmonised and ``lsoa_name`` filled where known.
    ``need_code``: rows must carry an LSOA code (police.uk, MPS); coordinates only help
    assign split LSOAs.
    """
    acc, cfg = ctx.acc, ctx.cfg

    def drop(frame, mask, reason):
        mask = np.asarray(mask, dtype=bool)
        if mask.any():
            acc.exclude(input, reason, int(frame["_w"].to_numpy()[mask].sum()))
            frame = frame[~mask]
        return frame

    if "_dupfile" in df:
        df = drop(df, df["_dupfile"], "duplicate month file")
    if "_date_problem" in df:
        for reason in df["_date_problem"].dropna().unique():
            df = drop(df, (df["_date_problem"] == reason).fillna(False), str(reason))
        df = drop(df, df["month"].isna(), "no date")
    if window:
        df = drop(df, df["month"] < ctx.window_start, "before the data window")
        df = drop(df, df["month"] > ctx.window_end, "after the assessment period")
    force = getattr(cfg.area, "force", None)
    if force and "_force" in df:
        df = drop(df, ~(df["_force"].str.casefold() == force.strip().casefold()).fillna(False), "outside the area")

    # -- location ---------------------------------------------------------------------
    code = df["lsoa_code"]
    ok_code = valid_lsoa(code).to_numpy()
    has_xy = (df["_x"].notna() & df["_y"].notna()).to_numpy() if "_x" in df else np.zeros(len(df), bool)
    place = has_xy & ~ok_code if not need_code else np.zeros(len(df), bool)
    none = ~ok_code & ~place
    if none.any():
        blank = code.isna().to_numpy()
        xy_bad = df["_xy_bad"].to_numpy(dtype=object) if "_xy_bad" in df else np.full(len(df), None, dtype=object)
        bad_xy = none & blank & pd.notna(xy_bad)
        for reason in ("coordinates outside Great Britain", "latitude and longitude swapped"):
            m = bad_xy & (xy_bad == reason)
            if m.any():
                acc.exclude(input, reason, int(df["_w"].to_numpy()[m].sum()))
        rest = none & ~bad_xy
        # an area selected by force owns its crimes with no location: kept (with no LSOA) for the
        # totals, left out only of the analyses by LSOA
        keep = rest & blank & ctx.keep_unlocated
        if keep.any() and "_asb" in df:
            keep &= ~df["_asb"].to_numpy(dtype=bool)
        acc.exclude(input, "no location", int(df["_w"].to_numpy()[rest & blank & ~keep].sum()))
        acc.exclude(input, "malformed LSOA code", int(df["_w"].to_numpy()[rest & ~blank].sum()))
        gone = none & ~keep
        if keep.any():
            df = df.assign(_noloc=keep)
        df, ok_code, place = df[~gone], ok_code[~gone], place[~gone]

    prefix = getattr(cfg.area, "lsoa_name_prefix", None)
    if prefix and ctx.universe is None and "lsoa_name" in df:
        df_in = starts_with_area(df["lsoa_name"], prefix).to_numpy()
        keep_placed = place  # points are selected by polygon, not by name
        m = ~df_in & ~keep_placed
        df, ok_code, place = drop(df, m, "outside the area"), ok_code[~m], place[~m]

    # -- harmonise and place -------------------------------------------------------------
    df = df.copy()
    df["_orig_code"] = df["lsoa_code"]
    placed = _place_other_vintage(df, ok_code, input, ctx)
    if ctx.harm.active and (ok_code & ~placed).any():
        sub = df.loc[ok_code & ~placed]
        new, stats = ctx.harm.harmonise(sub["lsoa_code"], sub["_x"] if "_x" in sub else None,
                                        sub["_y"] if "_y" in sub else None)
        df.loc[ok_code & ~placed, "lsoa_code"] = new.to_numpy()
        for k, v in stats.items():
            _count(ctx, input, k, v)
    if place.any():
        if ctx.boundaries is None:
            m = place
            acc.exclude(input, "no location", int(df["_w"].to_numpy()[m].sum()))
            ctx.notes.append(f"{input}: {int(m.sum())} row(s) with coordinates but no LSOA code cannot be "
                             "placed without a boundary file (inputs.boundaries)")
            df, ok_code = df[~m], ok_code[~m]
        else:
            codes = place_points(df.loc[place, "_x"].to_numpy(), df.loc[place, "_y"].to_numpy(), ctx.boundaries)
            df.loc[place, "lsoa_code"] = codes.to_numpy()
            m = place & df["lsoa_code"].isna().to_numpy()
            df = drop(df, m, "outside the area (point outside the boundary file)")

    # -- area by code ---------------------------------------------------------------------
    if ctx.universe is not None:
        out = ~isin(df["lsoa_code"], ctx.universe)
        if "_noloc" in df:
            out &= ~df["_noloc"].to_numpy(dtype=bool)
        if out.any() and not ctx.harm.active and ctx.area_names and "lsoa_name" in df:
            other = out & area_of_lsoa_name(df["lsoa_name"]).isin(ctx.area_names).fillna(False).to_numpy()
            if other.any():
                reason = "LSOA code of another vintage (no inputs.lsoa_lookup)"
                ctx.notes.append(f"{input}: {int(df['_w'].to_numpy()[other].sum())} record(s) in the area carry LSOA "
                                 "codes of the other vintage (2011/2021) than the boundary file and no point in the "
                                 "area's LSOA polygons; set inputs.lsoa_lookup to the ONS LSOA 2011 to 2021 lookup to "
                                 "use them")
                df = drop(df, other, reason)
                out = ~isin(df["lsoa_code"], ctx.universe)
        if out.any() and ctx.no_polygon:
            m = out & isin(df["lsoa_code"], ctx.no_polygon)
            df, out = drop(df, m, NO_POLYGON), out[~m]
        if out.any() and outside_reason == NOT_IN_BOUNDARIES:
            codes = sorted(df.loc[out, "lsoa_code"].dropna().unique())
            hint = ("" if ctx.harm.lookup is not None else ": if they are codes of the other vintage "
                    "(2011/2021), set inputs.lsoa_lookup to the ONS LSOA 2011 to 2021 lookup")
            ctx.notes.append(f"{input}: {int(df['_w'].to_numpy()[out].sum())} record(s) have LSOA codes that are "
                             f"not in the boundary file ({', '.join(codes[:5])}{', ...' if len(codes) > 5 else ''})"
                             + hint)
        df = drop(df, out, outside_reason)

    if id_col and id_col in df:
        dup = (df[id_col].notna() & df.duplicated(id_col)).to_numpy()
        df = drop(df, dup, dup_reason)

    if ctx.names is not None and len(df):
        changed = (df["lsoa_code"] != df["_orig_code"]).fillna(True).to_numpy()
        known = df["lsoa_code"].map(ctx.names)
        fill = (changed | df["lsoa_name"].isna().to_numpy()) & known.notna().to_numpy()
        df.loc[fill, "lsoa_name"] = known[fill]
    return df


def _count(ctx: Context, input: str, key: str, n: int) -> None:
    """Add ``n`` to the harmonisation count ``key``, in total and for ``input`` (``crimes:exact``)."""
    if n:
        ctx.split_stats[key] = ctx.split_stats.get(key, 0) + int(n)
        ctx.split_stats[f"{input}:{key}"] = ctx.split_stats.get(f"{input}:{key}", 0) + int(n)


def _other_vintage(df: pd.DataFrame, ctx: Context) -> np.ndarray:
    """Rows whose LSOA code is of the other vintage than the boundary file and belongs to the area:
    with the lookup, a code it converts to one of the area's LSOAs; without it, a code not in the
    boundary file on a row whose LSOA name is the area's (police.uk names: ``Haringey 015D``)."""
    code = df["lsoa_code"]
    if ctx.harm.active:
        return ctx.harm.converts(code, set(ctx.universe) if ctx.universe is not None else None)
    res = np.zeros(len(df), dtype=bool)
    if ctx.universe is not None and ctx.area_names and "lsoa_name" in df:
        out = ~isin(code, ctx.universe)
        if out.any():
            res[out] = area_of_lsoa_name(df["lsoa_name"][out]).isin(ctx.area_names).fillna(False).to_numpy()
    return res


def _place_other_vintage(df: pd.DataFrame, ok_code: np.ndarray, input: str, ctx: Context) -> np.ndarray:
    """Place the rows with an LSOA code of the other vintage and a point in the area's LSOA polygon
    containing the point (§3: point in polygon where coordinates exist; the ONS lookup only for the
    rows without).  Changes ``df["lsoa_code"]`` in place; returns the rows placed.

    Counted for the data-quality notes: ``pip`` (codes the lookup converts exactly, or any code when
    there is no lookup), ``split_pip`` (split LSOAs), ``pip_off`` (placed in an LSOA the lookup does
    not list as a successor of the code: a point near an LSOA border), ``pip_outside`` (a point in
    none of the area's polygons: converted with the lookup, or excluded without one).
    """
    done = np.zeros(len(df), dtype=bool)
    if ctx.boundaries is None or "_x" not in df or not ok_code.any():
        return done
    cand = ok_code & _other_vintage(df, ctx) & df["_x"].notna().to_numpy() & df["_y"].notna().to_numpy()
    if not cand.any():
        return done
    rows = np.flatnonzero(cand)
    codes = place_points(df["_x"].to_numpy()[rows], df["_y"].to_numpy()[rows], ctx.boundaries)
    inside = codes.notna().to_numpy()
    w = df["_w"].to_numpy()
    orig = df["lsoa_code"].to_numpy()[rows]
    if inside.any():
        done[rows[inside]] = True
        col = df.columns.get_loc("lsoa_code")
        df.iloc[rows[inside], col] = codes.to_numpy()[inside]
        if ctx.harm.active:
            succ = [ctx.harm.successors(c) for c in orig[inside]]
            split = np.array([len(s) > 1 for s in succ], dtype=bool)
            off = np.array([c not in s for c, s in zip(codes.to_numpy()[inside], succ)], dtype=bool)
            wi = w[rows[inside]]
            _count(ctx, input, "split_pip", wi[split].sum())
            _count(ctx, input, "pip", wi[~split].sum())
            _count(ctx, input, "pip_off", wi[off].sum())
        else:
            _count(ctx, input, "pip", w[rows[inside]].sum())
    _count(ctx, input, "pip_outside", w[rows[~inside]].sum())
    return done
