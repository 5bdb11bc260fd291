"""HTTP for ``assessment fetch``: retries with back-off, streamed downloads, and a seekable file
over HTTP range requests that :class:`zipfile.ZipFile` reads (standard library: urllib).

* :meth:`Http.download` streams a URL to a file (``<name>.part`` until it is complete, then renamed),
  with its SHA-256; a connection dropped mid-body is resumed with a ``Range`` request where the
  server serves ranges, and restarted where it does not.
* :meth:`Http.open_ranges` opens a :class:`RangeFile` — ``seek``/``tell``/``read`` over ranges of a
  remote file — or returns ``None`` when the server answers a range request with the whole file
  (``200``), so the caller downloads it instead.  :class:`zipfile.ZipFile` reads a zip's end record
  (the last 22 bytes to 64 KiB), its central directory (one read) and then each member's local
  header and data: :class:`RangeFile` serves the first request's tail from memory and fetches the
  rest in blocks, and :meth:`RangeFile.window` makes a member's bytes one request.
* Every failure is one line (:class:`~assessment.fetch.FetchError`): offline (after the retries),
  a ``404`` (no retry), a server error after the retries.  Connection errors, time-outs, a body cut
  short, ``408``, ``429`` and ``5xx`` are retried ``retries`` times, waiting ``backoff`` × 2^k seconds.

Example
-------
>>> Http(retries=2, backoff=0.5).delays()
[0.5, 1.0]
>>> parse_content_range("bytes 100-199/1000")
(100, 199, 1000)
"""
from __future__ import annotations

import hashlib
import http.client
import os
import re
import socket
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from .. import __version__
from . import FetchError

USER_AGENT = f"csp-assessment/{__version__} (assessment fetch; +https://github.com/)"
CHUNK = 1 << 16
#: the most one read of a :class:`RangeFile` may ask for (a zip's central directory is read in one go:
#: a police.uk archive's is about 0.5 MB; a hostile zip claiming gigabytes stops here)
MAX_READ = 256 << 20
#: a member's bytes are fetched in requests of at most this size
WINDOW_BLOCK = 16 << 20
#: the smallest range fetched outside a window (zipfile reads local headers 30 bytes at a time)
MIN_BLOCK = 64 << 10
#: the tail fetched first: the end record and, for most zips, the whole central directory
TAIL = 64 << 10
RETRY_STATUS = {408, 425, 429, 500, 502, 503, 504}
_CONTENT_RANGE = re.compile(r"bytes\s+(\d+)-(\d+)/(\d+|\*)", re.IGNORECASE)


class _Transient(Exception):
    """A failure worth retrying (connection, time-out, cut-short body, 5xx)."""


def parse_content_range(value: str | None) -> tuple[int, int, int | None] | None:
    """``(first, last, total)`` of a ``Content-Range`` header (``total`` None for ``*``)."""
    m = _CONTENT_RANGE.fullmatch((value or "").strip())
    if not m:
        return None
    total = None if m.group(3) == "*" else int(m.group(3))
    return int(m.group(1)), int(m.group(2)), total


@dataclass
class Stats:
    """What an :class:`Http` did: requests made, body bytes received, retries."""

    requests: int = 0
    bytes: int = 0
    retries: int = 0


@dataclass
class Download:
    """A file written by :meth:`Http.download`."""

    path: Path
    url: str
    size: int
    sha256: str


class Http:
    """Requests with retries and back-off; ``hint`` ends the offline message (how to set a mirror)."""

    def __init__(self, retries: int = 4, backoff: float = 1.0, timeout: float = 60.0, progress: bool = True,
                 hint: str = "", sleep: Callable[[float], None] = time.sleep):
        self.retries = max(0, int(retries))
        self.backoff = backoff
        self.timeout = timeout
        self.progress = progress
        self.hint = hint
        self.sleep = sleep
        self.stats = Stats()
        self._opener = urllib.request.build_opener()

    def delays(self) -> list[float]:
        """The waits between tries: ``backoff`` × 1, 2, 4, ..."""
        return [self.backoff * 2 ** k for k in range(self.retries)]

    # -- one request ------------------------------------------------------------------------------
    def open(self, url: str, headers: dict | None = None):
        """One request (no retry): the response, or :class:`_Transient` / :class:`FetchError`."""
        req = urllib.request.Request(url, headers={"User-Agent": USER_AGENT, **(headers or {})})
        self.stats.requests += 1
        try:
            return self._opener.open(req, timeout=self.timeout)
        except urllib.error.HTTPError as e:
            e.close()
            if e.code in RETRY_STATUS:
                raise _Transient(f"the server answered {e.code} {e.reason}") from None
            if e.code == 416:
                raise _RangeNotSatisfiable() from None
            where = " (is the address right? a mirror: " + self.hint + ")" if self.hint and e.code == 404 else ""
            raise FetchError(f"{url}: the server answered {e.code} {e.reason}{where}") from None
        except urllib.error.URLError as e:
            raise _Transient(f"cannot connect ({_reason(e.reason)})") from None
        except (http.client.HTTPException, OSError) as e:   # time-outs, resets, refused: OSError
            raise _Transient(f"cannot connect ({_reason(e)})") from None

    def read_body(self, resp, sink: Callable[[bytes], None], limit: int | None = None, url: str = "") -> int:
        """Read a response into ``sink`` in chunks; a body shorter than its ``Content-Length`` (a dropped
        connection) is :class:`_Transient`; one over ``limit`` bytes is a :class:`FetchError`."""
        length = resp.headers.get("Content-Length")
        length = int(length) if length and length.isdigit() else None
        if limit is not None and length is not None and length > limit:
            resp.close()
            raise FetchError(f"{url}: the server sends {length:,} bytes, more than the {limit:,} expected "
                             "at most (not the file asked for?)")
        got = 0
        try:
            while True:
                chunk = resp.read(CHUNK)
                if not chunk:
                    break
                got += len(chunk)
                self.stats.bytes += len(chunk)
                if limit is not None and got > limit:
                    raise FetchError(f"{url}: the server sent more than the {limit:,} bytes expected at most "
                                     "(not the file asked for?)")
                sink(chunk)
        except (http.client.HTTPException, OSError) as e:   # time-outs, resets, refused: OSError
            raise _Transient(f"the connection dropped after {got:,} bytes ({_reason(e)})") from None
        finally:
            resp.close()
        if length is not None and got < length:
            raise _Transient(f"the connection dropped after {got:,} of {length:,} bytes")
        return got

    # -- retries ----------------------------------------------------------------------------------
    def retrying(self, url: str, attempt: Callable[[int], object]):
        """Run ``attempt(try_number)`` until it returns, retrying :class:`_Transient` failures."""
        delays = self.delays()
        for k in range(len(delays) + 1):
            try:
                return attempt(k)
            except _Transient as e:
                if k == len(delays):
                    tries = len(delays) + 1
                    msg = f"{url}: {e} after {tries} tr{'ies' if tries > 1 else 'y'}"
                    if str(e).startswith("cannot connect"):
                        msg += "; are you offline?" + (f" (behind a proxy or with a mirror: {self.hint})"
                                                       if self.hint else "")
                    elif "answered 5" in str(e):
                        msg += "; the server has a problem: try again later"
                    raise FetchError(msg) from None
                self.stats.retries += 1
                self.sleep(delays[k])
        raise AssertionError("unreachable")  # pragma: no cover

    # -- whole responses --------------------------------------------------------------------------
    def get_bytes(self, url: str, limit: int = 64 << 20) -> bytes:
        """The body of ``url`` (at most ``limit`` bytes), with retries."""
        def attempt(_k):
            parts: list[bytes] = []
            self.read_body(self.open(url), parts.append, limit=limit, url=url)
            return b"".join(parts)
        return self.retrying(url, attempt)

    def download(self, url: str, dest: Path, limit: int | None = None, label: str | None = None) -> Download:
        """Stream ``url`` to ``dest`` (via ``dest.part``), resuming a dropped connection with a range
        request where the server serves them; the file's size and SHA-256."""
        part = dest.with_name(dest.name + ".part")
        state = {"got": 0, "hash": hashlib.sha256(), "total": None}
        bar = self.bar(label or dest.name)

        def attempt(_k):
            headers = {"Range": f"bytes={state['got']}-"} if state["got"] else {}
            try:
                resp = self.open(url, headers)
            except _RangeNotSatisfiable:
                resp = self.open(url)
            resume = state["got"] and resp.status == 206 and \
                (parse_content_range(resp.headers.get("Content-Range")) or (None,))[0] == state["got"]
            if not resume:   # a fresh start (or a server that ignores ranges: start again)
                state.update(got=0, hash=hashlib.sha256())
                bar.reset()
                length = resp.headers.get("Content-Length")
                state["total"] = int(length) if length and length.isdigit() else None
                bar.total = state["total"]
                bar.refresh()
            with open(part, "ab" if resume else "wb") as f:
                def sink(chunk):
                    f.write(chunk)
                    state["hash"].update(chunk)
                    state["got"] += len(chunk)
                    bar.update(len(chunk))
                remaining = None if limit is None else limit - (state["got"] if resume else 0)
                self.read_body(resp, sink, limit=remaining, url=url)

        try:
            self.retrying(url, attempt)
        finally:
            bar.close()
        os.replace(part, dest)
        return Download(dest, url, state["got"], state["hash"].hexdigest())

    # -- ranges -----------------------------------------------------------------------------------
    def open_ranges(self, url: str, tail: int = TAIL) -> RangeFile | None:
        """A :class:`RangeFile` over ``url``, or None when the server does not serve ranges."""
        box: dict = {}

        def attempt(_k):
            try:
                resp = self.open(url, {"Range": f"bytes=-{tail}"})
            except _RangeNotSatisfiable:
                return None
            cr = parse_content_range(resp.headers.get("Content-Range"))
            if resp.status != 206 or cr is None or cr[2] is None:
                resp.close()   # the whole file is coming: the caller downloads it
                return None
            parts: list[bytes] = []
            self.read_body(resp, parts.append, limit=tail, url=url)
            body = b"".join(parts)
            if len(body) != cr[1] - cr[0] + 1:
                raise _Transient(f"a range of {len(body):,} bytes where {cr[1] - cr[0] + 1:,} were announced")
            box.update(start=cr[0], body=body, size=cr[2], etag=resp.headers.get("ETag"),
                       final=resp.geturl() or url)
            return True

        if not self.retrying(url, attempt):
            return None
        return RangeFile(self, box["final"], box["size"], (box["start"], box["body"]), box["etag"], label=url)

    def bar(self, label: str, total: int | None = None):
        """A tqdm progress bar on stderr (hidden when stderr is not a terminal, or with progress off)."""
        from tqdm import tqdm  # deferred: the command line imports fetch only for `fetch`
        return tqdm(total=total, desc=label, unit="B", unit_scale=True, unit_divisor=1024, leave=False,
                    file=sys.stderr, disable=None if self.progress else True)


class _RangeNotSatisfiable(Exception):
    """A ``416``: the server refused the range (the caller asks for the whole file)."""


class RangeFile:
    """A read-only, seekable file over HTTP range requests (what :class:`zipfile.ZipFile` needs:
    ``seek``, ``tell``, ``read``).  Keeps the first response (the tail) and the last block fetched."""

    def __init__(self, http: Http, url: str, size: int, tail: tuple[int, bytes], etag: str | None = None,
                 label: str = ""):
        self.http = http
        self.url = url
        self.size = size
        self.etag = etag
        self.label = label or url
        self._tail = tail
        self._buf: tuple[int, bytes] = (0, b"")
        self._window: tuple[int, int] | None = None
        self.pos = 0
        self.closed = False

    # the file interface zipfile uses
    def seekable(self) -> bool:
        return True

    def readable(self) -> bool:
        return True

    def tell(self) -> int:
        return self.pos

    def seek(self, offset: int, whence: int = 0) -> int:
        base = {0: 0, 1: self.pos, 2: self.size}[whence]
        pos = base + offset
        if pos < 0:
            raise OSError(22, "seek before the start of the file")
        self.pos = pos
        return pos

    def close(self) -> None:
        self.closed = True
        self._buf = (0, b"")

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def window(self, start: int, end: int) -> None:
        """The next reads are in ``[start, end)`` (a member): fetch that span in blocks of
        :data:`WINDOW_BLOCK`, not in the small reads zipfile makes."""
        self._window = (max(0, start), min(self.size, end))

    def read(self, n: int = -1) -> bytes:
        if n is None or n < 0:
            n = self.size - self.pos
        n = min(n, max(0, self.size - self.pos))
        if n <= 0:
            return b""
        if n > MAX_READ:
            raise FetchError(f"{self.label}: a read of {n:,} bytes (more than {MAX_READ:,}): "
                             "not a police.uk archive, or a damaged one")
        for start, data in (self._tail, self._buf):
            if start <= self.pos and self.pos + n <= start + len(data):
                out = data[self.pos - start:self.pos - start + n]
                self.pos += n
                return out
        w = self._window
        if w and w[0] <= self.pos < w[1]:
            length = max(n, min(w[1] - self.pos, WINDOW_BLOCK))
        else:
            length = max(n, MIN_BLOCK)
        end = min(self.size, self.pos + length)
        self._buf = (self.pos, self._fetch(self.pos, end))
        out = self._buf[1][:n]
        self.pos += len(out)
        return out

    def _fetch(self, start: int, end: int) -> bytes:
        """Bytes ``[start, end)``, resuming a dropped connection where it stopped."""
        got = bytearray()

        def attempt(_k):
            first = start + len(got)
            headers = {"Range": f"bytes={first}-{end - 1}"}
            if self.etag:
                headers["If-Range"] = self.etag
            resp = self.http.open(self.url, headers)
            cr = parse_content_range(resp.headers.get("Content-Range"))
            if resp.status != 206 or cr is None or cr[0] != first:
                resp.close()
                raise FetchError(f"{self.label}: the server stopped answering range requests, or the file "
                                 "changed while it was read; run the command again")
            self.http.read_body(resp, got.extend, limit=end - first, url=self.label)
            if start + len(got) < end:
                raise _Transient(f"the connection dropped after {len(got):,} of {end - start:,} bytes")

        self.http.retrying(self.label, attempt)
        return bytes(got)


def _reason(e) -> str:
    """A short reason for a connection failure."""
    if isinstance(e, socket.gaierror):
        return "name not resolved"
    if isinstance(e, ConnectionRefusedError):
        return "connection refused"
    if isinstance(e, TimeoutError):
        return "timed out"
    text = str(e) or type(e).__name__
    return text[:120]
