"""Tests for outlet_pos.core.identifiers: NIK and NPWP validation."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from outlet_pos.core.identifiers import IdentifierError, NikInfo, validate_nik, validate_npwp

FIXTURES = Path(__file__).parent.parent / "fixtures"
NIK = json.loads((FIXTURES / "nik.json").read_text(encoding="utf-8"))


# --------------------------------------------------------------------------- NIK


@pytest.mark.parametrize("case", NIK["valid"], ids=lambda c: c["nik"])
def test_reads_sex_and_birth_date_from_valid_nik(case):
    info = validate_nik(case["nik"])
    assert info == NikInfo(
        nik=case["nik"],
        sex=case["sex"],
        birth_day=case["birth_day"],
        birth_month=case["birth_month"],
        birth_year_2d=case["birth_year_2d"],
        region_code=case["nik"][:6],
    )


@pytest.mark.parametrize("case", NIK["invalid"], ids=lambda c: c["why"])
def test_rejects_fixture_invalid_nik(case):
    with pytest.raises(IdentifierError):
        validate_nik(case["nik"])


@pytest.mark.parametrize(
    ("nik", "message"),
    [
        ("", "wajib diisi"),
        ("   ", "wajib diisi"),
        ("647205150885000", "16 digit, yang diisi 15 digit"),
        ("64720115088500031", "16 digit, yang diisi 17 digit"),
        ("64720115O8850003", "karakter ke-9 adalah 'O'"),
        ("6472-0115-0885-0003", "hanya boleh berisi angka"),
        ("\uff16472011508850003", "hanya boleh berisi angka"),  # fullwidth 6
        ("6472013208850003", "Tanggal lahir .* yang tertulis 32"),
        ("6472010008850003", "Tanggal lahir .* yang tertulis 00"),
        ("6472017208850003", "Tanggal lahir .* yang tertulis 72"),
        ("6472014008850003", "Tanggal lahir .* yang tertulis 40"),
        ("6472011513850003", "Bulan lahir .* yang tertulis 13"),
        ("6472011500850003", "Bulan lahir .* yang tertulis 00"),
        ("6472011508850000", "Nomor urut .* tidak boleh 0000"),
    ],
)
def test_nik_error_says_exactly_what_is_wrong(nik, message):
    with pytest.raises(IdentifierError, match=message):
        validate_nik(nik)


@pytest.mark.parametrize("value", [None, 6472011508850003, b"6472011508850003"])
def test_rejects_non_text_nik(value):
    with pytest.raises(IdentifierError):
        validate_nik(value)


def test_identifier_error_is_a_value_error():
    assert issubclass(IdentifierError, ValueError)


def test_ignores_spaces_around_nik():
    assert validate_nik(" 6472011508850003 \n").nik == "6472011508850003"


def test_accepts_boundary_days_for_men_and_women():
    assert validate_nik("6472010108850003").birth_day == 1
    assert validate_nik("6472013108850003").birth_day == 31
    women_first = validate_nik("6472014108850003")
    assert (women_first.sex, women_first.birth_day) == ("P", 1)
    women_last = validate_nik("6472017108850003")
    assert (women_last.sex, women_last.birth_day) == ("P", 31)


def test_nik_info_is_frozen():
    info = validate_nik("6472011508850003")
    with pytest.raises(dataclasses.FrozenInstanceError):
        info.sex = "P"


def test_nik_region_code_is_the_first_six_digits():
    assert validate_nik("3201017112000123").region_code == "320101"


@given(
    region=st.from_regex(r"[0-9]{6}", fullmatch=True),
    day=st.integers(min_value=1, max_value=31),
    female=st.booleans(),
    month=st.integers(min_value=1, max_value=12),
    year=st.integers(min_value=0, max_value=99),
    serial=st.integers(min_value=1, max_value=9999),
)
def test_any_well_formed_nik_round_trips(region, day, female, month, year, serial):
    nik = f"{region}{day + 40 * female:02d}{month:02d}{year:02d}{serial:04d}"
    info = validate_nik(nik)
    assert info.nik == nik
    assert info.sex == ("P" if female else "L")
    assert (info.birth_day, info.birth_month) == (day, month)
    assert info.birth_year_2d == f"{year:02d}"


# --------------------------------------------------------------------------- NPWP


@pytest.mark.parametrize(
    ("npwp", "expected"),
    [
        ("6472011508850003", "6472011508850003"),
        ("0012345678901000", "0012345678901000"),
        ("012345678901000", "0012345678901000"),
        ("01.234.567.8-901.000", "0012345678901000"),
        (" 01.234.567.8-901.000 ", "0012345678901000"),
    ],
)
def test_accepts_new_and_old_npwp_and_returns_sixteen_digits(npwp, expected):
    assert validate_npwp(npwp) == expected


@pytest.mark.parametrize(
    ("npwp", "message"),
    [
        ("", "wajib diisi"),
        ("12345678901234", "yang diisi 14 digit"),
        ("12345678901234567", "yang diisi 17 digit"),
        ("01.234.567.8-901.00", "Tanda baca"),
        ("01.234.567.8.901.000", "Tanda baca"),
        ("01-234-567-8-901-000", "Tanda baca"),
        ("6472.0115.0885.0003", "Tanda baca"),
        ("01.234.567.8-901.00O", "hanya boleh berisi angka"),
        ("01 234 567 8 901 000", "hanya boleh berisi angka"),
        ("NPWP012345678901000", "hanya boleh berisi angka"),
        ("\uff10\uff11\uff12345678901000", "hanya boleh berisi angka"),
        ("000000000000000", "semuanya nol"),
        ("00.000.000.0-000.000", "semuanya nol"),
    ],
)
def test_refuses_malformed_npwp_with_a_clear_message(npwp, message):
    with pytest.raises(IdentifierError, match=message):
        validate_npwp(npwp)


@pytest.mark.parametrize("value", [None, 12345678901234567, b"0012345678901000"])
def test_rejects_non_text_npwp(value):
    with pytest.raises(IdentifierError):
        validate_npwp(value)


@given(st.from_regex(r"[0-9]{15}", fullmatch=True).filter(lambda s: s.strip("0")))
def test_old_npwp_with_or_without_punctuation_normalises_the_same(digits):
    printed = f"{digits[:2]}.{digits[2:5]}.{digits[5:8]}.{digits[8]}-{digits[9:12]}.{digits[12:]}"
    assert validate_npwp(digits) == validate_npwp(printed) == "0" + digits
