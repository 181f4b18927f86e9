"""Clinic services: queue, record, consumables, billing and voids, with known answers."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from outlet_pos.core.db import run_transaction
from outlet_pos.core.errors import DomainError
from outlet_pos.core.inventory.catalog import UnitSpec, save_item
from outlet_pos.core.inventory.models import StockLevel, StockMove
from outlet_pos.core.ledger.models import Account, JournalEntry, JournalLine
from outlet_pos.core.sales import shifts
from outlet_pos.extensions import db
from outlet_pos.units.apotek.models import DrugInfo
from outlet_pos.units.klinik.models import Patient
from outlet_pos.units.klinik.services import billing, patients, treatment, visits
from outlet_pos.units.klinik.visit_models import ClinicBill, Visit
from tests.units.klinik_world import FLOAT, build_clinic


def lines_of(entry: JournalEntry) -> list[tuple]:
    return sorted(
        (ln.account.code, ln.debit, ln.credit, ln.unit_id, ln.member_id) for ln in entry.lines
    )


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def examined(c, services=("KONS",)) -> Visit:
    """A visit of the member-patient, examined (J06.9) with the given services."""
    v = run_transaction(visits.register_visit, c.coop, c.officer, c.patient)
    run_transaction(visits.save_record, c.coop, v, c.officer,
                    {"complaint": "batuk pilek 3 hari", "icd10_code": "J06.9"})  # fmt: skip
    for code in services:
        run_transaction(treatment.add_service, c.coop, v, c.officer, c.tariffs[code].id, 1)
    return v


def test_queue_numbers_per_day_and_one_open_visit_per_patient(ctx):
    c = build_clinic()
    other = run_transaction(patients.register_patient, c.coop, c.officer,
                            {"name": "Budi", "sex": "L"})  # fmt: skip
    first = run_transaction(visits.register_visit, c.coop, c.cashier, c.patient)
    second = run_transaction(visits.register_visit, c.coop, c.cashier, other)
    assert (first.queue_label, second.queue_label) == ("A-001", "A-002")
    assert (c.patient.number, other.number) == ("RM-000001", "RM-000002")
    with pytest.raises(DomainError, match="sudah ada di antrean"):
        run_transaction(visits.register_visit, c.coop, c.cashier, c.patient)
    run_transaction(visits.cancel_visit, c.coop, first, c.cashier)
    assert first.status == "batal"
    with pytest.raises(DomainError, match="tidak dapat dibatalkan"):
        run_transaction(visits.cancel_visit, c.coop, first, c.cashier)
    again = run_transaction(visits.register_visit, c.coop, c.cashier, c.patient)
    assert again.queue_label == "A-003"


def test_record_and_finish(ctx):
    c = build_clinic()
    v = run_transaction(visits.register_visit, c.coop, c.officer, c.patient)
    with pytest.raises(DomainError, match="Kunjungan berstatus Menunggu"):
        run_transaction(visits.finish_visit, c.coop, v, c.officer)
    run_transaction(visits.save_record, c.coop, v, c.officer, {
        "complaint": "demam", "systolic": "120", "diastolic": "80", "pulse": "88",
        "temperature": "38,2", "weight": "61.5", "spo2": "98", "icd10_code": "a01.0",
    })  # fmt: skip
    db.session.refresh(v)
    assert v.status == "diperiksa"
    assert (v.systolic, v.diastolic, v.temperature) == (120, 80, Decimal("38.2"))
    assert (v.icd10_code, v.diagnosis_text) == ("A01.0", "Demam tifoid")
    run_transaction(visits.finish_visit, c.coop, v, c.officer)
    assert v.status == "selesai"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"systolic": "-120"}, "tidak boleh negatif"),
        ({"temperature": "-1"}, "tidak boleh negatif"),
        ({"systolic": "1200"}, "harus antara 50 dan 300"),
        ({"pulse": "abc"}, "harus berupa angka"),
        ({"systolic": "80", "diastolic": "120"}, "Diastolik harus lebih kecil"),
        ({"icd10_code": "X99.9"}, "tidak ada dalam daftar"),
        ({"diagnosis_text": "flu berat"}, "Pilih kode ICD-10"),
    ],
)
def test_bad_record_input_is_refused_and_nothing_written(ctx, data, message):
    c = build_clinic()
    v = run_transaction(visits.register_visit, c.coop, c.officer, c.patient)
    with pytest.raises(DomainError, match=message):
        run_transaction(visits.save_record, c.coop, v, c.officer, {"complaint": "x", **data})
    db.session.refresh(v)
    assert (v.status, v.complaint, v.systolic, v.icd10_code) == ("menunggu", "", None, "")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"birth_date": "future"}, "tidak boleh setelah hari ini"),
        ({"nik": "3201011305850000"}, "tidak boleh 0000"),
        ({"nik": "32010112058500"}, "harus 16 digit"),
        ({"nik": "3201013205850001"}, "Tanggal lahir pada NIK"),
        ({"member_number": "Z-9"}, "tidak ditemukan"),
        ({"sex": "X"}, "jenis kelamin"),
        ({"name": " "}, "wajib diisi"),
    ],
)
def test_bad_patient_input_is_refused_and_nothing_written(ctx, data, message):
    c = build_clinic()
    if data.get("birth_date") == "future":
        data = {"birth_date": c.coop.today() + timedelta(days=1)}
    before = count(Patient)
    with pytest.raises(DomainError, match=message):
        run_transaction(patients.register_patient, c.coop, c.officer,
                        {"name": "Ani", "sex": "P", **data})  # fmt: skip
    assert count(Patient) == before


def test_nik_is_unique_among_patients_and_search_finds_it(ctx):
    c = build_clinic()
    run_transaction(patients.register_patient, c.coop, c.officer,
                    {"name": "Ani", "sex": "P", "nik": "3201014505900002"})  # fmt: skip
    with pytest.raises(DomainError, match="sudah terdaftar atas pasien Ani"):
        run_transaction(patients.register_patient, c.coop, c.officer,
                        {"name": "Ana", "sex": "P", "nik": "3201014505900002"})  # fmt: skip
    assert [p.name for p in patients.search_patients(c.coop, "3201014505900002")] == ["Ani"]
    assert [p.name for p in patients.search_patients(c.coop, "wahyu")] == ["Sri Wahyuni"]
    assert [p.name for p in patients.search_patients(c.coop, "rm-000001")] == ["Sri Wahyuni"]


def test_consumables_reduce_clinic_stock_and_post_at_cost(ctx):
    c = build_clinic()
    v = examined(c)
    used = run_transaction(treatment.use_consumable, c.coop, v, c.officer, c.gauze.id, "2")
    assert used.cost == 3_000  # 150.000 / 100 pcs x 2
    level = db.session.scalar(select(StockLevel).where(StockLevel.item_id == c.gauze.id))
    assert (level.on_hand, level.value) == (Decimal(98), 147_000)
    move = db.session.scalar(select(StockMove).where(StockMove.kind == "consume"))
    assert (move.qty, move.value) == (Decimal(-2), -3_000)
    entry = db.session.get(JournalEntry, used.entry_id)
    assert lines_of(entry) == [("114100", 0, 3_000, c.unit.id, None),
                               ("511100", 3_000, 0, c.unit.id, None)]  # fmt: skip
    with pytest.raises(DomainError, match="Stok tidak cukup"):
        run_transaction(treatment.use_consumable, c.coop, v, c.officer, c.gauze.id, "99")
    with pytest.raises(DomainError, match="persediaan klinik"):
        run_transaction(treatment.use_consumable, c.coop, v, c.officer, 10**6, "1")
    assert level.on_hand == Decimal(98)


def test_a_cash_bill_posts_one_entry_in_the_shift(ctx):
    c = build_clinic()
    v = examined(c, ("KONS", "JAHIT"))
    bill = run_transaction(billing.bill_visit, c.coop, v, c.cashier, "tunai")
    assert (bill.number, bill.amount, bill.shift_id) == (
        f"KLN-{c.coop.today().year}-000001",
        75_000,
        c.shift.id,
    )
    assert lines_of(bill.entry) == [("111100", 75_000, 0, None, None),
                                    ("413100", 0, 75_000, c.unit.id, c.member.id)]  # fmt: skip
    assert bill.entry.shift_id == c.shift.id and bill.entry.source == "clinic"
    assert shifts.expected_cash(c.shift) == FLOAT + 75_000
    with pytest.raises(DomainError, match="sudah dibayar"):
        run_transaction(billing.bill_visit, c.coop, v, c.cashier, "tunai")
    with pytest.raises(DomainError, match="tidak dapat diubah"):
        run_transaction(treatment.add_service, c.coop, v, c.officer, c.tariffs["KONS"].id, 1)


def test_cash_needs_an_open_shift_and_a_bill_needs_services(ctx):
    c = build_clinic()
    v = examined(c)
    entries = count(JournalEntry)
    with pytest.raises(DomainError, match="buka shift kasir"):
        run_transaction(billing.bill_visit, c.coop, v, c.officer, "tunai")
    other = run_transaction(patients.register_patient, c.coop, c.officer,
                            {"name": "Budi", "sex": "L"})  # fmt: skip
    bare = run_transaction(visits.register_visit, c.coop, c.officer, other)
    with pytest.raises(DomainError, match="belum dapat ditagih"):
        run_transaction(billing.bill_visit, c.coop, bare, c.cashier, "tunai")
    run_transaction(visits.save_record, c.coop, bare, c.officer, {"complaint": "kontrol"})
    with pytest.raises(DomainError, match="Belum ada layanan"):
        run_transaction(billing.bill_visit, c.coop, bare, c.cashier, "tunai")
    run_transaction(treatment.add_service, c.coop, bare, c.officer, c.tariffs["KONS"].id, 1)
    with pytest.raises(DomainError, match="hanya untuk pasien yang terhubung"):
        run_transaction(billing.bill_visit, c.coop, bare, c.cashier, "kredit")
    assert count(JournalEntry) == entries and count(ClinicBill) == 0


def test_member_credit_within_the_limit_and_refused_over_it(ctx):
    c = build_clinic()
    v = examined(c, ("KONS", "JAHIT"))  # 75.000 of a 100.000 limit
    bill = run_transaction(billing.bill_visit, c.coop, v, c.officer, "kredit")
    assert lines_of(bill.entry) == [("113200", 75_000, 0, None, c.member.id),
                                    ("413100", 0, 75_000, c.unit.id, c.member.id)]  # fmt: skip
    run_transaction(visits.finish_visit, c.coop, v, c.officer)
    second = examined(c, ("KONS",))  # 25.000 more would reach 100.000 exactly: allowed
    run_transaction(treatment.add_service, c.coop, second, c.officer, c.tariffs["KONS"].id, 1)
    entries = count(JournalEntry)
    with pytest.raises(DomainError, match="melebihi batas: sisa plafon Rp25.000"):
        run_transaction(billing.bill_visit, c.coop, second, c.officer, "kredit")
    assert count(JournalEntry) == entries and count(ClinicBill) == 1


def test_void_posts_the_counter_entry_and_returns_the_cash(ctx):
    c = build_clinic()
    v = examined(c)
    bill = run_transaction(billing.bill_visit, c.coop, v, c.cashier, "tunai")
    with pytest.raises(DomainError, match="minimal 5"):
        run_transaction(billing.void_bill, c.coop, bill, c.manager, "x")
    run_transaction(billing.void_bill, c.coop, bill, c.cashier, "salah input layanan")
    assert bill.status == "batal" and bill.void_entry.reverses_id == bill.entry_id
    assert lines_of(bill.void_entry) == [("111100", 0, 25_000, None, None),
                                         ("413100", 25_000, 0, c.unit.id, c.member.id)]  # fmt: skip
    assert shifts.expected_cash(c.shift) == FLOAT
    with pytest.raises(DomainError, match="sudah dibatalkan"):
        run_transaction(billing.void_bill, c.coop, bill, c.cashier, "lagi-lagi")
    again = run_transaction(billing.bill_visit, c.coop, v, c.cashier, "qris")
    assert again.number.endswith("000002") and lines_of(again.entry)[0][0] == "112900"


def drug(c):
    def action():
        item = save_item(c.coop, unit=c.apotek, sku="AMX500", name="Amoksisilin 500 mg",
                         base_uom="tablet", track_batch=True, taxable=False,
                         units=[UnitSpec("tablet", Decimal(1), 600, 1_000)])  # fmt: skip
        db.session.add(DrugInfo(cooperative_id=c.coop.id, item_id=item.id, drug_class="keras"))
        db.session.flush()
        return item

    return run_transaction(action)


def test_the_whole_visit_flow(ctx):
    """register -> queue -> record -> prescription in the pharmacy queue -> bill in a shift ->
    the shift's expected cash includes it."""
    from outlet_pos.units.apotek.prescriptions import queue as pharmacy_queue

    c = build_clinic()
    amox = drug(c)
    patient = run_transaction(patients.register_patient, c.coop, c.cashier, {
        "name": "Budi Santoso", "sex": "L", "nik": "3201011205850009", "phone": "0812 3456",
    })  # fmt: skip
    v = run_transaction(visits.register_visit, c.coop, c.cashier, patient)
    record = {"complaint": "nyeri tenggorokan", "temperature": "38", "icd10_code": "J02.9"}
    run_transaction(visits.save_record, c.coop, v, c.officer, record)
    run_transaction(treatment.add_service, c.coop, v, c.officer, c.tariffs["KONS"].id, 1)
    lines = [{"item_id": amox.id, "qty": Decimal(15), "dosage": "3 x 1 tablet"}]
    with pytest.raises(DomainError, match="jumlah obat"):
        run_transaction(treatment.send_prescription, c.coop, v, c.officer,
                        [{"item_id": amox.id, "qty": Decimal(0), "dosage": "x"}])  # fmt: skip
    with pytest.raises(DomainError, match="SIP/STR"):  # obat keras: a licensed prescriber
        run_transaction(treatment.send_prescription, c.coop, v, c.officer, lines)
    rx = run_transaction(treatment.send_prescription, c.coop, v, c.officer, lines,
                         "Pasien sulit menelan tablet besar", c.midwife.id)  # fmt: skip
    assert (rx.prescriber, rx.prescriber_note, rx.clinic_note) == (
        "Bd. Rina",
        "Bidan, SIP/STR SIPB 446/77/2025",
        "Pasien sulit menelan tablet besar",
    )
    queued = pharmacy_queue(c.coop)
    assert [(r.id, r.visit_id, r.patient_id) for r in queued] == [(rx.id, v.id, patient.id)]
    assert v.prescription_id == rx.id
    with pytest.raises(DomainError, match="sudah dikirim"):
        run_transaction(treatment.send_prescription, c.coop, v, c.officer, lines)
    run_transaction(visits.finish_visit, c.coop, v, c.officer)
    bill = run_transaction(billing.bill_visit, c.coop, v, c.cashier, "tunai")
    assert bill.member_id is None  # not a member: revenue without a member
    assert shifts.expected_cash(c.shift) == FLOAT + 25_000
    run_transaction(shifts.close_shift, c.shift, c.cashier, FLOAT + 25_000)
    assert c.shift.status == "closed"
    revenue = db.session.scalar(
        select(func.sum(JournalLine.credit - JournalLine.debit))
        .join(Account, Account.id == JournalLine.account_id)
        .where(Account.code == "413100", JournalLine.unit_id == c.unit.id)
    )
    assert revenue == 25_000


def test_referral_gets_a_number_once(ctx):
    c = build_clinic()
    v = examined(c)
    with pytest.raises(DomainError, match="Tujuan rujukan"):
        run_transaction(visits.save_referral, c.coop, v, c.officer, to="", reason="x", summary="")
    run_transaction(visits.save_referral, c.coop, v, c.officer, to="RSUD Kota",
                    reason="Curiga pneumonia", summary="Parasetamol")  # fmt: skip
    number = v.referral_number
    assert number == f"RJK-{v.business_date.year}-00001"
    run_transaction(visits.save_referral, c.coop, v, c.officer, to="Puskesmas Kec.",
                    reason="Rontgen", summary="")  # fmt: skip
    assert (v.referral_number, v.referral_to) == (number, "Puskesmas Kec.")


def test_tariffs_are_unique_per_cooperative_and_priced_in_whole_rupiah(ctx):
    c = build_clinic()
    with pytest.raises(DomainError, match="sudah dipakai"):
        run_transaction(treatment.save_tariff, c.coop, c.manager, code="kons", name="X", price=1)
    with pytest.raises(DomainError, match="rupiah bulat"):
        run_transaction(treatment.save_tariff, c.coop, c.manager, code="NEB", name="Nebulizer",
                        price=Decimal("1.5"))  # fmt: skip
    t = run_transaction(treatment.save_tariff, c.coop, c.manager, code="NEB", name="Nebulizer",
                        price=40_000, active=False)  # fmt: skip
    v = examined(c, ())
    with pytest.raises(DomainError, match="Pilih layanan"):
        run_transaction(treatment.add_service, c.coop, v, c.officer, t.id, 1)
