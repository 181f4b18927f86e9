"""Route-walk sample for the SHU payout pages: one member's SHU share in the given cooperative.

The walk's cooperative has no member with a base in a closed year, so the distribution row is
written directly, with a zero share and no entry (the ledger owes nobody anything; the payout
buttons refuse it, the slip prints it)."""

from __future__ import annotations

import json
from datetime import date

from sqlalchemy import select

from outlet_pos.core.db import run_transaction
from outlet_pos.core.parties import Member
from outlet_pos.core.shu.models import ShuDistribution, ShuShare
from outlet_pos.core.tenancy import DEFAULT_SHU_ALLOCATION
from outlet_pos.extensions import db


def records(coop, users: dict) -> dict:
    def action():
        member = db.session.scalar(
            select(Member).where(Member.cooperative_id == coop.id).order_by(Member.id)
        )
        dist = ShuDistribution(
            cooperative_id=coop.id,
            year=2024,
            shu_amount=0,
            pools_json=json.dumps({k: 0 for k in DEFAULT_SHU_ALLOCATION}),
            allocation_json=json.dumps(DEFAULT_SHU_ALLOCATION),
            rat_date=date(2025, 3, 1),
            decision_number="01/RAT/2025",
            created_by_id=users["bendahara"],
        )
        db.session.add(dist)
        db.session.flush()
        share = ShuShare(
            cooperative_id=coop.id,
            distribution_id=dist.id,
            member_id=member.id,
            member_number=member.member_number,
        )
        db.session.add(share)
        db.session.flush()
        return {"shu_share_id": share.id}

    return run_transaction(action)
