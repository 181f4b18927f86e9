"""Weigh a page (DESIGN §4.1: the cashier page ≤ 300 KB, and no request leaves the machine).

Two ways, and both must agree that nothing leaves the machine:

- by following the page's own references (``<link href>``, ``<script src>``, ``<img src>``,
  CSS ``url()`` and ``@import``), fetching every local one and adding up the bytes; any
  reference to another host is an external URL;
- by loading it in headless Chromium (when Playwright and /usr/bin/chromium are there) with
  every request routed through a check: a request to any host but loopback is recorded and
  aborted, so it never leaves; the weight is every response body the browser received.

The browser's weight is the figure when it ran (it also sees what scripts load at start);
the link-following weight is the fallback and the cross-check in the note.
"""

from __future__ import annotations

import re
import urllib.parse
from pathlib import Path

from _common import Figure

LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1"}
CHROMIUM = Path("/usr/bin/chromium")
_HTML_REF = re.compile(
    r"<(?:link|script|img|source|iframe|embed|video|audio|object)\b[^>]*?"
    r"\s(?:href|src|data)\s*=\s*[\"']([^\"']+)[\"']",
    re.IGNORECASE,
)
_CSS_REF = re.compile(r"url\(\s*[\"']?([^\"')]+)[\"']?\s*\)|@import\s+[\"']([^\"']+)[\"']")


def weigh_page(url: str, opener, login: tuple[str, str]) -> list[Figure]:
    """Figures for the page at ``url``, fetched with a logged-in ``opener``; the browser logs
    in itself with ``login`` (session protection ties a session to its user agent)."""
    static_bytes, files, external = follow_links(url, opener)
    browser = load_in_browser(url, login)
    if browser is not None:
        weight, requests, blocked = browser
        external = sorted(set(external) | set(blocked))
        note = f"{requests} requests in Chromium; links followed: {static_bytes / 1024:.0f} KB"
    else:
        weight, note = static_bytes, f"{files} files by following links (no Chromium)"
    if external:
        note += "; external: " + ", ".join(external[:3])
    return [
        Figure("page", "cashier page weight (page + its assets)", "KB", weight / 1024,
               budget=300, judge="value", note=note),
        Figure("page", "  requests leaving the machine", "", len(external), budget=0,
               judge="value"),
    ]  # fmt: skip


def _is_local(ref: str) -> bool:
    parsed = urllib.parse.urlparse(ref)
    return parsed.scheme in ("data", "blob", "about") or parsed.hostname in LOCAL_HOSTS


def follow_links(url: str, opener) -> tuple[int, int, list[str]]:
    """Total bytes of the page and everything it references, the number of files, and the
    references to other hosts."""
    seen: set[str] = set()
    external: list[str] = []
    total = 0
    queue = [url]
    while queue:
        current = queue.pop()
        if current in seen:
            continue
        seen.add(current)
        body = opener.open(current).read()
        total += len(body)
        text = body.decode("utf-8", "replace")
        if current == url:
            refs = _HTML_REF.findall(text)
        elif current.split("?")[0].endswith(".css"):
            refs = [a or b for a, b in _CSS_REF.findall(text)]
        else:
            refs = []
        for ref in refs:
            absolute = urllib.parse.urljoin(current, ref.strip())
            if absolute.startswith(("data:", "blob:", "about:")):
                continue
            if not _is_local(absolute):
                external.append(absolute)
            else:
                queue.append(absolute.split("#")[0])
    return total, len(seen), external


def load_in_browser(url: str, login: tuple[str, str]) -> tuple[int, int, list[str]] | None:
    """(bytes received, requests made, requests to other hosts) as Chromium loads the page,
    or None when no browser is available here."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        return None
    if not CHROMIUM.exists():
        return None
    blocked: list[str] = []
    responses = []
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=str(CHROMIUM), args=["--no-sandbox", "--headless"]
        )
        try:
            page = browser.new_page()

            def check(route) -> None:
                if _is_local(route.request.url):
                    route.continue_()
                else:
                    blocked.append(route.request.url)
                    route.abort()

            page.route("**/*", check)
            page.goto(urllib.parse.urljoin(url, "/masuk"))
            page.fill("#username", login[0])
            page.fill("#password", login[1])
            with page.expect_navigation():
                page.click("button[type=submit]")
            page.wait_for_load_state("networkidle")
            page.on("response", lambda r: responses.append(r))
            page.goto(url, wait_until="networkidle")
            if "/masuk" in page.url:
                raise RuntimeError("the browser was sent to the login page: cookies not taken")
            # One count per URL: a second use of the logo comes from the browser's cache.
            bodies = {r.url: len(r.body()) for r in responses if r.status < 300}
            weight = sum(bodies.values())
        finally:
            browser.close()
    return weight, len(bodies) + len(blocked), blocked
