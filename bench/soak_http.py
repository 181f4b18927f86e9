"""The soak's browser: one HTTP/1.1 connection on loopback, the session cookie, and the flash
messages the server put in it.

Why its own client and not urllib: a redirect must be seen, not followed (the 302 of a form
post *is* the acknowledgement), and a dead connection must surface as one exception, ``Down``,
so the worker knows the answer is unknown and retries with the same idempotency key.
"""

from __future__ import annotations

import base64
import http.client
import json
import re
import time
import urllib.parse
import zlib
from dataclasses import dataclass

CSRF_META = re.compile(r'<meta name="csrf-token" content="([^"]+)"')
CSRF_INPUT = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
RUPIAH = re.compile(r"Rp\s?([\d.]+)")


class Down(Exception):
    """No answer: the connection was refused, reset or timed out. Whether the server did the
    work is unknown; only a retry with the same key can tell."""


@dataclass
class Answer:
    status: int
    location: str
    text: str
    ms: float

    def json(self) -> dict:
        try:
            return json.loads(self.text)
        except ValueError:
            return {"error": self.text[:200]}


def rupiah(text: str) -> list[int]:
    """Every ``Rp12.500`` in a message, as integers."""
    return [int(m.replace(".", "")) for m in RUPIAH.findall(text)]


class Client:
    def __init__(self, host: str, port: int, timeout: float = 60.0):
        self.host, self.port, self.timeout = host, port, timeout
        self.cookies: dict[str, str] = {}
        self.conn: http.client.HTTPConnection | None = None
        self.csrf = ""

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
            self.conn = None

    def request(
        self, method: str, path: str, *, form: dict | None = None, body: dict | None = None
    ) -> Answer:
        headers = {"Referer": f"http://{self.host}:{self.port}/kasir/"}
        data = None
        if form is not None:
            data = urllib.parse.urlencode(form).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        elif body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
            headers["X-CSRFToken"] = self.csrf
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        started = time.perf_counter()
        try:
            if self.conn is None:
                self.conn = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
            self.conn.request(method, path, data, headers)
            resp = self.conn.getresponse()
            payload = resp.read()
        except (OSError, http.client.HTTPException) as exc:
            self.close()
            raise Down(f"{type(exc).__name__}: {exc}") from None
        ms = (time.perf_counter() - started) * 1000
        for name, value in resp.getheaders():
            if name.lower() == "set-cookie":
                self._set_cookie(value)
        if resp.will_close:
            self.close()
        location = urllib.parse.urlsplit(resp.getheader("Location") or "").path
        return Answer(resp.status, location, payload.decode("utf-8", "replace"), ms)

    def _set_cookie(self, header: str) -> None:
        pair, _, attrs = header.partition(";")
        name, _, value = pair.strip().partition("=")
        gone = not value or "max-age=0" in attrs.lower() or "1970" in attrs
        if gone:
            self.cookies.pop(name, None)
        else:
            self.cookies[name] = value

    def last_flash(self) -> tuple[str, str] | None:
        """The newest flash message in the session cookie.

        Flask keeps flashes in the signed (not encrypted) session cookie until a page shows
        them, so the 302 that answers a form carries its outcome; reading it there means the
        acknowledgement is that one response, whatever happens to the page after it.
        """
        raw = self.cookies.get("session", "").strip('"')
        if not raw:
            return None
        compressed = raw.startswith(".")
        payload = (raw[1:] if compressed else raw).split(".")[0]
        data = base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))
        if compressed:
            data = zlib.decompress(data)
        flashes = json.loads(data).get("_flashes") or []
        if not flashes:
            return None
        last = flashes[-1]
        category, message = last[" t"] if isinstance(last, dict) else last
        return category, message

    def page_csrf(self, text: str) -> str:
        found = CSRF_META.search(text) or CSRF_INPUT.search(text)
        if found is None:
            raise RuntimeError("no CSRF token on the page")
        return found.group(1)
