"""What the crime figures count, in words: the one place the headlines' wording comes from.

Most crime inputs hold all recorded crime, and the report says "Total recorded crime".
Some do not, and then every headline must say what was counted:

* a crime input holding a single crime type (the police.uk files of the Met filtered to
  burglary): "Recorded burglary in Haringey fell 4.9% ...", "a rate of 6.4 burglary offences
  per 1,000 residents";
* the MPS LSOA-level counts (London Datastore), which hold only the crimes geocoded to an LSOA
  — the MPS ward-level file of the same area and months counts more: "Total recorded crime
  geocoded to an LSOA in Haringey rose ...", with a sentence saying so;
* or what the config's ``scope:`` says (e.g. ``scope: recorded violent crime``).

The loaders work the scope out (:func:`detect`) into ``Dataset.scope``; chapter 1 writes it to
``summary.json`` (``crime.scope.*``) and the executive summary reads it back from there
(:meth:`Scope.from_summary`), so the chapters and the summary word it alike.

Example
-------
>>> s = detect(None, "police_uk", ["Burglary"])
>>> s.total, s.unit
('Recorded burglary', 'burglary offences')
>>> detect(None, "crime_counts", ["ARSON", "SHOPLIFTING"], level="lsoa").total
'Total recorded crime geocoded to an LSOA'
>>> Scope().total, Scope().unit
('Total recorded crime', 'crimes')
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass

ALL_CRIME = "recorded crime"

#: the sentence chapter 1 adds for the MPS LSOA-level counts
MPS_LSOA_NOTE = ("These are the MPS LSOA-level counts, which hold only the crimes geocoded to an LSOA: the MPS "
                 "ward-level counts for the same area and months are higher, so the totals here are below all "
                 "recorded crime.")


def _lower(name: str) -> str:
    """A crime type inside a sentence: 'Burglary' -> 'burglary', 'VIOLENCE WITH INJURY' ->
    'violence with injury'; names with inner capitals keep them ('ASB')."""
    s = str(name).strip()
    if s.isupper() and len(s) > 4:
        return s.lower()
    return s[:1].lower() + s[1:] if s[1:2].islower() else s


def plural(what: str) -> str:
    """What one counts of ``what``, for 'a rate of 6.4 ... per 1,000 residents'.

    >>> plural("recorded burglary"), plural("vehicle crime"), plural("violence and sexual offences")
    ('burglary offences', 'vehicle crimes', 'violence and sexual offences')
    """
    w = str(what).strip()
    if w.lower().startswith("recorded "):
        w = w[len("recorded "):]
    if w.lower().endswith(("offences", "crimes", "incidents")):
        return w
    if w.lower().endswith("crime"):
        return w + "s"
    return w + " offences"


@dataclass(frozen=True)
class Scope:
    """What the crime figures count.

    ``what`` is the noun phrase ("recorded crime", "recorded burglary"); ``all_types`` whether
    it covers every crime type (the headline then says "Total ..."); ``unit`` what a count is
    of ("crimes", "burglary offences"); ``note`` a sentence for chapter 1 ("" when none).
    """

    what: str = ALL_CRIME
    all_types: bool = True
    unit: str = "crimes"
    note: str = ""

    @property
    def total(self) -> str:
        """The subject of a headline: 'Total recorded crime' or 'Recorded burglary'."""
        if self.all_types:
            return f"Total {self.what}"
        return self.what[:1].upper() + self.what[1:]

    @property
    def title(self) -> str:
        """'Recorded crime', 'Recorded burglary' (chart titles)."""
        return self.what[:1].upper() + self.what[1:]

    @property
    def is_all_crime(self) -> bool:
        return self.what == ALL_CRIME and self.all_types

    def all_of(self, no_location: int | None = None) -> str:
        """'all recorded crime' — with ' with a location' when crimes with no location are in the totals
        but not in the figure (shares of LSOAs or of map points)."""
        s = f"all {self.what}"
        return s + " with a location" if no_location else s

    def count_phrase(self, n) -> str:
        """'2,096 crimes were recorded', '973 burglary offences were recorded'."""
        return f"{n:,.0f} {self.unit} were recorded"

    def rate_phrase(self, rate: float) -> str:
        """'a rate of 41.4 crimes per 1,000 residents'."""
        return f"a rate of {rate:.1f} {self.unit} per 1,000 residents"

    def cover_line(self, source: str = "") -> str:
        """The title page's source line, saying what the figures count when it is not all recorded crime.

        >>> Scope("recorded burglary", False, "burglary offences").cover_line("Source: police.uk")
        'Source: police.uk. Figures count recorded burglary.'
        >>> Scope().cover_line("Source: police.uk")
        'Source: police.uk'
        """
        if self.is_all_crime:
            return source
        line = f"Figures count {self.what}."
        return f"{source.rstrip('. ')}. {line}" if source else line

    def headlines(self) -> dict:
        """The ``summary.json`` keys (``crime.scope.what``, ``.all_types``, ``.unit``, ``.note``)."""
        return {f"crime.scope.{k}": v for k, v in asdict(self).items()}

    @classmethod
    def from_summary(cls, summary: dict) -> Scope:
        """The scope chapter 1 wrote to the summary (all recorded crime when it wrote none).

        >>> Scope.from_summary({"crime": {"scope": {"what": "recorded burglary", "all_types": False,
        ...                                         "unit": "burglary offences"}}}).total
        'Recorded burglary'
        """
        block = summary.get("crime", {}).get("scope") if isinstance(summary.get("crime"), dict) else None
        if not isinstance(block, dict) or not isinstance(block.get("what"), str) or not block["what"]:
            return cls()
        return cls(what=block["what"], all_types=bool(block.get("all_types", True)),
                   unit=block.get("unit") if isinstance(block.get("unit"), str) and block.get("unit") else plural(block["what"]),
                   note=block.get("note") if isinstance(block.get("note"), str) else "")


def detect(cfg, kind: str, types: Iterable[str], level: str | None = None) -> Scope:
    """The scope of a crime input: ``kind`` is ``police_uk``, ``crime_counts`` or ``crimes``,
    ``types`` the crime types of every crime row read, ``level`` the MPS table's level.

    The config's ``scope:`` (a noun phrase such as ``recorded violent crime``) wins over what the
    inputs suggest; the MPS note is kept.

    >>> detect(None, "crimes", ["Burglary", "Robbery"]).is_all_crime
    True
    """
    types = sorted({str(t) for t in types if t is not None and str(t).strip()})
    note = MPS_LSOA_NOTE if kind == "crime_counts" and level == "lsoa" else ""
    configured = getattr(cfg, "scope", None) if cfg is not None else None
    if configured:
        return Scope(what=configured.strip(), all_types=False, unit=plural(configured), note=note)
    if len(types) == 1:
        what = f"recorded {_lower(types[0])}"
        return Scope(what=what, all_types=False, unit=plural(what), note=note)
    if note:
        return Scope(what="recorded crime geocoded to an LSOA", all_types=True, unit="geocoded crimes", note=note)
    return Scope()
