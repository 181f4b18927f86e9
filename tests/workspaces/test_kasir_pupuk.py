"""Subsidised fertilizer on the cashier's screen over HTTP: the farmer lookup by NIK with the
quota left this season, the subsidised flag in product search, and payments with and without
the farmer (and by proxy) going through checkout's pupuk rules; the receipt names them."""

from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from outlet_pos.core.db import run_transaction
from outlet_pos.core.inventory.models import ItemUnit
from outlet_pos.core.sales.models import Sale
from outlet_pos.extensions import db
from outlet_pos.units.pupuk import services as pupuk
from outlet_pos.units.pupuk.models import Allocation, Redemption
from tests.conftest import make_coop, make_user, skip_or_fail
from tests.units.pupuk_world import QUOTA, build_kiosk

PDFTOTEXT = "/usr/bin/pdftotext"
NIK = QUOTA["farmer_nik"]
PROXY_NIK = "6472014508900002"


@dataclass
class Counter:
    coop_id: int
    items: dict
    sack: int  # the urea item's 50 kg unit
    season: str


def add_season_quota(coop, farmer, allocations: dict[str, int]) -> str:
    """Allocations for the season of today (checkout over HTTP sells today)."""
    season = pupuk.season_of(coop.today())

    def action():
        for ftype, kg in allocations.items():
            db.session.add(
                Allocation(cooperative_id=coop.id, farmer_id=farmer.id, fertilizer_type=ftype,
                           season=season, kg=Decimal(kg))
            )  # fmt: skip
        db.session.flush()

    run_transaction(action)
    return season


@pytest.fixture
def kiosk(app, client, login):
    """build_kiosk's fertilizer kiosk with this season's allocation (urea 150 kg, NPK 100 kg);
    its cashier, with an open shift, is signed in on ``client``."""
    with app.app_context():
        k = build_kiosk()
        season = add_season_quota(k.coop, k.farmer, {"urea": 150, "npk": 100})
        sack = db.session.scalar(
            select(ItemUnit.id).where(
                ItemUnit.item_id == k.items["urea"], ItemUnit.name == "karung"
            )
        )
        counter = Counter(k.coop.id, dict(k.items), sack, season)
        username = k.cashier.username
    login(client, username)
    return counter


def pay(kiosk, *, qty="100", unit=None, extra=None, key="pupuk-1", cash=500_000) -> dict:
    body = {
        "lines": [{"item_id": kiosk.items["urea"], "qty": qty, "item_unit_id": unit}],
        "payments": [{"method": "tunai", "amount": cash}],
        "idempotency_key": key,
    }
    if extra is not None:
        body["extra"] = extra
    return body


def sales(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count(Sale.id)))


def pdf_text(data: bytes) -> str:
    if not os.path.exists(PDFTOTEXT):
        skip_or_fail(f"{PDFTOTEXT} not found (apt-get install poppler-utils)")
    out = subprocess.run([PDFTOTEXT, "-layout", "-", "-"], input=data, capture_output=True,
                         check=True)  # fmt: skip
    return out.stdout.decode()


# --- the lookup ---------------------------------------------------------------------------


def test_the_lookup_shows_the_farmer_and_the_quota_left_this_season(client, kiosk):
    resp = client.get(f"/kasir/petani?nik={NIK}")
    assert resp.status_code == 200
    data = resp.get_json()
    assert data["farmer"] == {
        "nik": NIK,
        "name": "Pak Darmaji",
        "poktan": "Tani Makmur",
        "desa": "Sukamaju",
        "member_number": "",
    }
    assert data["season"] == kiosk.season
    # Only this season's allocations (build_kiosk also has 2026-MT1 and 2025-MT3 rows).
    assert [a["type"] for a in data["allocations"]] == ["npk", "urea"]
    urea = data["allocations"][1]
    assert urea["label"] == "Urea"
    assert (urea["allocated_kg"], urea["redeemed_kg"], urea["remaining_kg"]) == ("150", "0", "150")
    assert urea["sack"] == {"name": "karung", "kg": "50", "whole": 3, "rest_kg": "0"}
    assert urea["het"]["rp_per_kg"] == 1_800 and urea["het"]["rp_per_bag"] == 90_000
    assert urea["het"]["text"] == "Rp1.800/kg (Rp90.000/50 kg)"


def test_the_lookup_refuses_unknown_malformed_and_other_cooperatives_niks_in_indonesian(
    app, client, kiosk
):
    unknown = client.get("/kasir/petani?nik=6472011508850009")
    assert unknown.status_code == 404
    assert unknown.get_json() == {
        "error": "Petani dengan NIK 6472011508850009 belum terdaftar (e-RDKK).",
        "field": "nik",
    }
    short = client.get("/kasir/petani?nik=12345")
    assert short.status_code == 400
    assert short.get_json()["error"] == "NIK harus 16 digit, yang diisi 5 digit"
    assert client.get("/kasir/petani").status_code == 400
    # A farmer registered only in another cooperative does not exist here.
    with app.app_context():
        other = make_coop("Koperasi Lain")
        clerk = make_user(f"lain{other.id}", "kasir", other)
        run_transaction(pupuk.save_farmer, other, {"nik": PROXY_NIK, "name": "Bu Lain"}, clerk)
    assert client.get(f"/kasir/petani?nik={PROXY_NIK}").status_code == 404


def test_the_lookup_needs_the_selling_permission(app, client, kiosk, login):
    client.post("/keluar")
    with app.app_context():
        from outlet_pos.core.tenancy import Cooperative

        make_user("tamu-tani", None, db.session.get(Cooperative, kiosk.coop_id))
    login(client, "tamu-tani")
    resp = client.get(f"/kasir/petani?nik={NIK}")
    assert resp.status_code in (403, 404)
    assert b"Pak Darmaji" not in resp.data


def test_product_search_flags_subsidised_fertilizer_by_type(client, kiosk):
    [urea] = client.get("/kasir/cari?q=PS-UREA").get_json()["items"]
    assert urea["subsidised"] == "urea"
    assert [u["name"] for u in urea["units"]] == ["kg", "karung"]


def test_ordinary_items_are_not_flagged(app, client, login):
    from tests.shop import build_shop

    with app.app_context():
        shop = build_shop()
    login(client, f"kasir{shop.coop_id}")
    items = client.get("/kasir/cari?q=minyak").get_json()["items"]
    assert items and all(i["subsidised"] is None for i in items)


# --- paying -------------------------------------------------------------------------------


def test_a_redemption_without_the_farmers_nik_is_refused_and_nothing_is_sold(app, client, kiosk):
    resp = client.post("/kasir/bayar", json=pay(kiosk))
    assert resp.status_code == 400
    assert "isi NIK petani" in resp.get_json()["error"]
    unknown = client.post("/kasir/bayar", json=pay(kiosk, extra={"farmer_nik": "6472011508850009"}))
    assert "belum terdaftar" in unknown.get_json()["error"]
    assert sales(app) == 0


def test_above_the_quota_the_refusal_says_what_is_left_then_a_sale_within_it_redeems(
    app, client, kiosk
):
    over = client.post("/kasir/bayar", json=pay(kiosk, qty="4", unit=kiosk.sack,
                                                extra={"farmer_nik": NIK}))  # fmt: skip
    assert over.status_code == 400
    assert over.get_json()["error"] == (
        f"Urea: melebihi sisa kuota 150 kg (Pak Darmaji, {kiosk.season})."
    )
    assert sales(app) == 0

    # Two sacks (100 kg) at the HET: sold, redeemed, and the quota shown drops to 50 kg.
    ok = client.post("/kasir/bayar", json=pay(kiosk, qty="2", unit=kiosk.sack,
                                              extra={"farmer_nik": NIK}))  # fmt: skip
    assert ok.status_code == 200, ok.get_json()
    assert ok.get_json()["total"] == 180_000
    with app.app_context():
        [row] = db.session.scalars(select(Redemption)).all()
        assert (row.kg, row.amount, row.season, row.proxy_nik) == (
            Decimal(100),
            180_000,
            kiosk.season,
            "",
        )
        assert row.sale_id == ok.get_json()["sale_id"]
    urea = client.get(f"/kasir/petani?nik={NIK}").get_json()["allocations"][1]
    assert (urea["redeemed_kg"], urea["remaining_kg"]) == ("100", "50")
    assert urea["sack"]["whole"] == 1

    text = pdf_text(client.get(ok.get_json()["receipt_url"]).data)
    assert "Penebusan pupuk bersubsidi: Pak" in text and "Darmaji" in text
    assert "647201******0003" in text and NIK not in text  # the birth date stays off paper


def test_a_proxy_needs_a_letter_and_is_recorded_and_printed(app, client, kiosk):
    proxy = {"farmer_nik": NIK, "proxy_nik": PROXY_NIK, "proxy_name": "Siti Aminah"}
    refused = client.post("/kasir/bayar", json=pay(kiosk, qty="50", extra=proxy))
    assert refused.status_code == 400
    assert refused.get_json() == {
        "error": "Penebusan oleh kuasa wajib mencatat surat kuasa.",
        "field": "proxy_letter",
    }
    ok = client.post(
        "/kasir/bayar",
        json=pay(kiosk, qty="50", extra={**proxy, "proxy_letter": "Surat kuasa 3 Nov, RT 02"}),
    )
    assert ok.status_code == 200, ok.get_json()
    with app.app_context():
        [row] = db.session.scalars(select(Redemption)).all()
        assert (row.proxy_nik, row.proxy_name, row.proxy_letter) == (
            PROXY_NIK, "Siti Aminah", "Surat kuasa 3 Nov, RT 02"
        )  # fmt: skip
    text = " ".join(pdf_text(client.get(ok.get_json()["receipt_url_80"]).data).split())
    assert "kuasa: Siti Aminah (NIK 647201******0002), surat: Surat kuasa 3 Nov, RT 02" in text


def test_farmer_data_that_is_not_a_dict_of_strings_is_refused(app, client, kiosk):
    bad = client.post("/kasir/bayar", json=pay(kiosk, extra="6472011508850003"))
    assert bad.status_code == 400
    assert bad.get_json()["error"] == "Data petani tidak terbaca; muat ulang halaman."
    bad = client.post("/kasir/bayar", json=pay(kiosk, extra={"farmer_nik": 6472011508850003}))
    assert bad.status_code == 400
    assert sales(app) == 0
