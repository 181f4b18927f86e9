"""The loan schedule simulator a member can call from a phone (public, no token).

The schedule comes from ``schedule.build_schedule``, the same function that lays down a
disbursed loan's installments, so the API never promises figures the counter will not charge.
Parameters are read as documented (no trimming, no case folding): what the document calls
invalid is refused. Errors also carry ``parameter``, the name this endpoint used before
``field`` became the API's rule.
"""

from __future__ import annotations

from outlet_pos.api.errors import ApiError
from outlet_pos.api.schema import amount, array, component, integer, obj, string
from outlet_pos.api.spec import Operation, Param, endpoint
from outlet_pos.core.errors import ValidationError
from outlet_pos.units.simpan_pinjam.schedule import (
    MAX_MONTHS,
    MAX_PRINCIPAL,
    METHODS,
    build_schedule,
    parse_rate,
)

# A percentage 0-100 with at most four decimals, "." or "," as the decimal mark. Exponents
# ("1e-9999") are refused: turned into an exact fraction they would cost unbounded time.
RATE_PATTERN = "^(100([.,]0{1,4})?|[0-9]{1,2}([.,][0-9]{1,4})?)$"

INSTALLMENT = obj(
    {
        "no": integer(1, MAX_MONTHS),
        "principal": amount(),
        "interest": amount(),
        "payment": amount(),
        "outstanding_after": amount(),
    },
    ["no", "principal", "interest", "payment", "outstanding_after"],
)
SCHEDULE = component(
    "LoanSchedule",
    obj(
        {
            "installments": array(INSTALLMENT, 1, MAX_MONTHS),
            "total_interest": amount(),
            "total_payment": amount(),
        },
        ["installments", "total_interest", "total_payment"],
    ),
)


@endpoint(
    "/loans/simulate",
    Operation(
        "GET",
        "Simulasi jadwal angsuran",
        "Simpan pinjam",
        {200: ("Jadwal angsuran dengan pembulatan yang sama dengan pencairan.", SCHEDULE)},
        description="Publik, tanpa token. Galat juga memuat parameter (nama lama dari field).",
        public=True,
        legacy_parameter=True,
        params=(
            Param("principal", integer(1, MAX_PRINCIPAL), "Pokok pinjaman, rupiah.", True),
            Param(
                "annual_rate",
                string(pattern=RATE_PATTERN),
                "Bunga per tahun dalam persen, titik atau koma desimal, mis. 18 atau 16,5.",
                True,
            ),
            Param("months", integer(1, MAX_MONTHS), "Jangka waktu, bulan.", True),
            Param("method", string(enum=list(METHODS)), "Metode bunga.", True),
        ),
    ),
)
def loan_simulate(call):
    """``GET /api/v1/loans/simulate?principal=12000000&annual_rate=18&months=12&method=anuitas``"""
    args = call.args
    try:
        rows = build_schedule(
            args["principal"], parse_rate(args["annual_rate"]), args["months"], args["method"]
        )
    except ValidationError as err:
        raise ApiError(
            400, err.message, field=err.field, code=err.code, extra={"parameter": err.field}
        ) from None
    return {
        "installments": [row.as_dict() for row in rows],
        "total_interest": sum(r.interest for r in rows),
        "total_payment": sum(r.payment for r in rows),
    }
