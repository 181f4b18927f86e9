"""The simpan pinjam pages as a cashier and two pengurus use them: register a member at the
counter, deposit and withdraw, apply for a loan, approve it as the other pengurus, pay it out
and take a repayment; refusals come back as Indonesian messages with nothing written."""

from __future__ import annotations

from sqlalchemy import func, select

from outlet_pos.core.db import run_transaction
from outlet_pos.core.ledger import post
from outlet_pos.core.ledger.models import JournalEntry
from outlet_pos.core.sales.shifts import open_shift
from outlet_pos.core.tenancy import Cooperative, Outlet
from outlet_pos.extensions import db
from outlet_pos.units.simpan_pinjam.models import Loan, SavingsAccount


def _setup(app, web_coop, web_user):
    with app.app_context():
        coop = db.session.get(Cooperative, web_coop)
        coop.simpanan_pokok_amount, coop.simpanan_wajib_amount = 100_000, 20_000
        db.session.commit()
        run_transaction(post, coop, coop.today(), "Hibah", [("112100", 10**9, 0),
                        ("312100", 0, 10**9)], source="manual")  # fmt: skip
    kasir = web_user("kasir1", "kasir")
    web_user("pengurus1", "pengurus")
    web_user("pengurus2", "pengurus")
    with app.app_context():
        from outlet_pos.core.access import User

        coop = db.session.get(Cooperative, web_coop)
        outlet = db.session.scalar(select(Outlet).where(Outlet.cooperative_id == coop.id))
        run_transaction(open_shift, coop, db.session.get(User, kasir), outlet, 20_000_000)


def _flash(resp) -> str:
    return resp.get_data(as_text=True)


def test_counter_flow(app, web_coop, web_user, login):
    _setup(app, web_coop, web_user)
    kasir = app.test_client()
    login(kasir, "kasir1")
    resp = kasir.post(
        "/simpan-pinjam/anggota/baru",
        data={
            "name": "Wayan Sudarma",
            "nik": "5103011205850003",
            "desa": "Tibubeneng",
            "phone": "081234567890",
            "pay_pokok": "y",
            "via": "tunai",
        },
        follow_redirects=True,
    )
    html = _flash(resp)
    assert "terdaftar sebagai anggota A-00001" in html
    assert "Rp100.000" in html
    with app.app_context():
        member_id = db.session.scalar(select(SavingsAccount.member_id))
    # The same NIK again is refused on the form, in Indonesian.
    resp = kasir.post(
        "/simpan-pinjam/anggota/baru",
        data={"name": "Orang Lain", "nik": "5103011205850003", "via": "tunai"},
    )
    assert resp.status_code == 200 and "sudah terdaftar atas nama Wayan Sudarma" in _flash(resp)
    base = f"/simpan-pinjam/anggota/{member_id}"
    resp = kasir.post(
        f"{base}/setor",
        data={"kind": "sukarela", "amount": "250.000", "via": "tunai"},
        follow_redirects=True,
    )
    assert "Setoran simpanan sukarela Rp250.000 diterima." in _flash(resp)
    with app.app_context():
        n = db.session.scalar(select(func.count(JournalEntry.id)))
    resp = kasir.post(
        f"{base}/tarik", data={"amount": "300.000", "via": "tunai"}, follow_redirects=True
    )
    assert "penarikan Rp300.000 ditolak" in _flash(resp)
    resp = kasir.post(
        f"{base}/tarik", data={"amount": "12,5", "via": "tunai"}, follow_redirects=True
    )
    assert "flash-error" in _flash(resp)
    with app.app_context():
        assert db.session.scalar(select(func.count(JournalEntry.id))) == n
    page = kasir.get(base)
    assert page.status_code == 200 and "Rp250.000" in _flash(page)

    # Loan: applied by pengurus1, refused to the same person, approved by pengurus2.
    p1, p2 = app.test_client(), app.test_client()
    login(p1, "pengurus1")
    login(p2, "pengurus2")
    form = p1.get("/simpan-pinjam/pinjaman/ajukan")
    assert form.status_code == 200
    with app.app_context():
        from outlet_pos.units.simpan_pinjam.models import LoanProduct

        product = db.session.scalar(select(LoanProduct).where(LoanProduct.code == "KONSUMTIF"))
        product_id = product.id
    resp = p1.post(
        "/simpan-pinjam/pinjaman/ajukan",
        data={
            "member": "a-00001",
            "product": product_id,
            "principal": "2.400.000",
            "months": "6",
            "purpose": "Biaya sekolah anak",
        },
        follow_redirects=True,
    )
    assert "menunggu persetujuan pengurus lain" in _flash(resp)
    with app.app_context():
        loan_id = db.session.scalar(select(Loan.id))
    url = f"/simpan-pinjam/pinjaman/{loan_id}"
    resp = p1.post(f"{url}/putuskan", data={"decision": "setuju"}, follow_redirects=True)
    assert "harus oleh pengurus lain" in _flash(resp)
    resp = p2.post(f"{url}/putuskan", data={"decision": "setuju"}, follow_redirects=True)
    assert "Pinjaman disetujui" in _flash(resp)
    resp = kasir.post(f"{url}/cairkan", data={"via": "tunai"}, follow_redirects=True)
    assert "dicairkan" in _flash(resp)
    resp = kasir.post(f"{url}/bayar", data={"amount": "0", "via": "tunai"}, follow_redirects=True)
    assert "flash-error" in _flash(resp)
    resp = kasir.post(
        f"{url}/bayar", data={"amount": "424.000", "via": "tunai"}, follow_redirects=True
    )
    assert "Diterima Rp424.000" in _flash(resp)
    with app.app_context():
        loan = db.session.get(Loan, loan_id)
        assert loan.outstanding == 2_400_000 - (424_000 - 24_000)
    # A cashier may not approve.
    assert kasir.post(f"{url}/putuskan", data={"decision": "setuju"}).status_code == 403


def test_simpin_pages_render(app, web_coop, web_user, login):
    _setup(app, web_coop, web_user)
    client = app.test_client()
    login(client, "pengurus1")
    for path in [
        "/simpan-pinjam/anggota",
        "/simpan-pinjam/wajib",
        "/simpan-pinjam/pinjaman",
        "/simpan-pinjam/bunga",
        "/simpan-pinjam/cadangan",
        "/simpan-pinjam/produk",
    ]:
        resp = client.get(path)
        assert resp.status_code == 200, path
        assert "Simpan pinjam" in resp.get_data(as_text=True) or path


def test_wajib_billing_sheet_pdf_and_excel(app, web_coop, web_user, login):
    import io

    from openpyxl import load_workbook

    _setup(app, web_coop, web_user)
    client = app.test_client()
    login(client, "kasir1")
    client.post("/simpan-pinjam/anggota/baru", data={
        "name": "Made Ayu", "nik": "5103014506850004", "desa": "Canggu", "via": "tunai",
        "pay_pokok": "y"})  # fmt: skip
    pdf = client.get("/simpan-pinjam/wajib?fmt=pdf")
    assert pdf.status_code == 200 and pdf.data[:4] == b"%PDF"
    xlsx = client.get("/simpan-pinjam/wajib?fmt=xlsx")
    sheet = load_workbook(io.BytesIO(xlsx.data)).active
    values = [c for row in sheet.iter_rows(values_only=True) for c in row]
    assert "Made Ayu" in values and 20_000 in values


def test_savings_product_rate_change_applies_to_sukarela(app, web_coop, web_user, login):
    _setup(app, web_coop, web_user)
    client = app.test_client()
    login(client, "pengurus1")
    client.post("/simpan-pinjam/produk")  # seed the standard products
    with app.app_context():
        from outlet_pos.units.simpan_pinjam.models import SavingsProduct

        pid = db.session.scalar(select(SavingsProduct.id).where(SavingsProduct.code == "SUKARELA"))
    resp = client.post(f"/simpan-pinjam/produk/simpanan/{pid}", data={
        "code": "SUKARELA", "name": "Simpanan Sukarela", "kind": "sukarela",
        "annual_rate": "4,5", "interest_basis": "rata_rata", "term_months": "0",
        "early_penalty_percent": "0"}, follow_redirects=True)  # fmt: skip
    assert "Produk simpanan disimpan" in resp.get_data(as_text=True)
    bad = client.post(f"/simpan-pinjam/produk/simpanan/{pid}", data={
        "code": "SUKARELA", "name": "X", "kind": "sukarela", "annual_rate": "1e5",
        "interest_basis": "terendah", "term_months": "0"})  # fmt: skip
    assert "Bunga per tahun harus angka" in bad.get_data(as_text=True)
    with app.app_context():
        product = db.session.get(SavingsProduct, pid)
        assert str(product.annual_rate.normalize()) == "4.5"
        assert product.interest_basis == "rata_rata"
