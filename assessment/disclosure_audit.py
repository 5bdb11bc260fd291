"""Disclosure control that survives arithmetic: an interval audit of everything published (§6).

Hiding a small count is not enough when the figures around it let a reader work it out.  On the
demo, before this audit, every hidden cell of the crimes-per-victim distribution could be
recovered exactly: a subset's victims and pairs are published in ``repeat_victims.csv``, the
distribution's band *k* holds *k* pairs per victim, and its ``share`` column gives the total.  A
group with 10 victims and 13 victim–crime pairs (issue 11's example), whose only non-zero bands
are "1 crime" and "2 crimes", had exactly 3 victims of two crimes, however the two cells were
marked.

This module treats every figure published from victim, offender or caller records — the tables,
their share and rate columns, the headline figures in ``summary.json`` and the numbers in the
chapters' sentences (which are written from the published tables, so each of their numbers is a
table figure) — as one system of linear relations, together with what is known about how the
figures were made (totals, pairs = Σ k × victims in band k, shares × totals, the order rows are
sorted in, the suppression rules themselves).  For every hidden cell it solves two integer
linear programmes with :func:`scipy.optimize.linprog`, as the audits of the statistical offices'
tools do (τ-ARGUS's audit, sdcTable's ``attack()``): the smallest and the largest value the cell
can take given everything published.

**Protection rule.** A hidden cell is *protected* when the integer values it can take, given
everything published, span at least ``protection`` (default 1): ``high − low ≥ 1``, so at least
two values remain possible and the cell is not determined.  This is sdcTable's criterion (a cell
is protected when its upper and lower bounds differ) applied to integer bounds, which are never
wider than the linear-programming ones, so it is the stricter test.  It applies alike to a
primary cell ("<5": 1 … min_count − 1 before any arithmetic) and to a secondary one ("[c]"); a
cell is never asked to span more than its mark allows (with ``min_count`` 2, "<2" already says 1,
and there is nothing left for arithmetic to reveal).
Where a cell would be determined, :func:`protect` hides more cells (smallest first: more bands of
the same subset, the next-smallest ward, age band or crime type of the same column, then the
totals that pin it, with the shares and rates resting on them left blank) and audits again,
until every hidden cell is protected; if nothing more can be hidden the run stops with a
:class:`AuditError` rather than publish a determinable cell.

Example
-------
Issue 11's "Hate crime" case, by hand: 10 victims and 13 pairs published, bands "1" hidden as
"[c]" and "2" as "<5", every other band 0.

>>> s = System(min_count=5)
>>> s.publish("V", 10); s.publish("P", 13)
>>> s.hide("x1", "[c]", "dist", "1 crime"); s.hide("x2", "<5", "dist", "2 crimes")
>>> s.eq({"V": 1, "x1": -1, "x2": -1})                  # victims = Σ bands
>>> s.eq({"P": 1, "x1": -1, "x2": -2})                  # pairs = Σ k × victims in band k
>>> audit(s)[["cell", "low", "high", "protected"]].values.tolist()
[['x1', 7.0, 7.0, False], ['x2', 3.0, 3.0, False]]
"""
from __future__ import annotations

import copy
import functools
import math
from collections import deque
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .disclosure import SECONDARY, DisclosureError, hidden_mark, is_hidden
from .summary import share_key

INF = math.inf

#: the protection rule's default: a hidden cell must be able to take values at least this far apart
PROTECTION = 1


class AuditError(DisclosureError):
    """The published figures contradict the audit's model of them, or a determinable cell
    cannot be protected by hiding more."""


# ---------------------------------------------------------------------------------------------
# the system of published figures and relations
# ---------------------------------------------------------------------------------------------
@dataclass
class Cell:
    """A hidden (suppressed) count: where it is published, its mark and what the mark tells."""

    key: str
    table: str
    label: str
    mark: str
    low: float
    high: float


@dataclass
class System:
    """Everything a reader knows: published values, hidden cells (with the bounds their marks
    give) and linear relations between quantities.

    Quantities are named by strings.  A quantity is *published* (:meth:`publish`), a *hidden
    cell* that the audit attacks (:meth:`hide`), or an unpublished quantity the relations need
    (:meth:`unknown`; any name used in a relation without being declared is an unknown count
    ≥ 0).  Every quantity is a whole number.
    """

    min_count: int = 5
    values: dict = field(default_factory=dict)
    cells: dict = field(default_factory=dict)
    bounds: dict = field(default_factory=dict)
    rows: list = field(default_factory=list)
    where: dict = field(default_factory=dict)

    # -- quantities --------------------------------------------------------------------------
    def publish(self, key: str, value, where: str = "") -> None:
        """A published value (a number).  The same quantity published twice must agree."""
        v = float(value)
        if key in self.values and abs(self.values[key] - v) > 1e-9 * max(1.0, abs(v)):
            raise AuditError(f"{key} is published as both {self.values[key]:g} and {v:g} ({where})")
        self.values[key] = v
        if where:
            self.where.setdefault(key, []).append(where)

    def hide(self, key: str, mark: str, table: str, label: str, low: float | None = None,
             high: float | None = None) -> None:
        """A hidden cell, shown as ``mark``.  Its bounds before any arithmetic default to what the
        mark says: ``"<5"`` → 1 … 4; ``"[c]"`` → at least ``min_count`` (a secondary cell is
        chosen among counts that are not small).  Pass ``low``/``high`` where a "[c]" may be of
        any size (e.g. the pairs of a hidden band)."""
        lo, hi = mark_bounds(mark, self.min_count)
        self.cells[key] = Cell(key, table, label, mark, lo if low is None else low, hi if high is None else high)

    def unknown(self, key: str, low: float = 0, high: float = INF) -> None:
        """An unpublished quantity (a count), with what is known of its range."""
        self.bounds[key] = (low, high)

    def figure(self, key: str, value, table: str, label: str, where: str = "", **bounds) -> None:
        """A count as a table publishes it: a number (published), a mark (hidden) or blank (unknown)."""
        if is_hidden(value):
            self.hide(key, value, table, label, **bounds)
        elif _is_number(value):
            self.publish(key, value, where or f"{table}: {label}")
        else:
            self.unknown(key)

    def is_known(self, key: str) -> bool:
        return key in self.values

    def value(self, key: str):
        return self.values.get(key)

    # -- relations ---------------------------------------------------------------------------
    def eq(self, terms: dict, rhs: float = 0.0, why: str = "") -> None:
        """Σ coef × quantity = rhs."""
        self._row(terms, "=", rhs, why)

    def le(self, terms: dict, rhs: float = 0.0, why: str = "") -> None:
        """Σ coef × quantity ≤ rhs."""
        self._row(terms, "<=", rhs, why)

    def ge(self, terms: dict, rhs: float = 0.0, why: str = "") -> None:
        """Σ coef × quantity ≥ rhs."""
        self._row(terms, ">=", rhs, why)

    def ratio(self, num: str, den: str, r, why: str = "") -> None:
        """A published share or rate r = num ÷ den (nothing when it is blank)."""
        if not _is_number(r):
            return
        self.eq({num: 1.0, den: -float(r)}, 0.0, why or f"{num} = {float(r):.6g} × {den}")

    def _row(self, terms, sense, rhs, why):
        t = {}
        for k, c in terms.items():
            if c:
                t[k] = t.get(k, 0.0) + float(c)
        self.rows.append((t, sense, float(rhs), why))

    # -- the graph of relations (which published figures pin a hidden cell) ------------------
    def neighbours(self, key: str) -> dict:
        """Quantities that constrain ``key``: those in a relation with it or with an unpublished
        quantity connected to it, each with its distance (relations crossed).  The search goes on
        through unpublished quantities and stops at published ones."""
        index: dict = {}
        for i, (t, *_rest) in enumerate(self.rows):
            for k in t:
                index.setdefault(k, []).append(i)
        seen, out = {key}, {}
        queue = deque([(key, 0)])
        while queue:
            k, d = queue.popleft()
            for i in index.get(k, ()):
                for k2 in self.rows[i][0]:
                    if k2 in seen:
                        continue
                    seen.add(k2)
                    out[k2] = d + 1
                    if not (k2 in self.values and k2 not in self.cells):
                        queue.append((k2, d + 1))
        return out


def mark_bounds(mark: str, min_count: int) -> tuple[float, float]:
    """What a mark says about the count behind it.

    >>> mark_bounds("<5", 5), mark_bounds("[c]", 5)
    ((1, 4), (5, inf))
    """
    if mark == SECONDARY:
        return (min_count, INF)
    if isinstance(mark, str) and mark.startswith("<"):
        return (1, int(mark[1:]) - 1)
    raise AuditError(f"not a suppression mark: {mark!r}")


def _any_size(v) -> dict:
    """Bounds of a published cell: a "[c]" cell (secondary suppression) may hide any size, even 0."""
    return {"low": 0} if v == SECONDARY else {}


def _is_number(v) -> bool:
    if v is None or v is pd.NA or isinstance(v, (str, bool)):
        return False
    try:
        f = float(v)
    except (TypeError, ValueError):
        return False
    return not math.isnan(f)


# ---------------------------------------------------------------------------------------------
# the audit
# ---------------------------------------------------------------------------------------------
def audit(system: System, protection: int = PROTECTION, cells=None, relaxation: bool = True) -> pd.DataFrame:
    """Attack every hidden cell: its feasible range given everything published.

    Parameters
    ----------
    system : System
        The published values, hidden cells and relations of one family of tables.
    protection : int, default 1
        The protection rule: a cell is protected when ``high − low ≥ protection`` (with the
        default, when at least two whole values remain possible).
    cells : iterable of str, optional
        The cells to attack (default: all hidden cells).
    relaxation : bool, default True
        Also solve the linear-programming relaxation (``lp_low``, ``lp_high``; NaN when False).

    Returns
    -------
    pandas.DataFrame
        One row per hidden cell: ``cell``, ``table``, ``label``, ``mark``, ``lp_low``,
        ``lp_high`` (the linear-programming relaxation), ``low``, ``high`` (whole numbers: the
        bounds an attacker who knows the counts are whole numbers reaches) and ``protected``.

    Raises
    ------
    AuditError
        When the published figures contradict the relations (no value of the hidden cells
        satisfies them): a bug in the model or in the tables, never published.

    Notes
    -----
    The attacker's problem (Hundepool et al. 2012, ch. 4; the τ-ARGUS audit; sdcTable's
    ``attack()``): with y the vector of hidden cells and unpublished quantities, published
    values substituted,

    .. math::

        \\text{low}_i = \\min y_i,\\quad \\text{high}_i = \\max y_i \\quad \\text{s.t.}\\quad
        A_{eq} y = b_{eq},\\; A_{ub} y \\le b_{ub},\\; l \\le y \\le u,\\; y \\in \\mathbb{Z}^n

    where the rows are the relations (sums, pairs = k × victims, share × total = count, sort
    order, suppression rules) and l, u the bounds the marks give ("<5": 1 … 4; "[c]": at least
    5).  Both programmes are solved with ``scipy.optimize.linprog`` (HiGHS), once with
    ``integrality`` (the bounds reported and used) and once without (``lp_low``, ``lp_high``).
    A relation whose quantities are all published is checked instead of solved.

    References
    ----------
    Hundepool, A., Domingo-Ferrer, J., Franconi, L., Giessing, S., Nordholt, E. S., Spicer, K.
    and de Wolf, P.-P. (2012) *Statistical Disclosure Control*. Wiley. doi:10.1002/9781118348239
    (ch. 4, secondary cell suppression and the audit of a suppression pattern; ch. 5, frequency
    tables).  τ-ARGUS manual (Statistics Netherlands): "Audit" of a suppressed table.  Meindl, B.
    sdcTable (R package), ``attack()``: lower and upper bounds of suppressed cells; a cell is
    protected when the bounds differ.

    Examples
    --------
    Three wards, 12 offenders in all: A (6) published, B hidden as "[c]" and C as "<5".  "[c]"
    marks a count that is not itself small, so B is 5 or more, and the total pins both:

    >>> s = System(min_count=5)
    >>> s.publish("n", 12); s.publish("a", 6)
    >>> s.hide("b", "[c]", "wards", "B"); s.hide("c", "<5", "wards", "C")
    >>> s.eq({"n": 1, "a": -1, "b": -1, "c": -1})
    >>> audit(s)[["cell", "low", "high", "protected"]].values.tolist()
    [['b', 5.0, 5.0, False], ['c', 1.0, 1.0, False]]
    >>> s.values["n"] = 14                  # with 14 offenders: b is 5..7, c is 1..3
    >>> audit(s)[["cell", "low", "high", "protected"]].values.tolist()
    [['b', 5.0, 7.0, True], ['c', 1.0, 3.0, True]]
    """
    values, rows = _presolve(system)
    targets = list(system.cells) if cells is None else [c for c in cells if c in system.cells]

    def unknown(k) -> bool:
        return k not in values or k in system.cells

    # connected components of the unknowns: each hidden cell is attacked within its own
    parent: dict = {}

    def find(k):
        while parent.setdefault(k, k) != k:
            parent[k] = parent[parent[k]]
            k = parent[k]
        return k
    for t, *_ in rows:
        us = [k for k in t if unknown(k)]
        for a in us[1:]:
            parent[find(a)] = find(us[0])
    for k in system.cells:
        find(k)
    comp_rows: dict = {}
    for r in rows:
        us = [k for k in r[0] if unknown(k)]
        if us:
            comp_rows.setdefault(find(us[0]), []).append(r)
    out, built = [], {}
    for key in targets:
        root = find(key)
        if root not in built:
            built[root] = _programme(system, values, comp_rows.get(root, []), key)
        pos, kw = built[root]
        c = system.cells[key]
        res = {("lp", 1): np.nan, ("lp", -1): np.nan}
        whole = ("int", np.ones(len(pos), dtype=int))
        kinds = (("lp", None), whole) if relaxation else (whole,)
        for name, integ in kinds:
            for sense in (1, -1):
                obj = np.zeros(len(pos))
                obj[pos[key]] = sense
                r = _solve(obj, integ, kw)
                if r.status == 3:
                    v = -INF if sense == 1 else INF
                elif r.status == 2:
                    raise AuditError(f"no value of the hidden cells fits the published figures "
                                     f"(attacking {c.table}: {c.label}); the audit's model is wrong")
                elif r.status != 0:
                    raise AuditError(f"the audit could not solve for {c.table}: {c.label}: {r.message}")
                else:
                    v = sense * r.fun
                res[(name, sense)] = v
        low, high = res[("int", 1)], res[("int", -1)]
        low = float(round(low)) if math.isfinite(low) else low
        high = float(round(high)) if math.isfinite(high) else high
        need = min(protection, c.high - c.low)  # a mark that itself pins the count ("<2") leaves nothing to protect
        out.append({"cell": key, "table": c.table, "label": c.label, "mark": c.mark,
                    "lp_low": res[("lp", 1)], "lp_high": res[("lp", -1)], "low": low, "high": high,
                    "protected": bool(high - low >= need)})
    return pd.DataFrame(out, columns=["cell", "table", "label", "mark", "lp_low", "lp_high", "low", "high",
                                      "protected"])


def _solve(obj, integrality, kw):
    from scipy.optimize import linprog  # heavy (~0.4 s): only when a table's cells are audited
    return linprog(obj, integrality=integrality, **kw)


def _presolve(system: System) -> tuple[dict, list]:
    """Published values plus every unpublished quantity that one relation fixes (an equality
    whose other quantities are all known), repeatedly; the relations left to solve.  Hidden
    cells are never substituted (they are what the audit attacks).  Relations whose quantities
    are all known are checked here."""
    values = dict(system.values)
    rows = list(system.rows)
    changed = True
    while changed:
        changed = False
        keep = []
        for t, sense, rhs, why in rows:
            free = [k for k in t if k not in values or k in system.cells]
            if not free:
                _check(t, sense, rhs, why, values)
                continue
            if sense == "=" and len(free) == 1 and free[0] not in system.cells:
                k = free[0]
                v = (rhs - sum(c * values[j] for j, c in t.items() if j != k)) / t[k]
                if abs(v - round(v)) > 1e-6 * max(1.0, abs(v)):
                    raise AuditError(f"the published figures contradict a relation: {why} ({k} = {v:g}, not a count)")
                lo, hi = system.bounds.get(k, (0, INF))
                v = float(round(v))
                if not lo - 1e-9 <= v <= hi + 1e-9:
                    raise AuditError(f"the published figures contradict a relation: {why} ({k} = {v:g})")
                values[k] = v
                changed = True
                continue
            keep.append((t, sense, rhs, why))
        rows = keep
    return values, rows


def _check(t, sense, rhs, why, values) -> None:
    lhs = sum(c * values[k] for k, c in t.items())
    scale = 1e-6 * max(1.0, abs(rhs), *(abs(c * values[k]) for k, c in t.items()))
    b = rhs - lhs
    ok = abs(b) <= scale if sense == "=" else (b >= -scale if sense == "<=" else b <= scale)
    if not ok:
        raise AuditError(f"the published figures contradict a relation: {why} ({lhs:g} {sense} {rhs:g})")


def _programme(system: System, values: dict, rows: list, key: str):
    """The attacker's programme for the component of ``key``: variable positions and linprog's
    keyword arguments (constraints with published values substituted, bounds)."""
    var = sorted({k for t, *_ in rows for k in t if k not in values or k in system.cells} | {key})
    pos = {k: i for i, k in enumerate(var)}
    n = len(var)
    lo, hi = np.zeros(n), np.full(n, np.inf)
    for k, i in pos.items():
        if k in system.cells:
            c = system.cells[k]
            lo[i], hi[i] = c.low, c.high
            if k in values:  # hidden in one place, published in another
                lo[i] = hi[i] = values[k]
        elif k in system.bounds:
            lo[i], hi[i] = system.bounds[k]
    a_eq, b_eq, a_ub, b_ub = [], [], [], []
    for t, sense, rhs, _why in rows:
        row = np.zeros(n)
        b = rhs
        for k, c in t.items():
            if k in pos:
                row[pos[k]] += c
            else:
                b -= c * values[k]
        if sense == "=":
            a_eq.append(row), b_eq.append(b)
        elif sense == "<=":
            a_ub.append(row), b_ub.append(b)
        else:
            a_ub.append(-row), b_ub.append(-b)
    kw = {"A_eq": np.array(a_eq) if a_eq else None, "b_eq": np.array(b_eq) if b_eq else None,
          "A_ub": np.array(a_ub) if a_ub else None, "b_ub": np.array(b_ub) if b_ub else None,
          "bounds": list(zip(lo, [None if math.isinf(h) else h for h in hi])), "method": "highs"}
    return pos, kw


# ---------------------------------------------------------------------------------------------
# protection: hide more until the audit passes
# ---------------------------------------------------------------------------------------------
@dataclass
class TableAudit:
    """The audit's outcome for one published table."""

    table: str
    audited: int = 0             # hidden cells attacked in the final pattern
    determined_before: int = 0   # hidden cells the first audit found determinable
    extra: int = 0               # cells hidden by the audit on top of the suppression rules
    determined_after: int = 0    # hidden cells still determinable (0, or the run stops)

    def as_dict(self) -> dict:
        return {"audited": self.audited, "determined_before": self.determined_before, "extra": self.extra,
                "determined_after": self.determined_after}


class Family:
    """A family of tables published from the same records, as the audit sees it.

    Subclasses hold the published tables and implement :meth:`system` (the relations of the
    current publication), :meth:`candidates` (published counts that may be hidden to protect a
    determined cell, each with a tier: lower tiers are hidden first) and :meth:`hide`.
    """

    tables: tuple = ()

    def system(self) -> System:  # pragma: no cover - abstract
        raise NotImplementedError

    def candidates(self, cell: str) -> dict:  # pragma: no cover - abstract
        raise NotImplementedError

    def hide(self, key: str) -> list:  # pragma: no cover - abstract
        """Hide the published count ``key`` (and what rests on it); return the new hidden cells."""
        raise NotImplementedError

    def hidden_labels(self) -> list:
        """What :func:`protect` hid, in words (for the chapter's list of suppressed figures)."""
        cells = getattr(self, "result", None)
        labels = dict(zip(cells["cell"], cells["label"])) if cells is not None else {}
        return [self.label(k) or labels.get(k, k) for _, k, _ in getattr(self, "log", [])]

    def label(self, key: str) -> str | None:
        return self.LABELS.get(key)

    LABELS: dict = {}

    def anchor(self, key: str) -> str:
        """The quantity a candidate stands for in the relations (itself, for a count)."""
        return key

    def copy(self) -> Family:
        return copy.deepcopy(self)

    def table_of(self, key: str) -> str:  # pragma: no cover - abstract
        raise NotImplementedError


def _ranked(family: Family, s: System, cell: str, exclude=()) -> list:
    """Candidates that constrain ``cell`` as (tier, key), in order: tier, distance, value.  A
    published zero is never hidden (zeros are not disclosive)."""
    near = s.neighbours(cell)
    near[cell] = 0
    out = []
    for k, tier in family.candidates(cell).items():
        a = family.anchor(k)
        if a in near and s.values.get(k, 1) != 0 and k not in exclude:
            out.append((tier, near[a], abs(s.values.get(k, 0)), k))
    return [(t, k) for t, _, _, k in sorted(out)]


def _choose(family: Family, s: System, cell: str, protection: int, width0: float) -> tuple[list, str]:
    """The counts to hide next to protect ``cell``, cheapest tier first.  For each tier: a
    candidate of that tier that protects the cell on its own; else a pair — a candidate that is
    itself worked out once hidden (a total inside a published sum) with a count of no higher tier
    it shares a relation with — that does.  When nothing protects it, a first step: the
    lowest-tier candidate that widens the cell's range (else the first that is protected once
    hidden)."""
    ranked = _ranked(family, s, cell)
    if not ranked:
        r = audit(s, protection, cells=[cell], relaxation=False).iloc[0]
        raise AuditError(f"{r['table']}: {r['label']} ({r['mark']}) can be worked out from the published "
                         f"figures (it must be {r['low']:g}" + ("" if r["low"] == r["high"] else f"–{r['high']:g}")
                         + ") and nothing more can be hidden to protect it")
    tier_of = dict((k, t) for t, k in ranked)
    revealing, fallback, widens = [], None, None
    tried_pairs = set()
    for tier in sorted(set(tier_of.values())):
        for t, key in ranked:
            if t != tier:
                continue
            trial = family.copy()
            new = trial.hide(key)
            r = audit(trial.system(), protection, cells=[cell, *new], relaxation=False)
            if r["protected"].all():
                return [key], "protects it"
            own = bool(r.loc[r["cell"].isin(new), "protected"].all())
            if own and fallback is None:
                fallback = key
            if own and widens is None and r.iloc[0]["high"] - r.iloc[0]["low"] > width0:
                widens = key
            if not own:
                revealing.append((key, trial, new))
        for key, trial, new1 in revealing:
            ts = trial.system()
            partners = set()
            for row, *_ in ts.rows:
                if family.anchor(key) in row or key in row:
                    partners.update(k for k in row if ts.is_known(k) and k not in ts.cells)
            for t2, key2 in _ranked(trial, ts, cell):
                if t2 > tier or key2 not in partners or (key, key2) in tried_pairs:
                    continue
                tried_pairs.add((key, key2))
                t2f = trial.copy()
                new = t2f.hide(key2)
                r = audit(t2f.system(), protection, cells=[cell, *new1, *new], relaxation=False)
                if r["protected"].all():
                    return [key, key2], "protects it (with its partner)"
    return [widens or fallback or ranked[0][1]], "first step"


def protect(family: Family, protection: int = PROTECTION, max_rounds: int = 500) -> dict:
    """Audit a family of tables and hide more cells until every hidden cell is protected.

    Parameters
    ----------
    family : Family
        The tables (and prolific figures) of one chapter as published so far; changed in place:
        its tables hold the final publication afterwards, ``family.log`` lists what was hidden
        and why, ``family.first`` is the first audit.
    protection : int, default 1
        The protection rule (see :func:`audit`).
    max_rounds : int, default 500
        A guard: every round hides at least one published figure.

    Returns
    -------
    dict
        ``{table: TableAudit}``: per table, hidden cells, cells the first audit found
        determinable, figures hidden by the audit (and, after :func:`verify`, cells still
        determinable: 0).

    Raises
    ------
    AuditError
        When a determinable cell has no candidate left to hide.

    Notes
    -----
    The first audit attacks every hidden cell.  Then, while a cell is determinable, the
    candidate counts that constrain it (:meth:`Family.candidates`, within
    :meth:`System.neighbours`) are tried, cheapest tier first (the cell's own column or band
    group, then related groups, then withdrawing a small group's distribution, then totals): the
    first that protects the cell on its own — or with a partner, when the candidate is itself
    given away by a published sum — is hidden, with the shares and rates resting on it.  Within a
    group only its smallest shown count is a candidate, so the published rule "a [c] count is no
    larger than a count of its group still shown" stays true; hiding a figure then only ever
    removes what a reader knows, and a cell once protected stays protected.  :func:`verify`
    attacks every hidden cell of the final publication, headlines included.

    Examples
    --------
    >>> t = pd.DataFrame({"period": ["2024/25"], "calls": [60], "calls_with_caller": [40], "callers": [31],
    ...     "repeat_callers": ["<5"], "repeat_caller_calls": ["[c]"], "repeat_caller_call_share": [None],
    ...     "repeat_caller_share_all_calls": [None], "repeat_caller_share": [None]})
    >>> fam = ASBFamily(t, min_count=5, repeat_calls=10)     # 40 calls, 31 callers: one repeat caller
    >>> protect(fam)["repeat_asb_callers"].as_dict()      # repeat callers and their calls; callers too
    {'audited': 3, 'determined_before': 2, 'extra': 1, 'determined_after': 0}
    >>> r = verify(fam).set_index("cell")
    >>> fam.table.loc[0, "callers"], r.loc["2024/25|R", ["low", "high"]].tolist()
    ('[c]', [1.0, 3.0])
    """
    s = family.system()
    family.log = []
    first = audit(s, protection, relaxation=False)
    pending = first.loc[~first["protected"], "cell"].tolist()
    extra: dict = {}
    rounds = 0
    while pending:
        rounds += 1
        if rounds > max_rounds:  # pragma: no cover - the number of cells bounds the rounds
            raise AuditError("the disclosure audit did not converge")
        cell = pending[0]
        if cell not in s.cells:  # no longer published (its table rows were withdrawn)
            pending.pop(0)
            continue
        r = audit(s, protection, cells=[cell], relaxation=False).iloc[0]
        if r["protected"]:  # protected by what was hidden for another cell
            pending.pop(0)
            continue
        keys, how = _choose(family, s, cell, protection, r["high"] - r["low"])
        for key in keys:
            pending += [c for c in family.hide(key) if c not in pending]
            t = family.table_of(key)
            extra[t] = extra.get(t, 0) + 1
            family.log.append((cell, key, how))
        s = family.system()
    out = {t: TableAudit(t) for t in family.tables}
    for c in s.cells.values():  # hiding only ever widens the intervals: every cell is now protected
        out.setdefault(c.table, TableAudit(c.table)).audited += 1
    for t, g in first.groupby("table"):
        out.setdefault(t, TableAudit(t)).determined_before = int((~g["protected"]).sum())
    for t, k in extra.items():
        out.setdefault(t, TableAudit(t)).extra = k
    family.first, family.outcome = first, out
    return out


def verify(family: Family, protection: int = PROTECTION) -> pd.DataFrame:
    """The final audit: attack every hidden cell of the family as published — tables, shares,
    headlines — and raise :class:`AuditError` if any can be worked out.  Updates the outcome
    :func:`protect` returned (cells audited, cells still determinable: 0) and returns the audit
    (``family.result``)."""
    res = audit(family.system(), protection, relaxation=False)
    out = getattr(family, "outcome", None)
    if out is not None:
        for t in out.values():
            t.audited, t.determined_after = 0, 0
        for t, g in res.groupby("table"):
            out.setdefault(t, TableAudit(t)).audited = len(g)
            out[t].determined_after = int((~g["protected"]).sum())
    family.result = res
    bad = res[~res["protected"]]
    if len(bad):
        r = bad.iloc[0]
        raise AuditError(f"{r['table']}: {r['label']} ({r['mark']}) could be worked out from the published figures "
                         f"(it must be {r['low']:g}" + ("" if r["low"] == r["high"] else f"–{r['high']:g}") + ")")
    return res


# ---------------------------------------------------------------------------------------------
# shared helpers for the families
# ---------------------------------------------------------------------------------------------
def _blank(df: pd.DataFrame, row, columns) -> None:
    for c in columns:
        if c in df.columns:
            col = df[c]
            if not (col.dtype == object or isinstance(col.dtype, pd.Float64Dtype)):
                df[c] = col.astype("Float64")
            df.loc[row, c] = pd.NA


def _mark(df: pd.DataFrame, row, column, mark: str) -> None:
    if df[column].dtype != object:
        df[column] = df[column].astype(object)
    df.at[row, column] = mark


def _parts_of_total(s, table: str, rows, prefix: str, is_total, label, by: str) -> list:
    """Offenders by ward, by age band or by sex: each part a figure with its share of the total
    (the "Total" row, variable ``n``), and the parts summing to the total.  ``rows`` are
    ``(index, record)`` pairs; returns the parts' variable names."""
    keys = []
    for i, r in rows:
        if is_total(r):
            s.figure("n", r["offenders"], table, "Total offenders")
            continue
        k = f"{prefix}|{i}"
        keys.append(k)
        s.figure(k, r["offenders"], table, f"{label(r)}: offenders")
        s.ratio(k, "n", r["share"], f"{label(r)}: share of offenders")
    s.eq({**{k: 1 for k in keys}, "n": -1}, 0, f"offenders by {by} sum to all offenders")
    return keys


def _next_smallest(s: System, group: list, why: str) -> None:
    """The secondary rule is public: a "[c]" cell of a group (a column, a subset's bands) was
    chosen as the smallest count that was not itself small, so it is no larger than any count of
    the group still published."""
    shown = [k for k in group if s.is_known(k) and k not in s.cells and s.value(k) > 0]
    for h in group:
        c = s.cells.get(h)
        if c is None or c.mark != SECONDARY:
            continue
        for k in shown:
            s.le({h: 1, k: -1}, 0, f"{why}: {h} ≤ {k}")


def subset_structure(subsets: dict, universe) -> tuple[list, list]:
    """Which subsets of crimes hold which: ``(nested, partitions)``.

    ``subsets`` maps a subset name to its crime types (a set), ``None`` for all crime (every
    type in ``universe``, the crime types recorded in the period) or ``"flag"`` for a subset
    defined by a flag (domestic abuse: only known to lie within all crime).  ``nested`` lists
    (G, H) with G's crimes among H's; ``partitions`` lists (H, [G₁ … Gₙ], exact) where the Gᵢ
    hold pairwise different crime types within H — exactly all of H's when ``exact``.

    >>> nested, parts = subset_structure({"All crime": None, "Domestic abuse": "flag", "Burglary": {"Burglary"},
    ...     "Robbery": {"Robbery"}, "Neighbourhood": {"Burglary", "Robbery"}}, {"Burglary", "Robbery", "Drugs"})
    >>> sorted(nested)[:3]
    [('Burglary', 'All crime'), ('Burglary', 'Neighbourhood'), ('Domestic abuse', 'All crime')]
    >>> parts
    [('All crime', ['Neighbourhood'], False), ('Neighbourhood', ['Burglary', 'Robbery'], True)]
    """
    uni = frozenset(universe)
    types = {}
    for name, t in subsets.items():
        types[name] = uni if t is None else (None if isinstance(t, str) else frozenset(t) & uni)
    nested = []
    for g, tg in types.items():
        for h, th in types.items():
            if g == h:
                continue
            if tg is None:  # a flagged subset: within all crime only
                if subsets[h] is None:
                    nested.append((g, h))
            elif th is not None and tg <= th:
                nested.append((g, h))
    parts = []
    for h, th in types.items():
        if th is None:
            continue
        inner = [g for g, tg in types.items() if g != h and tg is not None and tg and tg < th]
        maximal = [g for g in inner if not any(types[g] < types[o] for o in inner if o != g)]
        maximal = list(dict.fromkeys(sorted(maximal, key=lambda g: list(types).index(g))))
        uniq, seen = [], set()
        for g in maximal:  # two groups with the same crime types: keep one
            if types[g] not in seen:
                seen.add(types[g])
                uniq.append(g)
        if not uniq or any(types[a] & types[b] for i, a in enumerate(uniq) for b in uniq[i + 1:]):
            continue
        exact = frozenset().union(*(types[g] for g in uniq)) == th
        parts.append((h, uniq, exact))
    return nested, parts


# ---------------------------------------------------------------------------------------------
# one-way tables that partition a published total (the ED assaults chapter: by LSOA, by means, ...)
# ---------------------------------------------------------------------------------------------
@dataclass
class Partition:
    """Rows of a published table whose counts add up to a published total.

    ``table``: the CSV's name; ``rows``: the row labels (of the frame's index) in the partition;
    ``total``: the published quantities the counts sum to, with their coefficients
    (``{"total": 1, "unmatched": -1}``: the attendances placed in an LSOA); ``name``: how the
    audit's messages name the partition (e.g. "by means of assault")."""

    table: str
    rows: list
    total: dict
    name: str = ""


class PartitionFamily(Family):
    """Tables of counts from personal records in which each group of rows is a partition of a
    published total: every attendance is in exactly one LSOA (or unmatched), one means of assault,
    one day of the week...  Relations: the counts of a partition sum to its total; a published
    share of a count is count ÷ the partition's total; the secondary rule of :func:`_next_smallest`.
    To protect a determinable cell the next-smallest count shown in its partition is hidden
    (shown as "[c]", its share left blank).

    Parameters
    ----------
    frames : dict
        Table name -> DataFrame (its index labels the rows; changed in place by :meth:`hide`).
    count, share : dict
        Table name -> the count column, and the share column (or None).
    partitions : list of Partition
    totals : dict
        The published totals (``{"total": 412, "unmatched": 30}``).
    label : dict, optional
        Table name -> the column naming a row in the audit's messages.
    min_count : int

    Examples
    --------
    Three days of the week summing to a published 14: two hidden as "<5" could be 1 + 4, 2 + 3, ...
    — protected; had the total been 12 (so the two hidden cells are 1 + 1), the next-smallest
    day is hidden too.

    >>> t = pd.DataFrame({"day": ["Mon", "Tue", "Wed"], "attendances": [10, "<5", "<5"]})
    >>> fam = PartitionFamily({"d": t}, {"d": "attendances"}, {"d": None},
    ...                       [Partition("d", [0, 1, 2], {"total": 1})], {"total": 14})
    >>> protect(fam)["d"].as_dict()
    {'audited': 2, 'determined_before': 0, 'extra': 0, 'determined_after': 0}
    >>> fam2 = PartitionFamily({"d": t.copy()}, {"d": "attendances"}, {"d": None},
    ...                        [Partition("d", [0, 1, 2], {"total": 1})], {"total": 12})
    >>> protect(fam2)["d"].extra, fam2.frames["d"]["attendances"].tolist()
    (1, ['[c]', '<5', '<5'])
    """

    def __init__(self, frames: dict, count: dict, share: dict, partitions: list, totals: dict,
                 label: dict | None = None, min_count: int = 5):
        self.frames = {k: v.copy() for k, v in frames.items()}
        self.count, self.share = dict(count), dict(share)
        self.partitions = list(partitions)
        self.totals = dict(totals)
        self.label_col = dict(label or {})
        self.min_count = int(min_count)
        self.tables = tuple(self.frames)

    @staticmethod
    def key(table: str, row) -> str:
        return f"{table}|{row}"

    def table_of(self, key: str) -> str:
        return key.partition("|")[0]

    def _row(self, key: str):
        table, _, row = key.partition("|")
        idx = self.frames[table].index
        return table, idx[[str(i) == row for i in idx]][0]

    def _name(self, table: str, row) -> str:
        col = self.label_col.get(table)
        return str(self.frames[table].at[row, col]) if col else str(row)

    def system(self) -> System:
        s = System(self.min_count)
        for k, v in self.totals.items():
            s.publish(k, v, f"summary.json {k}")
        for i, p in enumerate(self.partitions):
            f = self.frames[p.table]
            tkey = f"{p.table}|total{i}"
            s.eq({tkey: 1, **{k: -c for k, c in p.total.items()}}, 0, f"{p.table} {p.name}: the total")
            keys = []
            for row in p.rows:
                k = self.key(p.table, row)
                keys.append(k)
                s.figure(k, f.at[row, self.count[p.table]], p.table, f"{self._name(p.table, row)}")
                sc = self.share.get(p.table)
                if sc:
                    s.ratio(k, tkey, f.at[row, sc], f"{p.table}: share of {self._name(p.table, row)}")
            s.eq({**{k: 1 for k in keys}, tkey: -1}, 0, f"{p.table} {p.name}: the counts sum to the total")
            _next_smallest(s, keys, f"{p.table} {p.name}")
        return s

    def candidates(self, cell: str) -> dict:
        """Tier 0: the counts still shown (and not 0) of the cell's partition."""
        table = self.table_of(cell)
        out = {}
        for p in self.partitions:
            keys = [self.key(p.table, r) for r in p.rows]
            if p.table != table or cell not in keys:
                continue
            f = self.frames[table]
            for r, k in zip(p.rows, keys):
                v = f.at[r, self.count[table]]
                if k != cell and _is_number(v) and float(v) > 0:
                    out[k] = 0
        return out

    def hide(self, key: str) -> list:
        table, row = self._row(key)
        f = self.frames[table]
        col = self.count[table]
        _mark(f, row, col, hidden_mark(f.at[row, col], self.min_count))
        if self.share.get(table):
            _blank(f, row, [self.share[table]])
        return [key]


# ---------------------------------------------------------------------------------------------
# chapter 4: repeat_victims + repeat_victim_distribution (+ the victims headlines)
# ---------------------------------------------------------------------------------------------
class VictimsFamily(Family):
    """The repeat-victims table, the crimes-per-victim distribution and the chapter's headlines.

    Quantities per subset s (all crime, domestic abuse, each crime group): victims V, repeat
    victims R, pairs P, look-back repeats L (published in ``repeat_victims``); victims xₖ and
    pairs pₖ in band k (published in ``repeat_victim_distribution``); unpublished: pairs of
    repeat victims RP, dated pairs D, repeats within w days N_w.  Relations:

    * V = Σₖ xₖ; R = Σ_{k≥2} xₖ; P = Σₖ pₖ; RP = P − p₁;
    * pₖ = k·xₖ below the top band; 5·x₅₊ ≤ p₅₊ ≤ C·x₅₊ (C = crimes in the period);
    * shares and rates: repeat_rate·V = R; repeat_pair_share·P = RP; lookback_rate·D = L;
      within_w·L = N_w; shareₖ·V = xₖ;
    * 0 ≤ P − D ≤ undated pairs of all crime (published in the chapter's note; = for all crime);
      N_w ≤ N_w′ (w < w′) ≤ L ≤ D; N_w = L for w ≥ the look-back; and, with a look-back of a
      year or more, L ≥ RP − R − (P − D) (every later in-year crime of a repeat victim follows
      an earlier one within the year);
    * across subsets: for G within H, victims with k or more crimes, their pairs, L, N_w, D and
      P − D are no larger in G than in H; for groups of different crime types within H, their
      pairs, dated pairs, L and N_w add up to no more than H's (exactly, for P and D, when they
      make up H, and then V_H ≤ Σ V_G);
    * the secondary rule: a "[c]" band is no larger than any band of its subset still shown;
    * headlines: victims.victims, .repeat_victims, .pairs, .repeat_rate, … are the all-crime
      (and domestic-abuse) row's figures.
    """

    tables = ("repeat_victims", "repeat_victim_distribution")

    def __init__(self, table: pd.DataFrame, dist: pd.DataFrame, min_count: int = 5, windows=(7, 30, 90, 365),
                 lookback_days: int = 365, subsets: dict | None = None, universe=(), crimes: int = 0,
                 undated: int = 0, small_within=(), headlines: dict | None = None):
        self.table = table.copy()
        self.dist = dist.copy().reset_index(drop=True)
        self.min_count = int(min_count)
        self.windows = [int(w) for w in windows]
        self.lookback = int(lookback_days)
        self.subsets = dict(subsets) if subsets is not None else {n: (None if i == 0 else "flag")
                                                                    for i, n in enumerate(self.table.index)}
        self.universe = frozenset(universe)
        self.crimes = max(int(crimes), 1)
        self.undated = int(undated)
        self.small_within = set(small_within)
        self.headlines = dict(headlines or {})
        self.bands = list(dict.fromkeys(self.dist["crimes_per_victim"].astype(str)))

    # -- keys ------------------------------------------------------------------------------
    @staticmethod
    def key(subset, q) -> str:
        return f"{subset}|{q}"

    @staticmethod
    def split(key: str) -> tuple[str, str]:
        s, _, q = key.rpartition("|")
        return s, q

    def table_of(self, key: str) -> str:
        q = self.split(key)[1]
        return "repeat_victim_distribution" if q[:1] in ("x", "p") or q == "withdraw" else "repeat_victims"

    def _band_k(self, b: str) -> int:
        return int(b.rstrip("+"))

    # -- the system ------------------------------------------------------------------------
    def system(self) -> System:
        s = System(self.min_count)
        m = self.min_count
        names = [n for n in self.table.index if n in self.subsets]
        bands, top = self.bands, self.bands[-1]
        table = self.table.to_dict("index")
        dist = {(r["subset"], str(r["crimes_per_victim"])): r for r in self.dist.to_dict("records")}
        for name in names:
            q = functools.partial(self.key, name)
            r = table[name]
            s.figure(q("V"), r["victims"], "repeat_victims", f"{name}: victims")
            s.figure(q("R"), r["repeat_victims"], "repeat_victims", f"{name}: repeat victims")
            s.figure(q("P"), r["pairs"], "repeat_victims", f"{name}: victim–crime pairs")
            s.figure(q("L"), r["lookback_repeat_pairs"], "repeat_victims", f"{name}: look-back repeats")
            s.ratio(q("R"), q("V"), r.get("repeat_rate"), f"{name}: repeat-victim rate")
            s.ratio(q("RP"), q("P"), r.get("repeat_pair_share"), f"{name}: share of pairs")
            s.ratio(q("L"), q("D"), r.get("lookback_rate"), f"{name}: look-back rate")
            for w in self.windows:
                if (name, w) in self.small_within and not _is_number(r.get(f"within_{w}")):
                    s.hide(q(f"N{w}"), f"<{m}", "repeat_victims", f"{name}: repeats within {w} days")
                s.ratio(q(f"N{w}"), q("L"), r.get(f"within_{w}"), f"{name}: share within {w} days")
            xs, ps = [], []
            for b in bands:
                k = self._band_k(b)
                x, p = q(f"x{b}"), q(f"p{b}")
                xs.append(x), ps.append(p)
                row = dist[(name, b)]
                s.figure(x, row["victims"], "repeat_victim_distribution", f"{name}, {b} crime(s): victims")
                # the pairs of a hidden band are "[c]" whatever their size (they would reveal its victims)
                s.figure(p, row["pairs"], "repeat_victim_distribution", f"{name}, {b} crime(s): pairs",
                         **({"low": 1} if row["pairs"] == SECONDARY and b != bands[0] else {}))
                s.ratio(x, q("V"), row["share"], f"{name}, {b}: share of victims")
                if b == top:
                    s.le({x: k, p: -1}, 0, f"{name}: {b} band holds at least {k} pairs per victim")
                    s.le({p: 1, x: -self.crimes}, 0, f"{name}: no pairs in an empty {b} band")
                else:
                    s.eq({p: 1, x: -k}, 0, f"{name}: band {b} holds {k} pairs per victim")
            s.eq({q("V"): 1, **{x: -1 for x in xs}}, 0, f"{name}: victims = Σ bands")
            s.eq({q("R"): 1, **{x: -1 for x in xs[1:]}}, 0, f"{name}: repeat victims = Σ bands 2+")
            s.eq({q("P"): 1, **{p: -1 for p in ps}}, 0, f"{name}: pairs = Σ band pairs")
            s.eq({q("RP"): 1, q("P"): -1, ps[0]: 1}, 0, f"{name}: repeat pairs = pairs − band 1")
            _next_smallest(s, xs, f"{name}: secondary rule")
            # look-back: dated pairs, repeats, windows
            if self.subsets[name] is None:
                s.eq({q("P"): 1, q("D"): -1}, self.undated, f"{name}: pairs without an offence date")
            else:
                s.le({q("D"): 1, q("P"): -1}, 0, f"{name}: dated pairs ≤ pairs")
                s.le({q("P"): 1, q("D"): -1}, self.undated, f"{name}: undated pairs ≤ all crime's")
            s.le({q("L"): 1, q("D"): -1}, 0, f"{name}: look-back repeats ≤ dated pairs")
            if self.lookback >= 365:
                s.ge({q("L"): 1, q("RP"): -1, q("R"): 1, q("P"): 1, q("D"): -1}, 0,
                     f"{name}: later in-year crimes of repeat victims are look-back repeats")
            prev = None
            for w in sorted(self.windows):
                n = q(f"N{w}")
                if prev is not None:
                    s.le({prev: 1, n: -1}, 0, f"{name}: within {w} days ≥ within fewer")
                if w >= self.lookback:
                    s.eq({n: 1, q("L"): -1}, 0, f"{name}: every repeat is within {w} days")
                else:
                    s.le({n: 1, q("L"): -1}, 0, f"{name}: repeats within {w} days ≤ repeats")
                prev = n
        self._cross(s, names)
        self._headlines(s)
        return s

    def _tails(self, name):
        bands = self.bands
        return [([self.key(name, f"x{b}") for b in bands[i:]], [self.key(name, f"p{b}") for b in bands[i:]])
                for i in range(len(bands))]

    def _cross(self, s: System, names: list) -> None:
        nested, parts = subset_structure({n: self.subsets[n] for n in names}, self.universe)
        add = ["L", *[f"N{w}" for w in self.windows], "D"]
        for g, h in nested:
            why = f"{g} within {h}"
            for (xg, pg), (xh, ph) in zip(self._tails(g), self._tails(h)):
                s.le({**{k: 1 for k in xg}, **{k: -1 for k in xh}}, 0, why)
                s.le({**{k: 1 for k in pg}, **{k: -1 for k in ph}}, 0, why)
            for a in add:
                s.le({self.key(g, a): 1, self.key(h, a): -1}, 0, why)
            s.le({self.key(g, "P"): 1, self.key(g, "D"): -1, self.key(h, "P"): -1, self.key(h, "D"): 1}, 0, why)
        for h, gs, exact in parts:
            why = f"{', '.join(gs)} {'make up' if exact else 'within'} {h}"
            for a in ("P", "D"):
                terms = {self.key(h, a): -1.0}
                for g in gs:
                    terms[self.key(g, a)] = terms.get(self.key(g, a), 0) + 1.0
                (s.eq if exact else s.le)(terms, 0, why)
            for a in add[:-1]:
                s.le({**{self.key(g, a): 1 for g in gs}, self.key(h, a): -1}, 0, why)
            for i in range(1, len(self.bands)):
                terms = {k: -1.0 for k in self._tails(h)[i][1]}
                for g in gs:
                    for k in self._tails(g)[i][1]:
                        terms[k] = 1.0
                s.le(terms, 0, why)
            if exact:
                s.le({self.key(h, "V"): 1, **{self.key(g, "V"): -1 for g in gs}}, 0, why)

    #: headline key -> (subset index: 0 all crime, 1 domestic abuse; quantity or ratio)
    HEADLINES = {"victims.victims": ("all", "V"), "victims.repeat_victims": ("all", "R"),
                 "victims.pairs": ("all", "P"), "victims.da_victims": ("da", "V"),
                 "victims.da_repeat_victims": ("da", "R")}
    RATIOS = {"victims.repeat_rate": ("all", "R", "V"), "victims.repeat_pair_share": ("all", "RP", "P"),
              "victims.repeat_rate_lookback": ("all", "L", "D"), "victims.da_repeat_rate": ("da", "R", "V"),
              "victims.da_repeat_rate_lookback": ("da", "L", "D")}

    def _headlines(self, s: System) -> None:
        if not self.headlines:
            return
        subs = {"all": next((n for n, t in self.subsets.items() if t is None), None),
                "da": next((n for n, t in self.subsets.items() if isinstance(t, str)), None)}
        for k, (which, q) in self.HEADLINES.items():
            v = self.headlines.get(k)
            if subs[which] is not None and _is_number(v):
                s.publish(self.key(subs[which], q), v, f"summary.json {k}")
        ratios = dict(self.RATIOS)
        ratios.update({f"victims.repeat_within.{w}": ("all", f"N{w}", "L") for w in self.windows})
        for k, (which, num, den) in ratios.items():
            if subs[which] is not None:
                s.ratio(self.key(subs[which], num), self.key(subs[which], den), self.headlines.get(k),
                        f"summary.json {k}")

    # -- protection ------------------------------------------------------------------------
    def candidates(self, cell: str) -> dict:
        """Tier 0: the smallest band still shown of the cell's subset; 1: that of another subset;
        2: withdraw the cell's subset's distribution (publish less: its zeros and marks can pin a
        small subset — 2 victims, bands 2, 4 and 5+ zero, 4 pairs or fewer: one victim of 3
        crimes); 3: withdraw another's; 4: the cell's subset's pairs or look-back repeats (with the
        rates resting on them); 5: another subset's; 6: a subset's victims, where its repeat
        victims are hidden (so no published rate rests on them).  A band of one crime is no
        candidate while victims and repeat victims are shown (it is their difference)."""
        name, _ = self.split(cell)
        out = {}
        for sub, d in self.dist.groupby("subset", sort=False):
            own = sub == name
            if d["victims"].map(is_hidden).any() and d["victims"].notna().any():
                out[self.key(sub, "withdraw")] = 2 if own else 3
            r = self.table.loc[sub] if sub in self.table.index else None
            shown = [(float(v), b) for v, b in zip(d["victims"], d["crimes_per_victim"].astype(str))
                     if _is_number(v) and v > 0]
            if not shown:
                continue
            v, b = min(shown)
            if b == self.bands[0] and r is not None and _is_number(r["victims"]) and _is_number(r["repeat_victims"]):
                continue
            out[self.key(sub, f"x{b}")] = 0 if own else 1
        for n, r in self.table.iterrows():
            for col, q in (("pairs", "P"), ("lookback_repeat_pairs", "L")):
                if _is_number(r[col]) and r[col] > 0:
                    out[self.key(n, q)] = 4 if n == name else 5
            if is_hidden(r["repeat_victims"]) and _is_number(r["victims"]) and r["victims"] > 0:
                out[self.key(n, "V")] = 6
        return out

    def anchor(self, key: str) -> str:
        name, q = self.split(key)
        return self.key(name, "V") if q == "withdraw" else key

    def label(self, key: str) -> str | None:
        name, q = self.split(key)
        if q == "withdraw":
            return f"{name}: the crimes-per-victim distribution (not published)"
        return {"P": f"{name}: victim–crime pairs", "L": f"{name}: look-back repeats",
                "V": f"{name}: victims"}.get(q) or (f"{name}, {q[1:]} crime(s): victims" if q[:1] == "x" else None)

    def hide(self, key: str) -> list:
        name, q = self.split(key)
        m = self.min_count
        if q.startswith(("x", "p")):
            b = q[1:]
            i = self.dist.index[(self.dist["subset"] == name) & (self.dist["crimes_per_victim"].astype(str) == b)][0]
            _mark(self.dist, i, "victims", hidden_mark(self.dist.at[i, "victims"], m))
            p = self.dist.at[i, "pairs"]
            _mark(self.dist, i, "pairs", SECONDARY if b != self.bands[0] else hidden_mark(p, m))
            _blank(self.dist, i, ["share"])
            return [self.key(name, f"x{b}"), self.key(name, f"p{b}")]
        if q == "withdraw":
            rows = self.dist.index[self.dist["subset"] == name]
            for c in ("victims", "pairs"):
                self.dist[c] = self.dist[c].astype(object)
                self.dist.loc[rows, c] = None
            _blank(self.dist, rows, ["share"])
            return []
        if q == "P":
            _mark(self.table, name, "pairs", hidden_mark(self.table.at[name, "pairs"], m))
            _blank(self.table, name, ["repeat_pair_share", "lookback_rate"])
            return [key]
        if q == "L":
            col = "lookback_repeat_pairs"
            _mark(self.table, name, col, hidden_mark(self.table.at[name, col], m))
            _blank(self.table, name, ["lookback_rate", *[f"within_{w}" for w in self.windows]])
            return [key]
        if q == "V":
            _mark(self.table, name, "victims", hidden_mark(self.table.at[name, "victims"], m))
            _blank(self.table, name, ["repeat_rate"])
            rows = self.dist.index[(self.dist["subset"] == name)
                                   & (pd.to_numeric(self.dist["share"], errors="coerce").fillna(0) > 0)]
            for i in rows:
                _blank(self.dist, i, ["share"])
            return [key]
        else:  # pragma: no cover
            raise AuditError(f"cannot hide {key}")


# ---------------------------------------------------------------------------------------------
# chapter 4: repeat_asb_callers (+ the ASB headlines)
# ---------------------------------------------------------------------------------------------
class ASBFamily(Family):
    """The repeat-callers table (one row per period) and its headlines.

    Per period: calls, calls with a caller reference W, callers K, repeat callers R and their
    calls C.  Relations: R ≤ K ≤ W ≤ calls; C ≥ t·R (t = ``asb.repeat_calls``); C ≤ W·R (no
    repeat caller, no calls); C ≤ W − (K − R) (every other caller made a call); W − C ≤
    (t − 1)·⌈366 / window days⌉·(K − R) (no other caller made t calls in any window); the three
    shares C ÷ W, C ÷ calls and R ÷ K; the headlines (the last period's calls, callers, repeat
    callers and share of calls).  Repeat callers and their calls hidden together are "[c]"
    whatever their size (so they may be 0 or small).
    """

    tables = ("repeat_asb_callers",)

    def __init__(self, table: pd.DataFrame, min_count: int = 5, repeat_calls: int = 10, window_weeks: int = 24,
                 headlines: dict | None = None):
        self.table = table.copy().reset_index(drop=True)
        self.min_count = int(min_count)
        self.t = int(repeat_calls)
        self.most_other = (self.t - 1) * math.ceil(366 / (7 * int(window_weeks)))
        self.headlines = dict(headlines or {})

    def key(self, i, q) -> str:
        return f"{self.table.at[i, 'period']}|{q}"

    def table_of(self, key: str) -> str:
        return "repeat_asb_callers"

    def system(self) -> System:
        s = System(self.min_count)
        T = "repeat_asb_callers"
        for i, r in self.table.iterrows():
            k = functools.partial(self.key, i)
            per = r["period"]
            s.figure(k("calls"), r["calls"], T, f"{per}: ASB calls")
            s.figure(k("W"), r["calls_with_caller"], T, f"{per}: calls with a caller reference")
            s.figure(k("K"), r["callers"], T, f"{per}: callers")
            s.figure(k("R"), r["repeat_callers"], T, f"{per}: repeat callers", **_any_size(r["repeat_callers"]))
            s.figure(k("C"), r["repeat_caller_calls"], T, f"{per}: calls by repeat callers",
                     **_any_size(r["repeat_caller_calls"]))
            big = max(float(v) for v in (r["calls"], r["calls_with_caller"], 1) if _is_number(v))
            s.le({k("R"): 1, k("K"): -1}, 0, f"{per}: repeat callers ≤ callers")
            s.le({k("K"): 1, k("W"): -1}, 0, f"{per}: callers ≤ calls with a caller")
            s.le({k("W"): 1, k("calls"): -1}, 0, f"{per}: calls with a caller ≤ calls")
            s.ge({k("C"): 1, k("R"): -self.t}, 0, f"{per}: a repeat caller made {self.t} or more calls")
            s.le({k("C"): 1, k("R"): -big}, 0, f"{per}: no repeat caller, no calls by repeat callers")
            s.le({k("C"): 1, k("W"): -1, k("K"): 1, k("R"): -1}, 0, f"{per}: every other caller made a call")
            s.le({k("W"): 1, k("C"): -1, k("K"): -self.most_other, k("R"): self.most_other}, 0,
                 f"{per}: no other caller made {self.t} calls in a window")
            s.ratio(k("C"), k("W"), r["repeat_caller_call_share"], f"{per}: share of calls with a caller")
            s.ratio(k("C"), k("calls"), r["repeat_caller_share_all_calls"], f"{per}: share of all calls")
            s.ratio(k("R"), k("K"), r["repeat_caller_share"], f"{per}: share of callers")
        if len(self.table) and self.headlines:
            last = len(self.table) - 1
            for h, q in (("victims.asb_calls", "calls"), ("victims.asb_callers", "K"), ("victims.repeat_callers", "R")):
                if _is_number(self.headlines.get(h)):
                    s.publish(self.key(last, q), self.headlines[h], f"summary.json {h}")
            s.ratio(self.key(last, "C"), self.key(last, "W"), self.headlines.get("victims.repeat_caller_call_share"),
                    "summary.json victims.repeat_caller_call_share")
        return s

    def candidates(self, cell: str) -> dict:
        """Tier 0: the period's callers; 1: its calls with a caller reference."""
        per = cell.rpartition("|")[0]
        out = {}
        for i, r in self.table.iterrows():
            if str(r["period"]) != per:
                continue
            for col, q, tier in (("callers", "K", 0), ("calls_with_caller", "W", 1)):
                if _is_number(r[col]) and r[col] > 0:
                    out[self.key(i, q)] = tier
        return out

    def hide(self, key: str) -> list:
        per, _, q = key.rpartition("|")
        i = self.table.index[self.table["period"].astype(str) == per][0]
        col = {"K": "callers", "W": "calls_with_caller"}[q]
        _mark(self.table, i, col, hidden_mark(self.table.at[i, col], self.min_count))
        _blank(self.table, i, ["repeat_caller_share"] if q == "K" else ["repeat_caller_call_share"])
        return [key]


# ---------------------------------------------------------------------------------------------
# chapter 3: offender_concentration, offender_crime_mix, offender_wards, offender_age_sex
# ---------------------------------------------------------------------------------------------
class OffendersFamily(Family):
    """Chapter 3's tables, its prolific-offender figures and headlines.

    Quantities: offenders n, linked crimes, all crimes; crimes linked to each top-p% group
    (group sizes kₚ = ⌈p·n⌉ published); prolific offenders K and their crimes C; crimes by type
    linked to the top ``mix_share`` group and to the rest; offenders by ward (with outside the
    area and not recorded), by age band and by sex.  Relations:

    * kₚ = ⌈p·n⌉ (p·n ≤ kₚ < p·n + 1); wards, age bands and sexes each sum to n;
    * every share: group crimes = share_linked × linked = share_all × all; ward, age and sex
      counts = share × n; crime-type counts = share × their group's total; K = offenders_share × n;
      C = prolific_share × linked (× all);
    * crimes linked to the top k offenders never fall as k grows (the groups, the crime mix's top
      group and the prolific group, whose position in that order is found with one binary
      variable per group when K is hidden); the mix's top column sums to its group's crimes
      and the rest column to linked crimes minus them;
    * the order rows are published in: wards by offenders (most first; equal counts by ward
      name), crime types by top-group crimes, then rest crimes, then name;
    * the secondary rule: a "[c]" count is no larger than a count of its column (or block)
      still shown;
    * headlines: offenders.offenders = n, .linked_crimes, .all_crimes, .top_count.*, .top_share.*,
      .prolific = K, .prolific_share.*, .outside_area (the Gini coefficient is not linear in the
      counts and is left out).
    """

    tables = ("offender_concentration", "offender_crime_mix", "offender_wards", "offender_age_sex")
    LABELS = {"pro|C": "the prolific offenders' shares of crime"}

    def __init__(self, concentration=None, prolific: dict | None = None, mix=None, wards=None, age_sex=None,
                 n: int | None = None, min_count: int = 5, mix_share: float = 0.10, mix_group: int | None = None,
                 small: dict | None = None, headlines: dict | None = None):
        self.concentration = None if concentration is None else concentration.copy()
        self.prolific = dict(prolific or {})
        self.mix = None if mix is None else mix.copy()
        self.wards = None if wards is None else wards.copy().reset_index(drop=True)
        self.age_sex = None if age_sex is None else age_sex.copy().reset_index(drop=True)
        self.min_count = int(min_count)
        self.mix_share = float(mix_share)
        self.mix_group = mix_group
        self.n_published = n
        self.small = dict(small or {})   # {"prolific": bool, "prolific_crimes": bool}
        self.headlines = dict(headlines or {})

    def table_of(self, key: str) -> str:
        return {"conc": "offender_concentration", "pro": "offender_concentration", "mix": "offender_crime_mix",
                "ward": "offender_wards", "age": "offender_age_sex", "n": "offender_wards"}[key.split("|")[0]]

    # -- the system ------------------------------------------------------------------------
    def system(self) -> System:
        s = System(self.min_count)
        if self.n_published is not None:
            s.publish("n", self.n_published, "summary.json offenders.offenders")
        chain = []  # (group size, crimes key)
        if self.concentration is not None:
            T = "offender_concentration"
            for p, r in self.concentration.iterrows():
                k = f"conc|{p}"
                s.figure(k, r["crimes"], T, f"{r['group']}: crimes linked to the group")
                s.figure("linked", r["linked_crimes"], T, "offender-linked crimes")
                if _is_number(r["all_crimes"]):
                    s.publish("all", r["all_crimes"], "all recorded crimes")
                s.ratio(k, "linked", r["share_linked"], f"{r['group']}: share of offender-linked crimes")
                s.ratio(k, "all", r["share_all"], f"{r['group']}: share of all recorded crime")
                kp = int(r["offenders"])
                s.le({"n": float(p)}, kp, f"{r['group']}: ⌈p·n⌉ = {kp}")
                s.ge({"n": float(p)}, kp - 1 + 1e-6, f"{r['group']}: ⌈p·n⌉ = {kp}")
                chain.append((kp, k))
                s.le({k: 1, "linked": -1}, 0, f"{r['group']}: crimes ≤ linked crimes")
                if kp >= 1:
                    s.ge({k: 1}, 1, f"{r['group']}: a group of offenders has crimes")
        self._prolific(s, chain)
        self._mix(s, chain)
        chain.sort()
        for (k1, a), (k2, b) in zip(chain, chain[1:]):
            s.le({a: 1, b: -1}, 0, f"crimes of the top {k1} ≤ crimes of the top {k2}")
        self._wards(s)
        self._age_sex(s)
        if self.headlines:
            for h, q in (("offenders.offenders", "n"), ("offenders.linked_crimes", "linked"),
                         ("offenders.all_crimes", "all"), ("offenders.prolific", "pro|K")):
                if _is_number(self.headlines.get(h)):
                    s.publish(q, self.headlines[h], f"summary.json {h}")
            out = self.headlines.get("offenders.outside_area")
            if _is_number(out) and self.wards is not None:
                i = self.wards.index[self.wards["ward_name"] == "Outside the area"]
                if len(i):
                    s.publish(f"ward|{i[0]}", out, "summary.json offenders.outside_area")
            s.ratio("pro|C", "linked", self.headlines.get("offenders.prolific_share.linked"), "summary.json prolific")
            s.ratio("pro|C", "all", self.headlines.get("offenders.prolific_share.all"), "summary.json prolific")
            if self.concentration is not None:
                for p in self.concentration.index:
                    for d, den in (("linked", "linked"), ("all", "all")):
                        s.ratio(f"conc|{p}", den, self.headlines.get(f"offenders.top_share.{share_key(p)}.{d}"),
                                "summary.json top share")
        return s

    def _prolific(self, s: System, chain: list) -> None:
        pr = self.prolific
        if not pr:
            return
        m = self.min_count
        T = "offender_concentration"
        t = int(pr.get("threshold") or 1)
        who = f"offenders linked to {t} or more crimes"
        if _is_number(pr.get("offenders")):
            s.publish("pro|K", pr["offenders"], "prolific offenders (sentence, summary.json)")
        elif self.small.get("prolific"):
            s.hide("pro|K", f"<{m}", T, who)
        if self.small.get("prolific_crimes") and not _is_number(pr.get("share_linked")):
            s.hide("pro|C", f"<{m}", T, f"crimes of {who}")
        s.ratio("pro|K", "n", pr.get("offenders_share"), "prolific offenders' share of offenders")
        s.ratio("pro|C", "linked", pr.get("share_linked"), "prolific crimes' share of linked crimes")
        s.ratio("pro|C", "all", pr.get("share_all"), "prolific crimes' share of all crimes")
        big = max([1.0] + [float(v) for v in (s.value("linked"), s.value("all"), s.value("n")) if v is not None])
        s.le({"pro|K": 1, "n": -1}, 0, "prolific offenders ≤ offenders")
        s.le({"pro|C": 1, "linked": -1}, 0, "prolific crimes ≤ linked crimes")
        s.le({"pro|C": 1, "pro|K": -big}, 0, "no prolific offender, no prolific crimes")
        s.unknown("pro|y", 0, 1)  # y = 1 when there is a prolific offender
        s.le({"pro|y": 1, "pro|K": -1}, 0, "")
        s.le({"pro|K": 1, "pro|y": -big}, 0, "")
        s.ge({"pro|C": 1, "pro|y": -t}, 0, f"a prolific offender alone has {t} or more crimes")
        if s.is_known("pro|K"):
            chain.append((int(s.value("pro|K")), "pro|C"))
            return
        # K hidden: where it sits among the group sizes is one binary per group
        for kp, key in list(chain):
            z = f"pro|z{kp}|{key}"
            s.unknown(z, 0, 1)
            s.ge({"pro|K": 1, z: -kp}, 0, f"K ≥ {kp} when z")
            s.le({"pro|K": 1, z: -big}, kp - 1, f"K ≤ {kp} − 1 unless z")
            s.ge({"pro|C": 1, key: -1, z: -big}, -big, f"z: prolific crimes ≥ crimes of the top {kp}")
            s.le({"pro|C": 1, key: -1, z: -big}, 0, f"not z: prolific crimes ≤ crimes of the top {kp}")

    def _mix(self, s: System, chain: list) -> None:
        if self.mix is None:
            return
        T = "offender_crime_mix"
        top_total = None
        if self.concentration is not None:
            hit = [p for p in self.concentration.index if abs(float(p) - self.mix_share) < 1e-12]
            if hit:
                top_total = f"conc|{hit[0]}"
        if top_total is None:
            top_total = "mix|T"
            if self.mix_group is not None:
                chain.append((int(self.mix_group), top_total))
        s.eq({"mix|R": 1, "linked": -1, top_total: 1}, 0, "rest of linked crimes")
        names = [str(t) for t in self.mix.index]
        rows = self.mix.to_dict("records")
        tops, rests = [], []
        for name, r in zip(names, rows):
            a, b = f"mix|top|{name}", f"mix|rest|{name}"
            tops.append(a), rests.append(b)
            s.figure(a, r["top_crimes"], T, f"{name}: crimes linked to the top group")
            s.figure(b, r["rest_crimes"], T, f"{name}: crimes linked only to other offenders")
            s.ratio(a, top_total, r["top_share"], f"{name}: share of the top group's crimes")
            s.ratio(b, "mix|R", r["rest_share"], f"{name}: share of other offenders' crimes")
        s.eq({**{a: 1 for a in tops}, top_total: -1}, 0, "the top group's crimes by type")
        s.eq({**{b: 1 for b in rests}, "mix|R": -1}, 0, "other offenders' crimes by type")
        for i in range(len(rows) - 1):
            a1, a2, b1, b2 = tops[i], tops[i + 1], rests[i], rests[i + 1]
            strict = 0
            if s.is_known(b1) and s.is_known(b2):
                v1, v2 = s.value(b1), s.value(b2)
                strict = 1 if (v1 < v2 or (v1 == v2 and names[i] > names[i + 1])) else 0
            s.ge({a1: 1, a2: -1}, strict, f"crime types in order of top-group crimes: {names[i]}, {names[i + 1]}")
            if s.is_known(a1) and s.is_known(a2) and s.value(a1) == s.value(a2):
                s.ge({b1: 1, b2: -1}, 1 if names[i] > names[i + 1] else 0, "equal top-group crimes: by rest")
        _next_smallest(s, tops, "mix top column: secondary rule")
        _next_smallest(s, rests, "mix rest column: secondary rule")

    def _wards(self, s: System) -> None:
        if self.wards is None:
            return
        T = "offender_wards"
        rows = list(enumerate(self.wards.to_dict("records")))
        keys = _parts_of_total(s, T, rows, "ward", lambda r: r["ward_name"] == "Total" and pd.isna(r["ward_code"]),
                               lambda r: str(r["ward_name"]), "ward")
        order = [(f"ward|{i}", str(r["ward_name"])) for i, r in rows if not pd.isna(r["ward_code"])]
        for (a, na), (b, nb) in zip(order, order[1:]):
            s.ge({a: 1, b: -1}, 1 if na > nb else 0, f"wards in order of offenders: {na}, {nb}")
        _next_smallest(s, keys, "wards: secondary rule")

    def _age_sex(self, s: System) -> None:
        if self.age_sex is None:
            return
        T = "offender_age_sex"
        for block, d in self.age_sex.groupby("breakdown", sort=False):
            keys = _parts_of_total(s, T, list(d.iterrows()), "age", lambda r: r["group"] == "Total",
                                   lambda r, b=block: f"{b} {r['group']}", block.lower())
            _next_smallest(s, keys, f"{block}: secondary rule")

    # -- protection ------------------------------------------------------------------------
    def _groups(self) -> dict:
        """Column or block groups: group name -> [(key, value)]."""
        g = {}
        if self.concentration is not None:
            g["conc"] = [(f"conc|{p}", v) for p, v in self.concentration["crimes"].items()]
        if self.mix is not None:
            g["mix|top"] = [(f"mix|top|{t}", v) for t, v in self.mix["top_crimes"].items()]
            g["mix|rest"] = [(f"mix|rest|{t}", v) for t, v in self.mix["rest_crimes"].items()]
        if self.wards is not None:
            g["ward"] = [(f"ward|{i}", r["offenders"]) for i, r in self.wards.iterrows()
                         if not (r["ward_name"] == "Total" and pd.isna(r["ward_code"]))]
        if self.age_sex is not None:
            for block, d in self.age_sex.groupby("breakdown", sort=False):
                g[f"age|{block}"] = [(f"age|{i}", r["offenders"]) for i, r in d.iterrows() if r["group"] != "Total"]
        return g

    def candidates(self, cell: str) -> dict:
        """Tier 0: the smallest count still shown of the cell's column or block; 1: that of another
        column or block; 2: the prolific offenders' crimes (their shares).  The crimes of the top
        p% groups are never hidden further: their shares are the chapter's headline figures, which
        the performance chapter and the executive summary publish too."""
        out = {}
        for name, items in self._groups().items():
            if name == "conc":
                continue
            shown = [(float(v), k) for k, v in items if _is_number(v) and v > 0]
            if not shown:
                continue
            mine = any(k == cell for k, _ in items)
            out[min(shown)[1]] = 0 if mine else 1
        if _is_number(self.prolific.get("share_linked")) or _is_number(self.prolific.get("share_all")):
            out["pro|C"] = 0 if cell.startswith("pro|") else 2
        return out

    def hide(self, key: str) -> list:
        m = self.min_count
        kind, _, rest = key.partition("|")
        if kind == "conc":
            p = next(p for p in self.concentration.index if str(p) == rest)
            _mark(self.concentration, p, "crimes", hidden_mark(self.concentration.at[p, "crimes"], m))
            _blank(self.concentration, p, ["share_linked", "share_all"])
        elif kind == "mix":
            col, _, t = rest.partition("|")
            idx = next(i for i in self.mix.index if str(i) == t)
            _mark(self.mix, idx, f"{col}_crimes", hidden_mark(self.mix.at[idx, f"{col}_crimes"], m))
            _blank(self.mix, idx, [f"{col}_share"])
        elif kind == "ward":
            i = int(rest)
            _mark(self.wards, i, "offenders", hidden_mark(self.wards.at[i, "offenders"], m))
            _blank(self.wards, i, ["share"])
        elif kind == "age":
            i = int(rest)
            _mark(self.age_sex, i, "offenders", hidden_mark(self.age_sex.at[i, "offenders"], m))
            _blank(self.age_sex, i, ["share"])
        elif key == "pro|C":
            self.prolific["share_linked"] = self.prolific["share_all"] = None
            return []
        else:  # pragma: no cover
            raise AuditError(f"cannot hide {key}")
        return [key]
