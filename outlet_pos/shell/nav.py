"""Navigation by role: each item names the permission its page needs, so a user only sees
what they can open. Later units add their groups here."""

from __future__ import annotations

from flask import current_app, g
from flask_babel import lazy_gettext as _l
from flask_login import current_user

NAV = [
    {
        "title": _l("Beranda"),
        "items": [
            ("shell.home", _l("Beranda"), "⌂", "home"),
        ],
    },
    {
        "title": _l("Kasir"),
        "items": [
            ("kasir.screen", _l("Layar kasir"), "▣", "pos.sell"),
            ("kasir.sales", _l("Struk & retur"), "≡", "pos.sell"),
            ("kasir.shift", _l("Shift & kas"), "◷", "pos.sell"),
            ("bendahara.shu_payouts", _l("Pembayaran SHU"), "★", "shu.pay"),
        ],
    },
    {
        "title": _l("Stok & katalog"),
        "items": [
            ("sembako.items", _l("Katalog barang"), "▤", "catalog.view"),
            ("sembako.stock", _l("Stok"), "▥", "stock.view"),
            ("sembako.counts", _l("Stok opname"), "✓", "stock.view"),
            ("laporan.sales", _l("Laporan penjualan"), "↗", "sales.report"),
        ],
    },
    {
        "title": _l("Pupuk bersubsidi"),
        "items": [
            ("pupuk.farmers", _l("Petani & alokasi"), "❦", "pupuk.view"),
            ("pupuk.import_allocations", _l("Impor e-RDKK"), "⇧", "pupuk.manage"),
            ("pupuk.het", _l("HET pupuk"), "₨", "pupuk.view"),
            ("pupuk.reports", _l("Laporan penebusan"), "↗", "pupuk.report"),
        ],
    },
    {
        "title": _l("Klinik desa"),
        "items": [
            ("klinik.queue", _l("Antrean klinik"), "☷", "clinic.desk"),
            ("klinik.patients", _l("Pasien"), "☺", "clinic.desk"),
            ("klinik.tariffs", _l("Tarif layanan"), "₨", "clinic.manage"),
            ("klinik.reports", _l("Laporan klinik"), "↗", "clinic.report"),
        ],
    },
    {
        "title": _l("Apotek desa"),
        "items": [
            ("apotek.queue", _l("Antrean resep"), "℞", "pharmacy.view"),
            ("apotek.drugs", _l("Daftar obat"), "▤", "pharmacy.view"),
            ("apotek.expiry", _l("Kedaluwarsa"), "⚠", "pharmacy.view"),
            (
                "apotek.register_report",
                _l("Register narkotika & psikotropika"),
                "⚖",
                "pharmacy.register",
            ),
            ("apotek.reports", _l("Laporan apotek"), "↗", "pharmacy.report"),
        ],
    },
    {
        "title": _l("Pos & logistik"),
        "items": [
            ("logistik.parcels", _l("Paket"), "✉", "logistics.desk"),
            ("logistik.scan", _l("Pindai status"), "▮", "logistics.desk"),
            ("logistik.cod", _l("COD & setoran kurir"), "₨", "logistics.manage"),
            ("logistik.tariffs", _l("Tarif zona"), "◫", "logistics.manage"),
            ("logistik.reports", _l("Laporan logistik"), "↗", "logistics.report"),
        ],
    },
    {
        "title": _l("Unit lokal"),
        "items": [
            ("lokal.units", _l("Daftar unit lokal"), "◇", "local.operate"),
        ],
        # Each active local unit of the cooperative gets its own link (made from a form).
        "dynamic": "lokal",
    },
    {
        "title": _l("Simpan pinjam"),
        "items": [
            ("simpin.members_list", _l("Anggota"), "☺", "member.view"),
            ("simpin.loans_list", _l("Pinjaman"), "⊕", "member.view"),
            ("simpin.wajib", _l("Simpanan wajib"), "◔", "member.view"),
            ("simpin.reports", _l("Laporan simpan pinjam"), "↗", "simpin.report"),
            ("simpin.simulator", _l("Simulasi pinjaman"), "≈", "login"),
        ],
    },
    {
        "title": _l("Pembelian"),
        "items": [
            ("bendahara.receipts", _l("Penerimaan barang"), "⇩", "purchase.manage"),
            ("bendahara.bills", _l("Tagihan pemasok"), "✉", "purchase.manage"),
            ("bendahara.suppliers", _l("Pemasok"), "☎", "purchase.manage"),
        ],
    },
    {
        "title": _l("Pembukuan"),
        "items": [
            ("bendahara.journal_list", _l("Jurnal"), "☰", "ledger.view"),
            ("bendahara.journal_new", _l("Jurnal manual"), "✎", "ledger.post"),
            ("bendahara.trial_balance_page", _l("Neraca saldo"), "⚖", "ledger.view"),
            ("bendahara.accounts", _l("Daftar akun"), "▤", "ledger.view"),
        ],
    },
    {
        "title": _l("Keuangan"),
        "items": [
            ("bendahara.expenses", _l("Pengeluaran & pendapatan lain"), "⇄", "expense.manage"),
            ("bendahara.recurring_expenses", _l("Pengeluaran rutin"), "↻", "expense.manage"),
            ("bendahara.banks", _l("Bank & rekonsiliasi"), "⌂", "bank.manage"),
            ("bendahara.assets", _l("Aset tetap"), "▣", "asset.manage"),
            ("bendahara.tax_reports", _l("Laporan pajak"), "%", "ledger.view"),
        ],
    },
    {
        "title": _l("Tutup buku & SHU"),
        "items": [
            ("bendahara.daily_close", _l("Tutup harian"), "☀", "ledger.view"),
            ("bendahara.periods", _l("Tutup bulan"), "▦", "ledger.view"),
            ("bendahara.year_close", _l("Tutup tahun"), "◆", "ledger.view"),
            ("bendahara.statements", _l("Laporan keuangan"), "▤", "ledger.view"),
            ("bendahara.shu", _l("SHU anggota"), "★", "ledger.view"),
            ("bendahara.rat_pack", _l("Paket RAT"), "✎", "ledger.view"),
            ("bendahara.simkopdes", _l("Ekspor SIMKOPDES"), "⇪", "ledger.view"),
        ],
    },
    {
        "title": _l("Pendampingan"),
        "items": [
            ("pendamping.portfolio", _l("Portofolio binaan"), "◉", "mentor.portfolio"),
            ("pendamping.alert_settings", _l("Ambang peringatan"), "⚑", "mentor.portfolio"),
            ("pendamping.health", _l("Penilaian kesehatan"), "✚", "health.view"),
            ("pendamping.visits", _l("Catatan pendampingan"), "✎", "mentoring.view"),
            ("rencana.plan", _l("Rencana bisnis"), "◎", "plan.view"),
            ("pendamping.trends", _l("Grafik kinerja"), "▲", "sales.report"),
        ],
    },
    {
        "title": _l("Pengawasan"),
        "items": [
            ("shell.audit_log", _l("Jejak audit"), "◎", "audit.view"),
        ],
    },
    {
        "title": _l("Administrasi"),
        "items": [
            ("admin.cooperatives", _l("Koperasi"), "▥", "admin.manage"),
            ("admin.users", _l("Pengguna & peran"), "☺", "admin.manage"),
            ("admin.sync_page", _l("Sinkron"), "⇅", "admin.manage"),
        ],
    },
    {
        "title": _l("Akun saya"),
        "items": [
            ("shell.change_password", _l("Ganti kata sandi"), "✱", "login"),
            ("admin.api_tokens", _l("Token API"), "◈", "home"),
        ],
    },
]


def nav_groups() -> list[dict]:
    """Groups of links this user may open. Links to pages not built yet are left out, so a
    unit can be added to NAV before its pages land."""
    if not current_user.is_authenticated:
        return []
    built = current_app.view_functions
    groups = []
    for group in NAV:
        items = [
            {"endpoint": ep, "label": label, "icon": icon}
            for ep, label, icon, perm in group["items"]
            if ep in built and (perm == "login" or current_user.can(perm, g.get("cooperative")))
        ]
        if group.get("dynamic") == "lokal" and "lokal.unit" in built:
            items += _local_unit_items()
        if items:
            groups.append({"title": group["title"], "items": items})
    return groups


def _local_unit_items() -> list[dict]:
    """A link per active local unit of the current cooperative: a unit a pengurus opens from
    the form appears here without any code change."""
    from sqlalchemy import select

    from outlet_pos.core.tenancy import BusinessUnit
    from outlet_pos.extensions import db

    coop = g.get("cooperative")
    if coop is None or not current_user.can("local.operate", coop):
        return []
    units = db.session.execute(
        select(BusinessUnit.id, BusinessUnit.name)
        .where(
            BusinessUnit.cooperative_id == coop.id,
            BusinessUnit.kind == "lokal",
            BusinessUnit.active.is_(True),
        )
        .order_by(BusinessUnit.name)
    ).all()
    return [
        {"endpoint": "lokal.unit", "args": {"unit_id": uid}, "label": name, "icon": "◆"}
        for uid, name in units
    ]
