"""The parcel desk's rules: billable weight, dated tariffs, quotes, intake refusals, the status
timeline and the waybill's barcode (DESIGN §3.10)."""

from __future__ import annotations

import shutil
import subprocess
from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from outlet_pos.core.db import run_transaction
from outlet_pos.core.errors import DomainError, NotFound
from outlet_pos.core.ledger.models import JournalEntry
from outlet_pos.core.sales.models import DocSequence
from outlet_pos.extensions import db
from outlet_pos.units.logistik.models import Parcel, ParcelEvent, ZoneTariff
from outlet_pos.units.logistik.parcels import advance, billable_weight, intake, quote, scan
from outlet_pos.units.logistik.tariffs import add_tariff, tariff_on, zone_for
from outlet_pos.units.logistik.waybill import render_waybill, waybill_data
from tests.units.parcel_world import build_desk, parcel_values

D = Decimal


@pytest.fixture
def desk(ctx):
    return build_desk()


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


# --- billable weight -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("actual", "dims", "step", "expected"),
    [
        ("2", ("40", "30", "20"), "1", "4"),  # 24.000 cm³ / 6000 = 4 kg volumetric wins
        ("3.2", ("10", "10", "10"), "1", "4"),  # small box: actual wins, rounded up to 4 kg
        ("3.2", ("10", "10", "10"), "0.5", "3.5"),  # the 0,5 kg courier charges 3,5 kg
        ("3.0", ("10", "10", "10"), "1", "3"),  # exactly on the step: no rounding up
        ("2", ("41", "30", "20"), "1", "5"),  # 4,1 kg volumetric -> 5 kg
        ("2", ("41", "30", "20"), "0.5", "4.5"),
        ("0.3", ("0", "0", "0"), "1", "1"),  # an envelope still pays the first kilogram
    ],
)
def test_billable_weight_is_the_heavier_weight_rounded_up_to_the_couriers_step(
    actual, dims, step, expected
):
    got = billable_weight(D(actual), *(D(x) for x in dims), D(step))
    assert got == D(expected)
    assert isinstance(got, Decimal)


def test_billable_weight_defaults_to_whole_kilograms():
    assert billable_weight(D("1.01"), D(0), D(0), D(0)) == D(2)


# --- tariffs by date -----------------------------------------------------------------------


def test_the_tariff_on_a_day_is_the_latest_row_valid_on_or_before_it(desk):
    coop, jnt = desk.coop, desk.jnt
    today = coop.today()
    later = today + timedelta(days=31)
    run_transaction(add_tariff, coop, desk.manager, courier_id=jnt.id, service="REG", zone="JAWA",
                    first_kg=14_000, next_kg=10_000, valid_from=later)  # fmt: skip
    assert tariff_on(coop, jnt, "REG", "JAWA", today).first_kg == 12_000  # next month's: not yet
    assert tariff_on(coop, jnt, "REG", "JAWA", later - timedelta(days=1)).first_kg == 12_000
    assert tariff_on(coop, jnt, "REG", "JAWA", later).first_kg == 14_000
    assert tariff_on(coop, jnt, "REG", "JAWA", later + timedelta(days=90)).first_kg == 14_000
    assert tariff_on(coop, jnt, "REG", "JAWA", today - timedelta(days=1)) is None
    with pytest.raises(DomainError):
        quote(coop, jnt, "REG", "JAWA", D(1), today - timedelta(days=1))


def test_a_tariff_cannot_be_back_dated_or_doubled(desk):
    coop, jnt = desk.coop, desk.jnt
    before = _count(ZoneTariff)
    for day in (coop.today() - timedelta(days=1), coop.today()):
        with pytest.raises(DomainError) as err:
            run_transaction(add_tariff, coop, desk.manager, courier_id=jnt.id, service="REG",
                            zone="JAWA", first_kg=1, next_kg=1, valid_from=day)  # fmt: skip
        assert err.value.field == "valid_from"
    assert _count(ZoneTariff) == before


def test_a_quote_adds_the_next_kilograms_and_the_insurance(desk):
    coop, jnt, pos = desk.coop, desk.jnt, desk.pos
    q = quote(coop, jnt, "REG", "JAWA", D(3), coop.today(), 2_000_000)
    assert (q.fee, q.insurance, q.total) == (12_000 + 2 * 9_000, 4_000, 34_000)
    small = quote(coop, jnt, "REG", "JAWA", D(1), coop.today(), 100_000)
    assert (small.fee, small.insurance, small.total) == (12_000, 1_000, 13_000)  # minimum
    assert quote(coop, jnt, "REG", "JAWA", D(1), coop.today()).insurance == 0
    half = quote(coop, pos, "REG", "JAWA", D("2.5"), coop.today())
    assert half.fee == 11_000 + 12_000  # 1,5 further kilograms at 8.000


def test_the_zone_comes_from_the_cooperatives_own_address_and_the_province_table(desk):
    coop = desk.coop
    assert zone_for(coop, "Jawa Tengah", "Kabupaten Boyolali") == "DALAM_KAB"
    assert zone_for(coop, "jawa tengah", "Kota Semarang") == "DALAM_PROV"
    assert zone_for(coop, "Jawa Barat", "Boyolali") == "JAWA"
    assert zone_for(coop, "Kalimantan Timur") == "LUAR_JAWA"
    assert zone_for(coop, "Papua Selatan") == "INDONESIA_TIMUR"
    with pytest.raises(DomainError):
        zone_for(coop, "Atlantis")


# --- intake --------------------------------------------------------------------------------


def _intake(desk, **changes) -> Parcel:
    return run_transaction(intake, desk.coop, desk.cashier, desk.shift,
                           parcel_values(desk, **changes))  # fmt: skip


def test_intake_prices_numbers_and_starts_the_timeline(desk):
    parcel = _intake(desk, insurance_value=1_500_000, cod_amount=250_000)
    year = desk.coop.today().year
    assert parcel.number == f"KDMP-{year}-000001"
    assert parcel.zone == "JAWA"
    assert (parcel.volumetric_kg, parcel.billable_kg) == (D(4), D(4))
    assert parcel.shipping_fee == 12_000 + 3 * 9_000
    assert parcel.insurance_fee == 3_000
    assert parcel.total_due == 42_000
    assert parcel.cod_amount == 250_000
    assert parcel.status == "diterima"
    assert [e.status for e in parcel.events] == ["diterima"]
    assert parcel.unit_id == desk.unit.id
    second = _intake(desk, receiver_provinsi="Jawa Tengah", receiver_kabupaten="Boyolali")
    assert second.number == f"KDMP-{year}-000002"
    assert second.zone == "DALAM_KAB"
    assert second.shipping_fee == 8_000 + 3 * 5_000


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"receiver_provinsi": "Papua"}, "service"),  # no INDONESIA_TIMUR tariff
        ({"service": "KILAT"}, "service"),  # no KILAT tariff at all
        ({"length_cm": "-40"}, "length_cm"),
        ({"height_cm": "0"}, "height_cm"),
        ({"width_cm": ""}, "width_cm"),  # two of three dimensions
        ({"actual_kg": "abc"}, "actual_kg"),
        ({"actual_kg": "0"}, "actual_kg"),
        ({"cod_amount": -5_000}, "cod_amount"),
        ({"insurance_value": -1}, "insurance_value"),
        ({"receiver_name": " "}, "receiver_name"),
        ({"receiver_provinsi": "Narnia"}, "receiver_provinsi"),
        ({"sender_member": "X-999"}, "sender_member"),
    ],
)
def test_a_refused_intake_writes_nothing(desk, changes, field):
    entries, sequences = _count(JournalEntry), _count(DocSequence)
    with pytest.raises(DomainError) as err:
        _intake(desk, **changes)
    assert err.value.field == field
    assert _count(Parcel) == 0 and _count(ParcelEvent) == 0
    assert (_count(JournalEntry), _count(DocSequence)) == (entries, sequences)
    # and the numbering did not move: the next good parcel is still number one
    assert _intake(desk).number.endswith("-000001")


# --- status timeline -----------------------------------------------------------------------


def test_status_moves_only_forward_along_the_allowed_steps(desk):
    coop, officer = desk.coop, desk.officer
    parcel = _intake(desk)
    with pytest.raises(DomainError):
        run_transaction(advance, coop, parcel, officer, "terkirim")  # not handed over yet
    with pytest.raises(DomainError):
        run_transaction(advance, coop, parcel, officer, "diterima")
    for status in ("diserahkan_ke_kurir", "dalam_perjalanan", "terkirim"):
        parcel = run_transaction(advance, coop, parcel, officer, status, "", "Boyolali")
    with pytest.raises(DomainError):
        run_transaction(advance, coop, parcel, officer, "dikembalikan", "alamat salah")
    db.session.expire_all()
    parcel = db.session.get(Parcel, parcel.id)
    assert parcel.status == "terkirim"
    assert [e.status for e in parcel.events] == [
        "diterima", "diserahkan_ke_kurir", "dalam_perjalanan", "terkirim",
    ]  # fmt: skip


def test_a_return_needs_a_reason(desk):
    parcel = _intake(desk)
    with pytest.raises(DomainError) as err:
        run_transaction(advance, desk.coop, parcel, desk.officer, "dikembalikan")
    assert err.value.field == "note"
    # returned at the counter the cash fee goes back from a drawer: the cashier's shift
    parcel = run_transaction(advance, desk.coop, parcel, desk.cashier, "dikembalikan",
                             "Penerima pindah alamat")  # fmt: skip
    assert parcel.status == "dikembalikan"


def test_scanning_finds_the_parcel_by_its_waybill_number(desk):
    parcel = _intake(desk)
    found = run_transaction(scan, desk.coop, desk.officer, f"  {parcel.number.lower()} ",
                            "diserahkan_ke_kurir")  # fmt: skip
    assert found.id == parcel.id and found.status == "diserahkan_ke_kurir"
    with pytest.raises(NotFound):
        run_transaction(scan, desk.coop, desk.officer, "KDMP-1999-000009", "terkirim")
    other = build_desk("Koperasi Lain", tag="lain")
    with pytest.raises(NotFound):  # another cooperative's waybill is not ours to move
        run_transaction(scan, other.coop, other.officer, parcel.number, "dalam_perjalanan")


# --- the waybill ---------------------------------------------------------------------------


@pytest.mark.skipif(not (shutil.which("zbarimg") and shutil.which("pdftoppm")),
                    reason="zbarimg/pdftoppm not installed")  # fmt: skip
def test_the_waybill_is_an_a6_label_whose_barcodes_decode_to_the_number(desk, tmp_path):
    parcel = _intake(desk, cod_amount=175_000)
    pdf = render_waybill(waybill_data(parcel, desk.coop.name))
    assert pdf.startswith(b"%PDF")
    path = tmp_path / "resi.pdf"
    path.write_bytes(pdf)
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True).stdout
    assert "297.638 x 419.528 pts" in info  # 105 × 148 mm
    subprocess.run(["pdftoppm", "-png", "-r", "200", str(path), str(tmp_path / "p")], check=True)
    png = next(tmp_path.glob("p*.png"))

    def decode(symbology: str) -> str:
        out = subprocess.run(["zbarimg", "-q", "--raw", "-Sdisable", f"-S{symbology}.enable",
                              str(png)], capture_output=True, text=True)  # fmt: skip
        return out.stdout.strip()

    assert decode("code128") == parcel.number
    assert decode("qrcode") == parcel.number
