"""Benchmark what sync costs an outlet: a 5-line checkout on SQLite without a sync link and
with one (every write also queued by the capture triggers), interleaved in blocks so machine
load hits both alike; and the outbox it leaves per sale.

    .venv/bin/python bench/sync.py [--quick]
"""

from __future__ import annotations

import statistics

from _common import Figure, arguments, bench_app, report
from checkout import bench_checkout, setup


def main() -> None:
    args = arguments(__doc__).parse_args()
    sales = 100 if args.quick else 400
    figures: list[Figure] = []
    plain_app, _ = bench_app("sync-plain")
    linked_app, _ = bench_app("sync-linked")
    worlds = {}
    for name, app in (("plain", plain_app), ("linked", linked_app)):
        with app.app_context():
            coop, user, shift, ids = setup(50)
            worlds[name] = (coop.id, user.id, shift.id, ids)
    with linked_app.app_context():
        link(worlds["linked"][0])
    samples: dict[str, list[float]] = {"plain": [], "linked": []}
    for name, app in (("plain", plain_app), ("linked", linked_app)):
        with app.app_context():
            coop, user, shift, ids = _fresh(worlds[name])
            bench_checkout(coop, user, shift, ids, 20)  # warm up
    for start in range(20, 20 + sales, 25):
        for name, app in (("plain", plain_app), ("linked", linked_app)):
            with app.app_context():
                coop, user, shift, ids = _fresh(worlds[name])
                samples[name] += bench_checkout(coop, user, shift, ids, 25, start)
    figures.append(Figure.of("sync", "checkout 5-line sale, no sync link", samples["plain"]))
    figures.append(
        Figure.of("sync", "checkout 5-line sale, outlet linked (capture on)", samples["linked"])
    )
    ratio = statistics.median(samples["linked"]) / statistics.median(samples["plain"])
    figures.append(Figure("sync", "  linked / plain (p50)", "×", ratio, judge="value"))
    with linked_app.app_context():
        from sqlalchemy import func, select

        from outlet_pos.core.sync.models import SyncOutbox
        from outlet_pos.extensions import db

        queued = db.session.scalar(
            select(func.count()).select_from(SyncOutbox).where(SyncOutbox.op != "T")
        )
    figures.append(
        Figure("sync", "  changes queued per sale", "", queued / (sales + 20), judge="value")
    )
    report(figures, args.json)


def _fresh(world):
    from outlet_pos.core.access import User
    from outlet_pos.core.sales.models import Shift
    from outlet_pos.core.tenancy import Cooperative
    from outlet_pos.extensions import db

    coop_id, user_id, shift_id, ids = world
    return (
        db.session.get(Cooperative, coop_id),
        db.session.get(User, user_id),
        db.session.get(Shift, shift_id),
        ids,
    )


def link(coop_id: int) -> None:
    """Link the cooperative as registration would, without a server (capture only)."""
    from outlet_pos.core.db import run_transaction
    from outlet_pos.core.sync import capture, wire
    from outlet_pos.core.sync.models import SyncLink
    from outlet_pos.extensions import db

    def action():
        db.session.add(
            SyncLink(
                cooperative_id=coop_id,
                server_url="http://127.0.0.1:9",
                installation_id="bench",
                private_key=wire.new_private_key(),
            )
        )
        db.session.flush()
        capture.install_triggers(db.session.connection())

    run_transaction(action)
    capture.mark_linked(db.engine)


if __name__ == "__main__":
    main()
