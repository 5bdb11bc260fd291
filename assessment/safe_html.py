"""Text from the data is text: the one way computed prose and HTML reach the report.

The report is made from inputs that may be hostile — a police.uk download, a ward
lookup or a supplier's extract can carry ``<a rel="attachment" href="file:///…">``,
``<img onerror=…>``, ``[x](javascript:…)``, ``<meta http-equiv=refresh>`` or CSS
``url(http://…)`` in any name.  Three layers make sure none of it becomes live markup,
a network request or a file read:

1. **Prose is rendered here, not by the notebook front end.**  :func:`markdown_html`
   turns a chapter's computed markdown into HTML with raw HTML *escaped* (never
   passed through), and links and images rendered as their plain text — the report's
   prose has no links, so a data value can never make one.  Values put into prose can
   also be marked up with :func:`md_escape` so that a name such as ``*Theft*`` stays
   literal.  :meth:`assessment.workbook.Run.text` uses these.
2. **Every chapter fragment is sanitised** (:func:`sanitize`) with an allow-list
   (``nh3``, the Python binding of the Ammonia sanitiser) before it joins the report:
   only the tags and attributes the report itself makes survive; ``href`` may only be
   an in-page ``#anchor`` and ``src`` only an embedded ``data:image/…``; inline
   ``style`` keeps a few colour and spacing properties, none of which can carry a URL.
3. **The reader and the PDF renderer are told to fetch nothing.**  The HTML carries a
   Content-Security-Policy (:data:`CSP`) that allows no script (except the report's own
   inline code pinned by hash, :func:`csp`), no network fetch, no form and no base URL;
   the PDF is rendered with :func:`offline_fetcher`, which serves ``data:`` URIs and the
   package's own assets and refuses ``file:``, ``http(s):`` and everything else, so
   nothing can be embedded or attached that the report was not given.

Example
-------
>>> markdown_html("Most crime: <b>x</b> [note](javascript:alert(1)) ![i](file:///etc/passwd)")
'<p>Most crime: &lt;b&gt;x&lt;/b&gt; note i</p>\\n'
>>> sanitize('<p onclick="x()">a<script>bad()</script><a href="http://evil/">b</a></p>')
'<p>a<a>b</a></p>'
"""
from __future__ import annotations

import base64
import hashlib
import html as _html
import re
from collections.abc import Iterable
from pathlib import Path
from urllib.parse import urlsplit
from urllib.request import url2pathname

import mistune
import nh3

#: the package's own files WeasyPrint may read (templates, and fonts when shipped)
ASSETS = Path(__file__).with_name("templates")

#: the Content-Security-Policy of every report: nothing fetched, nothing sent, no script run but the
#: report's own (``templates/tables.js``), which :func:`csp` allows by its hash
CSP = ("default-src 'none'; img-src data:; style-src 'unsafe-inline'; font-src data:; "
       "script-src 'none'; connect-src 'none'; form-action 'none'; base-uri 'none'; "
       "frame-src 'none'; object-src 'none'; media-src 'none'; worker-src 'none'; manifest-src 'none'")


def csp(scripts: Iterable[str] = ()) -> str:
    """The report's Content-Security-Policy, allowing the given inline scripts by hash only.

    >>> "script-src 'none'" in csp()
    True
    >>> csp(["alert(1)"]).split("script-src ")[1].split(";")[0]
    "'sha256-bhHHL3z2vDgxUt0W3dWQOrprscmda2Y5pLsLg4GF+pI='"
    """
    hashes = [f"'sha256-{base64.b64encode(hashlib.sha256(s.encode('utf-8')).digest()).decode('ascii')}'"
              for s in scripts]
    return CSP if not hashes else CSP.replace("script-src 'none'", "script-src " + " ".join(hashes))


# -- 1. prose --------------------------------------------------------------------------------
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+!|<>~])")


def md_escape(value) -> str:
    """A data value made literal inside markdown: no emphasis, link, heading or HTML.

    >>> md_escape("*Theft* [x](y) <b>")
    '\\\\*Theft\\\\* \\\\[x\\\\]\\\\(y\\\\) \\\\<b\\\\>'
    """
    text = " ".join(str(value).split())  # no line breaks: a value cannot start a block
    return _MD_SPECIAL.sub(r"\\\1", text)


def text(template: str, **values) -> str:
    """Markdown prose with data values filled in literally: ``template.format`` of escaped values.

    >>> text("The largest rise was in {name}.", name="<script>x</script>")
    'The largest rise was in \\\\<script\\\\>x\\\\</script\\\\>.'
    """
    return template.format(**{k: md_escape(v) for k, v in values.items()})


_markdown = None


def _renderer():
    global _markdown
    if _markdown is None:

        class _PlainLinks(mistune.HTMLRenderer):
            """Links and images become their text: the report's prose has no links."""

            def link(self, text, url, title=None):
                return text

            def image(self, text, url, title=None):
                return _html.escape(text or "")

        # escape=True: raw HTML in the markdown is shown as text, never passed through
        _markdown = mistune.create_markdown(escape=True, renderer=_PlainLinks(escape=True),
                                            plugins=["strikethrough", "table"])
    return _markdown


def markdown_html(markdown_text: str) -> str:
    """Computed markdown as safe HTML: raw HTML escaped, links and images as plain text."""
    return _renderer()(str(markdown_text))


# -- tables for Excel ----------------------------------------------------------------------------
_FORMULA = re.compile(r"^(?:[=+@\t\r]|-(?![\d.\s]|$))")


def spreadsheet_safe(df):
    """``df`` with every text cell that Excel would run as a formula (``=…``, ``+…``, ``@…``,
    ``-cmd…``) prefixed by ``'``, as OWASP advises for CSV files; numbers are left alone.

    >>> import pandas as pd
    >>> t = spreadsheet_safe(pd.DataFrame({"t": ["=HYPERLINK(1)", "-5", "Theft", "-"], "n": [-1, 2, 3, 4]}))
    >>> t["t"].tolist() == ["'=HYPERLINK(1)", "-5", "Theft", "-"], t["n"].tolist()
    (True, [-1, 2, 3, 4])
    >>> spreadsheet_safe(pd.DataFrame({"t": pd.Series([], dtype="str")})).shape   # an empty table: as it is
    (0, 1)
    """
    out = None
    for c in df.columns:
        s = df[c]
        if s.dtype == object or str(s.dtype) in ("string", "str"):
            # astype(bool): mapping an empty column of pandas' string dtype keeps that dtype
            bad = s.map(lambda v: isinstance(v, str) and bool(_FORMULA.match(v))).astype(bool)
            if bad.any():
                out = df.copy() if out is None else out
                out[c] = s.astype(object).where(~bad, "'" + s.astype(str))
    if df.index.dtype == object:
        idx = df.index.map(lambda v: "'" + v if isinstance(v, str) and _FORMULA.match(v) else v)
        if not idx.equals(df.index):
            out = df.copy() if out is None else out
            out.index = idx
    return df if out is None else out


# -- 2. the allow-list -----------------------------------------------------------------------
TAGS = {"a", "abbr", "b", "blockquote", "br", "caption", "code", "col", "colgroup", "dd", "div", "dl", "dt",
        "em", "figcaption", "figure", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "li", "ol", "p",
        "pre", "section", "small", "span", "strong", "sub", "sup", "table", "tbody", "td", "tfoot", "th",
        "thead", "tr", "ul", "wbr", "details", "summary", "del", "s", "mark"}
ATTRIBUTES = {"*": {"class", "id", "title", "lang", "role", "aria-label", "aria-hidden", "style"},
              "a": {"href"}, "img": {"src", "alt", "width", "height"},
              "td": {"colspan", "rowspan", "headers"}, "th": {"colspan", "rowspan", "scope", "headers"},
              "ol": {"start"}}
STYLE_PROPERTIES = {"background", "background-color", "color", "font-weight", "font-style", "font-size", "padding",
                    "text-align", "white-space", "width"}
_IMAGE_SRC = re.compile(r"^data:image/(png|jpeg|gif|webp);base64,[A-Za-z0-9+/=\s]+$")


def _attribute_filter(tag: str, attr: str, value: str):
    if attr == "href":
        return value if value.startswith("#") and re.fullmatch(r"#[\w\-.:]*", value) else None
    if attr == "src":
        return value if _IMAGE_SRC.match(value) else None
    if attr == "style" and re.search(r"url\s*\(|expression\s*\(|@import|\\", value, re.I):
        return None
    return value


def sanitize(fragment: str) -> str:
    """Keep only the markup the report itself makes (see the module docstring)."""
    return nh3.clean(str(fragment), tags=TAGS, attributes=ATTRIBUTES, attribute_filter=_attribute_filter,
                     clean_content_tags={"script", "style"}, link_rel=None, url_schemes={"data"},
                     filter_style_properties=STYLE_PROPERTIES, strip_comments=True)


# -- 3. the PDF renderer's only source of files ---------------------------------------------------
def allowed_url(url: str, assets: Path = ASSETS) -> bool:
    """True for a ``data:`` URI or a ``file:`` URL of one of the package's own assets.

    >>> allowed_url("data:image/png;base64,AAAA"), allowed_url("file:///etc/passwd"), allowed_url("http://example.org/a.png")
    (True, False, False)
    """
    scheme = url.split(":", 1)[0].lower() if ":" in url else ""
    if scheme == "data":
        return True
    if scheme != "file":
        return False
    try:
        p = Path(url2pathname(urlsplit(url).path)).resolve()
    except (OSError, ValueError):
        return False
    return p.is_file() and Path(assets).resolve() in p.parents


def offline_fetcher(assets: Path = ASSETS, given: dict[str, tuple[bytes, str]] | None = None):
    """A WeasyPrint URL fetcher that serves :func:`allowed_url` URLs only.

    Everything else — ``file:`` outside the package, ``http(s):``, ``ftp:`` … — is refused
    before any request is made (WeasyPrint then leaves the resource out, so nothing is
    embedded or attached) and listed in the fetcher's ``refused`` attribute.  ``given``: URLs
    this package made for the document, each served from memory as ``(bytes, media type)``
    (the report's fonts: see :func:`assessment.render.write_pdf`).
    """
    from weasyprint.urls import URLFetcher, URLFetcherResponse  # heavy: WeasyPrint only when a PDF is written

    class OfflineFetcher(URLFetcher):
        def __init__(self):
            super().__init__(allowed_protocols={"data", "file"}, allow_redirects=False, timeout=1)
            self.refused: list[str] = []

        def fetch(self, url, headers=None):
            if given and url in given:
                body, media_type = given[url]
                return URLFetcherResponse(url, body=body, headers={"Content-Type": media_type})
            if not allowed_url(url, assets):
                self.refused.append(url[:80])
                raise ValueError("refused: the report fetches nothing it was not given")
            return super().fetch(url, headers)

    return OfflineFetcher()
