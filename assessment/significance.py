"""The one significance rule of the hot-spot analysis, and every sentence about it.

Hot and cold spots (chapter 2, :mod:`assessment.chapters.hotspots`) and the yearly hot/cold states of the
emerging hot-spot analysis (:func:`assessment.chapters.hotspots.analyse_emerging`) are decided by one rule,
:class:`SignificanceRule`, built from the config (``hotspots.fdr``, ``hotspots.permutations``,
``hotspots.max_permutations``).  The chapter's text, the p column shown beside each class, the key
findings and the methods appendix all take their wording from it, so ``hotspots.fdr: false``
changes all of them together.  No other module words the rule itself.

Example
-------
>>> r = SignificanceRule()
>>> r.fdr, r.permutations, r.p_column, r.p_label
(True, 9999, 'gi_p_fdr', 'p (FDR-adjusted)')
>>> r.allowance(150)
'allowing for testing all 150 LSOAs at once (false discovery rate)'
>>> SignificanceRule(fdr=False).allowance(150)
'each LSOA tested on its own, not allowing for testing 150 LSOAs at once'
"""
from __future__ import annotations

import math
from dataclasses import dataclass, replace

# the rule's numbers (the class thresholds ALPHAS, the defaults of hotspots.permutations,
# hotspots.max_permutations and hotspots.fdr, the DECISION_ERROR of the borderline check) and the Gi*
# classes it decides live with the statistics that use them, in assessment.stats.base (standard library
# only); the words about them are here
from .stats.base import (
    ALPHAS,
    COLD_90,
    COLD_95,
    COLD_99,
    COLD_AT,
    DECISION_ERROR,
    DEFAULT_FDR,
    DEFAULT_MAX_PERMUTATIONS,
    DEFAULT_PERMUTATIONS,
    GI_CLASSES,
    HOT_90,
    HOT_95,
    HOT_99,
    HOT_AT,
    LEVELS,
    NO_GEOMETRY,
    NO_NEIGHBOURS,
    NO_VARIATION,
    NOT_SIGNIFICANT,
)
from .summary import get

#: the Gi* classes are re-exported from assessment.stats.base (the map legend and the chapter use them here)
__all__ = ["ALPHAS", "BENJAMINI_HOCHBERG", "COLD_90", "COLD_95", "COLD_99", "COLD_AT", "DECISION_ERROR", "DEFAULT_FDR",
           "DEFAULT_MAX_PERMUTATIONS", "DEFAULT_PERMUTATIONS", "GANDY_HAHN", "GI_CLASSES", "HOT_90", "HOT_95",
           "HOT_99", "HOT_AT", "LEVELS", "NO_GEOMETRY", "NO_NEIGHBOURS", "NO_VARIATION", "NOT_SIGNIFICANT",
           "SignificanceRule"]

GANDY_HAHN = ('Gandy, A. and Hahn, G. (2014) "MMCTest — a safe algorithm for implementing multiple Monte Carlo '
              'tests", *Scandinavian Journal of Statistics* 41(4), 1083–1101')
BENJAMINI_HOCHBERG = ('Benjamini, Y. and Hochberg, Y. (1995) "Controlling the false discovery rate: a practical and '
                      'powerful approach to multiple testing", *Journal of the Royal Statistical Society B* 57(1), '
                      '289–300')


def _small(x: float) -> str:
    """A small number in plain decimals, two significant figures: 0.0002, 0.00002, 0.002.

    >>> _small(2 / 10000), _small(2 / 100000), _small(2 / 1000), _small(0.05 / 150)
    ('0.0002', '0.00002', '0.002', '0.00033')
    """
    digits = max(0, -math.floor(math.log10(abs(x))) + 1) if x else 0
    return f"{x:.{digits}f}".rstrip("0").rstrip(".") if digits else f"{x:g}"


def _pct(a: float) -> str:
    """0.05 -> '95%'."""
    return f"{round((1 - a) * 100):g}%"


@dataclass(frozen=True)
class SignificanceRule:
    """Which p-value decides a hot/cold-spot class, from how many permutations, at which levels.

    ``fdr``: the classes use the Benjamini–Hochberg adjusted p-value (``gi_p_fdr``) rather than the
    unadjusted one (``gi_p``).  ``permutations``: conditional permutations for every LSOA (0 = the
    normal approximation).  ``max_permutations``: the most an LSOA whose class is borderline can get
    (:func:`assessment.stats.gistar.refine`; at or below ``permutations`` = no such step).  ``alphas``:
    the p thresholds of the classes.
    """

    fdr: bool = DEFAULT_FDR
    permutations: int = DEFAULT_PERMUTATIONS
    max_permutations: int = DEFAULT_MAX_PERMUTATIONS
    alphas: tuple = ALPHAS

    # -- building it ------------------------------------------------------------------------
    @classmethod
    def from_config(cls, hotspots) -> SignificanceRule:
        """The rule of a config's ``hotspots`` section."""
        return cls(fdr=bool(hotspots.fdr), permutations=int(hotspots.permutations),
                   max_permutations=int(getattr(hotspots, "max_permutations", DEFAULT_MAX_PERMUTATIONS)))

    @classmethod
    def from_summary(cls, summary: dict) -> SignificanceRule | None:
        """The rule recorded in a ``summary.json`` (None when it records none).

        >>> SignificanceRule.from_summary({"hotspots": {"classes_use_fdr": False, "permutations": 999}})
        SignificanceRule(fdr=False, permutations=999, max_permutations=999, alphas=(0.01, 0.05, 0.1))
        >>> SignificanceRule.from_summary({"hotspots": {}}) is None
        True
        """
        fdr, perms = get(summary, "hotspots.classes_use_fdr"), get(summary, "hotspots.permutations")
        if fdr is None or perms is None:
            return None
        top = get(summary, "hotspots.max_permutations")
        return cls(fdr=bool(fdr), permutations=int(perms), max_permutations=int(top if top is not None else perms))

    def headlines(self) -> dict:
        """The rule's ``summary.json`` keys."""
        return {"hotspots.classes_use_fdr": bool(self.fdr), "hotspots.permutations": int(self.permutations),
                "hotspots.max_permutations": int(max(self.max_permutations, self.permutations))}

    # -- facts --------------------------------------------------------------------------------
    @property
    def refines(self) -> bool:
        """Whether borderline LSOAs get more permutations."""
        return self.permutations > 0 and self.max_permutations > self.permutations

    @property
    def p_column(self) -> str:
        """The column of the p-value the classes use."""
        return "gi_p_fdr" if self.fdr else "gi_p"

    @property
    def p_label(self) -> str:
        """The display name of that p-value, shown beside the class."""
        return "p (FDR-adjusted)" if self.fdr else "p (unadjusted)"

    @property
    def floor(self) -> float | None:
        """The smallest possible permutation p-value, 2/(P + 1) (None for the normal approximation)."""
        return 2.0 / (self.permutations + 1) if self.permutations else None

    @property
    def alpha_levels(self) -> str:
        """'99%, 95% and 90%'."""
        levels = [_pct(a) for a in self.alphas]
        return ", ".join(levels[:-1]) + " and " + levels[-1] if len(levels) > 1 else levels[0]

    # -- words ---------------------------------------------------------------------------------
    def allowance(self, n: int, within: str = "") -> str:
        """The clause saying whether the confidence allows for testing ``n`` LSOAs at once.

        >>> SignificanceRule().allowance(147, within=" each year")
        'allowing for testing all 147 LSOAs at once each year (false discovery rate)'
        """
        if self.fdr:
            return f"allowing for testing all {n:,} LSOAs at once{within} (false discovery rate)"
        return f"each LSOA tested on its own, not allowing for testing {n:,} LSOAs at once{within}"

    def explanation(self, n: int) -> str:
        """The chapter's paragraph on what the confidence levels mean under this rule (``n`` LSOAs tested).

        >>> print(SignificanceRule(fdr=False).explanation(150))  # doctest: +NORMALIZE_WHITESPACE
        Each LSOA is tested on its own: the confidence levels (99%, 95% and 90%) do not allow for
        testing 150 LSOAs at once, so even if crime were spread at random about 8 of them would show
        as hot or cold spots at 95% confidence or more by chance. The p-value beside each class is the
        unadjusted one.
        """
        if not n:
            return ""
        if self.fdr:
            return (f"The confidence levels ({self.alpha_levels}) allow for testing all {n:,} LSOAs at once: "
                    "they rest on p-values adjusted for the false discovery rate (Benjamini–Hochberg), so among "
                    "the LSOAs shown as hot or cold spots at 95% confidence or more, no more than about 1 in 20 "
                    "is expected to be there by chance. The p-value beside each class is the adjusted one.")
        return (f"Each LSOA is tested on its own: the confidence levels ({self.alpha_levels}) do not allow for "
                f"testing {n:,} LSOAs at once, so even if crime were spread at random about {round(0.05 * n):,} "
                "of them would show as hot or cold spots at 95% confidence or more by chance. The p-value beside "
                "each class is the unadjusted one.")

    def remainder(self, hot: int, hot_fdr: int, n: int) -> str:
        """Under the unadjusted rule, how many of the ``hot`` spots at 95% remain after the adjustment
        (``hot_fdr``); empty under the adjusted rule, where the classes already allow for it.

        >>> SignificanceRule(fdr=False).remainder(27, 11, 150)
        'Allowing for testing all 150 LSOAs at once (false discovery rate), 11 of the 27 remain hot spots at 95% — so treat the map as showing where to look, not as proof.'
        >>> SignificanceRule().remainder(11, 11, 150)
        ''
        """
        if self.fdr or not hot:
            return ""
        adj = replace(self, fdr=True).allowance(n)
        which = (f"{hot_fdr:,} of the {hot:,} remain hot spots" if hot_fdr > 1 else
                 f"{hot_fdr or 'none'} of the {hot:,} remains a hot spot")
        s = f"{adj[0].upper()}{adj[1:]}, {which} at 95%"
        return s + (" — so treat the map as showing where to look, not as proof." if hot > hot_fdr else ".")

    def permutation_phrase(self) -> str:
        """'9,999 random permutations per LSOA (up to 99,999 where a class is borderline)'.

        >>> SignificanceRule(permutations=0).permutation_phrase()
        'the normal approximation (no permutations)'
        """
        if not self.permutations:
            return "the normal approximation (no permutations)"
        s = f"{self.permutations:,} random permutations per LSOA"
        return s + (f" (up to {self.max_permutations:,} where a class is borderline)" if self.refines else "")

    def p_clause(self, within: str = "") -> str:
        """What the class p-value is, as a clause after 'the p-value is'.

        >>> SignificanceRule().p_clause(" within each year")
        'adjusted for testing every LSOA at once within each year (Benjamini–Hochberg false discovery rate, `gi_p_fdr`)'
        >>> SignificanceRule(fdr=False).p_clause()
        'unadjusted (`gi_p`): each LSOA is tested on its own, without allowing for testing every LSOA at once'
        """
        if self.fdr:
            return f"adjusted for testing every LSOA at once{within} (Benjamini–Hochberg false discovery rate, `gi_p_fdr`)"
        return f"unadjusted (`gi_p`): each LSOA is tested on its own{within}, without allowing for testing every LSOA at once"

    def p_name(self) -> str:
        """The p-value the classes use, as a noun phrase."""
        return ("the Benjamini–Hochberg adjusted p-value (`gi_p_fdr`)" if self.fdr
                else "the unadjusted p-value (`gi_p`)")

    def methods(self) -> str:
        """The methods appendix's bullets on significance, adjustment and classes (Markdown)."""
        P, M = self.permutations, max(self.max_permutations, self.permutations)
        out = []
        if P:
            out.append(
                "* **Significance** is by conditional permutation: for each LSOA its own count is held fixed "
                f"and the other counts are shuffled among its neighbours {P:,} times (`hotspots.permutations`, "
                "seeded with `hotspots.seed` so a rerun gives the same answer). The two-sided pseudo p-value is "
                "p = min(1, 2·(min(#{Gᵢ*ₛᵢₘ ≥ Gᵢ*}, #{Gᵢ*ₛᵢₘ ≤ Gᵢ*}) + 1) ÷ (P + 1)), with P permutations — "
                "twice the one-sided value in the direction of the observed statistic. (esda 2.9's own `p_sim` "
                "for `G_Local` is that one-sided value, counting ties on the upper side only; we recompute it "
                "from esda's simulated statistics.) The smallest possible p-value with P permutations is "
                f"2/(P + 1) = {_small(self.floor)}" + (f" ({_small(2 / (M + 1))} for an LSOA given {M:,}, below)." if self.refines
                                                  else "."))
        else:
            out.append("* **Significance** (`hotspots.permutations: 0`): the p-value is the two-sided normal one, "
                       "2·(1 − Φ(|z|)), with no permutations.")
        if self.refines:
            out.append(
                "* **Borderline classes**: a permutation p-value carries Monte Carlo error — another seed gives a "
                "slightly different value — so an LSOA whose p-value lies close to a class threshold could change "
                "class with the seed. An LSOA's class counts as *settled* when it is the same with every tested "
                f"LSOA's p-value at the low end of its {1 - DECISION_ERROR:.1%} Clopper–Pearson interval as with "
                "every p-value at the high end" + (" (after the adjustment below)" if self.fdr else "") + ". For "
                "each LSOA whose class is not settled the permutations drawn so far are doubled (the same "
                "conditional scheme, seeded from `hotspots.seed`) and the check repeated, up to "
                f"{M:,} (`hotspots.max_permutations`); its p-value then uses all of them (`gi_permutations` in the "
                f"LSOA table gives the number). An LSOA still not settled at {M:,} is given the high end of its "
                "interval as its p-value — the cautious choice: it is not shown at a confidence its p-value cannot "
                f"support. The idea is that of MMCTest ({GANDY_HAHN}), in a simple form.")
        fdr_text = (
            "* **Testing every LSOA at once**: because every LSOA of the area is tested, some will look "
            "significant by chance. The Benjamini–Hochberg adjusted p-value (`scipy.stats.false_discovery_control`, "
            "method \"bh\", over all tested LSOAs: the k-th smallest of m p-values is multiplied by m/k, then made "
            f"non-decreasing; {BENJAMINI_HOCHBERG}) is published for every LSOA (`gi_p_fdr`) beside the unadjusted "
            "one (`gi_p`). ")
        if self.fdr:
            fdr_text += (
                "**The classes use the adjusted p-value** (`hotspots.fdr: true`), so the confidence levels allow "
                "for testing every LSOA at once: among the LSOAs classed at 95% or more, the expected share that "
                "are there by chance (the false discovery rate) is at most about 5%. Tables show the adjusted "
                "p-value beside the class. The adjustment is strict: with m LSOAs tested, an LSOA is classed at "
                "95% only when, for some k, k LSOAs (itself among them) have p-values of at most 0.05·k/m — for "
                "one LSOA alone, p ≤ 0.05/m (0.00033 with 150 LSOAs), and at 99% p ≤ 0.01/m")
            fdr_text += (f". With {P:,} permutations the smallest p is {_small(self.floor)}, so " if P else ". So ")
            fdr_text += ("hot spots at 99% need several LSOAs with p-values near the floor. That is why the default "
                         "is 9,999 permutations: with 999 the smallest p is 0.002, above 0.05/150, so in an area "
                         "of 150 LSOAs nothing is found unless at least six LSOAs share that floor.")
        else:
            fdr_text += (
                "**The classes use the unadjusted p-value** (`hotspots.fdr: false`): each LSOA is tested on its own, "
                "so the confidence levels do not allow for testing every LSOA at once — with no real clustering "
                "about 5% of the LSOAs would still be classed at 95% or more by chance. Tables show the "
                "unadjusted p-value beside the class, and the chapter says how many hot spots remain significant "
                "after the adjustment.")
        out.append(fdr_text)
        a1, a2, a3 = (list(self.alphas) + [None, None, None])[:3]
        if a3 is not None:
            out.append(
                f"* **Classes**: an LSOA with a positive z-score is a \"Hot spot – {_pct(a1)} confidence\" when "
                f"{self.p_name()} is at most {a1:.2f}, \"{_pct(a2)}\" when {a1:.2f} < p ≤ {a2:.2f} and "
                f"\"{_pct(a3)}\" when {a2:.2f} < p ≤ {a3:.2f}; negative z-scores give the cold spots likewise; "
                "otherwise \"Not significant\".")
        return "\n".join(out)
