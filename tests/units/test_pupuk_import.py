"""The e-RDKK allocation import: a preview that checks every row and sums it up, a confirm
that writes all rows or none, and the page's upload -> preview -> confirm with the file kept
on the server in between."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from outlet_pos.core.audit import AuditEvent
from outlet_pos.core.db import run_transaction
from outlet_pos.core.errors import DomainError, ValidationError
from outlet_pos.core.sales.checkout import CartLine, PaymentIn, checkout
from outlet_pos.extensions import db
from outlet_pos.units.pupuk.allocations import apply_allocations, preview_allocations
from outlet_pos.units.pupuk.models import Allocation, Farmer
from tests.units.pupuk_world import QUOTA, SALE_DAY, build_kiosk

NIK = QUOTA["farmer_nik"]  # Pak Darmaji: 2026-MT1 urea 150, npk 100; 2025-MT3 urea 500
NEW_NIK = "3201011205850001"

GOOD = f"""nik,nama,poktan,desa,jenis,musim,kg
{NIK},,,,urea,2026-MT1,150
{NIK},,,,NPK,2026-mt1,120
{NIK},,,,ZA,2026-MT1,50
{NEW_NIK},Bu Sari,Sri Rejeki,Sukamaju,NPK Formula Khusus,2026-MT1,75
{NEW_NIK},Bu Sari,Sri Rejeki,Sukamaju,organik,2026-MT1,"12,5"
"""


def _csv(text: str) -> bytes:
    return text.encode("utf-8")


def _alloc(farmer_id: int, ftype: str, season: str = "2026-MT1") -> Allocation | None:
    return db.session.scalar(
        select(Allocation).where(
            Allocation.farmer_id == farmer_id,
            Allocation.fertilizer_type == ftype,
            Allocation.season == season,
        )
    )


def _sell(k, ftype: str, kg: int):
    return run_transaction(
        checkout,
        k.shift,
        [CartLine(k.items[ftype], qty=kg)],
        [PaymentIn("tunai", 10**9)],
        user=k.cashier,
        extra={"farmer_nik": NIK},
        day=SALE_DAY,
    )


def test_the_preview_counts_what_the_file_would_do_and_writes_nothing(ctx):
    k = build_kiosk()
    p = preview_allocations(k.coop, _csv(GOOD), "erdkk.csv")
    assert p.ok and [r.errors for r in p.rows] == [[]] * 5
    assert (p.farmers_new, p.farmers_updated) == (1, 1)
    assert (p.count("baru"), p.count("ubah"), p.count("sama")) == (3, 1, 1)
    assert p.kg_by_type == {
        "urea": Decimal(150),
        "npk": Decimal(120),
        "npk_formula_khusus": Decimal(75),
        "za": Decimal(50),
        "organik": Decimal("12.5"),
    }
    npk = p.rows[1]
    assert (npk.action, npk.old_kg, npk.kg) == ("ubah", Decimal(100), Decimal(120))
    db.session.rollback()
    assert db.session.scalar(select(func.count(Farmer.id))) == 1
    assert _alloc(k.farmer.id, "npk").kg == 100


def test_confirm_registers_new_farmers_and_upserts_allocations_audited(ctx):
    k = build_kiosk()
    done = run_transaction(apply_allocations, k.coop, _csv(GOOD), "erdkk.csv", k.approver)
    assert done.count("baru") == 3
    assert _alloc(k.farmer.id, "npk").kg == 120
    assert _alloc(k.farmer.id, "za").kg == 50
    assert _alloc(k.farmer.id, "urea", "2025-MT3").kg == 500  # another season untouched
    sari = db.session.scalar(select(Farmer).where(Farmer.nik == NEW_NIK))
    assert (sari.name, sari.poktan, sari.desa) == ("Bu Sari", "Sri Rejeki", "Sukamaju")
    assert _alloc(sari.id, "organik").kg == Decimal("12.5")
    assert _alloc(sari.id, "npk_formula_khusus").kg == 75
    event = db.session.scalar(
        select(AuditEvent).where(AuditEvent.action == "pupuk.allocation_import")
    )
    assert event.user_id == k.approver.id and '"changed": 1' in event.detail_json
    # The same file again changes nothing.
    again = preview_allocations(k.coop, _csv(GOOD), "erdkk.csv")
    assert (again.count("baru"), again.count("ubah"), again.count("sama")) == (0, 0, 5)
    assert (again.farmers_new, again.farmers_updated) == (0, 0)


def test_every_kind_of_row_error_is_reported_and_nothing_is_written(ctx):
    k = build_kiosk()
    _sell(k, "urea", 100)
    text = f"""nik,nama,jenis,musim,kg
12345,Salah,urea,2026-MT1,10
{NIK},,kompos,2026-MT1,10
{NIK},,za,2026-MT4,10
{NIK},,za,2026-MT1,-5
{NIK},,npk,2026-MT1,banyak
{NIK},,urea,2026-MT1,80
3201011205850009,,urea,2026-MT1,10
{NIK},,organik,2026-MT1,20
{NIK},,ORGANIK,2026-MT1,25
{NEW_NIK},Bu Sari,urea,2026-MT1,40
"""
    p = preview_allocations(k.coop, _csv(text), "salah.csv")
    errors = {r.row: " ".join(r.errors) for r in p.rows}
    assert not p.ok and len(p.error_rows) == 8
    assert "NIK harus 16 digit" in errors[2]
    assert "Jenis pupuk 'kompos' tidak dikenal" in errors[3]
    assert "Musim tanam ditulis seperti 2026-MT1" in errors[4]
    assert "tidak boleh negatif" in errors[5]
    assert "harus angka" in errors[6]
    assert "di bawah yang sudah ditebus (100 kg)" in errors[7]
    assert "isi kolom nama" in errors[8]
    assert errors[9] == ""
    assert "muncul dua kali (juga di baris 9)" in errors[10]
    assert errors[11] == ""  # a new farmer named in the file is fine
    with pytest.raises(DomainError, match="8 baris bermasalah; tidak ada yang disimpan"):
        run_transaction(apply_allocations, k.coop, _csv(text), "salah.csv", k.approver)
    assert db.session.scalar(select(func.count(Farmer.id))) == 1
    assert _alloc(k.farmer.id, "organik") is None
    assert _alloc(k.farmer.id, "urea").kg == 150


def test_the_file_itself_is_refused_with_a_reason(ctx):
    k = build_kiosk()
    with pytest.raises(ValidationError, match="Kolom wajib tidak ada: musim"):
        preview_allocations(k.coop, _csv("nik,jenis,kg\n1,urea,2\n"), "a.csv")
    with pytest.raises(ValidationError, match="harus CSV"):
        preview_allocations(k.coop, b"nik", "a.pdf")
    with pytest.raises(ValidationError, match="judul kolom"):
        preview_allocations(k.coop, _csv("a,b\n1,2\n"), "a.csv")
    with pytest.raises(ValidationError, match="tidak berisi baris"):
        preview_allocations(k.coop, _csv("nik,jenis,musim,kg\n"), "a.csv")


def test_an_excel_file_with_the_nik_as_a_number_reads_the_same(ctx):
    from openpyxl import Workbook

    k = build_kiosk()
    wb = Workbook()
    ws = wb.active
    ws.append(["Alokasi e-RDKK Desa Sukamaju"])  # a title above the header is skipped
    ws.append(["NIK", "Jenis Pupuk", "Musim Tanam", "Alokasi (kg)", "Nama Petani"])
    ws.append([int(NEW_NIK), "Urea", "2026-MT1", 60, "Bu Sari"])
    ws.append([int(NIK), "npk", "2026-MT1", 100.0, None])
    buffer = io.BytesIO()
    wb.save(buffer)
    p = preview_allocations(k.coop, buffer.getvalue(), "erdkk.xlsx")
    assert p.ok, [r.errors for r in p.rows]
    assert [(r.row, r.nik, r.action) for r in p.rows] == [(3, NEW_NIK, "baru"), (4, NIK, "sama")]


# --- the page ---------------------------------------------------------------------------------


def _kiosk(app):
    with app.app_context():
        k = build_kiosk()
        return k.coop.id, k.farmer.id, k.cashier.username, k.approver.username


def _upload(client, text: str, name: str = "erdkk.csv"):
    return client.post(
        "/pupuk/alokasi/impor",
        data={"file": (io.BytesIO(_csv(text)), name)},
        content_type="multipart/form-data",
    )


def _token(html: str) -> tuple[str, str]:
    token = html.split('name="token" type="hidden" value="')[1].split('"')[0]
    filename = html.split('name="filename" type="hidden" value="')[1].split('"')[0]
    return token, filename


def test_upload_preview_then_confirm_on_the_page(app, login):
    _, farmer_id, kasir, pengurus = _kiosk(app)
    client = app.test_client()
    login(client, pengurus)
    resp = _upload(client, GOOD)
    html = resp.get_data(as_text=True)
    assert resp.status_code == 200
    assert 'data-stat="farmers-new">1<' in html and 'data-stat="changed">1<' in html
    assert "Simpan 5 alokasi" in html and "NPK Formula Khusus 75 kg" in html
    with app.app_context():
        assert _alloc(farmer_id, "za") is None  # the preview wrote nothing
    token, filename = _token(html)
    # Another user cannot confirm with this token: it names no file of theirs.
    other = app.test_client()
    with app.app_context():
        from outlet_pos.core.tenancy import Cooperative
        from tests.conftest import make_user

        coop = db.session.get(Cooperative, db.session.scalar(select(Farmer.cooperative_id)))
        make_user("bendahara-lain", "bendahara", coop)
    login(other, "bendahara-lain")
    resp = other.post(
        "/pupuk/alokasi/impor", data={"token": token, "filename": filename, "confirm": "1"}
    )
    assert resp.status_code == 400 and "Pilih berkas" in resp.get_data(as_text=True)
    resp = client.post(
        "/pupuk/alokasi/impor",
        data={"token": token, "filename": filename, "confirm": "1"},
        follow_redirects=True,
    )
    html = resp.get_data(as_text=True)
    assert "Impor e-RDKK selesai: 1 petani baru, 3 alokasi baru, 1 diubah, 1 tetap." in html
    with app.app_context():
        assert _alloc(farmer_id, "za").kg == 50
        assert db.session.scalar(select(func.count(Farmer.id))) == 2


def test_a_file_with_errors_is_shown_and_cannot_be_confirmed(app, login):
    _, farmer_id, _, pengurus = _kiosk(app)
    client = app.test_client()
    login(client, pengurus)
    bad = f"nik,jenis,musim,kg\n{NIK},za,2026-MT1,10\n{NIK},urea,2026-MT1,-1\n"
    resp = _upload(client, bad)
    html = resp.get_data(as_text=True)
    assert resp.status_code == 400
    assert "Baris 3: Jumlah kg tidak boleh negatif." in html
    assert "diimpor utuh atau tidak sama sekali" in html and 'name="confirm"' not in html
    # A hand-made confirm of the kept file is refused as well.
    from pathlib import Path

    kept = max(Path(app.instance_path, "impor").glob("rdkk-*.bin"), key=lambda p: p.stat().st_mtime)
    token = kept.stem.rsplit("-", 1)[1]
    resp = client.post(
        "/pupuk/alokasi/impor", data={"token": token, "filename": "erdkk.csv", "confirm": "1"}
    )
    html = resp.get_data(as_text=True)
    assert resp.status_code == 400 and "Belum ada yang disimpan" in html
    assert "Baris 3: Jumlah kg tidak boleh negatif." in html
    with app.app_context():
        assert _alloc(farmer_id, "za") is None


def test_a_cashier_views_farmers_but_cannot_import(app, login):
    _, _, kasir, _ = _kiosk(app)
    client = app.test_client()
    login(client, kasir)
    assert client.get("/pupuk/petani").status_code == 200
    assert client.get("/pupuk/alokasi/impor").status_code == 403
    assert _upload(client, GOOD).status_code == 403
    with app.app_context():
        assert db.session.scalar(select(func.count(Allocation.id))) == 3
