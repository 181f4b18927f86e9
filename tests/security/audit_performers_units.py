"""Performers of the units' sensitive actions (savings and loans, clinic, parcel desk, local
units, pharmacy) and of API tokens; see ``audit_performers``."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from sqlalchemy import select

from outlet_pos.core.db import run_transaction as tx
from outlet_pos.core.tenancy import BusinessUnit, Outlet
from outlet_pos.extensions import db
from tests.security.audit_performers import Context, performs


@performs("simpin.writeoff_request", "simpin.writeoff")
def _loan_writeoff(c: Context) -> int:
    from outlet_pos.units.simpan_pinjam.loan_risk import approve_writeoff, request_writeoff
    from outlet_pos.units.simpan_pinjam.models import Loan

    proposer, approver = c.user("bendahara"), c.user("pengurus")
    tx(request_writeoff, c.coop, c.get(Loan, "loan"), proposer, "Anggota meninggal dunia")
    tx(approve_writeoff, c.coop, c.get(Loan, "loan"), approver)
    return {"simpin.writeoff_request": proposer.id, "simpin.writeoff": approver.id}


@performs("clinic.bill.void")
def _bill_void(c: Context) -> int:
    from outlet_pos.units.klinik.services.billing import void_bill
    from outlet_pos.units.klinik.visit_models import ClinicBill

    user = c.user("pengurus")
    tx(void_bill, c.coop, c.get(ClinicBill, "bill_id"), user, "Salah pasien")
    return user.id


@performs("clinic.visit.cancel")
def _visit_cancel(c: Context) -> int:
    from outlet_pos.units.klinik.services.patients import register_patient
    from outlet_pos.units.klinik.services.visits import cancel_visit, register_visit

    user = c.user("kasir")
    patient = tx(register_patient, c.coop, user, {"name": "Pasien Batal", "sex": "P"})
    visit = tx(register_visit, c.coop, user, patient)
    tx(cancel_visit, c.coop, visit, user)
    return user.id


@performs("logistics.intake_void")
def _intake_void(c: Context) -> int:
    from outlet_pos.units.logistik.voids import void_intake

    user = c.user("petugas_logistik")
    tx(void_intake, c.coop, c.s["parcel_id"], user, None, "Pengirim membatalkan")
    return user.id


@performs("local.agent.void")
def _agent_void(c: Context) -> int:
    from outlet_pos.units.lokal import agent
    from outlet_pos.units.lokal.units import create_local_unit

    manager, kasir = c.user("pengurus"), c.user("kasir")
    unit = tx(
        create_local_unit,
        c.coop,
        manager,
        name="Agen Uji",
        code="agen-uji",
        outlet_id=None,
        template="agen",
        flows=["fee_agen"],
        settings={"types": {"pulsa": 2_000}},
    )
    c.shift_of("kasir")
    txn = tx(agent.record_txn, c.coop, unit, kasir, txn_type="pulsa", amount=50_000, fee=2_000)
    tx(agent.void_txn, c.coop, txn, manager, c.shift_of("pengurus"), "Salah nomor tujuan")
    return manager.id


@performs("fish.purchase.void")
def _fish_void(c: Context) -> int:
    from outlet_pos.units.lokal import fish
    from outlet_pos.units.lokal.units import create_local_unit

    manager, kasir = c.user("pengurus"), c.user("kasir")
    unit = tx(create_local_unit, c.coop, manager, name="TPI Uji", code="tpi-uji", outlet_id=None,
              template="perikanan", flows=["jual", "beli_anggota"], settings={})  # fmt: skip
    item = tx(fish.add_fish_item, c.coop, unit, "Tongkol", 30_000, 32_000, manager)
    tx(fish.set_prices, c.coop, unit, c.coop.today(), {(item.id, "A"): 20_000}, manager)
    c.shift_of("kasir")
    purchase = tx(fish.buy_catch, c.coop, unit, kasir, lines=[fish.CatchLine(item.id, "A", "0,2")],
                  method="tunai", seller_name="Pak Udin")  # fmt: skip
    c.shift_of("pengurus")
    tx(fish.void_purchase, c.coop, purchase, manager, "Berat salah ketik")
    return manager.id


@performs("rx.cancel")
def _rx_cancel(c: Context) -> int:
    from outlet_pos.units.apotek.prescriptions import cancel_prescription

    user = c.user("apoteker")
    tx(cancel_prescription, c.coop, user, c.s["prescription_id"], "Pasien tidak datang")
    return user.id


@performs("rx.refund")
def _rx_refund(c: Context) -> int:
    from outlet_pos.core.inventory.catalog import default_location
    from outlet_pos.core.inventory.models import Item
    from outlet_pos.core.inventory.services import inventory_ledger_lines, receive
    from outlet_pos.core.ledger import post
    from outlet_pos.core.sales.refunds import refund
    from outlet_pos.units.apotek.dispense import dispense
    from outlet_pos.units.apotek.prescriptions import create_prescription

    apoteker, coop = c.user("apoteker"), c.coop
    drug = c.get(Item, "drug_id")
    outlet = db.session.scalar(select(Outlet).where(Outlet.cooperative_id == c.ws.a))

    def stock():
        loc = default_location(coop, outlet, db.session.get(BusinessUnit, drug.unit_id))
        receive(
            loc,
            drug,
            Decimal(20),
            20 * 600,
            day=coop.today(),
            source="test:security",
            batch="SEC-1",
            expiry=coop.today() + timedelta(days=200),
        )
        post(
            coop,
            coop.today(),
            "Stok obat uji",
            inventory_ledger_lines(
                [(drug, 12_000)], debit_account="211100", inventory_side="debit"
            ),
            source="stock",
        )

    tx(stock)
    rx = tx(
        create_prescription,
        coop,
        apoteker,
        patient=None,
        patient_name="Pasien Retur",
        prescriber="dr. Uji",
        written_on=coop.today(),
        source="luar",
        lines=[{"item_id": drug.id, "qty": 5, "dosage": "3 x 1"}],
    )
    shift = c.shift_of("apoteker")
    sale = tx(dispense, coop, apoteker, rx.id)
    tx(
        refund,
        sale,
        {sale.lines[0].id: 2},
        "Alergi",
        user=apoteker,
        shift=shift,
        approver=c.user("pengurus"),
    )
    return apoteker.id


@performs("pharmacy.write_off_expired")
def _expired(c: Context) -> int:
    from outlet_pos.core.inventory.catalog import default_location
    from outlet_pos.core.inventory.models import Batch, Item
    from outlet_pos.units.apotek.expiry import write_off_expired

    user = c.user("apoteker")
    # The batch that records_register.py received already expired, on the pharmacy's shelf.
    batch = db.session.scalar(
        select(Batch).where(Batch.cooperative_id == c.ws.a, Batch.code == "REG-OLD")
    )
    unit = db.session.get(BusinessUnit, db.session.get(Item, batch.item_id).unit_id)
    outlet = db.session.scalar(select(Outlet).where(Outlet.cooperative_id == c.ws.a))
    location = default_location(c.coop, outlet, unit)
    tx(write_off_expired, c.coop, user, batch.id, location.id, "Kedaluwarsa")
    return user.id


@performs("drug.update")
def _drug_class(c: Context) -> int:
    from outlet_pos.core.inventory.catalog import UnitSpec
    from outlet_pos.core.inventory.models import Item
    from outlet_pos.units.apotek.drugs import save_drug

    user, drug = c.user("apoteker"), c.get(Item, "drug_id")
    item_values = {
        "item_id": drug.id,
        "sku": drug.sku,
        "name": drug.name,
        "base_uom": drug.base_uom,
        "units": [UnitSpec("tablet", Decimal(1), 900, 900)],
    }
    tx(
        save_drug,
        c.coop,
        user,
        item_values,
        {
            "drug_class": "bebas_terbatas",
            "het_per_base": 1_000,
            "class_reason": "Keputusan BPOM terbaru",
        },
    )
    return user.id


@performs("api.token_create", "api.token_revoke")
def _api_token(c: Context) -> int:
    from outlet_pos.api.tokens import create_token, revoke_token

    manager, kasir = c.user("pengurus"), c.user("kasir")
    token, _secret = tx(create_token, c.coop, kasir, "Tablet uji", ["catalog:read"], 30,
                        actor=manager)  # fmt: skip
    tx(revoke_token, c.coop, token.id, actor=manager)
    return manager.id
