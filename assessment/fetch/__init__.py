"""``assessment fetch``: public data for a real report, downloaded into one folder (issue 17).

* :mod:`.police_uk` — the police.uk street files of one force for a range of months, read out of
  the police.uk archive zips with HTTP range requests (only the members needed), or with a full
  download where the server does not serve ranges;
* :mod:`.ons` — the area's LSOA boundaries and LSOA → ward → local authority lookup (ONS Open
  Geography Portal, ArcGIS REST) and mid-year populations (ONS small-area estimates, via Nomis);
* :mod:`.http` — retries with back-off, a seekable file over HTTP ranges that :mod:`zipfile` reads,
  streamed downloads with SHA-256, and one-line errors (:class:`FetchError`);
* :mod:`.manifest` — the folder's provenance file (``provenance.json``: URL, date, size, SHA-256 of
  every file) and its ready config (``assessment.yml``).

Everything downloaded is treated as hostile: file names are built here (never taken from a zip
member's path), sizes are capped, and the CSVs are checked by the loaders when the report runs.
Standard library only (urllib), plus tqdm for the progress bar.
"""
from __future__ import annotations

from ..errors import AssessmentError


class FetchError(AssessmentError):
    """A download that cannot be done (offline, 404, a server error after the retries, a zip that is
    not one): one line, exit status 2."""
