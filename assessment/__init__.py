"""Strategic assessment workbook for community safety partnerships.

The package holds all computation; the notebooks in ``notebooks/`` are thin
narrative over it.  Modules map onto report chapters:

========================  ==============================================
module                    what it does
========================  ==============================================
``config``                the ``assessment.yml`` file (§8.1)
``periods``               financial / calendar / rolling periods (§4)
``errors``                one-line input errors
``accounting``            record accounting, read = used + excluded (§7)
``loaders``               every input format (§3), harmonised to one table
``dataset``               the loaded, validated inputs of one run
``stats``                 the statistics as pure functions (Gini, Gi*, Mann–Kendall, ...)
``demo``                  the synthetic demo borough (§9)
``chapters``              one module per chapter: ``chapters.crime_in_the_area`` (chapter 1, §5.1),
                          ``chapters.hotspots`` (chapter 2, §5.2) ..., with ``words`` and ``figures`` of the same names
``offenders``             chapter 3: prolific offenders (§5.3)
``victims``               chapter 4: repeat victimisation (§5.4)
``chapters.performance``  chapter 5: targets and comparisons (§5.6)
``targets``               the targets file: reading and checking it
``disclosure``            small-number suppression (§6)
``workbook``              what a chapter notebook calls to show and save
``render``                papermill run, HTML and PDF (§8)
``outdir``                the output folder: report marker, lock, private work folder
``cli``                   the ``assessment`` command (also ``python -m assessment``)
========================  ==============================================
"""

#: the package version: the one place it is written (pyproject.toml reads it; see CHANGELOG.md)
__version__ = "0.1.0"
