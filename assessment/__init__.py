"""Strategic assessment workbook for community safety partnerships.

The package holds all computation; the notebooks in ``notebooks/`` are thin narrative over it.
It is built in rooms (README, "Architecture"); each room imports only from the rooms below it:

==============================  ==================================================================
room                            what it holds
==============================  ==================================================================
``workbook``, ``render``,       publishing: what a notebook calls, papermill, HTML and PDF (§8),
``templating``, ``batch``,      the templates, the output folder, batches, the ``assessment``
``outdir``, ``cli``, ...        command (also ``python -m assessment``)
``figures``                     every chart and map (the only modules importing matplotlib)
``words``                       every sentence, title, table label and methods text, per chapter
``chapters``                    one module per chapter, ``analyse(ds)`` -> data only:
                                ``crime_in_the_area`` (§5.1), ``hotspots`` (§5.2), ``offenders``
                                (§5.3), ``victims`` (§5.4), ``performance`` (§5.6), ``summary``,
                                ``appendix``
``significance``,               shared rules: the Gi* significance rule, small-number suppression
``disclosure``, ``summary``,    and its audit (§6), summary.json keys, the targets file, rounding
``targets``, ``rounding``, ...
``config``, ``periods``,        loading: the config (§8.1), periods (§4), every input format (§3),
``loaders``, ``dataset``,       record accounting (§7), the synthetic demo borough (§9)
``accounting``, ``demo``, ...
``stats``                       the statistics as pure functions, one family per module
==============================  ==================================================================
"""

#: the package version: the one place it is written (pyproject.toml reads it; see CHANGELOG.md)
__version__ = "0.1.0"
