"""Route-walk samples for the visit notes: one visit by the cooperative's pendamping with an
overdue action and one still in time."""

from __future__ import annotations

from datetime import timedelta

from outlet_pos.core.access import User
from outlet_pos.core.db import run_transaction
from outlet_pos.extensions import db


def records(coop, users) -> dict:
    from outlet_pos.core.mentoring.visits import record_visit

    mentor = db.session.get(User, users["pendamping"])

    def action():
        day = coop.today() - timedelta(days=10)
        visit = record_visit(
            coop,
            mentor,
            visit_date=day,
            mode="kunjungan",
            topics="Tutup buku, stok opname",
            findings="Kas kecil belum direkonsiliasi.",
            recommendations="Rekonsiliasi kas tiap akhir bulan.",
            actions=[
                {"description": "Stok opname gudang", "owner": "Bendahara",
                 "due_date": day + timedelta(days=5)},
                {"description": "Rapat pengurus", "owner": "Ketua",
                 "due_date": day + timedelta(days=30)},
            ],
        )  # fmt: skip
        return {"visit_id": visit.id, "action_id": visit.actions[0].id}

    return run_transaction(action)
