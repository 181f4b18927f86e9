"""The parcel desk's pages: intake with the "Hitung" quote, the detail and its waybill PDF, the
scan page, couriers and tariffs, permissions and another cooperative's ids."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from sqlalchemy import func, select

from outlet_pos.core.db import run_transaction
from outlet_pos.core.tenancy import Cooperative
from outlet_pos.extensions import db
from outlet_pos.units.logistik.models import Courier, Parcel, ZoneTariff
from outlet_pos.units.logistik.parcels import intake
from tests.units.parcel_world import build_desk, parcel_values


@pytest.fixture
def world(app):
    """Two desks (ours and another cooperative's, each with one parcel), as plain ids."""
    with app.app_context():
        ours = build_desk("Koperasi Pos Kita", tag="kita")
        theirs = build_desk("Koperasi Lain", tag="lain")
        mine = run_transaction(intake, ours.coop, ours.cashier, ours.shift, parcel_values(ours))
        other = run_transaction(intake, theirs.coop, theirs.cashier, theirs.shift,
                                parcel_values(theirs))  # fmt: skip
        return {"coop": ours.coop.id, "parcel": mine.id, "number": mine.number,
                "other_parcel": other.id, "other_courier": theirs.jnt.id, "jnt": ours.jnt.id,
                "officer": ours.officer.username, "cashier": ours.cashier.username,
                "manager": ours.manager.username}  # fmt: skip


def _form(world, **changes) -> dict:
    values = parcel_values(SimpleNamespace(jnt=SimpleNamespace(id=world["jnt"])))
    values.update(insurance_value="", cod_amount="")
    values.update(changes)
    return {k: str(v) for k, v in values.items()}


def test_the_hitung_button_shows_the_quote_without_taking_the_parcel(client, world, login):
    login(client, world["cashier"])
    resp = client.post("/logistik/paket/baru",
                       data=_form(world, insurance_value="2.000.000", hitung="1"))  # fmt: skip
    page = resp.get_data(as_text=True)
    assert resp.status_code == 200
    assert "Rp39.000" in page  # 12.000 + 3 × 9.000 for 4 kg volumetric
    assert "Rp43.000" in page  # plus 0,2% of Rp2.000.000
    with client.application.app_context():
        assert db.session.scalar(select(func.count()).select_from(Parcel)) == 2


def test_a_parcel_taken_at_the_desk_gets_its_page_and_its_waybill(client, world, login):
    login(client, world["cashier"])
    resp = client.post("/logistik/paket/baru", data=_form(world, cod_amount="150.000",
                                                          simpan="1"))  # fmt: skip
    assert resp.status_code == 302, resp.get_data(as_text=True)[:3000]
    detail = client.get(resp.headers["Location"])
    page = detail.get_data(as_text=True)
    assert detail.status_code == 200
    assert "-000002" in page and "Rp150.000" in page and "Siti Aminah" in page
    with client.application.app_context():
        parcel = db.session.scalar(select(Parcel).where(Parcel.cod_amount == 150_000))
        assert parcel.created_by.username == world["cashier"]
    pdf = client.get(f"/logistik/paket/{parcel.id}/resi")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    assert pdf.data.startswith(b"%PDF")


def test_a_negative_cod_is_refused_beside_its_field_and_nothing_is_taken(client, world, login):
    login(client, world["cashier"])
    resp = client.post("/logistik/paket/baru", data=_form(world, cod_amount="-5.000",
                                                          simpan="1"))  # fmt: skip
    assert resp.status_code == 400
    assert "Siti Aminah" in resp.get_data(as_text=True)  # what was typed is kept
    with client.application.app_context():
        assert db.session.scalar(select(func.count()).select_from(Parcel)) == 2


def test_the_scan_page_moves_a_parcel_and_refuses_an_illegal_jump(client, world, login):
    login(client, world["officer"])
    bad = client.post("/logistik/pindai", data={"code": world["number"], "status": "terkirim"})
    assert bad.status_code == 400
    assert "tidak dapat langsung" in bad.get_data(as_text=True)
    ok = client.post("/logistik/pindai", data={"code": world["number"].lower(),
                                               "status": "diserahkan_ke_kurir"})  # fmt: skip
    assert ok.status_code == 200
    assert "Diserahkan ke kurir" in ok.get_data(as_text=True)
    with client.application.app_context():
        assert db.session.get(Parcel, world["parcel"]).status == "diserahkan_ke_kurir"


def test_the_detail_page_changes_status_with_a_reason_for_a_return(client, world, login):
    login(client, world["officer"])
    url = f"/logistik/paket/{world['parcel']}/status"
    assert client.post(url, data={"status": "dikembalikan"}).status_code == 400
    # returned at the counter the cash fee is refunded: the officer has no drawer open
    resp = client.post(url, data={"status": "dikembalikan", "note": "Ditolak penerima"})
    assert resp.status_code == 400 and "shift" in resp.get_data(as_text=True)
    client.post("/keluar")
    login(client, world["cashier"])
    resp = client.post(url, data={"status": "dikembalikan", "note": "Ditolak penerima"})
    assert resp.status_code == 302
    with client.application.app_context():
        assert db.session.get(Parcel, world["parcel"]).status == "dikembalikan"


def test_the_manager_adds_a_courier_and_a_dated_tariff(client, world, login):
    login(client, world["manager"])
    resp = client.post("/logistik/kurir", data={
        "code": "SICEPAT", "name": "SiCepat", "commission_percent": "12,5", "rounding_kg": "0.5",
        "insurance_rate_percent": "0,25", "insurance_min": "2.000", "active": "y"})  # fmt: skip
    assert resp.status_code == 302, resp.get_data(as_text=True)[:3000]
    with client.application.app_context():
        courier = db.session.scalar(select(Courier).where(Courier.code == "SICEPAT"))
        day = db.session.get(Cooperative, world["coop"]).today()
    resp = client.post("/logistik/tarif", data={
        "courier": str(courier.id), "service": "KILAT", "zone": "LUAR_JAWA", "first_kg": "30.000",
        "next_kg": "25.000", "valid_from": day.isoformat(), "eta_days": "1-2"})  # fmt: skip
    assert resp.status_code == 302
    page = client.get("/logistik/tarif").get_data(as_text=True)
    assert "SiCepat" in page and "Rp30.000" in page
    again = client.post("/logistik/tarif", data={
        "courier": str(courier.id), "service": "KILAT", "zone": "LUAR_JAWA", "first_kg": "1",
        "next_kg": "1", "valid_from": day.isoformat()})  # fmt: skip
    assert again.status_code == 400  # the row stands; a change is a new dated row
    with client.application.app_context():
        assert db.session.scalar(select(func.count()).select_from(ZoneTariff)
                                 .where(ZoneTariff.courier_id == courier.id)) == 1  # fmt: skip


def test_a_cashier_takes_parcels_but_cannot_change_tariffs(client, world, login):
    login(client, world["cashier"])
    assert client.get("/logistik/paket").status_code == 200
    assert client.get("/logistik/pindai").status_code == 200
    assert client.get("/logistik/tarif").status_code == 403
    assert client.post("/logistik/kurir", data={"code": "X"}).status_code == 403


def test_another_cooperatives_parcel_and_courier_are_not_found(client, world, login):
    login(client, world["manager"])
    other = world["other_parcel"]
    assert client.get(f"/logistik/paket/{other}").status_code == 404
    assert client.get(f"/logistik/paket/{other}/resi").status_code == 404
    assert client.post(f"/logistik/paket/{other}/status",
                       data={"status": "diserahkan_ke_kurir"}).status_code == 404  # fmt: skip
    assert client.get(f"/logistik/kurir/{world['other_courier']}").status_code == 404
    mine = client.get(f"/logistik/paket/{world['parcel']}")
    assert mine.status_code == 200
    listing = client.get("/logistik/paket?q=KDMP").get_data(as_text=True)
    assert listing.count("/logistik/paket/") - listing.count("/logistik/paket/baru") == 1
