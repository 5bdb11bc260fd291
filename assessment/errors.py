"""Errors that reach the user as one clear line.

Every problem with an input is raised as :class:`InputError`, which names the
file, the row or column, and what was expected.  The command line prints
``error: <message>`` and exits with status 2 — never a traceback.

Example
-------
>>> err = InputError("crimes.csv", "column 'offence_date'", "a date (YYYY-MM-DD)", found="'31/04/2024' in row 7")
>>> str(err)
"crimes.csv: column 'offence_date': expected a date (YYYY-MM-DD), found '31/04/2024' in row 7"
"""
from __future__ import annotations

from pathlib import Path


class AssessmentError(Exception):
    """Base class: any error the CLI reports as one line."""


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
        super().__init__(": ".join(p for p in parts if p))


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
    import pandas as pd
    if not isinstance(df, pd.DataFrame):
        raise AssessmentError(f"{what}: expected a table (pandas DataFrame), found {type(df).__name__}")
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise InputError(what, f"column(s) {', '.join(repr(c) for c in missing)}",
                         f"columns {', '.join(columns)}", found=f"columns {', '.join(map(str, df.columns))}")
