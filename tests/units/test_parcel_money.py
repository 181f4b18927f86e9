"""The parcel desk's money as the books must show it: the intake split between the courier
partner and the agent's commission, COD held and handed on until the liability is zero, the
partner paid by settlement, the verify checks, and the pages with their permissions."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from decimal import Decimal

import pytest
from sqlalchemy import func, select, text

from outlet_pos.core.db import run_transaction
from outlet_pos.core.errors import DomainError
from outlet_pos.core.ledger import post
from outlet_pos.core.ledger.models import Account, JournalEntry, JournalLine
from outlet_pos.core.onboarding import save_unit
from outlet_pos.core.sales.sequences import next_value
from outlet_pos.core.sales.shifts import expected_cash, open_shift
from outlet_pos.core.tenancy import Cooperative, Outlet
from outlet_pos.extensions import db
from outlet_pos.units.logistik import money, money_checks
from outlet_pos.units.logistik.models import Courier, Parcel
from outlet_pos.units.logistik.money_models import CodMovement, CourierSettlement, ParcelCharge
from tests.conftest import make_coop, make_user
from tests.units.simpin_world import member_data

FLOAT = 1_000_000


@dataclass
class World:
    coop: Cooperative
    clerk: object
    shift: object
    unit_id: int
    courier: Courier
    member: object


def build(name: str = "Koperasi Pos Desa") -> World:
    coop = make_coop(name)
    clerk = make_user(f"logistik{coop.id}", "petugas_logistik", coop)

    def setup():
        from outlet_pos.units.simpan_pinjam.members import register_member

        outlet = db.session.scalar(select(Outlet).where(Outlet.cooperative_id == coop.id))
        unit = save_unit(coop, "logistik", "Pos & Logistik", "logistik", outlet.id)
        post(coop, coop.today(), "Modal awal", [("112100", 50_000_000, 0),
             ("312100", 0, 50_000_000)], source="manual")  # fmt: skip
        shift = open_shift(coop, clerk, outlet, FLOAT)
        courier = Courier(cooperative_id=coop.id, code="JNE", name="JNE Express",
                          commission_percent=Decimal("20"))  # fmt: skip
        db.session.add(courier)
        member = register_member(coop, member_data("Siti Aminah"), clerk, pay_pokok=False)
        member.credit_limit = 100_000
        db.session.flush()
        return shift, unit.id, courier, member

    shift, unit_id, courier, member = run_transaction(setup)
    return World(coop, clerk, shift, unit_id, courier, member)


def make_parcel(w: World, *, fee=24_000, insurance=1_000, cod=0, member=False,
                status="diterima", kind="kiriman") -> Parcel:  # fmt: skip
    """A parcel as the desk's intake leaves it (priced, numbered), not yet paid."""

    def action():
        seq = next_value(w.coop.id, "PARCEL", "2026")
        parcel = Parcel(
            cooperative_id=w.coop.id, public_id=str(uuid.uuid4()), number=f"KDMP-T-{seq:06d}",
            kind=kind, unit_id=w.unit_id, courier_id=w.courier.id, service="REG",
            business_date=w.coop.today(), sender_name="Siti Aminah" if member else "Pak Budi",
            sender_member_id=w.member.id if member else None, receiver_name="Ani",
            zone="JAWA", actual_kg=Decimal("2"), billable_kg=Decimal("4"), shipping_fee=fee,
            insurance_fee=insurance, cod_amount=cod, total_due=fee + insurance, status=status,
        )  # fmt: skip
        db.session.add(parcel)
        db.session.flush()
        return parcel

    return run_transaction(action)


def balance(coop: Cooperative, code: str, *, member_id=None, unit_id=None) -> int:
    """Debit minus credit of an account (liabilities come out negative)."""
    stmt = (
        select(func.coalesce(func.sum(JournalLine.debit - JournalLine.credit), 0))
        .join(Account, Account.id == JournalLine.account_id)
        .where(JournalLine.cooperative_id == coop.id, Account.code == code)
    )
    if member_id is not None:
        stmt = stmt.where(JournalLine.member_id == member_id)
    if unit_id is not None:
        stmt = stmt.where(JournalLine.unit_id == unit_id)
    return int(db.session.scalar(stmt))


def entries(coop: Cooperative) -> int:
    return db.session.scalar(
        select(func.count(JournalEntry.id)).where(JournalEntry.cooperative_id == coop.id)
    )


def sukarela(w: World) -> int:
    from outlet_pos.units.simpan_pinjam import savings

    return savings.account_for(w.coop, w.member, "sukarela").balance


# --- intake ---------------------------------------------------------------------------------


def test_commission_is_the_fee_share_rounded_half_up():
    assert money.commission_for(24_000, Decimal("20")) == 4_800
    assert money.commission_for(1_005, Decimal("10")) == 101  # 100,5 -> 101
    assert money.commission_for(1_004, Decimal("12.5")) == 126  # 125,5 -> 126
    assert money.commission_for(1_003, Decimal("12.5")) == 125  # 125,375 -> 125
    assert money.commission_for(24_000, Decimal("0")) == 0


def test_cash_intake_splits_fee_into_commission_and_courier_payable(ctx):
    w = build()
    parcel = make_parcel(w, member=True)
    charge = run_transaction(money.post_intake, w.coop, parcel, w.clerk, w.shift, "tunai")
    assert (charge.commission_amount, charge.courier_amount) == (4_800, 19_200 + 1_000)
    assert balance(w.coop, "414100") == -4_800
    assert balance(w.coop, "414100", member_id=w.member.id, unit_id=w.unit_id) == -4_800
    assert balance(w.coop, "211900") == -20_200
    assert balance(w.coop, "111100") == 25_000
    assert expected_cash(w.shift) == FLOAT + 25_000  # the drawer count expects the fee
    db.session.refresh(parcel)
    assert parcel.paid and parcel.payment_method == "tunai" and parcel.entry_id == charge.entry_id
    entry = db.session.get(JournalEntry, charge.entry_id)
    assert entry.shift_id == w.shift.id and entry.source == "logistics"


def test_cash_intake_without_an_open_shift_writes_nothing(ctx):
    w = build()
    other = make_user(f"tanpashift{w.coop.id}", "petugas_logistik", w.coop)
    parcel = make_parcel(w)
    before = entries(w.coop)
    with pytest.raises(DomainError, match="shift"):
        run_transaction(money.post_intake, w.coop, parcel, other, None, "tunai")
    assert entries(w.coop) == before
    db.session.refresh(parcel)
    assert not parcel.paid
    # QRIS needs no drawer: it is taken without a shift.
    charge = run_transaction(money.post_intake, w.coop, parcel, other, None, "qris")
    assert balance(w.coop, "112900") == 25_000 and charge.shift_id is None


def test_a_parcel_is_paid_once(ctx):
    w = build()
    parcel = make_parcel(w)
    run_transaction(money.post_intake, w.coop, parcel, w.clerk, w.shift, "tunai")
    with pytest.raises(DomainError, match="sudah dibayar"):
        run_transaction(money.post_intake, w.coop, parcel, w.clerk, w.shift, "qris")
    assert balance(w.coop, "111100") == 25_000


def test_member_credit_within_the_limit_only_and_only_for_members(ctx):
    w = build()
    with pytest.raises(DomainError, match="anggota"):
        run_transaction(money.post_intake, w.coop, make_parcel(w), w.clerk, w.shift, "kredit")
    ok = make_parcel(w, fee=80_000, insurance=0, member=True)
    run_transaction(money.post_intake, w.coop, ok, w.clerk, w.shift, "kredit")
    assert balance(w.coop, "113200", member_id=w.member.id) == 80_000
    too_much = make_parcel(w, fee=24_000, member=True)  # 80.000 + 25.000 > 100.000
    with pytest.raises(DomainError, match="sisa plafon Rp20.000"):
        run_transaction(money.post_intake, w.coop, too_much, w.clerk, w.shift, "kredit")
    assert balance(w.coop, "113200") == 80_000


def test_own_goods_delivery_is_all_revenue_and_free_delivery_posts_nothing(ctx):
    w = build()
    paid = make_parcel(w, fee=5_000, insurance=0, member=True, kind="antar_barang")
    charge = run_transaction(money.post_intake, w.coop, paid, w.clerk, w.shift, "tunai")
    assert (charge.commission_amount, charge.courier_amount) == (5_000, 0)
    assert balance(w.coop, "414100") == -5_000 and balance(w.coop, "211900") == 0
    free = make_parcel(w, fee=0, insurance=0, kind="antar_barang")
    before = entries(w.coop)
    assert run_transaction(money.post_intake, w.coop, free, w.clerk, w.shift, "tunai") is None
    db.session.refresh(free)
    assert free.paid and free.payment_method == "gratis" and entries(w.coop) == before


def test_the_desks_intake_takes_the_payment_through_post_intake(ctx):
    from outlet_pos.units.logistik import parcels, tariffs

    w = build()

    def setup():
        w.coop.provinsi, w.coop.kabupaten = "Jawa Barat", "Bogor"
        tariffs.add_tariff(w.coop, w.clerk, courier_id=w.courier.id, service="REG", zone="JAWA",
                           first_kg=9_000, next_kg=5_000, valid_from=w.coop.today())  # fmt: skip

    run_transaction(setup)
    values = {"courier_id": str(w.courier.id), "service": "REG", "sender_name": "Pak Budi",
              "receiver_name": "Ani", "receiver_address": "Jl. Melati 5",
              "receiver_phone": "0812345678", "receiver_provinsi": "Jawa Timur",
              "actual_kg": "2", "length_cm": "40", "width_cm": "30", "height_cm": "20",
              "cod_amount": 150_000, "method": "tunai"}  # fmt: skip
    parcel = run_transaction(parcels.intake, w.coop, w.clerk, w.shift, values)
    assert parcel.shipping_fee == 24_000  # 4 kg volumetric: 9.000 + 3 × 5.000
    charge = db.session.scalar(select(ParcelCharge).where(ParcelCharge.parcel_id == parcel.id))
    assert (charge.commission_amount, charge.courier_amount) == (4_800, 19_200)
    assert expected_cash(w.shift) == FLOAT + 24_000 and parcel.paid


# --- cash on delivery -----------------------------------------------------------------------


def test_cod_collected_then_remitted_to_sukarela_returns_the_liability_to_zero(ctx):
    w = build()
    parcel = make_parcel(w, cod=150_000, member=True, status="terkirim")
    saved = sukarela(w)
    run_transaction(money.collect_cod, w.coop, [parcel.id], w.clerk, "transfer")
    assert balance(w.coop, "211500") == -150_000 and balance(w.coop, "112100") == 50_150_000
    move = run_transaction(money.remit_cod, w.coop, parcel.id, w.clerk, "sukarela")
    assert move.amount == 150_000 and move.member_id == w.member.id
    assert balance(w.coop, "211500") == 0
    assert sukarela(w) == saved + 150_000
    assert balance(w.coop, "211200", member_id=w.member.id) == -(saved + 150_000)
    with pytest.raises(DomainError, match="sudah diserahkan"):
        run_transaction(money.remit_cod, w.coop, parcel.id, w.clerk, "tunai")
    assert balance(w.coop, "211500") == 0 and sukarela(w) == saved + 150_000


def test_cod_handover_of_several_parcels_is_one_entry_in_the_shift(ctx):
    w = build()
    a = make_parcel(w, cod=150_000, status="terkirim")
    b = make_parcel(w, cod=60_000, status="terkirim")
    before = entries(w.coop)
    moves = run_transaction(money.collect_cod, w.coop, [b.id, a.id], w.clerk, "tunai")
    assert entries(w.coop) == before + 1 and {m.entry_id for m in moves} == {moves[0].entry_id}
    assert expected_cash(w.shift) == FLOAT + 210_000
    run_transaction(money.remit_cod, w.coop, a.id, w.clerk, "tunai")
    assert expected_cash(w.shift) == FLOAT + 60_000
    assert balance(w.coop, "211500") == -60_000


def test_cod_refusals_write_nothing(ctx):
    w = build()
    on_road = make_parcel(w, cod=50_000, status="dalam_perjalanan")
    returned = make_parcel(w, cod=50_000, status="dikembalikan")
    plain = make_parcel(w, status="terkirim")
    done = make_parcel(w, cod=70_000, status="terkirim")
    before = entries(w.coop)
    for ids, message in [([on_road.id], "belum terkirim"), ([returned.id], "dikembalikan"),
                         ([plain.id], "bukan paket COD"), ([], "Pilih paket")]:  # fmt: skip
        with pytest.raises(DomainError, match=message):
            run_transaction(money.collect_cod, w.coop, ids, w.clerk, "transfer")
    with pytest.raises(DomainError, match="belum diterima"):
        run_transaction(money.remit_cod, w.coop, done.id, w.clerk, "transfer")
    assert entries(w.coop) == before
    run_transaction(money.collect_cod, w.coop, [done.id], w.clerk, "transfer")
    with pytest.raises(DomainError, match="sudah diterima"):
        run_transaction(money.collect_cod, w.coop, [done.id], w.clerk, "transfer")
    with pytest.raises(DomainError, match="bukan anggota"):
        run_transaction(money.remit_cod, w.coop, done.id, w.clerk, "sukarela")
    big = make_parcel(w, cod=5_000_000, status="terkirim")
    run_transaction(money.collect_cod, w.coop, [big.id], w.clerk, "transfer")
    with pytest.raises(DomainError, match="Kas di laci hanya"):  # the drawer holds 1.000.000
        run_transaction(money.remit_cod, w.coop, big.id, w.clerk, "tunai")
    assert db.session.scalar(select(func.count(CodMovement.id)).where(
        CodMovement.kind == "serah")) == 0  # fmt: skip


def test_another_cooperatives_parcel_is_refused(ctx):
    w = build()
    x = build("Koperasi Lain")
    theirs = make_parcel(x, cod=10_000, status="terkirim")
    with pytest.raises(DomainError, match="tidak ditemukan"):
        run_transaction(money.collect_cod, w.coop, [theirs.id], w.clerk, "transfer")
    with pytest.raises(DomainError, match="tidak ditemukan"):
        run_transaction(money.post_intake, w.coop, theirs, w.clerk, w.shift, "tunai")


# --- courier settlement ---------------------------------------------------------------------


def test_partial_then_full_settlement_zeroes_the_courier_payable(ctx):
    w = build()
    first = run_transaction(money.post_intake, w.coop, make_parcel(w), w.clerk, w.shift, "tunai")
    second = run_transaction(money.post_intake, w.coop, make_parcel(w, fee=10_000, insurance=0),
                             w.clerk, w.shift, "qris")  # fmt: skip
    assert balance(w.coop, "211900") == -(20_200 + 8_000)
    part = run_transaction(money.settle_courier, w.coop, w.courier, w.clerk, "transfer",
                           charge_ids=[second.id])  # fmt: skip
    assert part.amount == 8_000 and part.parcels == 1
    assert balance(w.coop, "211900") == -20_200
    with pytest.raises(DomainError, match="sudah dibayar"):
        run_transaction(money.settle_courier, w.coop, w.courier, w.clerk, "transfer",
                        charge_ids=[second.id])  # fmt: skip
    rest = run_transaction(money.settle_courier, w.coop, w.courier, w.clerk, "tunai")
    assert rest.amount == 20_200 and balance(w.coop, "211900") == 0
    assert expected_cash(w.shift) == FLOAT + 25_000 - 20_200
    db.session.refresh(first)
    assert first.settlement_id == rest.id
    with pytest.raises(DomainError, match="Tidak ada utang"):
        run_transaction(money.settle_courier, w.coop, w.courier, w.clerk, "transfer")
    numbers = db.session.scalars(select(CourierSettlement.number).order_by(CourierSettlement.id))
    assert [n[-6:] for n in numbers] == ["000001", "000002"]


# --- verify ---------------------------------------------------------------------------------


@pytest.mark.tampers
def test_verify_catches_a_tampered_cod_row(ctx):
    w = build()
    parcel = make_parcel(w, cod=150_000, status="terkirim")
    run_transaction(money.collect_cod, w.coop, [parcel.id], w.clerk, "transfer")
    assert list(money_checks.check_cod(w.coop)) == []
    db.session.execute(text("UPDATE cod_movement SET amount = 15000"))
    db.session.commit()
    found = list(money_checks.check_cod(w.coop))
    assert any("211500" in v for v in found) and any(parcel.number in v for v in found)


@pytest.mark.tampers
def test_verify_catches_a_tampered_courier_charge(ctx):
    w = build()
    run_transaction(money.post_intake, w.coop, make_parcel(w), w.clerk, w.shift, "tunai")
    assert list(money_checks.check_courier_payable(w.coop)) == []
    db.session.execute(text("UPDATE parcel_charge SET courier_amount = 1"))
    db.session.commit()
    assert any("211900" in v for v in money_checks.check_courier_payable(w.coop))


def test_the_checks_run_in_outlet_pos_verify(ctx):
    from outlet_pos.core.verify import CHECKS

    labels = [label for label, _ in CHECKS]
    assert "Titipan COD = COD diterima − diserahkan" in labels
    assert any("Utang mitra kurir" in label for label in labels)


# --- pages ----------------------------------------------------------------------------------


def _page_world(app) -> dict:
    with app.app_context():
        w = build()
        x = build("Koperasi Tetangga")
        delivered = make_parcel(w, cod=150_000, member=True, status="terkirim")
        paid = make_parcel(w)
        run_transaction(money.post_intake, w.coop, paid, w.clerk, w.shift, "tunai")
        theirs = make_parcel(x, cod=10_000, status="terkirim")
        for role in ("kasir", "bendahara"):
            make_user(f"{role}{w.coop.id}", role, w.coop)
        return {"coop": w.coop.id, "clerk": w.clerk.username, "delivered": delivered.id,
                "courier": w.courier.id, "their_parcel": theirs.id, "their_courier": x.courier.id,
                "member": w.member.id}  # fmt: skip


def test_cod_pages_walk_the_whole_story(app, client, login):
    ids = _page_world(app)
    login(client, ids["clerk"])
    page = client.get("/logistik/cod").get_data(as_text=True)
    assert "Terima setoran COD" in page and "Rp150.000" in page and "Rp20.200" in page
    form = {"via": "transfer", "parcel": [str(ids["delivered"])]}
    resp = client.post("/logistik/cod/terima", data=form)
    assert resp.status_code == 302
    page = client.get("/logistik/cod").get_data(as_text=True)
    assert "diterima dari kurir" in page and "Serahkan" in page
    resp = client.post(f"/logistik/cod/{ids['delivered']}/serah", data={"via": "sukarela"})
    assert resp.status_code == 302
    assert "diserahkan" in client.get("/logistik/cod").get_data(as_text=True)
    settle = f"/logistik/kurir/{ids['courier']}/bayar"
    assert "Rp20.200" in client.get(settle).get_data(as_text=True)
    assert client.post(settle, data={"via": "transfer"}).status_code == 400  # nothing ticked
    resp = client.post(settle, data={"via": "transfer", "charge": ["1", "2", "3"]})
    assert resp.status_code == 400  # a charge that is not this courier's unsettled one
    with app.app_context():
        charge = db.session.scalar(select(ParcelCharge.id))
    resp = client.post(settle, data={"via": "transfer", "charge": [str(charge)]})
    assert resp.status_code == 302
    with app.app_context():
        coop = db.session.get(Cooperative, ids["coop"])
        assert balance(coop, "211500") == 0 and balance(coop, "211900") == 0


def test_cod_pages_refuse_bad_input_and_other_cooperatives(app, client, login):
    ids = _page_world(app)
    login(client, ids["clerk"])
    assert client.post("/logistik/cod/terima", data={}).status_code == 302
    resp = client.post("/logistik/cod/terima", data={"via": "transfer"}, follow_redirects=True)
    assert "Pilih paket" in resp.get_data(as_text=True)
    assert client.post(f"/logistik/cod/{ids['their_parcel']}/serah",
                       data={"via": "tunai"}).status_code == 404  # fmt: skip
    assert client.get(f"/logistik/kurir/{ids['their_courier']}/bayar").status_code == 404
    resp = client.post("/logistik/cod/terima", data={"via": "transfer",
                                                     "parcel": [str(ids["their_parcel"])]},
                       follow_redirects=True)  # fmt: skip
    assert "tidak ditemukan" in resp.get_data(as_text=True)


def test_permissions_of_the_money_pages(app, login):
    ids = _page_world(app)
    with app.app_context():
        coop = db.session.get(Cooperative, ids["coop"])
        cashier, treasurer = f"kasir{coop.id}", f"bendahara{coop.id}"
    kasir = app.test_client()
    login(kasir, cashier)
    assert kasir.get("/logistik/cod").status_code == 403
    assert kasir.get("/logistik/laporan").status_code == 403
    bendahara = app.test_client()
    login(bendahara, treasurer)
    assert bendahara.get("/logistik/cod").status_code == 403
    assert bendahara.post(f"/logistik/cod/{ids['delivered']}/serah").status_code == 403
    assert bendahara.get("/logistik/laporan").status_code == 200


def test_reports_show_commission_and_export_pdf_and_excel(app, client, login):
    ids = _page_world(app)
    login(client, ids["clerk"])
    page = client.get("/logistik/laporan").get_data(as_text=True)
    assert "Rp4.800" in page and "JNE Express" in page and "Rp150.000" in page
    pdf = client.get("/logistik/laporan?tabel=komisi&fmt=pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    xlsx = client.get("/logistik/laporan?tabel=cod&fmt=xlsx")
    assert xlsx.status_code == 200 and xlsx.data.startswith(b"PK")
    status = client.get("/logistik/laporan?tabel=status&fmt=xlsx")
    assert status.status_code == 200
