"""The SIMKOPDES bundle of a small cooperative built through the real services: the layout of
the dictionary, known rows and values, masking, relations, tenancy and stable codes."""

from __future__ import annotations

import io
import json

import pytest

from outlet_pos.core.simkopdes import export
from outlet_pos.core.tenancy import Cooperative
from outlet_pos.extensions import db
from tests.simkopdes.bundle import read_zip as _read_zip
from tests.simkopdes.bundle import reference_columns, reference_relations
from tests.simkopdes.simkopdes_world import FORMULA_NAME, PHONE, build_world

OMITTED = {"referensi_dokumen_koperasi", "referensi_komoditas_desa", "referensi_profil_desa"}


def bundle(coop_id: int):
    buf = io.BytesIO()
    export.write_zip(db.session.get(Cooperative, coop_id), buf)
    return _read_zip(buf.getvalue())


def _refund_time(sale_id: int):
    from outlet_pos.core.sales.models import Sale

    return db.session.scalar(db.select(Sale.created_at).where(Sale.refund_of_id == sale_id))


def _local(coop_id: int, utc) -> str:
    return f"{db.session.get(Cooperative, coop_id).local_time(utc):%Y-%m-%d %H:%M:%S}"


@pytest.fixture
def world(ctx):
    return build_world()


def test_every_csv_has_exactly_the_dictionarys_columns_in_their_order(world):
    tables, _texts, manifest = bundle(world.coop_id)
    reference = reference_columns()
    assert set(tables) == set(reference) - OMITTED
    for name, table in tables.items():
        assert table.header == reference[name], name
    listed = [line.split(",") for line in manifest.strip().splitlines()]
    assert listed[0] == ["table", "rows"]
    assert [t for t, _n in listed[1:]] == sorted(tables)
    assert {t: int(n) for t, n in listed[1:]} == {n: len(t.rows) for n, t in tables.items()}


def test_members_are_listed_with_their_nik_masked_and_their_village(world):
    tables, _texts, _m = bundle(world.coop_id)
    members = tables["anggota_koperasi"]
    assert sorted(members.column("nama")) == sorted(["Ani", "Budi", "Citra", "'" + FORMULA_NAME])
    ani = members.where(nama="Ani")[0]
    nik = world.niks["Ani"]
    assert ani["nik"] == nik[:2] + "*" * 12 + nik[-2:]
    assert ani["status_keanggotaan"] == "Approved"
    assert ani["tanggal_terdaftar"] == "2025-01-03"
    assert ani["jenis_kelamin"] in ("LAKI-LAKI", "PEREMPUAN")
    assert ani["pekerjaan"] == "Petani"
    # The test cooperative has no village code, so neither have its members.
    assert ani["kode_wilayah"] == ""


def test_savings_payments_are_the_pokok_and_wajib_deposits(world):
    tables, _texts, _m = bundle(world.coop_id)
    ani_ref = tables["anggota_koperasi"].where(nama="Ani")[0]["anggota_ref"]
    savings = tables["simpanan_anggota"]
    assert sorted(savings.column("periode_pembayaran")) == sorted(
        ["Simpanan Pokok"] * 4 + ["Simpanan Wajib - Februari 2025"] * 2
    )
    assert set(savings.column("status")) == {"PAID"}
    wajib = savings.where(anggota_ref=ani_ref, periode_pembayaran="Simpanan Wajib - Februari 2025")
    assert len(wajib) == 1
    assert wajib[0]["jumlah_simpanan"] == "240000.00"
    # Entered today for 1 February 2025: the business date, at midnight.
    assert wajib[0]["dibayar_pada"] == "2025-02-01 00:00:00"
    assert sum(int(v.split(".")[0]) for v in savings.column("jumlah_simpanan")) == (
        4 * 100_000 + 240_000 + 120_000
    )


def test_sales_and_the_goods_they_took_out_carry_the_counter_figures(world):
    tables, _texts, _m = bundle(world.coop_id)
    sales = tables["transaksi_penjualan"]
    assert len(sales.rows) == 3  # the refund is not a sale of its own
    by_total = {r["total_pembayaran"]: r for r in sales.rows}
    assert set(by_total) == {"600000.00", "300000.00", "1300000.00"}
    assert by_total["600000.00"]["nama_pelanggan"] == "Ani"
    assert by_total["600000.00"]["status_transaksi"] == "Paid"
    assert by_total["600000.00"]["metode_pembayaran"] == "Cash"
    assert by_total["600000.00"]["tanggal_dibuat"] == "2025-03-05 00:00:00"
    walk_in = by_total["1300000.00"]
    assert walk_in["nama_pelanggan"] == ""
    assert walk_in["status_transaksi"] == "Partially Refunded"
    assert walk_in["diperbarui_pada"] == _local(world.coop_id, _refund_time(world.sales[2]))

    out = tables["barang_keluar_produk"]
    assert len(out.rows) == 3
    ani_line = out.where(transaksi_sample_id=by_total["600000.00"]["transaksi_sample_id"])[0]
    assert ani_line["jumlah_keluar"] == "10.00"
    assert ani_line["harga"] == "60000.00"
    assert ani_line["total_nilai"] == "600000.00"
    assert ani_line["nama_produk"] == "Beras 5 kg"
    assert ani_line["status"] == "Sales"
    walk_line = out.where(transaksi_sample_id=walk_in["transaksi_sample_id"])[0]
    assert walk_line["status_transaksi"] == "Partially Refunded"
    assert all(int(v) > 0 for v in out.column("__row_id"))


def test_goods_in_show_the_opening_stock_and_the_supplier_delivery(world):
    tables, _texts, _m = bundle(world.coop_id)
    goods_in = tables["barang_masuk_produk"]
    rice = goods_in.where(nama_produk="Beras 5 kg")
    assert [(r["jumlah_masuk"], r["harga_beli"], r["total_biaya"]) for r in rice] == [
        ("200.00", "50000.00", "10000000.00")
    ]
    assert rice[0]["harga_jual"] == "65000.00"
    oil = goods_in.where(nama_produk="Minyak goreng 1 L")[0]
    assert (oil["jumlah_masuk"], oil["harga_beli"], oil["total_biaya"]) == (
        "4.00",
        "15000.00",
        "60000.00",
    )
    assert oil["kode_barcode"] == "8991002001"
    assert oil["keterangan"].startswith("Penerimaan GRN")
    assert oil["keterangan"].endswith("dari CV Sumber Rejeki")
    assert oil["tanggal_masuk"] == "2025-07-01 00:00:00"
    assert oil["status"] == "Approved"

    stock = {r["nama_produk"]: r["stok"] for r in tables["inventaris_produk"].rows}
    assert stock == {"Beras 5 kg": "166.00", "Minyak goreng 1 L": "4.00"}  # 200 - 35 + 1
    products = tables["produk_koperasi"]
    assert sorted(products.column("nama_produk")) == ["Beras 5 kg", "Minyak goreng 1 L"]
    assert products.where(nama_produk="Minyak goreng 1 L")[0]["unit"] == "botol"


def test_capital_from_outside_and_the_annual_meeting_are_reported(world):
    tables, _texts, _m = bundle(world.coop_id)
    capital = tables["modal_koperasi"].rows
    assert [
        (r["tipe_sumber"], r["tipe_modal"], r["jumlah"], r["tanggal_diterima"], r["nama_sumber"])
        for r in capital
    ] == [("DONOR", "HIBAH", "50000000.00", "2025-01-02", "Hibah modal awal dari desa")]

    (rat,) = tables["rat_koperasi"].rows
    assert rat["tahun_buku"] == "2025"
    assert rat["tanggal_rat"] == "2026-03-10"
    assert rat["urutan_rat"] == "1"
    assert rat["jenis_sektor_koperasi"] == "KDKMP"
    assert rat["status_rat"] == "Reported"
    assert (rat["tahun_rencana_kerja"], rat["tahun_rencana_anggaran"]) == ("2026", "2026")
    result = json.loads(rat["laporan_hasil_usaha"])
    assert result["pendapatan"] == 2_200_000
    assert result["shu"] == 2_200_000 - 35 * 50_000 - 150_000
    position = json.loads(rat["laporan_posisi_keuangan"])
    assert position["tanggal"] == "2025-12-31"
    assert position["total_aset"] == position["total_liabilitas"] + position["total_ekuitas"]


def test_the_profile_gerai_and_bank_account_describe_the_cooperative(world):
    tables, texts, _m = bundle(world.coop_id)
    (profile,) = tables["profil_koperasi"].rows
    assert profile["nama_koperasi"] == "Koperasi Ekspor"
    assert profile["koperasi_ref"].startswith("KOP-") and len(profile["koperasi_ref"]) == 16
    types = {
        r["jenis_gerai_ref"]: r["nama_jenis_gerai"] for r in tables["referensi_gerai_koperasi"].rows
    }
    assert sorted(types.values()) == ["Gerai Sembako", "Gerai Simpan Pinjam"]
    gerai = tables["gerai_koperasi"].rows
    assert sorted(types[g["jenis_gerai_ref"]] for g in gerai) == sorted(types.values())
    assert {g["status_gerai"] for g in gerai} == {"Aktif"}
    (bank,) = tables["akun_bank_koperasi"].rows
    assert (bank["nama_bank"], bank["nama_rekening"]) == ("BRI", "Koperasi Ekspor")
    everything = "".join(texts.values())
    assert "004567" not in everything  # the account number has no column to go to
    for empty in ["aset_koperasi", "karyawan_koperasi", "pengurus_koperasi", "kbli_koperasi"]:
        assert tables[empty].rows == []


def test_no_full_nik_or_phone_number_appears_anywhere_in_the_bundle(world):
    _tables, texts, manifest = bundle(world.coop_id)
    everything = "".join(texts.values()) + manifest
    assert len(world.niks) == 4
    for nik in [*world.niks.values(), world.other_nik]:
        assert nik not in everything
        assert nik[2:-2] not in everything  # not even the hidden middle
    assert PHONE not in everything and PHONE[1:] not in everything


def test_every_reference_points_at_a_row_of_the_bundle(world):
    tables, _texts, _m = bundle(world.coop_id)
    keys, fks = reference_relations()
    for name, table in tables.items():
        values = table.column(keys[name])
        if name != "referensi_wilayah" or values:
            assert all(values), f"{name}: empty key"
        assert len(set(values)) == len(values), f"{name}: duplicate key"
    checked = 0
    for table, column, ref_table, ref_column in fks:
        used = {v for v in tables[table].column(column) if v} if table in tables else set()
        if not used:
            continue
        assert ref_table in tables, f"{table}.{column} points outside the bundle"
        missing = used - set(tables[ref_table].column(ref_column))
        assert not missing, f"{table}.{column} -> {ref_table}: {missing}"
        checked += 1
    assert checked >= 15
    (profile,) = tables["profil_koperasi"].rows
    for name, table in tables.items():
        if "koperasi_ref" in table.header:
            assert set(table.column("koperasi_ref")) <= {profile["koperasi_ref"]}, name


def test_another_cooperatives_data_never_appears(world):
    _tables, texts, _m = bundle(world.coop_id)
    everything = "".join(texts.values())
    theirs, their_texts, _m = bundle(world.other_id)
    (their_profile,) = theirs["profil_koperasi"].rows
    for foreign in ["Zaki", "Garam Tetangga", "Hibah Tetangga", "8997777000"]:
        assert foreign not in everything
    assert their_profile["koperasi_ref"] not in everything
    assert theirs["anggota_koperasi"].column("nama") == ["Zaki Tetangga"]
    assert theirs["transaksi_penjualan"].rows == []
    assert "Ani" not in "".join(their_texts.values())


def test_codes_stay_the_same_from_one_export_to_the_next(world):
    from outlet_pos.core.access import User
    from outlet_pos.core.db import run_transaction
    from outlet_pos.units.simpan_pinjam.members import register_member
    from tests.units.simpin_world import member_data

    first, first_texts, _m = bundle(world.coop_id)
    _again, again_texts, _m = bundle(world.coop_id)
    assert first_texts == again_texts
    before = {r["nama"]: r["anggota_ref"] for r in first["anggota_koperasi"].rows}

    def join():
        coop = db.session.get(Cooperative, world.coop_id)
        kasir = db.session.scalar(db.select(User).where(User.username.like("kasirbuku%")))
        register_member(coop, member_data("Dewi Baru"), kasir, via="transfer")

    run_transaction(join)
    after, _texts, _m = bundle(world.coop_id)
    now = {r["nama"]: r["anggota_ref"] for r in after["anggota_koperasi"].rows}
    assert {name: now[name] for name in before} == before
    assert now["Dewi Baru"] not in before.values()


def test_a_name_that_would_be_a_spreadsheet_formula_is_written_as_text(world):
    tables, texts, _m = bundle(world.coop_id)
    assert tables["anggota_koperasi"].where(nama="'" + FORMULA_NAME)
    assert "\n=" not in texts["anggota_koperasi.csv"] and ",=" not in texts["anggota_koperasi.csv"]


def test_the_counts_on_the_page_are_the_rows_of_the_bundle(world):
    coop = db.session.get(Cooperative, world.coop_id)
    tables, _texts, _m = bundle(world.coop_id)
    assert export.row_counts(coop) == {name: len(t.rows) for name, t in tables.items()}


def test_a_single_table_downloads_as_the_same_csv_as_in_the_bundle(world):
    coop = db.session.get(Cooperative, world.coop_id)
    _tables, texts, _m = bundle(world.coop_id)
    for name in ["anggota_koperasi", "transaksi_penjualan", "aset_koperasi"]:
        assert export.table_csv(coop, name).decode("utf-8") == texts[f"{name}.csv"]
    with pytest.raises(KeyError):
        export.table_csv(coop, "referensi_profil_desa")
