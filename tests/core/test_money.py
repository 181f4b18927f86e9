"""Tests for outlet_pos.money: known answers from tests/fixtures plus property tests."""

from __future__ import annotations

import json
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from outlet_pos.money import (
    MAX_AMOUNT,
    MoneyError,
    allocate,
    format_number,
    format_rupiah,
    format_statement,
    parse_rupiah,
    round_half_up,
    terbilang,
)

FIXTURES = Path(__file__).parent.parent / "fixtures"
RUPIAH = json.loads((FIXTURES / "rupiah.json").read_text(encoding="utf-8"))
SHU = json.loads((FIXTURES / "shu_distribution.json").read_text(encoding="utf-8"))


# --------------------------------------------------------------------------- formatting


@pytest.mark.parametrize(("amount", "expected"), RUPIAH["format"])
def test_formats_rupiah_like_the_fixture(amount, expected):
    assert format_rupiah(amount) == expected


def test_formats_thousands_with_dots():
    assert format_rupiah(12500) == "Rp12.500"
    assert format_rupiah(999_999_999_999_999) == "Rp999.999.999.999.999"


def test_formats_negative_with_minus_before_rp():
    assert format_rupiah(-5000) == "-Rp5.000"


@pytest.mark.parametrize(("amount", "expected"), RUPIAH["statement_negative"])
def test_statement_shows_negatives_in_parentheses(amount, expected):
    assert format_statement(amount) == expected


@pytest.mark.parametrize(("amount", "expected"), RUPIAH["format"])
def test_statement_shows_non_negatives_like_format_rupiah(amount, expected):
    if amount >= 0:
        assert format_statement(amount) == expected


def test_format_number_has_no_currency_symbol():
    assert format_number(12500) == "12.500"
    assert format_number(-5000) == "-5.000"
    assert format_number(0) == "0"
    assert format_number(999) == "999"
    assert format_number(1000) == "1.000"


@pytest.mark.parametrize("func", [format_rupiah, format_statement, format_number, terbilang])
@pytest.mark.parametrize("value", [12.5, 1.0, Decimal("10"), True, "100", None])
def test_formatting_refuses_anything_but_int(func, value):
    with pytest.raises(TypeError):
        func(value)


# --------------------------------------------------------------------------- parsing


@pytest.mark.parametrize(("text", "expected"), RUPIAH["parse"])
def test_parses_amounts_like_the_fixture(text, expected):
    assert parse_rupiah(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("0", 0),
        ("Rp0", 0),
        ("999", 999),
        ("Rp.12.500", 12500),
        ("rp 12.500", 12500),
        ("Rp\u00a012.500", 12500),
        ("999.999.999.999.999", MAX_AMOUNT),
        ("999999999999999", MAX_AMOUNT),
    ],
)
def test_parses_other_common_spellings(text, expected):
    assert parse_rupiah(text) == expected


@pytest.mark.parametrize("text", RUPIAH["parse_invalid"])
def test_rejects_fixture_invalid_amounts(text):
    with pytest.raises(MoneyError, match="angka rupiah bulat"):
        parse_rupiah(text)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "1e3",
        "12.5",
        "12.5000",
        "1.0000",
        ".500",
        "500.",
        "1..000",
        "1,000",
        "Rp",
        "Rp-500",
        "--5",
        "+5",
        "5 000",
        "12.500,00",
        "0.500",
        "(Rp5.000)",
        "\u0661\u0662",  # Arabic-Indic digits
        "\uff11\uff12",  # fullwidth digits
        "1\u00b2",  # superscript two
        "nan",
        "inf",
    ],
)
def test_rejects_text_that_is_not_a_whole_rupiah_amount(text):
    with pytest.raises(MoneyError, match="angka rupiah bulat"):
        parse_rupiah(text)


@pytest.mark.parametrize("value", [12500, 12.5, None, b"12500", Decimal("1"), ["1"]])
def test_rejects_non_text_input(value):
    with pytest.raises(MoneyError):
        parse_rupiah(value)


def test_money_error_is_a_value_error():
    assert issubclass(MoneyError, ValueError)


def test_rejects_negative_amounts_by_default():
    with pytest.raises(MoneyError, match="tidak boleh negatif"):
        parse_rupiah("-1")
    with pytest.raises(MoneyError, match="tidak boleh negatif"):
        parse_rupiah("-Rp5.000")


def test_accepts_negative_amounts_when_allowed():
    assert parse_rupiah("-1", allow_negative=True) == -1
    assert parse_rupiah("-5.000", allow_negative=True) == -5000
    assert parse_rupiah("-Rp5.000", allow_negative=True) == -5000


def test_lone_minus_is_not_an_amount_even_when_negatives_are_allowed():
    with pytest.raises(MoneyError, match="angka rupiah bulat"):
        parse_rupiah("-", allow_negative=True)


@pytest.mark.parametrize("text", ["1.000.000.000.000.000", "1000000000000000", "9" * 40])
def test_rejects_amounts_with_more_than_fifteen_digits(text):
    with pytest.raises(MoneyError, match="terlalu besar"):
        parse_rupiah(text)


# --------------------------------------------------------------------------- terbilang


@pytest.mark.parametrize(("amount", "expected"), RUPIAH["terbilang"])
def test_spells_amounts_like_the_fixture(amount, expected):
    assert terbilang(amount) == expected


@pytest.mark.parametrize(
    ("amount", "expected"),
    [
        (10, "sepuluh rupiah"),
        (12, "dua belas rupiah"),
        (19, "sembilan belas rupiah"),
        (20, "dua puluh rupiah"),
        (99, "sembilan puluh sembilan rupiah"),
        (110, "seratus sepuluh rupiah"),
        (111, "seratus sebelas rupiah"),
        (200, "dua ratus rupiah"),
        (1100, "seribu seratus rupiah"),
        (2000, "dua ribu rupiah"),
        (11000, "sebelas ribu rupiah"),
        (100000, "seratus ribu rupiah"),
        (101000, "seratus satu ribu rupiah"),
        (1000001, "satu juta satu rupiah"),
        (1000000000, "satu miliar rupiah"),
        (
            MAX_AMOUNT,
            "sembilan ratus sembilan puluh sembilan triliun "
            "sembilan ratus sembilan puluh sembilan miliar "
            "sembilan ratus sembilan puluh sembilan juta "
            "sembilan ratus sembilan puluh sembilan ribu "
            "sembilan ratus sembilan puluh sembilan rupiah",
        ),
    ],
)
def test_spells_se_forms_and_scales(amount, expected):
    assert terbilang(amount) == expected


def test_spells_negative_amounts_with_minus():
    assert terbilang(-1500) == "minus seribu lima ratus rupiah"


def test_refuses_to_spell_amounts_beyond_triliun():
    with pytest.raises(MoneyError, match="terlalu besar"):
        terbilang(MAX_AMOUNT + 1)


@given(st.integers(min_value=1, max_value=MAX_AMOUNT))
def test_spelled_amounts_are_well_formed(amount):
    words = terbilang(amount)
    assert words.endswith(" rupiah")
    assert "  " not in words
    tokens = words.split()
    pairs = set(zip(tokens, tokens[1:], strict=False))
    # 10, 11, 100 and a lone thousand use the 'se-' forms, never 'satu puluh' etc.
    assert not pairs & {("satu", "puluh"), ("satu", "belas"), ("satu", "ratus")}
    assert ("seribu" in tokens) == ((amount // 1000) % 1000 == 1)
    assert "nol" not in tokens


# --------------------------------------------------------------------------- rounding


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (Decimal("2.5"), 3),
        (Decimal("2.4999"), 2),
        (Decimal("2.5001"), 3),
        (Decimal("-2.5"), -3),
        (Decimal("-2.4"), -2),
        (Decimal("0"), 0),
        (Decimal("0.5"), 1),
        (Fraction(1, 2), 1),
        (Fraction(5, 2), 3),
        (Fraction(7, 3), 2),
        (Fraction(-1, 2), -1),
        (Fraction(110000 * 11, 111), 10901),  # PPN inside Rp110.000: 10900.90...
        (7, 7),
        (Decimal("123456789012345678901234567890.5"), 123456789012345678901234567891),
    ],
)
def test_rounds_halves_away_from_zero(value, expected):
    result = round_half_up(value)
    assert result == expected
    assert type(result) is int


@pytest.mark.parametrize("value", [2.5, True])
def test_round_half_up_refuses_floats_and_bools(value):
    with pytest.raises(TypeError):
        round_half_up(value)


@pytest.mark.parametrize("value", [Decimal("NaN"), Decimal("Infinity")])
def test_round_half_up_refuses_non_finite_decimals(value):
    with pytest.raises(ValueError):
        round_half_up(value)


# --------------------------------------------------------------------------- allocate


def test_allocate_gives_leftover_to_largest_remainders():
    # exact shares 2000000, 4181818.18, 1090909.09, 2727272.73, 0 -> the 1 leftover to index 3
    assert allocate(10_000_000, [1_100_000, 2_300_000, 600_000, 1_500_000, 0]) == [
        2_000_000,
        4_181_818,
        1_090_909,
        2_727_273,
        0,
    ]


def test_allocate_breaks_ties_by_earlier_index():
    assert allocate(100, [1, 1, 1]) == [34, 33, 33]
    assert allocate(2, [1, 1, 1]) == [1, 1, 0]
    assert allocate(1, [0, 1, 1]) == [0, 1, 0]


def test_allocate_uses_decimal_weights_exactly():
    # 0.1 + 0.2 is not 0.3 in floats; in Decimal it is, so these are exact thirds-free shares.
    assert allocate(600, [Decimal("0.1"), Decimal("0.2"), Decimal("0.3")]) == [100, 200, 300]
    assert allocate(1_000_001, [Decimal("40"), Decimal("25"), Decimal("25"), Decimal("10")]) == [
        400_001,
        250_000,
        250_000,
        100_000,
    ]
    assert allocate(7, [Decimal("12.5"), 25, Decimal("62.5")]) == [1, 2, 4]


def test_allocate_returns_ints():
    assert all(type(x) is int for x in allocate(10, [Decimal("1.5"), 2]))


def test_allocate_zero_total_gives_zero_shares():
    assert allocate(0, [1, 2, 3]) == [0, 0, 0]


def test_allocate_shares_negative_total_symmetrically():
    assert allocate(-100, [1, 1, 1]) == [-34, -33, -33]


@pytest.mark.parametrize("weights", [[0, 0, 0], [0], [Decimal("0"), Decimal("0.0")]])
def test_allocate_refuses_all_zero_weights(weights):
    with pytest.raises(ValueError):
        allocate(100, weights)


def test_allocate_refuses_no_weights():
    with pytest.raises(ValueError):
        allocate(100, [])


def test_allocate_refuses_negative_weights():
    with pytest.raises(ValueError):
        allocate(100, [2, -1])


def test_allocate_refuses_float_weights_and_total():
    with pytest.raises(TypeError):
        allocate(100, [0.5, 0.5])
    with pytest.raises(TypeError):
        allocate(100.0, [1, 1])


def _share_shu(case):
    """SHU sharing as the fixture's rule describes, built only from allocate()."""
    pool_names = list(case["allocation_percent"])
    pools = dict(
        zip(
            pool_names,
            allocate(case["shu"], [case["allocation_percent"][n] for n in pool_names]),
            strict=True,
        )
    )
    member_ids = sorted(case["members"])  # ties go to the lower member number
    modal = allocate(pools["jasa_modal"], [case["members"][m]["capital_base"] for m in member_ids])
    usaha = allocate(pools["jasa_usaha"], [case["members"][m]["transactions"] for m in member_ids])
    members = {
        m: {"jasa_modal": jm, "jasa_usaha": ju, "total": jm + ju}
        for m, jm, ju in zip(member_ids, modal, usaha, strict=True)
    }
    return pools, members


@pytest.mark.parametrize("case", SHU["cases"], ids=lambda c: f"shu={c['shu']}")
def test_allocate_reproduces_the_shu_fixture(case):
    pools, members = _share_shu(case)
    assert pools == case["expected_pools"]
    assert members == case["expected_members"]
    assert sum(pools.values()) == case["shu"]


_weights = st.lists(
    st.one_of(
        st.integers(min_value=0, max_value=10**12),
        st.decimals(min_value=0, max_value=10**6, places=3, allow_nan=False, allow_infinity=False),
    ),
    min_size=1,
    max_size=20,
).filter(lambda ws: any(w > 0 for w in ws))


@given(total=st.integers(min_value=-(10**15), max_value=10**15), weights=_weights)
def test_allocate_always_sums_to_total_and_stays_within_one_rupiah(total, weights):
    shares = allocate(total, weights)
    assert len(shares) == len(weights)
    assert sum(shares) == total
    weight_sum = sum(Fraction(w) for w in weights)
    for share, weight in zip(shares, weights, strict=True):
        exact = Fraction(total) * Fraction(weight) / weight_sum
        assert abs(share - exact) < 1
        if weight == 0:
            assert share == 0


# --------------------------------------------------------------------------- round trips


@given(st.integers(min_value=0, max_value=10**15 - 1))
def test_parse_reads_back_format_number(n):
    assert parse_rupiah(format_number(n)) == n


@given(st.integers(min_value=0, max_value=10**15 - 1))
def test_parse_reads_back_format_rupiah(n):
    assert parse_rupiah(format_rupiah(n)) == n


@given(st.integers(min_value=-(10**15) + 1, max_value=10**15 - 1))
def test_parse_reads_back_negative_amounts_when_allowed(n):
    assert parse_rupiah(format_number(n), allow_negative=True) == n
    assert parse_rupiah(format_rupiah(n), allow_negative=True) == n
