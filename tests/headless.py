"""A small headless-Chromium driver for the HTML tests: the DevTools protocol over a WebSocket.

``chromium --headless --window-size=390,…`` cannot make a phone-width page: headless windows are at
least 500 px wide, so a "390 px" screenshot is a 500 px layout cut off at 390.  The DevTools
protocol's ``Emulation.setDeviceMetricsOverride`` gives a true 390 px viewport (mobile, honouring
the viewport meta tag).  The same connection records every request the page makes
(``Network.requestWillBeSent``) and every Content-Security-Policy violation (console messages and
``Audits`` issues), evaluates expressions in the page and takes screenshots.

Uses tornado's WebSocket client (a dependency of ipykernel, so present wherever the package's
notebooks run); nothing here leaves the machine: the page is a ``file:`` URL and the browser is
started with its background networking off.

>>> with Chromium() as browser:                                           # doctest: +SKIP
...     page = browser.open("file:///tmp/report.html", width=390)
...     page.evaluate("document.scrollingElement.scrollWidth")
390
"""
from __future__ import annotations

import asyncio
import base64
import itertools
import json
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


class Chromium:
    """One headless Chromium process with remote debugging on a free local port."""

    def __init__(self, executable: str | None = None, timeout: float = 60):
        self.executable = executable or CHROMIUM
        self.timeout = timeout

    def __enter__(self):
        self._dir = tempfile.TemporaryDirectory(prefix="headless-", ignore_cleanup_errors=True)
        profile = Path(self._dir.name)
        self.proc = subprocess.Popen(
            [self.executable, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             "--disable-default-apps", "--hide-scrollbars", "--mute-audio", f"--user-data-dir={profile}",
             "--remote-debugging-port=0", "--remote-allow-origins=*", "about:blank"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        port_file = profile / "DevToolsActivePort"
        deadline = time.monotonic() + self.timeout
        while not (port_file.exists() and len(port_file.read_text().split("\n")) >= 2):
            if self.proc.poll() is not None or time.monotonic() > deadline:
                self.__exit__()
                raise RuntimeError("headless Chromium did not start")
            time.sleep(0.1)
        port, path = port_file.read_text().split("\n")[:2]
        self.url = f"ws://127.0.0.1:{port}{path}"
        self.loop = asyncio.new_event_loop()
        self.ws = self.loop.run_until_complete(self._connect())
        self.ids = itertools.count(1)
        return self

    async def _connect(self):
        from tornado.websocket import websocket_connect
        return await websocket_connect(self.url, max_message_size=512 * 1024 * 1024)

    def __exit__(self, *exc):
        ws = getattr(self, "ws", None)
        if ws is not None:
            try:  # a clean exit: the browser closes its own helper processes
                self.send("Browser.close")
            except Exception:  # noqa: BLE001 - already closing; terminated below
                pass
            ws.close()
        if getattr(self, "loop", None) is not None:
            self.loop.close()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        for _ in range(20):  # a helper process may still be writing to the profile for a moment
            try:
                shutil.rmtree(self._dir.name)
                break
            except FileNotFoundError:
                break
            except OSError:
                time.sleep(0.1)
        self._dir.cleanup()

    # -- the protocol ------------------------------------------------------------------------
    def send(self, method: str, params: dict | None = None, session: str | None = None,
             events: list | None = None) -> dict:
        """Send one command and wait for its answer; events that arrive meanwhile go to ``events``."""
        return self.loop.run_until_complete(self._send(method, params or {}, session, events))

    async def _send(self, method, params, session, events):
        i = next(self.ids)
        msg = {"id": i, "method": method, "params": params}
        if session:
            msg["sessionId"] = session
        await self.ws.write_message(json.dumps(msg))
        while True:
            raw = await asyncio.wait_for(self.ws.read_message(), self.timeout)
            if raw is None:
                raise RuntimeError("the browser closed the connection")
            m = json.loads(raw)
            if m.get("id") == i:
                if "error" in m:
                    raise RuntimeError(f"{method}: {m['error']}")
                return m.get("result", {})
            if events is not None and "method" in m:
                events.append(m)

    def wait_for(self, method: str, events: list, seconds: float = 30) -> dict:
        """Wait until an event ``method`` has arrived (collecting every event into ``events``)."""
        return self.loop.run_until_complete(self._wait_for(method, events, seconds))

    async def _wait_for(self, method, events, seconds):
        for m in events:
            if m.get("method") == method:
                return m
        deadline = time.monotonic() + seconds
        while True:
            raw = await asyncio.wait_for(self.ws.read_message(), max(0.1, deadline - time.monotonic()))
            if raw is None:
                raise RuntimeError("the browser closed the connection")
            m = json.loads(raw)
            if "method" in m:
                events.append(m)
                if m["method"] == method:
                    return m

    def open(self, url: str, width: int = 1280, height: int = 900, mobile: bool | None = None) -> Page:
        """A new tab of ``width`` x ``height`` CSS pixels (mobile below 600 px) showing ``url``, loaded."""
        target = self.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = self.send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        page = Page(self, session)
        for domain in ("Page", "Network", "Runtime", "Log", "Audits"):
            page.send(f"{domain}.enable")
        page.send("Emulation.setDeviceMetricsOverride",
                  {"width": width, "height": height, "deviceScaleFactor": 1,
                   "mobile": width < 600 if mobile is None else mobile})
        page.send("Page.navigate", {"url": url})
        self.wait_for("Page.loadEventFired", page.events)
        page.evaluate("new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")
        return page


class Page:
    """One tab: evaluate, screenshot, and what it fetched or was refused."""

    def __init__(self, browser: Chromium, session: str):
        self.browser, self.session, self.events = browser, session, []

    def send(self, method: str, params: dict | None = None) -> dict:
        return self.browser.send(method, params, self.session, self.events)

    def evaluate(self, expression: str):
        """The value of a JavaScript expression in the page (promises awaited)."""
        r = self.send("Runtime.evaluate", {"expression": expression, "returnByValue": True, "awaitPromise": True})
        if "exceptionDetails" in r:
            raise RuntimeError(f"{expression[:60]}: {r['exceptionDetails'].get('exception', {}).get('description')}")
        return r["result"].get("value")

    @property
    def requests(self) -> list[str]:
        """Every URL the page asked for, ``data:`` URIs and the page itself included."""
        return [e["params"]["request"]["url"] for e in self.events if e.get("method") == "Network.requestWillBeSent"]

    @property
    def messages(self) -> list[str]:
        """Console and log messages (a blocked script or fetch shows up here)."""
        out = []
        for e in self.events:
            p = e.get("params", {})
            if e.get("method") == "Log.entryAdded":
                out.append(p["entry"].get("text", ""))
            elif e.get("method") == "Runtime.consoleAPICalled":
                out.append(" ".join(str(a.get("value", a.get("description", ""))) for a in p.get("args", [])))
            elif e.get("method") == "Runtime.exceptionThrown":
                out.append(p["exceptionDetails"].get("exception", {}).get("description", "exception"))
        return out

    @property
    def csp_violations(self) -> list[str]:
        """Content-Security-Policy violations reported by the browser (issues and console)."""
        out = [json.dumps(e["params"]["issue"])[:300] for e in self.events if e.get("method") == "Audits.issueAdded"
               and e["params"]["issue"].get("code") == "ContentSecurityPolicyIssue"]
        return out + [m for m in self.messages if "Content Security Policy" in m]

    def screenshot(self, path: Path, y: float = 0, height: float | None = None) -> Path:
        """A PNG of the page from ``y`` (CSS px), ``height`` tall (default: to the end), beyond the viewport."""
        w = self.evaluate("document.documentElement.clientWidth")
        total = self.evaluate("document.scrollingElement.scrollHeight")
        h = min(height or total, total - y)
        r = self.send("Page.captureScreenshot", {"format": "png", "captureBeyondViewport": True,
                                                 "clip": {"x": 0, "y": y, "width": w, "height": h, "scale": 1}})
        Path(path).write_bytes(base64.b64decode(r["data"]))
        return Path(path)
