"""The treasurer's SIMKOPDES page and downloads, and ``outlet-pos export simkopdes``: both hand
over the same files, and only roles that read the books get them."""

from __future__ import annotations

import io
import zipfile

import pytest

from tests.conftest import make_user
from tests.simkopdes.bundle import parse_csv, read_zip
from tests.simkopdes.simkopdes_world import build_world


@pytest.fixture
def world(app):
    with app.app_context():
        w = build_world()
        from outlet_pos.core.tenancy import Cooperative
        from outlet_pos.extensions import db

        coop = db.session.get(Cooperative, w.coop_id)
        make_user("bend-simk", "bendahara", coop)
        make_user("kasir-simk", "kasir", coop)
        make_user("awas-simk", "pengawas", coop)
        return w


def test_the_page_lists_every_table_with_its_rows_and_links_to_the_downloads(
    app, client, login, world
):
    login(client, "bend-simk")
    resp = client.get("/pembukuan/simkopdes")
    assert resp.status_code == 200
    page = resp.get_data(as_text=True)
    assert "Ekspor SIMKOPDES" in page
    assert "/pembukuan/simkopdes/unduh" in page
    assert "/pembukuan/simkopdes/anggota_koperasi.csv" in page
    assert "referensi_profil_desa" in page  # named among the tables left out, with why
    assert "KOP-" in page
    # The navigation of the treasurer's desk leads here.
    assert 'href="/pembukuan/simkopdes"' in client.get("/").get_data(as_text=True)


def test_the_zip_download_is_the_bundle_with_its_manifest(app, client, login, world):
    login(client, "awas-simk")  # the supervisory board reads the books too
    resp = client.get("/pembukuan/simkopdes/unduh")
    assert resp.status_code == 200
    assert resp.mimetype == "application/zip"
    disposition = resp.headers["Content-Disposition"]
    assert "attachment" in disposition and "simkopdes-KOP-" in disposition
    tables, _texts, manifest = read_zip(resp.data)
    assert "anggota_koperasi,4" in manifest.splitlines()
    assert len(tables["transaksi_penjualan"].rows) == 3
    for nik in world.niks.values():
        assert nik.encode() not in resp.data  # deflated; checked on the text too
        assert nik not in "".join(t.header[0] for t in tables.values())


def test_one_table_downloads_as_its_csv_and_an_unknown_table_is_not_found(
    app, client, login, world
):
    login(client, "bend-simk")
    resp = client.get("/pembukuan/simkopdes/simpanan_anggota.csv")
    assert resp.status_code == 200
    assert resp.mimetype == "text/csv"
    assert 'filename="simpanan_anggota.csv"' in resp.headers["Content-Disposition"]
    table = parse_csv(resp.get_data(as_text=True))
    assert table.header[:3] == ["simpanan_ref", "koperasi_ref", "anggota_ref"]
    assert len(table.rows) == 6
    assert client.get("/pembukuan/simkopdes/rahasia.csv").status_code == 404
    assert client.get("/pembukuan/simkopdes/referensi_profil_desa.csv").status_code == 404


def test_a_cashier_gets_neither_the_page_nor_the_files(app, client, login, world):
    login(client, "kasir-simk")
    for url in [
        "/pembukuan/simkopdes",
        "/pembukuan/simkopdes/unduh",
        "/pembukuan/simkopdes/anggota_koperasi.csv",
    ]:
        assert client.get(url).status_code == 403, url
    assert 'href="/pembukuan/simkopdes"' not in client.get("/").get_data(as_text=True)
    anonymous = app.test_client()
    resp = anonymous.get("/pembukuan/simkopdes/unduh")
    assert resp.status_code == 302 and "/masuk" in resp.headers["Location"]


def test_the_command_writes_the_same_files_as_the_page(app, client, login, runner, world, tmp_path):
    login(client, "bend-simk")
    _tables, page_texts, page_manifest = read_zip(client.get("/pembukuan/simkopdes/unduh").data)

    folder = tmp_path / "simkopdes"
    args = ["export", "simkopdes", "--cooperative-id", str(world.coop_id), "--out"]
    result = runner.invoke(args=[*args, str(folder)])
    assert result.exit_code == 0, result.output
    assert "anggota_koperasi" in result.output and "24 tabel" in result.output
    written = {p.name: p.read_bytes().decode("utf-8") for p in folder.iterdir()}
    assert written.pop("manifest.csv") == page_manifest
    assert written == page_texts

    bundle = tmp_path / "kirim" / "simkopdes.zip"
    result = runner.invoke(args=[*args, str(bundle)])
    assert result.exit_code == 0, result.output
    with zipfile.ZipFile(io.BytesIO(bundle.read_bytes())) as zf:
        names = zf.namelist()
    _tables, zip_texts, zip_manifest = read_zip(bundle.read_bytes())
    assert zip_texts == page_texts and zip_manifest == page_manifest
    assert names[-1] == "manifest.csv"

    again = runner.invoke(args=[*args, str(bundle)])
    assert again.exit_code != 0 and "sudah ada" in again.output
    unknown = runner.invoke(
        args=["export", "simkopdes", "--cooperative-id", "999", "--out", str(tmp_path / "x")]
    )
    assert unknown.exit_code != 0 and "tidak ditemukan" in unknown.output
    assert not (tmp_path / "x").exists()
