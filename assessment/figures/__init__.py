"""Figures: every matplotlib drawing of the workbook, and nothing else imports matplotlib.

=====================  ======================================================================
module                 draws
=====================  ======================================================================
:mod:`.style`          the chart style, palette and backend choice (Analysis Function guidance)
:mod:`.maps`           choropleths and the Gi* class map
``<chapter>``          the charts of one chapter, from that chapter's result (data only)
=====================  ======================================================================

A figure function takes data (a chapter's result, a table, a Series) and returns a matplotlib
figure; its title and alt text are words (:mod:`assessment.words`), and
:meth:`assessment.workbook.Run.figure` saves and closes it.  Importing this package imports no
module of it, so ``import assessment.figures.maps`` costs only that module.
"""
