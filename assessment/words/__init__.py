"""Words: every sentence, title, table label and methods text the report prints.

One module per chapter (the same names as :mod:`assessment.chapters`), each holding that
chapter's ``METHODS`` (or ``methods(...)`` for this run's settings), its sentences and titles
(functions of the chapter's result) and the human labels and formats its tables are shown with.
:mod:`.common` holds the wording shared by several chapters (ranks, ordinals, category names).
Numbers are rounded by :mod:`assessment.rounding`, one rule everywhere.  Nothing here computes a
figure: a sentence states what its chapter's result holds.
"""
