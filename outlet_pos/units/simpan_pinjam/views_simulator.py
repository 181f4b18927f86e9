"""The public loan simulator: a member types an amount, a rate and a term on a phone (no
login) and sees the schedule the counter would lay down, from the same ``build_schedule``."""

from __future__ import annotations

import re
from decimal import Decimal

from flask import render_template, request

from outlet_pos.core.access import public
from outlet_pos.core.errors import ValidationError
from outlet_pos.money import MoneyError, parse_rupiah
from outlet_pos.units.simpan_pinjam import bp
from outlet_pos.units.simpan_pinjam.schedule import (
    MAX_MONTHS,
    MAX_PRINCIPAL,
    MAX_RATE,
    METHODS,
    build_schedule,
    parse_rate,
)

FIELDS = ("principal", "annual_rate", "months", "method")
# Up to four decimals with "," or "."; no exponent, whose exact fraction could be enormous.
_RATE = re.compile(r"[0-9]{1,3}(?:[.,][0-9]{1,4})?")
_MONTHS = re.compile(r"[0-9]{1,4}")
METHOD_HELP = {
    "flat": "Bunga tetap dari pokok awal setiap bulan.",
    "efektif": "Bunga dari sisa pinjaman; angsuran makin kecil.",
    "anuitas": "Angsuran sama setiap bulan; porsi pokok makin besar.",
}


def _principal(raw: str) -> int:
    try:
        value = parse_rupiah(raw)
    except MoneyError as err:
        raise ValidationError(str(err), field="principal") from None
    if not 0 < value <= MAX_PRINCIPAL:
        raise ValidationError("Jumlah pinjaman harus lebih dari Rp0.", field="principal")
    return value


def _rate(raw: str) -> Decimal:
    if not _RATE.fullmatch(raw):
        raise ValidationError(
            "Tulis bunga per tahun sebagai angka, misalnya 18 atau 16,5.", field="annual_rate"
        )
    value = parse_rate(raw)
    if value > MAX_RATE:
        raise ValidationError("Bunga per tahun paling tinggi 100 persen.", field="annual_rate")
    return value


def _months(raw: str) -> int:
    if not _MONTHS.fullmatch(raw) or not 1 <= int(raw) <= MAX_MONTHS:
        raise ValidationError(f"Jangka waktu 1 sampai {MAX_MONTHS} bulan.", field="months")
    return int(raw)


def _method(raw: str) -> str:
    if raw not in METHODS:
        raise ValidationError("Pilih metode: flat, efektif atau anuitas.", field="method")
    return raw


def read_terms(values: dict[str, str]) -> tuple[dict, dict[str, str]]:
    """Every field checked on its own, so the page shows all mistakes at once, each beside
    its field; returns the parsed terms and the errors by field."""
    parsers = {"principal": _principal, "annual_rate": _rate, "months": _months, "method": _method}
    terms, errors = {}, {}
    for name, parse in parsers.items():
        raw = values[name]
        if not raw:
            errors[name] = "Wajib diisi."
            continue
        try:
            terms[name] = parse(raw)
        except ValidationError as err:
            errors[name] = err.message
    return terms, errors


@bp.route("/simulasi")
@public
def simulator():
    values = {name: (request.args.get(name) or "").strip()[:40] for name in FIELDS}
    values["method"] = values["method"].lower() or "anuitas"
    submitted = any(name in request.args for name in FIELDS)
    schedule, totals, errors = [], None, {}
    if submitted:
        terms, errors = read_terms(values)
        if not errors:
            schedule = build_schedule(**terms)
            totals = {
                "principal": sum(r.principal for r in schedule),
                "interest": sum(r.interest for r in schedule),
                "payment": sum(r.payment for r in schedule),
                "first": schedule[0].payment,
                "last": schedule[-1].payment,
            }
    html = render_template(
        "simpin/simulator.html",
        values=values,
        errors=errors,
        schedule=schedule,
        totals=totals,
        methods=METHODS,
        method_help=METHOD_HELP,
        max_months=MAX_MONTHS,
    )
    return html, 400 if errors else 200
