"""Validation of Indonesian identity numbers: NIK (KTP) and NPWP (tax number).

Members are registered by NIK and tax documents need a valid NPWP, so a typo here ends up on
official paperwork. Every error says exactly what is wrong, in Indonesian, so the clerk can fix
it at the form. Only ASCII digits 0-9 are accepted (no fullwidth or other Unicode digits).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["IdentifierError", "NikInfo", "validate_nik", "validate_npwp"]

NIK_LENGTH = 16
NPWP_LENGTH = 16
OLD_NPWP_LENGTH = 15

_ASCII_DIGITS = re.compile(r"[0-9]+")
# Old (pre-2024) 15-digit NPWP as printed on cards: 01.234.567.8-901.000
_OLD_NPWP_PRINTED = re.compile(r"[0-9]{2}\.[0-9]{3}\.[0-9]{3}\.[0-9]-[0-9]{3}\.[0-9]{3}")


class IdentifierError(ValueError):
    """An identity number is invalid; ``str(err)`` is an Indonesian message for the form."""


@dataclass(frozen=True)
class NikInfo:
    """What a valid NIK tells us (the parts that are encoded in the number itself)."""

    nik: str
    sex: str  # 'L' (laki-laki) or 'P' (perempuan): women have 40 added to the birth day
    birth_day: int
    birth_month: int
    birth_year_2d: str  # two digits only: the century is not in the NIK ("00" may be 1900 or 2000)
    region_code: str  # first 6 digits: province (2), regency/city (2), district (2)


def _first_non_digit(text: str) -> tuple[int, str] | None:
    """1-based position and character of the first thing that is not an ASCII digit."""
    for position, char in enumerate(text, start=1):
        if char not in "0123456789":
            return position, char
    return None


def validate_nik(nik: str) -> NikInfo:
    """Check a 16-digit NIK (PPKKCCDDMMYYSSSS) and return what it encodes.

    Rules: 16 ASCII digits; DD is 01-31 for men or 41-71 for women (day + 40); MM is 01-12;
    the serial SSSS is not 0000. Surrounding spaces are ignored. Raises IdentifierError.
    """
    if not isinstance(nik, str):
        raise IdentifierError("NIK harus berupa teks berisi 16 angka")
    nik = nik.strip()
    if not nik:
        raise IdentifierError("NIK wajib diisi (16 angka sesuai KTP)")
    bad = _first_non_digit(nik)
    if bad is not None:
        position, char = bad
        raise IdentifierError(
            f"NIK hanya boleh berisi angka 0-9; karakter ke-{position} adalah '{char}'"
        )
    if len(nik) != NIK_LENGTH:
        raise IdentifierError(f"NIK harus 16 digit, yang diisi {len(nik)} digit")

    day_code = int(nik[6:8])
    month = int(nik[8:10])
    if 1 <= day_code <= 31:
        sex, day = "L", day_code
    elif 41 <= day_code <= 71:
        sex, day = "P", day_code - 40
    else:
        raise IdentifierError(
            f"Tanggal lahir pada NIK (digit ke-7 dan 8) harus 01-31, atau 41-71 untuk "
            f"perempuan; yang tertulis {nik[6:8]}"
        )
    if not 1 <= month <= 12:
        raise IdentifierError(
            f"Bulan lahir pada NIK (digit ke-9 dan 10) harus 01-12; yang tertulis {nik[8:10]}"
        )
    if nik[12:] == "0000":
        raise IdentifierError("Nomor urut pada NIK (4 digit terakhir) tidak boleh 0000")

    return NikInfo(
        nik=nik,
        sex=sex,
        birth_day=day,
        birth_month=month,
        birth_year_2d=nik[10:12],
        region_code=nik[:6],
    )


def validate_npwp(npwp: str) -> str:
    """Check an NPWP and return it as the 16-digit string used since 2024.

    Accepted: 16 digits (new NPWP, for individuals the NIK), or the old 15-digit NPWP either
    bare ("012345678901000") or as printed ("01.234.567.8-901.000"); old numbers are
    normalised by prefixing "0", as DJP does. An all-zero number (a common placeholder for
    "no NPWP") is refused. Surrounding spaces are ignored. Raises IdentifierError.
    """
    if not isinstance(npwp, str):
        raise IdentifierError("NPWP harus berupa teks berisi angka")
    npwp = npwp.strip()
    if not npwp:
        raise IdentifierError("NPWP wajib diisi (16 angka, atau 15 angka format lama)")

    if _OLD_NPWP_PRINTED.fullmatch(npwp):
        digits = npwp.replace(".", "").replace("-", "")
    elif _ASCII_DIGITS.fullmatch(npwp):
        digits = npwp
    elif _first_non_digit(npwp.replace(".", "").replace("-", "")) is not None:
        raise IdentifierError("NPWP hanya boleh berisi angka 0-9 (dan tanda . - format lama)")
    else:
        raise IdentifierError(
            "Tanda baca NPWP tidak sesuai; tulis 16 angka tanpa tanda baca, atau format lama "
            "seperti 01.234.567.8-901.000"
        )

    if len(digits) == OLD_NPWP_LENGTH:
        digits = "0" + digits
    elif len(digits) != NPWP_LENGTH:
        raise IdentifierError(
            f"NPWP harus 16 digit (atau 15 digit format lama); yang diisi {len(digits)} digit"
        )
    if digits.strip("0") == "":
        raise IdentifierError("NPWP tidak boleh semuanya nol")
    return digits
