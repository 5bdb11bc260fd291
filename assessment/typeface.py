"""The report's typeface: DejaVu Sans, shipped with the project, the same on every machine.

The report must look the same wherever it is made, so it does not ask for whatever fonts the
machine has ("Liberation Sans" on one, "DejaVu Sans" on another).  It carries its own: DejaVu
Sans and DejaVu Sans Mono, an open-licence family (the Bitstream Vera licence, with DejaVu's
changes in the public domain; matplotlib's ``mpl-data/fonts/ttf/LICENSE_DEJAVU``) installed with
matplotlib, a dependency of this package — so nothing is downloaded, ever.  The charts use the
same family (:mod:`assessment.figures.style` draws with matplotlib's own copy).

:func:`font_face_css` turns the fonts into CSS ``@font-face`` rules whose sources are ``data:``
URIs, inlined into the report's HTML (its Content-Security-Policy allows ``font-src data:`` and
nothing else, :data:`assessment.safe_html.CSP`) and read from there by WeasyPrint, which embeds
them in the PDF.  Each font is cut down (fontTools' subsetter, as WeasyPrint itself does for the
PDF) to the characters of the document and a fixed base set (:data:`BASE_CHARACTERS`: Latin,
punctuation, arrows, the RAG symbols, the list markers and the formulas' Greek letters, indices and
operators), so the HTML grows by about 330 kB
rather than 4 MB.  The families are named :data:`SANS` and :data:`MONO` in the CSS ("DejaVu Sans
Report"): names no installed font has, so the report can only be drawn in the shipped fonts, and
the PDF's font list (``pdffonts``) shows them by that name.

Example
-------
>>> css = font_face_css("Crime in Tottenham – 2024/25")
>>> css.count("@font-face"), 'font-family: "DejaVu Sans Report"' in css, "src: url(data:font/ttf;base64," in css
(5, True, True)
"""
from __future__ import annotations

import base64
import importlib.util
import io
import re
from functools import lru_cache
from pathlib import Path

#: the CSS family names of the shipped fonts (names no installed font has: see the module docstring)
SANS = "DejaVu Sans Report"
MONO = "DejaVu Sans Mono Report"

#: (file in matplotlib's font folder, CSS family, weight, style)
FACES = (
    ("DejaVuSans.ttf", SANS, 400, "normal"),
    ("DejaVuSans-Bold.ttf", SANS, 700, "normal"),
    ("DejaVuSans-Oblique.ttf", SANS, 400, "italic"),
    ("DejaVuSans-BoldOblique.ttf", SANS, 700, "italic"),
    ("DejaVuSansMono.ttf", MONO, 400, "normal"),
)
#: the licence file shipped beside the fonts
LICENCE = "LICENSE_DEJAVU"

#: characters every subset keeps, whatever the document holds: printable ASCII, Latin-1 and
#: Latin Extended-A (names with accents), the punctuation, arrows and signs the report uses, the
#: list markers CSS draws (disc, circle, square: not in the document's text), and what the
#: technical annex's formulas use (the Greek letters, super- and subscripts, the arrows, the
#: mathematical operators and ceiling brackets).  A report whose characters all belong to this
#: set — the demo's and its annex's do — uses subsets that do not depend on the report, cut
#: while its chapters run (:func:`base_subsets`, :mod:`assessment.sidework`).
BASE_CHARACTERS = frozenset(
    [chr(c) for lo, hi in ((0x20, 0x7E), (0xA0, 0x17F), (0x391, 0x3A9), (0x3B1, 0x3C9), (0x2070, 0x209C))
     for c in range(lo, hi + 1)]
    + list("–—‘’“”•…‰′″€№™ᵢⱼ"
           "←↑→↓↔↕−√∑∏∞∝∈∉∩∪≈≠≡≤≥⌈⌉⌊⌋"
           "▪▲▼○●◐◑◔◕◦"))

_DATA_URI = re.compile(r"data:[a-z]+/[a-z0-9.+-]+;base64,[A-Za-z0-9+/=\s]*", re.I)
_ENTITY = re.compile(r"&(#\d+|#x[0-9a-f]+|[a-z][a-z0-9]*);", re.I)
_CSS_ESCAPE = re.compile(r"\\([0-9a-f]{1,6})\s?", re.I)


class FontNotFound(RuntimeError):
    """The shipped fonts are missing (matplotlib is not installed, or its font folder was removed)."""


def font_dir() -> Path:
    """matplotlib's font folder, ``.../matplotlib/mpl-data/fonts/ttf`` (found without importing matplotlib).

    >>> (font_dir() / "DejaVuSans.ttf").is_file() and (font_dir() / LICENCE).is_file()
    True
    """
    spec = importlib.util.find_spec("matplotlib")
    if spec is None or not spec.origin:
        raise FontNotFound("the report's typeface (DejaVu Sans) comes with matplotlib, which is not installed")
    folder = Path(spec.origin).parent / "mpl-data" / "fonts" / "ttf"
    missing = [f for f, *_ in FACES if not (folder / f).is_file()]
    if missing:
        raise FontNotFound(f"the report's typeface is missing from {folder}: {', '.join(missing)}")
    return folder


def characters(document: str) -> frozenset:
    """Every character a reader can see in ``document`` (HTML with its CSS), with :data:`BASE_CHARACTERS`.

    ``data:`` URIs are skipped; HTML character references and CSS escapes are decoded too (a
    ``content: "\\00B7"`` in the CSS is a middle dot on the page).

    >>> sorted(characters("<p>&#8212; &middot; data:image/png;base64,QUJD \\\\2192</p>") - BASE_CHARACTERS)
    []
    >>> "\\u2014" in characters("&#8212;") and "\\u0416" in characters("Ж") and "\\u0416" not in characters("")
    True
    """
    import html
    text = _DATA_URI.sub(" ", document)
    chars = set(text)
    chars.update(html.unescape("".join(m.group(0) for m in _ENTITY.finditer(text))))
    for m in _CSS_ESCAPE.finditer(text):
        code = int(m.group(1), 16)
        if 0x20 <= code <= 0x10FFFF:
            chars.add(chr(code))
    return frozenset(c for c in chars if c.isprintable() or c == " ") | BASE_CHARACTERS


@lru_cache(maxsize=16)
def subset(file_name: str, chars: frozenset) -> bytes:
    """The font ``file_name`` (in :func:`font_dir`) cut down to ``chars``, as TrueType bytes.

    Kerning, ligatures and the other layout features are kept; hinting is dropped (it matters
    only on low-resolution screens and is most of a font's size).
    """
    from fontTools import subset as _subset  # with the HTML only
    from fontTools.ttLib import TTFont

    options = _subset.Options()
    options.layout_features = ["*"]
    options.name_IDs = ["*"]          # keep the names: the font says what it is, and its licence
    options.name_languages = ["*"]
    options.notdef_outline = True
    options.hinting = False
    options.drop_tables += ["FFTM"]   # FontForge's timestamps: nothing to subset
    # lazy: only the glyphs kept are decompiled (about half the time; the same bytes as a full load)
    font = TTFont(font_dir() / file_name, lazy=True, recalcTimestamp=False)   # the same bytes every run
    subsetter = _subset.Subsetter(options)
    subsetter.populate(unicodes=sorted(ord(c) for c in chars))
    subsetter.subset(font)
    buf = io.BytesIO()
    font.save(buf)
    return buf.getvalue()


def base_subsets() -> dict[str, bytes]:
    """Every shipped font cut down to :data:`BASE_CHARACTERS` (file name -> TrueType bytes): what
    :func:`font_face_css` uses for a document with no other character, made beforehand.

    >>> sorted(base_subsets()) == sorted(f for f, *_ in FACES)
    True
    """
    return {file_name: subset(file_name, BASE_CHARACTERS) for file_name, *_ in FACES}


def font_face_css(document: str, prepared: dict[str, bytes] | None = None) -> str:
    """The ``@font-face`` rules of the shipped fonts, as ``data:`` URIs cut down to ``document``'s
    characters (see the module docstring).  Raises :class:`FontNotFound` if the fonts are missing.

    ``prepared``: :func:`base_subsets`, made beforehand (in another process); used when every
    character of ``document`` is in :data:`BASE_CHARACTERS` (the subsets are then the same bytes)."""
    chars = characters(document)
    if prepared is not None and chars == BASE_CHARACTERS and set(prepared) == {f for f, *_ in FACES}:
        cut = prepared.__getitem__
    else:
        cut = lambda file_name: subset(file_name, chars)  # noqa: E731
    rules = [f"/* DejaVu Sans and DejaVu Sans Mono (c) Bitstream, Inc.; DejaVu changes in the public domain. "
             f"Bitstream Vera licence: matplotlib/mpl-data/fonts/ttf/{LICENCE}. Subsets for this report. */"]
    for file_name, family, weight, style in FACES:
        data = base64.b64encode(cut(file_name)).decode("ascii")
        rules.append(f'@font-face {{ font-family: "{family}"; font-weight: {weight}; font-style: {style}; '
                     f"font-display: block; src: url(data:font/ttf;base64,{data}) format(\"truetype\"); }}")
    return "\n".join(rules)
