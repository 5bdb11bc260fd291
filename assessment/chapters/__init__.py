"""Chapters: one module per chapter of the report, named as the chapter.

Each module's ``analyse(ds)`` takes a :class:`~assessment.dataset.Dataset` and returns a small result
object holding data only: tables (with machine column names), the data its figures are drawn from,
and its figures of record (``headlines``, the summary.json keys).  No sentence, title or methods
text is made here (that is :mod:`assessment.words`) and nothing is drawn (that is
:mod:`assessment.figures`).  The statistics themselves are in :mod:`assessment.stats`, so every
figure of the report is one hop from its chapter: notebook → ``chapters/<name>.py`` →
``stats/<family>.py``.

=================================  ========================================================
module                             chapter
=================================  ========================================================
:mod:`.crime_in_the_area`          1. crime in the area: volumes, trends, priority crimes
:mod:`.hotspots`                   2. hot spots by LSOA, Gi*, emerging hot spots, wards
:mod:`.offenders`                  3. prolific offenders
:mod:`.victims`                    4. repeat victims and repeat ASB callers
:mod:`.performance`                5. performance against targets; comparison with other areas
:mod:`.summary`                    the executive summary (gathered from the other chapters)
:mod:`.priorities`                 the executive summary's priorities page (crime groups ranked)
:mod:`.appendix`                   the appendix: data quality, suppression, inputs, versions
=================================  ========================================================
"""
