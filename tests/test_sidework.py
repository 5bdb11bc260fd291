"""The run's helper process (issue 18): the typeface's base subsets cut while the chapters run, the
annex's PDF written beside the report's — the same bytes as when everything runs in one process."""
from __future__ import annotations

import base64
import io
import os
import re

import pytest

from assessment import typeface
from assessment.render import _Side, _write_pdfs
from assessment.sidework import SideProcess


def _boom(message):
    raise ValueError(message)


def test_a_job_runs_in_another_process_and_its_exception_comes_back():
    with SideProcess() as side:
        assert side.running
        assert side.submit(os.getpid).get(timeout=60) != os.getpid()
        with pytest.raises(ValueError, match="no such column"):
            side.submit(_boom, "no such column").get(timeout=60)
        pool = side._pool
    assert side._pool is None and not side.running
    with pytest.raises(ValueError):   # stopped: takes no more work
        pool.apply_async(os.getpid)


def test_without_the_helper_a_job_runs_here_when_asked_for():
    calls = []
    with SideProcess(enabled=False) as side:
        assert not side.running
        job = side.submit(lambda x: calls.append(x) or os.getpid(), 7)
        assert calls == []                       # not run until its result is wanted
        assert job.get() == os.getpid() and calls == [7]


def test_the_prepared_base_subsets_are_the_subsets_the_document_would_get():
    document = "<p>Crime in Tottenham – 2024/25: ρ = 0.61, Gᵢ* ▲ ↕</p>"
    assert typeface.characters(document) == typeface.BASE_CHARACTERS
    prepared = typeface.base_subsets()
    typeface.subset.cache_clear()
    assert typeface.font_face_css(document, prepared=prepared) == typeface.font_face_css(document)


def test_a_character_outside_the_base_set_is_cut_for_the_document():
    from fontTools.ttLib import TTFont
    prepared = typeface.base_subsets()
    css = typeface.font_face_css("<p>Жук</p>", prepared=prepared)
    first = re.search(r"base64,([A-Za-z0-9+/=]+)", css).group(1)
    assert ord("Ж") in TTFont(io.BytesIO(base64.b64decode(first))).getBestCmap()
    assert ord("Ж") not in TTFont(io.BytesIO(prepared["DejaVuSans.ttf"])).getBestCmap()


PAGE = ("<!doctype html><html><head><meta charset='utf-8'><title>{0}</title></head>"
        "<body><h1>{0}</h1><p>{1}</p></body></html>")


def test_the_annex_pdf_written_by_the_helper_matches_one_written_here(tmp_path):
    pytest.importorskip("weasyprint")
    from pypdf import PdfReader
    documents = [("report", PAGE.format("Report", "Burglary fell by 4%. " * 400)),
                 ("annex", PAGE.format("Annex", "Getis-Ord Gi* on the queen contiguity of the LSOAs. " * 50))]
    here, there = tmp_path / "here", tmp_path / "there"
    here.mkdir(), there.mkdir()
    warnings_here: list = []
    _write_pdfs(documents, here, tmp_path, warnings_here, None)
    warnings_there: list = []
    with SideProcess() as process:
        assert process.running
        _write_pdfs(documents, there, tmp_path, warnings_there, _Side(process))
    for name, _ in documents:
        a, b = PdfReader(here / f"{name}.pdf"), PdfReader(there / f"{name}.pdf")
        assert len(a.pages) == len(b.pages) >= 1
        assert [p.extract_text() for p in a.pages] == [p.extract_text() for p in b.pages]
    assert "Getis-Ord" in PdfReader(there / "annex.pdf").pages[0].extract_text()
    assert warnings_here == warnings_there == []


def test_a_pdf_that_fails_in_the_helper_is_one_line(tmp_path, monkeypatch):
    pytest.importorskip("weasyprint")
    from assessment.errors import AssessmentError
    documents = [("report", PAGE.format("Report", "x")), ("annex", PAGE.format("Annex", "y"))]
    with SideProcess() as process:
        with pytest.raises(AssessmentError, match=r"^writing the PDF failed: "):
            _write_pdfs(documents, tmp_path / "missing-folder", tmp_path, [], _Side(process))
