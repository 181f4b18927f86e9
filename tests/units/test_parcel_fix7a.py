"""Review fixes of the parcel desk: a parcel returned at the counter refunds the sender and is
no longer owed to the courier; a double-submitted intake makes one parcel; "Kota X" and
"Kabupaten X" are different regencies for the tariff zone."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from sqlalchemy import func, select

from outlet_pos.core.audit import ACTION_LABELS, AuditEvent
from outlet_pos.core.db import run_transaction
from outlet_pos.core.errors import DomainError
from outlet_pos.core.ledger.models import Account, JournalEntry, JournalLine
from outlet_pos.core.sales.checkout import member_credit_balance
from outlet_pos.core.sales.shifts import expected_cash
from outlet_pos.extensions import db
from outlet_pos.units.logistik import money, money_checks
from outlet_pos.units.logistik.models import Parcel
from outlet_pos.units.logistik.money_models import ParcelCharge
from outlet_pos.units.logistik.parcels import advance, intake
from outlet_pos.units.logistik.reports import commission_by_month, courier_dues
from outlet_pos.units.logistik.tariffs import zone_for
from outlet_pos.units.logistik.voids import void_intake
from tests.conftest import make_coop
from tests.units.parcel_world import FLOAT, build_desk, parcel_values


@pytest.fixture
def desk(ctx):
    return build_desk()


def _intake(desk, user=None, **changes) -> Parcel:
    return run_transaction(intake, desk.coop, user or desk.cashier, desk.shift,
                           parcel_values(desk, **changes))  # fmt: skip


def _balance(coop, code: str, member_id=None) -> int:
    """Debit minus credit of one account."""
    stmt = (
        select(func.coalesce(func.sum(JournalLine.debit - JournalLine.credit), 0))
        .join(Account, Account.id == JournalLine.account_id)
        .where(JournalLine.cooperative_id == coop.id, Account.code == code)
    )
    if member_id is not None:
        stmt = stmt.where(JournalLine.member_id == member_id)
    return int(db.session.scalar(stmt))


def _entries(coop) -> int:
    return db.session.scalar(
        select(func.count(JournalEntry.id)).where(JournalEntry.cooperative_id == coop.id)
    )


# --- P1: a parcel returned at the counter ---------------------------------------------------


def test_a_cash_parcel_returned_at_the_counter_refunds_the_sender_and_owes_the_courier_nothing(
    desk,
):
    coop = desk.coop
    parcel = _intake(desk)  # 39.000: commission 3.900, courier 35.100
    assert _balance(coop, "211900") == -35_100
    assert expected_cash(desk.shift) == FLOAT + 39_000
    before = _entries(coop)
    run_transaction(advance, coop, parcel, desk.cashier, "dikembalikan", "Pengirim batal kirim")
    db.session.expire_all()
    assert _entries(coop) == before + 1  # one reversing entry
    assert _balance(coop, "211900") == 0
    assert _balance(coop, "414100") == 0
    assert expected_cash(desk.shift) == FLOAT  # the cash went back out of the drawer
    charge = db.session.scalar(select(ParcelCharge).where(ParcelCharge.parcel_id == parcel.id))
    assert charge.voided and charge.void_reason == "Pengirim batal kirim"
    assert money.unsettled_charges(coop, desk.jnt) == []
    with pytest.raises(DomainError):  # nothing left to pay the courier
        run_transaction(money.settle_courier, coop, desk.jnt, desk.manager, "transfer")
    assert [d.amount for d in courier_dues(coop) if d.courier.id == desk.jnt.id] == [0]
    assert commission_by_month(coop, coop.today().year) == []
    assert db.session.scalar(select(func.count()).select_from(AuditEvent).where(
        AuditEvent.action == "logistics.intake_void")) == 1  # fmt: skip
    assert "logistics.intake_void" in ACTION_LABELS
    assert list(money_checks.check_courier_payable(coop)) == []  # the voided share is out


@pytest.mark.parametrize("method", ["qris", "kredit"])
def test_qris_and_member_credit_are_refunded_the_way_they_were_paid(desk, method):
    coop, member = desk.coop, desk.member
    parcel = _intake(desk, method=method, sender_member=member.member_number)
    account = {"qris": "112900", "kredit": "113200"}[method]
    assert _balance(coop, account) == 39_000
    assert _balance(coop, "414100", member.id) == -3_900  # the member's participation
    run_transaction(advance, coop, parcel, desk.officer, "dikembalikan", "Salah alamat")
    db.session.expire_all()
    assert _balance(coop, account) == 0
    assert _balance(coop, "414100", member.id) == 0
    assert _balance(coop, "211900") == 0
    assert member_credit_balance(coop, member) == 0
    assert expected_cash(desk.shift) == FLOAT  # no cash moved either way


def test_a_parcel_already_settled_with_the_courier_cannot_be_voided(desk):
    coop = desk.coop
    parcel = _intake(desk, method="qris")
    run_transaction(money.settle_courier, coop, desk.jnt, desk.manager, "transfer")
    before = _entries(coop)
    with pytest.raises(DomainError, match="sudah disetorkan ke kurir"):
        run_transaction(advance, coop, parcel, desk.officer, "dikembalikan", "Batal")
    db.session.expire_all()
    assert db.session.get(Parcel, parcel.id).status == "diterima"  # refused as a whole
    assert _entries(coop) == before


def test_a_cash_refund_needs_an_open_shift_and_a_drawer_that_holds_it(desk):
    coop = desk.coop
    parcel = _intake(desk)
    before = _entries(coop)
    with pytest.raises(DomainError, match="shift"):  # the officer has no shift open
        run_transaction(advance, coop, parcel, desk.officer, "dikembalikan", "Batal")
    db.session.expire_all()
    assert db.session.get(Parcel, parcel.id).status == "diterima"
    assert _entries(coop) == before


def test_a_parcel_with_the_courier_keeps_its_charge_and_a_void_is_refused_twice(desk):
    coop = desk.coop
    gone = _intake(desk, method="qris")
    run_transaction(advance, coop, gone, desk.officer, "diserahkan_ke_kurir")
    run_transaction(advance, coop, gone, desk.officer, "dikembalikan", "Ditolak penerima")
    with pytest.raises(DomainError):
        run_transaction(void_intake, coop, db.session.get(Parcel, gone.id), desk.manager,
                        None, "batal")  # fmt: skip
    db.session.expire_all()
    assert _balance(coop, "211900") == -35_100  # the courier carried it: still owed
    back = _intake(desk, method="qris")
    run_transaction(advance, coop, back, desk.officer, "dikembalikan", "Batal")
    with pytest.raises(DomainError, match="sudah dibatalkan"):
        run_transaction(void_intake, coop, back.id, desk.manager, None, "lagi")


# --- P1: a double-submitted intake form ---------------------------------------------------


def test_the_same_intake_submitted_twice_makes_one_parcel_and_one_payment(desk):
    coop = desk.coop
    first = _intake(desk, idempotency_key="abc123")
    entries = _entries(coop)
    again = _intake(desk, idempotency_key="abc123")
    assert again.id == first.id
    assert _entries(coop) == entries
    assert db.session.scalar(select(func.count()).select_from(Parcel)) == 1
    assert expected_cash(desk.shift) == FLOAT + 39_000
    other = _intake(desk, idempotency_key="def456")  # a new form is a new parcel
    assert other.id != first.id


# --- P2: kota and kabupaten are different places ---------------------------------------------


@pytest.mark.parametrize(
    ("home", "dest", "zone"),
    [
        ("Kabupaten Bandung", "Kota Bandung", "DALAM_PROV"),
        ("Kabupaten Bandung", "Kab. Bandung", "DALAM_KAB"),
        ("Kabupaten Bandung", "bandung", "DALAM_KAB"),
        ("Kota Bandung", "KOTA  BANDUNG", "DALAM_KAB"),
        ("Kota Bandung", "Kabupaten Bandung", "DALAM_PROV"),
        ("Kota Bogor", "Kab Bogor", "DALAM_PROV"),
        ("Bogor", "Kabupaten Bogor", "DALAM_KAB"),
        ("Bogor", "Kota Bogor", "DALAM_PROV"),
    ],
)
def test_kota_and_kabupaten_of_the_same_name_are_different_zones(ctx, home, dest, zone):
    coop = make_coop(f"Koperasi {home}", provinsi="Jawa Barat", kabupaten=home)
    assert zone_for(coop, "Jawa Barat", dest) == zone


# --- the page action -------------------------------------------------------------------------


@pytest.fixture
def world(app):
    with app.app_context():
        desk = build_desk("Koperasi Pos Kita", tag="kita")
        parcel = run_transaction(intake, desk.coop, desk.cashier, desk.shift,
                                 parcel_values(desk, method="qris"))  # fmt: skip
        return {"parcel": parcel.id, "coop": desk.coop.id, "jnt": desk.jnt.id,
                "manager": desk.manager.username, "cashier": desk.cashier.username}  # fmt: skip


def test_the_manager_refunds_from_the_parcel_page_and_the_cashier_may_not(client, world, login):
    url = f"/logistik/paket/{world['parcel']}"
    login(client, world["cashier"])
    assert "Batalkan ongkos kirim" not in client.get(url).get_data(as_text=True)
    assert client.post(f"{url}/batal", data={"reason": "x"}).status_code == 403
    client.post("/keluar")
    login(client, world["manager"])
    assert "Batalkan ongkos kirim" in client.get(url).get_data(as_text=True)
    assert client.post(f"{url}/batal", data={"reason": ""}).status_code == 400
    resp = client.post(f"{url}/batal", data={"reason": "Pengirim membatalkan"})
    assert resp.status_code == 302
    page = client.get(url).get_data(as_text=True)
    assert "dikembalikan ke pengirim" in page and "Batalkan ongkos kirim" not in page
    with client.application.app_context():
        parcel = db.session.get(Parcel, world["parcel"])
        assert parcel.status == "dikembalikan"
        assert _balance(SimpleNamespace(id=world["coop"]), "112900") == 0


def test_a_double_submitted_intake_form_makes_one_parcel(client, world, login):
    login(client, world["cashier"])
    form = client.get("/logistik/paket/baru").get_data(as_text=True)
    assert 'name="idempotency_key"' in form
    key = form.split('name="idempotency_key"')[1].split('value="')[1].split('"')[0]
    assert len(key) == 32
    values = parcel_values(SimpleNamespace(jnt=SimpleNamespace(id=world["jnt"])),
                           insurance_value="", cod_amount="", idempotency_key=key)  # fmt: skip
    data = {k: str(v) for k, v in values.items()}
    first = client.post("/logistik/paket/baru", data=data)
    second = client.post("/logistik/paket/baru", data=data)
    assert first.status_code == second.status_code == 302
    assert first.headers["Location"] == second.headers["Location"]
    with client.application.app_context():
        assert db.session.scalar(select(func.count()).select_from(Parcel)) == 2  # world's + 1
