"""The report's HTML templates (``assessment/templates/``), rendered by Jinja2 with autoescape on.

Every piece of HTML the workbook writes comes from a template here: the report page, the RAG
table of chapter 5, the batch index.  Text passed in is escaped by Jinja2; only values wrapped in
:class:`markupsafe.Markup` by the caller (HTML this package has already made safe) are inserted
as they are.  ``StrictUndefined`` makes a misspelt name in a template an error, not an empty cell.

>>> render_string("<td>{{ name }}</td>", name="<b>Tottenham & Wood Green</b>")
'<td>&lt;b&gt;Tottenham &amp; Wood Green&lt;/b&gt;</td>'
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

TEMPLATES = Path(__file__).with_name("templates")


@lru_cache(maxsize=1)
def environment():
    """The one Jinja2 environment: templates from ``assessment/templates``, autoescape on."""
    import jinja2  # imported when HTML is written, not when the package loads
    return jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATES)), autoescape=True,
                              undefined=jinja2.StrictUndefined, keep_trailing_newline=False)


def render(name: str, **context) -> str:
    """Render the template ``assessment/templates/<name>`` with ``context`` (escaped)."""
    return environment().get_template(name).render(**context)


def render_string(source: str, **context) -> str:
    """Render a template given as a string, with the same environment (for tests and examples)."""
    return environment().from_string(source).render(**context)
