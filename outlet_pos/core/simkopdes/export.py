"""The export itself: which SIMKOPDES tables we write and how, one CSV per table, bundled as a
ZIP with a manifest (or written into a directory by the CLI).

Which tables, and why:

- Tables of the cooperative's own data that we hold are filled.
- Tables of the cooperative's own data that this application does not record (land and
  building survey, documents, employees, board, business licences, applications to the
  ministry) are written with their header only, so every cooperative's bundle has the same
  files and "nothing to report" is said explicitly rather than by a missing file.
- The national reference tables are written only where our rows point into them (the
  cooperative's village, the types of gerai), so that every key in the bundle resolves inside
  the bundle; the others (document types, village statistics, commodities) belong to the
  national system and are left out.

Files are UTF-8 without a byte-order mark, comma-separated, quoted only where needed, lines
ending CRLF (the csv module's defaults, RFC 4180), so a machine import reads the header
exactly as the dictionary spells it.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import IO

from outlet_pos.core.db import utcnow
from outlet_pos.core.simkopdes import capital, goods, members, org, sales
from outlet_pos.core.simkopdes.common import Context, Row, Table, empty
from outlet_pos.core.simkopdes.dictionary import columns, dictionary
from outlet_pos.core.tenancy import Cooperative

NOT_HELD = "Tidak dicatat di aplikasi ini: hanya baris judul kolom."

TABLES: dict[str, Table] = {
    t.name: t
    for t in [
        Table(
            "akun_bank_koperasi", org.bank_rows, "Rekening bank koperasi (tanpa nomor rekening)."
        ),
        Table(
            "anggota_koperasi",
            members.member_rows,
            "Semua anggota, termasuk yang sudah keluar; NIK disamarkan.",
            members.member_base,
        ),
        Table("aset_koperasi", empty, NOT_HELD),
        Table(
            "barang_keluar_produk",
            sales.goods_out_rows,
            "Setiap baris penjualan, jumlah dalam satuan dasar barang.",
            sales.goods_out_base,
        ),
        Table(
            "barang_masuk_produk",
            goods.goods_in_rows,
            "Penerimaan dari pemasok, pembelian dari anggota dan saldo awal persediaan.",
            goods.goods_in_base,
        ),
        Table("dokumen_koperasi", empty, NOT_HELD),
        Table(
            "gerai_koperasi",
            org.gerai_rows,
            "Satu gerai per jenis usaha di setiap gerai fisik (outlet).",
        ),
        Table(
            "inventaris_produk",
            goods.inventory_rows,
            "Stok setiap barang saat ini, dijumlah dari semua lokasi.",
            goods.inventory_base,
        ),
        Table("karyawan_koperasi", empty, NOT_HELD),
        Table("kbli_koperasi", empty, NOT_HELD),
        Table(
            "modal_koperasi",
            capital.capital_rows,
            "Modal dari luar anggota: hibah, modal penyertaan dan pinjaman jangka panjang.",
            capital.capital_base,
        ),
        Table("pengajuan_domain", empty, NOT_HELD),
        Table("pengajuan_kemitraan", empty, NOT_HELD),
        Table("pengajuan_pembiayaan", empty, NOT_HELD),
        Table("pengajuan_rekening_bank", empty, NOT_HELD),
        Table("pengurus_koperasi", empty, NOT_HELD),
        Table(
            "produk_koperasi",
            goods.product_rows,
            "Semua barang di katalog, termasuk yang sudah tidak aktif.",
            goods.product_base,
        ),
        Table("profil_koperasi", org.profile_rows, "Nama, nomor induk dan alamat koperasi."),
        Table(
            "rat_koperasi",
            capital.rat_rows,
            "Satu baris per RAT yang membagi SHU, dengan ringkasan laporan keuangan tahunnya.",
            capital.rat_base,
        ),
        Table(
            "referensi_gerai_koperasi",
            org.gerai_type_rows,
            "Jenis gerai yang dipakai di tabel gerai_koperasi.",
        ),
        Table(
            "referensi_koperasi_wilayah",
            org.coop_region_rows,
            "Kode wilayah desa koperasi.",
        ),
        Table("referensi_wilayah", org.region_rows, "Desa koperasi (bila kode wilayah diisi)."),
        Table(
            "simpanan_anggota",
            members.savings_rows,
            "Setoran simpanan pokok dan wajib anggota (sukarela dan berjangka tidak termasuk).",
            members.savings_base,
        ),
        Table(
            "transaksi_penjualan",
            sales.sale_rows,
            "Setiap struk penjualan; retur mengubah status struk asalnya.",
            sales.sale_base,
        ),
    ]
}

# National reference tables nothing of ours points at: not in the bundle.
OMITTED = {
    "referensi_dokumen_koperasi": "Jenis dokumen milik sistem nasional; tidak ada dokumen.",
    "referensi_komoditas_desa": "Data potensi komoditas desa milik sistem nasional.",
    "referensi_profil_desa": "Data kependudukan dan dana desa milik sistem nasional.",
}

MANIFEST = "manifest.csv"


def table_names() -> list[str]:
    """The tables of the bundle, in the dictionary's order."""
    return [name for name in dictionary() if name in TABLES]


def _cells(table: str, rows: Iterator[Row]) -> Iterator[list[str]]:
    """Rows as lists in the dictionary's column order. A key the dictionary does not know is
    a programming error (a typo would otherwise silently drop a value); every row of a table
    has the same keys, so the first row is checked."""
    cols = columns(table)
    first = True
    for row in rows:
        if first and not row.keys() <= set(cols):
            raise KeyError(f"{table}: unknown columns {sorted(row.keys() - set(cols))}")
        first = False
        yield [row.get(c, "") for c in cols]


def write_table(ctx: Context, table: str, out: IO[str]) -> int:
    """One table as CSV text into ``out``; returns its number of rows."""
    writer = csv.writer(out)
    writer.writerow(columns(table))
    count = 0
    for cells in _cells(table, TABLES[table].rows(ctx)):
        writer.writerow(cells)
        count += 1
    return count


def table_csv(coop: Cooperative, table: str) -> bytes:
    """One table's CSV file (KeyError for a table not in the bundle)."""
    if table not in TABLES:
        raise KeyError(table)
    out = io.StringIO(newline="")
    write_table(Context(coop), table, out)
    return out.getvalue().encode("utf-8")


def _manifest(counts: dict[str, int]) -> str:
    out = io.StringIO(newline="")
    writer = csv.writer(out)
    writer.writerow(["table", "rows"])
    for name, n in counts.items():
        writer.writerow([name, n])
    return out.getvalue()


def write_zip(
    coop: Cooperative, target: IO[bytes], *, now: datetime | None = None
) -> dict[str, int]:
    """Every table into a ZIP, streamed member by member (a large cooperative's sales never
    sit in memory whole), then ``manifest.csv``. Returns {table: rows}."""
    ctx = Context(coop)
    stamp = ctx.clock.stamp(now or utcnow())
    when = tuple(int(p) for p in stamp.replace("-", " ").replace(":", " ").split())
    counts: dict[str, int] = {}
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zf:
        for name in table_names():
            info = zipfile.ZipInfo(f"{name}.csv", date_time=when)  # type: ignore[arg-type]
            info.compress_type = zipfile.ZIP_DEFLATED
            with zf.open(info, "w", force_zip64=True) as raw:
                text = io.TextIOWrapper(raw, encoding="utf-8", newline="")
                counts[name] = write_table(ctx, name, text)
                text.flush()
                text.detach()
        info = zipfile.ZipInfo(MANIFEST, date_time=when)  # type: ignore[arg-type]
        info.compress_type = zipfile.ZIP_DEFLATED
        zf.writestr(info, _manifest(counts).encode("utf-8"))
    return counts


def write_directory(coop: Cooperative, path: Path) -> dict[str, int]:
    """Every table as ``<table>.csv`` in ``path`` (made if missing), plus the manifest."""
    path.mkdir(parents=True, exist_ok=True)
    ctx = Context(coop)
    counts: dict[str, int] = {}
    for name in table_names():
        with (path / f"{name}.csv").open("w", encoding="utf-8", newline="") as out:
            counts[name] = write_table(ctx, name, out)
    (path / MANIFEST).write_text(_manifest(counts), encoding="utf-8", newline="")
    return counts


def row_counts(coop: Cooperative) -> dict[str, int]:
    """{table: rows} without building the big tables' rows (for the page)."""
    ctx = Context(coop)
    return {name: TABLES[name].count(ctx) for name in table_names()}


def koperasi_ref(coop: Cooperative) -> str:
    return Context(coop).koperasi_ref
