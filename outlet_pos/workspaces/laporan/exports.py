"""The reports as tables for the PDF and Excel builders: one spec, two renderings.

A spec's cells are raw values: int (rupiah or a count), date, Decimal quantity, or text.
The PDF gets them formatted ("1.234.567", "(5.000)", "21 Okt 2025"); the workbook gets ints
and dates as numbers and dates, so a treasurer can sum them in Excel.
"""

from __future__ import annotations

from outlet_pos.core.documents import Column
from outlet_pos.core.documents.tables import Table
from outlet_pos.money import format_number
from outlet_pos.workspaces.laporan.queries import Figures, ItemReport, Report, TenderReport
from outlet_pos.workspaces.laporan.queries_shift import ShiftList, ShiftReport
from outlet_pos.workspaces.laporan.queries_stock import Valuation


def _figures(f: Figures) -> list[object]:
    return [f.sales, f.refunds, f.net, f.tax, f.cost, f.margin, f.margin_pct]


AMOUNT_NOTE = (
    "Penjualan, retur, penjualan bersih, HPP dan laba kotor tanpa PPN; "
    "retur mengurangi hari terjadinya retur."
)


def daily_table(report: Report) -> Table:
    columns = [
        Column("Tanggal", 0.11),
        Column("Struk", 0.06, "right"),
        Column("Penjualan", 0.12, "right"),
        Column("Retur", 0.10, "right"),
        Column("Penjualan bersih", 0.12, "right"),
        Column("PPN", 0.09, "right"),
        Column("HPP", 0.12, "right"),
        Column("Laba kotor", 0.12, "right"),
        Column("Margin", 0.07, "right"),
    ]
    rows = [[r.key, r.figures.receipts, *_figures(r.figures)] for r in report.rows]
    totals = ["Jumlah", report.total.receipts, *_figures(report.total)]
    return Table(columns, rows, totals, [AMOUNT_NOTE], landscape=True)


def breakdown_table(units: Report, tenders: TenderReport, cashiers: Report) -> Table:
    columns = [
        Column("Unit usaha / cara bayar / kasir", 0.26),
        Column("Struk", 0.07, "right"),
        Column("Penjualan", 0.13, "right"),
        Column("Retur", 0.12, "right"),
        Column("Bersih", 0.13, "right"),
        Column("HPP", 0.12, "right"),
        Column("Laba kotor", 0.12, "right"),
        Column("Margin", 0.07, "right"),
    ]

    def fig(label: str, f: Figures) -> list[object]:
        return [label, f.receipts, f.sales, f.refunds, f.net, f.cost, f.margin, f.margin_pct]

    rows: list[list[object]] = [["PER UNIT USAHA (tanpa PPN)", *[None] * 7]]
    rows += [fig(r.label, r.figures) for r in units.rows]
    # A receipt may hold lines of several units: the units' receipt counts do not add up.
    rows.append(
        [None if i == 1 else v for i, v in enumerate(fig("Jumlah unit usaha", units.total))]
    )
    rows.append(["PER CARA BAYAR (termasuk PPN)", *[None] * 7])
    for t in [*tenders.rows, tenders.total]:
        label = "Jumlah cara bayar" if t is tenders.total else t.label
        rows.append([label, None, t.sales, t.refunds, t.net, None, None, None])
    rows.append(["PER KASIR (tanpa PPN)", *[None] * 7])
    rows += [fig(r.label, r.figures) for r in cashiers.rows]
    rows.append(fig("Jumlah kasir", cashiers.total))
    notes = [
        "Tunai = uang diterima dikurangi kembalian. Jumlah per cara bayar = penjualan bersih "
        "ditambah PPN, dan dihitung per struk untuk semua unit usaha."
    ]
    return Table(columns, rows, None, notes, landscape=True)


def item_table(report: ItemReport) -> Table:
    columns = [
        Column("Barang / kategori", 0.30),
        Column("Kategori", 0.14),
        Column("Terjual", 0.10, "right"),
        Column("Satuan", 0.06),
        Column("Penjualan bersih", 0.12, "right"),
        Column("HPP", 0.11, "right"),
        Column("Laba kotor", 0.11, "right"),
        Column("Margin", 0.07, "right"),
    ]

    def tail(f: Figures) -> list[object]:
        return [f.net, f.cost, f.margin, f.margin_pct]

    rows: list[list[object]] = [["PER KATEGORI", *[None] * 7]]
    rows += [[c.label, None, None, None, *tail(c.figures)] for c in report.categories]
    rows.append(["PER BARANG", *[None] * 7])
    rows += [
        [r.item.name, r.item.category, r.figures.qty, r.item.base_uom, *tail(r.figures)]
        for r in report.items
    ]
    totals = ["Jumlah", None, None, None, *tail(report.total)]
    notes = ["Jumlah terjual dalam satuan dasar, dikurangi retur. " + AMOUNT_NOTE]
    return Table(columns, rows, totals, notes, landscape=True)


def shifts_table(shifts: ShiftList) -> Table:
    columns = [
        Column("Tanggal", 0.09),
        Column("Kasir", 0.14),
        Column("Status", 0.07),
        Column("Struk", 0.05, "right"),
        Column("Modal awal", 0.09, "right"),
        Column("Penjualan tunai", 0.10, "right"),
        Column("Kas lain", 0.09, "right"),
        Column("Kas seharusnya", 0.10, "right"),
        Column("Kas dihitung", 0.10, "right"),
        Column("Selisih", 0.09, "right"),
    ]
    rows = [
        [
            r.shift.business_date,
            r.shift.user.full_name,
            "Ditutup" if r.shift.status == "closed" else "Terbuka",
            r.receipts,
            r.shift.float_amount,
            r.cash_sales,
            r.other_cash,
            r.expected,
            r.counted,
            r.over_short,
        ]
        for r in shifts.rows
    ]
    t = shifts.totals
    totals = ["Jumlah", None, None, t["receipts"], t["float"], t["cash_sales"],
              t["other_cash"], t["expected"], t["counted"], t["over_short"]]  # fmt: skip
    notes = [
        "Penjualan tunai = uang tunai diterima dikurangi kembalian dan retur tunai. "
        "Selisih negatif (dalam kurung) berarti kas kurang."
    ]
    return Table(columns, rows, totals, notes, landscape=True)


def shift_table(report: ShiftReport) -> Table:
    columns = [Column("Keterangan", 0.65), Column("Jumlah", 0.35, "right")]
    rows: list[list[object]] = [
        ["RINGKASAN", None],
        [f"Penjualan ({report.sales_count} struk)", report.sales_total],
        [f"Retur ({report.refund_count} struk)", -report.refund_total],
        ["Penjualan bersih (termasuk PPN)", report.net_total],
        ["  di antaranya PPN", report.tax],
        ["PER CARA BAYAR (bersih setelah retur)", None],
    ]
    rows += [[t.label, t.net] for t in report.tenders]
    rows += [
        ["KAS DI LACI", None],
        ["Modal awal", report.shift.float_amount],
        ["Penjualan tunai (setelah kembalian)", report.cash_sales],
        ["Retur tunai", -report.cash_refunds],
    ]
    rows += [[m.entry.memo, m.amount] for m in report.movements]
    rows.append(["Kas seharusnya", report.expected])
    if report.closed:
        rows.append(["Kas dihitung", report.shift.counted_cash])
        diff = report.shift.over_short or 0
        word = "pas" if diff == 0 else ("lebih" if diff > 0 else "kurang")
        rows.append([f"Selisih (kas {word})", diff])
    notes = [] if report.closed else ["Laporan X: shift masih terbuka, angka dapat berubah."]
    return Table(columns, rows, None, notes)


def stock_table(val: Valuation) -> Table:
    columns = [
        Column("Unit usaha", 0.18),
        Column("Kategori", 0.24),
        Column("Barang", 0.08, "right"),
        Column("Stok", 0.32, "right"),
        Column("Nilai", 0.18, "right"),
    ]
    rows: list[list[object]] = []
    for unit in val.units:
        rows += [
            [g.unit_name, g.category, g.items, g.qty_text, g.value]
            for g in val.groups
            if g.unit_name == unit.unit_name
        ]
        rows.append([f"Jumlah {unit.unit_name}", None, unit.items, None, unit.value])
    totals = ["Jumlah", None, val.total.items, None, val.total.value]
    notes = [
        "Nilai per tanggal dihitung ulang dari mutasi stok."
        if not val.live
        else "Nilai dari saldo stok saat ini (rata-rata bergerak)."
    ]
    for a in val.accounts:
        state = "cocok" if a.ok else f"TIDAK COCOK, selisih {format_number(a.difference)}"
        notes.append(
            f"Saldo akun {a.code} {a.name}: {format_number(a.ledger)}; nilai stok "
            f"{format_number(a.stock)} — {state}."
        )
    return Table(columns, rows, totals, notes)
