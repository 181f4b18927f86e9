"""Values in the SIMKOPDES dictionary's formats: masks, numbers, timestamps, codes."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest

from outlet_pos.core.simkopdes.dictionary import columns, dictionary, relations
from outlet_pos.core.simkopdes.formats import (
    Clock,
    Refs,
    b32,
    decimal,
    mask_nik,
    mask_phone,
    money,
    per_unit,
    region_code,
    shared_ref,
    text,
)
from outlet_pos.core.simkopdes.members import period_label
from tests.simkopdes.bundle import reference_columns


def _coop(ident: int = 1, created: datetime = datetime(2025, 5, 1, 2, 3, 4, 567890), tz="WITA"):
    zone = {"WIB": "Asia/Jakarta", "WITA": "Asia/Makassar", "WIT": "Asia/Jayapura"}[tz]
    return SimpleNamespace(id=ident, created_at=created, zone=ZoneInfo(zone))


@pytest.mark.parametrize(
    "nik, masked",
    [
        ("3201011205850001", "32************01"),
        ("6402114506900002", "64************02"),
        ("", ""),
        ("12345", "*****"),
    ],
)
def test_a_nik_keeps_only_its_first_and_last_two_digits(nik, masked):
    assert mask_nik(nik) == masked


@pytest.mark.parametrize(
    "phone, masked",
    [
        ("081234567890", "08******7890"),
        ("0812-3456-7890", "08******7890"),
        ("+6281234567890", "08******7890"),
        ("6281234567890", "08******7890"),
        ("08123456789", "08*****6789"),
        ("", ""),
        ("12345", "*****"),
    ],
)
def test_a_phone_number_keeps_its_08_and_its_last_four_digits(phone, masked):
    assert mask_phone(phone) == masked


def test_numbers_are_written_as_the_dictionarys_examples():
    assert money(15_000) == "15000.00"
    assert money(0) == "0.00"
    assert money(None) == ""
    assert decimal(Decimal("100")) == "100.00"
    assert decimal(Decimal("2.500")) == "2.50"
    assert decimal(Decimal("2.125")) == "2.125"  # a third decimal is not rounded away
    assert per_unit(100_000, Decimal("3")) == "33333.33"
    assert per_unit(60_000, Decimal("4")) == "15000.00"


def test_timestamps_are_the_cooperatives_wall_clock_and_back_dated_documents_show_midnight():
    clock = Clock(_coop(tz="WITA"))
    utc = datetime(2026, 1, 31, 6, 30, 15, 999)
    assert clock.stamp(utc) == "2026-01-31 14:30:15"
    assert clock.stamp(None) == ""
    assert clock.business(date(2026, 1, 31), utc) == "2026-01-31 14:30:15"
    assert clock.business(date(2026, 1, 20), utc) == "2026-01-20 00:00:00"
    # 23:30 UTC is already the next day in Jayapura.
    assert Clock(_coop(tz="WIT")).business(date(2026, 2, 1), datetime(2026, 1, 31, 23, 30)) == (
        "2026-02-01 08:30:00"
    )


def test_codes_are_stable_sized_and_differ_between_cooperatives():
    a, again, b = Refs(_coop(1)), Refs(_coop(1)), Refs(_coop(1, datetime(2025, 5, 1, 2, 3, 4)))
    assert a("anggota", 7) == again("anggota", 7)
    assert a.koperasi == again.koperasi and a.koperasi != b.koperasi
    assert a("anggota", 7) != b("anggota", 7)  # same id, another installation's cooperative
    assert a("anggota", 7) != a("anggota", 8) != a("transaksi", 7)
    assert len(a.koperasi) == 16 and a.koperasi.startswith("KOP-")
    sizes = {"anggota": 16, "produk": 17, "gerai": 18, "simpanan": 19, "rat": 10, "modal": 18}
    for kind, size in sizes.items():
        code = a(kind, 123)
        assert len(code) == size and code.isalnum() and code == code.upper()
    assert shared_ref("jenis_gerai", "Apotek Desa") == shared_ref("jenis_gerai", "Apotek Desa")
    assert len(shared_ref("jenis_gerai", "Apotek Desa")) == 22


@pytest.mark.parametrize("size", [1, 5, 6, 7, 10, 11, 12, 14, 32])
def test_the_fast_base32_is_rfc_4648_base32(size):
    import base64
    import os

    for _ in range(50):
        data = os.urandom(size)
        assert b32(data) == base64.b32encode(data).decode("ascii").rstrip("=")


def test_text_that_a_spreadsheet_would_run_gets_an_apostrophe():
    assert text("=1+2") == "'=1+2"
    assert text("@SUM(A1)") == "'@SUM(A1)"
    assert text("-5 kg") == "'-5 kg"
    assert text("Beras 5 kg") == "Beras 5 kg"
    assert text(None) == ""


def test_village_codes_and_savings_periods_read_like_simkopdes():
    assert region_code("3201012001") == "32.01.01.2001"
    assert region_code("64.02.11.2005") == "64.02.11.2005"
    assert region_code("") == ""
    assert period_label("pokok", None, date(2026, 4, 2)) == "Simpanan Pokok"
    assert period_label("wajib", "2026-03", date(2026, 4, 2)) == "Simpanan Wajib - Maret 2026"
    assert period_label("wajib", None, date(2026, 4, 2)) == "Simpanan Wajib - April 2026"


def test_the_shipped_dictionary_is_read_in_its_own_order():
    reference = reference_columns()
    assert set(dictionary()) == set(reference)
    for table, cols in reference.items():
        assert columns(table) == cols
    assert len(dictionary()) == 27 and sum(len(c) for c in reference.values()) == 288
    keys = {(r.table, r.column) for r in relations()}
    assert ("simpanan_anggota", "anggota_ref") in keys and len(keys) == 32
