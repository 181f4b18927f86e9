"""Report endpoints: a day's sales summary (the sales report's own queries) and the trial
balance as of a date (``ledger.balances``, one SQL aggregation)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from outlet_pos.api.schema import amount, array, component, ident, obj, signed, string
from outlet_pos.api.spec import Operation, Param, endpoint
from outlet_pos.core.ledger.models import Account
from outlet_pos.core.ledger.services import balances
from outlet_pos.extensions import db
from outlet_pos.workspaces.laporan.queries import by_unit, daily_sales, tender_split

DATE = {"type": "string", "format": "date"}
FIGURE_FIELDS = {
    "sales": signed(description="Penjualan tanpa PPN."),
    "refunds": signed(description="Retur tanpa PPN."),
    "net": signed(description="Penjualan bersih tanpa PPN."),
    "tax": signed(description="PPN keluaran bersih."),
    "cost": signed(description="HPP bersih."),
    "margin": signed(),
    "receipts": amount(description="Jumlah struk penjualan."),
    "refund_count": amount(description="Jumlah dokumen retur."),
}
DAILY = component(
    "DailySales",
    obj(
        {
            "date": DATE,
            **FIGURE_FIELDS,
            "units": array(
                obj(
                    {"unit_id": ident(), "name": string(), **FIGURE_FIELDS},
                    ["unit_id", "name", *FIGURE_FIELDS],
                )
            ),
            "tenders": array(
                obj(
                    {
                        "method": string(),
                        "label": string(),
                        "sales": signed(),
                        "refunds": signed(),
                        "net": signed(),
                    },
                    ["method", "label", "sales", "refunds", "net"],
                    description="Uang per cara bayar, termasuk PPN; tunai dikurangi kembalian.",
                )
            ),
        },
        ["date", *FIGURE_FIELDS, "units", "tenders"],
    ),
)
TRIAL = component(
    "TrialBalance",
    obj(
        {
            "as_of": DATE,
            "accounts": array(
                obj(
                    {
                        "code": string(pattern="^[0-9]{6}$"),
                        "name": string(),
                        "type": string(),
                        "debit": amount(),
                        "credit": amount(),
                    },
                    ["code", "name", "type", "debit", "credit"],
                )
            ),
            "total_debit": amount(),
            "total_credit": amount(),
            "balanced": {"type": "boolean"},
        },
        ["as_of", "accounts", "total_debit", "total_credit", "balanced"],
    ),
)


def _figures(f) -> dict:
    return {
        "sales": f.sales,
        "refunds": f.refunds,
        "net": f.net,
        "tax": f.tax,
        "cost": f.cost,
        "margin": f.margin,
        "receipts": f.receipts,
        "refund_count": f.refund_count,
    }


def _day(raw: str | None, coop) -> date:
    return date.fromisoformat(raw) if raw else coop.today()


@endpoint(
    "/reports/daily-sales",
    Operation(
        "GET",
        "Ringkasan penjualan sehari",
        "Laporan",
        {200: ("Penjualan, retur, PPN, HPP dan margin hari itu, per unit dan cara bayar.", DAILY)},
        description="Tanggal usaha di zona waktu koperasi; tanpa date: hari ini.",
        scope="reports:read",
        permission="sales.report",
        params=(Param("date", DATE, "Tanggal usaha, TTTT-BB-HH."),),
    ),
)
def daily_sales_report(call):
    coop = call.caller.coop
    day = _day(call.args["date"], coop)
    report = daily_sales(coop, day, day)
    units = by_unit(coop, day, day)
    tenders = tender_split(coop, day, day)
    return {
        "date": day.isoformat(),
        **_figures(report.total),
        "units": [
            {"unit_id": row.key, "name": row.label, **_figures(row.figures)}
            for row in sorted(units.rows, key=lambda r: r.key)
        ],
        "tenders": [
            {
                "method": t.method,
                "label": t.label,
                "sales": t.sales,
                "refunds": t.refunds,
                "net": t.net,
            }
            for t in tenders.rows
        ],
    }


@endpoint(
    "/reports/trial-balance",
    Operation(
        "GET",
        "Neraca saldo per tanggal",
        "Laporan",
        {200: ("Saldo setiap akun yang bersaldo sampai akhir tanggal itu.", TRIAL)},
        description="Saldo debit atau kredit per akun sampai akhir as_of; tanpa as_of: hari ini.",
        scope="reports:read",
        permission="ledger.view",
        params=(Param("as_of", DATE, "Tanggal, TTTT-BB-HH."),),
    ),
)
def trial_balance_report(call):
    coop = call.caller.coop
    as_of = _day(call.args["as_of"], coop)
    sums = {code: value for code, value in balances(coop, as_of=as_of).items() if value}
    accounts = {
        a.code: a
        for a in db.session.scalars(
            select(Account).where(Account.cooperative_id == coop.id, Account.code.in_(sums))
        )
    }
    rows = [
        {
            "code": code,
            "name": accounts[code].name,
            "type": accounts[code].type,
            "debit": max(value, 0),
            "credit": max(-value, 0),
        }
        for code, value in sorted(sums.items())
    ]
    debit = sum(r["debit"] for r in rows)
    credit = sum(r["credit"] for r in rows)
    return {
        "as_of": as_of.isoformat(),
        "accounts": rows,
        "total_debit": debit,
        "total_credit": credit,
        "balanced": debit == credit,
    }
