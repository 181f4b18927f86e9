"""Integer rupiah helpers.

Money in this app is ALWAYS a Python ``int`` of whole rupiah, never a float: floats cannot
represent most decimal amounts exactly and the books must balance to the rupiah. Anything
that has to divide money (shares, tax, averages) goes through ``Fraction``/``Decimal`` and is
brought back to ``int`` here, with one documented rounding rule.

This module must stay free of Flask/database imports so it can be used (and tested) anywhere.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from decimal import Decimal
from fractions import Fraction

__all__ = [
    "MAX_AMOUNT",
    "MAX_DIGITS",
    "MoneyError",
    "allocate",
    "format_number",
    "format_rupiah",
    "format_statement",
    "parse_rupiah",
    "round_half_up",
    "terbilang",
]

MAX_DIGITS = 15
"""Longest amount accepted from a user: 999.999.999.999.999 (just under a thousand triliun)."""

MAX_AMOUNT = 10**MAX_DIGITS - 1

MSG_NOT_AMOUNT = "Jumlah harus berupa angka rupiah bulat, mis. 12.500"
MSG_NEGATIVE = "Jumlah tidak boleh negatif"
MSG_TOO_LARGE = "Jumlah terlalu besar (paling banyak Rp999.999.999.999.999)"


class MoneyError(ValueError):
    """A user-entered amount is not valid; ``str(err)`` is an Indonesian message for the form."""


def _require_int(amount: object) -> int:
    """Refuse floats, Decimals and bools so that a non-integer amount never reaches the books."""
    if type(amount) is not int:
        raise TypeError(f"amount must be int rupiah, got {type(amount).__name__}")
    return amount


# --------------------------------------------------------------------------- formatting


def format_number(amount: int) -> str:
    """Digits grouped by '.' without 'Rp' ("12.500", "-5.000"), for right-aligned table columns."""
    amount = _require_int(amount)
    digits = f"{abs(amount):,}".replace(",", ".")
    return f"-{digits}" if amount < 0 else digits


def format_rupiah(amount: int) -> str:
    """PUEBI style: 'Rp' glued to the amount, '.' for thousands ("Rp12.500", "-Rp5.000")."""
    amount = _require_int(amount)
    text = "Rp" + format_number(abs(amount))
    return f"-{text}" if amount < 0 else text


def format_statement(amount: int) -> str:
    """Financial-statement style: negatives in parentheses ("(Rp5.000)"), as accountants read."""
    amount = _require_int(amount)
    if amount < 0:
        return f"({format_rupiah(-amount)})"
    return format_rupiah(amount)


# --------------------------------------------------------------------------- parsing

# Only ASCII 0-9 on purpose: `\d` would also accept Arabic-Indic, fullwidth, ... digits.
# Either plain digits ("12500") or correctly grouped thousands ("12.500", "1.000.000").
_AMOUNT_RE = re.compile(
    r"""
    (?P<sign>-)?
    (?:[Rr][Pp]\.?[ \u00a0]*)?           # optional 'Rp', 'Rp.', 'Rp ' prefix
    (?P<digits>
        [0-9]+                          # plain digits
      | [1-9][0-9]{0,2}(?:\.[0-9]{3})+  # thousands in groups of exactly three
    )
    """,
    re.VERBOSE,
)


def parse_rupiah(text: str, *, allow_negative: bool = False) -> int:
    """Read a whole-rupiah amount typed by a user ("12.500", "Rp 12.500", "12500").

    Why so strict: in Indonesian ',' is the decimal mark and '.' groups thousands, so "12,5" or
    "12.50" are ambiguous at a cash counter; we refuse them rather than guess a wrong amount.
    Raises MoneyError with an Indonesian message that can be shown next to the field.
    """
    if not isinstance(text, str):
        raise MoneyError(MSG_NOT_AMOUNT)
    match = _AMOUNT_RE.fullmatch(text.strip())
    if match is None:
        raise MoneyError(MSG_NOT_AMOUNT)
    negative = match["sign"] is not None
    if negative and not allow_negative:
        raise MoneyError(MSG_NEGATIVE)
    digits = match["digits"].replace(".", "")
    if len(digits) > MAX_DIGITS:
        raise MoneyError(MSG_TOO_LARGE)
    value = int(digits)
    return -value if negative else value


# --------------------------------------------------------------------------- terbilang

_ONES = (
    "",
    "satu",
    "dua",
    "tiga",
    "empat",
    "lima",
    "enam",
    "tujuh",
    "delapan",
    "sembilan",
)
_SCALES = ("", "ribu", "juta", "miliar", "triliun")


def _words_below_thousand(n: int) -> list[str]:
    """Words for 1..999 ('se-' forms for 10, 11, 100 as Indonesian requires)."""
    words: list[str] = []
    hundreds, rest = divmod(n, 100)
    if hundreds == 1:
        words.append("seratus")
    elif hundreds > 1:
        words += [_ONES[hundreds], "ratus"]
    if rest == 10:
        words.append("sepuluh")
    elif rest == 11:
        words.append("sebelas")
    elif 12 <= rest <= 19:
        words += [_ONES[rest - 10], "belas"]
    elif rest >= 20:
        tens, ones = divmod(rest, 10)
        words += [_ONES[tens], "puluh"]
        if ones:
            words.append(_ONES[ones])
    elif rest > 0:
        words.append(_ONES[rest])
    return words


def terbilang(amount: int) -> str:
    """Amount in Indonesian words ending in ' rupiah', as written on kwitansi and cheques.

    1000 -> "seribu rupiah", 1001000 -> "satu juta seribu rupiah"; negatives get "minus".
    Supports up to 999 triliun (the same limit as parse_rupiah).
    """
    amount = _require_int(amount)
    if amount < 0:
        return "minus " + terbilang(-amount)
    if amount == 0:
        return "nol rupiah"
    if amount > MAX_AMOUNT:
        raise MoneyError(MSG_TOO_LARGE)
    groups: list[int] = []
    rest = amount
    while rest:
        rest, group = divmod(rest, 1000)
        groups.append(group)
    words: list[str] = []
    for scale in range(len(groups) - 1, -1, -1):
        group = groups[scale]
        if group == 0:
            continue
        if group == 1 and scale == 1:
            words.append("seribu")  # 'seribu', but 'satu juta', 'satu miliar', ...
            continue
        words += _words_below_thousand(group)
        if scale:
            words.append(_SCALES[scale])
    return " ".join(words) + " rupiah"


# --------------------------------------------------------------------------- rounding/sharing


def _to_fraction(value: object) -> Fraction:
    """Exact rational value of an int/Decimal/Fraction; floats are refused (inexact)."""
    if isinstance(value, bool) or isinstance(value, float):
        raise TypeError(f"expected int, Decimal or Fraction, got {type(value).__name__}")
    if isinstance(value, (int, Fraction)):
        return Fraction(value)
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise ValueError(f"not a finite number: {value}")
        return Fraction(value)
    raise TypeError(f"expected int, Decimal or Fraction, got {type(value).__name__}")


def round_half_up(value: Decimal | Fraction | int) -> int:
    """Round to whole rupiah, halves away from zero (2.5 -> 3, -2.5 -> -3).

    This is the rule tax and loan schedules use ("dibulatkan ke atas bila setengah"), unlike
    Python's round(), which rounds halves to even. Done with integers, so it is exact.
    """
    frac = _to_fraction(value)
    magnitude = abs(frac)
    rounded = (2 * magnitude.numerator + magnitude.denominator) // (2 * magnitude.denominator)
    return -rounded if frac < 0 else rounded


def allocate(total: int, weights: Sequence[int | Decimal]) -> list[int]:
    """Share ``total`` rupiah in proportion to ``weights`` so that the parts add up exactly.

    Largest-remainder method: floor every exact share, then hand out the leftover rupiah one at
    a time to the largest fractional parts, ties going to the earlier index (e.g. the lower
    member number). Used for SHU pools and member shares, where a lost or extra rupiah would
    unbalance the journal. Arithmetic is exact (Fraction), so Decimal weights such as
    percentages like Decimal("12.5") work without float error.

    A negative total is shared like its absolute value and negated. Weights must be >= 0 and not
    all zero (ValueError); a zero weight always gets 0.
    """
    total = _require_int(total)
    if total < 0:
        return [-share for share in allocate(-total, weights)]
    fracs = [_to_fraction(w) for w in weights]
    if not fracs:
        raise ValueError("allocate() needs at least one weight")
    if any(w < 0 for w in fracs):
        raise ValueError("allocate() weights must not be negative")
    weight_sum = sum(fracs, Fraction(0))
    if weight_sum == 0:
        raise ValueError("allocate() weights must not all be zero")

    exact = [total * w / weight_sum for w in fracs]
    shares = [e.numerator // e.denominator for e in exact]
    leftover = total - sum(shares)
    # Largest fractional part first; on equal parts the earlier index wins.
    order = sorted(range(len(exact)), key=lambda i: (-(exact[i] - shares[i]), i))
    for i in order[:leftover]:
        shares[i] += 1
    return shares
