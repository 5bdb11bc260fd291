"""Record accounting (§7): every input row is used or excluded with a reason.

For each input, ``read = used + sum(excluded)`` must hold.  Loaders record
what they read and exclude; :meth:`Accounting.check` raises if any input does
not reconcile, so a silently dropped row is a bug that fails the run.

Example
-------
>>> acc = Accounting()
>>> acc.read("crimes", 10)
>>> acc.exclude("crimes", "outside the area", 3)
>>> acc.exclude("crimes", "duplicate crime id", 1)
>>> acc.use("crimes", 6)
>>> acc.check()
>>> acc.to_summary()["crimes"]
{'read': 10, 'used': 6, 'excluded': {'duplicate crime id': 1, 'outside the area': 3}}
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

import pandas as pd

from .errors import AssessmentError, one_line


def _counter():
    return defaultdict(int)


class AccountingError(AssessmentError):
    """read != used + excluded for some input: rows were lost without a reason."""


@dataclass
class Accounting:
    """Row counts per input: read, used, and excluded by reason."""

    reads: dict = field(default_factory=_counter)
    uses: dict = field(default_factory=_counter)
    exclusions: dict = field(default_factory=lambda: defaultdict(_counter))
    notes: dict = field(default_factory=lambda: defaultdict(list))

    def read(self, input: str, n: int) -> None:
        """Record ``n`` rows read from ``input`` (call once per file, it adds up)."""
        self.reads[input] += int(n)
        self.uses.setdefault(input, 0)

    def use(self, input: str, n: int) -> None:
        """Record ``n`` rows of ``input`` used by the analysis."""
        self.uses[input] += int(n)

    def exclude(self, input: str, reason: str, n: int) -> None:
        """Record ``n`` rows of ``input`` excluded, with a reason a reader understands."""
        n = int(n)
        if n:
            self.exclusions[input][reason] += n

    def note(self, input: str, text: str) -> None:
        """A remark on an input that is not an exclusion (e.g. how split LSOAs were assigned).

        Kept on one line (it becomes a bullet of the data-quality notes).  A note about a file
        holding personal data names rows and columns, never a cell value (see
        :mod:`assessment.loaders.common`).
        """
        text = one_line(text)
        if text not in self.notes[input]:
            self.notes[input].append(text)

    def excluded(self, input: str) -> int:
        return int(sum(self.exclusions.get(input, {}).values()))

    def inputs(self) -> list[str]:
        return list(self.reads)

    def check(self) -> None:
        """Raise :class:`AccountingError` if any input does not reconcile."""
        for name in self.reads:
            used, excl, read = self.uses.get(name, 0), self.excluded(name), self.reads[name]
            if read != used + excl:
                raise AccountingError(
                    f"record accounting for '{name}' does not reconcile: read {read} "
                    f"!= used {used} + excluded {excl}"
                )

    def to_frame(self) -> pd.DataFrame:
        """One row per (input, reason); inputs with no exclusion get one row with reason ''.

        Columns: input, read, used, excluded (the input's total), reason, rows (for that reason).
        """
        rows = []
        for name in self.reads:
            base = dict(input=name, read=self.reads[name], used=self.uses.get(name, 0),
                        excluded=self.excluded(name))
            reasons = self.exclusions.get(name, {})
            if not reasons:
                rows.append({**base, "reason": "", "rows": 0})
            for reason, n in sorted(reasons.items(), key=lambda kv: (-kv[1], kv[0])):
                rows.append({**base, "reason": reason, "rows": n})
        return pd.DataFrame(rows, columns=["input", "read", "used", "excluded", "reason", "rows"])

    def to_summary(self) -> dict:
        """The ``records`` block of summary.json: {input: {read, used, excluded: {reason: n}}}."""
        return {
            name: {
                "read": int(self.reads[name]),
                "used": int(self.uses.get(name, 0)),
                "excluded": {r: int(n) for r, n in sorted(self.exclusions.get(name, {}).items())},
            }
            for name in self.reads
        }

    def merge(self, other: Accounting) -> None:
        """Add another accounting's counts into this one."""
        for k, v in other.reads.items():
            self.read(k, v)
        for k, v in other.uses.items():
            self.use(k, v)
        for k, reasons in other.exclusions.items():
            for r, n in reasons.items():
                self.exclude(k, r, n)
        for k, notes in other.notes.items():
            for t in notes:
                self.note(k, t)
