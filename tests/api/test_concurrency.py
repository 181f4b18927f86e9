"""Two devices submitting the same sales with the same keys at the same moment: each key
makes one sale and one entry, and both devices get the same answer. Real processes against
the suite's database, as in tests/core/test_checkout_concurrency.py (threads of one process
would share a pool and hide the race)."""

from __future__ import annotations

import multiprocessing as mp

from sqlalchemy import func, select

from outlet_pos.api.models import ApiIdempotency
from outlet_pos.core.ledger.models import JournalEntry
from outlet_pos.core.sales.models import Sale
from outlet_pos.extensions import db

KEYS = 15


def _device(url, secret, item_id, start, out):
    from outlet_pos import create_app

    app = create_app(
        {"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "x", "TESTING": True,
         "RATELIMIT_ENABLED": False}
    )  # fmt: skip
    client = app.test_client()
    body = {
        "lines": [{"item_id": item_id, "qty": "1"}],
        "payments": [{"method": "tunai", "amount": 64_000}],
    }
    headers = {"Authorization": f"Bearer {secret}"}
    start.wait()
    answers = []
    for i in range(KEYS):
        resp = client.post(
            "/api/v1/sales", json=body, headers={**headers, "Idempotency-Key": f"same-{i}"}
        )
        answers.append((resp.status_code, resp.get_data(as_text=True)))
    with app.app_context():
        db.engine.dispose()
    out.put(answers)


def test_the_same_keys_from_two_devices_at_once_make_each_sale_once(app, issue, world):
    secret = issue(world.cashier_id, ["sales:write"])
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    with app.app_context():
        db.engine.dispose()  # no pooled connection crosses into the children
    ctx = mp.get_context("spawn")
    start, out = ctx.Event(), ctx.Queue()
    procs = [
        ctx.Process(target=_device, args=(url, secret, world.items["beras"], start, out))
        for _ in range(2)
    ]
    for p in procs:
        p.start()
    start.set()
    results = [out.get(timeout=300) for _ in procs]
    for p in procs:
        p.join(timeout=60)
    first, second = results
    assert [status for status, _ in first] == [201] * KEYS
    assert first == second  # byte for byte the same answers
    with app.app_context():
        sales = db.session.scalar(select(func.count()).select_from(Sale))
        entries = db.session.scalar(
            select(func.count()).select_from(JournalEntry).where(JournalEntry.source == "sale")
        )
        keys = db.session.scalar(select(func.count()).select_from(ApiIdempotency))
    assert (sales, entries, keys) == (KEYS, KEYS, KEYS)
