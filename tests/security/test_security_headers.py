"""Security headers on every kind of answer: pages, PDFs, workbooks, CSV, JSON, static files,
redirects and error pages (DESIGN §4.3: CSP without inline script).

Every GET route is opened once, as cooperative B's every-role user with B's own objects, and
every answer is checked; then the kinds a plain walk does not produce (spreadsheet and CSV
downloads, JSON, static files, errors) are asked for by name. A page that carries an inline
script or style attribute would be blocked by the CSP in the browser, so HTML is checked for
those too.
"""

from __future__ import annotations

import re

from flask import url_for

from tests.security import worlds

INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I)
INLINE_STYLE = re.compile(r"<[a-z][^>]*\sstyle\s*=", re.I)
INLINE_HANDLER = re.compile(r"<[a-z][^>]*\son[a-z]+\s*=", re.I)
DOWNLOADS = ("application/pdf", "spreadsheetml", "text/csv")


def _header_faults(resp, static: bool) -> list[str]:
    h = resp.headers
    faults = []
    csp = h.get("Content-Security-Policy", "")
    for part in (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "object-src 'none'",
        "frame-ancestors 'none'",
        "base-uri 'self'",
    ):
        if part not in csp:
            faults.append(f"CSP lacks {part}")
    if "unsafe-inline" in csp or "unsafe-eval" in csp:
        faults.append("CSP allows unsafe-inline/eval")
    if h.get("X-Content-Type-Options") != "nosniff":
        faults.append("no nosniff")
    if h.get("X-Frame-Options") != "DENY":
        faults.append("framable")
    if h.get("Referrer-Policy") != "same-origin":
        faults.append("referrer leaks")
    if not static and "no-store" not in h.get("Cache-Control", ""):
        faults.append("cacheable (a shared computer keeps the cooperative's data)")
    mimetype = resp.mimetype or ""
    if any(kind in mimetype for kind in DOWNLOADS) and "filename=" not in h.get(
        "Content-Disposition", ""
    ):
        faults.append("download without a file name")
    if mimetype.startswith("text/") and "charset" not in h.get("Content-Type", ""):
        faults.append("text without a charset")
    return faults


def _page_faults(resp) -> list[str]:
    if resp.mimetype != "text/html":
        return []
    html = resp.get_data(as_text=True)
    faults = []
    for name, pattern in (
        ("inline script", INLINE_SCRIPT),
        ("style attribute", INLINE_STYLE),
        ("inline event handler", INLINE_HANDLER),
    ):
        hit = pattern.search(html)
        if hit:
            faults.append(f"{name}: {hit.group(0)[:80]}")
    return faults


def test_every_answer_carries_the_security_headers(app, login):
    ws = worlds.build(app)
    client = worlds.sign_in_to_b(app, login, ws)
    seen: dict[str, str] = {}
    failures = []

    def check(url: str, method: str = "GET", *, static: bool = False, **kwargs) -> None:
        resp = client.open(url, method=method, **kwargs)
        seen.setdefault(f"{resp.status_code // 100}xx {resp.mimetype}", url)
        for fault in _header_faults(resp, static) + _page_faults(resp):
            failures.append(f"{method} {url} ({resp.status_code} {resp.mimetype}): {fault}")
        resp.close()  # a static file answer holds the file open until closed

    rules = sorted(app.url_map.iter_rules(), key=lambda r: r.rule)
    for rule in rules:
        if "GET" in rule.methods and rule.endpoint != "static":
            with app.test_request_context():
                url = url_for(rule.endpoint, **ws.args(rule, "b"))
            check(url)
    with app.test_request_context():
        b = ws.world_b
        named = [
            url_for("sembako.items_export", fmt="xlsx"),
            url_for("sembako.items_export", fmt="csv"),
            url_for("bendahara.aging_export", fmt="xlsx"),
            url_for("bendahara.trial_balance_page") + "?format=xlsx",
            url_for("bendahara.trial_balance_page") + "?format=pdf",
            url_for("kasir.receipt_pdf", sale_id=b["sale"], width=80),
            url_for("kasir.product_search") + "?q=teh",
            url_for("api.loan_simulate") + "?principal=1000000&annual_rate=12&months=6"
            "&method=anuitas",
            url_for("api.loan_simulate"),  # a JSON error
            "/tidak-ada-halaman",  # 404 page
            "/api/v1/tidak-ada",  # 404 as JSON
        ]
    for url in named:
        check(url)
    check("/keluar")  # 405: logout takes POST only
    check("/static/css/app.css", static=True)
    check("/static/js/kasir.js", static=True)
    kasir = app.test_client()
    login(kasir, "b-kasir")
    resp = kasir.get("/admin/pengguna")
    assert resp.status_code == 403
    failures += [f"403 page: {f}" for f in _header_faults(resp, False)]
    failures += [f"redirect: {f}" for f in _header_faults(app.test_client().get("/"), False)]
    assert failures == [], "\n".join(failures)
    kinds = " ".join(seen)
    for kind in (
        "2xx text/html",
        "application/pdf",
        "spreadsheetml",
        "text/csv",
        "2xx application/json",
        "4xx application/json",
        "text/css",
        "javascript",
        "3xx",
        "4xx text/html",
    ):
        assert kind in kinds, f"no {kind} answer was checked: {sorted(seen)}"
