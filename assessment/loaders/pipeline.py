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
    drop = _dropper(ctx.acc, input)
    df = _drop_bad_files_and_dates(df, drop)                               # steps 1-2
    if window:
        df = _drop_outside_window(df, ctx, drop)                           # 3
    df = _drop_other_force(df, ctx, drop)                                  # 4
    df, ok_code, place = _locate(df, input, ctx, need_code)                # 5
    df, ok_code, place = _drop_outside_by_name(df, ok_code, place, ctx, drop)   # 6
    df = _harmonise(df, ok_code, input, ctx)                               # 7
    df = _place_points(df, place, input, ctx, drop)
    if ctx.universe is not None:
        df = _drop_outside_by_code(df, input, ctx, outside_reason, drop)   # 8
    if id_col and id_col in df:
        dup = (df[id_col].notna() & df.duplicated(id_col)).to_numpy()
        df = drop(df, dup, dup_reason)                                     # 9
    return _fill_names(df, ctx)


def _dropper(acc, input: str):
    """``drop(frame, mask, reason)``: ``frame`` without the rows of ``mask``, their weight (``_w``)
    counted as excluded from ``input`` for ``reason``."""
    def drop(frame, mask, reason):
        mask = np.asarray(mask, dtype=bool)
        if mask.any():
            acc.exclude(input, reason, int(frame["_w"].to_numpy()[mask].sum()))
            frame = frame[~mask]
        return frame
    return drop


def _drop_bad_files_and_dates(df: pd.DataFrame, drop) -> pd.DataFrame:
    """Steps 1-2: a second police.uk file for a month; a missing or unreadable date."""
    if "_dupfile" in df:
        df = drop(df, df["_dupfile"], "duplicate month file")
    if "_date_problem" in df:
        for reason in df["_date_problem"].dropna().unique():
            df = drop(df, (df["_date_problem"] == reason).fillna(False), str(reason))
        df = drop(df, df["month"].isna(), "no date")
    return df


def _drop_outside_window(df: pd.DataFrame, ctx: Context, drop) -> pd.DataFrame:
    """Step 3: months before the data window or after the assessment period."""
    df = drop(df, df["month"] < ctx.window_start, "before the data window")
    return drop(df, df["month"] > ctx.window_end, "after the assessment period")


def _drop_other_force(df: pd.DataFrame, ctx: Context, drop) -> pd.DataFrame:
    """Step 4: police.uk rows another force's ("Falls within") than ``area.force``."""
    force = getattr(ctx.cfg.area, "force", None)
    if force and "_force" in df:
        df = drop(df, ~(df["_force"].str.casefold() == force.strip().casefold()).fillna(False), "outside the area")
    return df


def _locate(df: pd.DataFrame, input: str, ctx: Context, need_code: bool):
    """Step 5: rows need a valid LSOA code or (unless ``need_code``) a point to place; the others are
    excluded with their reason, but an area selected by force keeps its crimes with no location.

    Returns the rows, which of them have a valid code, and which are to be placed by their point."""
    acc = ctx.acc
    code = df["lsoa_code"]
    ok_code = valid_lsoa(code).to_numpy()
    has_xy = (df["_x"].notna() & df["_y"].notna()).to_numpy() if "_x" in df else np.zeros(len(df), bool)
    place = has_xy & ~ok_code if not need_code else np.zeros(len(df), bool)
    none = ~ok_code & ~place
    if not none.any():
        return df, ok_code, place
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
    return df[~gone], ok_code[~gone], place[~gone]


def _drop_outside_by_name(df: pd.DataFrame, ok_code, place, ctx: Context, drop):
    """Step 6: without codes to select by, rows whose LSOA name is not the area's (``area.lsoa_name_prefix``);
    points are selected by polygon, not by name."""
    prefix = getattr(ctx.cfg.area, "lsoa_name_prefix", None)
    if not (prefix and ctx.universe is None and "lsoa_name" in df):
        return df, ok_code, place
    df_in = starts_with_area(df["lsoa_name"], prefix).to_numpy()
    m = ~df_in & ~place
    return drop(df, m, "outside the area"), ok_code[~m], place[~m]


def _harmonise(df: pd.DataFrame, ok_code, input: str, ctx: Context) -> pd.DataFrame:
    """Step 7: codes of the other vintage placed by point in polygon, the others converted with the
    ONS lookup (the code read kept as ``_orig_code``)."""
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
    return df


def _place_points(df: pd.DataFrame, place, input: str, ctx: Context, drop) -> pd.DataFrame:
    """Step 7: points without a code placed in the boundary polygons (without a boundary file they
    cannot be: excluded, with a note)."""
    if not place.any():
        return df
    if ctx.boundaries is None:
        m = place
        ctx.acc.exclude(input, "no location", int(df["_w"].to_numpy()[m].sum()))
        ctx.notes.append(f"{input}: {int(m.sum())} row(s) with coordinates but no LSOA code cannot be "
                         "placed without a boundary file (inputs.boundaries)")
        return df[~m]
    codes = place_points(df.loc[place, "_x"].to_numpy(), df.loc[place, "_y"].to_numpy(), ctx.boundaries)
    df.loc[place, "lsoa_code"] = codes.to_numpy()
    m = place & df["lsoa_code"].isna().to_numpy()
    return drop(df, m, "outside the area (point outside the boundary file)")


def _drop_outside_by_code(df: pd.DataFrame, input: str, ctx: Context, outside_reason: str, drop) -> pd.DataFrame:
    """Step 8: codes not among the area's LSOAs (the reasons and notes of the module docstring)."""
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
    return drop(df, out, outside_reason)


def _fill_names(df: pd.DataFrame, ctx: Context) -> pd.DataFrame:
    """The LSOA name of each row whose code changed or has no name, where the code's name is known."""
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
