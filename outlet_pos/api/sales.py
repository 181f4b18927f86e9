"""``POST /api/v1/sales``: a sale from a phone or an integration, through the counter's own
``checkout`` in the token user's open shift, so stock, the journal entry, the receipt number,
the unit rules (subsidised fertilizer, LPG, prescriptions) and the price and discount limits
of the user's role are exactly the counter's."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import select

from outlet_pos.api.common import (
    PAGE_PROPERTIES,
    PAGING,
    QTY_OUT,
    QTY_PATTERN,
    in_coop,
    page,
    qty_text,
    require_shift,
)
from outlet_pos.api.schema import (
    MAX_MONEY,
    amount,
    array,
    component,
    ident,
    integer,
    nullable,
    obj,
    string,
    text,
)
from outlet_pos.api.spec import Operation, Param, endpoint
from outlet_pos.core.ledger.models import JournalEntry
from outlet_pos.core.parties import Member
from outlet_pos.core.sales.checkout import MAX_LINES, CartLine, PaymentIn, checkout
from outlet_pos.core.sales.models import PAYMENT_METHODS, Payment, Sale, SaleLine
from outlet_pos.extensions import db
from outlet_pos.workspaces.kasir.services import EXTRA_FIELDS, MAX_PAYMENTS

LINE_IN = obj(
    {
        "item_id": ident(),
        "unit_id": ident(description="Satuan jual (ItemUnit.id); tanpa ini: satuan dasar."),
        "qty": {
            "type": "string",
            "pattern": QTY_PATTERN,
            "description": 'Jumlah dalam satuan jual, teks desimal, mis. "2" atau "1.5".',
        },
        "price": integer(
            0, MAX_MONEY, description="Harga lain dari daftar: perlu izin ubah harga."
        ),
        "discount": integer(0, MAX_MONEY, description="Diskon baris, rupiah."),
    },
    ["item_id", "qty"],
)
PAYMENT_IN = obj(
    {
        "method": string(enum=list(PAYMENT_METHODS)),
        "amount": integer(1, MAX_MONEY),
        "reference": text(64, description="Wajib untuk qris dan transfer."),
    },
    ["method", "amount"],
)
SALE_IN = component(
    "SaleRequest",
    obj(
        {
            "lines": array(LINE_IN, 1, MAX_LINES),
            "payments": array(PAYMENT_IN, 1, MAX_PAYMENTS),
            "member_id": nullable(ident(description="Anggota: harga anggota, kredit belanja.")),
            "customer_name": text(120),
            "receipt_discount": integer(0, MAX_MONEY, description="Diskon struk, rupiah."),
            "extra": obj(
                {name: text(limit) for name, limit in EXTRA_FIELDS.items()},
                description="Isian aturan unit: NIK petani pupuk bersubsidi, pembeli LPG.",
            ),
        },
        ["lines", "payments"],
    ),
)
SALE_OUT = component(
    "Sale",
    obj(
        {
            "public_id": string(format="uuid"),
            "number": string(description="Nomor struk."),
            "date": {"type": "string", "format": "date"},
            "status": string(),
            "member_id": nullable(ident()),
            "subtotal": amount(),
            "discount": amount(),
            "total": amount(),
            "tax": amount(description="PPN di dalam total."),
            "paid": amount(),
            "change": amount(),
            "journal_number": string(),
            "lines": array(
                obj(
                    {
                        "line_no": integer(1, MAX_LINES),
                        "item_id": ident(),
                        "unit_id": ident(),
                        "name": string(),
                        "unit": string(),
                        "qty": QTY_OUT,
                        "unit_price": amount(),
                        "discount": amount(),
                        "total": amount(),
                        "tax": amount(),
                    },
                    [
                        "line_no",
                        "item_id",
                        "unit_id",
                        "name",
                        "unit",
                        "qty",
                        "unit_price",
                        "discount",
                        "total",
                        "tax",
                    ],
                ),
                1,
            ),
            "payments": array(
                obj(
                    {
                        "method": string(enum=list(PAYMENT_METHODS)),
                        "amount": amount(),
                        "reference": string(),
                    },
                    ["method", "amount", "reference"],
                )
            ),
        },
        [
            "public_id",
            "number",
            "date",
            "status",
            "member_id",
            "subtotal",
            "discount",
            "total",
            "tax",
            "paid",
            "change",
            "journal_number",
            "lines",
            "payments",
        ],
    ),
)


def sale_payload(sale) -> dict:
    rows = db.session.scalars(
        select(SaleLine).where(SaleLine.sale_id == sale.id).order_by(SaleLine.line_no)
    ).all()
    payments = db.session.scalars(
        select(Payment).where(Payment.sale_id == sale.id).order_by(Payment.id)
    ).all()
    entry = db.session.get(JournalEntry, sale.entry_id)
    return {
        "public_id": sale.public_id,
        "number": sale.number,
        "date": sale.date.isoformat(),
        "status": sale.status,
        "member_id": sale.member_id,
        "subtotal": sale.subtotal,
        "discount": sale.discount_amount,
        "total": sale.total,
        "tax": sale.tax_amount,
        "paid": sale.paid_amount,
        "change": sale.change_amount,
        "journal_number": entry.number,
        "lines": [
            {
                "line_no": line.line_no,
                "item_id": line.item_id,
                "unit_id": line.item_unit_id,
                "name": line.name,
                "unit": line.unit_name,
                "qty": qty_text(line.qty),
                "unit_price": line.unit_price,
                "discount": line.discount_amount,
                "total": line.total,
                "tax": line.tax_amount,
            }
            for line in rows
        ],
        "payments": [
            {"method": p.method, "amount": p.amount, "reference": p.reference or ""}
            for p in payments
        ],
    }


@endpoint(
    "/sales",
    Operation(
        "POST",
        "Kirim penjualan",
        "Penjualan",
        {201: ("Penjualan tersimpan: nomor struk, total, public_id.", SALE_OUT)},
        description=(
            "Dijual di shift kasir pengguna token yang sedang terbuka (buka shift di layar "
            "kasir). Harga mengikuti daftar (harga anggota bila member_id diisi); price lain "
            "dari daftar dan diskon di atas batas peran ditolak 403. Stok kurang, shift belum "
            "dibuka, pembayaran kurang dan aturan unit lain ditolak 422; barang atau anggota "
            "koperasi lain 404."
        ),
        scope="sales:write",
        permission="pos.sell",
        body=SALE_IN,
        idempotent=True,
        not_found=True,
        business_rules=True,
    ),
)
def create_sale(call):
    coop, user, body = call.caller.coop, call.caller.user, call.body
    shift = require_shift(coop, user)
    member = None
    if body.get("member_id") is not None:
        member = in_coop(Member, body["member_id"], coop, "member_id", "Anggota")
    lines = [
        CartLine(
            item_id=row["item_id"],
            item_unit_id=row.get("unit_id"),
            qty=Decimal(row["qty"]),
            discount=row.get("discount", 0),
            price=row.get("price"),
        )
        for row in body["lines"]
    ]
    payments = [
        PaymentIn(p["method"], p["amount"], p.get("reference", "")) for p in body["payments"]
    ]
    sale = checkout(
        shift,
        lines,
        payments,
        user=user,
        member=member,
        customer_name=body.get("customer_name", ""),
        receipt_discount=body.get("receipt_discount", 0),
        idempotency_key=call.service_key,
        extra={k: v.strip() for k, v in (body.get("extra") or {}).items() if v.strip()},
    )
    return sale_payload(sale), 201


SALE_LIST = component(
    "SaleList",
    obj(
        {"sales": array(SALE_OUT), **PAGE_PROPERTIES},
        ["sales", "limit", "offset", "next_offset"],
    ),
)


@endpoint(
    "/sales",
    Operation(
        "GET",
        "Cari penjualan",
        "Penjualan",
        {200: ("Penjualan yang cocok, terbaru dulu, lengkap dengan baris dan pembayaran.",
               SALE_LIST)},  # fmt: skip
        description=(
            "Untuk mencetak ulang struk atau memastikan penjualan sudah tersimpan setelah "
            "jaringan putus: cari dengan number (nomor struk) atau public_id, atau semua "
            "penjualan satu tanggal usaha (date). Tanpa penyaring: penjualan hari ini. Retur "
            "tidak ikut (statusnya terlihat pada penjualan asal)."
        ),
        scope="sales:read",
        permission="pos.sell",
        params=(
            Param("number", text(40, 1), "Nomor struk, persis."),
            Param("public_id", string(format="uuid"), "public_id dari jawaban POST /sales."),
            Param("date", {"type": "string", "format": "date"}, "Tanggal usaha, TTTT-BB-HH."),
            *PAGING,
        ),
    ),
)
def list_sales(call):
    coop, args = call.caller.coop, call.args
    stmt = select(Sale).where(Sale.cooperative_id == coop.id, Sale.kind == "sale")
    if args["number"]:
        stmt = stmt.where(Sale.number == args["number"])
    if args["public_id"]:
        stmt = stmt.where(Sale.public_id == args["public_id"].lower())
    if args["date"] or not (args["number"] or args["public_id"]):
        day = date.fromisoformat(args["date"]) if args["date"] else coop.today()
        stmt = stmt.where(Sale.date == day)
    wanted = args["offset"] + args["limit"] + 1
    found = db.session.scalars(stmt.order_by(Sale.id.desc()).limit(wanted)).all()
    rows, paging = page(list(found), args)
    return {"sales": [sale_payload(s) for s in rows], **paging}
