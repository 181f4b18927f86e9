"""Loan endpoints of the JSON API: the schedule simulator a member can call from a phone.

The schedule comes from ``schedule.build_schedule``, the same function that lays down a
disbursed loan's installments, so the API never promises figures the counter will not charge.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from decimal import Decimal

from flask import jsonify, request

from outlet_pos.api import bp
from outlet_pos.core.access import public
from outlet_pos.core.errors import ValidationError
from outlet_pos.money import format_rupiah
from outlet_pos.units.simpan_pinjam.schedule import (
    MAX_MONTHS,
    MAX_PRINCIPAL,
    METHODS,
    build_schedule,
    parse_rate,
)

# Plain digits only: "12000000"; at most 20, so a request cannot make us parse a huge integer.
_INTEGER = re.compile(r"[0-9]{1,20}")
# A percentage with at most four decimals, "." or "," as the decimal mark. Exponents ("1e-9999")
# are refused here: turned into an exact fraction they would cost unbounded time and memory.
_RATE = re.compile(r"[0-9]{1,3}(?:[.,][0-9]{1,4})?")


def _required(args: Mapping[str, str], name: str) -> str:
    value = (args.get(name) or "").strip()
    if not value:
        raise ValidationError(f"Parameter {name} wajib diisi.", field=name)
    return value


def _integer(args: Mapping[str, str], name: str, message: str) -> int:
    raw = _required(args, name)
    if not _INTEGER.fullmatch(raw):
        raise ValidationError(message, field=name)
    return int(raw)


def simulation_terms(args: Mapping[str, str]) -> tuple[int, Decimal, int, str]:
    """Principal, annual rate (percent), months and method from query parameters; a
    ``ValidationError`` names the parameter at fault."""
    principal = _integer(
        args, "principal", "principal harus bilangan bulat rupiah lebih dari nol, tanpa titik."
    )
    if principal > MAX_PRINCIPAL:
        raise ValidationError(
            f"principal terlalu besar (maks. {format_rupiah(MAX_PRINCIPAL)}).", field="principal"
        )
    raw_rate = _required(args, "annual_rate")
    if not _RATE.fullmatch(raw_rate):
        raise ValidationError(
            "annual_rate harus persen per tahun, misalnya 18 atau 16.5 (maks. 4 desimal).",
            field="annual_rate",
        )
    rate = parse_rate(raw_rate)
    months = _integer(args, "months", f"months harus bilangan bulat 1 sampai {MAX_MONTHS}.")
    method = _required(args, "method").lower()
    if method not in METHODS:
        raise ValidationError(
            f"method harus salah satu dari: {', '.join(METHODS)}.", field="method"
        )
    return principal, rate, months, method


@bp.get("/loans/simulate")
@public
def loan_simulate():
    """``GET /api/v1/loans/simulate?principal=12000000&annual_rate=18&months=12&method=anuitas``"""
    try:
        rows = build_schedule(*simulation_terms(request.args))
    except ValidationError as err:
        return jsonify({"error": err.message, "parameter": err.field}), 400
    return jsonify(
        {
            "installments": [row.as_dict() for row in rows],
            "total_interest": sum(r.interest for r in rows),
            "total_payment": sum(r.payment for r in rows),
        }
    )
