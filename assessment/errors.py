"""Errors that reach the user as one clear line.

Every problem with an input is raised as :class:`InputError`, which names the
file, the row or column, and what was expected.  The command line prints
``error: <message>`` and exits with status 2 — never a traceback.

A message about a file holding personal data (victims, offenders, ASB incidents,
the record-level crime extract) never quotes a cell value: it names the row and
column only.  A message about a public or aggregate file may quote the value,
through :func:`quote` (short, on one line, ``repr``-style quotes).

A recoverable problem is reported through :func:`problem`: it raises at once, or, inside
:func:`collect_problems` (``assessment validate``), is recorded so that every problem is
listed together.

Example
-------
>>> str(InputError("population.csv", "column 'population'", "a whole number", found="'many' in row 7"))
"population.csv: column 'population': expected a whole number, found 'many' in row 7"
>>> str(InputError("victims.csv", "column 'age'", "an age", found="something else in row 7"))
"victims.csv: column 'age': expected an age, found something else in row 7"
"""
from __future__ import annotations

import contextvars
import re
from contextlib import contextmanager
from pathlib import Path

from .stats.base import AssessmentError

#: the longest text :func:`quote` shows (longer values are cut, ending with "…")
QUOTE_MAX = 40

_LINE_BREAKS = re.compile(r"[\r\n\t\v\f\x1c-\x1f\x85\u2028\u2029]+")


def one_line(text, limit: int | None = None) -> str:
    """``text`` on one line: line breaks and tabs become spaces, other control and format
    characters (NUL, ESC, bidirectional overrides, zero-width spaces, ...) are dropped, and
    with ``limit`` it is cut to that many characters (ending with "…").

    >>> one_line("two\\nlines\\x1b[31m and\\u202e a tab\\there")
    'two lines[31m and a tab here'
    >>> one_line("a long cell value", limit=8)
    'a long …'
    """
    s = _LINE_BREAKS.sub(" ", str(text))
    if not s.isprintable():
        s = "".join(" " if ch.isspace() else ch for ch in s if ch.isprintable() or ch.isspace())
    if limit is not None and len(s) > limit:
        s = s[:limit - 1] + "…"
    return s


def quote(value, limit: int = QUOTE_MAX) -> str:
    """A cell value of a PUBLIC input, quoted for a one-line message: ``repr``-style quotes,
    on one line (see :func:`one_line`), cut to ``limit`` characters.

    Never used for a value of a file holding personal data: those messages name the row
    and column only.

    >>> print(quote("2024-13"), quote("it's"), quote("multi\\nline"))
    '2024-13' "it's" 'multi line'
    >>> quote("x" * 100)
    "'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx…'"
    """
    return repr(one_line(value, limit))


# AssessmentError (imported above), the base class of every error the CLI reports as one line, is
# defined in assessment.stats.base (standard library only): the statistics layer imports nothing from
# the rest of the package and must still raise it.  assessment.errors is the name to import it by.


class InputError(AssessmentError):
    """A bad input: file, where in it, what was expected (and what was found).

    Parameters
    ----------
    file : path or str
        The input file (its name is shown, not its full path, unless ``full_path``).
    where : str
        ``"row 12"``, ``"column 'Month'"``, ``"row 12, column 'Month'"`` or ``""``.
    expected : str
        What the file should have held there.
    found : str, optional
        What it held instead.
    """

    def __init__(self, file, where: str, expected: str, found: str | None = None):
        self.file = str(file)
        self.where = where
        self.expected = expected
        self.found = found
        parts = [_short(file)]
        if where:
            parts.append(where)
        msg = f"expected {expected}" if expected else ""
        if found:
            msg += (", " if msg else "") + f"found {found}"
        parts.append(msg)
        super().__init__(one_line(": ".join(p for p in parts if p)))


class ConfigError(AssessmentError):
    """A problem with the config file (missing key, wrong type, missing input file)."""


def _short(file) -> str:
    if file is None:
        return "<input>"
    p = Path(str(file))
    try:
        return str(p.relative_to(Path.cwd()))
    except ValueError:
        return str(p)


def require_columns(df, columns, what: str) -> None:
    """Raise one clear line unless ``df`` is a DataFrame holding every one of ``columns``.

    For the chapter functions' table arguments (the loaders check the input files themselves).

    >>> import pandas as pd
    >>> require_columns(pd.DataFrame({"crime_id": []}), ["crime_id", "month"], "crimes")
    Traceback (most recent call last):
    ...
    assessment.errors.InputError: crimes: column(s) 'month': expected columns crime_id, month, found columns crime_id
    """
    import pandas as pd  # deferred: the command line imports this module before it needs pandas
    if not isinstance(df, pd.DataFrame):
        raise AssessmentError(f"{what}: expected a table (pandas DataFrame), found {type(df).__name__}")
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise InputError(what, f"column(s) {', '.join(repr(c) for c in missing)}",
                         f"columns {', '.join(columns)}", found=f"columns {', '.join(map(str, df.columns))}")


_collecting: contextvars.ContextVar = contextvars.ContextVar("assessment_problems", default=None)


# -- problems: raise at once, or collect them all (for ``assessment validate``) -------
@contextmanager
def collect_problems():
    """Collect recoverable input problems instead of raising the first one.

    Inside the block, :func:`problem` appends to the yielded list and returns, so
    a loader can carry on (excluding the bad rows) and ``assessment validate``
    reports every problem at once.

    >>> with collect_problems() as found:
    ...     problem(InputError("a.csv", "row 2", "a date"))
    >>> [str(p) for p in found]
    ['a.csv: row 2: expected a date']
    """
    found: list = []
    token = _collecting.set(found)
    try:
        yield found
    finally:
        _collecting.reset(token)


def problem(err: AssessmentError) -> None:
    """Raise ``err`` — or, inside :func:`collect_problems`, record it and return."""
    found = _collecting.get()
    if found is None:
        raise err
    if str(err) not in {str(e) for e in found}:
        found.append(err)


def collecting() -> bool:
    """True inside :func:`collect_problems`."""
    return _collecting.get() is not None
