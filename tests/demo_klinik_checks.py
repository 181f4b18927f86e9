"""Checks of the demo's clinic and pharmacy: drugs of every class, an expired and a
near-expiry batch still on the shelf, visits with ICD-10 diagnoses and bills, prescriptions
dispensed first-expiry-first-out, the psychotropics register, and books that verify.

``check_clinic(coop)`` runs in tests/test_demo_klinik.py on a small cooperative;
``check_demo_klinik(app)`` is for the CLI's demo test (tests/test_cli.py), which builds the
whole demo once."""

from __future__ import annotations

from collections import defaultdict
from datetime import timedelta
from decimal import Decimal

from sqlalchemy import func, select

from outlet_pos.core.inventory.models import Batch, BatchLevel, Item, StockMove
from outlet_pos.core.ledger import balances
from outlet_pos.core.tenancy import Cooperative
from outlet_pos.core.verify import verify_all
from outlet_pos.extensions import db
from outlet_pos.units.apotek.models import DrugInfo


def check_demo_klinik(app) -> None:
    """Called from the CLI's demo test, after ``outlet-pos demo --days 20``."""
    with app.app_context():
        coop = db.session.scalar(select(Cooperative))
        check_clinic(coop)
        from outlet_pos.units.klinik.models import Patient

        members = db.session.scalar(
            select(func.count(Patient.id)).where(
                Patient.cooperative_id == coop.id, Patient.member_id.is_not(None)
            )
        )
        assert members >= 5


def check_clinic(coop: Cooperative) -> None:
    from outlet_pos.core.sales.models import Sale
    from outlet_pos.units.apotek.models import DrugInfo
    from outlet_pos.units.apotek.prescription_models import Prescription, PrescriptionDispense
    from outlet_pos.units.apotek.register_models import RegisterEntry
    from outlet_pos.units.klinik.visit_models import ClinicBill, ClinicTariff, Visit

    today = coop.today()
    # Drugs of every class the demo sells, batch-tracked; every OOT drug has its limit.
    infos = db.session.scalars(select(DrugInfo).where(DrugInfo.cooperative_id == coop.id)).all()
    assert len(infos) == 79
    assert {i.drug_class for i in infos} == {
        "bebas", "bebas_terbatas", "keras", "oot", "psikotropika"
    }  # fmt: skip
    assert all(i.max_per_sale for i in infos if i.drug_class == "oot")
    assert all(i.item.track_batch for i in infos)
    assert all(i.het_per_base >= i.item.base.price_general for i in infos)

    # On the shelf: a batch already expired (not yet written off) and one expiring soon.
    shelf = db.session.execute(
        select(Batch.expiry, BatchLevel.on_hand)
        .join(BatchLevel, BatchLevel.batch_id == Batch.id)
        .where(Batch.cooperative_id == coop.id, BatchLevel.on_hand > 0)
    ).all()
    assert any(expiry < today for expiry, _ in shelf)
    assert any(today <= expiry <= today + timedelta(days=90) for expiry, _ in shelf)

    # Visits: finished, with an ICD-10 code, vitals and one paid bill each.
    visits = db.session.scalars(select(Visit).where(Visit.cooperative_id == coop.id)).all()
    assert len(visits) >= 4
    assert all(v.status == "selesai" and v.icd10_code and v.weight for v in visits)
    assert {"F51.0", "M54.5", "E11.9", "T14.1"} <= {v.icd10_code for v in visits}
    bills = db.session.scalars(select(ClinicBill).where(ClinicBill.cooperative_id == coop.id)).all()
    assert sorted(b.visit_id for b in bills) == sorted(v.id for v in visits)
    assert (
        db.session.scalar(
            select(func.count(ClinicTariff.id)).where(ClinicTariff.cooperative_id == coop.id)
        )
        == 6
    )
    assert balances(coop)["413100"] < 0  # clinic service income (a credit balance)

    # Prescriptions: from the clinic and from outside; all served but at most the last one.
    rxs = db.session.scalars(
        select(Prescription).where(Prescription.cooperative_id == coop.id)
    ).all()
    assert {rx.source for rx in rxs} == {"klinik", "luar"}
    assert sum(rx.status != "selesai" for rx in rxs) <= 1
    assert all(rx.status in ("selesai", "antri") for rx in rxs)
    # Every past day was replayed on its own date: visits, bills and dispensing sales.
    assert all(v.business_date < today for v in visits)
    assert all(b.date < today for b in bills)
    served = db.session.execute(
        select(Prescription.written_on, Sale.date)
        .join(PrescriptionDispense, PrescriptionDispense.prescription_id == Prescription.id)
        .join(Sale, Sale.id == PrescriptionDispense.sale_id)
        .where(Prescription.cooperative_id == coop.id)
    ).all()
    assert served and all(written <= sold < today for written, sold in served)
    check_fefo(coop)

    # The psychotropic sold on prescription is in the register, equal to its stock moves.
    diazepam = db.session.scalar(
        select(Item).where(Item.cooperative_id == coop.id, Item.sku == "PS-DIAZ2")
    )
    register = db.session.scalars(
        select(RegisterEntry).where(RegisterEntry.item_id == diazepam.id)
    ).all()
    moves = db.session.scalars(select(StockMove).where(StockMove.item_id == diazepam.id)).all()
    assert any(r.qty < 0 and r.prescription_id for r in register)
    assert sorted(r.move_id for r in register) == sorted(m.id for m in moves)
    bad = [f"{c}: {label}: {v}" for c, label, vs in verify_all() for v in vs]
    assert bad == [], bad


def check_fefo(coop: Cooperative) -> None:
    """Every sale of a drug took the batch expiring first among those unexpired and in stock
    at that moment (levels rebuilt from the stock moves in order), never an expired one."""
    moves = db.session.execute(
        select(StockMove.id, StockMove.item_id, StockMove.batch_id, StockMove.qty,
               StockMove.kind, StockMove.date, Batch.expiry)
        .join(Batch, Batch.id == StockMove.batch_id)
        .join(DrugInfo, DrugInfo.item_id == StockMove.item_id)  # drugs only (animals are
        .where(StockMove.cooperative_id == coop.id)  # batches too: their tag, no expiry)
        .order_by(StockMove.id)
    ).all()  # fmt: skip
    expiry = {m.batch_id: m.expiry for m in moves}
    level: dict[int, dict[int, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    sales = 0
    for m in moves:
        if m.kind == "sale" and m.qty < 0:
            sales += 1
            assert expiry[m.batch_id] >= m.date, f"expired batch sold (move {m.id})"
            earlier = [
                b for b, q in level[m.item_id].items()
                if q > 0 and b != m.batch_id and m.date <= expiry[b] < expiry[m.batch_id]
            ]  # fmt: skip
            assert not earlier, f"move {m.id} skipped batches {earlier} that expire first"
        level[m.item_id][m.batch_id] += m.qty
    assert sales > 0
