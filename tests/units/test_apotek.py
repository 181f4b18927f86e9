"""The pharmacy's rules at the checkout (DESIGN §3.8): FEFO, obat keras only with a
prescription and an apoteker on duty, OOT limits, the HET ceiling, expired batches, and
prescriptions dispensed in parts, refunded and never over-dispensed."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from outlet_pos.core.audit import AuditEvent
from outlet_pos.core.db import run_transaction
from outlet_pos.core.errors import DomainError, NotFound, ValidationError
from outlet_pos.core.inventory.models import Batch, BatchLevel, StockMove
from outlet_pos.core.ledger.models import JournalEntry
from outlet_pos.core.sales.checkout import CartLine, PaymentIn, checkout
from outlet_pos.core.sales.models import Sale
from outlet_pos.core.sales.refunds import refund
from outlet_pos.extensions import db
from outlet_pos.units.apotek.dispense import dispense
from outlet_pos.units.apotek.duty import end_duty, on_duty, start_duty
from outlet_pos.units.apotek.prescription_models import Prescription, PrescriptionDispense
from outlet_pos.units.apotek.prescriptions import (
    check_dispensed,
    create_prescription,
    get_prescription,
)
from tests.conftest import make_user
from tests.shop import stock_in
from tests.units.apotek_world import build_pharmacy


@pytest.fixture
def ph(ctx):
    return build_pharmacy()


def counts() -> tuple[int, int, int]:
    return (
        db.session.scalar(select(func.count(Sale.id))),
        db.session.scalar(select(func.count(StockMove.id))),
        db.session.scalar(select(func.count(JournalEntry.id))),
    )


def levels(item) -> dict[str, Decimal]:
    rows = db.session.execute(
        select(Batch.code, BatchLevel.on_hand)
        .join(Batch, Batch.id == BatchLevel.batch_id)
        .where(BatchLevel.item_id == item.id)
    ).all()
    return {code.split("-", 1)[1]: qty for code, qty in rows}


def rx_for(ph, lines, **kw):
    return run_transaction(
        create_prescription,
        ph.coop,
        ph.apoteker,
        patient=ph.patient,
        prescriber="dr. Rina",
        written_on=ph.coop.today(),
        lines=lines,
        **kw,
    )


def sell(ph, user, shift, lines, pay, **kw):
    return run_transaction(checkout, shift, lines, [PaymentIn("tunai", pay)], user=user, **kw)


def refused(fn, *args, match: str, **kw) -> None:
    before = counts()
    with pytest.raises(DomainError, match=match):
        run_transaction(fn, *args, **kw)
    assert counts() == before, "a refusal wrote something"


def test_sells_the_batch_that_expires_first_across_two_batches(ph):
    para = ph.drugs["para"]
    assert levels(para) == {"B-SOON": 20, "B-MID": 30, "B-LATE": 50}
    sell(ph, ph.cashier, ph.cashier_shift, [CartLine(para.id, qty=25)], 12_500)
    assert levels(para) == {"B-SOON": 0, "B-MID": 25, "B-LATE": 50}
    moves = db.session.execute(
        select(Batch.code, StockMove.qty)
        .join(Batch, Batch.id == StockMove.batch_id)
        .where(StockMove.item_id == para.id, StockMove.kind == "sale")
        .order_by(StockMove.id)
    ).all()
    assert [(c.split("-", 1)[1], q) for c, q in moves] == [("B-SOON", -20), ("B-MID", -5)]


def test_obat_bebas_sells_at_the_counter_without_prescription_or_apoteker(ph):
    assert on_duty(ph.coop) is None
    sale = sell(ph, ph.cashier, ph.cashier_shift, [CartLine(ph.drugs["para"].id, qty=10)], 5_000)
    assert sale.total == 5_000


def test_obat_keras_without_prescription_is_refused_and_nothing_written(ph):
    run_transaction(start_duty, ph.coop, ph.apoteker)
    refused(
        sell,
        ph,
        ph.apoteker,
        ph.apoteker_shift,
        [CartLine(ph.drugs["amox"].id, qty=10)],
        9_000,
        match="hanya dapat diserahkan dengan resep",
    )


def test_obat_keras_without_apoteker_on_duty_is_refused(ph):
    rx = rx_for(ph, [{"item_id": ph.drugs["amox"].id, "qty": 10, "dosage": "3 x 1"}])
    refused(
        sell,
        ph,
        ph.apoteker,
        ph.apoteker_shift,
        [CartLine(ph.drugs["amox"].id, qty=10)],
        9_000,
        extra={"prescription_id": rx.id},
        match="apoteker sedang bertugas",
    )
    run_transaction(start_duty, ph.coop, ph.apoteker)
    sale = sell(
        ph,
        ph.apoteker,
        ph.apoteker_shift,
        [CartLine(ph.drugs["amox"].id, qty=10)],
        9_000,
        extra={"prescription_id": rx.id},
    )
    assert sale.total == 9_000
    run_transaction(end_duty, ph.coop, ph.apoteker)
    assert on_duty(ph.coop) is None


def test_a_cashier_cannot_go_on_duty(ph):
    with pytest.raises(DomainError, match="Hanya apoteker"):
        run_transaction(start_duty, ph.coop, ph.cashier)


def test_an_expired_batch_is_refused_and_never_taken_by_fefo(ph):
    para = ph.drugs["para"]
    today = ph.coop.today()

    def antacid():
        from tests.units.apotek_world import drug

        return drug(ph.coop, "OB-OLD", "Antasida tablet", "bebas", 300)

    old = run_transaction(antacid)
    long_ago = today - timedelta(days=100)
    stock_in(ph.coop, old, 10, 2_000, batch="OLD-X1", expiry=today - timedelta(days=1),
             day=long_ago)  # fmt: skip
    refused(sell, ph, ph.cashier, ph.cashier_shift, [CartLine(old.id, qty=1)], 300,
            match="sudah kedaluwarsa .* tidak boleh dijual")  # fmt: skip
    # An expired batch of paracetamol expires first, but FEFO passes over it.
    stock_in(ph.coop, para, 5, 1_000, batch="para-EXPIRED", expiry=today - timedelta(days=3),
             day=long_ago)  # fmt: skip
    sell(ph, ph.cashier, ph.cashier_shift, [CartLine(para.id, qty=2)], 1_000)
    assert levels(para) == {"EXPIRED": 5, "B-SOON": 18, "B-MID": 30, "B-LATE": 50}
    expired = db.session.scalar(select(Batch.id).where(Batch.code == "para-EXPIRED"))
    refused(sell, ph, ph.cashier, ph.cashier_shift,
            [CartLine(para.id, qty=1, batch_id=expired)], 500, match="kedaluwarsa")  # fmt: skip


def test_oot_over_the_limit_in_one_sale_counts_every_line(ph):
    run_transaction(start_duty, ph.coop, ph.apoteker)
    tram = ph.drugs["tram"]
    rx = rx_for(ph, [{"item_id": tram.id, "qty": 20, "dosage": "2 x 1"}])
    lines = [CartLine(tram.id, qty=6), CartLine(tram.id, qty=6)]
    refused(
        sell,
        ph,
        ph.apoteker,
        ph.apoteker_shift,
        lines,
        18_000,
        extra={"prescription_id": rx.id},
        match="paling banyak 10 tablet",
    )
    sale = sell(
        ph,
        ph.apoteker,
        ph.apoteker_shift,
        [CartLine(tram.id, qty=6), CartLine(tram.id, qty=4)],
        15_000,
        extra={"prescription_id": rx.id},
    )
    assert sale.total == 15_000
    assert get_prescription(ph.coop, rx.id).status == "sebagian"


def test_a_price_above_the_het_is_refused(ph):
    run_transaction(start_duty, ph.coop, ph.apoteker)
    amox = ph.drugs["amox"]
    rx = rx_for(ph, [{"item_id": amox.id, "qty": 10, "dosage": "3 x 1"}])
    pengurus = make_user("pengurusapt", "pengurus", ph.coop)
    line = CartLine(amox.id, qty=10, price=1_100)  # HET Rp1.000 per tablet
    refused(
        sell,
        ph,
        ph.apoteker,
        ph.apoteker_shift,
        [line],
        11_000,
        approver=pengurus,
        extra={"prescription_id": rx.id},
        match="melebihi HET",
    )


def test_a_drug_priced_above_its_het_cannot_be_saved(ph):
    from tests.units.apotek_world import drug

    with pytest.raises(ValidationError, match="melebihi HET"):
        run_transaction(drug, ph.coop, "OK-X", "Siprofloksasin", "keras", 2_000, het=1_500)


def test_a_prescription_served_in_two_sales_goes_partial_then_done_and_never_over(ph):
    run_transaction(start_duty, ph.coop, ph.apoteker)
    amox, para = ph.drugs["amox"], ph.drugs["para"]
    rx = rx_for(
        ph,
        [
            {"item_id": amox.id, "qty": 15, "dosage": "3 x 1 sesudah makan"},
            {"item_id": para.id, "qty": 10, "dosage": "bila demam"},
        ],
    )
    assert rx.status == "antri" and rx.number.startswith(f"RSP-{ph.coop.today().year}-")
    line_ids = [line.id for line in rx.lines]
    first = run_transaction(
        dispense, ph.coop, ph.apoteker, rx.id, quantities={line_ids[0]: Decimal(10)}
    )
    assert first.total == 9_000
    rx = get_prescription(ph.coop, rx.id)
    assert rx.status == "sebagian"
    assert [line.dispensed_qty for line in rx.lines] == [10, 0]
    # Asking the checkout directly for more than is left is refused too.
    refused(
        sell,
        ph,
        ph.apoteker,
        ph.apoteker_shift,
        [CartLine(amox.id, qty=6)],
        5_400,
        extra={"prescription_id": rx.id},
        match="melebihi sisa resep",
    )
    second = run_transaction(dispense, ph.coop, ph.apoteker, rx.id, method="kredit")
    assert second.total == 5 * 900 + 10 * 500 and second.member_id == ph.member.id
    rx = get_prescription(ph.coop, rx.id)
    assert rx.status == "selesai"
    assert [line.dispensed_qty for line in rx.lines] == [15, 10]
    with pytest.raises(DomainError, match="selesai"):
        run_transaction(dispense, ph.coop, ph.apoteker, rx.id)
    refused(
        sell,
        ph,
        ph.apoteker,
        ph.apoteker_shift,
        [CartLine(amox.id, qty=1)],
        900,
        extra={"prescription_id": rx.id},
        match="selesai",
    )
    assert list(check_dispensed(ph.coop)) == []
    # Kept and searchable: by number, patient, prescriber and drug; nothing else matches.
    from outlet_pos.units.apotek.prescriptions import recent_closed

    for q in (rx.number, rx.patient_name[:4], rx.prescriber[:5], "amoks"):
        assert [p.id for p in recent_closed(ph.coop, q=q)] == [rx.id], q
    assert recent_closed(ph.coop, q="tidak-ada-resep-ini") == []


def test_a_refund_reopens_the_quantity(ph):
    run_transaction(start_duty, ph.coop, ph.apoteker)
    amox = ph.drugs["amox"]
    rx = rx_for(ph, [{"item_id": amox.id, "qty": 10, "dosage": "3 x 1"}])
    sale = run_transaction(dispense, ph.coop, ph.apoteker, rx.id, tendered=10_000)
    assert sale.change_amount == 1_000
    assert get_prescription(ph.coop, rx.id).status == "selesai"
    pengurus = make_user("pengurusretur", "pengurus", ph.coop)
    line = db.session.scalar(select(Sale).where(Sale.id == sale.id)).lines[0]
    run_transaction(
        refund,
        db.session.get(Sale, sale.id),
        {line.id: Decimal(4)},
        "salah obat",
        user=ph.apoteker,
        shift=ph.apoteker_shift,
        approver=pengurus,
    )
    rx = get_prescription(ph.coop, rx.id)
    assert rx.status == "sebagian" and rx.lines[0].dispensed_qty == 6
    rows = db.session.scalars(
        select(PrescriptionDispense.qty).order_by(PrescriptionDispense.id)
    ).all()
    assert rows == [10, -4]
    again = run_transaction(dispense, ph.coop, ph.apoteker, rx.id)
    assert again.total == 4 * 900
    assert get_prescription(ph.coop, rx.id).status == "selesai"
    assert list(check_dispensed(ph.coop)) == []


def test_creating_a_prescription_validates_and_audits(ph):
    amox = ph.drugs["amox"]
    today = ph.coop.today()
    bad = [
        ([], "paling sedikit satu obat"),
        ([{"item_id": amox.id, "qty": 0, "dosage": ""}], "lebih dari nol"),
        ([{"item_id": amox.id, "qty": "1,5", "dosage": ""}], "utuh"),
        ([{"item_id": 999_999, "qty": 1, "dosage": ""}], "tidak ditemukan"),
    ]
    for lines, message in bad:
        with pytest.raises(DomainError, match=message):
            run_transaction(
                create_prescription,
                ph.coop,
                ph.apoteker,
                patient=ph.patient,
                prescriber="dr. Rina",
                written_on=today,
                lines=lines,
            )
    with pytest.raises(ValidationError, match="Nama pasien"):
        run_transaction(
            create_prescription,
            ph.coop,
            ph.apoteker,
            patient=None,
            prescriber="dr. Rina",
            written_on=today,
            source="luar",
            lines=[{"item_id": amox.id, "qty": 3, "dosage": ""}],
        )
    rx = run_transaction(
        create_prescription,
        ph.coop,
        ph.apoteker,
        patient=None,
        prescriber="dr. Budi",
        written_on=today,
        source="luar",
        patient_name="Pak Joko",
        prescriber_note="SIP 123/2025",
        lines=[{"item_id": amox.id, "qty": 3, "dosage": "2 x 1"}],
    )
    assert rx.display_name == "Pak Joko"
    assert db.session.scalar(select(func.count(Prescription.id))) == 1
    actions = db.session.scalars(select(AuditEvent.action)).all()
    assert actions.count("rx.create") == 1


def test_a_non_drug_or_another_cooperatives_drug_cannot_be_prescribed(ph):
    other = build_pharmacy("Koperasi Lain")
    with pytest.raises(DomainError, match="tidak ditemukan"):
        rx_for(ph, [{"item_id": other.drugs["amox"].id, "qty": 1, "dosage": ""}])
    rx = rx_for(other, [{"item_id": other.drugs["amox"].id, "qty": 1, "dosage": ""}])
    with pytest.raises(NotFound):
        get_prescription(ph.coop, rx.id)
    run_transaction(start_duty, ph.coop, ph.apoteker)
    refused(
        sell,
        ph,
        ph.apoteker,
        ph.apoteker_shift,
        [CartLine(ph.drugs["amox"].id, qty=1)],
        900,
        extra={"prescription_id": rx.id},
        match="Resep tidak ditemukan",
    )


def test_a_drug_with_moves_cannot_move_into_the_register_classes(ph):
    """The register holds every move of a psikotropika since its first: reclassifying a drug
    that already moved would leave its past moves outside the register."""
    from outlet_pos.core.inventory.catalog import UnitSpec
    from outlet_pos.units.apotek.drugs import save_drug

    item = ph.drugs["amox"]

    def reclassify(cls: str):
        return save_drug(
            ph.coop, ph.apoteker,
            {"item_id": item.id, "sku": item.sku, "name": item.name, "base_uom": "tablet",
             "taxable": False, "units": [UnitSpec("tablet", Decimal(1), 900, 900),
                                         UnitSpec("strip", Decimal(10), 9_000, 9_000)]},
            {"drug_class": cls, "active_ingredient": "Amoksisilin", "strength": "500 mg",
             "dosage_form": "tablet", "het_per_base": 1_000, "max_per_sale": None,
             "class_reason": "Koreksi golongan sesuai daftar BPOM"},
        )  # fmt: skip

    with pytest.raises(ValidationError, match="psikotropika/narkotika"):
        run_transaction(reclassify, "psikotropika")
    run_transaction(reclassify, "bebas_terbatas")  # within the ordinary classes: allowed
