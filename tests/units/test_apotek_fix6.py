"""Review findings of issue 6 on the pharmacy side, each with the defect it closes: a drug
cannot be turned back into a grocery item through the catalog; only an apoteker changes a
drug's class, with a reason; the salinan resep is the apoteker's; the register CSV is safe
in a spreadsheet; absurd prescription quantities are refused cleanly; the dispense rows name
the apoteker who sold."""

from __future__ import annotations

import json
from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from outlet_pos.core.audit import AuditEvent
from outlet_pos.core.db import run_transaction
from outlet_pos.core.errors import ValidationError
from outlet_pos.core.inventory.catalog import UnitSpec, save_item
from outlet_pos.core.inventory.io import apply_import, preview_import
from outlet_pos.core.onboarding import save_unit
from outlet_pos.core.sales.checkout import CartLine, PaymentIn, checkout
from outlet_pos.core.tenancy import BusinessUnit, Outlet
from outlet_pos.extensions import db
from outlet_pos.units.apotek.drugs import check_drug_items, drug_info, save_drug
from outlet_pos.units.apotek.duty import start_duty
from outlet_pos.units.apotek.prescription_models import PrescriptionDispense
from outlet_pos.units.apotek.prescriptions import create_prescription
from outlet_pos.units.apotek.register_report import (
    DrugMonth,
    Movement,
    RegisterMonth,
    register_csv,
)
from tests.conftest import make_user
from tests.units.apotek_world import build_pharmacy, drug


@pytest.fixture
def ph(ctx):
    return build_pharmacy()


def sembako(ph) -> BusinessUnit:
    unit = db.session.scalar(
        select(BusinessUnit).where(
            BusinessUnit.cooperative_id == ph.coop.id, BusinessUnit.kind == "sembako"
        )
    )
    if unit is not None:
        return unit
    outlet = db.session.scalar(select(Outlet).where(Outlet.cooperative_id == ph.coop.id))
    return run_transaction(save_unit, ph.coop, "toko", "Toko", "sembako", outlet.id)


def catalog_edit(ph, item, unit, *, track_batch=True, price=900):
    """What the grocery catalog's edit page does with a drug (probe1 of the review)."""

    def action():
        return save_item(ph.coop, unit=unit, item=item, sku=item.sku, name=item.name,
                         base_uom="tablet", units=[UnitSpec("tablet", Decimal(1), price, price)],
                         track_batch=track_batch, taxable=False)  # fmt: skip

    return run_transaction(action)


def test_the_catalog_cannot_turn_a_drug_into_a_grocery_item(ph):
    # A fresh obat keras (no stock move yet, so the core's frozen fields do not apply).
    fresh = run_transaction(drug, ph.coop, "OK-CIP", "Siprofloksasin 500", "keras", 900, het=1000)
    apotek = db.session.get(BusinessUnit, fresh.unit_id)
    with pytest.raises(ValidationError, match="tetap di unit apotek") as err:
        catalog_edit(ph, fresh, sembako(ph))
    assert err.value.field == "unit"
    with pytest.raises(ValidationError, match="batch"):
        catalog_edit(ph, fresh, apotek, track_batch=False)
    with pytest.raises(ValidationError, match="HET"):
        catalog_edit(ph, fresh, apotek, price=5_000)
    db.session.expire_all()
    assert (fresh.unit_id, fresh.track_batch, fresh.base.price_member) == (apotek.id, True, 900)
    catalog_edit(ph, fresh, apotek, price=950)  # an ordinary edit of a drug still works
    # An ordinary item is not touched by the pharmacy's guard.
    plain = run_transaction(lambda: save_item(
        ph.coop, unit=apotek, sku="TERMO", name="Termometer", base_uom="pcs",
        units=[UnitSpec("pcs", Decimal(1), 30_000, 30_000)]))  # fmt: skip
    catalog_edit(ph, plain, sembako(ph))
    assert plain.unit_id != apotek.id


def test_the_csv_import_cannot_move_a_drug_out_of_the_pharmacy(ph):
    sembako(ph)
    fresh = run_transaction(drug, ph.coop, "OK-CIP", "Siprofloksasin 500", "keras", 900, het=1000)
    text = (
        "sku,name,unit,base_uom,price_member,price_general,track_batch\n"
        "OK-CIP,Siprofloksasin 500,sembako,tablet,5000,5000,tidak\n"
    )
    preview = preview_import(ph.coop, text.encode(), "barang.csv")
    assert preview.ok, preview.row_errors
    with pytest.raises(ValidationError, match="Baris 2: .*unit apotek"):
        run_transaction(apply_import, ph.coop, preview, ph.apoteker)
    db.session.expire_all()
    assert db.session.get(BusinessUnit, fresh.unit_id).kind == "apotek" and fresh.track_batch


def test_verify_finds_a_drug_outside_the_pharmacy(ph):
    amox = ph.drugs["amox"]
    assert list(check_drug_items(ph.coop)) == []
    home, other = amox.unit_id, sembako(ph)
    amox.unit_id, amox.track_batch = other.id, False  # as the catalog allowed before the fix
    db.session.flush()
    assert list(check_drug_items(ph.coop)) == [
        "obat OK-AMX berada di unit sembako, bukan apotek",
        "obat OK-AMX tidak dilacak per batch",
    ]
    amox.unit_id, amox.track_batch = home, True
    db.session.commit()


def class_change(ph, user, cls, reason=""):
    item = ph.drugs["amox"]
    return run_transaction(
        save_drug, ph.coop, user,
        {"item_id": item.id, "sku": item.sku, "name": item.name, "base_uom": "tablet",
         "taxable": False, "units": [UnitSpec("tablet", Decimal(1), 900, 900),
                                     UnitSpec("strip", Decimal(10), 9_000, 9_000)]},
        {"drug_class": cls, "active_ingredient": "Amoksisilin", "strength": "500 mg",
         "dosage_form": "tablet", "het_per_base": 1_000, "max_per_sale": None,
         "class_reason": reason},
    )  # fmt: skip


def test_only_an_apoteker_changes_a_drug_class_with_a_reason(ph):
    pengurus = make_user("pengurusapt", "pengurus", ph.coop)
    with pytest.raises(ValidationError, match="hanya dapat diubah oleh apoteker"):
        class_change(ph, pengurus, "bebas", "turun golongan")
    with pytest.raises(ValidationError, match="alasan"):
        class_change(ph, ph.apoteker, "bebas")
    assert drug_info(ph.coop.id, ph.drugs["amox"].id).drug_class == "keras"
    class_change(ph, pengurus, "keras")  # other edits by pharmacy.manage still work
    class_change(ph, ph.apoteker, "bebas_terbatas", "Izin edar BPOM berubah")
    assert drug_info(ph.coop.id, ph.drugs["amox"].id).drug_class == "bebas_terbatas"
    last = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "drug.update").order_by(AuditEvent.id)
    ).all()[-1]
    detail = json.loads(last.detail_json)
    assert (detail["class_old"], detail["class_new"], detail["reason"]) == (
        "keras", "bebas_terbatas", "Izin edar BPOM berubah")  # fmt: skip


@pytest.fixture
def web(app):
    """A pharmacy with one prescription carrying a clinic note (ids only: page requests run
    in their own contexts)."""
    with app.app_context():
        ph = build_pharmacy()
        make_user("pengurusform", "pengurus", ph.coop)
        rx = run_transaction(create_prescription, ph.coop, ph.apoteker, patient=ph.patient,
                             prescriber="dr. Hana", written_on=ph.coop.today(),
                             lines=[{"item_id": ph.drugs["amox"].id, "qty": 10, "dosage": "3x1"}],
                             prescriber_note="SIP 123", clinic_note="RAHASIA-KLINIK")  # fmt: skip
        return {"coop": ph.coop.id, "amox": ph.drugs["amox"].id, "rx": rx.id,
                "apoteker": ph.apoteker.username, "kasir": ph.cashier.username}  # fmt: skip


def test_the_drug_form_refuses_a_class_change_by_the_pengurus(app, login, web):
    client = app.test_client()
    login(client, "pengurusform")
    form = {"sku": "OK-AMX", "name": "Amoksisilin 500 mg", "drug_class": "bebas",
            "base_uom": "tablet", "price_member": "900", "price_general": "900",
            "het_per_base": "1.000", "dosage_form": "tablet",
            "class_reason": "biar laku"}  # fmt: skip
    resp = client.post(f"/apotek/obat/{web['amox']}/ubah", data=form)
    assert resp.status_code == 400 and "hanya dapat diubah oleh apoteker" in resp.get_data(True)
    with app.app_context():
        assert drug_info(web["coop"], web["amox"]).drug_class == "keras"


def test_the_salinan_resep_and_the_clinic_note_are_the_apotekers(app, login, web):
    rx = web["rx"]
    cashier = app.test_client()
    login(cashier, web["kasir"])
    assert cashier.get(f"/apotek/resep/{rx}/salinan").status_code == 403
    page = cashier.get(f"/apotek/resep/{rx}").get_data(True)
    assert "SIP 123" in page and "RAHASIA-KLINIK" not in page and "/salinan" not in page
    apoteker = app.test_client()
    login(apoteker, web["apoteker"])
    resp = apoteker.get(f"/apotek/resep/{rx}/salinan")
    assert resp.status_code == 200 and resp.mimetype == "application/pdf"
    assert "RAHASIA-KLINIK" in apoteker.get(f"/apotek/resep/{rx}").get_data(True)
    with app.app_context():
        from outlet_pos.units.apotek import views

        with app.test_request_context():
            from flask import g
            from flask_login import login_user

            from outlet_pos.core.access import User
            from outlet_pos.core.tenancy import Cooperative
            from outlet_pos.units.apotek.prescription_models import Prescription

            g.cooperative = db.session.get(Cooperative, web["coop"])
            login_user(db.session.scalar(select(User).where(User.username == web["apoteker"])))
            data = views.copy_data(db.session.get(Prescription, rx), "Apt. X")
        assert "RAHASIA-KLINIK" not in repr(data) and data.prescriber_note == "SIP 123"


def test_the_register_csv_neutralises_formulas():
    move = Movement(day=__import__("datetime").date(2026, 3, 1), kind="sale", batch="+B1",
                    expiry=None, qty_in=Decimal(0), qty_out=Decimal(2), balance=Decimal(8),
                    source="sale:1", prescription="RSP-1", patient='=HYPERLINK("x")',
                    prescriber="@dr")  # fmt: skip
    drug_row = DrugMonth(item_id=1, name="-Diazepam", sku="PS-DZP", base_uom="tablet",
                         drug_class="psikotropika", strength="2 mg", opening=Decimal(10),
                         movements=[move])  # fmt: skip
    text = register_csv(RegisterMonth(2026, 3, [drug_row])).decode("utf-8-sig")
    row = text.splitlines()[1].split(",")
    assert row[1] == "'-Diazepam" and row[3] == "'+B1" and row[-1] == "'@dr"
    assert "'=HYPERLINK" in text


@pytest.mark.parametrize("qty", [Decimal("1e28"), Decimal("1e20"), "1e28", Decimal("NaN")])
def test_absurd_prescription_quantities_are_refused(ph, qty):
    with pytest.raises(ValidationError, match="Baris 1"):
        run_transaction(create_prescription, ph.coop, ph.apoteker, patient=ph.patient,
                        prescriber="dr. Hana", written_on=ph.coop.today(),
                        lines=[{"item_id": ph.drugs["amox"].id, "qty": qty,
                                "dosage": "3x1"}])  # fmt: skip


def test_the_dispense_rows_name_the_apoteker_who_sold(ph):
    first = make_user("apotekerpagi", "apoteker", ph.coop)
    run_transaction(start_duty, ph.coop, first)  # on duty first: on_duty() names them
    run_transaction(start_duty, ph.coop, ph.apoteker)
    rx = run_transaction(create_prescription, ph.coop, ph.apoteker, patient=ph.patient,
                         prescriber="dr. Hana", written_on=ph.coop.today() - timedelta(days=1),
                         lines=[{"item_id": ph.drugs["amox"].id, "qty": 10,
                                 "dosage": "3x1"}])  # fmt: skip
    run_transaction(checkout, ph.apoteker_shift, [CartLine(ph.drugs["amox"].id, qty=Decimal(10))],
                    [PaymentIn("tunai", 9_000)], user=ph.apoteker,
                    extra={"prescription_id": rx.id})  # fmt: skip
    rows = db.session.scalars(select(PrescriptionDispense)).all()
    assert [r.pharmacist_id for r in rows] == [ph.apoteker.id]
