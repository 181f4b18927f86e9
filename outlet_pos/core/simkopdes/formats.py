"""Values in the dictionary's formats: reference codes, masked NIK and phone numbers, dates,
timestamps and numbers as the ``Example Data`` column writes them.

Reference codes are derived, not stored: a keyed hash of the record's kind and id under a
key that is unique to the cooperative's row in this database (its id and creation instant).
So the same member gets the same ``anggota_ref`` in every export without a table of codes to
keep (and without a write on a download), two installations that both number their first
cooperative 1 never hand the national system colliding codes, and a code shows neither the
NIK nor the member number nor the database id behind it.
"""

from __future__ import annotations

import hashlib
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from outlet_pos.core.inventory.io import safe_cell
from outlet_pos.core.tenancy import Cooperative

CENT = Decimal("0.01")

# Length of each table's code, from the dictionary's "<ID unik N karakter>" examples.
REF_LENGTHS = {
    "akun_bank": 16,
    "anggota": 16,
    "barang_masuk": 16,
    "gerai": 18,
    "inventaris": 16,
    "modal": 18,
    "produk": 17,
    "rat": 10,
    "simpanan": 19,
    "transaksi": 16,
    "jenis_gerai": 22,
}


class Refs:
    """Stable codes for one cooperative's records (see the module docstring).

    A keyed BLAKE2b (a MAC in one C call, three times cheaper than ``hmac``) encoded in
    base32: 16 characters carry 80 bits, so codes stay unique across the national dataset.
    Codes of products and members are remembered: every sale line names them again.
    """

    REMEMBERED = frozenset({"produk", "anggota"})

    def __init__(self, coop: Cooperative) -> None:
        stamp = coop.created_at.isoformat(timespec="microseconds") if coop.created_at else ""
        self._key = hashlib.sha256(f"outlet_pos/simkopdes|{coop.id}|{stamp}".encode()).digest()
        self._memo: dict[tuple[str, object], str] = {}
        self.koperasi = "KOP-" + self._digest("koperasi", 0, 6).hex().upper()

    def _digest(self, kind: str, key: object, size: int) -> bytes:
        data = f"{kind}:{key}".encode()
        return hashlib.blake2b(data, key=self._key, digest_size=size).digest()

    def __call__(self, kind: str, key: object) -> str:
        """The code of record ``key`` (an id) of ``kind``: base32, upper case."""
        if kind in self.REMEMBERED:
            found = self._memo.get((kind, key))
            if found is not None:
                return found
        length = REF_LENGTHS[kind]
        code = b32(self._digest(kind, key, -(-length * 5 // 8)))[:length]
        if kind in self.REMEMBERED:
            self._memo[(kind, key)] = code
        return code


_B32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
_PAIRS = [a + b for a in _B32 for b in _B32]  # every 10 bits as two base32 characters


def b32(data: bytes) -> str:
    """RFC 4648 base32 without padding, ten bits per lookup: the standard library's encoder
    is written in Python and took a third of a large export's time."""
    number, bits = int.from_bytes(data, "big"), len(data) * 8
    pad = -bits % 10
    number <<= pad
    bits += pad
    text = "".join(_PAIRS[(number >> shift) & 1023] for shift in range(bits - 10, -1, -10))
    return text[: -(-len(data) * 8 // 5)]


def shared_ref(kind: str, name: str) -> str:
    """A code for shared reference data (a type of gerai): the same in every cooperative's
    export, so the receiving side sees one "Apotek Desa", not one per cooperative."""
    digest = hashlib.sha256(f"outlet_pos/simkopdes-ref|{kind}|{name}".encode()).digest()
    return b32(digest)[: REF_LENGTHS[kind]]


# --- masking ------------------------------------------------------------------------------


def mask_nik(nik: str | None) -> str:
    """``3201011205850001`` -> ``32************01``: the province code and the last two
    digits stay, as in the dictionary's example; too short to mask safely -> all stars."""
    nik = (nik or "").strip()
    if not nik:
        return ""
    if len(nik) < 8:
        return "*" * len(nik)
    return nik[:2] + "*" * (len(nik) - 4) + nik[-2:]


def mask_phone(phone: str | None) -> str:
    """``0812-3456-7890`` -> ``08******7890`` (the dictionary's example): the leading ``08``
    and the last four digits stay. ``+62``/``62`` numbers are written from ``0`` first."""
    digits = "".join(ch for ch in (phone or "") if ch.isdigit())
    if not digits:
        return ""
    if digits.startswith("62"):
        digits = "0" + digits[2:]
    if len(digits) < 8:
        return "*" * len(digits)
    return digits[:2] + "*" * (len(digits) - 6) + digits[-4:]


# --- values ---------------------------------------------------------------------------------


def text(value: object) -> str:
    """Text typed by people, made safe for a spreadsheet (a leading = + - @ is not a formula)."""
    if value is None:
        return ""
    return safe_cell(str(value).strip())


def money(amount: int | None) -> str:
    """Integer rupiah as ``15000.00``: the dictionary's numeric format, no separators."""
    if amount is None:
        return ""
    return f"{int(amount)}.00"


def decimal(value: Decimal | int | None) -> str:
    """A quantity or a price per unit: two places (``100.00``), or three when the third is
    not zero (``2.125`` kg is not rounded away)."""
    if value is None:
        return ""
    if value == int(value):  # the common case: whole units
        return f"{int(value)}.00"
    value = Decimal(value)
    cents = value.quantize(CENT, rounding=ROUND_HALF_UP)
    if cents == value:
        return f"{cents:f}"
    return f"{value.quantize(Decimal('0.001'), rounding=ROUND_HALF_UP):f}"


def per_unit(total: int, qty: Decimal) -> str:
    """A price per base unit from a line total: rounded to the cent, half up."""
    if not qty:
        return ""
    whole = int(qty)
    if whole == qty and total % whole == 0:  # the common case, without Decimal division
        return f"{total // whole}.00"
    return f"{(Decimal(total) / Decimal(qty)).quantize(CENT, rounding=ROUND_HALF_UP):f}"


def day(value: date | None) -> str:
    return value.isoformat() if value else ""


class Clock:
    """UTC timestamps as the cooperative's wall-clock time (WIB/WITA/WIT have no daylight
    saving, so one fixed offset serves every row and costs an addition, not a tz lookup)."""

    def __init__(self, coop: Cooperative) -> None:
        self.offset = coop.zone.utcoffset(datetime(2000, 1, 1)) or timedelta(0)

    def stamp(self, utc: datetime | None) -> str:
        """``2026-01-31 14:30:00`` local time."""
        if utc is None:
            return ""
        return str(utc + self.offset)[:19]  # "YYYY-MM-DD HH:MM:SS[.ffffff]"

    def business(self, business_date: date, utc: datetime | None) -> str:
        """When a document happened: its business date, with the time it was entered when it
        was entered that same day; a back-dated document shows 00:00:00 of its date."""
        if utc is not None:
            local = utc + self.offset
            if local.date() == business_date:
                return str(local)[:19]
        return f"{business_date.isoformat()} 00:00:00"


def region_code(code: str | None) -> str:
    """A village code as ``32.01.01.2001``; ten bare digits get their dots."""
    code = (code or "").strip()
    if code.isdigit() and len(code) == 10:
        return f"{code[:2]}.{code[2:4]}.{code[4:6]}.{code[6:]}"
    return code
